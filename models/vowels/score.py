"""Diacritic error rate (DER) and word error rate (WER) in Fadel et al.'s (2019) convention.

What is computed, exactly:

* Text is NFC-normalised. A *letter* is one of Fadel's 36 Arabic letters
  (ء آ أ ؤ إ ئ ا ب ة ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ى ي).
* A letter's *class* is the set of the eight diacritics (U+064B..U+0652: fathatan, dammatan,
  kasratan, fatha, damma, kasra, shadda, sukun) written right after it, before the next
  non-mark character; it is compared as a sorted string, so shadda+fatha == fatha+shadda.
  A letter with no mark has the class "" ("no diacritic") and counts like any other class.
  Other characters (dagger alef U+0670, tatweel, digits, punctuation, Latin) carry no class
  and are not counted; marks after a non-letter are ignored.
* DER = letters whose predicted class differs from the gold class / all letters.
* WER = words with at least one letter whose class differs / words with at least one letter
  (words = whitespace-separated tokens; tokens without an Arabic letter are not counted).
* Where the data has several accepted readings of a word (`add_line_any`), the word is right when it
  matches any of them, and its letter errors are counted against the closest one.
* "without case ending" = the same with each word's last letter left out (a word's last
  letter is the last letter of the whitespace token; one-letter words, which have no other
  letter, drop out of both the DER letters and the WER words).

Gold and prediction must have the same letters line by line and word by word; a mismatch
raises ValueError (a diacritizer that changes letters cannot be scored this way).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Self

LETTERS = frozenset("ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي")
MARKS = frozenset(chr(c) for c in range(0x064B, 0x0653))


def word_classes(word: str) -> list[tuple[str, str]]:
    """[(letter, sorted marks)] for each Arabic letter of one token."""
    out: list[tuple[str, list[str]]] = []
    last_is_letter = False
    for ch in unicodedata.normalize("NFC", word):
        if ch in MARKS:
            if last_is_letter:
                out[-1][1].append(ch)
            continue
        if ch in LETTERS:
            out.append((ch, []))
            last_is_letter = True
        else:
            last_is_letter = False
    return [(c, "".join(sorted(m))) for c, m in out]


@dataclass
class Score:
    letters: int = 0
    letter_errors: int = 0
    words: int = 0
    word_errors: int = 0
    letters_noce: int = 0
    letter_errors_noce: int = 0
    words_noce: int = 0
    word_errors_noce: int = 0

    def add_word(self, gold: str, pred: str) -> None:
        g, p = word_classes(gold), word_classes(pred)
        if [c for c, _ in g] != [c for c, _ in p]:
            raise ValueError(f"letters differ: {gold!r} vs {pred!r}")
        if not g:
            return
        wrong = [a[1] != b[1] for a, b in zip(g, p)]
        self.letters += len(g)
        self.letter_errors += sum(wrong)
        self.words += 1
        self.word_errors += any(wrong)
        if len(g) > 1:
            self.letters_noce += len(g) - 1
            self.letter_errors_noce += sum(wrong[:-1])
            self.words_noce += 1
            self.word_errors_noce += any(wrong[:-1])

    def add_word_any(self, golds: list[str], pred: str) -> None:
        """One word scored against several accepted readings: right if it matches any of them (with and
        without its last letter, each on its own); its letter errors are those against the closest. Readings
        spelled with other letters are left out."""
        p = word_classes(pred)
        # a reading spelled otherwise (إسْتراتيجية for استراتيجية) is not one of this word's
        gs = [g for g in map(word_classes, golds) if [c for c, _ in g] == [c for c, _ in p]]
        if not gs:
            raise ValueError(f"letters differ: {golds!r} vs {pred!r}")
        if not p:
            return
        wrong = [[a[1] != b[1] for a, b in zip(g, p)] for g in gs]
        self.letters += len(p)
        self.letter_errors += min(sum(w) for w in wrong)
        self.words += 1
        self.word_errors += all(any(w) for w in wrong)
        if len(p) > 1:
            self.letters_noce += len(p) - 1
            self.letter_errors_noce += min(sum(w[:-1]) for w in wrong)
            self.words_noce += 1
            self.word_errors_noce += all(any(w[:-1]) for w in wrong)

    def add_line_any(self, golds: list[str], pred: str) -> None:
        """A line against several accepted readings of it (same words): `add_word_any` word by word."""
        pw = pred.split()
        gws = [g.split() for g in golds]
        for gw in gws:
            if len(gw) != len(pw):
                raise ValueError(f"word count differs: {len(gw)} vs {len(pw)}")
        for k, word in enumerate(pw):
            self.add_word_any([gw[k] for gw in gws], word)

    def add_line(self, gold: str, pred: str) -> None:
        gw, pw = gold.split(), pred.split()
        if len(gw) != len(pw):
            raise ValueError(f"word count differs: {len(gw)} vs {len(pw)}")
        for a, b in zip(gw, pw):
            self.add_word(a, b)

    def __iadd__(self, other: Score) -> Self:
        for k in (
            "letters",
            "letter_errors",
            "words",
            "word_errors",
            "letters_noce",
            "letter_errors_noce",
            "words_noce",
            "word_errors_noce",
        ):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        return self

    @property
    def der(self) -> float:
        return 100 * self.letter_errors / max(1, self.letters)

    @property
    def wer(self) -> float:
        return 100 * self.word_errors / max(1, self.words)

    @property
    def der_noce(self) -> float:
        return 100 * self.letter_errors_noce / max(1, self.letters_noce)

    @property
    def wer_noce(self) -> float:
        return 100 * self.word_errors_noce / max(1, self.words_noce)

    def row(self) -> str:
        return (
            f"DER {self.der:5.2f}  WER {self.wer:5.2f}  | no case ending: "
            f"DER {self.der_noce:5.2f}  WER {self.wer_noce:5.2f}  ({self.words} words)"
        )


def score_lines(gold_lines, pred_lines) -> Score:
    s = Score()
    gold_lines, pred_lines = list(gold_lines), list(pred_lines)
    if len(gold_lines) != len(pred_lines):
        raise ValueError(f"line count differs: {len(gold_lines)} vs {len(pred_lines)}")
    for g, p in zip(gold_lines, pred_lines):
        s.add_line(g, p)
    return s


def strip_marks(text: str) -> str:
    """`text` without its diacritics (and dagger alef): what a diacritizer is given."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if c not in MARKS and c != "\u0670")
