"""Shared pytest fixtures for Qari's tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from models import registry
from models.db import Database, database, sqlite_url
from models.document import Entity, Token
from models.text.arabic import tokenize
from models.text.segment import split_sentences
from tests.support import POSTGRES_MISSING, SAMPLE, PostgresServer, build_tiny_marian, postgres_bin

# CI runs the same examples every time, so a red build is reproducible and never a coin toss;
# locally hypothesis keeps exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight MarianMT model folder, built once per test session."""
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (tests/support/database.py): each test makes its own
    database on it (`create_database`). Skips, saying what to install, where PostgreSQL is missing."""
    if postgres_bin() is None:
        pytest.skip(POSTGRES_MISSING)
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def readers_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty readers' database for one test: a SQLite file, or a new database on the session's
    PostgreSQL server (`postgres`; skipped, saying what to install, where PostgreSQL is missing)."""
    if request.param == "sqlite":
        db = database(sqlite_url(tmp_path / "readers.sqlite3"))
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        db = database(server.create_database(f"qari_{uuid.uuid4().hex[:12]}"))
    yield db
    db.engine.dispose()  # no idle connections left behind on the server


@pytest.fixture
def clean_registry() -> Iterator[None]:
    """The translation-model registry is process-wide: start and end a test without remembered loads."""
    registry.reset()
    yield
    registry.reset()


@pytest.fixture
def clean_recognizers() -> Iterator[None]:
    """The entity recognisers are process-wide, one per model id: start and end a test without them."""
    registry.reset()
    yield
    registry.reset()


@pytest.fixture(scope="module")
def sentences() -> list[list[Token]]:
    """The sample article's tokens, one list per sentence."""
    return [tokenize(SAMPLE, a, b) for a, b in split_sentences(SAMPLE)]


@pytest.fixture(scope="module")
def entities(sentences: list[list[Token]]) -> list[Entity]:
    """What the shipped recogniser finds in the sample article."""
    from models.names.recognizer import get_recognizer

    recognizer = get_recognizer()
    return [e for toks in sentences for e in recognizer.recognize(SAMPLE, toks)]


@pytest.fixture(autouse=True)
def qari_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test writes Qari's data (the translation cache, …) into its own temporary folder."""
    path = tmp_path_factory.mktemp("qari-data")
    monkeypatch.setenv("QARI_DATA_DIR", str(path))
    return path
