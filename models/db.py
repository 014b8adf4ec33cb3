"""Database connections: the one place Qari opens its databases.

Two kinds. The translation cache is a SQLite file of its own (`connect`, `open_database`): disposable,
always local. The readers' own work (vocabularies, libraries) lives in one database per deployment,
chosen by URL (`Database`, `database()`): a SQLite file in the data folder by default, PostgreSQL when
`QARI_DATABASE_URL` says so (several machines serving one class), through SQLAlchemy Core, with the same
SQL on both (ON CONFLICT upserts, RETURNING).

Streamlit serves sessions from threads, and a class may run several processes on one data folder, so
every SQLite call opens its own short-lived connection (WAL mode, a busy timeout, one short transaction):
threads and processes never share a connection, and writers wait briefly instead of failing. PostgreSQL
connections come from a small pool per process, checked before use.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy.engine import Connection

BUSY_TIMEOUT_MS = 10_000
CHUNK = 500  # rows per `IN (...)` query: stays under SQLite's limit on bound variables per statement


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A fresh connection for one short transaction (committed on success), closed afterwards."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    with closing(conn):
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses at most the last commit
        with conn:
            yield conn


def open_database(path: Path, schema: str) -> Path:
    """Create the folder, the file and its tables (idempotent), in WAL mode (stored in the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with connect(path) as conn:
        # WAL lets readers go on while one writer commits.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(schema)
    return path


# ---- the readers' database, chosen by URL -----------------------------------------------------------


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite+pysqlite:///{Path(path).resolve()}"


def _driver_url(url: str) -> str:
    """`url` with Qari's drivers: psycopg 3 for PostgreSQL (SQLAlchemy's default would be psycopg2)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    if url.startswith("sqlite:///"):
        return "sqlite+pysqlite:///" + url[len("sqlite:///") :]
    return url


class Database:
    """One SQL database (a SQLite file or a PostgreSQL server) for Qari's stores, through SQLAlchemy Core."""

    def __init__(self, url: str) -> None:
        url = _driver_url(url)
        self.url = url
        parsed = sqlalchemy.engine.make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise ValueError("A SQLite database for Qari must be a file.")
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # NullPool: a fresh connection per transaction, as for the cache (threads and processes safe)
            self.engine = sqlalchemy.create_engine(
                url,
                poolclass=sqlalchemy.pool.NullPool,
                connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            )
            sqlalchemy.event.listen(self.engine, "connect", _sqlite_connected)
            sqlalchemy.event.listen(self.engine, "begin", _sqlite_begin)
            raw = self.engine.raw_connection()  # outside any transaction, as the pragma needs
            try:
                raw.cursor().execute("PRAGMA journal_mode=WAL")  # stored in the file
            finally:
                raw.close()
        elif self.dialect == "postgresql":
            # connect_timeout: a server that does not answer is said on the page, not waited for
            self.engine = sqlalchemy.create_engine(
                url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 5}
            )
        else:
            raise ValueError(f"Qari's database must be SQLite or PostgreSQL, not {self.dialect!r}.")
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """One short transaction, committed on success, rolled back on an exception.

        `write=True` takes SQLite's write lock at the start (BEGIN IMMEDIATE), so a transaction that reads
        before it writes waits for other writers instead of failing when it comes to write.
        """
        with self.engine.connect() as conn:
            conn.info["qari_write"] = write
            with conn.begin():
                yield conn

    @contextmanager
    def joined(self, within: Connection | None, *, write: bool = False) -> Iterator[Connection]:
        """The caller's transaction `within` (its work and this are committed together), else a new one."""
        if within is not None:
            yield within
        else:
            with self.transaction(write=write) as conn:
                yield conn

    def ensure(self, name: str, setup: Callable[[Connection], None]) -> None:
        """Run `setup` (create tables, migrate) once per process, in one write transaction; processes that
        set up the same PostgreSQL database at once take turns (an advisory lock)."""
        with self._lock:
            if name in self._ready:
                return
            with self.transaction(write=True) as conn:
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7126352)")
                setup(conn)
            self._ready.add(name)

    def unreachable(self) -> str | None:
        """Why the database does not answer now (a PostgreSQL server restarting, down, unreachable), else
        None. A SQLite file is always there: None without a query."""
        if self.dialect != "postgresql":
            return None
        try:
            self.engine.connect().close()  # the pool's pre-ping checks the connection: one round trip
        except sqlalchemy.exc.SQLAlchemyError as exc:
            return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return None

    def tables(self, conn: Connection) -> set[str]:
        return set(sqlalchemy.inspect(conn).get_table_names())

    def columns(self, conn: Connection, table: str) -> set[str]:
        return {c["name"] for c in sqlalchemy.inspect(conn).get_columns(table)}

    def __repr__(self) -> str:  # never the password
        return f"Database({sqlalchemy.engine.make_url(self.url).render_as_string(hide_password=True)!r})"


def _sqlite_connected(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # the driver leaves transactions to us (see _sqlite_begin)
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses at most the last commit
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("qari_write") else "BEGIN")


_DATABASES: dict[str, Database] = {}
_DATABASES_LOCK = threading.Lock()


def database(url: str) -> Database:
    """The `Database` for `url`, one per URL and process (its engine and pool are shared by threads)."""
    key = _driver_url(url)
    with _DATABASES_LOCK:
        if key not in _DATABASES:
            _DATABASES[key] = Database(key)
        return _DATABASES[key]
