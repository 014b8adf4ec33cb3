"""SQLite connections: the one place Qari opens its database files.

Streamlit serves sessions from threads, and a class may run several processes on one data folder, so
every call opens its own short-lived connection (WAL mode, a busy timeout, one short transaction):
threads and processes never share a connection, and writers wait briefly instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

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
