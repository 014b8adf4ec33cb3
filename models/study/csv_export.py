"""The vocabulary and a text's glossary as CSV (see `models.study.export`): spreadsheet-safe cells, a
byte-order mark for Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from models.document import Document
from models.study.cards import _sentence, _translit
from models.study.vocab import VocabEntry

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell starting with = + - @ as a formula: keep it text (OWASP CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8


def glossary_csv(doc: Document) -> bytes:
    """The glossary of `doc`, one row per entry, with its first sentence and that sentence's English."""
    rows = []
    for e in doc.glossary:
        sentence = _sentence(doc, e.first_sentence)
        rows.append(
            [
                e.lemma,
                " / ".join(e.forms),
                _translit(e),
                e.kind,
                e.label or "",
                e.pos or "",
                e.context_gloss or "",
                e.gloss or "",
                e.count,
                e.first_sentence + 1,
                sentence.text if sentence else "",
                (sentence.translation or "") if sentence else "",
                e.voweled or "",  # with the vowels mode on: the first form, voweled in context
            ]
        )
    header = [
        "lemma", "forms", "transliteration", "kind", "entity", "pos", "in this text", "dictionary",
        "count", "first sentence no.", "sentence", "translation", "voweled",
    ]  # fmt: skip
    return _csv(header, rows)


def vocabulary_csv(entries: Iterable[VocabEntry]) -> bytes:
    """Saved words: lemma, status, gloss, example sentence, its translation, last change (UTC)."""
    rows = [
        [
            e.lemma,
            e.status,
            e.gloss or "",
            e.example or "",
            e.translation or "",
            datetime.fromtimestamp(e.updated, tz=UTC).strftime("%Y-%m-%d %H:%M"),
        ]
        for e in entries
    ]
    return _csv(["lemma", "status", "gloss", "sentence", "translation", "updated (UTC)"], rows)
