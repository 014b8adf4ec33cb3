"""Entity-level evaluation of a recogniser on CoNLL files (one token and its BIO tag a line).

`python -m models evaluate-ner FILES…` reads each file, rebuilds every sentence as text (tokens joined
by one space), runs the recogniser on it exactly as the pipeline does (`recognize(text, tokens)`), maps
each predicted entity back to the file's tokens and counts exact span-and-type matches, CoNLL style:
an entity is right only when its first token, last token and type all agree with the gold one.

A predicted span that starts after the proclitics of its first token (بالقاهرة → القاهرة) maps to that
whole token, which is how the corpus tags it (the AQMAR files keep clitics on the tagged token).

Gold tags are read leniently, as the AQMAR files need: MIS0..MIS3 (and MIS, MISS1, MIS-1) are MISC,
`I--ORG` is I-ORG, anything else unreadable (`OO`, `IO`, `B-ENGLISH`) is O, and an I- tag that does
not continue an entity of its type starts one (as conlleval does).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from models.document import ENTITY_LABELS, Entity, Token
from models.names.bio import chunks
from models.names.recognizer import get_recognizer
from models.text.arabic import tokenize

Sentence = list[tuple[str, str]]  # (token, BIO tag)

_TAG = re.compile(r"^([BI])-+([A-Za-z]+)")


class Recognizer(Protocol):
    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]: ...


def normalize_tag(tag: str) -> str:
    """A corpus tag as O, B-TYPE or I-TYPE with TYPE one of PER, LOC, ORG, MISC."""
    m = _TAG.match(tag.strip())
    if not m:
        return "O"
    kind = m.group(2).upper()
    if kind.startswith("MIS"):
        kind = "MISC"
    if kind not in ENTITY_LABELS:
        return "O"
    return f"{m.group(1)}-{kind}"


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences of a CoNLL file: the first column is the token, the last the tag; blank lines split."""
    sentences: list[Sentence] = []
    current: Sentence = []
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                if current:
                    sentences.append(current)
                    current = []
                continue
            tag = parts[-1] if len(parts) > 1 else "O"
            current.append((parts[0], normalize_tag(tag)))
    if current:
        sentences.append(current)
    return sentences


def sentence_text(words: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """The words joined by single spaces, and each word's (start, end) in that text."""
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), spans


def document_text(sentences: Sequence[Sentence]) -> tuple[str, list[list[tuple[int, int]]]]:
    """A file as one text (a sentence a line, words joined by spaces) and each word's offsets in it.

    The recogniser sees the whole document as `text`, as in the app, so document-level evidence (a
    surname tagged in one sentence, see models.names.recognizer) counts in evaluation too.
    """
    lines, offsets, pos = [], [], 0
    for sentence in sentences:
        line, spans = sentence_text([w for w, _ in sentence])
        lines.append(line)
        offsets.append([(a + pos, b + pos) for a, b in spans])
        pos += len(line) + 1
    return "\n".join(lines), offsets


def predict_tags(
    recognizer: Recognizer,
    words: Sequence[str],
    text: str | None = None,
    spans: Sequence[tuple[int, int]] = (),
) -> list[str]:
    """BIO tags for the words, from the recogniser's entities mapped back onto whole words.

    Without `text` the words are one sentence on their own; with it, `spans` are their offsets in it.
    """
    if text is None:
        text, spans = sentence_text(words)
    first_offset, end_offset = (spans[0][0], spans[-1][1]) if spans else (0, 0)
    tokens = tokenize(text, first_offset, end_offset)
    tags = ["O"] * len(words)
    for e in sorted(recognizer.recognize(text, tokens), key=lambda e: (e.start, -e.end)):
        first = next((i for i, (a, b) in enumerate(spans) if a <= e.start < b), None)
        last = next((i for i, (a, b) in enumerate(spans) if a < e.end <= b), None)
        if first is None or last is None or any(t != "O" for t in tags[first : last + 1]):
            continue  # overlaps an entity already placed
        tags[first] = f"B-{e.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{e.label}"
    return tags


@dataclass
class Counts:
    """True positives, false positives and false negatives per type."""

    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITY_LABELS, 0))
    fp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITY_LABELS, 0))
    fn: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITY_LABELS, 0))

    def add(self, gold: Sequence[str], pred: Sequence[str]) -> None:
        g, p = chunks(gold), chunks(pred)
        for _, _, kind in g & p:
            self.tp[kind] += 1
        for _, _, kind in p - g:
            self.fp[kind] += 1
        for _, _, kind in g - p:
            self.fn[kind] += 1

    def merge(self, other: Counts) -> None:
        for mine, theirs in ((self.tp, other.tp), (self.fp, other.fp), (self.fn, other.fn)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v

    def prf(self, kinds: Iterable[str] | None = None) -> tuple[float, float, float, int]:
        """Micro precision, recall, F1 and gold count over `kinds` (all types when None)."""
        kinds = list(kinds) if kinds is not None else list(ENTITY_LABELS)
        tp = sum(self.tp[k] for k in kinds)
        fp = sum(self.fp[k] for k in kinds)
        fn = sum(self.fn[k] for k in kinds)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn


def score(recognizer: Recognizer, sentences: Sequence[Sentence]) -> Counts:
    """Counts for one document (the sentences of one file), each sentence recognised in its context."""
    counts = Counts()
    text, offsets = document_text(sentences)
    for sentence, spans in zip(sentences, offsets, strict=True):
        words = [w for w, _ in sentence]
        counts.add([t for _, t in sentence], predict_tags(recognizer, words, text, spans))
    return counts


def table(counts: Counts) -> str:
    """Per-type and overall precision, recall and F1, plus PER+LOC+ORG (the issue's goal)."""
    rows = [f"{'type':<12}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}"]

    def row(name: str, kinds: Iterable[str] | None) -> None:
        kinds = list(kinds) if kinds is not None else list(ENTITY_LABELS)
        p, r, f, gold = counts.prf(kinds)
        pred = sum(counts.tp[k] + counts.fp[k] for k in kinds)
        rows.append(f"{name:<12}{p:7.3f}{r:7.3f}{f:7.3f}{gold:7d}{pred:7d}")

    for kind in ENTITY_LABELS:
        row(kind, [kind])
    row("PER+LOC+ORG", ["PER", "LOC", "ORG"])
    row("overall", None)
    return "\n".join(rows)


def evaluate_files(files: Sequence[str | Path], recognizer: Recognizer | None = None) -> Counts:
    """Score the shipped recogniser (or the one given) on the files, all sentences together."""
    if recognizer is None:
        recognizer = get_recognizer()
    counts = Counts()
    for path in files:
        counts.merge(score(recognizer, read_conll(path)))
    return counts


def main(files: Sequence[str]) -> int:
    """The `evaluate-ner` command: print the table for the files; 2 when a file cannot be read."""
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        print(f"qari: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    print(table(evaluate_files(files)))
    return 0
