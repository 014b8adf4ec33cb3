"""What a learner keeps: the glossary of a text (`glossary`), saved word statuses (`vocab`), and the
exports (`export`, the entry point, re-exporting one module per format: `pdf_export` and `html_export`
for the bilingual reading, `csv_export`, `anki_export`; the cards and entry helpers they share in `cards`;
the word-by-word layout in `interlinear_export`), a text's new words and Finish text (`newwords`), the
known-word counts of each text and book, kept by database triggers as words are marked (`counts`), and
which of the page's actions were applied, each once (`actions`).

A new export: a module `<format>_export` with a function that takes the `Document` and returns bytes,
re-exported by `export`, and a button in `components/exports.py`.

May import `models.text`, `models.lexicon`, `models.document`, `models.settings`, `models.db`.
"""
