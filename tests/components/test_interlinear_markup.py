"""Word-by-word markup: every word in a ruby with its gloss, the text intact, marks nested, text escaped."""

from __future__ import annotations

import re

from components.markup import render_arabic
from components.reader import reader_payload
from models.interlinear import interlinear_glosses
from models.pipeline import analyze
from tests.components.test_markup import make_doc, parse


def test_every_word_is_a_ruby_with_its_gloss_and_the_text_reads_as_written() -> None:
    text = "اتفقت اليابان وكندا على بدء المحادثات في هونغ كونغ."
    doc = analyze(text)
    glosses = interlinear_glosses(doc)
    html = render_arabic(doc, None, glosses)
    tree = parse(html)  # nesting checked: a mark cut at the word's edge never crosses a ruby
    rubies = [(a, "".join(t)) for tag, a, t in tree.elements if tag == "ruby"]
    words = [t for s in doc.sentences for t in s.tokens if t.kind == "arabic"]
    assert len(rubies) == len(words)
    gloss_texts = ["".join(t) for tag, _, t in tree.elements if tag == "rt"]
    assert gloss_texts == [g for s, row in zip(doc.sentences, glosses, strict=True)
                           for t, g in zip(s.tokens, row, strict=True) if t.kind == "arabic"]
    assert "and-Canada" in gloss_texts or "Canada" in " ".join(gloss_texts)
    # the Arabic without the glosses is the sentence as written
    without = re.sub(r"<rt[^>]*>.*?</rt>", "", html)
    assert "".join(parse(without).text) == text
    marks = [a["data-entity"] for tag, a, _ in tree.elements if tag == "mark"]
    assert marks.count("LOC") >= 3  # Japan, Canada, and Hong Kong cut into one mark per word


def test_glosses_are_escaped_and_the_mode_reaches_the_browser() -> None:
    doc = make_doc("قال <b>x</b> هنا.")
    hostile = [["<img src=x onerror=alert(1)>" for _ in s.tokens] for s in doc.sentences]
    html = render_arabic(doc, None, hostile)
    assert "<img" not in html and "&lt;img" in html
    off = reader_payload(doc, None)
    on = reader_payload(doc, None, interlinear="new")
    assert off["interlinear"] == "off" and "<ruby" not in off["arabic_html"]
    assert on["interlinear"] == "new" and "<ruby" in on["arabic_html"] and on["doc_id"] != off["doc_id"]
    # new-only and every-word are one markup: switching between them only toggles a class
    assert reader_payload(doc, None, interlinear="all")["doc_id"] == on["doc_id"]
