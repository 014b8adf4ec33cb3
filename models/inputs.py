"""Turning what a reader gives Qari (pasted text, an uploaded file) into text, or a clear refusal.

Nothing here guesses silently: every adjustment becomes a reader-facing note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models.arabic import arabic_ratio, has_arabic

MAX_CHARS = 200_000  # beyond this the page and the model slow to a crawl; the reader may keep the first part
MAX_FILE_BYTES = 5 * 1024 * 1024


class InputError(ValueError):
    """Input Qari cannot read; the message is one plain sentence for the reader."""


@dataclass
class PreparedText:
    text: str
    notes: list[str] = field(default_factory=list)
    truncated: bool = False


def decode_bytes(data: bytes, filename: str = "") -> str:
    """Decode an uploaded or command-line file: UTF-8 (with or without BOM), UTF-16, Windows-1256; HTML to text."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{filename or 'The file'} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    text = _decode(data, filename)
    if Path(filename).suffix.lower() in {".html", ".htm"} or _looks_like_html(text):
        text = html_to_text(text)
    return text


def _decode(data: bytes, filename: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise InputError(f"{filename or 'The file'} is not a text file (it holds binary data).")
    # Windows-1256 is the usual legacy Arabic encoding; detectors often mistake it for Greek.
    try:
        legacy = data.decode("cp1256")
        if arabic_ratio(legacy) >= 0.5:
            return legacy
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{filename or 'The file'} could not be decoded as text (tried UTF-8, UTF-16, Windows-1256).")
    return str(best)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def html_to_text(markup: str) -> str:
    """Reduce an HTML page to its readable text, one block per line; scripts and styles dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def prepare_text(text: str, *, max_chars: int = MAX_CHARS) -> PreparedText:
    """Check pasted or decoded text; raise InputError for empty input, note mixed scripts, cut oversize text."""
    if not text.strip():
        raise InputError("The text is empty: paste or upload some Arabic text to read.")
    notes: list[str] = []
    truncated = False
    if len(text) > max_chars:
        cut = text.rfind("\n", 0, max_chars)
        if cut < max_chars // 2:
            cut = max_chars
        text = text[:cut]
        truncated = True
        notes.append(f"The text is longer than {max_chars:,} characters; Qari shows its first part.")
    if not has_arabic(text):
        notes.append("This text has no Arabic letters; Qari shows it, but there is nothing to translate from Arabic.")
    elif arabic_ratio(text) < 0.5:
        notes.append("Much of this text is not Arabic; only its Arabic sentences are translated.")
    return PreparedText(text=text, notes=notes, truncated=truncated)
