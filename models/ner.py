"""The trained named-entity tagger: a linear-chain CRF over word features, gazetteer features included.

Why a CRF (see models/data/README.md, "Named-entity model"): the annotated data is small (20 AQMAR
articles, about 52,000 tokens), so a feature-rich linear model generalises better than anything that has
to learn its own representations, and it runs in well under a millisecond per sentence on one CPU core;
the model file is a few hundred kilobytes. The features carry what the data alone cannot: the offline
gazetteer (whole-name matches with their label, and words that occur inside listed names), clitic-peeled
forms of each word (والأرمن also fires the features of الأرمن and أرمن) and word shape.

Labels are BIO tags over the tokens of `models.arabic.iter_tokens`, types PER, LOC, ORG, MISC.
`CrfTagger.tag(text, tokens, gazetteer_entities)` returns one tag per token; `models.entities` turns tags
into entities and merges them with the gazetteer's.

The model file is trained by `python -m models.ner_train` from the AQMAR corpus, so it is a derived work
of that corpus: CC BY-SA 3.0, with the attribution in models/data/README.md.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from models.arabic import normalize, proclitic_splits
from models.document import Entity, Token
from models.gazetteer import Gazetteer

if TYPE_CHECKING:
    from models.lexicon import Lexicon

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA_DIR / "ner.crfsuite"
# Arabic spellings of personal names (given names and surnames, Arab and foreign), from arabnamer's
# dictionary (CC BY 4.0): `python -m models.ner_train --build-person-names dict_FINAL.json`.
PERSON_NAMES_PATH = DATA_DIR / "person_names.tsv"

_TANWIN = re.compile("[\u064b-\u064d]")
_DIGIT = re.compile(r"\d")
# Nationality and relation adjectives: اليابانية, الكندي, الأمريكيون (normalised: ة is ه).
_ADJ_SUFFIXES = ("يون", "يين", "يات", "يه", "ي")
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
        if _TANWIN.search(text):
            f.append("tan")  # indefinite: almost never a name
        f += [f"p2={n[:2]}", f"p3={n[:3]}", f"s1={n[-1:]}", f"s2={n[-2:]}", f"s3={n[-3:]}", f"s4={n[-4:]}"]
        # Transliterated foreign names spell their vowels (فيرمي، شرودنجر); Arabic words mostly do not.
        vowels = sum(1 for c in n if c in "اوي")
        f.append(f"vd={min(4, 10 * vowels // max(1, len(n)) // 2)}")
        splits = proclitic_splits(n)
        core = min((rest for _, rest in splits), key=len)  # everything peeled, the article too
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
        for suffix in _ADJ_SUFFIXES:
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


def entity_tags(tokens: Sequence[Token], entities: Sequence[Entity]) -> list[str]:
    """BIO tags over `tokens` for entities given by character offsets (an entity owns whole tokens)."""
    tags = ["O"] * len(tokens)
    for e in entities:
        inside = [i for i, t in enumerate(tokens) if t.start < e.end and e.start < t.end]
        if not inside:
            continue
        tags[inside[0]] = f"B-{e.label}"
        for i in inside[1:]:
            tags[i] = f"I-{e.label}"
    return tags


class CrfTagger:
    """A trained CRF model file and the featurizer it was trained with."""

    def __init__(
        self, gazetteer: Gazetteer, path: Path | str = MODEL_PATH, lexicon: Lexicon | None = None
    ) -> None:
        import pycrfsuite  # imported here: only the trained recogniser needs it

        self.featurizer = Featurizer(gazetteer, lexicon)
        self.path = Path(path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.path))
        self.labels = list(self._tagger.labels())
        self.o_weight = 1.0
        self._lock = threading.Lock()  # a crfsuite tagger holds the current sequence: one caller at a time

    def tag(self, tokens: Sequence[Token], gaz_tags: Sequence[str] | None = None) -> list[str]:
        """One BIO tag per token: Viterbi, or recall-leaning posterior decoding when `o_weight` < 1."""
        if not tokens:
            return []
        features = self.featurizer.sentence(tokens, gaz_tags)
        with self._lock:
            tags = list(self._tagger.tag(features))
            if self.o_weight >= 1.0:
                return tags
            marginal = self._tagger.marginal
            out = []
            for t in range(len(tags)):
                scores = {y: marginal(y, t) * (self.o_weight if y == "O" else 1.0) for y in self.labels}
                out.append(max(scores, key=scores.__getitem__))
        # posterior tags may break BIO: an I- that continues nothing of its type starts an entity
        for t, y in enumerate(out):
            if y.startswith("I-") and (t == 0 or out[t - 1][2:] != y[2:]):
                out[t] = "B-" + y[2:]
        return out
