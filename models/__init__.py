"""Qari's models: everything that turns text into an analysed `Document` (no Streamlit here).

Feature packages, each owning one step, and what each may import (checked by tests/test_architecture.py):

    text/         the text engine: normalisation, tokens, sentences, transliteration   → document
    lexicon/      the Arabic lexicon: readings, lemmas, glosses (Buckwalter, FreeDict)  → text
    names/        named entities: gazetteer, CRF and transformers taggers, recogniser   → text, lexicon
    translation/  MarianMT engines, the translation cache, word alignment               → text
    study/        glossary, saved vocabulary, exports                                   → text, lexicon
    inputs/       reading what a reader brings: files, encodings, OCR                   → text
    vowels/       the diacritizer: a text's short vowels added, DER/WER scoring         → text, lexicon
    speech/       reading aloud: espeak-ng from the voweled text, MP3s, word timings     → text, vowels
    interlinear/  word-by-word glosses: the English under each word, from alignment or lexicon → text, lexicon
    review/       reviews: FSRS cards per reader in their own sentences, progress figures → study, text, lexicon
    build/        build-time only: the gazetteer table, the CRF, frequency tables       → anything

At the top: `document.py` (the data structure), `pipeline.py` (the one pipeline, used by the page and
`python -m models`), `settings.py` (every QARI_* setting, the data folder), `db.py` (SQLite
connections), `registry.py` (loaded models), `hub.py` (offline look-ups of Hugging Face models), `soon.py`
(background jobs the page does not wait for).
Any package may import those, except that nothing below imports `pipeline`.
"""
