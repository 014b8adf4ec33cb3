"""The reading as a bilingual PDF (see `models.study.export`): fonts, Arabic shaped and reordered line
by line, reportlab's layout. Apart because reportlab's workarounds fill a file of their own.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from pathlib import Path
from typing import Any

from models.document import Document, Sentence
from models.study.cards import _gloss_of
from models.study.interlinear_export import (
    interlinear_flowable,
    sentence_words,
)

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
ARABIC_FONT_FILE = FONT_DIR / "NotoNaskhArabic-Regular.ttf"
ARABIC_BOLD_FONT_FILE = FONT_DIR / "NotoNaskhArabic-Bold.ttf"


# ------------------------------------------------------------------------------------------------ PDF

_ARABIC_FONT = "QariNaskh"
_ARABIC_BOLD_FONT = "QariNaskhBold"
_LATIN_FONT = "QariLatin"
# A Latin font with broad coverage if the system has one; reportlab's own Vera otherwise (always there).
_LATIN_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@functools.cache
def _fonts() -> tuple[Any, Any, Any]:
    """Register the PDF fonts once; return (arabic, arabic bold, latin) TTFont objects."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    latin_path = next(
        (p for p in _LATIN_CANDIDATES if Path(p).is_file()),
        str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
    )
    fonts = []
    for name, path in (
        (_ARABIC_FONT, ARABIC_FONT_FILE),
        (_ARABIC_BOLD_FONT, ARABIC_BOLD_FONT_FILE),
        (_LATIN_FONT, Path(latin_path)),
    ):
        font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        fonts.append(font)
    return fonts[0], fonts[1], fonts[2]


@functools.cache
def _reshaper() -> Any:
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration={"delete_harakat": True, "support_ligatures": True})


def _has_glyph(font: Any, ch: str) -> bool:
    return ord(ch) in font.face.charToGlyph


def _runs(visual: str, primary: Any, latin: Any) -> list[tuple[str, str]]:
    """Split display-order text into (font name, text) runs: the primary font where it has the glyph."""
    runs: list[tuple[str, str]] = []
    for ch in visual:
        # spaces go with the run they are in, so a run boundary never changes the spacing
        use_primary = ch == " " or _has_glyph(primary, ch) or not _has_glyph(latin, ch)
        name = primary.fontName if use_primary else latin.fontName
        if runs and (runs[-1][0] == name or ch == " "):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        else:
            runs.append((name, ch))
    return runs


def _shape(text: str, rtl: bool) -> str:
    """Logical text → display order, Arabic letters in their joined forms."""
    # python-bidi's pure-Python algorithm: unlike its Rust-backed `bidi.get_display` (0.6), it mirrors
    # brackets in right-to-left runs, so "(GSOMIA)" does not come out as ")GSOMIA(".
    from bidi.algorithm import get_display

    shaped = _reshaper().reshape(text) if rtl else text
    return get_display(shaped, base_dir="R" if rtl else "L")


def _clean(text: str) -> str:
    # Controls and line breaks would print as boxes; the PDF lays out its own lines.
    return " ".join("".join(c if unicodedata.category(c)[0] != "C" else " " for c in text).split())


def _para(text: str, **kwargs: Any) -> Any:
    """A paragraph of one direction (`rtl`), as a reportlab Flowable (see `_flowable_class`)."""
    return _flowable_class()(text, **kwargs)


@functools.cache
def _flowable_class() -> type:
    # Defined on first use, so importing this module does not import reportlab.
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    class BidiText(Flowable):
        """Broken into lines in logical order; each line is then shaped and reordered for display and
        drawn right-aligned (Arabic) or left-aligned (English)."""

        def __init__(
            self,
            text: str,
            *,
            rtl: bool,
            size: float,
            leading: float | None = None,
            bold: bool = False,
            color: tuple[float, float, float] = (0, 0, 0),
            lines: list[str] | None = None,
        ) -> None:
            super().__init__()
            arabic, arabic_bold, latin = _fonts()
            self.text = _clean(text)
            self.rtl = rtl
            self.size = size
            self.leading = leading or size * (1.6 if rtl else 1.3)
            self.primary = (arabic_bold if bold else arabic) if rtl else latin
            self.latin = latin
            self.color = color
            self.lines = lines
            self.width = 0.0

        def _width(self, logical: str) -> float:
            visual = _shape(logical, self.rtl)
            return sum(stringWidth(t, name, self.size) for name, t in _runs(visual, self.primary, self.latin))

        def _break(self, avail: float) -> list[str]:
            lines: list[str] = []
            current = ""
            for word in self.text.split(" "):
                candidate = f"{current} {word}" if current else word
                if current and self._width(candidate) > avail:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            if current:
                lines.append(current)
            return lines or [""]

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            self.width = availWidth
            if self.lines is None or getattr(self, "_wrapped_for", None) != availWidth:
                self.lines = self._break(availWidth)
                self._wrapped_for = availWidth
            return availWidth, len(self.lines) * self.leading

        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            self.wrap(availWidth, availHeight)
            assert self.lines is not None
            fit = int(availHeight // self.leading)
            if fit <= 0 or fit >= len(self.lines):
                return []
            kw: dict[str, Any] = {
                "rtl": self.rtl,
                "size": self.size,
                "leading": self.leading,
                "color": self.color,
            }
            head = BidiText(self.text, lines=self.lines[:fit], **kw)
            tail = BidiText(self.text, lines=self.lines[fit:], **kw)
            for part in (head, tail):
                part.primary, part._wrapped_for = self.primary, availWidth
            return [head, tail]

        def draw(self) -> None:
            canvas = self.canv
            canvas.setFillColorRGB(*self.color)
            assert self.lines is not None
            for i, line in enumerate(self.lines):
                runs = _runs(_shape(line, self.rtl), self.primary, self.latin)
                total = sum(stringWidth(t, name, self.size) for name, t in runs)
                x = self.width - total if self.rtl else 0.0
                # baseline: a descender's room above the bottom of this line's slot
                y = (len(self.lines) - i - 1) * self.leading + self.leading * 0.3
                for name, t in runs:
                    canvas.setFont(name, self.size)
                    canvas.drawString(x, y, t)
                    x += stringWidth(t, name, self.size)

    return BidiText


def bilingual_pdf(
    doc: Document,
    title: str = "Qari — bilingual reading",
    with_glossary: bool = True,
    interlinear: list[list[str]] | None = None,
) -> bytes:
    """A4 PDF: each Arabic sentence with its translation below, then the glossary (if any).

    `interlinear` (per sentence, a gloss per token) sets each Arabic word over its English instead.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

    _fonts()
    grey = (0.3, 0.3, 0.3)
    buf = io.BytesIO()
    page = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        author="Qari",
        creator="Qari",
        lang="ar",
        invariant=True,  # no timestamps or random ids: the same document gives the same bytes
    )

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(_LATIN_FONT, 8)
        canvas.setFillColorRGB(*grey)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, str(canvas.getPageNumber()))
        canvas.restoreState()

    story: list[Any] = [_para(title, rtl=False, size=16), Spacer(1, 0.4 * cm)]
    for sentence in doc.sentences:
        english = sentence.translation if sentence.translation is not None else "(not translated)"
        story.append(
            KeepTogether(
                [
                    _para(sentence.text, rtl=True, size=15)
                    if interlinear is None
                    else _interlinear_pdf(sentence, interlinear[sentence.index]),
                    _para(english, rtl=False, size=10.5, color=grey),
                    Spacer(1, 0.35 * cm),
                ]
            )
        )
    if with_glossary and doc.glossary:
        story += [CondPageBreak(4 * cm), Spacer(1, 0.3 * cm), _para("Glossary", rtl=False, size=14)]
        width = A4[0] - 4 * cm
        rows = [
            [
                _para("English", rtl=False, size=9, color=grey),
                _para("count", rtl=False, size=9, color=grey),
                _para("كلمة", rtl=True, size=11, color=grey),
            ]
        ]
        for e in doc.glossary:
            kind = e.label or e.pos or e.kind
            rows.append(
                [
                    _para(f"{_gloss_of(e) or '—'}  ({kind})", rtl=False, size=9.5),
                    _para(str(e.count), rtl=False, size=9.5),
                    _para(e.lemma, rtl=True, size=13),
                ]
            )
        table = Table(rows, colWidths=[width * 0.58, width * 0.1, width * 0.32], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ]
            )
        )
        story.append(table)
    page.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _interlinear_pdf(sentence: Sentence, glosses: list[str]) -> Any:
    words = sentence_words(sentence, glosses, clean=_clean)
    return interlinear_flowable(words, fonts=_fonts(), shape=_shape, runs=_runs)
