"""Context: the neighbouring tokens reorder a word's leading readings (`Lexicon.analyze_in_context`).
Apart from the lexicon because these rules are about sentences, not the dictionary.
"""

from __future__ import annotations

import re
from typing import Protocol

from models.lexicon.buckwalter import Analysis
from models.text.arabic import normalize


class Lexicon(Protocol):
    """What the context needs of `models.lexicon.lexicon.Lexicon` (importing it would be a cycle)."""

    def best(self, word: str) -> Analysis | None: ...


def _normalized_set(words: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in words.split())


_PREPOSITIONS = _normalized_set(
    "في من على إلى عن مع بين حول نحو عبر خلال ضد لدى منذ حتى دون بعد قبل عند تجاه بشأن وسط رغم إثر عقب"
)
_VERB_PARTICLES = _normalized_set("لم لن قد لقد سوف كي لكي")
_YEAR_MODIFIERS = _normalized_set("الماضي المقبل القادم الحالي الجاري المنصرم المنقضي")
_YEAR_NUMBER = re.compile(r"\d{3,4}")  # any Unicode digits: 2011, ٢٠١١
_PREPOSITION_CLITIC = re.compile(r"(?:^|\+)[بلك](?:\+|$)")


class _Context:
    """The evidence the neighbouring tokens give about a word (see `Lexicon.analyze_in_context`)."""

    def __init__(self, lexicon: Lexicon, before: str | None, after: str | None) -> None:
        key_before = normalize(before) if before else ""
        key_after = normalize(after) if after else ""
        self.year = bool(
            after
            and _YEAR_NUMBER.fullmatch(after)
            or before
            and _YEAR_NUMBER.fullmatch(before)
            or key_after in _YEAR_MODIFIERS
        )
        self.after_preposition = key_before in _PREPOSITIONS
        self.after_verb_particle = key_before in _VERB_PARTICLES
        self.noun_before: bool | None = None  # definiteness of a noun or adjective right before
        if before and not self.after_preposition and not self.after_verb_particle:
            prev = lexicon.best(before)
            if prev is not None and prev.pos in ("NOUN", "ADJ"):
                self.noun_before = _definite(prev)

    def score(self, analysis: Analysis) -> tuple[int, int, int]:
        """Lower is better: (year rule, particle rules, agreement rule)."""
        year = 0 if not self.year or analysis.gloss.startswith("year") else 1
        if self.after_preposition:
            particle = 1 if analysis.pos == "VERB" else 0
        elif self.after_verb_particle:
            particle = 0 if analysis.pos == "VERB" else 1
        else:
            particle = 0
        agree = 0
        if self.noun_before is not None:
            # an attributive adjective: agrees in definiteness and carries no preposition (بدراستها
            # opens a phrase of its own)
            attributive = analysis.pos == "ADJ" and _definite(analysis) == self.noun_before
            agree = 0 if attributive and not _PREPOSITION_CLITIC.search(analysis.prefix) else 1
        return year, particle, agree


def _definite(analysis: Analysis) -> bool:
    return "ال" in analysis.prefix.split("+") or analysis.prefix.endswith("ل+ل")
