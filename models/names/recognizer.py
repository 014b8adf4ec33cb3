"""Named-entity recognition: a trained CRF merged with an offline gazetteer.

`get_recognizer()` is the entry point: a `TrainedRecognizer` when the shipped model
(`models/data/ner.crfsuite`) and python-crfsuite are there, else the `GazetteerRecognizer` alone.

`GazetteerRecognizer.recognize(text, tokens)` finds the longest listed name starting at each word,
over runs of words separated only by spaces or hyphens. The first word may carry proclitics
(و ف ب ل ك): وكندا yields كندا, والهند yields الهند (the article stays inside the span when the name is
listed with it). Later words must match whole. A span never ends inside a word and never starts inside
a stem: اليابانية is not اليابان, because only whole remainders of `proclitic_splits` are looked up.

`TrainedRecognizer` tags the tokens with the CRF of `models.names.crf` (which sees the gazetteer's matches as
features), turns the tags into spans of whole tokens, peels the first token's proclitics off when
there is evidence for the cut (see `_start_offset`), and merges the gazetteer's entities in (`MERGES`).
Every entity gets the gazetteer's key and English name when the gazetteer knows the name; otherwise the
key is "name:" + the normalised span and the English name a readable transliteration.

    from models.names.recognizer import get_recognizer
    entities = get_recognizer().recognize(text, tokens)  # tokens with absolute offsets into text
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from models import registry
from models.document import Entity, EntityLabel, Token
from models.lexicon.lexicon import Lexicon, get_lexicon
from models.names.bilstm import MODEL_DIR as BILSTM_DIR
from models.names.bilstm import BiLstmTagger
from models.names.bio import chunks, entity_tags
from models.names.consistency import consistent_tags
from models.names.crf import MODEL_PATH, CrfTagger, gazetteer_word_labels, person_names
from models.names.gazetteer import STOPWORDS, Gazetteer, Name, load, person_word_spellings
from models.names.transformer import load_tagger
from models.names.translit import name_in_english
from models.settings import entity_model
from models.text.arabic import (
    ARABIC_WORD,
    LETTER_CHARS,
    TANWIN,
    TATWEEL,
    normalize,
    proclitic_splits,
    strip_tashkeel,
    tokenize,
)
from models.text.segment import split_sentences

log = logging.getLogger(__name__)

# What may stand between two words of one name: spaces and hyphens (تيمور - ليشتي).
_JOIN = re.compile(r"[\s\-\u2010-\u2015]*")
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015")
_MIN_PEELED = 5  # letters an ArWikiCats one-word name needs to be matched behind a proclitic


class GazetteerRecognizer:
    """Longest-match look-up of token sequences in the gazetteer table."""

    note: str | None = None  # set when it stands in for the trained recogniser

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else load()

    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]:
        """Entities of one sentence; `tokens` carry absolute offsets into `text`, in order."""
        gaz = self.gazetteer
        # A word with tanwin (رسميًا، دورًا) is indefinite, so it is not a proper name.
        words = [i for i, t in enumerate(tokens) if t.kind == "arabic" and not TANWIN.search(t.text)]
        norms = {i: normalize(tokens[i].text) for i in words}
        follows = self._follows(text, tokens, words)
        entities: list[Entity] = []
        skip_to = -1
        for i in words:
            if i <= skip_to:
                continue  # consumed by a multi-word name
            best: tuple[int, int, int, Name] | None = None  # (word count, start, last token, entry)
            for cut, rest, article_dropped in _splits(tokens[i].text):
                first = normalize(rest)
                lengths = gaz.lengths.get(first)
                if not lengths or article_dropped:
                    # A word whose article was peeled off is never an article-less name: المالي is
                    # "the financial", not مالي (Mali); a listed ال name matches the longer remainder.
                    continue
                for n in lengths:
                    if best is not None and n <= best[0]:
                        break  # keep the longer (or, for a tie, the less-peeled) match
                    chain = [i]
                    while len(chain) < n and chain[-1] in follows:
                        chain.append(follows[chain[-1]])
                    if len(chain) < n:
                        continue
                    entry = gaz.lookup(" ".join([first, *(norms[j] for j in chain[1:])]))
                    if entry is None:
                        continue
                    if cut and n == 1 and entry.source == "arwikicats" and len(first) < _MIN_PEELED:
                        # Short names of the unreviewed lists collide with ordinary words once a
                        # proclitic is peeled off: لغات "languages" is not ل + غات (Ghat, Libya).
                        continue
                    best = (n, tokens[i].start + cut, chain[-1], entry)
                    break
            if best is None:
                continue
            _, start, last, entry = best
            end = tokens[last].end
            entities.append(
                Entity(
                    start=start,
                    end=end,
                    label=entry.label,
                    text=text[start:end],
                    key=entry.key,
                    english=entry.english,
                )
            )
            skip_to = last
        return [e for e in entities if covers_whole_words(text, e.start, e.end)]

    @staticmethod
    def _follows(text: str, tokens: list[Token], words: list[int]) -> dict[int, int]:
        """Map each word to the next word when only spaces or hyphens lie between them."""
        out: dict[int, int] = {}
        for a, b in itertools.pairwise(words):
            between = tokens[a + 1 : b]
            if all(t.kind == "punct" and t.text in _HYPHENS for t in between) and _JOIN.fullmatch(
                text, tokens[a].end, tokens[b].start
            ):
                out[a] = b
        return out


def _splits(word: str) -> list[tuple[int, str, bool]]:
    """(offset of the remainder in `word`, remainder, whether an article was peeled off).

    `proclitic_splits` works on the letters; a vocalised word (وَكَنَدَا) is split without its
    marks and the cut mapped back, so offsets stay exact in the original text.
    """
    positions = [k for k, ch in enumerate(word) if ch != TATWEEL and strip_tashkeel(ch)]
    bare = "".join(word[k] for k in positions)
    out = []
    for cut, rest in proclitic_splits(bare):
        prefix = bare[:cut]
        # ال peeled off: "ال" at the end of the prefix, or the ل of للهند (ل + ال with the alef elided).
        # (A remainder that starts with ال again, الالهند → الهند, had an article peeled off too.)
        article = prefix.endswith(("ال", "لل"))
        out.append((positions[cut] if cut < len(positions) else len(word), rest, article))
    return out


class Recognizer(Protocol):
    """What the pipeline calls: entities of one sentence, offsets absolute in `text`."""

    gazetteer: Gazetteer  # the name table behind Entity.key and Entity.english

    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]: ...


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
# Words that never begin or end a name (prepositions, conjunctions, particles, pronouns): not the
# gazetteer's STOPWORDS, which also hold currencies and months (ريال begins ريال مدريد).
_FUNCTION_WORDS_TEXT = """في من على إلى الى عن مع ضد بين وسط عند بعد قبل حتى منذ خلال حول دون نحو عبر لدى أمام وراء
    فوق تحت ثم أو أم أن إن أنه أنها قد لقد لا لم لن ما هل هو هي هم هذا هذه ذلك تلك هؤلاء الذي التي الذين
    كان كانت كما مثل أيضا بل لكن حيث عندما"""
_FUNCTION_WORDS = frozenset(normalize(w) for w in _FUNCTION_WORDS_TEXT.split())


# Words that are not names on their own, though taggers trained on news and Wikipedia mark them (issue
# 13): weekdays (الجمعة "Friday", also a mosque's name in Wikipedia articles), يوم before one, and single
# words that are mostly common nouns in the news: المدينة "the city" (Medina in Islamic history), تسونامي.
# A weekday at a name's edge is cut off (روما الأربعاء → روما); a name of one such word is dropped.
_WEEKDAYS = frozenset(
    normalize(w) for w in ["الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]
)
_DAY = frozenset(normalize(w) for w in ["يوم", "ويوم", "ليوم", "بيوم", "فيوم"])
_NOT_ALONE = _WEEKDAYS | frozenset(normalize(w) for w in ["المدينة", "مدينة", "تسونامي"])
_SPACED = re.compile(r"\S+")


def _is_one_of(word: str, forms: frozenset[str]) -> bool:
    """Whether the word, or what is left of it once proclitics are peeled (والجمعة), is one of `forms`."""
    return any(rest in forms for _, rest in proclitic_splits(normalize(word)))


def _without_common_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without weekdays at its edges, or None when no name is left (see `_WEEKDAYS`)."""
    words = [(m.start() + start, m.end() + start, m.group()) for m in _SPACED.finditer(text[start:end])]
    while words and (
        _is_one_of(words[0][2], _WEEKDAYS)
        or (normalize(words[0][2]) in _DAY and len(words) > 1 and _is_one_of(words[1][2], _WEEKDAYS))
    ):
        words.pop(0)
    while words and (_is_one_of(words[-1][2], _WEEKDAYS) or normalize(words[-1][2]) in _DAY):
        words.pop()
    if not words or (len(words) == 1 and _is_one_of(words[0][2], _NOT_ALONE)):
        return None
    return words[0][0], words[-1][1]


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
            # (a listed longer name replacing the tagger's span, as crf+gaz does, measured worse here)
            merged = list(crf_entities)
            for g in gaz_entities:
                entry = self.gazetteer.by_key(g.key or "")
                if entry is None or entry.source != "curated":
                    continue
                if not any(o.start < g.end and g.start < o.end for o in merged):
                    merged.append(self._with_nisba(text, tokens, g, merged))
            return self._same_people(
                sorted((e for e in merged if covers_whole_words(text, e.start, e.end)), key=lambda e: e.start),
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
        for a, b, label in sorted(chunks(tags)):
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
        return Entity(start, end, label, span, "name:" + normalize(canonical), self._english(canonical))

    def _english(self, name: str) -> str | None:
        """A readable English form: each word's spelling in the listed people's names (جورج → George), or
        in the personal-name list (هاياشي → Hayashi), else its transliteration (يوشيماسا → Yushimasa)."""
        names, listed = self.person_names, self._listed_spellings
        words = []
        for w in ARABIC_WORD.findall(name):
            n = normalize(w)
            spelling, count = listed.get(n, (None, 0))
            # a spelling several listed people share (جورج → George) beats the name list's pick among
            # variants (جولي → Giuly), which beats one listed person's (ابراهيم → Ebrahim)
            words.append((spelling if count >= 2 else None) or names.get(n) or spelling or name_in_english(w))
        return " ".join(w for w in words if w) or None


def shared_lexicon() -> Lexicon | None:
    """The app's word lexicon (its features help the CRF), or None when it cannot be loaded."""
    try:
        return get_lexicon()
    except Exception as exc:  # noqa: BLE001 - the recogniser works without it, less well
        log.warning("Word lexicon unavailable for entity recognition (%s)", exc)
        return None


_LETTER = re.compile(f"[{LETTER_CHARS}]")
_PROCLITICS = re.compile("[وف]?[بلك]?")


def _in_word(ch: str) -> bool:
    """Whether a character belongs to an Arabic word as written: a letter, or a mark riding on one."""
    return bool(_LETTER.match(ch)) or not strip_tashkeel(ch)


def covers_whole_words(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is whole words, or begins after a word's proclitics only (وكندا → كندا).

    Tokenisation can split oddly written text (a tatweel or a lone vowel mark inside a word); a span that
    would then begin or end inside a word as the reader sees it is not an entity.
    """
    if start >= end or not any(c.isalpha() for c in text[start:end]):
        return False
    word_start = start
    while word_start > 0 and _in_word(text[word_start - 1]):
        word_start -= 1
    if not _PROCLITICS.fullmatch(strip_tashkeel(text[word_start:start])):
        return False
    return end == len(text) or not _in_word(text[end])


# A model id names the recogniser: None is the default (`QARI_NER_MODEL` if set, else the shipped CRF);
# "" (what an emptied sidebar field gives) is the shipped CRF, whatever `QARI_NER_MODEL` says; anything
# else is a transformers model (hub id or folder), merged with the same name lists. Each is loaded once
# per process through `models.registry` (which keeps at most two transformers models, and retries a
# failed load after a while, so a model downloaded or copied in later is used without a restart). A
# model that cannot be loaded falls back to the shipped recogniser, with a note saying why.

SHIPPED_KIND = "entities"
MODEL_KIND = "entity-model"


@dataclass
class _Loaded:
    recognizer: Recognizer
    note: str | None
    ok: bool  # False: the model could not be loaded and `recognizer` is the shipped fallback


def _model_id(model_id: str | None) -> str:
    """The id a request means: None → the configured default; "" → the shipped recogniser."""
    if model_id is None:
        return entity_model() or ""
    return model_id.strip()


def _shipped(note: str | None = None) -> Recognizer:
    """A new shipped recogniser: the BiLSTM-CRF tagger with the hand-checked names, else the CRF merged
    with the gazetteer (no torch, or no model folder), else the gazetteer alone."""
    gazetteer = load()
    try:
        tagger = BiLstmTagger(gazetteer, BILSTM_DIR, shared_lexicon())
        recognizer = TrainedRecognizer(gazetteer=gazetteer, tagger=tagger, merge=SHIPPED_MERGE)
        recognizer.note = note
        return recognizer
    except (ImportError, OSError, ValueError, RuntimeError) as exc:
        log.warning("BiLSTM entity model unavailable (%s); using the CRF", exc)
    try:
        recognizer = TrainedRecognizer(gazetteer=gazetteer)
        recognizer.note = note
        return recognizer
    except (ImportError, OSError) as exc:
        log.warning("Trained entity model unavailable (%s); using the gazetteer alone", exc)
        fallback = GazetteerRecognizer(gazetteer)
        fallback.note = " ".join(
            filter(None, [note, "The trained entity model is unavailable: only listed names are marked."])
        )
        return fallback


def _with_model(model_id: str, gazetteer: Gazetteer | None = None) -> tuple[Recognizer | None, str | None]:
    """A recogniser built on the transformers model `model_id`, or None and why it could not be loaded."""
    result = load_tagger(model_id)
    if result.tagger is None:
        return None, result.error
    recognizer = TrainedRecognizer(gazetteer=gazetteer, tagger=result.tagger)
    recognizer.note = f"Entities: {model_id}, merged with the offline name lists."
    return recognizer, recognizer.note


def load_recognizer(model_id: str | None = None) -> Recognizer:
    """A new recogniser for `model_id` (see above), never failing: the transformers model, else the
    shipped CRF, else the gazetteer alone; its `note` says why when it fell back. Not remembered."""
    model_id = _model_id(model_id)
    note = None
    if model_id:
        recognizer, note = _with_model(model_id)
        if recognizer is not None:
            return recognizer
    return _shipped(note)


def _shipped_recognizer() -> Recognizer:
    return registry.loaded(SHIPPED_KIND, "shipped", _shipped)


def _entry(model_id: str) -> _Loaded:
    shipped = _shipped_recognizer()
    if not model_id:
        return _Loaded(shipped, getattr(shipped, "note", None), True)

    def load() -> _Loaded:
        recognizer, note = _with_model(model_id, shipped.gazetteer)
        if recognizer is None:
            return _Loaded(shipped, " ".join(filter(None, [note, getattr(shipped, "note", None)])), False)
        return _Loaded(recognizer, note, True)

    return registry.loaded(MODEL_KIND, model_id, load, ok=lambda entry: entry.ok)


def get_recognizer(model_id: str | None = None) -> Recognizer:
    """The recogniser for `model_id` (None: the default, "": the shipped CRF; see above), loaded on
    first use (the shipped one well under a second), not at import."""
    return _entry(_model_id(model_id)).recognizer


def recognizer_note(model_id: str | None = None) -> str | None:
    """A reader-facing remark on the recogniser for `model_id` (the model in use, a missing model and
    the fallback), or None."""
    return _entry(_model_id(model_id)).note
