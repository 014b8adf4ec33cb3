"""One set of upload limits: Streamlit's server.maxUploadSize, the upload box and `models/inputs/files.py`
agree, and the page says the real limit for each kind of file."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from models import registry
from models.inputs.files import (
    MAX_PDF_BYTES,
    MAX_UPLOAD_BYTES,
    MB,
    SIZE_LIMITS,
    InputError,
    limits_sentence,
    read_file,
    upload_limits,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_accepts_every_file_qari_reads_and_no_larger() -> None:
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["maxUploadSize"] * MB == MAX_UPLOAD_BYTES == max(SIZE_LIMITS.values())


def test_a_file_at_its_limit_is_read_and_one_byte_more_is_refused_with_that_limit() -> None:
    page = b"\xd9\x85" * (SIZE_LIMITS["text"] // 2)  # Arabic letters (UTF-8), exactly at the limit
    assert len(read_file(page, "big.txt").text) == SIZE_LIMITS["text"] // 2
    with pytest.raises(InputError, match=r"larger than 5 MB, the limit for text files"):
        read_file(page + b" ", "big.txt")


def test_the_real_limits_are_qaris_own_or_the_servers_where_it_is_lower() -> None:
    assert upload_limits() == SIZE_LIMITS
    assert upload_limits(MAX_UPLOAD_BYTES // MB) == SIZE_LIMITS
    lowered = upload_limits(10)
    assert lowered == {"text": SIZE_LIMITS["text"], "docx": 10 * MB, "pdf": 10 * MB, "image": 10 * MB}
    assert "image" not in upload_limits(images=False)


def test_the_limits_sentence_names_each_kind_with_its_limit() -> None:
    sentence = limits_sentence(upload_limits())
    assert sentence == (
        "Limits per file: text and web pages (.txt .html) 5 MB, Word (.docx) 25 MB, PDF 50 MB, images 20 MB."
    )
    assert "images" not in limits_sentence(upload_limits(images=False))
    assert limits_sentence({"pdf": MAX_PDF_BYTES * 3 // 100}) == "Limits per file: PDF 1.5 MB."


@pytest.fixture
def page_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The page without a translation model (nothing to load) and with the server limit restored after."""
    monkeypatch.setenv("QARI_MT_MODEL", str(tmp_path / "no-model"))
    monkeypatch.setenv("QARI_DATA_DIR", str(tmp_path / "data"))
    st.cache_data.clear()
    st.cache_resource.clear()
    registry.reset()
    before = config.get_option("server.maxUploadSize")
    yield
    config.set_option("server.maxUploadSize", before)
    registry.reset()


@pytest.mark.parametrize("server_mb", [50, 10])
def test_the_upload_box_shows_the_real_limits(page_env: None, server_mb: int) -> None:
    config.set_option("server.maxUploadSize", server_mb)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    uploader = at.file_uploader(key="upload")
    assert uploader.proto.max_upload_size_mb == min(server_mb, MAX_UPLOAD_BYTES // MB)
    captions = [c.value for c in at.sidebar.caption]
    sentence = limits_sentence(upload_limits(server_mb, images=".png" in uploader.proto.type))
    assert any(c.startswith(sentence) for c in captions)
    pdf = min(server_mb, MAX_PDF_BYTES // MB)
    assert any(f"PDF {pdf} MB" in c for c in captions)
    assert any(c.endswith(f"EPUB books {pdf} MB.") for c in captions)  # books share the PDF's 50 MB
