"""The readers' database the store tests run on: a SQLite file everywhere, and a real PostgreSQL server
(started for the tests, tests/support/database.py) where the postgresql package is installed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.db import Database, database, sqlite_url
from tests.support import PostgresServer


@pytest.fixture(params=["sqlite", "postgresql"])
def readers_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty readers' database for one test: a SQLite file, or a new database on the server."""
    if request.param == "sqlite":
        db = database(sqlite_url(tmp_path / "readers.sqlite3"))
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        db = database(server.create_database(f"qari_{uuid.uuid4().hex[:12]}"))
    yield db
    db.engine.dispose()  # no idle connections left behind on the server
