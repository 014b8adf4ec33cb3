"""Persistent translation cache in SQLite, so no sentence is translated twice.

Translations are keyed by (model key, exact source sentence). The database lives in the data folder
(`QARI_DATA_DIR`, or the platform's user data folder), so a restart or a second process pays nothing
for sentences already translated. Streamlit runs each session in its own thread: every call opens its
own short-lived connection (WAL mode, a busy timeout, one short transaction), so threads and processes
never share a connection and writers wait briefly instead of failing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from models.translate import Translator

log = logging.getLogger(__name__)

DATA_DIR_ENV = "QARI_DATA_DIR"
DB_NAME = "qari.sqlite3"
_BUSY_TIMEOUT_MS = 10_000
_CHUNK = 500  # stays under SQLite's limit on bound variables per statement


def data_dir() -> Path:
    """The folder for Qari's own files, created on first use."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("qari", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    model_key   TEXT NOT NULL,
    source      TEXT NOT NULL,
    translation TEXT NOT NULL,
    created     REAL NOT NULL,
    PRIMARY KEY (model_key, source)
) WITHOUT ROWID
"""


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A fresh connection for one short transaction (committed on success), closed afterwards.

    Qari's stores open one per call: Streamlit serves sessions from threads, and short transactions
    with a busy timeout let several processes share a file (WAL, set once by each store).
    """
    conn = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000)
    with closing(conn):
        conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses at most the last commit
        with conn:
            yield conn


class TranslationStore:
    """Translations on disk, by (model_key, source text)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / DB_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            # WAL lets readers go on while one writer commits; the setting is stored in the file.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)

    def _connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return connect(self.path)

    def get_many(self, model_key: str, sources: list[str]) -> dict[str, str]:
        """The stored translations of those `sources` that have one."""
        unique = list(dict.fromkeys(sources))
        found: dict[str, str] = {}
        with self._connect() as conn:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT source, translation FROM translations WHERE model_key = ? AND source IN ({marks})",
                    [model_key, *chunk],
                )
                found.update(rows)
        return found

    def put_many(self, model_key: str, pairs: dict[str, str]) -> None:
        """Store (or replace) translations, in one transaction."""
        if not pairs:
            return
        now = time.time()
        with self._connect() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO translations (model_key, source, translation, created) VALUES (?, ?, ?, ?)",
                [(model_key, src, tgt, now) for src, tgt in pairs.items()],
            )

    def count(self, model_key: str | None = None) -> int:
        """How many translations are stored (for one model, or in all)."""
        with self._connect() as conn:
            if model_key is None:
                row = conn.execute("SELECT COUNT(*) FROM translations").fetchone()
            else:
                row = conn.execute(
                    "SELECT COUNT(*) FROM translations WHERE model_key = ?", (model_key,)
                ).fetchone()
        return int(row[0])


class CachedTranslator:
    """A Translator that answers from the store and sends only the misses to the model.

    Misses are translated in batches and each batch is written at once, so an interrupted run (a
    Streamlit rerun, a closed tab) keeps what it finished. A failing store never stops translation:
    reads then count as misses and writes are skipped, with a log line.
    """

    def __init__(
        self, translator: Translator, store: TranslationStore | None = None, batch_size: int = 16
    ) -> None:
        self.translator = translator
        self.store = store if store is not None else TranslationStore()
        self.model_key = translator.model_key
        self.batch_size = max(1, batch_size)

    def translate(
        self,
        texts: list[str],
        beam_size: int = 4,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[str]:
        """Translate `texts`; `progress(done, total)` counts distinct non-blank sentences."""
        wanted = list(dict.fromkeys(t for t in texts if t and t.strip()))
        try:
            known = self.store.get_many(self.model_key, wanted)
        except sqlite3.Error:
            log.warning("Translation cache unreadable at %s", self.store.path, exc_info=True)
            known = {}
        misses = [t for t in wanted if t not in known]
        done = len(wanted) - len(misses)
        if progress is not None:
            progress(done, len(wanted))
        for start in range(0, len(misses), self.batch_size):
            batch = misses[start : start + self.batch_size]
            fresh = dict(zip(batch, self.translator.translate(batch, beam_size=beam_size), strict=True))
            known.update(fresh)
            try:
                self.store.put_many(self.model_key, fresh)
            except sqlite3.Error:
                log.warning("Could not write to the translation cache at %s", self.store.path, exc_info=True)
            done += len(batch)
            if progress is not None:
                progress(done, len(wanted))
        return [known.get(t, "") if t and t.strip() else "" for t in texts]
