"""A reader's books in the library file (its "books" section, `models.study.library`'s format).

Each book goes in as the shelf keeps it: its details, its parts (chapter, page, title, text) as they
are, where the reader stopped, and the words counted from the parts read. Importing adds the books
this reader does not have (the same book, by its digest, is not kept twice; the file's place wins when
the file's copy was opened last). As for the rest of the file, the section is checked whole before
anything is written: a damaged file changes nothing.
"""

from __future__ import annotations

import math
import re
from typing import Any

from models.books.parts import MAX_BOOK_CHARS, Part
from models.books.shelf import MAX_TITLE, SOURCES, Shelf
from models.study.vocab import vocab_key

_DIGEST = re.compile(r"[0-9a-f]{64}")
_DAMAGED = "This Qari library file is damaged ({})."


def export_books(shelf: Shelf) -> list[dict[str, Any]]:
    """Every book of the shelf as JSON-ready data (no reader key in it)."""
    books = []
    for stored in shelf.stored():
        entry = stored.entry
        books.append({
            "title": entry.title, "source": entry.source, "address": entry.address,
            "direction": entry.direction, "digest": stored.digest, "part": entry.part,
            "sentence": entry.sentence, "added": entry.added, "opened": entry.opened,
            "parts": [
                {"chapter": p.chapter, "page": p.page, "pages": p.pages, "title": p.title, "text": p.text,
                 "counted": p.index in stored.counted}
                for p in stored.parts
            ],
            "words": stored.words,
        })  # fmt: skip
    return books


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _time(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None


def check_books(section: Any) -> list[dict[str, Any]]:
    """The books of a file's "books" section, checked and cleaned; ValueError if it is damaged."""
    if section is None:
        return []
    if not isinstance(section, list):
        raise ValueError(_DAMAGED.format("books must be a list"))  # noqa: TRY004 - a damaged file
    checked = []
    for item in section:
        if not isinstance(item, dict) or not isinstance(item.get("parts"), list) or not item["parts"]:
            raise ValueError(_DAMAGED.format("a book without its parts"))
        parts, chars = [], 0
        for index, part in enumerate(item["parts"]):
            body = part.get("text") if isinstance(part, dict) else None
            chapter, page, pages = (
                _count(part.get(k)) if isinstance(part, dict) else None for k in ("chapter", "page", "pages")
            )
            if not isinstance(body, str) or not body.strip() or chapter is None or page is None or not pages:
                raise ValueError(_DAMAGED.format("a book's part without its text or its place"))
            title = part.get("title") if isinstance(part.get("title"), str) else ""
            chars += len(body)
            parts.append(
                (
                    Part(index, chapter, page, pages, " ".join(title.split())[:MAX_TITLE], body),
                    part.get("counted") is True,
                )
            )
        if chars > MAX_BOOK_CHARS:
            raise ValueError(_DAMAGED.format("a book longer than Qari keeps"))
        title = item.get("title")
        words = item.get("words")
        checked.append({
            "title": " ".join(title.split())[:MAX_TITLE] if isinstance(title, str) and title.strip() else "Imported book",
            "source": item["source"] if item.get("source") in SOURCES else "upload",
            "address": item["address"] if isinstance(item.get("address"), str) and item["address"] else None,
            "direction": item["direction"] if item.get("direction") in ("rtl", "ltr") else "",
            "digest": item["digest"] if isinstance(item.get("digest"), str) and _DIGEST.fullmatch(item["digest"]) else None,
            "part": min(_count(item.get("part")) or 0, len(parts) - 1),
            "sentence": _count(item.get("sentence")) or 0,
            "added": _time(item.get("added")),
            "opened": _time(item.get("opened")),
            "parts": parts,
            "words": sorted({k for k in (vocab_key(w) for w in words if isinstance(w, str)) if k})
            if isinstance(words, list) else [],
        })  # fmt: skip
    return checked


def import_books(shelf: Shelf, checked: list[dict[str, Any]]) -> int:
    """Add the checked books (`check_books`) to the shelf, in one transaction (a failure part way keeps
    none of them); returns how many the file held."""
    with shelf.db.transaction(write=True) as conn:
        for book in checked:
            shelf.restore(**book, within=conn)
    return len(checked)
