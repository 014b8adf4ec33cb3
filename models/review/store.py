"""One reader's review cards and history, scheduled by FSRS (the `fsrs` package, the scheduler Anki uses).

A card is made for every word the reader marked new or learning (`sync`); once made it stays scheduled
while the word is new, learning or known, and rests while the word is ignored or forgotten. Each answer
(`answer`: Again / Hard / Good / Easy) is one transaction: the card's new FSRS state and a history row,
written together or not at all. The word's status follows (`status_after`): a new word reviewed is
being learnt; an answer that puts the next review `KNOWN_DAYS` or more away makes it known; a known word
forgotten (Again) is learning again.

The status is written to the vocabulary after the review's transaction. A kill between the two leaves a
history row newer than the word's last change: the next `sync` gives the word the status that row says,
so a kill -9 loses at most the answer being written.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from fsrs import Card, Rating, Scheduler
from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.db import Database
from models.study.vocab import (
    LOCAL_READER,
    Status,
    VocabEntry,
    VocabStore,
    check_reader,
    readers_database,
    vocab_key,
)

__all__ = [
    "KNOWN_DAYS",
    "RATINGS",
    "Answer",
    "DueCard",
    "HistoryRow",
    "ReviewStore",
    "scheduler",
    "status_after",
]  # fmt: skip

KNOWN_DAYS = 21  # a word whose next review is three weeks away is one the reader knows
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}

_CARDS = """
CREATE TABLE IF NOT EXISTS review_cards (
    reader  TEXT NOT NULL,
    key     TEXT NOT NULL,
    card    TEXT NOT NULL,
    due     DOUBLE PRECISION NOT NULL,
    reviews INTEGER NOT NULL DEFAULT 0,
    created DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (reader, key)
)
"""
_LOG = """
CREATE TABLE IF NOT EXISTS review_log (
    reader   TEXT NOT NULL,
    id       TEXT NOT NULL,
    key      TEXT NOT NULL,
    rating   INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    reviewed DOUBLE PRECISION NOT NULL,
    due      DOUBLE PRECISION NOT NULL,
    previous TEXT NOT NULL,
    status   TEXT NOT NULL,
    PRIMARY KEY (reader, id)
)
"""


def scheduler(*, fuzz: bool = True) -> Scheduler:
    """FSRS with its default parameters (desired retention 0.9); `fuzz` spreads due dates a little, as
    Anki does, so words learnt together do not all come back on one day."""
    return Scheduler(enable_fuzzing=fuzz)


def _setup(conn: Connection) -> None:
    conn.exec_driver_sql(_CARDS)
    conn.exec_driver_sql(_LOG)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS review_cards_due ON review_cards (reader, due)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS review_log_reviewed ON review_log (reader, reviewed)")


def _moment(when: float | None) -> datetime:
    return datetime.fromtimestamp(time.time() if when is None else when, UTC)


def status_after(before: Status, rating: int, due_in: timedelta) -> Status:
    """The word's status after a review answered `rating` that put the next review `due_in` away."""
    if before == "known" and rating == Rating.Again:
        return "learning"
    if due_in >= timedelta(days=KNOWN_DAYS):
        return "known"
    if before == "new":
        return "learning"
    return before


@dataclass(frozen=True)
class DueCard:
    """A card to review now: the word's saved entry, its FSRS card and how often it was reviewed."""

    entry: VocabEntry
    card: Card
    reviews: int

    @property
    def key(self) -> str:
        return self.entry.key


@dataclass(frozen=True)
class Answer:
    """What an answer did: the next due time (seconds since the epoch) and the word's status before/after."""

    key: str
    rating: int
    due: float
    before: Status
    status: Status


@dataclass(frozen=True)
class HistoryRow:
    """One answer of the history."""

    key: str
    rating: int
    reviewed: float
    due: float
    before: str
    status: str


class ReviewStore:
    """One reader's review cards and history."""

    def __init__(
        self,
        where: Path | str | Database | None = None,
        reader: str = LOCAL_READER,
        fsrs: Scheduler | None = None,
    ) -> None:
        self.db = readers_database(where)
        self.reader = check_reader(reader)
        self.vocabulary = VocabStore(self.db, self.reader)  # its table, which the queries join
        self.scheduler = fsrs or scheduler()
        self.db.ensure("review", _setup)

    # ---- cards ------------------------------------------------------------------------------------------

    def sync(self, now: float | None = None) -> int:
        """Make cards for this reader's new and learning words that have none (due at once), and give a
        word whose last review was not followed by its status change (a kill in between) that status.
        Returns how many cards were made."""
        when = _moment(now)
        with self.db.transaction() as conn:
            missing = conn.execute(
                text(
                    "SELECT v.key FROM vocabulary v WHERE v.reader = :reader AND v.status IN ('new', 'learning') "
                    "AND NOT EXISTS (SELECT 1 FROM review_cards c WHERE c.reader = v.reader AND c.key = v.key)"
                ),
                {"reader": self.reader},
            ).fetchall()
            behind = conn.execute(
                text(
                    """
                    SELECT l.key, l.status FROM review_log l
                    JOIN vocabulary v ON v.reader = l.reader AND v.key = l.key
                    WHERE l.reader = :reader AND l.reviewed > v.updated AND l.status <> v.status
                      AND l.reviewed = (SELECT MAX(m.reviewed) FROM review_log m
                                        WHERE m.reader = l.reader AND m.key = l.key)
                    """
                ),
                {"reader": self.reader},
            ).fetchall()
        if missing:
            rows = [
                {
                    "reader": self.reader,
                    "key": key,
                    "card": json.dumps(Card(due=when).to_dict()),
                    "due": when.timestamp(),
                    "created": when.timestamp(),
                }
                for (key,) in missing
            ]
            with self.db.transaction(write=True) as conn:
                conn.execute(
                    text(
                        "INSERT INTO review_cards (reader, key, card, due, reviews, created) "
                        "VALUES (:reader, :key, :card, :due, 0, :created) ON CONFLICT (reader, key) DO NOTHING"
                    ),
                    rows,
                )
        for key, status in behind:
            entry = self.vocabulary.get(key)
            if entry is not None:
                self.vocabulary.set_status(entry.lemma, cast("Status", status))
        return len(missing)

    def due(self, now: float | None = None, limit: int | None = None) -> list[DueCard]:
        """The cards due at `now` (default: now), the longest overdue first."""
        query = (
            "SELECT v.key, v.lemma, v.status, v.gloss, v.example, v.translation, v.created, v.updated, c.card, "
            "c.reviews FROM review_cards c JOIN vocabulary v ON v.reader = c.reader AND v.key = c.key "
            "WHERE c.reader = :reader AND c.due <= :now AND v.status IN ('new', 'learning', 'known') "
            "ORDER BY c.due, c.key"
        )
        args: dict[str, Any] = {"reader": self.reader, "now": _moment(now).timestamp()}
        if limit is not None:
            query += " LIMIT :limit"
            args["limit"] = int(limit)
        with self.db.transaction() as conn:
            rows = conn.execute(text(query), args).fetchall()
        return [
            DueCard(
                VocabEntry(row[0], row[1], row[2], row[3], row[4], row[5], float(row[6]), float(row[7])),
                Card.from_dict(json.loads(row[8])),
                int(row[9]),
            )
            for row in rows
        ]

    def due_count(self, now: float | None = None) -> int:
        """How many cards are due at `now`."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text(
                    "SELECT COUNT(*) FROM review_cards c JOIN vocabulary v ON v.reader = c.reader AND v.key = c.key "
                    "WHERE c.reader = :reader AND c.due <= :now AND v.status IN ('new', 'learning', 'known')"
                ),
                {"reader": self.reader, "now": _moment(now).timestamp()},
            ).fetchone()
        return int(row[0]) if row else 0

    def card(self, lemma: str) -> Card | None:
        """The FSRS card of `lemma`, or None."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text("SELECT card FROM review_cards WHERE reader = :reader AND key = :key"),
                {"reader": self.reader, "key": vocab_key(lemma)},
            ).fetchone()
        return Card.from_dict(json.loads(row[0])) if row else None

    def preview(self, card: Card, now: float | None = None) -> dict[int, timedelta]:
        """How far away each answer (1-4) would put the next review."""
        when = _moment(now)
        return {
            rating: self.scheduler.review_card(card, Rating(rating), when)[0].due - when for rating in RATINGS
        }

    def answer(
        self, lemma: str, rating: int, now: float | None = None, within: Connection | None = None
    ) -> Answer:
        """Review `lemma`'s card with `rating` (1 Again, 2 Hard, 3 Good, 4 Easy) at `now`: the card and a
        history row in one transaction, then the word's status. ValueError for a word without a card.
        `within`: the caller's transaction (an action's record), which then holds the status change too."""
        if rating not in RATINGS:
            raise ValueError(f"Not an answer: {rating!r} (1 Again, 2 Hard, 3 Good, 4 Easy).")
        key = vocab_key(lemma)
        when = _moment(now)
        lock = " FOR UPDATE" if self.db.dialect == "postgresql" else ""  # two tabs answering at once
        with self.db.joined(within, write=True) as conn:
            row = conn.execute(
                text(
                    "SELECT c.card, v.status, v.lemma FROM review_cards c JOIN vocabulary v "
                    "ON v.reader = c.reader AND v.key = c.key WHERE c.reader = :reader AND c.key = :key"
                    + lock
                ),
                {"reader": self.reader, "key": key},
            ).fetchone()
            if row is None:
                raise ValueError(f"There is no card for {lemma!r}.")
            card, _log = self.scheduler.review_card(Card.from_dict(json.loads(row[0])), Rating(rating), when)
            before = cast("Status", row[1])
            status = status_after(before, rating, card.due - when)
            conn.execute(
                text(
                    "UPDATE review_cards SET card = :card, due = :due, reviews = reviews + 1 "
                    "WHERE reader = :reader AND key = :key"
                ),
                {
                    "reader": self.reader,
                    "key": key,
                    "card": json.dumps(card.to_dict()),
                    "due": card.due.timestamp(),
                },
            )
            conn.execute(
                text(
                    "INSERT INTO review_log (reader, id, key, rating, reviewed, due, previous, status) "
                    "VALUES (:reader, :id, :key, :rating, :reviewed, :due, :previous, :status)"
                ),
                {
                    "reader": self.reader,
                    "id": uuid.uuid4().hex,
                    "key": key,
                    "rating": rating,
                    "reviewed": when.timestamp(),
                    "due": card.due.timestamp(),
                    "previous": before,
                    "status": status,
                },
            )
            word = str(row[2])
        if status != before:
            self.vocabulary.set_status(word, status, within=within)
        return Answer(key, rating, card.due.timestamp(), before, status)

    # ---- history ----------------------------------------------------------------------------------------

    def history(self, since: float | None = None) -> list[HistoryRow]:
        """Every answer (since `since`), oldest first."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                text(
                    "SELECT key, rating, reviewed, due, previous, status FROM review_log "
                    "WHERE reader = :reader AND reviewed >= :since ORDER BY reviewed, id"
                ),
                {"reader": self.reader, "since": since or 0.0},
            ).fetchall()
        return [
            HistoryRow(str(r[0]), int(r[1]), float(r[2]), float(r[3]), str(r[4]), str(r[5])) for r in rows
        ]

    def export_rows(self) -> dict[str, Any]:
        """Cards and history as JSON-ready lists (for the library file; no reader key in them)."""
        with self.db.transaction() as conn:
            cards = conn.execute(
                text(
                    "SELECT key, card, reviews, created FROM review_cards WHERE reader = :reader ORDER BY key"
                ),
                {"reader": self.reader},
            ).fetchall()
            log = conn.execute(
                text(
                    "SELECT id, key, rating, reviewed, due, previous, status FROM review_log WHERE reader = :reader "
                    "ORDER BY reviewed, id"
                ),
                {"reader": self.reader},
            ).fetchall()
        return {
            "cards": [{"key": r[0], "card": json.loads(r[1]), "reviews": int(r[2]), "created": float(r[3])}
                      for r in cards],
            "history": [{"id": r[0], "key": r[1], "rating": int(r[2]), "reviewed": float(r[3]), "due": float(r[4]),
                         "previous": r[5], "status": r[6]} for r in log],
        }  # fmt: skip

    def import_rows(self, cards: Iterable[dict[str, Any]], history: Iterable[dict[str, Any]]) -> int:
        """Merge exported cards and history (already checked, `backup.check_reviews`) in one transaction: a
        card reviewed more often here stays; history rows already here are not doubled. Returns the number
        of history rows given."""
        count = 0
        with self.db.transaction(write=True) as conn:
            for item in cards:
                card = Card.from_dict(item["card"])
                conn.execute(
                    text(
                        "INSERT INTO review_cards (reader, key, card, due, reviews, created) "
                        "VALUES (:reader, :key, :card, :due, :reviews, :created) ON CONFLICT (reader, key) DO UPDATE "
                        "SET card = excluded.card, due = excluded.due, reviews = excluded.reviews "
                        "WHERE review_cards.reviews < excluded.reviews"
                    ),
                    {
                        "reader": self.reader,
                        "key": vocab_key(item["key"]),
                        "card": json.dumps(card.to_dict()),
                        "due": card.due.timestamp(),
                        "reviews": item["reviews"],
                        "created": item["created"],
                    },
                )
            for row in history:
                conn.execute(
                    text(
                        "INSERT INTO review_log (reader, id, key, rating, reviewed, due, previous, status) "
                        "VALUES (:reader, :id, :key, :rating, :reviewed, :due, :previous, :status) "
                        "ON CONFLICT (reader, id) DO NOTHING"
                    ),
                    {"reader": self.reader, **row, "key": vocab_key(row["key"])},
                )
                count += 1
        return count
