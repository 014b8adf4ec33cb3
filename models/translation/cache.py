"""Persistent translation cache, so no sentence is translated twice.

By default a SQLite file in the data folder (`TranslationStore`, keyed by model key and exact source
sentence; `QARI_DATA_DIR`, or the platform's user data folder), so a restart or a second process pays
nothing for sentences already translated. Streamlit runs each session in its own thread: every call
opens its own short-lived connection (WAL mode, a busy timeout, one short transaction), so threads and
processes never share a connection and writers wait briefly instead of failing.

When the readers' database is PostgreSQL (`QARI_DATABASE_URL`), translations are cached there too
(`SqlTranslationStore`, keyed by model, engine and text), so a sentence translated on any machine is
there for every other. Two processes that miss the same sentence at once translate it once: each takes a
PostgreSQL advisory lock per text (in one global order, so no deadlock) before translating, and looks
again once it holds it (`claim`). `translation_store()` picks the store from the settings.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import sqlalchemy
from sqlalchemy.engine import Connection

from models.db import CHUNK, Database, connect, database, open_database
from models.settings import data_dir, database_url, translation_engine
from models.translation.base import CrossAttention, Translator

log = logging.getLogger(__name__)

DB_NAME = "qari.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    model_key   TEXT NOT NULL,
    source      TEXT NOT NULL,
    translation TEXT NOT NULL,
    created     REAL NOT NULL,
    PRIMARY KEY (model_key, source)
) WITHOUT ROWID
"""


class TranslationStore:
    """Translations on disk, by (model_key, source text)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = open_database(Path(path) if path is not None else data_dir() / DB_NAME, _SCHEMA)

    def get_many(self, model_key: str, sources: list[str]) -> dict[str, str]:
        """The stored translations of those `sources` that have one."""
        unique = list(dict.fromkeys(sources))
        found: dict[str, str] = {}
        with connect(self.path) as conn:
            for start in range(0, len(unique), CHUNK):
                chunk = unique[start : start + CHUNK]
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
        with connect(self.path) as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO translations (model_key, source, translation, created) VALUES (?, ?, ?, ?)",
                [(model_key, src, tgt, now) for src, tgt in pairs.items()],
            )

    def count(self, model_key: str | None = None) -> int:
        """How many translations are stored (for one model, or in all)."""
        with connect(self.path) as conn:
            if model_key is None:
                row = conn.execute("SELECT COUNT(*) FROM translations").fetchone()
            else:
                row = conn.execute(
                    "SELECT COUNT(*) FROM translations WHERE model_key = ?", (model_key,)
                ).fetchone()
        return int(row[0])


# What a store raises when its database cannot be reached or read: a cache miss, never a stopped page.
STORE_ERRORS = (sqlite3.Error, sqlalchemy.exc.SQLAlchemyError)

_SQL_SCHEMA = """
CREATE TABLE IF NOT EXISTS translation_cache (
    model_key   TEXT NOT NULL,
    engine      TEXT NOT NULL,
    source      TEXT NOT NULL,
    translation TEXT NOT NULL,
    created     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (model_key, engine, source)
)
"""


class SqlTranslationStore:
    """Translations in the readers' database (PostgreSQL: one cache for every machine), by (model key,
    engine, source text). The table is made on first use, so creating the store touches nothing."""

    def __init__(self, db: Database, engine: str) -> None:
        self.db = db
        self.engine = engine
        self.path = repr(db)  # what log lines name

    def _ready(self) -> None:
        def create(conn: Connection) -> None:
            conn.exec_driver_sql(_SQL_SCHEMA.strip())

        self.db.ensure("translation_cache", create)

    def get_many(self, model_key: str, sources: list[str]) -> dict[str, str]:
        """The stored translations of those `sources` that have one; none while the server cannot be
        reached (a restart): the page keeps working and sees them again once it is back."""
        try:
            return self._get_many(model_key, sources)
        except sqlalchemy.exc.OperationalError:
            log.warning("The translation cache at %s cannot be reached", self.path, exc_info=True)
            return {}

    def _get_many(self, model_key: str, sources: list[str]) -> dict[str, str]:
        unique = list(dict.fromkeys(sources))
        if not unique:
            return {}
        self._ready()
        query = sqlalchemy.text(
            "SELECT source, translation FROM translation_cache WHERE model_key = :m AND engine = :e "
            "AND source IN :s"
        ).bindparams(sqlalchemy.bindparam("s", expanding=True))
        found: dict[str, str] = {}
        with self.db.transaction() as conn:
            for start in range(0, len(unique), CHUNK):
                rows = conn.execute(
                    query, {"m": model_key, "e": self.engine, "s": unique[start : start + CHUNK]}
                )
                found.update((row[0], row[1]) for row in rows)
        return found

    def put_many(self, model_key: str, pairs: dict[str, str]) -> None:
        """Store (or replace) translations, in one transaction."""
        if not pairs:
            return
        self._ready()
        now = time.time()
        with self.db.transaction(write=True) as conn:
            conn.execute(
                sqlalchemy.text(
                    "INSERT INTO translation_cache (model_key, engine, source, translation, created) "
                    "VALUES (:m, :e, :s, :t, :c) ON CONFLICT (model_key, engine, source) "
                    "DO UPDATE SET translation = excluded.translation, created = excluded.created"
                ),
                [
                    {"m": model_key, "e": self.engine, "s": src, "t": tgt, "c": now}
                    for src, tgt in pairs.items()
                ],
            )

    def count(self, model_key: str | None = None) -> int:
        """How many translations are stored (for one model, or in all)."""
        self._ready()
        with self.db.transaction() as conn:
            if model_key is None:
                return int(conn.exec_driver_sql("SELECT COUNT(*) FROM translation_cache").scalar_one())
            return int(
                conn.execute(
                    sqlalchemy.text("SELECT COUNT(*) FROM translation_cache WHERE model_key = :m"),
                    {"m": model_key},
                ).scalar_one()
            )

    def claim(self, model_key: str, sources: list[str]) -> AbstractContextManager[None]:
        """Hold the right to translate `sources` (PostgreSQL advisory locks; SQLite: nothing to hold)."""
        if self.db.dialect != "postgresql" or not sources:
            return nullcontext()
        return self._locked(sorted({_lock_key(model_key, self.engine, s) for s in sources}))

    @contextmanager
    def _locked(self, keys: list[int]) -> Iterator[None]:
        with self.db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            held: list[int] = []
            try:
                for key in keys:  # ascending: two processes never wait on each other in a circle
                    conn.exec_driver_sql("SELECT pg_advisory_lock(%s)", (key,))
                    held.append(key)
                yield
            finally:
                _unlock(conn, held)


def _unlock(conn: Connection, keys: list[int]) -> None:
    try:
        for key in keys:
            conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (key,))
    except sqlalchemy.exc.SQLAlchemyError:
        log.warning("Could not release translation locks (the server frees them with the connection)")
        conn.invalidate()


def _lock_key(model_key: str, engine: str, source: str) -> int:
    """A signed 64-bit advisory lock key for one text (a collision only makes two texts take turns)."""
    digest = hashlib.blake2b(f"{model_key}\0{engine}\0{source}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


# Either cache: the SQLite file (one machine) or the readers' PostgreSQL database (every machine).
TranslationCache = TranslationStore | SqlTranslationStore


def translation_store() -> TranslationCache:
    """The translation cache the settings ask for: the readers' PostgreSQL database when
    `QARI_DATABASE_URL` names one (shared by every machine), else the SQLite file in the data folder."""
    url = database_url()
    if url and url.startswith(("postgresql", "postgres:")):
        return SqlTranslationStore(database(url), translation_engine())
    return TranslationStore()


class CachedTranslator:
    """A Translator that answers from the store and sends only the misses to the model.

    Misses are translated in batches and each batch is written at once, so an interrupted run (a
    Streamlit rerun, a closed tab) keeps what it finished. A failing store never stops translation:
    reads then count as misses and writes are skipped, with a log line.
    """

    def __init__(
        self,
        translator: Translator,
        store: TranslationStore | SqlTranslationStore | None = None,
        batch_size: int = 16,
    ) -> None:
        self.translator = translator
        self.store = store if store is not None else TranslationStore()
        self.model_key = translator.model_key
        self.batch_size = max(1, batch_size)

    @property
    def attention(self) -> CrossAttention | None:
        return self.translator.attention  # alignment reads the engine behind the cache

    def translate(
        self,
        texts: list[str],
        beam_size: int = 4,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[str]:
        """Translate `texts`; `progress(done, total)` counts distinct non-blank sentences."""
        wanted = list(dict.fromkeys(t for t in texts if t and t.strip()))
        known = self._read(wanted)
        misses = [t for t in wanted if t not in known]
        done = len(wanted) - len(misses)
        if progress is not None:
            progress(done, len(wanted))
        for start in range(0, len(misses), self.batch_size):
            batch = misses[start : start + self.batch_size]
            with self._claim(batch):
                # another process may have translated some while this one waited for the claim
                known.update(self._read(batch) if hasattr(self.store, "claim") else {})
                todo = [t for t in batch if t not in known]
                fresh = (
                    dict(zip(todo, self.translator.translate(todo, beam_size=beam_size), strict=True))
                    if todo
                    else {}
                )
                known.update(fresh)
                try:
                    self.store.put_many(self.model_key, fresh)
                except STORE_ERRORS:
                    log.warning(
                        "Could not write to the translation cache at %s", self.store.path, exc_info=True
                    )
            done += len(batch)
            if progress is not None:
                progress(done, len(wanted))
        return [known.get(t, "") if t and t.strip() else "" for t in texts]

    def _read(self, texts: list[str]) -> dict[str, str]:
        try:
            return self.store.get_many(self.model_key, texts)
        except STORE_ERRORS:
            log.warning("Translation cache unreadable at %s", self.store.path, exc_info=True)
            return {}

    @contextmanager
    def _claim(self, texts: list[str]) -> Iterator[None]:
        """Single flight across processes where the store offers it; a store that cannot be reached only
        costs the guarantee (the texts are translated here anyway)."""
        claim = getattr(self.store, "claim", None)
        if claim is None:
            yield
            return
        try:
            held = claim(self.model_key, texts)
            held.__enter__()
        except STORE_ERRORS:
            log.warning(
                "Could not claim texts in the translation cache at %s", self.store.path, exc_info=True
            )
            yield
            return
        try:
            yield
        finally:
            try:
                held.__exit__(None, None, None)
            except STORE_ERRORS:
                log.warning("Could not release claimed texts", exc_info=True)
