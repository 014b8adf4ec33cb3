"""Roots by pattern (wazn): the radicals left when a lemma is read as one of Arabic's derivation
patterns (اجتماع as افتعال: جمع), kept only where arramooz attests the root by a verb or a derived noun.

qalsadi 0.5.1 knows few masdars and participles (حصول, وضوح, تعزيز, رئاسة: no root), yet their
patterns are regular. A pattern is written with the digits 1–4 for the radicals; a lemma matches where
its letters (voweled lemma, shadda written as a doubled letter, hamzas as ء) are the pattern's letters
with one letter in each radical slot, the same letter in a slot used twice (مفعّل: 1223). A weak
radical shows as ا, و, ي or ء in its slot (فائز: فوز, معاناة: عنو, إيجاد: وجد), so those letters are
tried as و, ي and ء too.

The roots that count as attested are those of arramooz's verbs and of its derived nouns (masdars,
participles, nisbas: not `جامد`, where arramooz files a loanword under its own letters, فيلم: فلم).
Buckwalter's dictStems, Qari's lexicon, files its lemmas under root headers (`;--- HSl`); a sort order
more than a root list (loanwords under their own letters, some lemmas under a neighbour's header), it
confirms a pattern's root and never gives one alone (`by_pattern`). Over the 9,153 lemmas whose one
header is an attested root and that a derived pattern fits, the pattern's root is the header's for
84 %; the others read in a sample of 50 were mostly the header's noise (ائتلاف under ءلب), a few the
pattern's (استقاد read as VIII of سقد), and و/ي doubts (تمنّى: مني or منو).
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from models.lexicon.buckwalter import _data_dir, _lemma_core, _read_lines, buckwalter_to_arabic
from models.text.arabic import strip_tashkeel

ROOT_LETTERS = frozenset("ءابتثجحخدذرزسشصضطظعغفقكلمنهوي")
_WEAK_SLOT = {
    "ا": "ويء",
    "و": "وي",
    "ي": "يو",
    "ء": "ءوي",
    "ى": "يو",
}  # a letter in a radical slot → radicals it stands for
_FOLD = str.maketrans({"أ": "ء", "إ": "ء", "ؤ": "ء", "ئ": "ء", "ى": "ي", "ٱ": "ا"})
_SHADDA = "\u0651"

# a first-weak root's و left out: form VIII اتّحاد (وحد), مِفعال ميلاد (ولد)
_ASSIMILATED = ("اتت2ا3", "متت23", "اتت23", "مي2ا3")
_EMPHATIC, _DENTAL = frozenset("صضطظ"), frozenset("دذز")
# Patterns, most specific first (more fixed letters: fewer radicals guessed). Nouns' singular lemmas and
# verbs' perfect third-person forms; a final ة and a nisba ي are stripped before (see `pattern_roots`).
PATTERNS: tuple[str, ...] = (
    # form X, VIII (ت assimilated after a first و, an emphatic or د ذ ز), VII, VI, V; a hollow root's
    # middle radical shows as ا in its slot (استفاد: است123, 2 = ا)
    "است12ا3", "مست123", "است123",
    *_ASSIMILATED,
    "ا1ت2ا3", "م1ت23", "ا1ت23",
    "ا1ط2ا3", "م1ط23", "ا1ط23", "ا1د2ا3", "م1د23", "ا1د23",
    "ان12ا3", "من123", "ان123",
    "ت1ا2ي3", "ت1ا23", "مت1ا23",
    "ت122ي3", "ت1223", "مت1223",
    # form II, III, IV
    "ت12ي3", "م1223", "122ا3", "1223",
    "م1ا23", "1ا2ا3", "1ي2ا3",
    "ء12ا3", "ء123",
    # quadriliterals
    "ت1234", "م1234", "12ا34", "123ا4", "1234",
    # the simple nouns and participles of form I; فَعَلان (سرطان) and تَفْعِلة (تأدية) last, as weak
    "م12و3", "م12ي3", "م12ا3", "م123",
    "12و3", "12ي3", "12ا3", "1ا23", "1و23",
    "123", "122", "123ان", "ت123",
)  # fmt: skip


def letters(lemma: str) -> str:
    """A voweled lemma's letters for pattern matching: shadda as a doubled letter, hamzas as ء, آ as ءا."""
    out: list[str] = []
    for ch in lemma.replace("آ", "ءا").translate(_FOLD):
        if ch == _SHADDA and out:
            out.append(out[-1])
        elif ch in ROOT_LETTERS or ch == "ة":
            out.append(ch)
    return "".join(out)


def _match(pattern: str, word: str) -> list[str] | None:
    """The letters in the pattern's radical slots, in slot order, or None where the word does not fit."""
    if len(pattern) != len(word):
        return None
    slots: dict[str, str] = {}
    for p, ch in zip(pattern, word, strict=True):
        if p.isdigit():
            if slots.setdefault(p, ch) != ch:
                return None
        elif p != ch:
            return None
    return [slots[k] for k in sorted(slots)]


def _assimilates(pattern: str, first: str) -> bool:
    """Form VIII's ت becomes ط after an emphatic (اضطراب) and د after د ذ ز (ازدراء), and only there."""
    if pattern.startswith(("ا1ط", "م1ط")):
        return first in _EMPHATIC
    if pattern.startswith(("ا1د", "م1د")):
        return first in _DENTAL
    if pattern.startswith(("ا1ت", "م1ت")):
        return first not in _EMPHATIC and first not in _DENTAL
    return True


def _variants(radicals: list[str]) -> list[tuple[str, int]]:
    """Every root the slots' letters may stand for, in order of likelihood (the letter as written first,
    then و, ي, ء), with the number of choices made past the first."""
    roots: list[tuple[str, int]] = [("", 0)]
    for ch in radicals:
        options = _WEAK_SLOT.get(ch, ch)
        roots = [(r + o, n + i) for r, n in roots for i, o in enumerate(options)]
    return roots


def pattern_roots(lemma: str) -> list[tuple[str, int]]:
    """The attested roots that `lemma` (voweled: a nisba's ّي and a shadda are read from the marks) yields
    by a pattern, best first, each with the number of the pattern's fixed letters (how much of the word
    the pattern, not the root, explains): fewest weak letters reread first, then the most specific
    pattern. A nisba (…ِيّ, …ِيَّة) is read without its ending."""
    word = letters(lemma).removesuffix("ة")
    bases = [word]
    if word.endswith("يي") and len(word) >= 5:  # a nisba, its ي doubled by the shadda (not قويّ)
        bases = [word[:-2], word]
    attested = attested_roots()
    found: list[tuple[int, int, int, int, str, int]] = []
    for order, base in enumerate(bases):
        for rank, pattern in enumerate(PATTERNS):
            radicals = _match(pattern, base)
            if radicals is None:
                continue
            if not _assimilates(pattern, radicals[0]):
                continue
            if pattern in _ASSIMILATED:
                radicals = ["و", *radicals]
            fixed = len(pattern) - len(set(pattern) & set("1234"))  # a doubled slot counts: مفعّل
            fixed -= 2 * pattern.endswith("ان")  # -ān ends loanwords too (برلمان): weak alone
            fixed += radicals.count("ا")  # a hollow root's ا is the pattern's long vowel (إضافة)
            weak = sum(1 for ch in radicals if ch in "ويء")  # a long vowel read as a radical (ا: see fixed)
            for root, reread in _variants(radicals):
                if root in attested:
                    found.append((order, weak, rank, reread, root, fixed))
    out: list[tuple[str, int]] = []
    for *_key, root, fixed in sorted(found):
        if root not in (r for r, _f in out):
            out.append((root, fixed))
    return out


def by_pattern(lemma: str, confirmed: bool = False) -> str | None:
    """The root of a lemma no dictionary entry gives one, by its pattern, or None. A root is taken where
    Buckwalter files the lemma under it (two sources agree), else where a derived pattern (two fixed
    letters or more: افتعال, مفعّل, تفعيل, not فعول) explains the word, unless Buckwalter files it under
    a loanword's own letters (مليون: mlywn). A nisba needs both: its base may be a foreign name that
    happens to fit a pattern (إيراني, as إفعال: ءرن) or a neighbour's header (آسيوي under ءسو).
    With `confirmed`, only a root Buckwalter files the lemma under."""
    found = pattern_roots(lemma)
    filed = headers().get(lemma, frozenset())
    word = letters(lemma).removesuffix("ة")
    if word.endswith("يي") and len(word) >= 5:
        return next((root for root, fixed in found if fixed >= 2 and root in filed), None)
    for root, _fixed in found:
        if root in filed:
            return root
    if confirmed or any(len(h) > 4 for h in filed):
        return None
    return next((root for root, fixed in found if fixed >= 2), None)


@cache
def headers() -> dict[str, frozenset[str]]:
    """Buckwalter's root header (`;--- ktb`) above each lemma of dictStems, keyed by the lemma as Qari
    shows it (`models.lexicon`'s display form), as roots in Arabic letters (xS: خصص, ftw/y: فتو, فتي).
    A sort order more than a root list (loanwords sit under their own letters, some lemmas under a
    neighbour's header), so it confirms a pattern's root and never gives one alone."""
    folder = _data_dir()
    if folder is None:
        return {}
    out: dict[str, set[str]] = {}
    filed: frozenset[str] = frozenset()
    for line in _read_lines(folder / "dictStems"):
        if line.startswith(";--- "):
            filed = _header_roots(line[5:])
        elif line.startswith(";; ") and filed:
            out.setdefault(buckwalter_to_arabic(_lemma_core(line[3:].strip())), set()).update(filed)
    return {k: frozenset(v) for k, v in out.items()}


def _header_roots(header: str) -> frozenset[str]:
    first = header.split()[0] if header.split() else ""
    stem, _, alternatives = first.partition("/")
    out = set()
    for raw in [stem, *(stem[:-1] + a for a in alternatives.split("/") if a)]:
        root = letters(buckwalter_to_arabic(raw)).replace("ا", "ء")  # a radical alef is a hamza
        if len(root) == 2:
            root += root[-1]  # a doubled root filed under two letters: xS, خصص
        out.add(root)
    return frozenset(out)


@cache
def attested_roots() -> frozenset[str]:
    """The roots of arramooz's verbs and derived nouns, hamzas as ء (empty without arramooz)."""
    path = _dictionary()
    if path is None:
        return frozenset()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT root FROM verbs UNION SELECT root FROM nouns WHERE wordtype NOT LIKE '%جامد%'"
        ).fetchall()
    finally:
        db.close()
    out: set[str] = set()
    for (raw,) in rows:
        for root in str(raw or "").replace("،", ";").split(";"):
            root = "".join(ch for ch in root.translate(_FOLD).replace("آ", "ءا") if ch in ROOT_LETTERS)
            if 3 <= len(root) <= 4:
                out.add(root)
    return frozenset(out)


def dictionary_entries(lemma: str) -> list[tuple[str, str, str]]:
    """(root, type, word) of arramooz's nouns and verbs spelled and voweled as `lemma` (the last letter's
    vowel and sukun aside): its dictionary entries, in qalsadi's type names (Noun:…, Verb), without
    qalsadi's affix analysis. The vowels tell homographs apart (طِبِّيّ: طبب, not طُبْي's طبي)."""
    db = _connection()
    if db is None:
        return []
    plain, key = strip_tashkeel(lemma), _voweled_key(lemma)
    nouns = db.execute(
        "SELECT root, wordtype, vocalized FROM nouns WHERE unvocalized = ?", (plain,)
    ).fetchall()
    verbs = db.execute("SELECT root, vocalized FROM verbs WHERE unvocalized = ?", (plain,)).fetchall()
    return [(str(r or ""), f"Noun:{t or ''}", plain) for r, t, v in nouns if _voweled_key(v) == key] + [
        (str(r or ""), "Verb", plain) for r, v in verbs if _voweled_key(v) == key
    ]


def _voweled_key(word: str) -> tuple[tuple[str, str], ...]:
    """A voweled word's letters with their marks (sorted, sukun dropped), the last letter's aside."""
    out: list[tuple[str, str]] = []
    for ch in (word or "").translate(_FOLD):
        if ch in ROOT_LETTERS or ch in "ةآ":
            out.append((ch, ""))
        elif out and "\u064b" <= ch <= "\u0651":
            out[-1] = (out[-1][0], "".join(sorted(out[-1][1] + ch)))
    if out:
        out[-1] = (out[-1][0], "\u0651" if "\u0651" in out[-1][1] else "")
    return tuple(out)


@cache
def _connection() -> sqlite3.Connection | None:
    path = _dictionary()
    if path is None:
        return None
    # read-only, for any thread: `Roots` asks one look-up at a time
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def _dictionary() -> Path | None:
    try:
        import arramooz
    except ImportError:
        return None
    path = Path(arramooz.__file__).parent / "data" / "arabicdictionary.sqlite"
    return path if path.exists() else None
