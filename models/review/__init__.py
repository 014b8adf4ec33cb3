"""Reviewing saved words in Qari: FSRS scheduling per reader (`store`), each card shown in a sentence from
the reader's own library (`context`), the figures of the progress view (`progress`), and the review
history in the library file (`backup`).

Cards are made for the words a reader marked new or learning (`models.study.vocab`); a review changes
the word's status (`store.status_after`). Cards and history live in the readers' database
(`models.db`), one reader's rows never reachable from another reader's store.

May import `models.study`, `models.text`, `models.lexicon`, `models.document`, `models.settings`,
`models.db`.
"""
