"""Each reader's library: every text they open, kept with where they stopped.

A text is kept once per reader (the same text opened again is the same entry, found by a digest of its
characters) with its title, where it came from (`sample`, `paste`, `upload`, `web`; the file name or
address; a web page's date), when it was added and last opened, and the reading position: the selected
sentence. Its distinct words (vocabulary keys, `models.study.vocab.vocab_key`) are kept beside it, and
how many of them the reader knows, learns or ignores is kept on the text by the database as words are
marked (`models.study.counts`): the library lists them without analysing or re-reading any text.

Like `VocabStore`, a `Library` is bound to one reader key when made, and every query is limited to it:
a text id of another reader's is simply not found (reading, renaming, moving, deleting all answer
"not there"). Text ids are random, and appear in no URL.

`export_reader` / `import_reader` carry a reader's whole library and vocabulary as one JSON document
(`FORMAT`, `VERSION`), without the reader's key: a backup, or a move to another machine or account.
Version 2 may carry the review cards and history too (a "reviews" section, `models.review.backup`);
version 1 files (no reviews) still import.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from models.db import CHUNK, Database
from models.study.counts import TEXTS, backfill, setup_counts
from models.study.vocab import (
    LOCAL_READER,
    STATUSES,
    VocabEntry,
    VocabStore,
    check_reader,
    readers_database,
    vocab_key,
)

__all__ = [
    "FORMAT", "SOURCES", "VERSION", "Library", "LibraryEntry", "LibraryText", "export_bytes", "export_reader",
    "import_bytes", "import_reader",
]  # fmt: skip

SOURCES = ("sample", "paste", "upload", "web")
FORMAT = "qari-library"
VERSION = 2
MAX_TITLE = 300

_TEXTS = """
CREATE TABLE IF NOT EXISTS texts (
    reader    TEXT NOT NULL,
    id        TEXT NOT NULL,
    digest    TEXT NOT NULL,
    title     TEXT NOT NULL,
    source    TEXT NOT NULL,
    address   TEXT,
    published TEXT,
    body      TEXT NOT NULL,
    position  INTEGER NOT NULL DEFAULT 0,
    words     INTEGER,
    known     INTEGER NOT NULL DEFAULT 0,
    learning  INTEGER NOT NULL DEFAULT 0,
    ignored   INTEGER NOT NULL DEFAULT 0,
    added     DOUBLE PRECISION NOT NULL,
    opened    DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (reader, id),
    UNIQUE (reader, digest)
)
"""
_WORDS = """
CREATE TABLE IF NOT EXISTS text_words (
    reader  TEXT NOT NULL,
    text_id TEXT NOT NULL,
    key     TEXT NOT NULL,
    PRIMARY KEY (reader, text_id, key)
)
"""
_FIELDS = "id, title, source, address, published, position, added, opened"


@dataclass(frozen=True)
class LibraryText:
    """A text of the library, with its characters."""

    id: str
    title: str
    source: str
    address: str | None
    published: str | None
    position: int
    added: float
    opened: float
    body: str


@dataclass(frozen=True)
class LibraryEntry:
    """A line of the library's list: the text's details and how much of it the reader knows.

    `words` counts its distinct words (None until the text has been analysed); known / learning / ignored
    by the reader's vocabulary, `new` the rest (unmarked or marked new).
    """

    id: str
    title: str
    source: str
    address: str | None
    published: str | None
    position: int
    added: float
    opened: float
    words: int | None
    known: int
    learning: int
    ignored: int

    @property
    def new(self) -> int:
        return max(0, (self.words or 0) - self.known - self.learning - self.ignored)

    def shares(self) -> dict[str, float]:
        """known / learning / new as shares of the words not ignored (all 0 for a text with none)."""
        counted = (self.words or 0) - self.ignored
        if counted <= 0:
            return {"known": 0.0, "learning": 0.0, "new": 0.0}
        return {"known": self.known / counted, "learning": self.learning / counted, "new": self.new / counted}


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _title(title: str) -> str:
    cleaned = " ".join((title or "").split())[:MAX_TITLE]
    if not cleaned:
        raise ValueError("A text needs a title.")
    return cleaned


def _setup(db: Database, conn: Connection) -> None:
    new = "texts" in db.tables(conn) and "known" not in db.columns(conn, "texts")
    conn.exec_driver_sql(_TEXTS)
    conn.exec_driver_sql(_WORDS)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS texts_opened ON texts (reader, opened)")
    if new:  # a library from before the counts were kept: they are worked out once
        for status in ("known", "learning", "ignored"):
            conn.exec_driver_sql(f"ALTER TABLE texts ADD COLUMN {status} INTEGER NOT NULL DEFAULT 0")
    setup_counts(db.dialect, conn, TEXTS)  # kept by the database as words are marked
    if new:
        backfill(conn, TEXTS)


class Library:
    """One reader's texts."""

    def __init__(self, where: Path | str | Database | None = None, reader: str = LOCAL_READER) -> None:
        self.db = readers_database(where)
        self.reader = check_reader(reader)
        VocabStore(self.db, self.reader)  # the vocabulary table, which the counts read
        self.db.ensure("library", lambda conn: _setup(self.db, conn))

    def add(
        self,
        body: str,
        title: str,
        source: str,
        address: str | None = None,
        published: str | None = None,
        *,
        opened: float | None = None,
        added: float | None = None,
    ) -> LibraryText:
        """Keep a text the reader opened and return its entry. The same text opened again is the entry
        already kept (its title and place unchanged), now the most recently opened. `opened` / `added`
        (an import) default to now."""
        if source not in SOURCES:
            raise ValueError(f"Unknown source {source!r}: use one of {', '.join(SOURCES)}.")
        if not body.strip():
            raise ValueError("There is no text to keep.")
        now = time.time() if opened is None else opened
        args = {
            "reader": self.reader, "id": uuid.uuid4().hex, "digest": _digest(body), "title": _title(title),
            "source": source, "address": address, "published": published, "body": body, "now": now,
            "added": now if added is None else min(added, now),
        }  # fmt: skip
        with self.db.transaction(write=True) as conn:
            conn.execute(
                text(
                    "INSERT INTO texts (reader, id, digest, title, source, address, published, body, position, "
                    "added, opened) VALUES (:reader, :id, :digest, :title, :source, :address, :published, :body, "
                    "0, :added, :now) ON CONFLICT (reader, digest) DO UPDATE SET opened = "
                    "CASE WHEN excluded.opened > texts.opened THEN excluded.opened ELSE texts.opened END"
                ),
                args,
            )
            row = conn.execute(
                text(f"SELECT {_FIELDS}, body FROM texts WHERE reader = :reader AND digest = :digest"),
                {"reader": self.reader, "digest": args["digest"]},
            ).fetchone()
        assert row is not None  # just written in this transaction
        return LibraryText(*row)

    def get(self, text_id: str) -> LibraryText | None:
        """The text `text_id` of this reader's, or None."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text(f"SELECT {_FIELDS}, body FROM texts WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": text_id},
            ).fetchone()
        return LibraryText(*row) if row else None

    def open(self, text_id: str) -> LibraryText | None:
        """The text `text_id`, now the most recently opened; None if this reader has no such text."""
        with self.db.transaction(write=True) as conn:
            conn.execute(
                text("UPDATE texts SET opened = :now WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": text_id, "now": time.time()},
            )
            row = conn.execute(
                text(f"SELECT {_FIELDS}, body FROM texts WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": text_id},
            ).fetchone()
        return LibraryText(*row) if row else None

    def entries(self) -> list[LibraryEntry]:
        """Every text of this reader's with its counts, the most recently opened first: one row a text,
        whatever its length or the vocabulary's (the counts are kept as words are marked, `counts`)."""
        query = text(
            "SELECT id, title, source, address, published, position, added, opened, words, known, learning, "
            "ignored FROM texts WHERE reader = :reader ORDER BY opened DESC, id"
        )
        with self.db.transaction() as conn:
            rows = conn.execute(query, {"reader": self.reader}).fetchall()
        return [LibraryEntry(*row) for row in rows]

    def set_position(self, text_id: str, position: int) -> bool:
        """Remember the selected sentence of `text_id`; False if this reader has no such text."""
        if not isinstance(position, int) or position < 0:
            raise ValueError(f"Not a sentence: {position!r}.")
        return self._update("position = :position", text_id, position=position)

    def rename(self, text_id: str, title: str) -> bool:
        """Give `text_id` a new title; False if this reader has no such text."""
        return self._update("title = :title", text_id, title=_title(title))

    def _update(self, assignment: str, text_id: str, **values: Any) -> bool:
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text(f"UPDATE texts SET {assignment} WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": text_id, **values},
            )
        return cursor.rowcount > 0

    def has_words(self, text_id: str) -> bool:
        """Whether the words of `text_id` are kept (it has been analysed)."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text("SELECT words FROM texts WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": text_id},
            ).fetchone()
        return row is not None and row[0] is not None

    def set_words(self, text_id: str, lemmas: Iterable[str]) -> bool:
        """Keep the distinct words of `text_id` (its lemmas, matched as the vocabulary matches them);
        False if this reader has no such text."""
        keys = sorted({k for k in (vocab_key(lemma) for lemma in lemmas) if k})
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text("UPDATE texts SET words = :count WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": text_id, "count": len(keys)},
            )
            if cursor.rowcount == 0:
                return False
            conn.execute(
                text("DELETE FROM text_words WHERE reader = :reader AND text_id = :id"),
                {"reader": self.reader, "id": text_id},
            )
            for start in range(0, len(keys), CHUNK):
                conn.execute(
                    text("INSERT INTO text_words (reader, text_id, key) VALUES (:reader, :id, :key)"),
                    [{"reader": self.reader, "id": text_id, "key": k} for k in keys[start : start + CHUNK]],
                )
        return True

    def word_keys(self, text_id: str) -> list[str]:
        """The kept words of `text_id` (empty for another reader's text)."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                text("SELECT key FROM text_words WHERE reader = :reader AND text_id = :id ORDER BY key"),
                {"reader": self.reader, "id": text_id},
            ).fetchall()
        return [row[0] for row in rows]

    def delete(self, text_id: str) -> bool:
        """Forget `text_id` (its words stay in the vocabulary); False if this reader has no such text."""
        with self.db.transaction(write=True) as conn:
            conn.execute(
                text("DELETE FROM text_words WHERE reader = :reader AND text_id = :id"),
                {"reader": self.reader, "id": text_id},
            )
            cursor = conn.execute(
                text("DELETE FROM texts WHERE reader = :reader AND id = :id"),
                {"reader": self.reader, "id": text_id},
            )
        return cursor.rowcount > 0

    def texts(self) -> list[tuple[LibraryText, list[str] | None]]:
        """Every text with its kept words (for an export), the most recently opened first."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                text(
                    f"SELECT {_FIELDS}, body, words FROM texts WHERE reader = :reader ORDER BY opened DESC, id"
                ),
                {"reader": self.reader},
            ).fetchall()
            words: dict[str, list[str]] = {}
            query = text(
                "SELECT text_id, key FROM text_words WHERE reader = :reader AND text_id IN :ids ORDER BY key"
            ).bindparams(bindparam("ids", expanding=True))
            ids = [row[0] for row in rows if row[-1] is not None]
            for start in range(0, len(ids), CHUNK):
                for text_id, key in conn.execute(
                    query, {"reader": self.reader, "ids": ids[start : start + CHUNK]}
                ):
                    words.setdefault(text_id, []).append(key)
        return [
            (LibraryText(*row[:-1]), words.get(row[0], []) if row[-1] is not None else None) for row in rows
        ]


# ---- one file for a reader's library and vocabulary ----------------------------------------------------


def export_reader(library: Library, vocabulary: VocabStore) -> dict[str, Any]:
    """The reader's whole library and vocabulary as one JSON-ready document (no reader key in it)."""
    if library.reader != vocabulary.reader:
        raise ValueError("The library and the vocabulary must be the same reader's.")
    texts = []
    for item, words in library.texts():
        texts.append({
            "title": item.title, "source": item.source, "address": item.address, "published": item.published,
            "position": item.position, "added": item.added, "opened": item.opened, "text": item.body,
            "words": words,
        })  # fmt: skip
    vocabulary_rows = [
        {"lemma": e.lemma, "status": e.status, "gloss": e.gloss, "example": e.example,
         "translation": e.translation, "created": e.created, "updated": e.updated}
        for e in vocabulary.all_entries()
    ]  # fmt: skip
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": time.time(),
        "texts": texts,
        "vocabulary": vocabulary_rows,
    }


def _check_document(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError("This is not a Qari library file.")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION or version < 1:
        raise ValueError(
            f"This Qari library file is version {version!r}; this Qari reads versions 1 to {VERSION}."
        )
    if not isinstance(document.get("texts", []), list) or not isinstance(
        document.get("vocabulary", []), list
    ):
        raise ValueError("This Qari library file is damaged (texts and vocabulary must be lists).")  # noqa: TRY004


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _optional(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def import_reader(document: Any, library: Library, vocabulary: VocabStore) -> tuple[int, int]:
    """Merge an exported document into this reader's library and vocabulary; returns (texts, words) read.

    Texts already in the library keep their title; the reading position is the one last opened. A word
    changed here after the file's entry was saved keeps its status. The whole file is checked before
    anything is written: a damaged file changes nothing.
    """
    if library.reader != vocabulary.reader:
        raise ValueError("The library and the vocabulary must be the same reader's.")
    _check_document(document)
    now = time.time()
    texts = []
    for item in document.get("texts", []):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise ValueError("This Qari library file is damaged (a text without its characters).")
        source: str = item["source"] if item.get("source") in SOURCES else "paste"
        position = item.get("position")
        words = item.get("words")
        title: str = (
            item["title"] if isinstance(item.get("title"), str) and item["title"].strip() else "Imported text"
        )
        texts.append((
            item["text"], _title(title), source, _optional(item.get("address")), _optional(item.get("published")),
            position if isinstance(position, int) and not isinstance(position, bool) and position >= 0 else 0,
            _number(item.get("added"), now), _number(item.get("opened"), now),
            [w for w in words if isinstance(w, str)] if isinstance(words, list) else None,
        ))  # fmt: skip
    entries = []
    for row in document.get("vocabulary", []):
        if (
            not isinstance(row, dict)
            or row.get("status") not in STATUSES
            or not isinstance(row.get("lemma"), str)
        ):
            raise ValueError("This Qari library file is damaged (a word without a lemma or a known status).")
        if not vocab_key(row["lemma"]):
            raise ValueError(f"This Qari library file is damaged (an empty word {row['lemma']!r}).")
        created = _number(row.get("created"), now)
        entries.append(
            VocabEntry(
                vocab_key(row["lemma"]),
                row["lemma"],
                row["status"],
                _optional(row.get("gloss")),
                _optional(row.get("example")),
                _optional(row.get("translation")),
                created,
                _number(row.get("updated"), created),
            )
        )
    vocabulary.import_entries(entries)
    for body, title, source, address, published, position, added, opened, words in texts:
        kept = library.add(body, title, source, address, published, opened=opened, added=added)
        if kept.opened == opened:  # the file's copy was read last: its place wins
            library.set_position(kept.id, position)
        if words is not None and not library.has_words(kept.id):
            library.set_words(kept.id, words)
    return len(texts), len(entries)


def file_bytes(document: dict[str, Any]) -> bytes:
    """A library file's document as UTF-8 JSON (the library's and the review's backups alike)."""
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def file_document(data: bytes) -> Any:
    """The JSON document of a library file; ValueError for anything that is not JSON."""
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("This is not a Qari library file (not JSON).") from exc


def export_bytes(library: Library, vocabulary: VocabStore) -> bytes:
    """`export_reader` as a UTF-8 JSON file."""
    return file_bytes(export_reader(library, vocabulary))


def import_bytes(data: bytes, library: Library, vocabulary: VocabStore) -> tuple[int, int]:
    """`import_reader` of a UTF-8 JSON file; ValueError for anything that is not one."""
    return import_reader(file_document(data), library, vocabulary)
