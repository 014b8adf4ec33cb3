"""The vowels mode in the reader's markup: the added marks are drawn apart, and nothing else changes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from components.markup import render_arabic, token_cards
from models.document import Document
from models.pipeline import add_vowels, analyze
from models.text.arabic import TASHKEEL_CHARS, strip_tashkeel
from models.vowels.background import wait
from tests.support import SAMPLE

VZ = re.compile(r'<span class="vz">([^<]*)</span>')


def voweled_sample() -> tuple[Document, Document]:
    plain = analyze(SAMPLE)
    voweled = analyze(SAMPLE)
    found = wait(SAMPLE, timeout=120)
    assert found is not None
    add_vowels(voweled, found)
    return plain, voweled


class Texts(HTMLParser):
    """The text a reader sees: all of it, or without the added vowels."""

    def __init__(self, skip_vz: bool) -> None:
        super().__init__()
        self.skip_vz, self.depth, self.out = skip_vz, 0, []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth or (tag == "span" and ("class", "vz") in attrs):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not (self.skip_vz and self.depth):
            self.out.append(data)


def text_of(html: str, skip_vz: bool) -> str:
    parser = Texts(skip_vz)
    parser.feed(html)
    return "".join(parser.out)


def test_added_marks_are_apart_and_without_them_the_markup_is_as_before() -> None:
    plain, voweled = voweled_sample()
    before, after = render_arabic(plain, 0), render_arabic(voweled, 0)
    added = VZ.findall(after)
    assert len(added) > 200  # the sample is written without vowels: most words get some
    assert all(re.fullmatch(f"[{TASHKEEL_CHARS}]+", marks) for marks in added)  # only marks, nothing else
    assert VZ.sub("", after) == before  # the same elements, words, entities and ids: nothing moves
    # seen with the vowels, each word reads as its voweled form; without them, as written
    assert text_of(after, skip_vz=True) == text_of(before, skip_vz=False)
    shown = text_of(after, skip_vz=False)
    assert strip_tashkeel(shown) == strip_tashkeel(text_of(before, skip_vz=False))
    assert "الْيَابَانُ" in shown or "الْيَابَانِ" in shown


def test_every_word_and_glossary_entry_has_its_voweled_form() -> None:
    _, doc = voweled_sample()
    words = [t for s in doc.sentences for t in s.tokens if t.kind == "arabic"]
    assert all(t.voweled and strip_tashkeel(t.voweled) == strip_tashkeel(t.text) for t in words)
    entries = {g.lemma: g for g in doc.glossary}
    assert strip_tashkeel(entries["الولايات المتحدة"].voweled or "") == "الولايات المتحدة"  # a name: whole
    cards = token_cards(doc)
    assert all(
        c["voweled"]
        for c, t in zip(cards, [t for s in doc.sentences for t in s.tokens], strict=True)
        if t.kind == "arabic"
    )
