"""Books: texts of any length, read a part at a time.

`epub` reads an EPUB (2 or 3) into a `Book` (its chapters in reading order, titled by its table of
contents) and refuses a bad one in one plain sentence (`InputError`); `parts` splits a book, or a long
plain text, into the parts the page reads one at a time (a chapter, long chapters in pages); `shelf`
keeps each reader's books in the readers' database with where they stopped, their known-word counts kept
by `models.study.counts`; `reading` is the entry point for a file (`read_book`); `backup` puts the books in
the library file and takes them back (checked whole before anything is written).

May import `models.inputs` (files and their limits), `models.study` (the vocabulary, for the counts),
`models.text`, `models.document`, `models.settings`, `models.db`.
"""
