"""PDFs: the text layer (pypdf), rebuilt line by line in display order from positioned runs, then put
into reading order (`models.inputs.lines`); a PDF without a text layer (a scan) is rendered page by
page (pypdfium2, 300 dpi) and read by OCR (`models.inputs.ocr`), up to `MAX_OCR_PAGES` pages,
reporting each page to a `progress` callback."""

from __future__ import annotations

import io
import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.inputs import ocr
from models.inputs.limits import (
    MAX_IMAGE_PIXELS,
    MAX_OCR_PAGES,
    MAX_PDF_PAGES,
    OCR_DPI,
    FileText,
    InputError,
    Progress,
)
from models.inputs.lines import (
    LETTER,
    drop_page_numbers,
    line_order_score,
    reading_order,
    unshape,
    unwrap_lines,
)
from models.settings import MAX_CHARS


def read_pdf(data: bytes, name: str, progress: Progress | None = None) -> FileText:
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
        raise InputError(
            f"{name} has {len(pages):,} pages; Qari reads PDFs of up to {MAX_PDF_PAGES:,} pages."
        )

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
        lines = drop_page_numbers([line.strip() for line in raw])
        page_lines.append(lines)
        total += sum(len(line) for line in lines)
        if total > MAX_CHARS:
            break  # prepare_text cuts the text and says so; the remaining pages would only be dropped

    if not any(LETTER.search(line) for lines in page_lines for line in lines):
        if failed:
            raise InputError(f"{name} could not be read as a PDF (its text could not be extracted).")
        return read_scanned_pdf(data, name, len(pages), progress)

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


def read_scanned_pdf(data: bytes, name: str, page_count: int, progress: Progress | None) -> FileText:
    """A PDF without a text layer: each page rendered (pypdfium2) and read by OCR, as an image would be."""
    try:
        binary = ocr.tesseract_binary()
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
                ocr.ocr_ready(image).save(path, dpi=(dpi, dpi))
                page_text = ocr.run_tesseract(binary, path, f"page {index + 1} of {name}")
                texts.append(page_text.translate({0x200E: None, 0x200F: None}))
                if progress is not None:
                    progress(index + 1, total)
    finally:
        document.close()
    lines = [line.strip() for text in texts for line in [*drop_page_numbers(text.splitlines()), ""]]
    text = "\n".join(unwrap_lines(lines))
    if not text.strip():
        raise InputError(
            f"{name} has no text layer, and OCR found no text on its pages; it needs clear, upright "
            "printed text."
        )
    return FileText(text, "pdf", notes)
