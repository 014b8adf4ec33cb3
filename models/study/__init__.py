"""What a learner keeps: the glossary of a text (`glossary`), saved word statuses (`vocab`), and the
exports (`export`: bilingual PDF and HTML, CSV, Anki), and a text's new words and Finish text (`newwords`).

A new export: a function in `export` that takes the `Document` and returns bytes, and a button in
`components/exports.py`.

May import `models.text`, `models.lexicon`, `models.document`, `models.settings`, `models.db`.
"""
