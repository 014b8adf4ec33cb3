"""The readers' database the store tests run on: a SQLite file, and a real PostgreSQL server where the
postgresql package is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.db import Database, database, sqlite_url


@pytest.fixture(params=["sqlite"])
def readers_db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A fresh, empty readers' database for one test."""
    return database(sqlite_url(tmp_path / "readers.sqlite3"))
