"""The library file with the review cards and history in it (format version 2, `models.study.library`).

The file is the library's (`export_reader`: texts and vocabulary) plus a "reviews" section: the cards'
FSRS state and every answer, without the reader's key. A version-1 file, or a version-2 file without the
section, imports as before. As for the rest of the file, the section is checked whole before anything is
written: a damaged file changes nothing.
"""

from __future__ import annotations

import math
from typing import Any

from fsrs import Card

from models.review.store import RATINGS, ReviewStore
from models.study import library as library_file
from models.study.library import Library
from models.study.vocab import STATUSES, VocabStore, vocab_key

__all__ = ["export_bytes", "export_reader", "import_bytes", "import_reader"]


def _reviews(library: Library, reviews: ReviewStore | None) -> ReviewStore:
    store = reviews or ReviewStore(library.db, library.reader)
    if store.reader != library.reader:
        raise ValueError("The library and the reviews must be the same reader's.")
    return store


def export_reader(
    library: Library, vocabulary: VocabStore, reviews: ReviewStore | None = None
) -> dict[str, Any]:
    """The reader's library, vocabulary, review cards and history as one JSON-ready document."""
    document = library_file.export_reader(library, vocabulary)
    document["reviews"] = _reviews(library, reviews).export_rows()
    return document


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_reviews(section: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The cards and history rows of a file's "reviews" section, checked; ValueError if damaged."""
    damaged = "This Qari library file is damaged ({})."
    if section is None:
        return [], []
    if not isinstance(section, dict):
        raise ValueError(damaged.format("reviews must be a section"))  # noqa: TRY004 - a damaged file
    cards, history = section.get("cards", []), section.get("history", [])
    if not isinstance(cards, list) or not isinstance(history, list):
        raise ValueError(damaged.format("review cards and history must be lists"))  # noqa: TRY004
    checked_cards = []
    for item in cards:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not vocab_key(item["key"]):
            raise ValueError(damaged.format("a review card without its word"))
        try:
            card = Card.from_dict(item["card"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(damaged.format(f"the review card of {item['key']!r}")) from exc
        reviews = item.get("reviews", 0)
        checked_cards.append({
            "key": item["key"], "card": card.to_dict(),
            "reviews": reviews if isinstance(reviews, int) and not isinstance(reviews, bool) and reviews >= 0 else 0,
            "created": item["created"] if _number(item.get("created")) else card.due.timestamp(),
        })  # fmt: skip
    checked_history = []
    for row in history:
        if (
            not isinstance(row, dict)
            or not isinstance(row.get("id"), str)
            or not row["id"]
            or not isinstance(row.get("key"), str)
            or not vocab_key(row["key"])
            or row.get("rating") not in RATINGS
            or isinstance(row.get("rating"), bool)
            or not _number(row.get("reviewed"))
            or not _number(row.get("due"))
            or row.get("previous") not in STATUSES
            or row.get("status") not in STATUSES
        ):
            raise ValueError(damaged.format("a review history row"))
        checked_history.append(
            {k: row[k] for k in ("id", "key", "rating", "reviewed", "due", "previous", "status")}
        )
    return checked_cards, checked_history


def import_reader(
    document: Any, library: Library, vocabulary: VocabStore, reviews: ReviewStore | None = None
) -> tuple[int, int]:
    """Merge an exported document (version 1 or 2) into this reader's library, vocabulary and reviews;
    returns (texts, words) read."""
    store = _reviews(library, reviews)
    section = document.get("reviews") if isinstance(document, dict) else None
    cards, history = check_reviews(section)  # before anything is written
    found = library_file.import_reader(document, library, vocabulary)
    if cards or history:
        store.import_rows(cards, history)
    return found


def export_bytes(library: Library, vocabulary: VocabStore) -> bytes:
    """`export_reader` as a UTF-8 JSON file."""
    return library_file.file_bytes(export_reader(library, vocabulary))


def import_bytes(data: bytes, library: Library, vocabulary: VocabStore) -> tuple[int, int]:
    """`import_reader` of a UTF-8 JSON file; ValueError for anything that is not one."""
    return import_reader(library_file.file_document(data), library, vocabulary)
