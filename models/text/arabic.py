"""Arabic script helpers: matching normalisation, tokenisation with offsets, proclitics.

Matching ignores what writers vary (tashkeel, tatweel, alef forms, ta marbuta/ha, alef
maqsura/ya, Persian code points); display always keeps the original characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import cast

from models.document import Token, TokenKind

# Letters of the Arabic blocks (not digits or punctuation), and the marks that ride on them.
_LETTERS = "\u0620-\u063f\u0641-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdff\ufe70-\ufefc"
_MARKS = "\u064b-\u065f\u0670\u06d6-\u06ed\u08ca-\u08ff"
TASHKEEL_CHARS = _MARKS  # a character-class body: short vowels, shadda, sukun, tanwin, Quranic marks
LETTER_CHARS = _LETTERS  # a character-class body: the Arabic letters
TATWEEL = "\u0640"
# Tanwin (ً ٌ ٍ): an indefinite word, almost never a name.
TANWIN = re.compile("[\u064b-\u064d]")
# Endings of nationality and relation adjectives (nisba), normalised (ة is ه), longest first:
# اليابانية, الكنديون, الأمريكيتان.
NISBA_SUFFIXES = ("يتان", "يتين", "يون", "يين", "يان", "يات", "يه", "ي")
# Zero-width non-joiner / joiner: Persian writes them inside words (می‌خواهم); part of the word, ignored
# for matching.
_JOINERS = "\u200c\u200d"
# Invisible format characters that are never tokens: BOM, zero-width space, word joiner, direction marks
# and embeddings/isolates. Between words they are skipped like white space.
_INVISIBLE = "\ufeff\u200b\u2060\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069" + _JOINERS

ARABIC_WORD = re.compile(f"[{_LETTERS}][{_LETTERS}{_MARKS}{TATWEEL}{_JOINERS}]*")
_TASHKEEL = re.compile(f"[{_MARKS}]")
_HAS_ARABIC = re.compile(f"[{_LETTERS}]")
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")

_TOKEN = re.compile(
    rf"(?P<arabic>[{_LETTERS}][{_LETTERS}{_MARKS}{TATWEEL}{_JOINERS}]*)"
    r"|(?P<number>\d+(?:[.,\u066b\u066c]\d+)*)"
    r"|(?P<latin>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    rf"|(?P<punct>[^\w\s{_INVISIBLE}])"
    rf"|(?P<other>[^\s{_INVISIBLE}])"
)

_CHAR_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ک": "ك",  # Persian kaf
        "ڪ": "ك",
        "ە": "ه",
        "ۀ": "ه",
        "ہ": "ه",  # Urdu heh goal, and its ta marbuta / hamza forms
        "ۂ": "ه",
        "ۃ": "ه",
        "ٲ": "ا",  # alef with wavy hamza above / below
        "ٳ": "ا",
        "ٵ": "ا",
        TATWEEL: None,
        "\u200c": None,
        "\u200d": None,
    }
)


def strip_tashkeel(text: str) -> str:
    """Remove short vowels, shadda, sukun, tanwin and Quranic marks."""
    return _TASHKEEL.sub("", text)


def normalize(text: str) -> str:
    """The matching form of Arabic text: no tashkeel or tatweel, unified letter variants.

    Presentation forms (ﻻ ﺍﻟﻌﺮﺑﻴﺔ, as copied out of PDFs) are first mapped to the letters they show,
    so the result may be longer or shorter than `text`: use it for keys, never for offsets.
    """
    if _PRESENTATION.search(text):
        text = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return strip_tashkeel(text).translate(_CHAR_MAP)


def has_arabic(text: str) -> bool:
    return bool(_HAS_ARABIC.search(text))


def arabic_ratio(text: str) -> float:
    """Share of letters in `text` that are Arabic (0.0 for text without letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if _HAS_ARABIC.match(c)) / len(letters)


def iter_tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, TokenKind]]:
    """Yield (start, end, kind) for each token of text[start:end]; kinds: arabic, number, latin, punct, other.

    Tokens never overlap and cover every character of the range except white space and invisible
    format characters (BOM, zero-width space, direction marks), which are skipped.
    """
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        yield m.start(), m.end(), cast(TokenKind, m.lastgroup or "other")  # the pattern's group names


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of text[start:end] as the analysed document holds them (offsets into `text`)."""
    return [Token(s, e, text[s:e], kind) for s, e, kind in iter_tokens(text, start, end)]


# Proclitics, outermost first: a conjunction, then a preposition or the future s-, then the article.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")


def proclitic_splits(word: str) -> list[tuple[int, str]]:
    """All ways to peel proclitics off `word`: (characters removed, remainder), longest remainder first.

    Works on the word as written (offsets stay valid); a remainder keeps at least two letters.
    For ل + ال the article's alef is elided (للمعلومات = ل + ال + معلومات), so the remainder
    "المعلومات" is not a substring of the word; such a case is returned with the article put back.
    """
    out: list[tuple[int, str]] = [(0, word)]
    seen = {word}

    def add(cut: int, rest: str) -> None:
        if len(strip_tashkeel(rest)) >= 2 and rest not in seen:
            seen.add(rest)
            out.append((cut, rest))

    bases = [(0, word)]
    if word[:1] in _CONJ:
        bases.append((1, word[1:]))
    for cut, rest in list(bases):
        if rest[:1] in _PREP:
            if rest[:1] == "ل" and rest[1:2] == "ل":
                # ل + (ا)ل: report the remainder with its article restored, then without it
                add(cut + 1, "ا" + rest[1:])
                add(cut + 2, rest[2:])
            bases.append((cut + 1, rest[1:]))
    for cut, rest in bases:
        add(cut, rest)
        if rest.startswith("ال"):
            add(cut + 2, rest[2:])
    return out
