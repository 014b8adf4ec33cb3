"""The figures of the progress view, per day (the server's local calendar), as plain rows for charts.

- lemmas known over time: the words marked known, counted on the day they became known (the last change
  of a word still known; a word known, then forgotten, counts from its latest change);
- words read per day: the distinct words of the texts opened that day (by the day each was last opened:
  the library keeps no older openings);
- texts finished per day: texts whose reading position is on their last sentence, by the day last opened;
- reviews per day and the recall rate: answers other than Again, as a share of the day's answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from models.review.store import HistoryRow
from models.study.library import Library
from models.study.vocab import VocabEntry
from models.text.segment import split_sentences

__all__ = ["day", "known_over_time", "reading_per_day", "reviews_per_day"]


def day(moment: float) -> str:
    """The local calendar day of a time (seconds since the epoch), as YYYY-MM-DD."""
    return datetime.fromtimestamp(moment).date().isoformat()


def known_over_time(entries: Iterable[VocabEntry]) -> list[dict[str, Any]]:  # chart rows
    """[{day, known}]: how many lemmas were known at the end of each day one became known."""
    per_day = Counter(day(e.updated) for e in entries if e.status == "known")
    rows, total = [], 0
    for when in sorted(per_day):
        total += per_day[when]
        rows.append({"day": when, "known": total})
    return rows


def reading_per_day(library: Library) -> list[dict[str, Any]]:  # chart rows
    """[{day, words, texts, finished}]: distinct words and texts opened, and texts finished, per day."""
    words: Counter[str] = Counter()
    opened: Counter[str] = Counter()
    finished: Counter[str] = Counter()
    for item, keys in library.texts():
        when = day(item.opened)
        opened[when] += 1
        words[when] += len(keys or [])
        if item.position >= max(0, len(split_sentences(item.body)) - 1):
            finished[when] += 1
    return [
        {"day": d, "words": words[d], "texts": opened[d], "finished": finished[d]} for d in sorted(opened)
    ]


def reviews_per_day(history: Iterable[HistoryRow]) -> list[dict[str, Any]]:  # chart rows
    """[{day, reviews, recalled, recall}]: answers per day, those not Again, and their share."""
    reviews: Counter[str] = Counter()
    recalled: Counter[str] = Counter()
    for row in history:
        when = day(row.reviewed)
        reviews[when] += 1
        recalled[when] += row.rating > 1
    return [
        {"day": d, "reviews": reviews[d], "recalled": recalled[d], "recall": recalled[d] / reviews[d]}
        for d in sorted(reviews)
    ]


def today() -> str:
    """Today's local calendar day, as `day` writes it."""
    return date.today().isoformat()
