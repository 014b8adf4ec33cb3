"""The library's counts of known words, kept by the database as words are marked (models/study/counts.py):
always equal to counting from scratch, whatever marks them; an older library gets them worked out once.
On SQLite and, where the postgresql package is installed, on a real PostgreSQL server."""

from __future__ import annotations

import random

from sqlalchemy import text

from models.db import Database
from models.study.library import Library
from models.study.vocab import VocabStore


def _recount(db: Database, reader: str) -> dict[str, tuple[int, int, int]]:
    with db.transaction() as conn:
        rows = conn.execute(
            text(
                "SELECT t.id, SUM(CASE WHEN v.status = 'known' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN v.status = 'learning' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN v.status = 'ignored' THEN 1 ELSE 0 END) FROM texts t "
                "LEFT JOIN text_words w ON w.reader = t.reader AND w.text_id = t.id "
                "LEFT JOIN vocabulary v ON v.reader = w.reader AND v.key = w.key "
                "WHERE t.reader = :reader GROUP BY t.id"
            ),
            {"reader": reader},
        ).fetchall()
    return {row[0]: (int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)) for row in rows}


def _kept(library: Library) -> dict[str, tuple[int, int, int]]:
    return {e.id: (e.known, e.learning, e.ignored) for e in library.entries()}


def test_the_texts_counts_follow_every_mark(readers_db: Database) -> None:
    library, vocabulary = Library(readers_db, "reader-a"), VocabStore(readers_db, "reader-a")
    other = VocabStore(readers_db, "reader-b")
    words = [f"كلمة{n}" for n in range(50)]
    one = library.add("النص الأول.", "one", "paste")
    two = library.add("النص الثاني.", "two", "paste")
    vocabulary.set_status(words[0], "known")  # before the text's words are kept
    library.set_words(one.id, words[:30])
    library.set_words(two.id, words[20:])
    assert _kept(library)[one.id] == (1, 0, 0)
    rng = random.Random(5)
    for step in range(120):
        word = rng.choice(words)
        if step % 25 == 24:  # a text's words kept anew (its analysis changed)
            library.set_words(one.id, rng.sample(words, 30))
        elif rng.random() < 0.15:
            vocabulary.remove(word)
        elif rng.random() < 0.1:
            other.set_status(word, "known")  # another reader's marks count in none of these
        else:
            vocabulary.set_status(word, rng.choice(["new", "learning", "known", "ignored"]))
    assert _kept(library) == _recount(readers_db, "reader-a")
    library.delete(two.id)
    assert _kept(library) == _recount(readers_db, "reader-a")


def test_a_library_from_before_the_counts_gets_them_once(readers_db: Database) -> None:
    vocabulary = VocabStore(readers_db, "reader-a")
    vocabulary.set_status("كتب", "known")
    vocabulary.set_status("درس", "learning")
    with readers_db.transaction(write=True) as conn:  # the tables as an older Qari made them
        conn.exec_driver_sql(
            "CREATE TABLE texts (reader TEXT NOT NULL, id TEXT NOT NULL, digest TEXT NOT NULL, title TEXT NOT NULL, "
            "source TEXT NOT NULL, address TEXT, published TEXT, body TEXT NOT NULL, position INTEGER NOT NULL "
            "DEFAULT 0, words INTEGER, added DOUBLE PRECISION NOT NULL, opened DOUBLE PRECISION NOT NULL, "
            "PRIMARY KEY (reader, id), UNIQUE (reader, digest))"
        )
        conn.exec_driver_sql(
            "CREATE TABLE text_words (reader TEXT NOT NULL, text_id TEXT NOT NULL, key TEXT NOT NULL, "
            "PRIMARY KEY (reader, text_id, key))"
        )
        conn.exec_driver_sql(
            "INSERT INTO texts VALUES ('reader-a', 't1', 'd1', 'old', 'paste', NULL, NULL, 'كتب الدرس', 0, 3, 1, 1)"
        )
        for key in ("كتب", "درس", "ولد"):
            conn.exec_driver_sql(f"INSERT INTO text_words VALUES ('reader-a', 't1', '{key}')")
    library = Library(readers_db, "reader-a")
    (entry,) = library.entries()
    assert (entry.words, entry.known, entry.learning, entry.ignored) == (3, 1, 1, 0)
    vocabulary.set_status("ولد", "ignored")  # and kept from now on
    assert library.entries()[0].ignored == 1
