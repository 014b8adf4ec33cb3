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

import functools
import io
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from models.settings import MAX_CHARS, TESSERACT_ENV, tesseract
from models.text.arabic import arabic_ratio, has_arabic

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
_KIND_NAMES: dict[FileKind, str] = {
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
    return "Limits per file: " + ", ".join(f"{_KIND_LABELS[kind]} {_size(limit)}" for kind, limit in limits.items()) + "."


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit % MB == 0 else f"{limit / MB:.1f} MB"


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
        raise InputError(f"{name} is larger than {_size(limit)}, the limit for {_KIND_NAMES[kind]}.")
    if kind == "pdf":
        return _read_pdf(data, name, progress)
    if kind == "docx":
        return FileText(_read_docx(data, name), "docx")
    if kind == "image":
        return _read_image(data, name)
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
    if (
        data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
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


# ---------------------------------------------------------------------------------------------- PDF


def _read_pdf(data: bytes, name: str, progress: Progress | None = None) -> FileText:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            # an empty user password is common ("no copying" PDFs); anything else needs the reader's password
            raise InputError(f"{name} is protected by a password; save an unprotected copy and upload that.")
        pages = list(reader.pages)
    except InputError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file; one message for the reader
        raise InputError(f"{name} could not be read as a PDF (it may be damaged).") from None
    if len(pages) > MAX_PDF_PAGES:
        raise InputError(f"{name} has {len(pages):,} pages; Qari reads PDFs of up to {MAX_PDF_PAGES:,} pages.")

    page_lines: list[list[str]] = []
    failed: list[int] = []
    total = 0
    for number, page in enumerate(pages, start=1):
        try:
            raw = _visual_lines(page)
        except Exception:  # noqa: BLE001 - one odd page (a broken font) must not cost the rest
            try:
                raw = page.extract_text(extraction_mode="layout").splitlines()
            except Exception:  # noqa: BLE001
                failed.append(number)
                continue
        lines = _drop_page_numbers([line.strip() for line in raw])
        page_lines.append(lines)
        total += sum(len(line) for line in lines)
        if total > MAX_CHARS:
            break  # prepare_text cuts the text and says so; the remaining pages would only be dropped

    if not any(_LETTER.search(line) for lines in page_lines for line in lines):
        if failed:
            raise InputError(f"{name} could not be read as a PDF (its text could not be extracted).")
        return _ocr_pdf(data, name, len(pages), progress)

    # One decision for lines with no evidence of their order either way: the document's majority.
    # pypdf's layout mode places text by position, so without evidence a line is in display order.
    document_score = sum(line_order_score(line) for lines in page_lines for line in lines)
    default_visual = document_score >= 0
    reordered = unshaped = False
    paragraphs: list[str] = []
    for lines in page_lines:
        logical: list[str] = []
        for line in lines:
            fixed = reading_order(line, default_visual=default_visual)
            reordered = reordered or fixed != line
            plain = unshape(fixed)
            unshaped = unshaped or plain != fixed
            logical.append(plain)
        paragraphs.extend(unwrap_lines(logical))

    notes: list[str] = []
    if reordered or unshaped:
        notes.append(
            "This PDF stores its Arabic as displayed (letters in visual order or as joined letter forms); "
            "Qari put it back into plain letters in reading order, so check it against the PDF if a line "
            "reads oddly."
        )
    if failed:
        pages_list = ", ".join(str(n) for n in failed[:10]) + (" …" if len(failed) > 10 else "")
        notes.append(f"Some pages of this PDF could not be read and are left out: {pages_list}.")
    return FileText("\n".join(paragraphs), "pdf", notes)


@dataclass
class _Piece:
    text: str
    x: float
    y: float
    size: float


def _visual_lines(page: Any) -> list[str]:
    """The lines of a PDF page top to bottom, each in display order (left to right as seen).

    pypdf's plain extraction gives each run of text in one direction, and turns right-to-left runs
    round, treating a glyph that stands for several letters (a lam-alef ligature) as one unit. Its own
    line layout puts the runs of a mixed line in drawing order, though, and its layout mode inserts
    spaces inside Arabic words and breaks ligatures, so: collect the runs with their positions, group
    them into lines by height, turn the right-to-left runs back into display order, and leave the
    reading order to `reading_order`. (Turning a run round twice gives each ligature back as it was.)
    """
    from pypdf._utils import is_char_neutral, is_char_rtl  # the test pypdf itself uses for runs

    pieces: list[_Piece] = []
    rtl_state = False  # pypdf's run direction carries over neutral-only runs ("  ", "(")

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, font_size: float) -> None:
        nonlocal rtl_state
        text = text.replace("\n", "")
        if not text:
            return
        strong = [is_char_rtl(ch) for ch in text if len(ch) == 1 and not is_char_neutral(ch)]
        if strong:
            rtl_state = strong[-1]
        if rtl_state:
            text = text[::-1]
        # position on the page: the text matrix times the current transformation matrix
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size * (tm[3] * cm[3] + tm[2] * cm[1])) or abs(font_size) or 1.0
        pieces.append(_Piece(text, x, y, size))

    page.extract_text(visitor_text=visit)

    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: -p.y):  # top first; sorted() keeps drawing order per height
        if rows and abs(rows[-1][0].y - piece.y) <= 0.5 * max(piece.size, rows[-1][0].size):
            rows[-1].append(piece)
        else:
            rows.append([piece])
    lines: list[str] = []
    heights: list[float] = []
    for row in rows:
        # Producers draw a line's pieces left to right; one that draws them right to left is put back.
        back = sum(1 for a, b in itertools.pairwise(row) if b.x < a.x - a.size)
        ahead = sum(1 for a, b in itertools.pairwise(row) if b.x > a.x + a.size)
        if back > ahead:
            row = row[::-1]
        text = "".join(piece.text for piece in row)
        if text.strip():
            lines.append(text)
            heights.append(row[0].y)
    # A gap well above the usual line spacing is a paragraph break: a blank line, as `unwrap_lines` expects.
    gaps = [a - b for a, b in itertools.pairwise(heights)]
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    spaced: list[str] = lines[:1]
    for gap, line in zip(gaps, lines[1:], strict=False):
        if usual > 0 and gap > 1.6 * usual:
            spaced.append("")
        spaced.append(line)
    return spaced


_PAGE_NUMBER = re.compile(r"[-–—\s\[\](){}|/.]*[\d\u0660-\u0669\u06f0-\u06f9]+[-–—\s\[\](){}|/.]*")


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """A page's first or last line when it is only a number ("12", "- 12 -"): a page number, not text."""
    filled = [i for i, line in enumerate(lines) if line]
    for i in {filled[0], filled[-1]} if filled else ():
        if _PAGE_NUMBER.fullmatch(lines[i]):
            lines[i] = ""
    return lines


# Arabic letters: base letters, their presentation forms and ligatures, tatweel inside a word.
_ARABIC_WORD = re.compile("[\u0621-\u063a\u0640-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe80-\ufefc]+")
_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\ufe70-\ufe7f]")
_LETTER = re.compile("[^\\W\\d_]")


def _form(ch: str) -> str | None:
    """'initial' / 'medial' / 'final' / 'isolated' for a presentation-form character, None otherwise."""
    decomposition = unicodedata.decomposition(ch)
    if decomposition.startswith("<"):
        return decomposition[1 : decomposition.index(">")]
    return None


def line_order_score(line: str) -> int:
    """Evidence that a line of Arabic is in display order (> 0) or in reading order (< 0); 0: none.

    Presentation forms tell it for certain: in reading order a word cannot start with a final or medial
    form nor end with an initial or medial one, and in display order it is the other way round. Plain
    letters tell it by spelling: words start with ال and end with ة or ى in reading order; reversed, they
    end with لا and start with ة or ى (a few words do end with لا, so it is evidence, not proof).
    """
    score = 0
    for word in _ARABIC_WORD.findall(_TASHKEEL.sub("", line)):
        word = word.strip("\u0640")  # tatweel at either end says nothing about order
        if len(word) < 2:
            continue
        first, last = _form(word[0]), _form(word[-1])
        if first is not None or last is not None:
            score += (first in ("final", "medial")) + (last in ("initial", "medial"))
            score -= (first == "initial") + (last == "final")
            continue
        if len(word) >= 4:
            score += word.endswith("لا")
            score -= word.startswith("ال")
        score += word[0] in "ةى"
        score -= word[-1] in "ةى"
    return score


def reading_order(line: str, *, default_visual: bool = True) -> str:
    """A line of a PDF as extracted in display order → reading order, when it has Arabic and needs it.

    The order is judged by `line_order_score`, or `default_visual` when the line gives no evidence. The
    paragraph direction is that of the majority of its letters (an English line with one Arabic word
    keeps its left-to-right order; only the Arabic word is turned round).
    """
    if not has_arabic(line):
        return line
    score = line_order_score(line)
    if score < 0 or (score == 0 and not default_visual):
        return line
    from bidi.algorithm import get_display  # pure Python: mirrors brackets, unlike bidi.get_display

    letters = _LETTER.findall(line)
    arabic = sum(1 for ch in letters if has_arabic(ch))
    return str(get_display(line, base_dir="R" if arabic * 2 >= len(letters) else "L"))


_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def _plain_form(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\ufeff":
        return ""  # a stray byte-order mark / zero-width no-break space
    # NFKC maps each form to its letter(s); the isolated harakat forms come with a space: drop it.
    return unicodedata.normalize("NFKC", ch).lstrip(" ")


def unshape(text: str) -> str:
    """Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF) back to plain letters; nothing else changes.

    Run it on text in reading order: a lam-alef ligature becomes lam then alef.
    """
    return _PRESENTATION_FORMS.sub(_plain_form, text)


_PARAGRAPH_END = ".!?؟…"  # sentence ends; a bracket or quote at a line end often goes on


def unwrap_lines(lines: list[str], short: float = 0.6) -> list[str]:
    """Join the lines of a page (or an OCR result) back into paragraphs.

    A paragraph ends at a blank line, after a line ending a sentence (. ! ? ؟ …), and after a line
    shorter than `short` times the longest line (a heading, or the last line of a paragraph). Qari ends
    a sentence at every line break, so leaving lines as they are would cut sentences at each wrap.
    """
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        line = " ".join(line.split())
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if line.endswith(tuple(_PARAGRAPH_END)) or len(line) < short * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


# ---------------------------------------------------------------------------------------- OCR images


def tesseract_binary() -> str:
    """The tesseract program to run: QARI_TESSERACT (a path or a command), else `tesseract` on PATH.

    Raises InputError, saying what to install, when there is none or it lacks the Arabic data.
    """
    configured = tesseract() or ""
    found = shutil.which(configured or "tesseract")
    if found is None:
        if configured:
            raise InputError(
                f"Reading text from images needs Tesseract, but {TESSERACT_ENV} is set to {configured}, "
                f"which is not a program Qari can run: fix the setting or {OCR_INSTALL_HINT}."
            )
        raise InputError(f"Reading text from images needs Tesseract OCR, which is not installed: {OCR_INSTALL_HINT}.")
    languages = _languages(found, int(time.monotonic() // 60))  # re-checked each minute: installs show up
    if languages is None:
        raise InputError(f"Tesseract at {found} does not run: reinstall it, or {OCR_INSTALL_HINT}.")
    if OCR_LANGUAGE not in languages:
        raise InputError(
            "Tesseract is installed without its Arabic data: install tesseract-ocr-ara "
            "(Debian or Ubuntu) or tesseract-lang (macOS)."
        )
    return found


def ocr_available() -> bool:
    """True when images can be read: tesseract runs and has its Arabic data."""
    try:
        tesseract_binary()
    except InputError:
        return False
    return True


@functools.lru_cache(maxsize=8)
def _languages(binary: str, _minute: int) -> frozenset[str] | None:
    """The languages tesseract has data for (None if it does not run); cached per binary and minute."""
    try:
        proc = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    # tesseract prints 'List of available languages in "…" (3):' then one code a line (stdout or stderr)
    output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    return frozenset(line.strip() for line in output.splitlines()[1:] if line.strip())


def _read_image(data: bytes, name: str) -> FileText:
    binary = tesseract_binary()  # before decoding the image: a missing program is the reader's first fix
    from PIL import Image, ImageOps, ImageSequence

    damaged = f"{name} could not be read as an image (it may be damaged)."
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise InputError(f"{name} has too many pixels to read (the limit is {MAX_IMAGE_PIXELS:,}).") from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on a broken file; one message
        raise InputError(damaged) from None

    texts: list[str] = []
    notes = ["Text read from the image by OCR (Tesseract): it can misread letters, so check it against the image."]
    with image, tempfile.TemporaryDirectory(prefix="qari-ocr-") as tmp:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index >= MAX_IMAGE_FRAMES:
                notes.append(f"Only the first {MAX_IMAGE_FRAMES} pages of this image file were read.")
                break
            if frame.width * frame.height > MAX_IMAGE_PIXELS:
                raise InputError(
                    f"{name} is {frame.width}×{frame.height} pixels, more than Qari reads "
                    f"({MAX_IMAGE_PIXELS // 1_000_000} megapixels): scale it down and upload it again."
                )
            try:
                page = _ocr_ready(ImageOps.exif_transpose(frame))
                path = Path(tmp) / f"page{index}.png"
                dpi = frame.info.get("dpi") or (300, 300)  # tesseract guesses 70 dpi without one
                page.save(path, dpi=tuple(round(float(d)) or 300 for d in dpi))
            except Exception:  # noqa: BLE001 - a truncated or corrupt image fails on decoding
                raise InputError(damaged) from None
            # tesseract wraps numbers and Latin in LRM/RLM marks: invisible, and no part of the text
            texts.append(_tesseract(binary, path, name).translate({0x200E: None, 0x200F: None}))
    paragraphs = unwrap_lines([line.strip() for text in texts for line in [*text.splitlines(), ""]])
    text = "\n".join(paragraphs)
    if not text.strip():
        raise InputError(f"No text was found in {name}; OCR needs a clear, upright picture of printed text.")
    return FileText(text, "image", notes)


def _ocr_pdf(data: bytes, name: str, page_count: int, progress: Progress | None) -> FileText:
    """A PDF without a text layer: each page rendered (pypdfium2) and read by OCR, as an image would be."""
    try:
        binary = tesseract_binary()
    except InputError as exc:
        raise InputError(f"{name} has no text layer (it is probably a scan). {exc}") from None
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - pdfium refuses a file pypdf read: one message
        raise InputError(f"{name} could not be read as a PDF (it may be damaged).") from None
    total = min(len(document), MAX_OCR_PAGES)
    texts: list[str] = []
    pages_read = "page was" if total == 1 else f"{total} pages were"
    notes = [
        (
            f"This PDF has no text layer (a scan): its {pages_read} read by OCR (Tesseract), which can "
            "misread letters, so check the text against the PDF."
        )
    ]
    if page_count > MAX_OCR_PAGES:
        notes.append(
            f"Only the first {MAX_OCR_PAGES} of its {page_count:,} pages were read (OCR takes up to half a minute "
            "a page); split the PDF to read the rest."
        )
    if progress is not None:
        progress(0, total)
    try:
        with tempfile.TemporaryDirectory(prefix="qari-ocr-") as tmp:
            for index in range(total):
                page = document[index]
                width, height = page.get_size()  # points, 1/72 inch
                # 300 dpi, or less for a page so large it would pass the pixel limit
                scale = min(OCR_DPI / 72, (MAX_IMAGE_PIXELS / max(1.0, width * height)) ** 0.5)
                try:
                    image = page.render(scale=scale, grayscale=True).to_pil()
                except Exception:  # noqa: BLE001 - one page that does not render: say which
                    raise InputError(f"Page {index + 1} of {name} could not be rendered for OCR.") from None
                path = Path(tmp) / f"page{index}.png"
                dpi = round(scale * 72)
                _ocr_ready(image).save(path, dpi=(dpi, dpi))
                page_text = _tesseract(binary, path, f"page {index + 1} of {name}")
                texts.append(page_text.translate({0x200E: None, 0x200F: None}))
                if progress is not None:
                    progress(index + 1, total)
    finally:
        document.close()
    lines = [line.strip() for text in texts for line in [*_drop_page_numbers(text.splitlines()), ""]]
    text = "\n".join(unwrap_lines(lines))
    if not text.strip():
        raise InputError(
            f"{name} has no text layer, and OCR found no text on its pages; it needs clear, upright "
            "printed text."
        )
    return FileText(text, "pdf", notes)


def _ocr_ready(frame: Any) -> Any:
    """Grayscale on white (transparent areas would come out black), as tesseract reads best."""
    from PIL import Image, ImageOps

    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(background, rgba)
    gray = frame.convert("L")
    height = _text_line_height(gray)
    if height is not None and height < _OCR_LINE_HEIGHT * 0.7:
        # Small text (a screenshot of a web page): tesseract reads lines some 30-60 pixels high best.
        scale = min(3.0, _OCR_LINE_HEIGHT / height)
        size = (round(gray.width * scale), round(gray.height * scale))
        if size[0] * size[1] <= MAX_IMAGE_PIXELS:
            gray = gray.resize(size, Image.Resampling.LANCZOS)
    # A white border: tesseract drops letters that touch the edge of a tightly cropped screenshot.
    return ImageOps.expand(gray, border=max(20, min(gray.size) // 20), fill=255)


_OCR_LINE_HEIGHT = 45  # pixels, ink of one line of Arabic (dots and descenders included)


def _text_line_height(gray: Any) -> float | None:
    """The median height of the lines of dark text, from the rows that hold ink; None if unclear."""
    import numpy as np

    ink = (np.asarray(gray) < 128).any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], ink.astype(np.int8), [0]))))
    runs = edges[1::2] - edges[::2]
    runs = runs[runs >= 4]  # specks and underlines are no lines
    if len(runs) == 0 or ink.mean() > 0.9:  # a photo or dark background: no clean rows to measure
        return None
    return float(np.median(runs))


# Tesseract's row noise filter throws away whole lines of clean Arabic (the dots above and below the
# letters look like specks to it): a two-line screenshot came back with one line. Off, it keeps them.
_TESSERACT_OPTIONS = ("-c", "textord_noise_rejrows=0")


def _tesseract(binary: str, path: Path, name: str) -> str:
    # One thread: on a shared server several readers may OCR at once, and tesseract's threads gain little.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    try:
        proc = subprocess.run(
            [binary, str(path), "stdout", "-l", OCR_LANGUAGE, "--psm", "3", *_TESSERACT_OPTIONS],
            capture_output=True,
            timeout=OCR_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"Reading {name} by OCR took longer than {OCR_TIMEOUT_S} seconds; try a smaller or clearer image."
        ) from None
    except OSError:
        raise InputError(f"Tesseract could not be started: {OCR_INSTALL_HINT}.") from None
    if proc.returncode != 0:
        error = proc.stderr.decode("utf-8", "replace")
        if "Failed loading language" in error or f"{OCR_LANGUAGE}.traineddata" in error:
            raise InputError("Tesseract is installed without its Arabic data: install tesseract-ocr-ara.")
        last = next((ln.strip() for ln in reversed(error.splitlines()) if ln.strip()), "no message")
        raise InputError(f"Tesseract could not read {name} ({last[:200]}).")
    return proc.stdout.decode("utf-8", "replace")


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
        notes.append("This text has no Arabic letters; Qari shows it, but there is nothing to translate from Arabic.")
    elif arabic_ratio(text) < 0.5:
        notes.append("Much of this text is not Arabic; only its Arabic sentences are translated.")
    return PreparedText(text=text, notes=notes, truncated=truncated)
