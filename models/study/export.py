"""Exports: the vocabulary and a text's glossary as CSV and Anki decks; the reading as PDF and HTML.

Every function returns the file's bytes, ready for `st.download_button`.

- CSV: UTF-8 with a byte-order mark (Excel otherwise reads Arabic as mojibake), CRLF line ends;
  cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) get a leading '.
- Anki (.apkg, genanki): one note per word with the word, its gloss, the sentence it came from and that
  sentence's English. Model and deck ids are fixed, and a note's GUID comes from the word's matching
  key, so importing a newer export updates the cards instead of duplicating them. Given an `audio`
  function (text → MP3 bytes, e.g. `models.speech`, passed in by the page), the notes carry the word's and
  the sentence's audio as Anki media ([sound:…]), in a note type of their own (Qari word with audio).
- PDF (reportlab): no shaping engine runs in reportlab, so Arabic is shaped with arabic-reshaper
  (contextual letter forms, lam-alef) and put in display order with python-bidi, *line by line after
  line breaking in logical order* (reordering a whole paragraph first would put its end on the first
  line). The Arabic font (static/fonts/NotoNaskhArabic-Regular.ttf, OFL) is embedded; it has no Latin
  letters, so text is drawn in runs, each in the first font that has its characters. Tashkeel is
  dropped in the PDF: without GPOS mark positioning reportlab would draw the marks beside the letters.
- HTML: one self-contained page (embedded CSS and font, no scripts, no external requests); every piece
  of text is escaped; Arabic blocks are dir="rtl" lang="ar".
"""

from models.study.anki_export import (
    ANKI_AUDIO_MODEL_ID,
    ANKI_GLOSSARY_DECK_ID,
    ANKI_MODEL_ID,
    ANKI_VOCABULARY_DECK_ID,
    AudioFor,
    anki_deck,
    glossary_apkg,
    vocabulary_apkg,
)
from models.study.cards import Card, Context, glossary_cards, vocabulary_cards
from models.study.csv_export import glossary_csv, vocabulary_csv
from models.study.html_export import bilingual_html
from models.study.pdf_export import ARABIC_BOLD_FONT_FILE, ARABIC_FONT_FILE, FONT_DIR, bilingual_pdf

__all__ = [
    "ANKI_AUDIO_MODEL_ID",
    "ANKI_GLOSSARY_DECK_ID",
    "ANKI_MODEL_ID",
    "ANKI_VOCABULARY_DECK_ID",
    "ARABIC_BOLD_FONT_FILE",
    "ARABIC_FONT_FILE",
    "FONT_DIR",
    "AudioFor",
    "Card",
    "Context",
    "anki_deck",
    "bilingual_html",
    "bilingual_pdf",
    "glossary_apkg",
    "glossary_cards",
    "glossary_csv",
    "vocabulary_apkg",
    "vocabulary_cards",
    "vocabulary_csv",
]
