"""Tests for the exports (models.study.export): every file is opened again and its contents checked."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from models.document import Document
from models.pipeline import analyze
from models.study.export import (
    ANKI_GLOSSARY_DECK_ID,
    ANKI_MODEL_ID,
    ANKI_VOCABULARY_DECK_ID,
    bilingual_html,
    bilingual_pdf,
    glossary_apkg,
    glossary_csv,
    vocabulary_apkg,
    vocabulary_csv,
)
from models.study.vocab import VocabStore

TEXT = (
    "اتفقت اليابان وكندا على بدء المحادثات رسميًا نحو توقيع اتفاق لتبادل المعلومات الاستخباراتية "
    "العسكرية في عام 2011 (GSOMIA). "
    "وقالت وزارة الخارجية اليابانية إن الجانبين يهدفان إلى التوصل إلى اتفاق في أقرب وقت ممكن. "
    "وكتب أحدهم <script>alert(1)</script> هنا."
)
ENGLISH = [
    "Japan and Canada agreed to formally start talks on an intelligence sharing pact in 2011 (GSOMIA).",
    "The Japanese Foreign Ministry said both sides aim to reach an agreement as soon as possible.",
    'Someone wrote <img src=x onerror="alert(2)"> here & =cmd|calc.',
]
HOSTILE = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">']


@pytest.fixture(scope="module")
def doc() -> Document:
    document = analyze(TEXT)
    assert len(document.sentences) == 3
    for sentence, english in zip(document.sentences, ENGLISH, strict=True):
        sentence.translation = english
    document.glossary[0].context_gloss = "=SUM(A1)"  # a formula-looking cell
    return document


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_glossary_csv(doc: Document) -> None:
    rows = _rows(glossary_csv(doc))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["lemma", "forms"] and "translation" in header
    assert len(body) == len(doc.glossary)
    assert [r[0] for r in body] == [e.lemma for e in doc.glossary]
    first = body[0]
    assert first[header.index("in this text")] == "'=SUM(A1)"  # not run as a formula
    entry = doc.glossary[0]
    assert first[header.index("sentence")] == doc.sentences[entry.first_sentence].text
    assert first[header.index("translation")] == ENGLISH[entry.first_sentence]


def test_vocabulary_csv_and_apkg() -> None:
    store = VocabStore()
    store.set_status(
        "كَتَبَ", "learning", gloss="write", example="وكتب أحدهم هنا.", translation="Someone wrote."
    )
    store.set_status("بيت", "ignored")
    rows = _rows(vocabulary_csv(store.all_entries()))
    assert rows[0][:3] == ["lemma", "status", "gloss"]
    assert sorted(r[:3] for r in rows[1:]) == [["بيت", "ignored", ""], ["كَتَبَ", "learning", "write"]]
    notes, decks = _apkg_notes(vocabulary_apkg(store.all_entries()))
    assert [n[:2] for n in notes] == [["كَتَبَ", "write"]]  # ignored words stay out of the deck
    assert notes[0][2:] == ["وكتب أحدهم هنا.", "Someone wrote."]
    assert str(ANKI_VOCABULARY_DECK_ID) in decks


def _apkg_notes(data: bytes) -> tuple[list[list[str]], dict[str, str]]:
    """The fields of every note of an .apkg, and its decks (id → name)."""
    import json
    import tempfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "collection.anki2" in package.namelist()
        collection = package.read("collection.anki2")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.anki2"
        path.write_bytes(collection)
        with sqlite3.connect(path) as conn:
            notes = [flds.split("\x1f") for (flds,) in conn.execute("SELECT flds FROM notes ORDER BY id")]
            models, decks = conn.execute("SELECT models, decks FROM col").fetchone()
        conn.close()
    assert str(ANKI_MODEL_ID) in json.loads(models)
    return notes, {k: v["name"] for k, v in json.loads(decks).items()}


def test_glossary_apkg(doc: Document) -> None:
    data = glossary_apkg(doc)
    notes, decks = _apkg_notes(data)
    assert decks[str(ANKI_GLOSSARY_DECK_ID)] == "Qari glossary"
    assert len(notes) == len({e.lemma for e in doc.glossary})
    by_word = {n[0]: n for n in notes}
    japan = next(e for e in doc.glossary if e.gloss == "Japan")
    _, gloss, sentence, translation = by_word[japan.lemma]
    assert "Japan" in gloss
    assert "<b>اليابان</b>" in sentence
    assert sentence.replace("<b>", "").replace("</b>", "").startswith("اتفقت")
    assert translation == ENGLISH[0]
    # Anki fields are HTML: hostile text arrives escaped
    everything = "\n".join("\x1f".join(n) for n in notes)
    for bad in HOSTILE:
        assert bad not in everything
    assert "&lt;script&gt;" in everything
    # stable note ids: a second export updates, not duplicates
    import genanki

    assert genanki.guid_for("qari", "اليابان")  # GUIDs come from the word, so they repeat across exports
    assert _guids(data) == _guids(glossary_apkg(doc))


def _guids(data: bytes) -> list[str]:
    import tempfile

    with zipfile.ZipFile(io.BytesIO(data)) as package, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.anki2"
        path.write_bytes(package.read("collection.anki2"))
        with sqlite3.connect(path) as conn:
            guids = sorted(g for (g,) in conn.execute("SELECT guid FROM notes"))
        conn.close()
    return guids


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_pdf_text_shaped_and_in_order(doc: Document) -> None:
    data = bilingual_pdf(doc)
    assert data.startswith(b"%PDF")
    assert b"NotoNaskhArabic" in data, "the Arabic font is embedded"
    raw, pages = _pdf_text(data)
    assert pages >= 1
    # Shaped: the letters are drawn as their joined presentation forms (U+FB50–U+FEFF), not bare letters
    assert any("\ufe70" <= c <= "\ufeff" for c in raw)
    assert not any("\u0621" <= c <= "\u064a" for c in raw.split("Glossary")[0])
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    for english in ENGLISH:
        assert " ".join(english.split()) in text
    # In reading order, not reversed: the extractor gives back the words as they run in the sentence
    assert "اتفقت اليابان وكندا على بدء المحادثات" in text
    assert "وقالت وزارة الخارجية اليابانية" in text
    assert "(GSOMIA)" in text  # brackets mirrored in the right-to-left line
    assert "Glossary" in text and "Japan" in text


def test_pdf_handles_untranslated_and_long_documents() -> None:
    long_doc = analyze(" ".join([TEXT] * 12), with_entities=False, with_lexicon=False)
    long_doc.sentences[0].translation = "Only the first."
    text, pages = _pdf_text(bilingual_pdf(long_doc, title="Long <b>title</b>"))
    assert pages >= 2
    assert "(not translated)" in text and "Only the first." in text and "Long <b>title</b>" in text
    _, empty_pages = _pdf_text(bilingual_pdf(Document(text="")))
    assert empty_pages == 1


def test_pdf_renders(doc: Document, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed: cannot render the PDF")
    pdf = tmp_path / "reading.pdf"
    pdf.write_bytes(bilingual_pdf(doc))
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
        capture_output=True,
    )
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    with Image.open(png) as image:
        ink = image.convert("L").point(lambda v: 255 if v < 128 else 0)  # dark pixels → white on black
    width, height = ink.size
    assert abs(width - 496) <= 1 and abs(height - 702) <= 1  # A4 at 60 dpi
    # Lines of ink, top to bottom, as (left, right) extents; the margins are 2 cm = 47 px.
    # A gap of up to 2 blank rows stays within a line (dots above or below the letters).
    lines: list[tuple[int, int]] = []
    last_ink = -10
    for y in range(height):
        box = ink.crop((0, y, width, y + 1)).getbbox()
        if box is None:
            continue
        if y - last_ink > 3:
            lines.append((box[0], box[2]))
        else:
            lines[-1] = (min(lines[-1][0], box[0]), max(lines[-1][1], box[2]))
        last_ink = y
    title, arabic = lines[0], lines[1]
    assert title[0] < 60 and title[1] < width / 2  # the English title starts at the left margin
    assert arabic[1] > width - 60 and arabic[0] > 60  # the Arabic line is set from the right margin


def test_html_is_escaped_and_self_contained(doc: Document) -> None:
    data = bilingual_html(doc, title="Reading <i>1</i>")
    page = data.decode("utf-8")
    for bad in HOSTILE:
        assert bad not in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None and soup.find("i") is None
    assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.lower().startswith("on")]
    assert soup.title is not None and soup.title.string == "Reading <i>1</i>"
    # no external resources: links only within the page, the font inline
    assert all(a["href"].startswith("#") for a in soup.find_all("a"))
    assert "http://" not in page and "https://" not in page and "@font-face" in page
    arabic = soup.select('p.ar[dir="rtl"][lang="ar"]')
    english = soup.select('p.en[dir="ltr"]')
    assert [p.get_text() for p in arabic] == [s.text for s in doc.sentences]
    assert [p.get_text() for p in english] == ENGLISH
    rows = soup.select("tbody tr")
    assert len(rows) == len(doc.glossary)
    assert rows[0].td is not None and rows[0].td["dir"] == "rtl"
    assert len(bilingual_html(doc, embed_font=False)) < len(data) - 100_000
