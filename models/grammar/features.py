"""A word's part of speech and features in Universal Dependencies' names, from its Buckwalter reading.

`upos(reading)` maps Buckwalter's stem tag to UD's UPOS (PREP → ADP, CONJ → CCONJ, a demonstrative →
DET, …); `features(reading)` reads Gender, Number, Person, Aspect, Voice, VerbForm, Definite and what
the affixes fix of Case and Mood (a sound plural's -ūna is nominative) from the reading's prefix, stem
and suffix tags. What the affixes leave open
(most nouns' case, a singular imperfect verb's mood) comes from the vowels or the context
(`models.grammar.rules`). `describe` says it in plain English: "noun · feminine plural · definite ·
genitive".
"""

from __future__ import annotations

import re

from models.lexicon.lexicon import Analysis
from models.text.arabic import strip_tashkeel

NOMINAL = frozenset({"NOUN", "ADJ", "PROPN", "NUM"})  # the parts of speech that take a case
_UPOS = {
    "NOUN": "NOUN", "NOUN_PROP": "PROPN", "ADJ": "ADJ", "ADV": "ADV", "PREP": "ADP", "CONJ": "CCONJ",
    "SUB_CONJ": "SCONJ", "VERB_PERFECT": "VERB", "VERB_IMPERFECT": "VERB", "VERB_IMPERATIVE": "VERB",
    "INTERJ": "INTJ", "ABBREV": "X", "NUMERIC_COMMA": "PUNCT", "REL_PRON": "PRON",
    "FUNC_WORD": "PART", "NEG_PART": "PART", "INTERROG_PART": "PART", "EMPHATIC_PARTICLE": "PART",
}  # fmt: skip
# Function words UD's Arabic treebanks call subordinating conjunctions (as written, vowels left out):
# أن and أنّ are, إنّ is a particle.
_SCONJ = frozenset(
    {"أن", "ان", "لأن", "بأن", "إذا", "اذا", "كي", "لكي", "حيث", "بينما", "لو", "إذ", "كما", "لما"}
)
_GENDER = {"M": "Masc", "F": "Fem"}
_NUMBER = {"S": "Sing", "D": "Dual", "P": "Plur"}
_PERSON = {"1": "1st person", "2": "2nd person", "3": "3rd person"}
_NSUFF = re.compile(r"NSUFF_(MASC|FEM)_(SG|DU|PL)(?:_(NOM|ACCGEN|ACC|GEN))?")
_PLAIN = {
    "NOUN": "noun", "PROPN": "name", "ADJ": "adjective", "NUM": "number", "VERB": "verb", "ADV": "adverb",
    "ADP": "preposition", "CCONJ": "conjunction", "SCONJ": "conjunction", "PRON": "pronoun",
    "DET": "demonstrative", "PART": "particle", "INTJ": "interjection", "X": "abbreviation",
}  # fmt: skip
_VALUES = {
    "Masc": "masculine", "Fem": "feminine", "Sing": "singular", "Dual": "dual", "Plur": "plural",
    "Def": "definite", "Ind": "indefinite", "Cons": "construct (iḍāfa)", "Nom": "nominative",
    "Acc": "accusative", "Gen": "genitive", "Perf": "perfect", "Imp": "imperfect", "Pass": "passive",
    "Sub": "subjunctive", "Jus": "jussive",
}  # fmt: skip


def upos(reading: Analysis, word: str = "") -> str:
    """UD's part of speech of a Buckwalter reading (`word`, as written, tells function words apart)."""
    tag = reading.tags[1]
    if reading.pos in ("NUM", "PRON", "PROPN") or not tag:
        return reading.pos if reading.pos in _PLAIN else "X"
    if tag.startswith("DEM_PRON"):
        return "DET"
    if tag.startswith("PRON") or tag.endswith("_PRON"):
        return "PRON"
    found = _UPOS.get(tag, reading.pos if reading.pos in _PLAIN else "X")
    if found == "PART" and strip_tashkeel(reading.stem or word) in _SCONJ:
        return "SCONJ"
    return found


def features(reading: Analysis, pos: str) -> dict[str, str]:
    """UD features the reading fixes (Case only where its affixes decide it)."""
    prefix, tag, suffix = reading.tags
    out: dict[str, str] = {}
    if pos == "VERB":
        out["VerbForm"] = "Fin"
        if tag == "VERB_PERFECT":
            out["Aspect"] = "Perf"
        elif tag == "VERB_IMPERFECT":
            out["Aspect"] = "Imp"
        elif tag == "VERB_IMPERATIVE":
            out["Mood"] = "Imp"
        out["Voice"] = "Pass" if reading.pattern and "Pass" in reading.pattern[0] else "Act"
        for part in (prefix, suffix):
            for piece in part.split("+"):
                label = piece.rpartition("/")[2]
                if not (label.startswith(("IV", "PVSUFF_SUBJ", "IVSUFF_SUBJ", "CVSUFF_SUBJ"))):
                    continue
                person, gender, number = _subject(label)
                out.update(
                    {k: v for k, v in (("Person", person), ("Gender", gender), ("Number", number)) if v}
                )
                if "MOOD:I" in label:
                    out["Mood"] = "Ind"
        if "SUBJUNC" in prefix:
            out["Mood"] = "Sub"  # لِـ written on the verb: "to …"
        # a singular imperfect's mood is in its last vowel: the vowels or the context decide it
        return dict(sorted(out.items()))
    if pos not in NOMINAL:
        return out
    found = _NSUFF.search(suffix)
    if found:
        out["Gender"] = "Masc" if found.group(1) == "MASC" else "Fem"
        out["Number"] = {"SG": "Sing", "DU": "Dual", "PL": "Plur"}[found.group(2)]
        if found.group(3) in ("NOM", "ACC"):
            out["Case"] = found.group(3).title()  # -ūna, -āni; -an written with its alif
    else:
        lemma = reading.entry[0] if reading.entry else ""
        out["Gender"] = "Fem" if re.sub(r"_\d+$", "", lemma).endswith("ap") else "Masc"
        out["Number"] = "Plur" if _broken_plural(reading) else "Sing"
    if pos == "PROPN":
        out.pop("Gender", None)  # a name's gender is not in its letters
    if "DET" in prefix:
        out["Definite"] = "Def"
    elif "POSS_PRON" in suffix:
        out["Definite"] = "Cons"
    else:
        out["Definite"] = "Ind"  # a construct state is found from the next word (models.grammar.rules)
    return dict(sorted(out.items()))


def allowed_cases(reading: Analysis) -> frozenset[str]:
    """The cases the reading's suffix allows: a sound plural's or dual's ending says it in letters."""
    found = _NSUFF.search(reading.tags[2])
    if found and found.group(3) in ("NOM", "ACC"):
        return frozenset({found.group(3).title()})
    if found and found.group(3) == "ACCGEN":
        return frozenset({"Acc", "Gen"})
    return frozenset({"Nom", "Acc", "Gen"})


def describe(pos: str | None, feats: dict[str, str] | None, case_note: str | None = None) -> str | None:
    """The plain-English line of a word's grammar: "noun · feminine plural · definite · genitive"."""
    if not pos:
        return None
    feats = feats or {}
    parts = [_PLAIN.get(pos, pos.lower())]
    if pos == "VERB":
        aspect = {"Perf": "past", "Imp": "present"}.get(feats.get("Aspect", ""), "")
        if feats.get("Mood") == "Imp":
            aspect = "imperative"
        voice = "passive" if feats.get("Voice") == "Pass" else ""
        parts.append(" ".join(x for x in (aspect, voice) if x) or "")
        person = _PERSON.get(feats.get("Person", ""), "")
        gender, number = _VALUES.get(feats.get("Gender", ""), ""), _VALUES.get(feats.get("Number", ""), "")
        parts.append(" ".join(x for x in (person, gender, number) if x))
        mood = feats.get("Mood")
        if mood in ("Ind", "Sub", "Jus"):
            parts.append({"Ind": "indicative", "Sub": "subjunctive", "Jus": "jussive"}[mood])
    elif pos in NOMINAL:
        parts.append(" ".join(_VALUES[v] for v in (feats.get("Gender"), feats.get("Number")) if v in _VALUES))
        if "Definite" in feats:
            parts.append(_VALUES[feats["Definite"]])
        if "Case" in feats:
            parts.append(_VALUES[feats["Case"]])
    line = " · ".join(p for p in parts if p)
    return f"{line} ({case_note})" if case_note else line


def _subject(label: str) -> tuple[str | None, str | None, str | None]:
    """Person, gender and number of a verb affix tag: IV3MS, PVSUFF_SUBJ:3FS, IVSUFF_SUBJ:MP_MOOD:I."""
    body = label.split("SUBJ:", 1)[1] if "SUBJ:" in label else label[2:]
    found = re.match(r"([123])?([MF])?([SDP])?", body)
    if not found:
        return None, None, None
    person, gender, number = found.groups()
    return person, _GENDER.get(gender or ""), _NUMBER.get(number or "")


def _broken_plural(reading: Analysis) -> bool:
    """A broken plural: Buckwalter lists it as a stem of its own whose English is plural (وزراء
    "ministers" under وَزِير)."""
    if reading.entry is None:
        return False
    lemma_id, voc, gloss = reading.entry
    core = re.sub(r"(?:-[a-z]*)?_\d+$", "", lemma_id.strip())
    first = gloss.split(";")[0].strip().split(" ")[-1] if gloss else ""
    return voc != core and first.endswith("s") and not first.endswith(("ss", "us", "is", "ics"))
