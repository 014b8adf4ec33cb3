"""Word by word in the exports: each Arabic word with its English under it, in the PDF and the web page.

The glosses are given (per sentence, a string per token: `models.interlinear.interlinear_glosses`), so
the files show what the page shows; this module only lays them out.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any

from models.document import Sentence

__all__ = ["INTERLINEAR_CSS", "interlinear_flowable", "interlinear_html", "sentence_words"]

INTERLINEAR_CSS = """
.ar.il { line-height: 3.2; }
.ar.il ruby { ruby-position: under; }
.ar.il rt { font-family: system-ui, "Noto Sans", sans-serif; font-size: .5em; padding: .4em .2em 0; color: #555; }
"""


def sentence_words(
    sentence: Sentence, glosses: list[str], clean: Callable[[str], str] = str.strip
) -> list[tuple[str, str]]:
    """(word, gloss) for each word and number of the sentence, punctuation joined to the word before;
    `clean` tidies each piece of text for the PDF."""
    words: list[tuple[str, str]] = []
    for token, gloss in zip(sentence.tokens, glosses, strict=False):
        if token.kind in ("arabic", "latin", "number") or not words:
            words.append((clean(token.text), gloss))
        else:
            word, before = words[-1]
            words[-1] = (word + clean(token.text), before)
    return words


def interlinear_html(text: str, sentence: Sentence, glosses: list[str]) -> str:
    """The sentence as escaped HTML, each word a <ruby> with its gloss; the characters between as written."""
    e = html.escape
    out: list[str] = []
    cursor = sentence.start
    for token, gloss in zip(sentence.tokens, glosses, strict=False):
        if token.kind not in ("arabic", "latin", "number"):
            continue
        out.append(e(text[cursor : token.start]))
        out.append(f'<ruby>{e(token.text)}<rt lang="en" dir="ltr">{e(gloss)}</rt></ruby>')
        cursor = token.end
    out.append(e(text[cursor : sentence.end]))
    return "".join(out)


def interlinear_flowable(
    words: list[tuple[str, str]],
    *,
    fonts: tuple[Any, Any, Any],
    shape: Callable[[str, bool], str],
    runs: Callable[[str, Any, Any], list[tuple[str, str]]],
    size: float = 15,
    gloss_size: float = 7.5,
) -> Any:
    """A reportlab Flowable: the words right to left, each over its gloss, in rows that fill the width.

    `fonts` (arabic, bold, latin), `shape` and `runs` are the PDF's own (`models.study.export`): a word is
    shaped and drawn exactly as in the rest of the file."""
    return _flowable_class()(words, size, gloss_size, fonts, shape, runs)


@functools.cache
def _flowable_class() -> type:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    class InterlinearText(Flowable):
        def __init__(
            self,
            words: list[tuple[str, str]],
            size: float,
            gloss_size: float,
            fonts: tuple[Any, Any, Any],
            shape: Callable[[str, bool], str],
            runs: Callable[[str, Any, Any], list[tuple[str, str]]],
            rows: list[list[tuple[str, str]]] | None = None,
        ) -> None:
            super().__init__()
            self.fonts, self.shape, self.runs = fonts, shape, runs
            self.arabic, _, self.latin = fonts
            self.words, self.size, self.gloss_size, self.rows = words, size, gloss_size, rows
            self.row_height = size * 1.5 + gloss_size * 1.6
            self.width = 0.0

        def _word_width(self, word: str) -> float:
            return sum(
                stringWidth(t, n, self.size)
                for n, t in self.runs(self.shape(word, True), self.arabic, self.latin)
            )

        def _cell(self, word: str, gloss: str) -> float:
            gap = self.size * 0.45
            return max(self._word_width(word), stringWidth(gloss, self.latin.fontName, self.gloss_size)) + gap

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            self.width = availWidth
            if self.rows is None or getattr(self, "_wrapped_for", None) != availWidth:
                rows: list[list[tuple[str, str]]] = [[]]
                used = 0.0
                for word, gloss in self.words:
                    cell = self._cell(word, gloss)
                    if rows[-1] and used + cell > availWidth:
                        rows.append([])
                        used = 0.0
                    rows[-1].append((word, gloss))
                    used += cell
                self.rows, self._wrapped_for = rows, availWidth
            return availWidth, len(self.rows) * self.row_height

        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            self.wrap(availWidth, availHeight)
            assert self.rows is not None
            fit = int(availHeight // self.row_height)
            if fit <= 0 or fit >= len(self.rows):
                return []
            parts = [
                InterlinearText(
                    self.words, self.size, self.gloss_size, self.fonts, self.shape, self.runs, rows=r
                )
                for r in (self.rows[:fit], self.rows[fit:])
            ]
            for part in parts:
                part._wrapped_for = availWidth
            return parts

        def draw(self) -> None:
            canvas = self.canv
            assert self.rows is not None
            for i, row in enumerate(self.rows):
                top = (len(self.rows) - i) * self.row_height
                x = self.width  # right to left: the first word at the right edge
                for word, gloss in row:
                    cell = self._cell(word, gloss)
                    middle = x - cell / 2
                    canvas.setFillColorRGB(0, 0, 0)
                    runs = self.runs(self.shape(word, True), self.arabic, self.latin)
                    left = middle - sum(stringWidth(t, n, self.size) for n, t in runs) / 2
                    for name, t in runs:
                        canvas.setFont(name, self.size)
                        canvas.drawString(left, top - self.size * 1.15, t)
                        left += stringWidth(t, name, self.size)
                    canvas.setFillColorRGB(0.35, 0.35, 0.35)
                    canvas.setFont(self.latin.fontName, self.gloss_size)
                    canvas.drawCentredString(middle, top - self.size * 1.5 - self.gloss_size * 0.9, gloss)
                    x -= cell

    return InterlinearText
