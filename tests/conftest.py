"""Shared pytest fixtures for Qari's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.tiny_marian import build_tiny_marian

# CI runs the same examples every time, so a red build is reproducible and never a coin toss;
# locally hypothesis keeps exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight MarianMT model folder, built once per test session."""
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(autouse=True)
def qari_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test writes Qari's data (the translation cache, …) into its own temporary folder."""
    path = tmp_path_factory.mktemp("qari-data")
    monkeypatch.setenv("QARI_DATA_DIR", str(path))
    return path
