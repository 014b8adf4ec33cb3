"""Reading what readers give Qari: encodings, HTML, Word, PDF and images (OCR); empty, oversize, damaged
and non-Arabic input."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from models.inputs.files import (
    MAX_DOCX_BYTES,
    MAX_FILE_BYTES,
    MAX_IMAGE_BYTES,
    MAX_PDF_BYTES,
    MAX_UPLOAD_BYTES,
    SIZE_LIMITS,
    UPLOAD_TYPES,
    InputError,
    decode_bytes,
    html_to_text,
    line_order_score,
    ocr_available,
    prepare_text,
    read_file,
    reading_order,
    unshape,
    unwrap_lines,
)
from models.settings import TESSERACT_ENV
from models.study.export import ARABIC_FONT_FILE
from tests.support import CHROMIUM, OCR_LINES, arabic_png

ARABIC = "اتفقت اليابان وكندا على بدء المحادثات رسميًا."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_common_encodings_of_arabic_decode(encoding: str) -> None:
    assert decode_bytes(ARABIC.encode(encoding), "a.txt") == ARABIC


def test_binary_and_oversize_files_are_refused_with_a_message() -> None:
    with pytest.raises(InputError, match="not a text file"):
        decode_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), "program.txt")
    with pytest.raises(InputError, match="larger than"):
        decode_bytes(b"a" * (MAX_FILE_BYTES + 1), "big.txt")


def test_html_keeps_text_drops_scripts_and_styles() -> None:
    page = "<html><head><title>t</title><style>p{}</style></head><body><p>أ<b>ب</b></p><script>alert(1)</script><p>ج</p>"
    assert html_to_text(page) == "أ\nب\nج"
    # an .html upload and a page sniffed from its first bytes are both reduced
    assert decode_bytes(page.encode(), "x.html") == "أ\nب\nج"
    assert decode_bytes(("<!DOCTYPE html>" + page).encode(), "x.txt") == "أ\nب\nج"


def test_plain_text_with_angle_brackets_is_not_treated_as_html() -> None:
    text = "قال <script>alert(1)</script> الوزير"
    assert decode_bytes(text.encode(), "note.txt") == text


def test_empty_text_is_refused() -> None:
    for text in ("", "   ", "\n\t\r\n"):
        with pytest.raises(InputError, match="empty"):
            prepare_text(text)


def test_oversize_text_keeps_its_first_part_and_says_so() -> None:
    text = "جملة عربية قصيرة.\n" * 50
    prepared = prepare_text(text, max_chars=200)
    assert prepared.truncated and len(prepared.text) <= 200
    assert text.startswith(prepared.text) and prepared.text.endswith(".")
    assert any("first part" in n for n in prepared.notes)


def test_notes_for_non_arabic_and_mixed_text() -> None:
    assert prepare_text(ARABIC).notes == []
    assert any("no Arabic" in n for n in prepare_text("Only English here.").notes)
    assert any("not Arabic" in n for n in prepare_text("Mostly English words here with one word عربي").notes)


# ------------------------------------------------------------------------------------ file types


def test_upload_types_are_bare_extensions_of_every_readable_kind() -> None:
    assert set(UPLOAD_TYPES) >= {"txt", "html", "docx", "pdf", "png", "jpg", "jpeg", "tif", "tiff", "webp"}
    assert all(not t.startswith(".") and t == t.lower() for t in UPLOAD_TYPES)
    assert MAX_UPLOAD_BYTES == max(SIZE_LIMITS.values())


def test_each_kind_has_its_own_size_limit() -> None:
    with pytest.raises(InputError, match="larger than 50 MB, the limit for PDF files"):
        decode_bytes(b"%PDF-1.7\n" + b"\0" * MAX_PDF_BYTES, "book.pdf")
    with pytest.raises(InputError, match="limit for images"):
        decode_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_IMAGE_BYTES, "scan.png")
    with pytest.raises(InputError, match="limit for Word documents"):
        decode_bytes(b"PK\x03\x04" + b"\0" * MAX_DOCX_BYTES, "long.docx")


def test_files_that_are_not_what_their_name_says_get_a_message() -> None:
    with pytest.raises(InputError, match="not a valid PDF"):
        decode_bytes(ARABIC.encode(), "paper.pdf")
    with pytest.raises(InputError, match=r"not a valid Word \(.docx\)"):
        decode_bytes(ARABIC.encode(), "essay.docx")
    with pytest.raises(InputError, match="not a valid JPG image"):
        decode_bytes(b"", "photo.jpg")
    with pytest.raises(InputError, match=r"old-style Word \(.doc\)"):
        decode_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.doc")


# ------------------------------------------------------------------------------------------ docx


def _docx(build: Callable[[Any], None]) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_table_cells_in_document_order() -> None:
    def build(document: Any) -> None:
        document.add_heading("الأخبار", level=1)
        document.add_paragraph(ARABIC)
        document.add_paragraph("")  # spacing only: dropped
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "طوكيو"
        table.cell(0, 1).text = "أوتاوا"
        table.cell(1, 0).merge(table.cell(1, 1)).text = "عاصمتان"  # one cell spanning the row
        document.add_paragraph("وقال الوزير إن المحادثات مهمة.")

    result = read_file(_docx(build), "news.docx")
    assert result.kind == "docx"
    assert result.text == f"الأخبار\n{ARABIC}\nطوكيو\nأوتاوا\nعاصمتان\nوقال الوزير إن المحادثات مهمة."
    # the magic bytes decide, not the name
    assert decode_bytes(_docx(lambda d: d.add_paragraph(ARABIC)), "upload.bin") == ARABIC


def test_damaged_docx_and_other_zip_files_are_refused() -> None:
    good = _docx(lambda d: d.add_paragraph(ARABIC))
    with pytest.raises(InputError, match="could not be read as a Word document"):
        decode_bytes(good[: len(good) // 2], "cut.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("notes.txt", ARABIC)
    with pytest.raises(InputError, match=r"ZIP archive, not a Word \(.docx\) document"):
        decode_bytes(buf.getvalue(), "notes.docx")
    # a package with the right parts but broken XML
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buf, "w") as archive:
        for item in source.infolist():
            data = b"<w:document><broken" if item.filename == "word/document.xml" else source.read(item)
            archive.writestr(item, data)
    with pytest.raises(InputError, match="could not be read as a Word document"):
        decode_bytes(buf.getvalue(), "broken.docx")


# ------------------------------------------------------------------------------------------- PDF

SECOND = "وقالت وزارة الخارجية اليابانية إن الاتفاق (GSOMIA) مهم لأمن المنطقة في عام 2024، وأضافت أن المحادثات ستبدأ في طوكيو الشهر المقبل بمشاركة وفود من البلدين."


def _exported_pdf() -> bytes:
    from models.document import Document, Sentence
    from models.study.export import bilingual_pdf

    first = ARABIC
    text = f"{first} {SECOND}"
    sentences = [
        Sentence(0, 0, len(first), first, translation="Japan and Canada agreed to start talks."),
        Sentence(1, len(first) + 1, len(text), SECOND, translation="The ministry said so."),
    ]
    return bilingual_pdf(Document(text=text, sentences=sentences), with_glossary=False)


def test_pdf_arabic_comes_back_as_plain_letters_in_reading_order() -> None:
    result = read_file(_exported_pdf(), "reading.pdf")
    assert result.kind == "pdf"
    lines = result.text.splitlines()
    # The export draws shaped glyphs (presentation forms) in display order; Qari gets reading order back.
    # Tashkeel is lost: the export drops it (رسميًا → رسميا).
    assert lines[1] == ARABIC.replace("\u064b", "")
    assert "Japan and Canada agreed to start talks." in lines
    # SECOND wraps over two lines in the PDF: joined again, bracket and number in place
    assert SECOND in lines
    assert not any("\ufb50" <= c <= "\ufeff" for c in result.text)
    assert any("reading order" in note for note in result.notes)


def _canvas_pdf(lines: list[str]) -> bytes:
    """A PDF whose text layer holds each line exactly as given (drawn right-aligned, unshaped)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("QariTestNaskh", str(ARABIC_FONT_FILE)))
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=True)
    canvas.setFont("QariTestNaskh", 14)
    for i, line in enumerate(lines):
        canvas.drawRightString(A4[0] - 72, A4[1] - 72 - 24 * i, line)
    canvas.save()
    return buf.getvalue()


def test_pdf_line_order_is_detected_from_the_letters() -> None:
    from bidi.algorithm import get_display

    logical = [ARABIC, "وقالت وزارة الخارجية إن الاتفاق مهم للمنطقة."]
    # Plain letters in display order (a producer that reorders but does not shape): turned round
    assert decode_bytes(_canvas_pdf([get_display(x) for x in logical]), "visual.pdf") == "\n".join(logical)
    # Plain letters already in reading order (a producer that stores logical text): left alone
    assert decode_bytes(_canvas_pdf(logical), "logical.pdf") == "\n".join(logical)


CHROME_PARAGRAPHS = [
    (
        "اتفقت اليابان وكندا على بدء المحادثات رسميًا، وقالت وزارة الخارجية اليابانية إن الاتفاق (GSOMIA) "
        "مهم لأمن المنطقة في عام 2024، وأضافت أن المحادثات ستبدأ في طوكيو الشهر المقبل بمشاركة وفود من "
        "البلدين ولا سيما الخبراء."
    ),
    "الإسلام والسلام لا إله إلا الله.",
]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (QARI_CHROMIUM or chromium on PATH)")
def test_pdf_printed_by_chromium_reads_back_exactly(tmp_path: Path) -> None:
    # A real producer: HarfBuzz shaping, glyphs mapped to plain letters, ligatures (lam-alef, Allah)
    # standing for several letters, a Latin name and a number inside right-to-left lines.
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in CHROME_PARAGRAPHS)
    page.write_text(
        '<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8"><style>'
        f'@font-face {{ font-family: Naskh; src: url("{ARABIC_FONT_FILE.as_uri()}"); }}'
        f"body {{ font: 20px Naskh, serif; }}</style><body>{paragraphs}</body></html>",
        encoding="utf-8",
    )
    pdf = tmp_path / "page.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = read_file(pdf.read_bytes(), "printed.pdf")
    assert result.text.splitlines() == CHROME_PARAGRAPHS


def test_line_order_evidence() -> None:
    from arabic_reshaper import reshape
    from bidi.algorithm import get_display

    shaped = reshape("اتفقت اليابان وكندا")
    assert line_order_score(shaped) < 0  # reading order: initial forms first, final forms last
    assert line_order_score(get_display(shaped)) > 0
    assert line_order_score("اتفقت اليابان وكندا على المحادثات الرسمية") < 0
    assert line_order_score(get_display("اتفقت اليابان وكندا على المحادثات الرسمية")) > 0
    assert line_order_score("Only English") == 0
    # an English line with one Arabic word keeps its direction; only the word turns round
    assert reading_order("The word " + get_display("كتاب") + " means book") == "The word كتاب means book"
    assert unshape(get_display(reshape("لأمن"))[::-1]) == "لأمن"  # lam-alef back to two letters, in order


def test_unwrap_joins_wrapped_lines_and_keeps_paragraphs() -> None:
    lines = ["عنوان", "", "هذا سطر طويل من فقرة تلتف على", "سطرين وتنتهي هنا.", "فقرة ثانية قصيرة", ""]
    assert unwrap_lines(lines) == [
        "عنوان",
        "هذا سطر طويل من فقرة تلتف على سطرين وتنتهي هنا.",
        "فقرة ثانية قصيرة",
    ]


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, invariant=True)
    canvas.rect(100, 100, 300, 400, fill=1)  # a "scan": marks on the page, no text
    canvas.save()
    monkeypatch.setenv(
        TESSERACT_ENV, str(tmp_path / "no-tesseract")
    )  # scans are read by OCR (test_scanned_pdf)
    with pytest.raises(InputError, match="no text layer.*needs Tesseract"):
        decode_bytes(buf.getvalue(), "scan.pdf")


def test_damaged_and_protected_pdfs_are_refused() -> None:
    for junk in (b"%PDF-1.4\n" + bytes(range(256)) * 4, b"%PDF-1.7\n%%EOF"):
        with pytest.raises(InputError, match="broken.pdf"):
            decode_bytes(junk, "broken.pdf")
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, encrypt="secret")
    canvas.drawString(100, 700, "secret text")
    canvas.save()
    with pytest.raises(InputError, match="password"):
        decode_bytes(buf.getvalue(), "locked.pdf")


# ------------------------------------------------------------------------------------------- OCR


def _fake_tesseract(folder: Path, languages: str) -> Path:
    """A stand-in `tesseract` that only lists `languages` (a shell script)."""
    script = folder / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then\n'
        f"  printf 'List of available languages in \"/x/\" (2):\\n{languages}\\n'\n"
        "  exit 0\nfi\necho 'fake tesseract cannot read images' >&2\nexit 1\n"
    )
    script.chmod(0o755)
    return script


def test_missing_tesseract_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(TESSERACT_ENV, str(tmp_path / "no-such-tesseract"))
    assert not ocr_available()
    with pytest.raises(InputError, match="QARI_TESSERACT.*tesseract-ocr-ara"):
        decode_bytes(arabic_png(["كتاب"]), "page.png")

    monkeypatch.setenv(TESSERACT_ENV, str(_fake_tesseract(tmp_path, "eng\\nosd")))
    assert not ocr_available()
    with pytest.raises(InputError, match="without its Arabic data: install tesseract-ocr-ara"):
        decode_bytes(arabic_png(["كتاب"]), "page.png")

    if not sys.platform.startswith("win"):
        monkeypatch.delenv(TESSERACT_ENV)
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        with pytest.raises(InputError, match="not installed: install Tesseract"):
            decode_bytes(arabic_png(["كتاب"]), "page.png")


def test_damaged_images_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(TESSERACT_ENV, str(_fake_tesseract(tmp_path, "ara\\neng")))
    assert ocr_available()
    good = arabic_png(["كتاب"])
    for data, name in ((good[: len(good) // 2], "cut.png"), (b"\xff\xd8\xff\xe0" + bytes(200), "bad.jpg")):
        with pytest.raises(InputError, match="could not be read as an image"):
            decode_bytes(data, name)
    # a tesseract failure is one line, naming the file
    with pytest.raises(
        InputError, match="Tesseract could not read page.png .fake tesseract cannot read images"
    ):
        decode_bytes(good, "page.png")


@pytest.mark.skipif(
    shutil.which(os.environ.get(TESSERACT_ENV) or "tesseract") is None,
    reason="tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-ara)",
)
def test_ocr_reads_arabic_from_an_image() -> None:
    assert ocr_available(), (
        "tesseract is installed but without Arabic data: apt-get install tesseract-ocr-ara"
    )
    result = read_file(arabic_png(OCR_LINES), "page.png")
    assert result.kind == "image" and any("OCR" in note for note in result.notes)
    words = result.text.split()
    for word in ("اليابان", "وكندا", "وزارة", "الخارجية", "الاتفاق"):
        assert word in words, result.text
    expected = " ".join(OCR_LINES).split()
    assert sum(word in words for word in expected) >= 0.8 * len(expected), result.text
