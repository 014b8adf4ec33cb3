"""Each reader's listening settings (speed, voice), kept in the readers' database beside their vocabulary.

A `ListenPrefs` is bound to one database (`models.db.Database`: the one the reader's vocabulary and library
live in) and one reader key, and every query is limited to that key, as in `models.study.vocab`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.db import Database
from models.speech.speech import clamp_speed

# auto: the browser's own Arabic voice where it has one, else the server's (espeak-ng)
VOICES = ("auto", "browser", "server")

_TABLE = """
CREATE TABLE IF NOT EXISTS listen_prefs (
    reader  TEXT NOT NULL PRIMARY KEY,
    speed   DOUBLE PRECISION NOT NULL,
    voice   TEXT NOT NULL,
    updated DOUBLE PRECISION NOT NULL
)
"""


@dataclass(frozen=True)
class Preferences:
    speed: float = 1.0
    voice: str = "auto"


def _setup(conn: Connection) -> None:
    conn.exec_driver_sql(_TABLE)


class ListenPrefs:
    """One reader's speed and voice."""

    def __init__(self, db: Database, reader: str) -> None:
        if not isinstance(reader, str) or not reader.strip():
            raise ValueError("Listening settings need the reader they belong to.")
        self.db, self.reader = db, reader
        db.ensure("listen_prefs", _setup)

    def get(self) -> Preferences:
        with self.db.transaction() as conn:
            row = conn.execute(
                text("SELECT speed, voice FROM listen_prefs WHERE reader = :reader"), {"reader": self.reader}
            ).fetchone()
        if row is None:
            return Preferences()
        voice = row[1] if row[1] in VOICES else "auto"
        return Preferences(clamp_speed(row[0]), voice)

    def set(self, speed: float | None = None, voice: str | None = None) -> Preferences:
        """Save what is given (None keeps what was saved); an unknown voice raises ValueError."""
        if voice is not None and voice not in VOICES:
            raise ValueError(f"Unknown voice {voice!r}: use one of {', '.join(VOICES)}.")
        old = self.get()
        new = Preferences(clamp_speed(speed) if speed is not None else old.speed, voice or old.voice)
        with self.db.transaction(write=True) as conn:
            conn.execute(
                text(
                    "INSERT INTO listen_prefs (reader, speed, voice, updated) VALUES (:reader, :speed, :voice, :now) "
                    "ON CONFLICT (reader) DO UPDATE SET speed = excluded.speed, voice = excluded.voice, "
                    "updated = excluded.updated"
                ),
                {"reader": self.reader, "speed": new.speed, "voice": new.voice, "now": time.time()},
            )
        return new
