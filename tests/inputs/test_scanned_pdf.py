"""Scanned PDFs: pages without a text layer are rendered (pypdfium2) and read by the OCR used for images,
page by page with progress, up to a page limit; without OCR the reader is told what to install."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from models.inputs import files, ocr, pdf
from models.inputs.files import InputError, read_file
from models.settings import TESSERACT_ENV
from tests.support import OCR_LINES, arabic_png

PAGE_TWO = ["وأعلن الأردن عن مشروع جديد لتحلية المياه.", "ويبدأ العمل في المشروع خلال العام المقبل."]


def scanned_pdf(*pages: bytes, resolution: float = 300.0) -> bytes:
    """A PDF whose pages are only pictures (PNG bytes each), as a scanner makes them: no text layer."""
    from PIL import Image

    images = [Image.open(io.BytesIO(page)).convert("L") for page in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=resolution)
    return buf.getvalue()


def test_a_scan_really_has_no_text_layer() -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(scanned_pdf(arabic_png(OCR_LINES), arabic_png(PAGE_TWO))))
    assert len(reader.pages) == 2 and all(not page.extract_text().strip() for page in reader.pages)


@pytest.fixture
def fake_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `tesseract` (a shell script) that "reads" each page as a line naming its file, and logs
    the images it was given."""
    script = tmp_path / "tesseract"
    log = tmp_path / "pages.log"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then printf "List of available languages (2):\\nara\\neng\\n"; exit 0; fi\n'
        f'echo "$1" >> "{log}"\n'
        'printf "نص الصفحة %s.\\n" "$(basename "$1" .png)"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv(TESSERACT_ENV, str(script))
    return log


def test_each_page_is_read_in_order_with_progress(fake_tesseract: Path) -> None:
    pdf = scanned_pdf(arabic_png(OCR_LINES), arabic_png(PAGE_TWO), arabic_png(["صفحة ثالثة."]))
    heard: list[tuple[int, int]] = []
    result = read_file(pdf, "scan.pdf", progress=lambda done, total: heard.append((done, total)))
    assert result.kind == "pdf"
    assert result.text == "نص الصفحة page0.\nنص الصفحة page1.\nنص الصفحة page2."
    assert heard == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert any("no text layer" in note and "3 pages were read by OCR" in note for note in result.notes)


def test_pages_are_rendered_at_300_dpi(fake_tesseract: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    sizes: list[tuple[int, int]] = []
    real_ready = ocr.ocr_ready

    def ready(frame: Image.Image) -> Image.Image:
        sizes.append(frame.size)
        return real_ready(frame)

    monkeypatch.setattr(ocr, "ocr_ready", ready)
    page = arabic_png(OCR_LINES)
    width, height = Image.open(io.BytesIO(page)).size
    read_file(scanned_pdf(page, resolution=150.0), "scan.pdf")  # drawn at 150 dpi: rendered at twice the size
    assert sizes == [(pytest.approx(2 * width, abs=2), pytest.approx(2 * height, abs=2))]


def test_only_the_first_pages_are_read_and_the_note_says_so(
    fake_tesseract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "MAX_OCR_PAGES", 2)
    page = arabic_png(["صفحة."])
    result = read_file(scanned_pdf(page, page, page, page), "book.pdf")
    assert result.text == "نص الصفحة page0.\nنص الصفحة page1."
    assert len(fake_tesseract.read_text().splitlines()) == 2  # the other pages were not even rendered
    assert any("Only the first 2 of its 4 pages were read" in note for note in result.notes)


def test_without_ocr_a_scan_is_refused_saying_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TESSERACT_ENV, str(tmp_path / "no-tesseract"))
    with pytest.raises(
        InputError, match=r"scan.pdf has no text layer \(it is probably a scan\)\. .*Tesseract"
    ):
        read_file(scanned_pdf(arabic_png(OCR_LINES)), "scan.pdf")


@pytest.mark.skipif(
    shutil.which(os.environ.get(TESSERACT_ENV) or "tesseract") is None,
    reason="tesseract is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-ara)",
)
def test_a_scanned_two_page_pdf_comes_back_as_text() -> None:
    assert files.ocr_available(), (
        "tesseract is installed but without Arabic data: apt-get install tesseract-ocr-ara"
    )
    heard: list[tuple[int, int]] = []
    result = read_file(
        scanned_pdf(arabic_png(OCR_LINES), arabic_png(PAGE_TWO)),
        "scan.pdf",
        progress=lambda done, total: heard.append((done, total)),
    )
    assert heard == [(0, 2), (1, 2), (2, 2)]
    words = result.text.split()
    for word in ("اليابان", "وكندا", "الخارجية", "الأردن", "لتحلية", "المشروع"):
        assert word in words, result.text
    assert words.index("اليابان") < words.index("الأردن")  # page one before page two
    expected = " ".join(OCR_LINES + PAGE_TWO).split()
    assert sum(word in words for word in expected) >= 0.8 * len(expected), result.text


@pytest.mark.skipif(
    shutil.which(os.environ.get(TESSERACT_ENV) or "tesseract") is None, reason="tesseract is not installed"
)
def test_a_scan_of_a_blank_page_says_no_text_was_found() -> None:
    from PIL import Image

    blank = io.BytesIO()
    Image.new("L", (800, 1000), 255).save(blank, "PNG")
    with pytest.raises(InputError, match="OCR found no text"):
        read_file(scanned_pdf(blank.getvalue()), "blank.pdf")


def test_the_page_opens_an_uploaded_scan(
    fake_tesseract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from models import registry

    monkeypatch.setenv("QARI_MT_MODEL", str(tmp_path / "no-model"))
    monkeypatch.setenv("QARI_DATA_DIR", str(tmp_path / "data"))
    st.cache_data.clear()
    st.cache_resource.clear()
    registry.reset()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=120)
    at.run()
    pdf = scanned_pdf(arabic_png(OCR_LINES), arabic_png(PAGE_TWO))
    at.file_uploader(key="upload").upload("scan.pdf", pdf, "application/pdf").run()
    assert not at.exception and not at.error
    assert at.session_state["text"] == "نص الصفحة page0.\nنص الصفحة page1."
    assert at.subheader[0].value == "scan.pdf"
    assert any("2 pages were read by OCR" in info.value for info in at.info)
