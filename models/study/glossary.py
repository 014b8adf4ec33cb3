"""Word glosses on tokens, and the document glossary built from them.

`annotate_tokens` gives every Arabic token its lemma, part of speech, English gloss and a `key`
that links it to one `GlossaryEntry`; `build_glossary` then groups the document's words by lemma
and its names (from the recognised entities) by name.

Keys: words are "word:" + normalize(lemma) (the lemma without its vowels), so every inflected or
clitic-carrying form of a word shares one entry; a word no lexicon knows is keyed by its own
normalised form. A name keeps the key its recogniser gave it, or "name:" + normalize(text).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from models.document import Document, Entity, EntityLabel, GlossaryEntry, Sentence, Token
from models.lexicon.lexicon import Analysis, Lexicon, get_lexicon
from models.text.arabic import normalize
from models.text.translit import ala_lc

__all__ = ["annotate_tokens", "build_glossary", "entity_key", "name_translit", "word_key"]


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


def _name_reference(best: Analysis | None, label: str | None) -> str | None:
    """The lexicon's vowels for a word of a name: when the lexicon reads it as a name, or as a common
    word inside a place or organisation name (وزارة الخارجية wizārah al-khārijīyah); a person's name
    read as some common word (ميلاني as a verb) is better left to the consonantal fallback."""
    if best is None:
        return None
    if best.pos == "PROPN" or label in ("LOC", "ORG", "MISC") and best.pos in ("NOUN", "ADJ"):
        return best.voweled or None
    return None


def name_translit(name: str, label: str | None, lexicon: Lexicon) -> str | None:
    """The transliteration of a name, word by word, with the lexicon's vowels where they fit."""
    words = [ala_lc(w, _name_reference(lexicon.best(w), label)) for w in name.split()]
    return " ".join(w for w in words if w) or None


def _neighbour(tokens: list[Token], i: int) -> str | None:
    """The text of tokens[i] when it is a word or a number (context for the lexicon), else None."""
    if 0 <= i < len(tokens) and tokens[i].kind in ("arabic", "number"):
        return tokens[i].text
    return None


def annotate_tokens(doc: Document, lexicon: Lexicon) -> None:
    """Fill lemma, pos, gloss, key and translit of every Arabic token of `doc`, in place.

    The reading is the lexicon's best in context (the word or number right before and after the
    token: عام 2011 is "year"). A token inside a named entity takes the entity's key, the name as
    lemma, PROPN, and the entity's English name as gloss; without one, the lexicon's gloss only if
    the lexicon also reads the word as a proper noun (a name's letters often spell some unrelated
    common word). `translit` is the simplified ALA-LC form of the word as written, voweled from the
    lexicon's reading when there is one (`models.text.translit`).
    """
    for sentence in doc.sentences:
        tokens = sentence.tokens
        for i, token in enumerate(tokens):
            if token.kind != "arabic":
                continue
            best = lexicon.best_in_context(token.text, _neighbour(tokens, i - 1), _neighbour(tokens, i + 1))
            entity = _entity_at(token, sentence)
            if entity is not None:
                token.key = entity_key(entity)
                token.lemma = entity.text
                token.pos = "PROPN"
                name_reading = best is not None and best.pos == "PROPN"
                if entity.english:
                    token.gloss = entity.english
                else:
                    token.gloss = best.gloss if best is not None and name_reading else None
                token.translit = ala_lc(token.text, _name_reference(best, entity.label))
            elif best is not None:
                token.key = word_key(best.lemma)
                token.lemma, token.pos, token.gloss = best.lemma, best.pos, best.gloss
                token.translit = ala_lc(token.text, best.voweled or best.lemma)
            else:
                token.key = word_key(token.text)
                token.lemma = token.pos = token.gloss = None
                token.translit = ala_lc(token.text) or None


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


def build_glossary(
    doc: Document, lexicon: Lexicon | None = None, *, with_lexicon: bool = True
) -> list[GlossaryEntry]:
    """One entry per key: the names (from entities) and the words (from annotated tokens) of `doc`.

    Names come first, by count (descending) then first appearance; then words likewise. Forms are
    as written, most frequent first. A word's `source` is the lexicon that glossed it, looked up in
    `lexicon` (default: the shared `get_lexicon()`, only loaded if some word has a gloss); with
    `with_lexicon=False` no lexicon is read (no sources, names transliterated without its vowels).
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
            named = _entity_at(token, sentence)
            if named is not None:
                if token.gloss:  # the lexicon's reading of the name, used when it has no English
                    names[entity_key(named)].token_glosses[token.gloss] += 1
                continue
            key = token.key or word_key(token.text)
            group = words.setdefault(key, _Group(key, (sentence.index, token.start)))
            group.add(token.text, token.lemma, token.gloss, token.pos)

    def order(group: _Group) -> tuple[int, tuple[int, int]]:
        return (-group.count, group.first)

    def source_of(group: _Group) -> str | None:
        nonlocal lexicon
        if not with_lexicon:
            return None
        lexicon = lexicon or get_lexicon()
        best = lexicon.best(_top(group.forms) or "")
        return best.source if best is not None else None

    def translit_of(form: str, label: str | None) -> str | None:
        nonlocal lexicon
        if not with_lexicon:
            return " ".join(filter(None, (ala_lc(w) for w in form.split()))) or None
        lexicon = lexicon or get_lexicon()
        return name_translit(form, label, lexicon)

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
                translit=translit_of(_top(group.forms) or "", _top(group.tags)),
            )
        )
    for group in sorted(words.values(), key=order):
        lemma = _top(group.lemmas) or _top(group.forms) or ""
        entries.append(
            GlossaryEntry(
                key=group.key,
                kind="word",
                lemma=lemma,
                forms=[form for form, _n in group.forms.most_common()],
                gloss=_top(group.glosses),
                count=group.count,
                first_sentence=group.first[0],
                pos=_top(group.tags),
                source=source_of(group) if group.glosses else None,
                translit=ala_lc(lemma) or None,  # the lemma is voweled when the lexicon knew it
            )
        )
    return entries


# An English name as a translation writes it: capitalised words ("Melanie Joly", "al-Sisi", "O'Neill").
_ENGLISH_NAME = re.compile(
    r"^(?:(?:al-|el-)?[A-Z][\w'’.-]*)(?: (?:(?:al-|el-|bin |de |van )?[A-Z][\w'’.-]*))*$"
)


def names_from_alignment(doc: Document, listed: Callable[[str], bool]) -> None:
    """Give names the gazetteers do not list the English the translation used for them.

    The order a reader can trust: a gazetteer's name (`listed(key)` is True: kept as it is), then what
    the model wrote where it translated the name (the entry's `context_gloss`, read from the alignment,
    when it looks like a name), then the transliteration the recogniser made. The new name is used
    everywhere the name appears: glossary entry, entities and the words' hover glosses.
    """
    renamed: dict[str, str] = {}
    for entry in doc.glossary:
        if entry.kind != "name" or listed(entry.key):
            continue
        english = (entry.context_gloss or "").strip()
        if english and _ENGLISH_NAME.match(english) and english != entry.gloss:
            entry.gloss = english
            entry.source = "alignment"
            renamed[entry.key] = english
    if not renamed:
        return
    for sentence in doc.sentences:
        for entity in sentence.entities:
            if entity.key in renamed:
                entity.english = renamed[entity.key]
        for token in sentence.tokens:
            if token.key in renamed:
                token.gloss = renamed[token.key]
