"""Printed lines back into text in reading order: PDF and OCR output come as lines, sometimes in display
order and as presentation-form glyphs; `reading_order` and `unshape` give plain logical text back,
`unwrap_lines` joins lines into paragraphs (Qari ends a sentence at every line break) and
`drop_page_numbers` drops page numbers alone on a line."""

from __future__ import annotations

import re
import unicodedata

from models.text.arabic import has_arabic

_PAGE_NUMBER = re.compile(r"[-–—\s\[\](){}|/.]*[\d\u0660-\u0669\u06f0-\u06f9]+[-–—\s\[\](){}|/.]*")


def drop_page_numbers(lines: list[str]) -> list[str]:
    """A page's first or last line when it is only a number ("12", "- 12 -"): a page number, not text."""
    filled = [i for i, line in enumerate(lines) if line]
    for i in {filled[0], filled[-1]} if filled else ():
        if _PAGE_NUMBER.fullmatch(lines[i]):
            lines[i] = ""
    return lines


# Arabic letters: base letters, their presentation forms and ligatures, tatweel inside a word.
_ARABIC_WORD = re.compile("[\u0621-\u063a\u0640-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe80-\ufefc]+")
_TASHKEEL = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\ufe70-\ufe7f]")
LETTER = re.compile("[^\\W\\d_]")


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

    letters = LETTER.findall(line)
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
