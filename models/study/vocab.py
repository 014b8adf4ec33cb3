"""The reader's vocabulary: a status per word (new / learning / known / ignored), kept in SQLite.

Words are keyed by their lemma normalised for matching (`models.text.arabic.normalize`: no tashkeel or
tatweel, unified alef/ya/ta-marbuta forms), so كَتَبَ, كتب and كتبَ are one entry; the lemma as
last given is kept for display.

The database is its own file, `vocabulary.sqlite3` in the data folder (`QARI_DATA_DIR`), not the
translation cache's `qari.sqlite3`: the cache is disposable (delete it and translations are simply
redone), the vocabulary is the reader's own work, so it can be backed up, copied or reset on its own,
and long cache writes never hold up a status change.

As in `models.translation.cache`: every call opens its own short-lived connection (WAL, a busy timeout, one short
transaction), so Streamlit's session threads and other processes can all write safely.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

from models.db import CHUNK, connect, open_database
from models.document import Token
from models.settings import data_dir
from models.text.arabic import normalize

__all__ = ["DB_NAME", "STATUSES", "Status", "VocabEntry", "VocabStore", "vocab_key", "word_lemma"]

Status = Literal["new", "learning", "known", "ignored"]
STATUSES: tuple[Status, ...] = get_args(Status)
DB_NAME = "vocabulary.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vocabulary (
    key         TEXT PRIMARY KEY,
    lemma       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('new', 'learning', 'known', 'ignored')),
    gloss       TEXT,
    example     TEXT,
    translation TEXT,
    created     REAL NOT NULL,
    updated     REAL NOT NULL
) WITHOUT ROWID
"""


def word_lemma(token: Token) -> str:
    """What the vocabulary stores for a word: its lemma, or the word itself when the lexicon has none."""
    return token.lemma or token.text


def vocab_key(lemma: str) -> str:
    """The matching key of a lemma: normalised, surrounding spaces removed."""
    return normalize(lemma).strip()


@dataclass(frozen=True)
class VocabEntry:
    """One saved word. `example` is the sentence it was met in, `translation` that sentence's English."""

    key: str
    lemma: str
    status: Status
    gloss: str | None
    example: str | None
    translation: str | None
    created: float
    updated: float


class VocabStore:
    """Word statuses on disk, by normalised lemma."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = open_database(Path(path) if path is not None else data_dir() / DB_NAME, _SCHEMA)

    def set_status(
        self,
        lemma: str,
        status: Status,
        gloss: str | None = None,
        example: str | None = None,
        translation: str | None = None,
    ) -> VocabEntry:
        """Save `status` for `lemma` (insert or update) and return the stored entry.

        gloss / example / translation given as None keep what was stored before.
        Raises ValueError for an unknown status or a lemma with no letters left after normalising.
        """
        if status not in STATUSES:
            raise ValueError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")
        key = vocab_key(lemma)
        if not key:
            raise ValueError(f"Cannot save an empty word ({lemma!r}).")
        now = time.time()
        with connect(self.path) as conn:
            # One upsert statement: atomic, so concurrent writers never see a half-written row.
            row = conn.execute(
                """
                INSERT INTO vocabulary (key, lemma, status, gloss, example, translation, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET
                    lemma = excluded.lemma,
                    status = excluded.status,
                    gloss = COALESCE(excluded.gloss, gloss),
                    example = COALESCE(excluded.example, example),
                    translation = COALESCE(excluded.translation, translation),
                    updated = excluded.updated
                RETURNING key, lemma, status, gloss, example, translation, created, updated
                """,
                (key, lemma.strip(), status, gloss, example, translation, now, now),
            ).fetchone()
        return _entry(row)

    def get_statuses(self, lemmas: Iterable[str]) -> dict[str, Status]:
        """lemma (as given) → status, for the lemmas that have one saved; unsaved words are left out."""
        wanted: dict[str, list[str]] = {}
        for lemma in lemmas:
            key = vocab_key(lemma)
            if key:
                wanted.setdefault(key, []).append(lemma)
        keys = list(wanted)
        found: dict[str, Status] = {}
        with connect(self.path) as conn:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, status in conn.execute(
                    f"SELECT key, status FROM vocabulary WHERE key IN ({marks})", chunk
                ):
                    for lemma in wanted[key]:
                        found[lemma] = cast("Status", status)
        return found

    def get(self, lemma: str) -> VocabEntry | None:
        """The saved entry of `lemma`, or None."""
        with connect(self.path) as conn:
            row = conn.execute(
                "SELECT key, lemma, status, gloss, example, translation, created, updated "
                "FROM vocabulary WHERE key = ?",
                (vocab_key(lemma),),
            ).fetchone()
        return _entry(row) if row else None

    def all_entries(self, status: Status | None = None) -> list[VocabEntry]:
        """Every saved entry (or those with `status`), most recently changed first."""
        query = "SELECT key, lemma, status, gloss, example, translation, created, updated FROM vocabulary"
        args: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            args = (status,)
        with connect(self.path) as conn:
            rows = conn.execute(query + " ORDER BY updated DESC, key", args).fetchall()
        return [_entry(row) for row in rows]

    def remove(self, lemma: str) -> bool:
        """Forget `lemma` (it becomes an unsaved, new word again); True if it was saved."""
        with connect(self.path) as conn:
            cursor = conn.execute("DELETE FROM vocabulary WHERE key = ?", (vocab_key(lemma),))
        return cursor.rowcount > 0


def _entry(row: tuple[object, ...]) -> VocabEntry:
    key, lemma, status, gloss, example, translation, created, updated = row
    return VocabEntry(
        key=str(key),
        lemma=str(lemma),
        status=cast("Status", status),
        gloss=cast("str | None", gloss),
        example=cast("str | None", example),
        translation=cast("str | None", translation),
        created=float(cast("float", created)),
        updated=float(cast("float", updated)),
    )
