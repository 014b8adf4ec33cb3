"""Why a word's last vowel is what it is: a few rules of case and mood that hold in news prose, and
reading (and correcting) the case ending the vowels mode chose.

The rules look at the word right before (only a word, not across punctuation):

- `preposition`: a noun after a preposition of a closed list (في، من، على، إلى، عن، بعد…, read as one
  by the lexicon, alone or after و/ف; not one with a pronoun on it, منها) is genitive;
- `clitic`: a noun with بـ، لـ، كـ written on it is genitive (the lexicon's reading of the letters as a
  preposition is less sure: كروس read ك + روس);
- `inna`: the noun right after إنّ and its sisters (أنّ، لكنّ، لعلّ، ليت), with their proclitics
  (فإن، لأن، بأن، ولكن), is accusative; أن before a verb is the subjunctive's أن (next rule);
- `idafa`: the second noun of an iḍāfa (a noun without the article or tanween, then a noun or name with
  the article) is genitive, and the first one is in the construct state;
- `lam`: an imperfect verb after لم (also ولم، فلم) is jussive (measured, and off: right on 92 % of the
  dev words, where a misread verb, نره as if its ه were a root letter, breaks it);
- `an-lan`: an imperfect verb after أن، لن، كي، لكي (and their proclitic forms) is subjunctive.

`RULES` names them; `python bench/grammar.py` measures each one against the gold vowels of WikiNews's
dev half: only rules right on at least 95 % of the words they decided there say why (`ACTIVE`), and
only those that left its WER no worse also put the vowels' ending right (`CORRECTING`). A rule never overrules what the word's own
letters say (a sound plural's -ūna is nominative whatever precedes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.grammar.features import allowed_cases
from models.lexicon.lexicon import Analysis
from models.text.arabic import normalize
from models.vowels.engine import (
    DAMMA,
    DAMMATAN,
    FATHA,
    FATHATAN,
    KASRA,
    KASRATAN,
    LETTERS,
    MARKS,
    SHADDA,
    SUKUN,
)

RULES = ("preposition", "clitic", "inna", "idafa", "lam", "an-lan")
# rules that say why: each right on at least 95 % of the dev words it decided (bench/grammar.py)
ACTIVE = frozenset({"preposition", "clitic", "inna", "idafa", "an-lan"})
# rules that also put the vowels' ending right: those that made the dev half's WER no worse
CORRECTING = frozenset({"preposition", "inna", "an-lan"})
# prepositions that are nothing else before a noun (letters only: hamza, alif maqsura and ta marbuta folded)
_PREPOSITIONS = frozenset(
    [
        "في",
        "من",
        "الي",
        "علي",
        "عن",
        "منذ",
        "لدي",
        "نحو",
        "حول",
        "خلال",
        "ضد",
        "دون",
        "عند",
        "بعد",
        "بين",
        "مع",
        "تحت",
        "فوق",
        "حتي",
        "لدي",
    ]
)
_INNA = frozenset({"ان", "فان", "وان", "لان", "بان", "لكن", "ولكن", "لعل", "ليت"})
_LAM = frozenset({"لم", "ولم", "فلم"})
_SUBJUNCTIVE = frozenset({"ان", "وان", "فان", "بان", "لان", "لن", "ولن", "فلن", "كي", "لكي"})
_NOM, _ACC, _GEN = frozenset({DAMMA, DAMMATAN}), frozenset({FATHA, FATHATAN}), frozenset({KASRA, KASRATAN})
_TANWEEN = {DAMMA: DAMMATAN, FATHA: FATHATAN, KASRA: KASRATAN}
_VALUE_MARK = {"Nom": DAMMA, "Ind": DAMMA, "Acc": FATHA, "Sub": FATHA, "Gen": KASRA, "Jus": SUKUN}


@dataclass
class Word:
    """One Arabic token as the grammar sees it."""

    text: str
    start: int  # offset of the token in the document
    reading: Analysis | None
    pos: str | None
    features: dict[str, str] = field(default_factory=dict)
    ending: int | None = None  # offset in the document of the letter that carries the case or mood vowel
    rule: str | None = None  # the rule that decided the case or mood
    reason: str | None = None  # what the card says about it: "after the preposition في"


def ending_letter(text: str, start: int, reading: Analysis | None, pos: str | None) -> int | None:
    """The document offset of the letter whose vowel is the word's case (or mood), or None where the
    letters say it (-ūna, -āni, -an with its alif) or the word has none."""
    if reading is None or pos not in ("NOUN", "ADJ", "PROPN", "NUM", "VERB"):
        return None
    suffix_tags = reading.tags[2]
    if pos == "VERB" and (reading.tags[1] != "VERB_IMPERFECT" or "SUBJ:" in suffix_tags):
        return None  # perfect verbs have no mood; -ūna, -ā, -na carry it in letters
    if any(t in suffix_tags for t in ("_DU", "MASC_PL", "_ACC_INDEF")):
        return None
    letters = [i for i, ch in enumerate(text) if ch in LETTERS]
    pronoun = 0
    morphs = [m for m in reading.suffix.split("+") if m]
    tags = [t for t in suffix_tags.split("+") if t]
    if morphs and tags and len(morphs) == len(tags) and ("PRON" in tags[-1] or "_DO:" in tags[-1]):
        pronoun = len([c for c in morphs[-1] if c in LETTERS])
    at = len(letters) - 1 - pronoun
    return start + letters[at] if 0 <= at < len(letters) else None


def apply_rules(words: list[Word | None], active: frozenset[str] = ACTIVE) -> None:
    """Set `rule`, `reason` and the Case or Mood they decide on each word (None: punctuation, a number)."""
    for i, word in enumerate(words):
        if word is None or word.reading is None:
            continue
        before = words[i - 1] if i > 0 else None
        prev = normalize(before.text) if before is not None else ""
        found = _rule(word, before, prev, active)
        if found is None:
            continue
        rule, value, reason = found
        key = "Mood" if word.pos == "VERB" else "Case"
        if key == "Case" and value not in _allowed(word):
            continue  # the word's letters say otherwise: they win
        word.features[key] = value
        word.rule, word.reason = rule, reason
        if rule == "idafa" and before is not None and before.features.get("Definite") == "Ind":
            before.features["Definite"] = "Cons"


def _rule(word: Word, before: Word | None, prev: str, active: frozenset[str]) -> tuple[str, str, str] | None:
    reading = word.reading
    assert reading is not None
    if word.pos == "VERB":
        if reading.tags[1] != "VERB_IMPERFECT" or before is None:
            return None
        if "lam" in active and prev in _LAM:
            return "lam", "Jus", f"after {before.text}"
        if "an-lan" in active and prev in _SUBJUNCTIVE:
            return "an-lan", "Sub", f"after {before.text}"
        return None
    if word.pos not in ("NOUN", "ADJ", "PROPN", "NUM"):
        return None
    if "clitic" in active and "PREP" in reading.tags[0]:
        clitic = reading.prefix.split("+")[-2] if "+" in reading.prefix else reading.prefix
        return "clitic", "Gen", f"after the preposition {clitic or 'on the word'}"
    if before is None or before.reading is None:
        return None
    # (a preposition with a pronoun on it, منها، فيه، لها, governs its pronoun, not the next word)
    bare = not before.reading.suffix and normalize(before.reading.stem) in _PREPOSITIONS
    if "preposition" in active and before.pos == "ADP" and bare:
        return "preposition", "Gen", f"after the preposition {before.text}"
    if "inna" in active and prev in _INNA and before.pos in ("PART", "SCONJ", "CCONJ") and word.pos != "ADJ":
        return "inna", "Acc", f"the noun after {before.text}"
    if (
        "idafa" in active
        and before.pos == "NOUN"
        and before.features.get("Definite") == "Ind"
        and not before.reading.tags[2]
        and word.pos in ("NOUN", "PROPN")
        and "DET" in reading.tags[0]
    ):
        return "idafa", "Gen", f"the second noun of an iḍāfa: {before.text} {word.text}"
    return None


def _allowed(word: Word) -> frozenset[str]:
    return allowed_cases(word.reading) if word.reading is not None else frozenset()


def ending_marks(text: str, added: dict[int, str], letter: int) -> tuple[int, str]:
    """(the index after the letter's written marks, the marks on it: written and added)."""
    after = letter + 1
    while after < len(text) and text[after] in MARKS:
        after += 1
    return after, text[letter + 1 : after] + added.get(after, "")


def value_of(word: Word, marks: str) -> str | None:
    """The Case (nominals) or Mood (verbs) an ending's marks say, or None (no vowel on it)."""
    vowel = next((m for m in marks if m != SHADDA), "")
    if word.pos == "VERB":
        return {DAMMA: "Ind", FATHA: "Sub", SUKUN: "Jus"}.get(vowel)
    if vowel in _NOM:
        return "Nom"
    if vowel in _ACC:
        return "Acc"
    if vowel in _GEN:
        return "Gen"
    return None


def agrees(word: Word, value: str, marks: str) -> bool:
    """Whether the ending's marks can be `value` for this word: a diptote writes its genitive with a
    fatha, a feminine plural its accusative with a kasra."""
    said = value_of(word, marks)
    if said is None or said == value:
        return True
    if (
        value == "Jus"
    ):  # a doubled verb's jussive keeps a vowel (لم يتمَّ), a defective one's its stem's (لم يعطِ)
        return not (said == "Ind" and SHADDA not in marks)
    fem_plural = word.reading is not None and "FEM_PL" in word.reading.tags[2]
    return (value == "Gen" and said == "Acc" and not any(m == FATHATAN for m in marks)) or (
        value == "Acc" and said == "Gen" and fem_plural
    )


def corrected(marks: str, value: str) -> str:
    """`marks` (added ones) with their vowel made `value`'s, tanween kept as tanween, shadda kept."""
    vowel = _VALUE_MARK[value]
    tanween = any(m in (DAMMATAN, FATHATAN, KASRATAN) for m in marks)
    out = "".join(m for m in marks if m == SHADDA)
    if tanween and value in ("Nom", "Acc", "Gen"):
        return out + _TANWEEN[vowel]
    return out + vowel
