"""Sentence segmentation with exact character offsets.

A sentence ends at . ! ? ؟ … (with any closing quotes or brackets after them) followed by
white space or the end of the text, and at line breaks. It does not end after a one-letter
abbreviation such as د. (doctor) or م. (metre/AD), nor inside numbers such as 2.5.
"""

from __future__ import annotations

import re

_CLOSERS = "\"'”’»)]}›"
_STOP = re.compile(rf"[.!?؟…]+[{re.escape(_CLOSERS)}]*(?=\s|$)|\n+")
# A single Arabic letter, or a known short abbreviation, right before the full stop.
_ABBREV = re.compile(r"(?:^|[\s(«“\"])(?:[\u0621-\u064a]|ق\.م|ص\.ب|[A-Z])\.$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text`, stripped of surrounding white space.

    `text[start:end]` is the sentence exactly; spans are in order and do not overlap.
    """
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _STOP.finditer(text):
        if m.group().startswith(".") and len(m.group()) == 1 and _ABBREV.search(text[max(0, m.start() - 6) : m.end()]):
            continue
        end = m.start() if m.group().startswith("\n") else m.end()
        _add(text, begin, end, spans)
        begin = m.end()
    _add(text, begin, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
