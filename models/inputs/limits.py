"""What Qari accepts: the kinds of file, their size limits, and the error every reader is one plain
sentence away from (`InputError`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

MB = 1024 * 1024
MAX_FILE_BYTES = 5 * MB  # text and HTML files
MAX_DOCX_BYTES = 25 * MB  # Word files carry their images: most of the size is not text
MAX_DOCX_XML_BYTES = 100 * MB  # uncompressed XML in a .docx: a guard against zip bombs
MAX_PDF_BYTES = 50 * MB
MAX_PDF_PAGES = 2_000
MAX_IMAGE_BYTES = 20 * MB
MAX_IMAGE_PIXELS = 60_000_000  # per page: a 600 dpi A3 scan; above it OCR takes minutes
MAX_IMAGE_FRAMES = 20  # pages of a multi-page TIFF
MAX_OCR_PAGES = 20  # pages of a scanned PDF read by OCR (10-40 s each on one core)
OCR_DPI = 300
OCR_TIMEOUT_S = 180  # per page; a full A4 page of Arabic takes 10-40 s on one core
OCR_LANGUAGE = "ara"

FileKind = Literal["text", "docx", "pdf", "image"]
# Called as pages are read by OCR: (pages done, pages to read); a page can take half a minute.
Progress = Callable[[int, int], None]
TEXT_TYPES = ["txt", "html", "htm"]
IMAGE_TYPES = ["png", "jpg", "jpeg", "tif", "tiff", "webp"]
# For st.file_uploader(type=...): extensions without dots.
UPLOAD_TYPES: list[str] = [*TEXT_TYPES, "docx", "pdf", *IMAGE_TYPES]
SIZE_LIMITS: dict[FileKind, int] = {
    "text": MAX_FILE_BYTES,
    "docx": MAX_DOCX_BYTES,
    "pdf": MAX_PDF_BYTES,
    "image": MAX_IMAGE_BYTES,
}
# The largest of them: what the server must accept at all. `.streamlit/config.toml` sets Streamlit's
# server.maxUploadSize to this many MB (tests/inputs/test_limits.py keeps the two in step).
MAX_UPLOAD_BYTES = max(SIZE_LIMITS.values())
KIND_NAMES: dict[FileKind, str] = {
    "text": "text files",
    "docx": "Word documents",
    "pdf": "PDF files",
    "image": "images",
}
# How the page names each kind when it tells the reader the limits.
_KIND_LABELS: dict[FileKind, str] = {
    "text": "text and web pages (.txt .html)",
    "docx": "Word (.docx)",
    "pdf": "PDF",
    "image": "images",
}

OCR_INSTALL_HINT = (
    "install Tesseract with its Arabic data (Debian or Ubuntu: apt-get install tesseract-ocr "
    "tesseract-ocr-ara; macOS: brew install tesseract tesseract-lang)"
)


class InputError(ValueError):
    """Input Qari cannot read; the message is one plain sentence for the reader."""


@dataclass
class PreparedText:
    text: str
    notes: list[str] = field(default_factory=list)
    truncated: bool = False


@dataclass
class FileText:
    """The text of a file, what kind of file it was, and reader-facing notes on how it was read."""

    text: str
    kind: FileKind
    notes: list[str] = field(default_factory=list)


def upload_limits(server_limit_mb: float | None = None, *, images: bool = True) -> dict[FileKind, int]:
    """The real limit in bytes for each kind of upload: Qari's own (`SIZE_LIMITS`), or the server's
    (Streamlit's server.maxUploadSize, in MB) where that is lower; images only when `images` (OCR)."""
    cap = None if server_limit_mb is None else int(server_limit_mb * MB)
    return {
        kind: limit if cap is None else min(limit, cap)
        for kind, limit in SIZE_LIMITS.items()
        if images or kind != "image"
    }


def limits_sentence(limits: dict[FileKind, int]) -> str:
    """The limits in one line for the page: "Limits per file: text and web pages (.txt .html) 5 MB, …"."""
    return (
        "Limits per file: "
        + ", ".join(f"{_KIND_LABELS[kind]} {size_text(limit)}" for kind, limit in limits.items())
        + "."
    )


def size_text(limit: int) -> str:
    """A limit as the page says it: '5 MB', '2.5 MB'."""
    return f"{limit // MB} MB" if limit % MB == 0 else f"{limit / MB:.1f} MB"
