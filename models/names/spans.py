"""Where a name may begin and end: proclitics peeled off a word with exact offsets, whole words only,
and the common words (weekdays, function words) a name never starts or ends with. Shared by the
gazetteer's recogniser and the trained one.
"""

from __future__ import annotations

import re

from models.text.arabic import (
    LETTER_CHARS,
    TATWEEL,
    normalize,
    proclitic_splits,
    strip_tashkeel,
)


def _splits(word: str) -> list[tuple[int, str, bool]]:
    """(offset of the remainder in `word`, remainder, whether an article was peeled off).

    `proclitic_splits` works on the letters; a vocalised word (وَكَنَدَا) is split without its
    marks and the cut mapped back, so offsets stay exact in the original text.
    """
    positions = [k for k, ch in enumerate(word) if ch != TATWEEL and strip_tashkeel(ch)]
    bare = "".join(word[k] for k in positions)
    out = []
    for cut, rest in proclitic_splits(bare):
        prefix = bare[:cut]
        # ال peeled off: "ال" at the end of the prefix, or the ل of للهند (ل + ال with the alef elided).
        # (A remainder that starts with ال again, الالهند → الهند, had an article peeled off too.)
        article = prefix.endswith(("ال", "لل"))
        out.append((positions[cut] if cut < len(positions) else len(word), rest, article))
    return out


# Words that never begin or end a name (prepositions, conjunctions, particles, pronouns): not the
# gazetteer's STOPWORDS, which also hold currencies and months (ريال begins ريال مدريد).
_FUNCTION_WORDS_TEXT = """في من على إلى الى عن مع ضد بين وسط عند بعد قبل حتى منذ خلال حول دون نحو عبر لدى أمام وراء
    فوق تحت ثم أو أم أن إن أنه أنها قد لقد لا لم لن ما هل هو هي هم هذا هذه ذلك تلك هؤلاء الذي التي الذين
    كان كانت كما مثل أيضا بل لكن حيث عندما"""
_FUNCTION_WORDS = frozenset(normalize(w) for w in _FUNCTION_WORDS_TEXT.split())


# Words that are not names on their own, though taggers trained on news and Wikipedia mark them (issue
# 13): weekdays (الجمعة "Friday", also a mosque's name in Wikipedia articles), يوم before one, and single
# words that are mostly common nouns in the news: المدينة "the city" (Medina in Islamic history), تسونامي.
# A weekday at a name's edge is cut off (روما الأربعاء → روما); a name of one such word is dropped.
_WEEKDAYS = frozenset(
    normalize(w) for w in ["الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]
)
_DAY = frozenset(normalize(w) for w in ["يوم", "ويوم", "ليوم", "بيوم", "فيوم"])
_NOT_ALONE = _WEEKDAYS | frozenset(normalize(w) for w in ["المدينة", "مدينة", "تسونامي"])
_SPACED = re.compile(r"\S+")


def _is_one_of(word: str, forms: frozenset[str]) -> bool:
    """Whether the word, or what is left of it once proclitics are peeled (والجمعة), is one of `forms`."""
    return any(rest in forms for _, rest in proclitic_splits(normalize(word)))


def _without_common_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without weekdays at its edges, or None when no name is left (see `_WEEKDAYS`)."""
    words = [(m.start() + start, m.end() + start, m.group()) for m in _SPACED.finditer(text[start:end])]
    while words and (
        _is_one_of(words[0][2], _WEEKDAYS)
        or (normalize(words[0][2]) in _DAY and len(words) > 1 and _is_one_of(words[1][2], _WEEKDAYS))
    ):
        words.pop(0)
    while words and (_is_one_of(words[-1][2], _WEEKDAYS) or normalize(words[-1][2]) in _DAY):
        words.pop()
    if not words or (len(words) == 1 and _is_one_of(words[0][2], _NOT_ALONE)):
        return None
    return words[0][0], words[-1][1]


_LETTER = re.compile(f"[{LETTER_CHARS}]")
_PROCLITICS = re.compile("[وف]?[بلك]?")


def _in_word(ch: str) -> bool:
    """Whether a character belongs to an Arabic word as written: a letter, or a mark riding on one."""
    return bool(_LETTER.match(ch)) or not strip_tashkeel(ch)


def covers_whole_words(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is whole words, or begins after a word's proclitics only (وكندا → كندا).

    Tokenisation can split oddly written text (a tatweel or a lone vowel mark inside a word); a span that
    would then begin or end inside a word as the reader sees it is not an entity.
    """
    if start >= end or not any(c.isalpha() for c in text[start:end]):
        return False
    word_start = start
    while word_start > 0 and _in_word(text[word_start - 1]):
        word_start -= 1
    if not _PROCLITICS.fullmatch(strip_tashkeel(text[word_start:start])):
        return False
    return end == len(text) or not _in_word(text[end])


# A model id names the recogniser: None is the default (`QARI_NER_MODEL` if set, else the shipped CRF);
# "" (what an emptied sidebar field gives) is the shipped CRF, whatever `QARI_NER_MODEL` says; anything
# else is a transformers model (hub id or folder), merged with the same name lists. Each is loaded once
# per process through `models.registry` (which keeps at most two transformers models, and retries a
# failed load after a while, so a model downloaded or copied in later is used without a restart). A
