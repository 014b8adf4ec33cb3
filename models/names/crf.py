"""The trained named-entity tagger: a linear-chain CRF over word features, gazetteer features included.

Why a CRF (see models/data/README.md, "Named-entity model"): the annotated data is small (20 AQMAR
articles, about 52,000 tokens), so a feature-rich linear model generalises better than anything that has
to learn its own representations, and it runs in well under a millisecond per sentence on one CPU core;
the model file is a few hundred kilobytes. The features carry what the data alone cannot: the offline
gazetteer (whole-name matches with their label, and words that occur inside listed names), clitic-peeled
forms of each word (والأرمن also fires the features of الأرمن and أرمن) and word shape.

Labels are BIO tags over the tokens of `models.text.arabic.iter_tokens`, types PER, LOC, ORG, MISC.
Two stages: the CRF tags each sentence alone; a second CRF (`ner-doc.crfsuite`) tags it again with what
the first said about the same words elsewhere in the document (`document_features`).
`CrfTagger.tag_document(sentences)` returns one tag per token; `models.names.recognizer` turns tags into entities
and merges them with the gazetteer's.

The model file is trained by `python -m models.build.train_ner` from the AQMAR corpus, so it is a derived work
of that corpus: CC BY-SA 3.0, with the attribution in models/data/README.md.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.document import Token
from models.names.gazetteer import Gazetteer
from models.settings import SHIPPED_DATA
from models.text.arabic import NISBA_SUFFIXES, TANWIN, normalize, proclitic_splits

if TYPE_CHECKING:
    from models.lexicon.lexicon import Lexicon

DATA_DIR = SHIPPED_DATA
MODEL_PATH = DATA_DIR / "ner.crfsuite"
# Arabic spellings of personal names (given names and surnames, Arab and foreign), from arabnamer's
# dictionary (CC BY 4.0): `python -m models.build.train_ner --build-person-names dict_FINAL.json`.
PERSON_NAMES_PATH = DATA_DIR / "person_names.tsv"

_DIGIT = re.compile(r"\d")
_CONTEXT = (-2, -1, 1, 2)
# The neighbour features worth copying into a word's feature set (prefix of the feature name).
_CONTEXT_KEYS = ("w=", "c=", "g1=", "gt=", "s2=", "k=", "nat", "al", "lx0", "lxP", "lxp=PROPN", "pn")


def gazetteer_word_labels(gaz: Gazetteer) -> dict[str, frozenset[str]]:
    """Each normalised word that occurs inside a listed multi-word name → the labels of those names.

    "إسحاق نيوتن" makes إسحاق and نيوتن PER words: a first name listed once helps find every person
    who bears it, which whole-name look-up cannot.
    """
    out: dict[str, set[str]] = {}
    for form, name in gaz.names.items():
        words = form.split(" ")
        if len(words) < 2 or name.alias:
            continue
        for w in words:
            if len(w) >= 3:
                out.setdefault(w, set()).add(name.label)
    return {w: frozenset(s) for w, s in out.items()}


def load_person_names(path: Path = PERSON_NAMES_PATH) -> dict[str, str]:
    """Normalised Arabic personal-name word → an English spelling (models/data/person_names.tsv)."""
    names: dict[str, str] = {}
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#") and "\t" in line:
                    arabic, english = line.rstrip("\n").split("\t")[:2]
                    names[arabic] = english
    return names


_person_names: dict[str, str] | None = None


def person_names() -> dict[str, str]:
    """The shipped personal-name list, read once (about 20 ms)."""
    global _person_names
    if _person_names is None:
        _person_names = load_person_names()
    return _person_names


def _core(splits: Sequence[tuple[int, str]]) -> str:
    """The shortest remainder of a word's proclitic splits: everything peeled, the article too."""
    return min((rest for _, rest in splits), key=len)


class Featurizer:
    """Turns the tokens of one sentence into CRF feature lists; word-level features are cached."""

    def __init__(
        self, gazetteer: Gazetteer, lexicon: Lexicon | None = None, names: dict[str, str] | None = None
    ) -> None:
        self.gazetteer = gazetteer
        # Without Buckwalter data every word would look unknown ("lx0"): then no lexicon features at all.
        self.lexicon = lexicon if lexicon is not None and "buckwalter" in lexicon.sources else None
        self.word_labels = gazetteer_word_labels(gazetteer)
        self.person_words = names if names is not None else person_names()
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}

    def word(self, text: str, kind: str) -> tuple[str, ...]:
        """Features of one token on its own (no context)."""
        key = (text, kind)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._word(text, kind)
            if len(self._cache) < 200_000:  # bound the cache for long sessions
                self._cache[key] = hit
        return hit

    def _word(self, text: str, kind: str) -> tuple[str, ...]:
        n = normalize(text)
        f = [f"w={n}", f"k={kind}"]
        if kind != "arabic":
            if kind == "latin":
                f.append("up" if text[:1].isupper() else "lo")
                f.append(f"lw={text.lower()}")
            elif kind == "number":
                f.append(f"nd={min(len(text), 5)}")
            return tuple(f)
        f.append(f"len={min(len(n), 9)}")
        if TANWIN.search(text):
            f.append("tan")  # indefinite: almost never a name
        f += [f"p2={n[:2]}", f"p3={n[:3]}", f"s1={n[-1:]}", f"s2={n[-2:]}", f"s3={n[-3:]}", f"s4={n[-4:]}"]
        # Transliterated foreign names spell their vowels (فيرمي، شرودنجر); Arabic words mostly do not.
        vowels = sum(1 for c in n if c in "اوي")
        f.append(f"vd={min(4, 10 * vowels // max(1, len(n)) // 2)}")
        splits = proclitic_splits(n)
        core = _core(splits)
        f.append(f"c={core}")
        f += [f"cs2={core[-2:]}", f"cs3={core[-3:]}", f"cp2={core[:2]}"]
        if n.startswith("ال") or any(rest.startswith("ال") and cut for cut, rest in splits):
            f.append("al")
        gaz = self.gazetteer
        labels: set[str] = set()
        for cut, rest in splits:
            if cut:
                f.append(f"r={rest}")
                f.append(f"pc={n[:cut]}")
            entry = gaz.lookup(rest)
            if entry is not None:
                f.append(f"g1={entry.label}" if not cut else f"g1p={entry.label}")
                if not cut:
                    f.append(f"gs={entry.source}")
            labels |= self.word_labels.get(rest, frozenset())
            if rest in self.person_words:
                f.append("pn" if not cut else "pnp")
        f += [f"gt={label}" for label in sorted(labels)]
        for suffix in NISBA_SUFFIXES:
            stem = core[: -len(suffix)] if core.endswith(suffix) else ""
            if len(stem) >= 3:
                base = gaz.lookup(stem) or gaz.lookup(stem + "ا") or gaz.lookup("ال" + stem)
                if base is not None and base.label == "LOC":
                    f.append("nat")  # الياباني, from اليابان: an adjective, not the place
                break
        if self.lexicon is not None:
            f += self._lexicon(text)
        return tuple(f)

    def _lexicon(self, text: str) -> list[str]:
        """Buckwalter's view of the word: unknown (foreign names: يوشيماسا), proper noun, or its POS.

        Only the set of Buckwalter's readings counts: not their order, so the features stay the same when
        the lexicon's ranking is tuned for glosses, and not FreeDict's, which is optional (installed or not,
        the model sees the same features).
        """
        found = self.lexicon.analyze(text) if self.lexicon is not None else []
        analyses = [a for a in found if a.source == "buckwalter"]
        if not analyses:
            return ["lx0"]
        pos = {a.pos for a in analyses}
        f = [f"lxp={p}" for p in sorted(pos)]
        if pos == {"PROPN"}:
            f.append("lxP1")  # only a proper noun
        if not any(not a.prefix for a in analyses):
            f.append("lxpre")  # read only by peeling a prefix: فيرمي as ف + يرمي "and throws"
        return f

    def sentence(self, tokens: Sequence[Token], gaz_tags: Sequence[str] | None = None) -> list[list[str]]:
        """Feature lists for a sentence; `gaz_tags` are the gazetteer's own BIO tags per token."""
        words = [self.word(t.text, t.kind) for t in tokens]
        context = [tuple(x for x in w if x.startswith(_CONTEXT_KEYS)) for w in words]
        norms = [w[0][2:] for w in words]
        last = len(tokens) - 1
        out = []
        for i, own in enumerate(words):
            f = ["bias", *own]
            if gaz_tags is not None and gaz_tags[i] != "O":
                f.append(f"gz={gaz_tags[i]}")
            for d in _CONTEXT:
                j = i + d
                if 0 <= j <= last:
                    f += [f"{d}:{x}" for x in context[j]]
                    if gaz_tags is not None and gaz_tags[j] != "O":
                        f.append(f"{d}:gz={gaz_tags[j]}")
                elif j == -1 or j == last + 1:
                    f.append(f"{d}:edge")
            if i > 0:
                f.append(f"bg-={norms[i - 1]}|{norms[i]}")
            if i < last:
                f.append(f"bg+={norms[i]}|{norms[i + 1]}")
            out.append(f)
        return out


# The document stage (see `document_features`): the types whose first-stage probabilities it reads.
DOCUMENT_TYPES = ("PER", "LOC", "ORG", "MISC")


def document_model_path(path: Path | str) -> Path:
    """Where the document-stage model of a CRF model file lives: ner.crfsuite → ner-doc.crfsuite."""
    path = Path(path)
    return path.with_name(f"{path.stem}-doc{path.suffix}")


def word_forms(tokens: Sequence[Token]) -> list[tuple[str, str]]:
    """Each token's normalised form and its core (every proclitic and the article peeled off)."""
    out = []
    for t in tokens:
        n = normalize(t.text)
        core = _core(proclitic_splits(n)) if t.kind == "arabic" else n
        out.append((n, core))
    return out


FirstPass = tuple[list[str], list[dict[str, float]]]  # a sentence's tags, and P(type) per token


def first_pass(tagger: Any, features: list[list[str]]) -> FirstPass:
    """Viterbi tags of one sentence and, per token, the probability of each entity type (B- plus I-);
    `tagger` is an open pycrfsuite.Tagger."""
    tagger.set(features)
    tags = list(tagger.tag())
    labels = set(tagger.labels())
    marginal = tagger.marginal
    probs = [
        {
            kind: sum(marginal(f"{bi}-{kind}", t) for bi in "BI" if f"{bi}-{kind}" in labels)
            for kind in DOCUMENT_TYPES
        }
        for t in range(len(features))
    ]
    return tags, probs


def _band(p: float) -> str | None:
    return "hi" if p >= 0.5 else "mid" if p >= 0.2 else None


def document_features(
    forms: Sequence[Sequence[tuple[str, str]]], first: Sequence[FirstPass]
) -> list[list[list[str]]]:
    """Features a word gets from the rest of its document, for the second (document) stage.

    Names recur: a Wikipedia article or a news story names its people and places many times, in contexts
    of varying help (راؤول غونزاليس once, راؤول alone a dozen times). The first-stage CRF tags each
    sentence on its own; this adds, for each word, what that stage thought of the same form (normalised
    word, and its core without clitics) in the document's other sentences (the highest and the mean
    probability of each type, banded), how often the form occurs, and the first stage's own tag for the
    word (stacking, as in Krishnan and Manning 2006). Training reads these from first-stage models that
    did not see the article (`models.build.train_ner`), as at run time.
    """
    # Per form: per sentence, its occurrences, and the sum and the maximum of each type's probability;
    # then per form, the totals and each type's two highest sentence maxima (from different sentences),
    # so that "the other sentences" costs the same for a form seen twice or 7,000 times.
    per_sentence: dict[str, dict[int, tuple[int, list[float], list[float]]]] = {}
    for s, (sentence_forms, (_, probs)) in enumerate(zip(forms, first, strict=True)):
        for (n, core), p in zip(sentence_forms, probs, strict=True):
            values = [p[kind] for kind in DOCUMENT_TYPES]
            for key in {n, core}:
                if len(key) >= 3:
                    here = per_sentence.setdefault(key, {})
                    count, sums, maxima = here.get(s, (0, [0.0] * len(values), [0.0] * len(values)))
                    here[s] = (
                        count + 1,
                        [a + v for a, v in zip(sums, values, strict=True)],
                        [max(a, v) for a, v in zip(maxima, values, strict=True)],
                    )
    stats = {key: _form_stats(sentences) for key, sentences in per_sentence.items()}
    out = []
    for s, (sentence_forms, (tags, _)) in enumerate(zip(forms, first, strict=True)):
        rows = []
        for t, (n, core) in enumerate(sentence_forms):
            f = [f"p1={tags[t]}"]  # (the neighbours' first-stage tags too: no better, measured)
            for key, name in ((n, "n"), (core, "c")):
                if key not in stats:
                    continue
                total, sums, top = stats[key]
                own_count, own_sums, _ = per_sentence[key][s]
                f.append(f"d{name}n={min(total, 5)}")
                others = total - own_count
                if not others:
                    continue
                for i, kind in enumerate(DOCUMENT_TYPES):
                    (best, where), (second, _) = top[i]
                    if band := _band(best if where != s else second):
                        f.append(f"d{name}max={kind}:{band}")
                    if band := _band((sums[i] - own_sums[i]) / others):
                        f.append(f"d{name}mean={kind}:{band}")
            rows.append(f)
        out.append(rows)
    return out


def _form_stats(
    sentences: dict[int, tuple[int, list[float], list[float]]],
) -> tuple[int, list[float], list[tuple[tuple[float, int], tuple[float, int]]]]:
    """Occurrences, sums per type, and per type the two highest sentence maxima with their sentence."""
    total = sum(count for count, _, _ in sentences.values())
    sums = [sum(v[1][i] for v in sentences.values()) for i in range(len(DOCUMENT_TYPES))]
    top = []
    for i in range(len(DOCUMENT_TYPES)):
        best, second = (0.0, -1), (0.0, -1)
        for s, (_, _, maxima) in sentences.items():
            if maxima[i] > best[0]:
                best, second = (maxima[i], s), best
            elif maxima[i] > second[0]:
                second = (maxima[i], s)
        top.append((best, second))
    return total, sums, top


class CrfTagger:
    """A trained CRF model file (and its document stage, when there is one) and the featurizer."""

    def __init__(
        self, gazetteer: Gazetteer, path: Path | str = MODEL_PATH, lexicon: Lexicon | None = None
    ) -> None:
        import pycrfsuite  # imported here: only the trained recogniser needs it

        self.featurizer = Featurizer(gazetteer, lexicon)
        self.path = Path(path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.path))
        self.labels = list(self._tagger.labels())
        doc_path = document_model_path(self.path)
        self._doc_tagger = None
        if doc_path.is_file():
            self._doc_tagger = pycrfsuite.Tagger()
            self._doc_tagger.open(str(doc_path))
        self._lock = threading.Lock()  # a crfsuite tagger holds the current sequence: one caller at a time

    @property
    def stages(self) -> int:
        """2 when the document stage is there, else 1."""
        return 1 if self._doc_tagger is None else 2

    def tag(self, tokens: Sequence[Token], gaz_tags: Sequence[str] | None = None) -> list[str]:
        """One BIO tag per token of a sentence read on its own (a document of one sentence)."""
        return self.tag_document([(tokens, gaz_tags)])[0]

    def tag_document(
        self, sentences: Sequence[tuple[Sequence[Token], Sequence[str] | None]]
    ) -> list[list[str]]:
        """BIO tags for every sentence of a document: (tokens, the gazetteer's own BIO tags) each.

        Features are built again for the second stage rather than kept: a long text's would fill memory,
        and the featurizer's word cache makes the second build cheap.
        """
        featurize = self.featurizer.sentence
        with self._lock:
            if self._doc_tagger is None:
                return [list(self._tagger.tag(featurize(t, g))) if t else [] for t, g in sentences]
            first = [first_pass(self._tagger, featurize(t, g)) if t else ([], []) for t, g in sentences]
            extra = document_features([word_forms(tokens) for tokens, _ in sentences], first)
            return [
                list(self._doc_tagger.tag([a + b for a, b in zip(featurize(t, g), e, strict=True)]))
                if t
                else []
                for (t, g), e in zip(sentences, extra, strict=True)
            ]
