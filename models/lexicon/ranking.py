"""The constants of the ranking rules (see `models.lexicon.lexicon`) and the frequency table behind
rule 2½: the numbers a reader tunes, in one place.
"""

from __future__ import annotations

from pathlib import Path

from models.settings import SHIPPED_DATA

# Estimated frequency of each Buckwalter dictionary entry (stem) in running text, built by
# `python -m models.build.lexicon_frequencies` from the wordfreq 3.1.1 Arabic word list (CC BY-SA 4.0).
FREQUENCY_TABLE = SHIPPED_DATA / "lexicon_freq.tsv"
# Rule 2½: how many times rarer than the most frequent competing reading a reading must be to go after it.
FREQUENCY_MARGIN = 3.0

# Stem categories of feminine nouns that also take the dual and plural endings: count nouns in
# regular use (مدينة "city", منظمة "organization"), unlike singular-only ones (صغيرة "venial sin").
_COUNT_NOUNS = frozenset(["Napdu", "NapAt"])
_FREEDICT_RULE = 6  # index of rule 7 in the sort key built by Lexicon._rank
_NOT_BY_FREQUENCY = frozenset(["PROPN", "PREP", "CONJ", "PRON", "PART"])  # see Lexicon._frequency_rule
# Rule 5 of the ranking: lower is preferred.
_POS_RANK = {"PREP": 0, "CONJ": 0, "PRON": 0, "PART": 1, "NOUN": 3, "ADJ": 2, "NUM": 3, "ADV": 4,
             "VERB": 5, "PROPN": 6}  # fmt: skip


def load_frequencies(path: Path) -> tuple[dict[tuple[str, str, str], float], dict[tuple[str, str], float]]:
    """The frequency table: entries (lemma id, voweled stem, gloss) → share of running text, and
    inflection patterns (stem category, first suffix morpheme) → share of their category's uses.

    Entry lines are "lemma id<TAB>voweled stem<TAB>gloss<TAB>centibels", pattern lines
    "=category<TAB>suffix<TAB>centibels", where centibels = -100·log10(share) as in wordfreq; lines
    starting with # are comments."""
    entries: dict[tuple[str, str, str], float] = {}
    patterns: dict[tuple[str, str], float] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[0].startswith("="):
                patterns[(fields[0][1:], fields[1])] = 10 ** (-int(fields[2]) / 100)
            else:
                entries[(fields[0], fields[1], fields[2])] = 10 ** (-int(fields[3]) / 100)
    return entries, patterns
