"""The sentence a card is shown in: one from the reader's own library that holds the word, in any form of
its lemma (كتب, يكتبون and الكتاب all belong to their lemmas' cards).

A library text is split into sentences and its words read by the lexicon (`models.study.glossary`, as the
reader does, without the entity recogniser); the result is kept per text in memory, so a review session
reads each text once. The sentence the word was saved from (the vocabulary entry's example) comes first
when the library still holds it; the others follow, most recently opened text first, so later reviews can
show the word in other sentences.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from models.document import Document, Sentence
from models.lexicon.lexicon import get_lexicon
from models.study.glossary import annotate_tokens
from models.study.library import Library
from models.study.vocab import VocabEntry, vocab_key
from models.text.arabic import normalize, strip_tashkeel, tokenize
from models.text.segment import split_sentences

__all__ = ["Context", "anki_contexts", "contexts", "marked_html"]

MAX_CONTEXTS = 5  # sentences kept per card: enough to vary, few enough to find quickly


@dataclass(frozen=True)
class Context:
    """A sentence holding the word: its text, the spans of the word's forms in it, the title of its text,
    its English when known, and the form met with its lexicon details."""

    sentence: str
    spans: tuple[tuple[int, int], ...]
    title: str
    translation: str | None
    form: str
    lemma: str | None
    gloss: str | None
    translit: str | None
    voweled: str | None


@functools.lru_cache(maxsize=64)
def _read(body: str) -> tuple[Sentence, ...]:
    doc = Document(text=body)
    for index, (start, end) in enumerate(split_sentences(body)):
        doc.sentences.append(Sentence(index, start, end, body[start:end], tokenize(body, start, end)))
    annotate_tokens(doc, get_lexicon())
    return tuple(doc.sentences)


def _voweled(word: str, before: str | None, after: str | None) -> str | None:
    best = get_lexicon().best_in_context(word, before, after)
    return best.voweled.replace("+", "") if best is not None and best.voweled else None


def _matches(token_text: str, token_lemma: str | None, key: str) -> bool:
    return vocab_key(token_lemma or "") == key or vocab_key(token_text) == key


def contexts(
    library: Library,
    entry: VocabEntry,
    translate: Callable[[str], str | None] | None = None,
    limit: int = MAX_CONTEXTS,
    books: Iterable[tuple[str, str]] = (),
) -> list[Context]:
    """Up to `limit` sentences of the reader's library holding `entry`'s word (any form of its lemma), the
    saved example first. `translate` looks up a sentence's English (the translation cache); the saved
    example's English is the entry's own. `books`: (title, text) of the book parts read that hold the word,
    looked in after the texts (read only as far as needed). Empty when nothing of this reader's holds it."""
    key = entry.key
    example = normalize(entry.example or "").strip()
    first_found: Context | None = None  # the saved example, when the library holds it
    others: list[Context] = []

    def sources() -> Iterable[tuple[str, str]]:
        for item, words in library.texts():
            if words is None or key in words:  # the text's kept words say whether it is there
                yield item.title, item.body
        yield from books

    for title, body in sources():
        for sentence in _read(body):
            is_example = bool(example) and normalize(sentence.text).strip() == example
            if (first_found is not None or not is_example) and len(others) >= limit:
                continue
            context = _context(sentence, key, title, entry, is_example, translate)
            if context is None:
                continue
            if is_example and first_found is None:
                first_found = context
            else:
                others.append(context)
        if len(others) >= limit and (first_found is not None or not example):
            break
    return (([first_found] if first_found else []) + others)[:limit]


def _context(
    sentence: Sentence,
    key: str,
    title: str,
    entry: VocabEntry,
    is_example: bool,
    translate: Callable[[str], str | None] | None,
) -> Context | None:
    tokens = [t for t in sentence.tokens if t.kind == "arabic"]
    hits = [i for i, t in enumerate(tokens) if _matches(t.text, t.lemma, key)]
    if not hits:
        return None
    first = tokens[hits[0]]
    spans = tuple((tokens[i].start - sentence.start, tokens[i].end - sentence.start) for i in hits)
    before = tokens[hits[0] - 1].text if hits[0] > 0 else None
    after = tokens[hits[0] + 1].text if hits[0] + 1 < len(tokens) else None
    english = (
        entry.translation
        if is_example and entry.translation
        else (translate(sentence.text) if translate is not None else None)
    )
    return Context(
        sentence.text,
        spans,
        title,
        english,
        first.text,
        first.lemma or entry.lemma,
        first.gloss,
        first.translit,
        _voweled(first.text, before, after),
    )


def marked_html(context: Context, tag: str = "mark") -> str:
    """The sentence escaped, each form of the word wrapped in `tag`."""
    out, pos = [], 0
    for start, end in context.spans:
        out += [
            html.escape(context.sentence[pos:start]),
            f"<{tag}>",
            html.escape(context.sentence[start:end]),
            f"</{tag}>",
        ]
        pos = end
    out.append(html.escape(context.sentence[pos:]))
    return "".join(out)


def plain(word: str) -> str:
    """The word without its short vowels (what the card's question shows)."""
    return strip_tashkeel(word)


def anki_contexts(
    library: Library, entries: Iterable[VocabEntry], translate: Callable[[str], str | None] | None = None
) -> dict[str, tuple[str, str, str | None]]:
    """For the Anki deck (`models.study.export.vocabulary_apkg`): each word's first sentence from the
    library (the saved example when the library holds it), escaped with the word in <b>, and its English."""
    found = {}
    for entry in entries:
        if entry.status == "ignored":
            continue
        first = contexts(library, entry, translate, limit=1)
        if first:
            found[entry.key] = (first[0].sentence, marked_html(first[0], "b"), first[0].translation)
    return found
