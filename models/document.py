"""The analysed document: the one data structure that flows from `models/` to `components/`.

Everything is anchored to character offsets into `Document.text`, the reader's own text,
exactly as given (no normalisation), so every highlight can be drawn on the original.
The structure is plain dataclasses that serialise to JSON (`to_dict`) and back (`from_dict`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

EntityLabel = Literal["PER", "LOC", "ORG", "MISC"]
TokenKind = Literal["arabic", "latin", "number", "punct", "other"]
ENTITY_LABELS: tuple[EntityLabel, ...] = ("PER", "LOC", "ORG", "MISC")


@dataclass
class Token:
    """A word, number or punctuation mark; `key` links an Arabic word to its glossary entry."""

    start: int
    end: int
    text: str
    kind: TokenKind = "arabic"
    key: str | None = None  # GlossaryEntry.key, None for punctuation and numbers
    lemma: str | None = None
    pos: str | None = None
    gloss: str | None = None
    translit: str | None = None  # simplified ALA-LC (models.text.translit), e.g. "al-maʿlūmāt"
    voweled: str | None = None  # the word with its short vowels added (models.vowels); only marks added
    # Grammar (models.grammar): the root's letters (كتب; None for names, particles, loanwords), the
    # features in Universal Dependencies' names ({"Case": "Gen", "Definite": "Def", ...}), the plain-English
    # line the hover card shows, and the word's other readings ("كَتَبَ wrote", ...).
    root: str | None = None
    features: dict[str, str] | None = None
    grammar: str | None = None
    readings: list[str] | None = None


@dataclass
class Entity:
    """A named entity. `start`/`end` cover whole words, or a word minus its proclitics."""

    start: int
    end: int
    label: EntityLabel
    text: str
    key: str | None = None  # GlossaryEntry.key of the name
    english: str | None = None


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    tokens: list[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    translation: str | None = None
    translation_error: str | None = None
    # Word alignment (models.translation.align): (index into `tokens`, index into `english_words`) pairs, and the
    # English words as (start, end) character spans of `translation`. None until aligned.
    alignment: list[tuple[int, int]] | None = None
    english_words: list[tuple[int, int]] | None = None


@dataclass
class GlossaryEntry:
    """One word (by lemma) or one name (by normalised form) of the text."""

    key: str
    kind: Literal["word", "name"]
    lemma: str  # display form: the dictionary lemma, or the name's canonical form
    forms: list[str]  # surface forms as written in the text, most frequent first
    gloss: str | None  # English meaning (lexicon) or English name (gazetteer)
    count: int
    first_sentence: int
    label: EntityLabel | None = None  # for names
    pos: str | None = None
    source: str | None = None  # where the gloss came from, e.g. "buckwalter", "freedict", "cldr"
    translit: str | None = None  # of the lemma (words) or the most frequent form (names): "maʿlūmah"
    context_gloss: str | None = (
        None  # what the word became in this text's translation (models.translation.align)
    )
    voweled: str | None = None  # its first form in the text, voweled in context (models.vowels)
    root: str | None = None  # a word's root (models.grammar), e.g. "كتب"


@dataclass
class Document:
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # reader-facing remarks about the input

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        sentences = [
            Sentence(
                **{
                    **s,
                    "tokens": [Token(**t) for t in s.get("tokens", [])],
                    "entities": [Entity(**e) for e in s.get("entities", [])],
                    # JSON turns pairs into lists; keep them tuples so a round trip compares equal
                    "alignment": _pairs(s.get("alignment")),
                    "english_words": _pairs(s.get("english_words")),
                }
            )
            for s in data.get("sentences", [])
        ]
        glossary = [GlossaryEntry(**g) for g in data.get("glossary", [])]
        return cls(
            text=data["text"],
            sentences=sentences,
            glossary=glossary,
            notes=list(data.get("notes", [])),
        )


def _pairs(value: list[Any] | None) -> list[tuple[int, int]] | None:
    return None if value is None else [(int(a), int(b)) for a, b in value]
