"""Each reader's applied actions: what the page sent (a mark, a review answer) is applied once.

The page numbers its actions (a page session, chosen by the page, and a sequence number in it) and sends
them again until the server acknowledges them, so the same action can arrive twice: after a rerun that
was cut short, a slow server, a reconnect. `ActionLog.apply` records (reader, session, seq) in the same
transaction as the work the action does, so an action is applied once, and an acknowledged action was
committed with its record (it survives the server being killed right after). SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.db import Database
from models.study.vocab import check_reader

KEEP_SECONDS = 30 * 86400  # a page session's record is kept this long (a page left open for weeks re-sends)

_TABLE = """
CREATE TABLE IF NOT EXISTS applied_actions (
    reader  TEXT NOT NULL,
    session TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    applied DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (reader, session, seq)
)
"""


def _setup(conn: Connection) -> None:
    conn.exec_driver_sql(_TABLE)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS applied_actions_time ON applied_actions (applied)")


class ActionLog:
    """One reader's record of applied actions."""

    def __init__(self, db: Database, reader: str) -> None:
        self.db = db
        self.reader = check_reader(reader)
        self.db.ensure("applied_actions", _setup)

    def _record(self, conn: Connection, session: str, seq: int) -> bool:
        row = conn.execute(
            text(
                "INSERT INTO applied_actions (reader, session, seq, applied) VALUES (:reader, :session, :seq, :now) "
                "ON CONFLICT (reader, session, seq) DO NOTHING RETURNING seq"
            ),
            {"reader": self.reader, "session": session, "seq": seq, "now": time.time()},
        ).fetchone()
        return row is not None

    def apply(self, session: str, seq: int, work: Callable[[Connection], object]) -> bool:
        """Run `work(conn)` and record (session, seq) in one transaction, unless it was recorded before.
        True if it ran now. A ValueError from `work` (an action that cannot be done: an unknown word) rolls
        its changes back, records the action as done all the same (sending it again would fail again) and
        is raised."""
        if not session or not isinstance(seq, int):
            raise ValueError("An action needs its page session and sequence number.")
        try:
            with self.db.transaction(write=True) as conn:
                if not self._record(conn, session, seq):
                    return False
                work(conn)
        except ValueError:
            with self.db.transaction(write=True) as conn:
                self._record(conn, session, seq)
            raise
        return True

    def applied(self, session: str, seqs: list[int]) -> set[int]:
        """Which of `seqs` were applied in `session`."""
        if not seqs:
            return set()
        with self.db.transaction() as conn:
            rows = conn.execute(
                text(
                    "SELECT seq FROM applied_actions WHERE reader = :reader AND session = :session "
                    "AND seq BETWEEN :lo AND :hi"
                ),
                {"reader": self.reader, "session": session, "lo": min(seqs), "hi": max(seqs)},
            ).fetchall()
        return {int(r[0]) for r in rows} & set(seqs)

    def forget_old(self, now: float | None = None) -> int:
        """Drop this reader's records older than `KEEP_SECONDS`; how many."""
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text("DELETE FROM applied_actions WHERE reader = :reader AND applied < :before"),
                {"reader": self.reader, "before": (now or time.time()) - KEEP_SECONDS},
            )
        return cursor.rowcount
