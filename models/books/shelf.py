"""Each reader's books, in the readers' database (`models.db`: SQLite or PostgreSQL alike).

A book is kept once per reader (the same book again is the same entry, found by a digest of its titles
and text), part by part (`book_parts`: a chapter, or a page of a long one), so that opening one part
reads that part alone: memory for an open book does not grow with its length. Beside it: where the
reader stopped (the part and the sentence), and the distinct words (vocabulary keys) of the parts
analysed so far, from which the list says how much of the book the reader knows.

Like `Library`, a `Shelf` is bound to one reader key when made, and every query is limited to it: a book
id of another reader's is simply not found.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.books.parts import Book, Part, book_parts, part_label, words
from models.books.parts import words as words_in
from models.db import CHUNK, Database
from models.study.counts import BOOKS, setup_counts
from models.study.vocab import LOCAL_READER, VocabStore, check_reader, readers_database, vocab_key

SOURCES = ("epub", "paste", "upload", "web")
MAX_TITLE = 300

_BOOKS = """
CREATE TABLE IF NOT EXISTS books (
    reader    TEXT NOT NULL,
    id        TEXT NOT NULL,
    digest    TEXT NOT NULL,
    title     TEXT NOT NULL,
    source    TEXT NOT NULL,
    address   TEXT,
    direction TEXT NOT NULL DEFAULT '',
    parts     INTEGER NOT NULL,
    chapters  INTEGER NOT NULL,
    words     INTEGER NOT NULL,
    part      INTEGER NOT NULL DEFAULT 0,
    sentence  INTEGER NOT NULL DEFAULT 0,
    counted   INTEGER NOT NULL DEFAULT 0,
    known     INTEGER NOT NULL DEFAULT 0,
    learning  INTEGER NOT NULL DEFAULT 0,
    ignored   INTEGER NOT NULL DEFAULT 0,
    added     DOUBLE PRECISION NOT NULL,
    opened    DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (reader, id),
    UNIQUE (reader, digest)
)
"""
_PARTS = """
CREATE TABLE IF NOT EXISTS book_parts (
    reader   TEXT NOT NULL,
    book_id  TEXT NOT NULL,
    idx      INTEGER NOT NULL,
    chapter  INTEGER NOT NULL,
    page     INTEGER NOT NULL,
    pages    INTEGER NOT NULL,
    title    TEXT NOT NULL,
    body     TEXT NOT NULL,
    words    INTEGER NOT NULL,
    analysed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (reader, book_id, idx)
)
"""
_WORDS = """
CREATE TABLE IF NOT EXISTS book_words (
    reader  TEXT NOT NULL,
    book_id TEXT NOT NULL,
    key     TEXT NOT NULL,
    PRIMARY KEY (reader, book_id, key)
)
"""
_FIELDS = (
    "id, title, source, address, direction, parts, chapters, words, part, sentence, counted, known, learning, "
    "ignored, added, opened"
)


@dataclass(frozen=True)
class BookEntry:
    """A book of the shelf: its details, where the reader stopped (part and sentence, from 0), and how
    many of the distinct words of its parts analysed so far (`counted`) they know, learn or ignore."""

    id: str
    title: str
    source: str
    address: str | None
    direction: str
    parts: int
    chapters: int
    words: int
    part: int
    sentence: int
    counted: int
    known: int
    learning: int
    ignored: int
    added: float
    opened: float

    def shares(self) -> dict[str, float]:
        """known / learning / new as shares of the counted words not ignored (all 0 before any)."""
        counted = self.counted - self.ignored
        if counted <= 0:
            return {"known": 0.0, "learning": 0.0, "new": 0.0}
        new = max(0, counted - self.known - self.learning)
        return {"known": self.known / counted, "learning": self.learning / counted, "new": new / counted}


@dataclass(frozen=True)
class PartInfo:
    """A line of a book's contents (no text)."""

    index: int
    chapter: int
    page: int
    pages: int
    title: str
    words: int

    @property
    def label(self) -> str:
        return part_label(self.title, self.page, self.pages)


@dataclass(frozen=True)
class StoredBook:
    """A book as the shelf keeps it, whole (the library file's copy): its entry, digest, every part,
    the parts whose words are counted, and those words."""

    entry: BookEntry
    digest: str
    parts: list[Part]
    counted: set[int]
    words: list[str]


def _title(title: str) -> str:
    cleaned = " ".join((title or "").split())[:MAX_TITLE]
    if not cleaned:
        raise ValueError("A book needs a title.")
    return cleaned


def _setup(db: Database, conn: Connection) -> None:
    conn.exec_driver_sql(_BOOKS)
    conn.exec_driver_sql(_PARTS)
    conn.exec_driver_sql(_WORDS)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS books_opened ON books (reader, opened)")
    # a word marked finds the books it is in: the counts follow without reading any book again
    setup_counts(db.dialect, conn, BOOKS)


class Shelf:
    """One reader's books."""

    def __init__(self, where: Path | str | Database | None = None, reader: str = LOCAL_READER) -> None:
        self.db = readers_database(where)
        self.reader = check_reader(reader)
        VocabStore(self.db, self.reader)  # the vocabulary table, which the counts follow
        self.db.ensure("books", lambda conn: _setup(self.db, conn))

    def add(self, book: Book, source: str, address: str | None = None) -> BookEntry:
        """Keep `book` and return its entry; the same book again is the entry already kept (its title and
        place unchanged), now the most recently opened."""
        if source not in SOURCES:
            raise ValueError(f"Unknown source {source!r}: use one of {', '.join(SOURCES)}.")
        parts = book_parts(book)
        if not parts:
            raise ValueError("There is no text to keep.")
        digest = book.digest()
        now = time.time()
        args = {
            "reader": self.reader, "id": uuid.uuid4().hex, "digest": digest, "title": _title(book.title),
            "source": source, "address": address, "direction": book.direction, "parts": len(parts),
            "chapters": len(book.chapters), "words": sum(words(p.text) for p in parts), "now": now,
        }  # fmt: skip
        with self.db.transaction(write=True) as conn:
            # the same book kept at once by two sessions: one row, the other finds it
            inserted = conn.execute(
                text(
                    "INSERT INTO books (reader, id, digest, title, source, address, direction, parts, "
                    "chapters, words, added, opened) VALUES (:reader, :id, :digest, :title, :source, "
                    ":address, :direction, :parts, :chapters, :words, :now, :now) "
                    "ON CONFLICT (reader, digest) DO NOTHING"
                ),
                args,
            ).rowcount
            if inserted:
                book_id = str(args["id"])
                rows = [self._part_row(book_id, part) for part in parts]
                for start in range(0, len(rows), CHUNK):
                    conn.execute(
                        text(
                            "INSERT INTO book_parts (reader, book_id, idx, chapter, page, pages, title, body, "
                            "words) VALUES (:reader, :book_id, :idx, :chapter, :page, :pages, :title, :body, "
                            ":words)"
                        ),
                        rows[start : start + CHUNK],
                    )
            else:
                kept = conn.execute(
                    text("SELECT id FROM books WHERE reader = :reader AND digest = :digest"),
                    {"reader": self.reader, "digest": digest},
                ).fetchone()
                assert kept is not None  # the conflicting row
                book_id = kept[0]
                conn.execute(
                    text("UPDATE books SET opened = :now WHERE reader = :reader AND id = :id"),
                    {"reader": self.reader, "id": book_id, "now": now},
                )
            row = conn.execute(
                text(f"SELECT {_FIELDS} FROM books WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": book_id},
            ).fetchone()
        assert row is not None  # just written in this transaction
        return BookEntry(*row)

    def _part_row(self, book_id: str, part: Part) -> dict[str, Any]:
        return {
            "reader": self.reader, "book_id": book_id, "idx": part.index, "chapter": part.chapter,
            "page": part.page, "pages": part.pages, "title": part.title[:MAX_TITLE] or f"{part.chapter + 1}",
            "body": part.text, "words": words(part.text),
        }  # fmt: skip

    def get(self, book_id: str) -> BookEntry | None:
        """The book `book_id` of this reader's, or None."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text(f"SELECT {_FIELDS} FROM books WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": book_id},
            ).fetchone()
        return BookEntry(*row) if row else None

    def open(self, book_id: str) -> BookEntry | None:
        """The book `book_id`, now the most recently opened; None if this reader has no such book."""
        with self.db.transaction(write=True) as conn:
            conn.execute(
                text("UPDATE books SET opened = :now WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": book_id, "now": time.time()},
            )
            row = conn.execute(
                text(f"SELECT {_FIELDS} FROM books WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": book_id},
            ).fetchone()
        return BookEntry(*row) if row else None

    def entries(self) -> list[BookEntry]:
        """Every book of this reader's with its counts, the most recently opened first: one row a book,
        whatever its length or the vocabulary's (the counts are kept up to date as words are marked)."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                text(f"SELECT {_FIELDS} FROM books WHERE reader = :reader ORDER BY opened DESC, id"),
                {"reader": self.reader},
            ).fetchall()
        return [BookEntry(*row) for row in rows]

    def contents(self, book_id: str) -> list[PartInfo]:
        """The parts of `book_id`, without their text (empty for another reader's book)."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                text(
                    "SELECT idx, chapter, page, pages, title, words FROM book_parts "
                    "WHERE reader = :reader AND book_id = :id ORDER BY idx"
                ),
                {"reader": self.reader, "id": book_id},
            ).fetchall()
        return [PartInfo(*row) for row in rows]

    def part(self, book_id: str, index: int) -> Part | None:
        """Part `index` of `book_id` with its text, or None."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text(
                    "SELECT idx, chapter, page, pages, title, body FROM book_parts "
                    "WHERE reader = :reader AND book_id = :id AND idx = :idx"
                ),
                {"reader": self.reader, "id": book_id, "idx": index},
            ).fetchone()
        return Part(*row) if row else None

    def set_position(self, book_id: str, part: int, sentence: int) -> bool:
        """Remember where the reader is in `book_id`; False if this reader has no such book."""
        for value in (part, sentence):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Not a place in a book: {value!r}.")
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text(
                    "UPDATE books SET part = :part, sentence = :sentence "
                    "WHERE reader = :reader AND id = :id AND :part < parts"
                ),
                {"reader": self.reader, "id": book_id, "part": part, "sentence": sentence},
            )
        return cursor.rowcount > 0

    def rename(self, book_id: str, title: str) -> bool:
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text("UPDATE books SET title = :title WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": book_id, "title": _title(title)},
            )
        return cursor.rowcount > 0

    def analysed(self, book_id: str, index: int) -> bool:
        """Whether the words of part `index` are counted already."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text(
                    "SELECT analysed FROM book_parts WHERE reader = :reader AND book_id = :id AND idx = :idx"
                ),
                {"reader": self.reader, "id": book_id, "idx": index},
            ).fetchone()
        return bool(row and row[0])

    def keep_words(self, book_id: str, index: int, lemmas: Iterable[str]) -> bool:
        """Count the distinct words of part `index` (its lemmas, as the vocabulary keys them) into the
        book's; only words new to the book are looked up. False if this reader has no such part."""
        keys = sorted({k for k in (vocab_key(lemma) for lemma in lemmas) if k})
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text(
                    "UPDATE book_parts SET analysed = 1 WHERE reader = :reader AND book_id = :id AND idx = :idx"
                ),
                {"reader": self.reader, "id": book_id, "idx": index},
            )
            if cursor.rowcount == 0:
                return False
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                # the words new to the book, with their statuses, added to the book's counts
                conn.execute(
                    text(
                        "INSERT INTO book_words (reader, book_id, key) VALUES (:reader, :id, :key) "
                        "ON CONFLICT (reader, book_id, key) DO NOTHING"
                    ),
                    [{"reader": self.reader, "id": book_id, "key": key} for key in chunk],
                )
        return True

    def stored(self) -> Iterator[StoredBook]:
        """Every book of this reader's, whole, one at a time (the library file's export)."""
        for entry in self.entries():
            with self.db.transaction() as conn:
                digest = conn.execute(
                    text("SELECT digest FROM books WHERE reader = :reader AND id = :id"),
                    {"reader": self.reader, "id": entry.id},
                ).scalar_one()
                rows = conn.execute(
                    text(
                        "SELECT idx, chapter, page, pages, title, body, analysed FROM book_parts "
                        "WHERE reader = :reader AND book_id = :id ORDER BY idx"
                    ),
                    {"reader": self.reader, "id": entry.id},
                ).fetchall()
                words = conn.execute(
                    text("SELECT key FROM book_words WHERE reader = :reader AND book_id = :id ORDER BY key"),
                    {"reader": self.reader, "id": entry.id},
                ).scalars()
                yield StoredBook(
                    entry,
                    digest,
                    [Part(*row[:6]) for row in rows],
                    {row[0] for row in rows if row[6]},
                    list(words),
                )

    def restore(
        self,
        *,
        title: str,
        source: str,
        address: str | None,
        direction: str,
        digest: str | None,
        part: int,
        sentence: int,
        added: float | None,
        opened: float | None,
        parts: list[tuple[Part, bool]],
        words: list[str],
        within: Connection | None = None,
    ) -> BookEntry:
        """Keep a book of a library file with its parts as they are (`parts`: each with whether its words
        are counted), its place and its counted `words` (vocabulary keys). The same book already kept
        (by `digest`) stays as it is, but takes the file's place when the file's copy was opened last.
        `within`: the caller's transaction (a file's books are kept all together or not at all)."""
        if not parts:
            raise ValueError("There is no text to keep.")
        if digest is None:
            sha = hashlib.sha256()
            for kept, _ in parts:
                sha.update(kept.title.encode("utf-8") + b"\x00" + kept.text.encode("utf-8") + b"\x01")
            digest = sha.hexdigest()
        now = time.time()
        args = {
            "reader": self.reader, "id": uuid.uuid4().hex, "digest": digest, "title": _title(title),
            "source": source, "address": address, "direction": direction, "parts": len(parts),
            "chapters": len({p.chapter for p, _ in parts}), "words": sum(words_in(p.text) for p, _ in parts),
            "part": min(part, len(parts) - 1), "sentence": sentence, "added": added or now,
            "opened": opened or now,
        }  # fmt: skip
        with self.db.joined(within, write=True) as conn:
            inserted = conn.execute(
                text(
                    "INSERT INTO books (reader, id, digest, title, source, address, direction, parts, chapters, "
                    "words, part, sentence, added, opened) VALUES (:reader, :id, :digest, :title, :source, "
                    ":address, :direction, :parts, :chapters, :words, :part, :sentence, :added, :opened) "
                    "ON CONFLICT (reader, digest) DO NOTHING"
                ),
                args,
            ).rowcount
            if inserted:
                book_id = str(args["id"])
                rows = [self._part_row(book_id, p) | {"analysed": int(counted)} for p, counted in parts]
                for start in range(0, len(rows), CHUNK):
                    conn.execute(
                        text(
                            "INSERT INTO book_parts (reader, book_id, idx, chapter, page, pages, title, body, "
                            "words, analysed) VALUES (:reader, :book_id, :idx, :chapter, :page, :pages, :title, "
                            ":body, :words, :analysed)"
                        ),
                        rows[start : start + CHUNK],
                    )
                for start in range(0, len(words), CHUNK):
                    conn.execute(
                        text(
                            "INSERT INTO book_words (reader, book_id, key) VALUES (:reader, :id, :key) "
                            "ON CONFLICT (reader, book_id, key) DO NOTHING"
                        ),
                        [
                            {"reader": self.reader, "id": book_id, "key": k}
                            for k in words[start : start + CHUNK]
                        ],
                    )
            else:
                book_id = conn.execute(
                    text("SELECT id FROM books WHERE reader = :reader AND digest = :digest"),
                    {"reader": self.reader, "digest": digest},
                ).scalar_one()
                # the file's copy read last: its place wins
                conn.execute(
                    text(
                        "UPDATE books SET part = :part, sentence = :sentence, opened = :opened "
                        "WHERE reader = :reader AND id = :id AND opened < :opened AND :part < parts"
                    ),
                    {**args, "id": book_id},
                )
            row = conn.execute(
                text(f"SELECT {_FIELDS} FROM books WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": book_id},
            ).fetchone()
        assert row is not None  # written or found in this transaction
        return BookEntry(*row)

    def passages(self, key: str) -> Iterator[tuple[str, str]]:
        """(title, text) of each part read so far (its words counted) of the books holding the word `key`
        (a vocabulary key), the most recently opened book first: where a review finds the word in a book.
        One part's text at a time, so a long book is never read whole."""
        with self.db.transaction() as conn:
            found = conn.execute(
                text(
                    "SELECT b.id, b.title, p.idx, p.title, p.page, p.pages FROM books b "
                    "JOIN book_words w ON w.reader = b.reader AND w.book_id = b.id AND w.key = :key "
                    "JOIN book_parts p ON p.reader = b.reader AND p.book_id = b.id AND p.analysed = 1 "
                    "WHERE b.reader = :reader ORDER BY b.opened DESC, b.id, p.idx"
                ),
                {"reader": self.reader, "key": key},
            ).fetchall()
        for book_id, title, index, chapter, page, pages in found:
            part = self.part(book_id, index)
            if part is not None:
                yield f"{title} · {part_label(chapter, page, pages)}", part.text

    def delete(self, book_id: str) -> bool:
        """Forget `book_id` (its words stay in the vocabulary); False if this reader has no such book."""
        with self.db.transaction(write=True) as conn:
            for table in ("book_words", "book_parts"):
                conn.execute(
                    text(f"DELETE FROM {table} WHERE reader = :reader AND book_id = :id"),
                    {"reader": self.reader, "id": book_id},
                )
            cursor = conn.execute(
                text("DELETE FROM books WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": book_id},
            )
        return cursor.rowcount > 0
