"""Each reader's books: kept once, read a part at a time, the place kept, and the counts of known words
kept by the database as words are marked (checked against counting from scratch). On SQLite and, where
the postgresql package is installed, on a real PostgreSQL server."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import text

from models.books.parts import Book, Chapter
from models.books.shelf import Shelf
from models.db import Database
from models.review.context import contexts
from models.study.library import Library
from models.study.vocab import VocabEntry, VocabStore, vocab_key

LONG = "\n".join(f"فقرة رقم {n} من الفصل الطويل." for n in range(3_000))  # about 80,000 characters
BOOK = Book(
    "رواية", [Chapter("الأول", "كتب الولد الدرس."), Chapter("الطويل", LONG), Chapter("الأخير", "انتهى.")]
)


def test_a_book_is_kept_once_in_parts_and_reopened_where_the_reader_stopped(readers_db: Database) -> None:
    shelf = Shelf(readers_db, "reader-a")
    entry = shelf.add(BOOK, "epub", "novel.epub")
    assert (entry.title, entry.chapters, entry.part, entry.sentence) == ("رواية", 3, 0, 0)
    contents = shelf.contents(entry.id)
    assert entry.parts == len(contents) > 3
    assert [c.label for c in contents[:2]] == ["الأول", f"\u2068الطويل\u2069 · page 1 of {contents[1].pages}"]
    assert contents[-1].label == "الأخير"
    assert "\n".join(shelf.part(entry.id, i).text for i in range(1, entry.parts - 1)) == LONG  # type: ignore[union-attr]
    assert shelf.part(entry.id, entry.parts) is None
    assert shelf.set_position(entry.id, 2, 17)
    assert not shelf.set_position(entry.id, entry.parts, 0)  # no such part
    again = shelf.add(BOOK, "upload", "other-name.epub")
    assert (again.id, again.part, again.sentence, again.source) == (entry.id, 2, 17, "epub")
    assert len(shelf.entries()) == 1
    with pytest.raises(ValueError, match="place"):
        shelf.set_position(entry.id, -1, 0)
    assert shelf.rename(entry.id, "  رواية   جديدة ")
    assert shelf.open(entry.id).title == "رواية جديدة"  # type: ignore[union-attr]
    assert shelf.delete(entry.id) and shelf.entries() == [] and shelf.contents(entry.id) == []


def test_no_reader_reaches_another_readers_books(readers_db: Database) -> None:
    mine, theirs = Shelf(readers_db, "reader-a"), Shelf(readers_db, "reader-b")
    entry = mine.add(BOOK, "epub")
    assert theirs.get(entry.id) is None and theirs.open(entry.id) is None
    assert theirs.part(entry.id, 0) is None and theirs.contents(entry.id) == []
    assert not theirs.set_position(entry.id, 1, 1) and not theirs.rename(entry.id, "x")
    assert not theirs.keep_words(entry.id, 0, ["كتب"]) and not theirs.delete(entry.id)
    assert theirs.entries() == [] and mine.get(entry.id) is not None


def _recount(db: Database, reader: str, book_id: str) -> tuple[int, int, int, int]:
    """The counts worked out from scratch: what the kept ones must always equal."""
    with db.transaction() as conn:
        row = conn.execute(
            text(
                "SELECT COUNT(*), SUM(CASE WHEN v.status = 'known' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN v.status = 'learning' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN v.status = 'ignored' THEN 1 ELSE 0 END) FROM book_words w "
                "LEFT JOIN vocabulary v ON v.reader = w.reader AND v.key = w.key "
                "WHERE w.reader = :reader AND w.book_id = :id"
            ),
            {"reader": reader, "id": book_id},
        ).fetchone()
    assert row is not None
    return (int(row[0]), *(int(n or 0) for n in row[1:]))  # type: ignore[return-value]


def _kept(shelf: Shelf, book_id: str) -> tuple[int, int, int, int]:
    entry = shelf.get(book_id)
    assert entry is not None
    return entry.counted, entry.known, entry.learning, entry.ignored


def test_counts_follow_every_way_a_word_is_marked(readers_db: Database) -> None:
    shelf, vocabulary = Shelf(readers_db, "reader-a"), VocabStore(readers_db, "reader-a")
    other = VocabStore(readers_db, "reader-b")
    one = shelf.add(BOOK, "epub")
    two = shelf.add(Book("قصة", [Chapter("فصل", "ذهب الولد إلى المدرسة.")]), "paste")
    vocabulary.set_status("كتب", "known")  # marked before the book's words are counted
    assert shelf.keep_words(one.id, 0, ["كتب", "وَلَد", "درس", "درس"])
    assert _kept(shelf, one.id) == (3, 1, 0, 0)
    assert shelf.keep_words(one.id, 0, ["كتب"])  # again: nothing counted twice
    assert _kept(shelf, one.id) == (3, 1, 0, 0)
    shelf.keep_words(two.id, 0, ["ذهب", "ولد", "مدرسة"])
    vocabulary.set_status("ولد", "learning")  # in both books
    other.set_status("ذهب", "known")  # another reader's word counts in no book of this reader's
    assert _kept(shelf, one.id) == (3, 1, 1, 0) and _kept(shelf, two.id) == (3, 0, 1, 0)
    vocabulary.set_status("ولد", "known")
    vocabulary.set_status("درس", "ignored")
    assert _kept(shelf, one.id) == (3, 2, 0, 1) and _kept(shelf, two.id) == (3, 1, 0, 0)
    vocabulary.remove("كتب")
    vocabulary.set_status("درس", "new")
    assert _kept(shelf, one.id) == (3, 1, 0, 0)
    entry = shelf.get(one.id)
    assert entry is not None and entry.shares() == {"known": 1 / 3, "learning": 0.0, "new": 2 / 3}
    # many marks at random, from every side: the kept counts always equal a count from scratch
    rng = random.Random(3)
    words = [f"كلمة{n}" for n in range(60)]
    shelf.keep_words(one.id, 1, words[:40])
    shelf.keep_words(two.id, 0, words[20:])
    for _ in range(150):
        word = rng.choice(words)
        if rng.random() < 0.15:
            vocabulary.remove(word)
        else:
            vocabulary.set_status(word, rng.choice(["new", "learning", "known", "ignored"]))
    for book in (one, two):
        assert _kept(shelf, book.id) == _recount(readers_db, "reader-a", book.id)


def test_a_marked_word_finds_its_books_by_index_not_by_scanning(tmp_path: Path) -> None:
    from models.db import database, sqlite_url

    db = database(sqlite_url(tmp_path / "readers.sqlite3"))
    Shelf(db, "reader-a")
    with db.transaction() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT book_id FROM book_words WHERE reader = 'a' AND key = 'k'"
            )
        )
    assert "book_words_by_key (reader=? AND key=?)" in plan


def test_a_review_finds_its_word_in_the_parts_of_books_read_so_far(readers_db: Database) -> None:
    shelf, library = Shelf(readers_db, "reader-a"), Library(readers_db, "reader-a")
    book = Book("رواية", [Chapter("الأول", "ذهب الولد إلى المدرسة."), Chapter("الثاني", "كتب الولد الدرس.")])
    entry = shelf.add(book, "epub")
    key = vocab_key("وَلَد")
    word = VocabEntry(key, "وَلَد", "learning", None, None, None, 0.0, 0.0)
    assert list(shelf.passages(key)) == []  # nothing read yet: no part is looked in
    assert shelf.keep_words(entry.id, 1, ["كَتَب", "وَلَد", "دَرْس"])  # the second chapter read
    assert list(shelf.passages(key)) == [("رواية · الثاني", "كتب الولد الدرس.")]
    found = contexts(library, word, books=shelf.passages(key))
    assert [(c.sentence, c.title, c.form) for c in found] == [("كتب الولد الدرس.", "رواية · الثاني", "الولد")]
    assert list(Shelf(readers_db, "reader-b").passages(key)) == []  # another reader's books are not theirs
    assert list(shelf.passages(vocab_key("قَمَر"))) == []  # a word the book's parts read do not hold
