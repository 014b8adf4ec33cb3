"""Word families: a root's words across one reader's own library (كتاب، مكتبة، كاتب، يكتب …), each with
its lemma, gloss, the reader's status and a sentence it was met in; and a root marked for review like a
word.

A text's words are kept by root when the library keeps its words (`Families.keep`), in the readers'
database beside the library (`word_families`: reader, text, root, lemma key, the form met, lemma, gloss,
sentence), so a family needs no text analysed again; a text taken out of the library takes its words
out of the families. Like the library, a `Families` is bound to one reader and never reads another's.

A root is marked in the reader's vocabulary as the word `ROOT_MARK + root` (√كتب), with its family's
lemmas and glosses as its gloss: it then has a status, and comes up in review, like any word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.db import CHUNK, Database
from models.document import Document
from models.study.vocab import (
    LOCAL_READER,
    Status,
    VocabEntry,
    VocabStore,
    check_reader,
    readers_database,
    vocab_key,
)

ROOT_MARK = "√"
MAX_MEMBERS = 60  # a family's words shown (the most common roots have hundreds)

_TABLE = """
CREATE TABLE IF NOT EXISTS word_families (
    reader    TEXT NOT NULL,
    text_id   TEXT NOT NULL,
    root      TEXT NOT NULL,
    key       TEXT NOT NULL,
    form      TEXT NOT NULL,
    lemma     TEXT NOT NULL,
    gloss     TEXT,
    sentence  TEXT NOT NULL,
    PRIMARY KEY (reader, text_id, root, key)
)
"""


@dataclass(frozen=True)
class Member:
    """One word of a family: the form met, its lemma and gloss, the reader's status, a sentence with it."""

    form: str
    lemma: str
    gloss: str | None
    status: Status | None
    sentence: str


def _setup(conn: Connection) -> None:
    conn.exec_driver_sql(_TABLE)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS word_families_root ON word_families (reader, root)")


def doc_members(doc: Document) -> dict[str, list[tuple[str, str, str, str | None, str]]]:
    """root → (key, form, lemma, gloss, sentence) of each word of `doc`, once per lemma, first met first."""
    out: dict[str, list[tuple[str, str, str, str | None, str]]] = {}
    seen: set[tuple[str, str]] = set()
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.kind != "arabic" or not token.root:
                continue
            lemma = token.lemma or token.text
            key = vocab_key(lemma)
            if not key or (token.root, key) in seen:
                continue
            seen.add((token.root, key))
            out.setdefault(token.root, []).append((key, token.text, lemma, token.gloss, sentence.text))
    return out


class Families:
    """One reader's word families, over their library."""

    def __init__(self, where: Path | str | Database | None = None, reader: str = LOCAL_READER) -> None:
        self.db = readers_database(where)
        self.reader = check_reader(reader)
        self.db.ensure("word_families", _setup)

    def keep(self, text_id: str, doc: Document) -> int:
        """Keep `doc`'s words by root as the words of library text `text_id` (again: replaced); how many."""
        rows = [
            {"reader": self.reader, "text_id": text_id, "root": root, "key": key, "form": form,
             "lemma": lemma, "gloss": gloss, "sentence": sentence}
            for root, members in doc_members(doc).items()
            for key, form, lemma, gloss, sentence in members
        ]  # fmt: skip
        with self.db.transaction(write=True) as conn:
            conn.execute(
                text("DELETE FROM word_families WHERE reader = :reader AND text_id = :id"),
                {"reader": self.reader, "id": text_id},
            )
            for start in range(0, len(rows), CHUNK):
                conn.execute(
                    text(
                        "INSERT INTO word_families (reader, text_id, root, key, form, lemma, gloss, sentence) "
                        "VALUES (:reader, :text_id, :root, :key, :form, :lemma, :gloss, :sentence)"
                    ),
                    rows[start : start + CHUNK],
                )
        return len(rows)

    def family(
        self, root: str, vocabulary: VocabStore | None = None, doc: Document | None = None
    ) -> list[Member]:
        """The words of `root` in this reader's library (texts still there) and in `doc` (the text being
        read, kept or not), each lemma once, with the reader's status from `vocabulary`."""
        found: dict[str, tuple[str, str, str | None, str]] = {}
        if doc is not None:
            for key, form, lemma, gloss, sentence in doc_members(doc).get(root, []):
                found.setdefault(key, (form, lemma, gloss, sentence))
        with self.db.transaction() as conn:
            tables = self.db.tables(conn)
            if "texts" in tables:  # only texts still in the library
                query = (
                    "SELECT f.key, f.form, f.lemma, f.gloss, f.sentence FROM word_families f "
                    "JOIN texts t ON t.reader = f.reader AND t.id = f.text_id "
                    "WHERE f.reader = :reader AND f.root = :root ORDER BY t.opened DESC, f.key"
                )
            else:
                query = (
                    "SELECT key, form, lemma, gloss, sentence FROM word_families "
                    "WHERE reader = :reader AND root = :root ORDER BY key"
                )
            for key, form, lemma, gloss, sentence in conn.execute(
                text(query), {"reader": self.reader, "root": root}
            ):
                found.setdefault(key, (form, lemma, gloss, sentence))
        keys = list(found)[:MAX_MEMBERS]
        statuses = vocabulary.get_statuses([found[k][1] for k in keys]) if vocabulary is not None else {}
        return [
            Member(form, lemma, gloss, statuses.get(lemma), sentence)
            for form, lemma, gloss, sentence in (found[k] for k in keys)
        ]


def root_word(root: str) -> str:
    """The vocabulary's word for a root: √كتب."""
    return ROOT_MARK + root


def mark_root(
    vocabulary: VocabStore, root: str, status: Status, members: Iterable[Member] = ()
) -> VocabEntry:
    """Save `status` for the root itself, its family's lemmas and glosses as its meaning, and one of its
    sentences as its example (what review shows)."""
    members = list(members)
    gloss = "; ".join(f"{m.lemma} {m.gloss.split(';')[0]}" if m.gloss else m.lemma for m in members[:6])
    example = members[0].sentence if members else None
    return vocabulary.set_status(
        root_word(root), status, gloss=f"root of: {gloss}" if gloss else "a root", example=example
    )
