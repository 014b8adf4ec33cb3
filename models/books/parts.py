"""A book, its chapters, and the parts the page reads one at a time.

A part is a chapter, or a page of a long chapter: pages are cut at paragraph boundaries (a paragraph
longer than a page at its sentence ends, else between words), so each stays near `PAGE_CHARS`
characters, about 150 sentences of Arabic news, which the page analyses in about a second. A long plain
text becomes a book of such parts too (`text_book`).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field

PAGE_CHARS = 15_000  # a part's length: about 2,500 words, 100 sentences of news, 150 of a novel
MAX_BOOK_CHARS = 30_000_000  # about 5 million words: far past any novel, still bounded
_SENTENCE_END = re.compile(r"[.!?؟۔…]+[\"'»”)\]]*\s+")


@dataclass(frozen=True)
class Chapter:
    title: str
    text: str


@dataclass
class Book:
    """A book's title, its chapters in reading order, and how it was read."""

    title: str
    chapters: list[Chapter]
    direction: str = ""  # "rtl" or "ltr" where the book says which way its pages turn
    language: str = ""
    notes: list[str] = field(default_factory=list)

    def digest(self) -> str:
        """The same book (titles and text) gives the same digest: it is kept once per reader."""
        sha = hashlib.sha256()
        for chapter in self.chapters:
            sha.update(chapter.title.encode("utf-8") + b"\x00" + chapter.text.encode("utf-8") + b"\x01")
        return sha.hexdigest()

    @property
    def chars(self) -> int:
        return sum(len(c.text) for c in self.chapters)


@dataclass(frozen=True)
class Part:
    """What the page reads at once: chapter `chapter` (from 0), page `page` of its `pages`."""

    index: int
    chapter: int
    page: int
    pages: int
    title: str
    text: str

    @property
    def label(self) -> str:
        """The part as the contents list it: the chapter's title, and the page of a paged chapter."""
        return part_label(self.title, self.page, self.pages)


def part_label(title: str, page: int, pages: int) -> str:
    """A part as the contents list it: its chapter's title, and the page of a paged chapter (the title
    isolated, so a right-to-left title and the page number stay in their order)."""
    return title if pages == 1 else f"\u2068{title}\u2069 · page {page + 1} of {pages}"


def words(text: str) -> int:
    """Words as a reader counts them: runs between spaces."""
    return len(text.split())


def book_parts(book: Book, page_chars: int = PAGE_CHARS) -> list[Part]:
    """Every part of `book` in reading order."""
    parts: list[Part] = []
    for number, chapter in enumerate(book.chapters):
        pages = paginate(chapter.text, page_chars)
        for page, text in enumerate(pages):
            parts.append(Part(len(parts), number, page, len(pages), chapter.title, text))
    return parts


def paginate(text: str, page_chars: int = PAGE_CHARS) -> list[str]:
    """`text` in pages of about `page_chars` characters (evened out: 40,000 makes two of 20,000), cut
    at paragraph boundaries where there are any."""
    text = text.strip()
    if len(text) <= page_chars:
        return [text] if text else []
    target = math.ceil(len(text) / math.ceil(len(text) / page_chars))
    pages: list[str] = []
    start = 0
    while len(text) - start > page_chars:
        cut = _cut(text, start, target, page_chars)
        pages.append(text[start:cut].strip())
        start = cut
    pages.append(text[start:].strip())
    return [page for page in pages if page]


def _cut(text: str, start: int, target: int, limit: int) -> int:
    """Where the page from `start` ends: the paragraph end nearest `target` characters on, else a
    sentence end, else a space; never past `limit` characters."""
    end = start + limit
    want = start + target
    after = text.find("\n", want, end)
    before = text.rfind("\n", start + target // 2, want)
    cands = [c for c in (before, after) if c > start]
    if cands:
        return min(cands, key=lambda c: abs(c - want)) + 1
    window = text[start + target // 2 : end]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends:
        return start + target // 2 + min(ends, key=lambda e: abs(start + target // 2 + e - want))
    space = text.rfind(" ", start + target // 2, end)
    return space + 1 if space > start else end


def text_book(text: str, title: str, page_chars: int = PAGE_CHARS) -> Book:
    """A long plain text as a book: parts of about `page_chars` characters cut at paragraph boundaries,
    each a chapter titled "Part N"."""
    pages = paginate(text, page_chars)
    return Book(title, [Chapter(f"Part {n}", page) for n, page in enumerate(pages, 1)])
