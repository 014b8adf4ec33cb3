"""Arabic OCR by the `tesseract` program (`-l ara`), run as a subprocess with a timeout: images, and the
pages of scanned PDFs (`models.inputs.pdf`). The program is `QARI_TESSERACT` (a path or a command name)
or `tesseract` on PATH; `ocr_available()` tells the app whether to offer image uploads."""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from models.inputs.limits import (
    MAX_IMAGE_FRAMES,
    MAX_IMAGE_PIXELS,
    OCR_INSTALL_HINT,
    OCR_LANGUAGE,
    OCR_TIMEOUT_S,
    FileText,
    InputError,
)
from models.inputs.lines import unwrap_lines
from models.settings import TESSERACT_ENV, tesseract


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
        raise InputError(
            f"Reading text from images needs Tesseract OCR, which is not installed: {OCR_INSTALL_HINT}."
        )
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


def read_image(data: bytes, name: str) -> FileText:
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
    notes = [
        "Text read from the image by OCR (Tesseract): it can misread letters, so check it against the image."
    ]
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
                page = ocr_ready(ImageOps.exif_transpose(frame))
                path = Path(tmp) / f"page{index}.png"
                dpi = frame.info.get("dpi") or (300, 300)  # tesseract guesses 70 dpi without one
                page.save(path, dpi=tuple(round(float(d)) or 300 for d in dpi))
            except Exception:  # noqa: BLE001 - a truncated or corrupt image fails on decoding
                raise InputError(damaged) from None
            # tesseract wraps numbers and Latin in LRM/RLM marks: invisible, and no part of the text
            texts.append(run_tesseract(binary, path, name).translate({0x200E: None, 0x200F: None}))
    paragraphs = unwrap_lines([line.strip() for text in texts for line in [*text.splitlines(), ""]])
    text = "\n".join(paragraphs)
    if not text.strip():
        raise InputError(f"No text was found in {name}; OCR needs a clear, upright picture of printed text.")
    return FileText(text, "image", notes)


def ocr_ready(frame: Any) -> Any:
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


def run_tesseract(binary: str, path: Path, name: str) -> str:
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
