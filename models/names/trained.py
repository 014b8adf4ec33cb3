"""The trained recogniser: a tagger (the CRF, the BiLSTM-CRF or a transformers model) turned into
entities and merged with the gazetteer's (see `models.names.recognizer`). Apart from the loading, as
it is what the training and benchmark scripts build directly.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, cast

from models.document import Entity, EntityLabel, Token
from models.lexicon.lexicon import Lexicon, get_lexicon
from models.names.bio import chunks, entity_tags
from models.names.consistency import consistent_tags
from models.names.crf import MODEL_PATH, CrfTagger, gazetteer_word_labels, person_names
from models.names.gazetteer import STOPWORDS, Gazetteer, load, person_word_spellings
from models.names.gazetteer_recognizer import GazetteerRecognizer
from models.names.lists import cue, load_lists
from models.names.spans import _FUNCTION_WORDS, _splits, _without_common_words, covers_whole_words
from models.names.translit import name_in_english
from models.text.arabic import (
    ARABIC_WORD,
    TANWIN,
    TATWEEL,
    normalize,
    strip_tashkeel,
    tokenize,
)
from models.text.segment import split_sentences

log = logging.getLogger(__name__)

# How the CRF's entities and the gazetteer's are combined; "crf+gaz" is shipped, chosen by
# leave-articles-out cross-validation (see models/data/README.md):
#   crf      the CRF's spans and labels only (the gazetteer is a feature, and names the entities);
#   crf+gaz  the CRF's entities, plus each gazetteer entity that overlaps none of them;
#   gaz+crf  the gazetteer's entities, plus each CRF entity that overlaps none of them;
#   gaz      the gazetteer alone (v1);
#   crf+curated  the tagger's entities, plus each hand-checked names.tsv entity (ministries, NATO, the UN)
#            that overlaps none of them: shipped with the BiLSTM tagger (models/data/README.md).
MERGES = ("crf", "crf+gaz", "gaz+crf", "gaz", "crf+curated")
DEFAULT_MERGE = "crf+gaz"
SHIPPED_MERGE = "crf+curated"  # with the shipped BiLSTM tagger
# When the CRF and the gazetteer find the very same words, the CRF's label stands (it reads the context:
# ريال مدريد's مدريد, a country's team), except for the hand-checked names.tsv rows (الناتو is ORG).
# Measured on AQMAR: the same F1 as the CRF's label everywhere; the gazetteer's label everywhere is worse.
LABEL_FROM_GAZETTEER = "curated"  # or "all", "none"
PROPAGATE_SHARE = 0.5
_NON_WORD = frozenset({"punct", "other"})


@dataclass(frozen=True)
class _Document:
    """What the document pass learnt about one text (see `TrainedRecognizer._document`)."""

    names: frozenset[str]  # words of people's full names
    sentences: dict[tuple[int, int, int], tuple[list[Entity], list[str]]]  # span key → (gazetteer, tags)
    # a word of exactly one person's full name → that name's glossary key and English (جولي → ميلاني جولي)
    people: dict[str, tuple[str | None, str | None]]


def _span_key(tokens: list[Token]) -> tuple[int, int, int]:
    return tokens[0].start, tokens[-1].end, len(tokens)


class Tagger(Protocol):
    """Anything that tags a sentence's tokens with BIO labels: the CRF, or a transformer model."""

    def tag(self, tokens: list[Token], gaz_tags: list[str] | None = None) -> list[str]: ...


class TrainedRecognizer:
    """A trained tagger (the CRF of `models.names.crf` by default) merged with the gazetteer.

    Same interface as the gazetteer's. `tagger` replaces the CRF, e.g. with a transformers model
    (`models.names.transformer`); spans, proclitics, names and the merge are handled the same way.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        model_path: Path | str | None = None,
        merge: str = DEFAULT_MERGE,
        propagate: bool = True,
        tagger: Tagger | None = None,
        consistent: bool = True,
    ) -> None:
        if merge not in MERGES:
            raise ValueError(f"merge must be one of {MERGES}, not {merge!r}")
        self.gazetteer = gazetteer if gazetteer is not None else load()
        self.gazetteer_recognizer = GazetteerRecognizer(self.gazetteer)
        if tagger is None:
            tagger = CrfTagger(self.gazetteer, model_path or MODEL_PATH, shared_lexicon())
        self.tagger = tagger
        self.merge = merge
        self.propagate = propagate
        self.consistent = consistent  # one name, one type across the text (models.names.consistency)
        self.person_names = person_names()
        self._listed_spellings = person_word_spellings(self.gazetteer)
        self.note: str | None = None  # a reader-facing remark on how the recogniser was chosen
        # text → the words of its people's names and its tagged sentences, for the last few texts
        self._documents: OrderedDict[str, _Document] = OrderedDict()
        self._documents_lock = threading.Lock()
        # Words that are names on their own or inside listed names: evidence for peeling a proclitic.
        self._name_words = (
            set(self.gazetteer.lengths) | set(gazetteer_word_labels(self.gazetteer)) | set(self.person_names)
        )

    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]:
        """Entities of one sentence; `tokens` carry absolute offsets into `text`, in order."""
        out = []
        for e in self._entities(text, tokens):
            trimmed = _without_common_words(text, e.start, e.end)
            if trimmed is None:
                continue
            if trimmed != (e.start, e.end):
                e = self._entity(text, trimmed[0], trimmed[1], e.label)
            words = ARABIC_WORD.findall(normalize(e.text))
            # a name headed by وزارة، هيئة، شركة … is an organisation, by المحيط، بحر، جزيرة … a place,
            # whatever the tagger said: وزارة الصحة is never a person
            head = cue(words[0]) if words and e.label == "PER" else None
            if head is not None:
                e = replace(e, label=cast(EntityLabel, head))
            out.append(e)
        return out

    def _entities(self, text: str, tokens: list[Token]) -> list[Entity]:
        if not tokens:
            return []
        document = self._document(text) if self.merge != "gaz" else None
        tagged = document.sentences.get(_span_key(tokens)) if document is not None else None
        if tagged is not None:  # this very sentence was tagged in the document pass
            # copies: the caller owns what it gets back and may change it
            gaz_entities, tags = [replace(e) for e in tagged[0]], list(tagged[1])
        else:
            gaz_entities = self.gazetteer_recognizer.recognize(text, tokens)
            if self.merge == "gaz":
                return gaz_entities
            tags = self.tagger.tag(tokens, entity_tags(tokens, gaz_entities))
        if document is not None and self.propagate:
            tags = self._propagate(tokens, tags, document.names)
        crf_entities = self._from_tags(text, tokens, tags, gaz_entities)
        if self.merge == "crf":
            return self._same_people(
                [e for e in crf_entities if covers_whole_words(text, e.start, e.end)], document
            )
        if self.merge == "crf+curated":
            merged = list(crf_entities)
            for g in gaz_entities:
                entry = self.gazetteer.by_key(g.key or "")
                if entry is None or entry.source != "curated":
                    continue
                # A hand-checked name of several words that holds the tagger's shorter spans is the
                # better span: المحيطين الهندي والهادئ (the Indo-Pacific) over its first two words.
                inside = [c for c in merged if g.start <= c.start and c.end <= g.end]
                if (
                    inside
                    and " " in g.text.strip()
                    and all(c.end - c.start < g.end - g.start for c in inside)
                ):
                    merged = [c for c in merged if c not in inside]
                if not any(o.start < g.end and g.start < o.end for o in merged):
                    merged.append(self._with_nisba(text, tokens, g, merged))
            return self._same_people(
                sorted(
                    (e for e in merged if covers_whole_words(text, e.start, e.end)), key=lambda e: e.start
                ),
                document,
            )
        first, second = (
            (crf_entities, gaz_entities) if self.merge == "crf+gaz" else (gaz_entities, crf_entities)
        )
        if self.merge == "crf+gaz":
            # A listed name of several words that contains what the CRF found is the better span:
            # حلف شمال الأطلسي over the CRF's شمال الأطلسي, تيمور - ليشتي over تيمور.
            for g in gaz_entities:
                inside = [c for c in first if g.start <= c.start and c.end <= g.end]
                if (
                    inside
                    and " " in g.text.strip()
                    and all(c.end - c.start < g.end - g.start for c in inside)
                ):
                    first = [c for c in first if c not in inside] + [g]
        merged = list(first)
        for e in second:
            if not any(o.start < e.end and e.start < o.end for o in first):
                merged.append(e)
        return self._same_people(
            sorted((e for e in merged if covers_whole_words(text, e.start, e.end)), key=lambda e: e.start),
            document,
        )

    def _with_nisba(self, text: str, tokens: list[Token], entity: Entity, taken: list[Entity]) -> Entity:
        """A listed organisation followed by a nationality adjective takes it in: وزارة الخارجية اليابانية
        (the featurizer's `nat`: an adjective of a listed place), when nothing else claims the word."""
        featurizer = getattr(self.tagger, "featurizer", None)
        if entity.label != "ORG" or featurizer is None:
            return entity
        after = next((t for t in tokens if t.start >= entity.end), None)
        if (
            after is None
            or after.kind != "arabic"
            or text[entity.end : after.start].strip()
            or "nat" not in featurizer.word(after.text, after.kind)
            or any(o.start < after.end and after.start < o.end for o in taken)
        ):
            return entity
        return replace(entity, end=after.end, text=text[entity.start : after.end])

    def _same_people(self, entities: list[Entity], document: _Document | None) -> list[Entity]:
        """A person named again by one word of their full name (وقالت جولي after ميلاني جولي) is the same
        glossary entry, with the full name's English; unless the name lists know the word on its own."""
        if document is None or not document.people:
            return entities
        out = []
        for e in entities:
            words = ARABIC_WORD.findall(normalize(e.text))
            person = document.people.get(words[0]) if e.label == "PER" and len(words) == 1 else None
            if person is not None and self.gazetteer.lookup(words[0]) is None:
                e = replace(e, key=person[0], english=person[1])
            out.append(e)
        return out

    def _document(self, text: str) -> _Document:
        """Tag every sentence of `text` at once, and collect the words of its people's full names.

        The pipeline calls `recognize` sentence by sentence with the whole document as `text`. The
        document is tagged once: the CRF's document stage reads what its first stage said about the same
        words in the other sentences (`models.names.crf.document_features`). Then a person introduced in full
        (ميلاني جولي، فوميو كيشيدا) and later named by one word where the context says less (وقالت جولي)
        has those words tagged PER too (`_propagate`, when `propagate`), if the tagger tagged at least
        half of their occurrences (`PROPAGATE_SHARE`), so one stray tag does not spread. Computed once per
        text (about 20 ms for the sample article) and kept for the last few texts, with each sentence's
        gazetteer entities and tags, which `recognize` then reuses for the same sentence.
        """
        with self._documents_lock:
            document = self._documents.get(text)
            if document is not None:
                self._documents.move_to_end(text)
                return document
        tagged: Counter[str] = Counter()
        seen: Counter[str] = Counter()  # occurrences of each form, tagged or not
        sentences: dict[tuple[int, int, int], tuple[list[Entity], list[str]]] = {}
        people: dict[str, set[tuple[str | None, str | None]]] = {}  # full-name word → (key, English)
        found = []  # (tokens, the gazetteer's entities) per sentence
        for s_start, s_end in split_sentences(text):
            toks = tokenize(text, s_start, s_end)
            if toks:
                found.append((toks, self.gazetteer_recognizer.recognize(text, toks)))
        inputs = [(toks, entity_tags(toks, gaz_entities)) for toks, gaz_entities in found]
        tag_document = getattr(self.tagger, "tag_document", None)  # the CRF reads the whole document
        tagged_all = tag_document(inputs) if tag_document else [self.tagger.tag(*i) for i in inputs]
        if self.consistent:
            tagged_all = consistent_tags([toks for toks, _ in found], tagged_all)
        for (toks, gaz_entities), tags in zip(found, tagged_all, strict=True):
            for t in toks:
                if t.kind == "arabic":
                    seen.update({normalize(rest) for _, rest, dropped in _splits(t.text) if not dropped})
            sentences[_span_key(toks)] = (gaz_entities, tags)
            for e in self._from_tags(text, toks, tags, gaz_entities):
                words = ARABIC_WORD.findall(normalize(e.text))
                if e.label == "PER" and len(words) >= 2:
                    for w in words:
                        if len(w) >= 3 and w not in STOPWORDS:
                            people.setdefault(w, set()).add((e.key, e.english))
            for a, b, label in chunks(tags):
                if label != "PER" or b - a < 2:
                    continue
                for j in range(a, b):
                    t = toks[j]
                    if t.kind == "arabic" and not TANWIN.search(t.text):
                        form = normalize(t.text[self._start_offset(t, set()) if j == a else 0 :])
                        if len(form) >= 3 and form not in STOPWORDS:
                            tagged[form] += 1
        names = frozenset(form for form, n in tagged.items() if n >= PROPAGATE_SHARE * seen[form])
        one_person = {w: next(iter(found)) for w, found in people.items() if len(found) == 1}
        document = _Document(names, sentences, one_person)
        with self._documents_lock:
            self._documents[text] = document
            while len(self._documents) > 8:
                self._documents.popitem(last=False)
        return document

    @staticmethod
    def _propagate(tokens: list[Token], tags: list[str], names: frozenset[str]) -> list[str]:
        """Tag PER the untagged words that are words of a person's name elsewhere in the document."""
        if not names:
            return tags
        tags = list(tags)
        for i, t in enumerate(tokens):
            if tags[i] != "O" or t.kind != "arabic" or TANWIN.search(t.text):
                continue
            if any(normalize(rest) in names for _, rest, dropped in _splits(t.text) if not dropped):
                tags[i] = "I-PER" if i and tags[i - 1][2:] == "PER" else "B-PER"
        return tags

    def _from_tags(
        self, text: str, tokens: list[Token], tags: list[str], gaz_entities: list[Entity]
    ) -> list[Entity]:
        norms = {normalize(t.text) for t in tokens if t.kind == "arabic"}
        out = []
        for a, b, tag in sorted(chunks(tags)):
            label = cast(EntityLabel, tag)  # the tagger's tag set is PER/LOC/ORG/MISC
            # A span starts and ends on a name word: not on a stray bracket or comma, nor on a function
            # word the CRF pulled in from its context (على اليابان، مع برشلونة، و أوروبا).
            while a < b and self._edge_word(tokens[a]):
                a += 1
            while b > a and self._edge_word(tokens[b - 1]):
                b -= 1
            if a == b:
                continue
            end = tokens[b - 1].end
            same = [g for g in gaz_entities if tokens[a].start <= g.start < tokens[a].end and g.end == end]
            if same:  # the gazetteer found these very words: its cut, key and English name
                g = same[0]
                entry = self.gazetteer.by_key(g.key or "")
                if LABEL_FROM_GAZETTEER == "all" or (
                    LABEL_FROM_GAZETTEER == "curated" and entry is not None and entry.source == "curated"
                ):
                    label = g.label
                out.append(Entity(g.start, end, label, text[g.start : end], g.key, g.english))
                continue
            start = tokens[a].start + self._start_offset(tokens[a], norms)
            out.append(self._entity(text, start, end, label))
        return out

    @staticmethod
    def _edge_word(token: Token) -> bool:
        """Whether a token may not begin or end a name: punctuation, a function word, a lone letter."""
        if token.kind in _NON_WORD:
            return True
        if token.kind != "arabic":
            return False
        n = normalize(token.text)
        return len(n) < 2 or n in _FUNCTION_WORDS

    def _start_offset(self, token: Token, sentence_words: set[str]) -> int:
        """Characters of proclitics to leave out of a span that starts with `token`.

        The corpus tags words with their clitics (والأرمن), but a name can begin with the same letters
        (وليام، بولندا، لندن، كندا، فرنسا), so a proclitic is peeled only with evidence that the remainder
        is the name: it is a listed name or a word of one, it stands on its own elsewhere in the
        sentence, or it starts with the article and is long enough to be a word (بالقاهرة → القاهرة).
        The article itself is never peeled: the span keeps الأرمن whole.
        """
        if token.kind != "arabic":
            return 0
        whole = normalize(token.text)
        if whole in self._name_words:
            return 0
        best = 0
        for offset, rest, article_dropped in _splits(token.text)[1:]:
            if article_dropped or offset <= best:
                continue
            r = normalize(rest)
            if r in self._name_words or r in sentence_words or (r.startswith("ال") and len(r) >= 5):
                best = offset
        return best

    def _entity(self, text: str, start: int, end: int, label: EntityLabel) -> Entity:
        """An entity the gazetteer did not find here: named by the gazetteer if it lists the words."""
        span = text[start:end]
        words = ARABIC_WORD.findall(normalize(span))
        entry = self.gazetteer.lookup(" ".join(words)) if words else None
        if entry is not None:
            return Entity(start, end, label, span, entry.key, entry.english)
        canonical = " ".join(strip_tashkeel(span).replace(TATWEEL, "").split())
        lists = load_lists()
        english = lists.english(" ".join(words)) if lists is not None and words else None
        key = "name:" + normalize(canonical)
        return Entity(start, end, label, span, key, english or self._english(canonical))

    def _english(self, name: str) -> str | None:
        """A readable English form: each word's spelling in the listed people's names (جورج → George), or
        in the typed name lists (ميلاني → Melanie, جولي → Jolie), or in the personal-name list, else its
        transliteration (يوشيماسا → Yushimasa when no list has it)."""
        names, listed, lists = self.person_names, self._listed_spellings, load_lists()
        words = []
        for w in ARABIC_WORD.findall(name):
            n = normalize(w)
            spelling, count = listed.get(n, (None, 0))
            # a spelling several listed people share (جورج → George) beats the lists' most frequent one,
            # which beats the personal-name list's pick among variants (جولي → Giuly) and one listed
            # person's (ابراهيم → Ebrahim)
            from_lists = lists.spelling(n) if lists is not None and n not in STOPWORDS else None
            words.append(
                (spelling if count >= 2 else None)
                or from_lists
                or names.get(n)
                or spelling
                or name_in_english(w)
            )
        return " ".join(w for w in words if w) or None


def shared_lexicon() -> Lexicon | None:
    """The app's word lexicon (its features help the CRF), or None when it cannot be loaded."""
    try:
        return get_lexicon()
    except Exception as exc:  # noqa: BLE001 - the recogniser works without it, less well
        log.warning("Word lexicon unavailable for entity recognition (%s)", exc)
        return None
