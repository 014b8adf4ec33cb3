"""The cards of the Anki decks, and what an entry shows (its gloss, its sentence with the word marked):
shared by the CSV, Anki and PDF exports (see `models.study.export`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from models.document import Document, GlossaryEntry, Sentence
from models.study.vocab import VocabEntry, vocab_key


@dataclass(frozen=True)
class Card:
    """One flash card: `sentence_html` is the sentence, escaped, with the word in <b> where found."""

    key: str  # matching key of the word (GUID source)
    word: str
    gloss: str
    sentence: str
    translation: str
    sentence_html: str = ""
    tags: tuple[str, ...] = ()


def _gloss_of(entry: GlossaryEntry) -> str:
    parts = [p for p in (entry.context_gloss, entry.gloss) if p]
    # "in this text" first, then the dictionary sense when it says something else
    if len(parts) == 2 and parts[0].casefold() == parts[1].casefold():
        parts = parts[:1]
    return " — ".join(parts)


def _sentence(doc: Document, index: int) -> Sentence | None:
    return doc.sentences[index] if 0 <= index < len(doc.sentences) else None


def _highlight(sentence: Sentence, key: str) -> str:
    """The sentence escaped, with the tokens that have `key` in <b>."""
    out: list[str] = []
    pos = 0
    for token in sentence.tokens:
        if token.key == key:
            start, end = token.start - sentence.start, token.end - sentence.start
            out += [html.escape(sentence.text[pos:start]), "<b>", html.escape(sentence.text[start:end])]
            out.append("</b>")
            pos = end
    out.append(html.escape(sentence.text[pos:]))
    return "".join(out)


def glossary_cards(doc: Document, entries: Iterable[GlossaryEntry] | None = None) -> list[Card]:
    """Cards for the glossary of `doc` (or the given entries of it), each with its first sentence."""
    cards = []
    for entry in doc.glossary if entries is None else entries:
        sentence = _sentence(doc, entry.first_sentence)
        tags = (entry.kind,) + ((entry.label,) if entry.label else ()) + ((entry.pos,) if entry.pos else ())
        cards.append(
            Card(
                key=vocab_key(entry.lemma) or entry.key,
                word=entry.lemma,
                gloss=_gloss_of(entry),
                sentence=sentence.text if sentence else "",
                translation=(sentence.translation or "") if sentence else "",
                sentence_html=_highlight(sentence, entry.key) if sentence else "",
                tags=tags,
            )
        )
    return cards


# A word's sentence from the reader's library: (sentence, sentence escaped with the word in <b>, English).
Context = tuple[str, str, str | None]


def vocabulary_cards(
    entries: Iterable[VocabEntry], contexts: Mapping[str, Context] | None = None
) -> list[Card]:
    """Cards for saved words (ignored words are the caller's to leave out); `contexts` (by word key, e.g.
    from `models.review.context.anki_contexts`) gives a word its sentence with the word marked."""
    found = contexts or {}
    cards = []
    for e in entries:
        sentence, marked, english = found.get(e.key) or (
            e.example or "",
            html.escape(e.example or ""),
            e.translation,
        )
        cards.append(
            Card(
                key=e.key,
                word=e.lemma,
                gloss=e.gloss or "",
                sentence=sentence,
                translation=english or "",
                sentence_html=marked,
                tags=(e.status,),
            )
        )
    return cards


def _translit(entry: GlossaryEntry) -> str:
    # GlossaryEntry.translit comes with models.text.translit; older documents have none
    return getattr(entry, "translit", None) or ""
