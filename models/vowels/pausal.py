"""Pausal reading (waqf): no case ending on a word where a reader pauses, as Arabic is read aloud.

Before a full stop, comma, semicolon, colon, question or exclamation mark, at the end of a line and at
the end of the text, a word is read without its final short vowel or tanween (كَتَبَ الْوَلَدُ الدَّرْسَ.
is read ... ad-dars). `pausal(v)` takes those marks off the words there, leaving every other word as it
was: a word inside a phrase keeps its case ending. Only marks Qari added are taken off (what the author
wrote stays); a shadda stays (it is part of the word), and so does a sukun. A final alif's tanween
(كِتَابًا, written on the letter before the alif) goes too. The letter is left bare rather than given a
sukun: these are the least certain marks, and a bare last letter is how pausal text is usually printed.
"""

from __future__ import annotations

from models.vowels.diacritizer import Vowels
from models.vowels.engine import FATHATAN, LETTERS, MARKS, SHADDA, SUKUN

PAUSES = frozenset(".,،;؛:!?؟\n")
# what may stand between a word and its pause: spaces, closing quotes and brackets
_BETWEEN = frozenset(" \t\u00a0»\"'”’)]}")
ENDINGS = MARKS - {SHADDA, SUKUN}  # short vowels and tanween


def _at_pause(text: str, end: int) -> bool:
    """Whether the word ending at `end` is followed by a pause (or the end of the text)."""
    i = end
    while i < len(text) and text[i] in _BETWEEN:
        i += 1
    return i == len(text) or text[i] in PAUSES or text[i] == "\r"


def _strip(marks: str, drop: frozenset[str]) -> str:
    return "".join(m for m in marks if m not in drop)


def pausal(v: Vowels) -> Vowels:
    """`v` without the case endings Qari added on words before a pause (see the module docstring)."""
    text, added = v.text, dict(v.added)
    i = 0
    while i < len(text):
        if text[i] not in LETTERS:
            i += 1
            continue
        letters: list[int] = []  # the word's letters
        after: list[int] = []  # each letter's index after its written marks (where added marks go)
        while i < len(text) and (text[i] in LETTERS or text[i] in MARKS or text[i] in "\u0640\u0670"):
            if text[i] in LETTERS:
                letters.append(i)
                after.append(i + 1)
            elif text[i] in MARKS and after[-1] == i:
                after[-1] = i + 1
            i += 1
        if not _at_pause(text, i):
            continue
        if after[-1] in added:
            added[after[-1]] = _strip(added[after[-1]], ENDINGS)
        if text[letters[-1]] == "ا" and len(letters) > 1 and after[-2] in added:
            added[after[-2]] = _strip(added[after[-2]], frozenset({FATHATAN}))
    return Vowels(text, {k: m for k, m in added.items() if m})
