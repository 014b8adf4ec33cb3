"""Turning what a reader gives Qari (pasted text, an uploaded file) into text, or a clear refusal.

Nothing here guesses silently: every adjustment becomes a reader-facing note.

Files (`read_file`, or `decode_bytes` for the text alone) are recognised by their first bytes, then by
their extension, and each kind has its own size limit (`SIZE_LIMITS`):

- text (.txt, anything not recognised below): UTF-8 with or without BOM, UTF-16, Windows-1256, else
  charset detection; an HTML page (.html/.htm, or sniffed from `<!doctype html` / `<html`) is reduced
  to its text.
- Word (.docx, python-docx): paragraphs and table cells in document order. The old binary .doc is
  refused with a hint to save as .docx or PDF.
- PDF with a text layer (pypdf): Arabic in PDFs is drawn in display order, left to right as seen,
  often as presentation-form glyphs (U+FB50–U+FEFC, reportlab) or as glyphs mapped to plain letters
  (Chromium). pypdf's plain extraction turns right-to-left runs round but strings the runs of a
  mixed line (Arabic with a number or a Latin name) in drawing order, and its layout mode puts spaces
  inside Arabic words and breaks ligatures; so `_visual_lines` rebuilds each line in display order
  from the positioned runs, `reading_order` checks its order from the letters (`line_order_score`)
  and applies the Unicode bidi algorithm (python-bidi's pure-Python one, which mirrors brackets), and
  `unshape` maps presentation forms back to letters (NFKC on those blocks only, after reordering, so a
  lam-alef ligature becomes lam then alef). Lines are joined back into paragraphs (`unwrap_lines`),
  since Qari ends a sentence at every line break. Page numbers alone on a line are dropped. A PDF
  without a text layer (a scan) is rendered page by page (pypdfium2, 300 dpi) and read by the same OCR
  as images, up to `MAX_OCR_PAGES` pages, reporting each page to a `progress` callback.
- images (.png .jpg .jpeg .tif .tiff .webp): Arabic OCR by the `tesseract` program (`-l ara`), run as
  a subprocess with a timeout; the program is `QARI_TESSERACT` (a path or a command name) or
  `tesseract` on PATH. `ocr_available()` tells the app whether to offer image uploads.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from models.inputs.limits import (  # noqa: F401 - the limits are part of this module's interface
    IMAGE_TYPES,
    KIND_NAMES,
    MAX_DOCX_BYTES,
    MAX_DOCX_XML_BYTES,
    MAX_FILE_BYTES,
    MAX_IMAGE_BYTES,
    MAX_PDF_BYTES,
    MAX_UPLOAD_BYTES,
    MB,
    SIZE_LIMITS,
    UPLOAD_TYPES,
    FileKind,
    FileText,
    InputError,
    PreparedText,
    Progress,
    limits_sentence,
    size_text,
    upload_limits,
)
from models.inputs.lines import line_order_score, reading_order, unshape, unwrap_lines  # noqa: F401
from models.inputs.ocr import ocr_available, read_image, tesseract_binary  # noqa: F401
from models.inputs.pdf import read_pdf
from models.settings import MAX_CHARS
from models.text.arabic import arabic_ratio, has_arabic


def decode_bytes(data: bytes, filename: str = "") -> str:
    """The text of an uploaded or command-line file (see the module docstring); InputError if unreadable."""
    return read_file(data, filename).text


def read_file(data: bytes, filename: str = "", progress: Progress | None = None) -> FileText:
    """Like `decode_bytes`, with the kind of file and notes for the reader (OCR used, lines reordered);
    `progress` hears of each page of a scanned PDF read by OCR."""
    name = Path(filename).name or "The file"
    kind = _sniff(data, filename, name)
    limit = SIZE_LIMITS[kind]
    if len(data) > limit:
        raise InputError(f"{name} is larger than {size_text(limit)}, the limit for {KIND_NAMES[kind]}.")
    if kind == "pdf":
        return read_pdf(data, name, progress)
    if kind == "docx":
        return FileText(_read_docx(data, name), "docx")
    if kind == "image":
        return read_image(data, name)
    return FileText(_read_text(data, filename, name), "text")


# ----------------------------------------------------------------------------------------- sniffing


def _sniff(data: bytes, filename: str, name: str) -> FileKind:
    """The kind of file, from its first bytes; the extension only decides what a mismatch means."""
    ext = Path(filename).suffix.lower().lstrip(".")
    head = data[:1024]
    # The PDF header may follow some junk, within the first 1024 bytes (PDF 1.7, annex H).
    if head.lstrip().startswith(b"%PDF-") or (ext == "pdf" and b"%PDF-" in head):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"  # any ZIP: _read_docx says so when it is not a Word document
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")) or (
        data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    ):
        return "image"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(
            f"{name} is an old-style Word (.doc) or Office file, which Qari cannot read; "
            "save it as .docx or PDF and upload that."
        )
    if ext == "pdf":
        raise InputError(f"{name} is not a valid PDF file (it may be damaged, or not a PDF at all).")
    if ext == "docx":
        raise InputError(f"{name} is not a valid Word (.docx) file (it may be damaged).")
    if ext in IMAGE_TYPES:
        raise InputError(f"{name} is not a valid {ext.upper()} image (it may be damaged).")
    return "text"


# --------------------------------------------------------------------------------------- text, HTML


def _read_text(data: bytes, filename: str, name: str) -> str:
    text = _decode(data, name)
    if Path(filename).suffix.lower() in {".html", ".htm"} or _looks_like_html(text):
        text = html_to_text(text)
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name} looks like UTF-16 text but does not decode as such.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} is not a text file (it holds binary data).")
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
        raise InputError(f"{name} could not be decoded as text (tried UTF-8, UTF-16, Windows-1256).")
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


# --------------------------------------------------------------------------------------------- docx


def _read_docx(data: bytes, name: str) -> str:
    damaged = f"{name} could not be read as a Word document (it may be damaged)."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(damaged) from None
    if not any(m.filename == "word/document.xml" for m in members):
        raise InputError(f"{name} is a ZIP archive, not a Word (.docx) document.")
    if sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels"))) > MAX_DOCX_XML_BYTES:
        raise InputError(f"{name} holds more text markup than Qari reads ({MAX_DOCX_XML_BYTES // MB} MB).")

    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks.extend(_table_cells(block))
            else:
                blocks.append(block.text)
    except Exception:  # noqa: BLE001 - python-docx and lxml fail many ways on a broken file; one message
        raise InputError(damaged) from None
    # Empty paragraphs are only spacing; every paragraph is a line of its own.
    return "\n".join(line for block in blocks for line in block.splitlines() if line.strip())


def _table_cells(table: Any) -> list[str]:
    """Cell texts row by row; a merged cell, which python-docx repeats in each row it spans, once."""
    seen: set[Any] = set()  # the XML elements themselves: ids of lxml proxies are reused once freed
    cells: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append(cell.text)
    return cells


# ---------------------------------------------------------------------------------------- checking


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
        notes.append(
            "This text has no Arabic letters; Qari shows it, but there is nothing to translate from Arabic."
        )
    elif arabic_ratio(text) < 0.5:
        notes.append("Much of this text is not Arabic; only its Arabic sentences are translated.")
    return PreparedText(text=text, notes=notes, truncated=truncated)
