"""Word glosses on tokens, and the document glossary built from them.

`annotate_tokens` gives every Arabic token its lemma, part of speech, English gloss and a `key`
that links it to one `GlossaryEntry`; `build_glossary` then groups the document's words by lemma
and its names (from the recognised entities) by name.

Keys: words are "word:" + normalize(lemma) (the lemma without its vowels), so every inflected or
clitic-carrying form of a word shares one entry; a word no lexicon knows is keyed by its own
normalised form. A name keeps the key its recogniser gave it, or "name:" + normalize(text).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from models.arabic import normalize
from models.document import Document, Entity, EntityLabel, GlossaryEntry, Sentence, Token
from models.lexicon import Lexicon, get_lexicon

__all__ = ["annotate_tokens", "build_glossary", "entity_key", "word_key"]


def word_key(lemma_or_surface: str) -> str:
    """The glossary key of a word: "word:" + its lemma (or surface form) normalised, vowels dropped."""
    return "word:" + normalize(lemma_or_surface)


def entity_key(entity: Entity) -> str:
    """The glossary key of a name: the recogniser's key, else "name:" + the normalised text."""
    return entity.key or "name:" + normalize(entity.text)


def _entity_at(token: Token, sentence: Sentence) -> Entity | None:
    # Overlap, not containment: an entity may leave out the token's proclitics (و + كندا).
    for entity in sentence.entities:
        if token.start < entity.end and entity.start < token.end:
            return entity
    return None


def annotate_tokens(doc: Document, lexicon: Lexicon) -> None:
    """Fill lemma, pos, gloss and key of every Arabic token of `doc`, in place.

    A token inside a named entity takes the entity's key, the name as lemma, PROPN, and the
    entity's English name as gloss; without one, the lexicon's gloss only if the lexicon also reads
    the word as a proper noun (a name's letters often spell some unrelated common word).
    """
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.kind != "arabic":
                continue
            best = lexicon.best(token.text)
            entity = _entity_at(token, sentence)
            if entity is not None:
                token.key = entity_key(entity)
                token.lemma = entity.text
                token.pos = "PROPN"
                if entity.english:
                    token.gloss = entity.english
                else:
                    token.gloss = best.gloss if best is not None and best.pos == "PROPN" else None
            elif best is not None:
                token.key = word_key(best.lemma)
                token.lemma, token.pos, token.gloss = best.lemma, best.pos, best.gloss
            else:
                token.key = word_key(token.text)
                token.lemma = token.pos = token.gloss = None


@dataclass
class _Group:
    """Occurrences of one key, gathered in document order."""

    key: str
    first: tuple[int, int]  # (sentence index, start offset) of the first occurrence
    forms: Counter[str] = field(default_factory=Counter)
    lemmas: Counter[str] = field(default_factory=Counter)
    glosses: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)  # pos for words, label for names
    token_glosses: Counter[str] = field(default_factory=Counter)  # names: glosses on their tokens
    count: int = 0

    def add(self, form: str, lemma: str | None, gloss: str | None, tag: str | None) -> None:
        self.count += 1
        self.forms[form] += 1
        for counter, value in ((self.lemmas, lemma), (self.glosses, gloss), (self.tags, tag)):
            if value:
                counter[value] += 1


def _top(counter: Counter[str]) -> str | None:
    # Counter.most_common keeps first-insertion order among equal counts: ties go to the first seen.
    return counter.most_common(1)[0][0] if counter else None


def build_glossary(doc: Document, lexicon: Lexicon | None = None) -> list[GlossaryEntry]:
    """One entry per key: the names (from entities) and the words (from annotated tokens) of `doc`.

    Names come first, by count (descending) then first appearance; then words likewise. Forms are
    as written, most frequent first. A word's `source` is the lexicon that glossed it, looked up in
    `lexicon` (default: the shared `get_lexicon()`, only loaded if some word has a gloss).
    Tokens not yet annotated are keyed by their surface form and have no gloss.
    """
    names: dict[str, _Group] = {}
    words: dict[str, _Group] = {}
    for sentence in doc.sentences:
        for entity in sorted(sentence.entities, key=lambda e: e.start):
            key = entity_key(entity)
            group = names.setdefault(key, _Group(key, (sentence.index, entity.start)))
            group.add(entity.text, None, entity.english, entity.label)
        for token in sentence.tokens:
            if token.kind != "arabic":
                continue
            entity = _entity_at(token, sentence)
            if entity is not None:
                if token.gloss:  # the lexicon's reading of the name, used when it has no English
                    names[entity_key(entity)].token_glosses[token.gloss] += 1
                continue
            key = token.key or word_key(token.text)
            group = words.setdefault(key, _Group(key, (sentence.index, token.start)))
            group.add(token.text, token.lemma, token.gloss, token.pos)

    def order(group: _Group) -> tuple[int, tuple[int, int]]:
        return (-group.count, group.first)

    def source_of(group: _Group) -> str | None:
        nonlocal lexicon
        lexicon = lexicon or get_lexicon()
        best = lexicon.best(_top(group.forms) or "")
        return best.source if best is not None else None

    entries = []
    for group in sorted(names.values(), key=order):
        gloss, source = _top(group.glosses), None  # an English name: its source is not recorded
        if gloss is None and group.token_glosses:
            gloss, source = _top(group.token_glosses), source_of(group)
        entries.append(
            GlossaryEntry(
                key=group.key,
                kind="name",
                lemma=_top(group.forms) or "",
                forms=[form for form, _n in group.forms.most_common()],
                gloss=gloss,
                count=group.count,
                first_sentence=group.first[0],
                label=cast("EntityLabel | None", _top(group.tags)),
                pos="PROPN",
                source=source,
            )
        )
    for group in sorted(words.values(), key=order):
        entries.append(
            GlossaryEntry(
                key=group.key,
                kind="word",
                lemma=_top(group.lemmas) or _top(group.forms) or "",
                forms=[form for form, _n in group.forms.most_common()],
                gloss=_top(group.glosses),
                count=group.count,
                first_sentence=group.first[0],
                pos=_top(group.tags),
                source=source_of(group) if group.glosses else None,
            )
        )
    return entries
