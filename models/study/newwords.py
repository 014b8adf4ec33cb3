"""Before and after reading: a text's new words (its lemmas not yet marked), and Finish text.

`new_words(doc, statuses)` lists the lemmas of the text that have no status yet, most frequent first,
with a gloss each, for marking in bulk before reading. `finish_text(store, doc)` marks every one of them
known in one transaction and returns what `VocabStore.restore` needs to undo it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from models.document import Document
from models.study.vocab import Status, VocabEntry, VocabStore, vocab_key, word_lemma

__all__ = ["NewWord", "finish_text", "mark_words", "new_words"]


@dataclass
class NewWord:
    lemma: str  # as the vocabulary stores it (`word_lemma`)
    count: int
    gloss: str | None
    forms: list[str] = field(default_factory=list)  # as written in the text, first seen first


def new_words(doc: Document, statuses: Mapping[str, str]) -> list[NewWord]:
    """The text's words (not names) whose lemma has no status in `statuses` (lemma → status, as
    `VocabStore.get_statuses` answers), one per lemma, most frequent first (ties: first met first)."""
    marked = {vocab_key(lemma) for lemma in statuses}
    found: dict[str, NewWord] = {}
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.kind != "arabic" or (token.key or "").startswith("name:"):
                continue
            lemma = word_lemma(token)
            key = vocab_key(lemma)
            if not key or key in marked:
                continue
            word = found.setdefault(key, NewWord(lemma, 0, token.gloss))
            word.count += 1
            word.gloss = word.gloss or token.gloss
            if token.text not in word.forms:
                word.forms.append(token.text)
    return sorted(found.values(), key=lambda w: -w.count)  # stable: first met first among equals


def mark_words(
    store: VocabStore, words: list[NewWord], status: Status
) -> list[tuple[str, VocabEntry | None]]:
    """Mark `words` with `status` at once; returns what to give `store.restore` to undo it."""
    return store.set_statuses([w.lemma for w in words], status, {w.lemma: w.gloss for w in words})


def finish_text(store: VocabStore, doc: Document) -> list[tuple[str, VocabEntry | None]]:
    """Mark every word of `doc` still unmarked as known (what a reader does at the end of a text)."""
    lemmas = {word_lemma(t) for s in doc.sentences for t in s.tokens if t.kind == "arabic"}
    return mark_words(store, new_words(doc, store.get_statuses(lemmas)), "known")
