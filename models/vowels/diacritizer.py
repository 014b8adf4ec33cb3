"""Text in, the same text with its short vowels added: `vowels(text)` and `vowelize(text)`.

Only diacritic marks (U+064B–U+0652) are ever added, and only right after an Arabic letter: letters,
spaces, punctuation and line breaks stay as they are, so the result lines up with the input line for
line and word for word, and any span of the input has a voweled form (`Vowels.span`). A mark the author
wrote is kept; the model is told about it (as a hint) and may add what is missing beside it (a vowel next
to a written shadda).

Each letter gets the model's most probable class. Then, word by word:

0. The case ending (the last letter's class) is put to a vote: text2tashkeel's rawi ensemble
   (`second`), trained on other text and wrong in other places, adds `AGREEMENT` nats (1.5) to the class
   it gives the letter, so it decides where dengjen hesitated (its own class below ~0.82) and never where
   dengjen is sure. The weight was chosen on the dev sets only (WikiNews's dev half, 500 lines of the
   Tashkeela validation split; `python bench/vowels.py --weights …`): 1 was best on the news, larger
   weights on the classical text; 1.5 costs the news 0.1 point and gains the classical 0.3.

1. Buckwalter's readings of the word (`models.lexicon`) break near-ties: the reading whose stem vowels
   the model finds most probable replaces the model's stem vowels when it costs at most
   `LEXICON_MARGIN` (0.5) against the model's own choice (the sum over its letters of the model's
   probability of its own class less that of the reading's), so an impossible form the model hesitated
   over (وَتَصْدِّرُ, الْجَدْدَ, وَرَشَات) becomes a word of the language. Only the stem's letters are
   constrained, not its last letter (endings are the model's), not alifs, not a sun letter's shadda.
   A looser margin (1 or 3) or every letter made things worse: the lexicon misses many words of
   the news and spells names its own way.
2. The conventions of voweled MSA news as written in the WikiNews gold and in the Tashkeela benchmark,
   where the model (trained on text that writes helping vowels) differs from them (each measured on
   WikiNewsMax, `bench/vowels.py`):

- no helping vowel before hamzat al-wasl: مِنْ الْ, عَنْ الْ, قَدْ ا, أَوْ ا (not مِنَ الْ, عَنِ الْ …),
  a verb's feminine -at (أَعْلَنَتْ الْ) and the pronouns -hum/-kum/-tum (عَلَيْهِمْ الْ);
- a long vowel letter carries no sukun (فِيلْمُ, not فِيْلْمُ);
- a word's last consonant is never left bare (its most probable mark is written);
- the article's lam before a moon letter has its sukun (الْقَمَرُ), hamza below its kasra (إِلَى).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from models import registry
from models.lexicon.lexicon import Analysis, Lexicon, get_lexicon
from models.vowels.engine import (
    CLASS_INDEX,
    CLASSES,
    DAMMA,
    FATHA,
    KASRA,
    LETTERS,
    MARKS,
    PACKAGE,
    SHADDA,
    SUKUN,
    Engine,
    canon,
)
from models.vowels.second import Rawi

ENGINE = "dengjen-tashkeel-py 3.0.2"
REGISTRY_KIND = "vowels"

MOON = frozenset("ءأإآبجحخعغفقكمهوي")
_ARTICLE = re.compile(r"^(?:[وف]?[بك]?|[وف]?)ال|^[وف]?لل")
# Words ending in sukun that keep it before hamzat al-wasl in the gold (speech adds a helping vowel).
SUKUN_WORDS = frozenset(
    [
        "من",
        "عن",
        "ومن",
        "وعن",
        "فمن",
        "قد",
        "لقد",
        "وقد",
        "فقد",
        "أو",
        "لم",
        "ولم",
        "فلم",
        "هل",
        "بل",
        "لكن",
        "ولكن",
        "إذ",
    ]
)
_TOKEN = re.compile(r"\S+")
AGREEMENT = 1.5  # nats added to text2tashkeel's class for a word's last letter (see step 0 above)
# How much less probable than the model's choice a lexicon reading may be: summed differences of
# probability (measured as nats before it was seen that the model's "logits" are already probabilities:
# the log of that softmax is the probability itself, up to a constant, so the rule is unchanged)
LEXICON_MARGIN = 0.5
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ت", "ؤ": "و", "ئ": "ي"})


class VowelsUnavailable(RuntimeError):
    """The diacritizer could not be loaded; the message says why and what to install."""


@dataclass
class VowelsLoad:
    """What loading the diacritizer gave: the engine, or a reader-facing message."""

    engine: Engine | None
    message: str = ""
    second: Rawi | None = None  # text2tashkeel's vote on case endings (None: dengjen decides alone)

    @property
    def ok(self) -> bool:
        return self.engine is not None


def _second() -> Rawi | None:
    try:
        return Rawi.installed()
    except Exception:  # noqa: BLE001 - optional: without it dengjen decides the endings alone
        return None


def _load() -> VowelsLoad:
    try:
        return VowelsLoad(Engine.installed(), second=_second())
    except (ImportError, OSError, ValueError) as exc:
        return VowelsLoad(None, f"Vowels are unavailable: {exc}")
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for a bad model
        return VowelsLoad(None, f"Vowels are unavailable: the {PACKAGE} model could not be loaded ({exc}).")


def get_diacritizer() -> VowelsLoad:
    """The process-wide diacritizer, loaded once (`models.registry`); a failure is retried later."""
    return registry.loaded(REGISTRY_KIND, ENGINE, _load, ok=lambda r: r.ok)


@dataclass(frozen=True)
class Vowels:
    """A text and the marks added to it: `added[i]` is inserted before text[i] (i may be len(text)),
    right after a letter and any marks written on it."""

    text: str
    added: dict[int, str] = field(default_factory=dict)

    @cached_property
    def voweled(self) -> str:
        return self.span(0, len(self.text))

    def span(self, start: int, end: int) -> str:
        """The voweled form of text[start:end] (e.g. a token's offsets)."""
        return "".join(chars for chars, _added in self.parts(start, end))

    def parts(self, start: int, end: int) -> list[tuple[str, bool]]:
        """text[start:end] with its added marks, as runs of (characters, added?): the reader draws the
        added runs in a lighter colour. Marks added after the span's last letter belong to the span."""
        out: list[tuple[str, bool]] = []
        lo = start
        for i in sorted(k for k in self.added if start < k <= end):
            if i > lo:
                out.append((self.text[lo:i], False))
            out.append((self.added[i], True))
            lo = i
        if end > lo:
            out.append((self.text[lo:end], False))
        return out


def letters_of(text: str) -> list[int]:
    """Indices of the Arabic letters of `text` (the characters that take marks)."""
    return [i for i, ch in enumerate(text) if ch in LETTERS]


def _reading(analysis: Analysis) -> tuple[str, list[str | None]]:
    """A lexicon reading's letters and, for each, the class it fixes (None: left to the model): the
    stem's letters but its last, not alifs; a consonant before a long ā has a fatha."""
    letters: list[str] = []
    marks: list[list[str]] = []
    for ch in analysis.voweled:
        if ch in MARKS:
            if marks:
                marks[-1].append(ch)
        elif ch in LETTERS:
            letters.append(ch)
            marks.append([])
    start = sum(1 for c in analysis.prefix if c in LETTERS)
    end = min(start + sum(1 for c in analysis.stem if c in LETTERS) - 1, len(letters))
    fixed: list[str | None] = [None] * len(letters)
    for i in range(start, end):
        if letters[i] in "اآى":
            continue
        c = canon(marks[i])
        before_alif = letters[i + 1] == "ا"
        if c in (None, "", SHADDA):
            if not before_alif:
                continue
            c = (SHADDA if c == SHADDA else "") + FATHA
        fixed[i] = c
    return "".join(letters), fixed


def lexicon_tiebreak(analyses: list[Analysis], letters: str, classes: list[str], probs) -> list[str]:
    """`classes` with the stem vowels of the lexicon reading the model likes best, if that reading costs
    at most LEXICON_MARGIN against the model's own choice (see the module docstring)."""
    folded = letters.translate(_FOLD)
    best: tuple[float, list[str | None]] | None = None
    for analysis in analyses:
        if analysis.source != "buckwalter":
            continue
        spelled, fixed = _reading(analysis)
        if spelled.translate(_FOLD) != folded:
            continue
        cost = 0.0
        for k, c in enumerate(fixed):
            if c is None:
                continue
            if SHADDA in classes[k] and SHADDA not in c and c != SUKUN:
                c = fixed[k] = SHADDA + c  # a sun letter's shadda is not written in the lexicon
            cost += float(probs[k][CLASS_INDEX[classes[k]]]) - float(probs[k][CLASS_INDEX[c]])
        if best is None or cost < best[0]:
            best = (cost, fixed)
    if best is None or best[0] == 0.0 or best[0] > LEXICON_MARGIN:
        return classes
    return [c if c is not None else old for old, c in zip(classes, best[1])]


def _article_lam(letters: str) -> int | None:
    m = _ARTICLE.match(letters)
    return m.end() - 1 if m else None


def _helping_vowel(letters: str, cl: list[str]) -> bool:
    """Whether the word's last vowel is a helping vowel before hamzat al-wasl (mina l-, ʿani l-,
    aʿlanati l-, ʿalayhimu l-) that the gold writes as sukun."""
    n = len(letters)
    if letters in SUKUN_WORDS:
        return cl[-1] in (FATHA, KASRA, DAMMA)
    if n >= 3 and letters[-1] == "ت":  # a verb's feminine -at
        return cl[-1] == KASRA and cl[-2] == FATHA
    if n >= 3 and letters[-2:] in ("هم", "كم", "تم", "هن", "كن"):
        return cl[-1] in (DAMMA, KASRA) and cl[-2] in (DAMMA, KASRA, FATHA)
    return False


def conventions(letters: str, classes: list[str], next_word: str, probs) -> list[str]:
    """One word's classes (one per letter) after the conventions in the module docstring."""
    cl = list(classes)
    n = len(letters)
    wasl = next_word[:1] == "ا"
    lam = _article_lam(letters)
    if (
        lam is not None
        and lam + 2 < n
        and cl[lam] == ""
        and letters[lam + 1] in MOON
        and SHADDA not in cl[lam + 1]
    ):
        cl[lam] = SUKUN
    for k in (0, 1):
        if k < n and letters[k] == "إ" and (k == 0 or letters[0] in "وفبل") and cl[k] == "":
            cl[k] = KASRA
    if wasl and _helping_vowel(letters, cl):
        cl[-1] = SUKUN
    if n >= 2 and cl[-1] == "" and letters[-1] not in "اوىيآ":
        q = probs[-1].copy()
        q[0] = 0.0
        cl[-1] = CLASSES[int(q.argmax())]
    for k in range(n - 2):
        if cl[k] == "" and letters[k + 1] == "ا" and letters[k] not in "اوي" and k != lam:
            cl[k] = FATHA
    for k in range(1, n):
        if cl[k] == SUKUN and (
            (letters[k] == "ي" and cl[k - 1] == KASRA) or (letters[k] == "و" and cl[k - 1] == DAMMA)
        ):
            cl[k] = ""
    return cl


def _written(text: str, i: int) -> tuple[set[str], int]:
    """The marks written on the letter at i, and the index after them."""
    j = i + 1
    while j < len(text) and text[j] in MARKS:
        j += 1
    return set(text[i + 1 : j]), j


def vote(probs, second: str | None, weight: float = AGREEMENT) -> str:
    """A last letter's class: dengjen's most probable, once `second`'s class (text2tashkeel's) gets
    `weight` nats more: it wins where dengjen hesitated between the two."""
    score = np.log(np.maximum(probs, 1e-9))
    if second is not None and second in CLASS_INDEX:
        score[CLASS_INDEX[second]] += weight
    return CLASSES[int(score.argmax())]


def vowels_with(
    engine: Engine,
    text: str,
    lexicon: Lexicon | None = None,
    second: Rawi | None = None,
    weight: float = AGREEMENT,
) -> Vowels:
    """`vowels` with a given engine (the registry's, or one built in a test), lexicon and second opinion
    on case endings (None: none)."""
    letters = letters_of(text)
    if not letters:
        return Vowels(text)
    probs = engine.probabilities(text, letters)
    classes = [CLASSES[int(k)] for k in probs.argmax(-1)]
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = []  # (token number, its letters' rows first..last+1)
    k = 0
    for t, (_start, end) in enumerate(tokens):
        first = k
        while k < len(letters) and letters[k] < end:
            k += 1
        if k > first:
            words.append((t, first, k))
    seconds: list[str | None] = [None] * len(letters)
    if second is not None:
        # text2tashkeel can only change an ending dengjen gave less than this probability: it is run
        # on the sentences that have one (about half the time of running it on everything)
        doubt = 1 / (1 + math.exp(-weight))
        hesitant = {k - 1 for _t, first, k in words if k - first >= 2 and probs[k - 1].max() < doubt}
        if hesitant:
            seconds = second.classes(text, letters, hesitant)
    for t, first, k in words:
        start, end = tokens[t]
        word = "".join(text[i] for i in letters[first:k])
        if k - first >= 2:
            classes[k - 1] = vote(probs[k - 1], seconds[k - 1], weight)
        following = text[tokens[t + 1][0] : tokens[t + 1][1]] if t + 1 < len(tokens) else ""
        if k - first >= 3 and lexicon is not None:
            analyses = lexicon.analyze(text[start:end])
            if analyses:
                classes[first:k] = lexicon_tiebreak(analyses, word, classes[first:k], probs[first:k])
        classes[first:k] = conventions(word, classes[first:k], following, probs[first:k])
    added: dict[int, str] = {}
    for i, c in zip(letters, classes):
        written, j = _written(text, i)
        if not written:
            if c:
                added[j] = c
        elif canon(written) is not None and written <= set(c):
            extra = "".join(m for m in c if m not in written)
            if extra:
                added[j] = extra
    return Vowels(text, added)


def vowels(text: str) -> Vowels:
    """`text` and the marks the diacritizer adds to it (VowelsUnavailable if it cannot be loaded)."""
    loaded = get_diacritizer()
    if loaded.engine is None:
        raise VowelsUnavailable(loaded.message)
    return vowels_with(loaded.engine, text, get_lexicon(), loaded.second)


def vowelize(text: str) -> str:
    """`text` with its short vowels added: only marks are inserted, line for line, word for word."""
    return vowels(text).voweled
