"""Word by word in the exports: the web page's rubies and the PDF's words over glosses."""

from __future__ import annotations

import io
import unicodedata

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from models.document import Document
from models.interlinear import interlinear_glosses
from models.pipeline import analyze
from models.study.export import bilingual_html, bilingual_pdf

TEXT = "اتفقت اليابان وكندا على بدء المحادثات في عام 2011. وكتب أحدهم <script>alert(1)</script> هنا."


@pytest.fixture(scope="module")
def doc() -> Document:
    document = analyze(TEXT)
    for sentence in document.sentences:
        sentence.translation = "An English sentence."
    return document


def test_web_page_puts_each_word_over_its_gloss_and_escapes_them(doc: Document) -> None:
    glosses = interlinear_glosses(doc)
    glosses[1] = ["<img src=x onerror=alert(3)>" if g else g for g in glosses[1]]
    page = bilingual_html(doc, interlinear=glosses, embed_font=False).decode("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.find("script") and not soup.find("img")
    arabic = soup.select("p.ar.il")
    assert len(arabic) == len(doc.sentences)
    for p, sentence, row in zip(arabic, doc.sentences, glosses, strict=True):
        rubies = p.find_all("ruby")
        assert [r.rt.get_text() for r in rubies] == [
            g for t, g in zip(sentence.tokens, row, strict=True) if t.kind in ("arabic", "latin", "number")
        ]
        for rt in p.find_all("rt"):
            rt.decompose()
        assert p.get_text() == sentence.text  # the sentence reads as written without its glosses
    assert "and-Canada" in page or "Canada" in page
    assert bilingual_html(doc, embed_font=False) == bilingual_html(doc, embed_font=False, interlinear=None)
    assert "<ruby>" not in bilingual_html(doc, embed_font=False).decode("utf-8")


def test_pdf_sets_each_word_over_its_gloss(doc: Document) -> None:
    glosses = interlinear_glosses(doc)
    data = bilingual_pdf(doc, interlinear=glosses)
    raw = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    assert any("\ufe70" <= c <= "\ufeff" for c in raw)  # Arabic shaped, as in the rest of the PDF
    for gloss in {g for row in glosses for g in row if g}:
        assert gloss in text, gloss
    assert "An English sentence." in text
    assert bilingual_pdf(doc) != data
