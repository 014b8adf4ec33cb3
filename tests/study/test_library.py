"""Tests for the readers' stores (models.study.library, models.study.vocab): each reader's library and
vocabulary, what one reader can reach of another's (nothing), the single-reader migration, and the one-file
export and import. Every test runs on SQLite and, where the postgresql package is installed, on a real
PostgreSQL server (the `readers_db` fixture, tests/study/conftest.py)."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from models.db import Database
from models.study.library import (
    FORMAT,
    VERSION,
    Library,
    export_bytes,
    export_reader,
    import_bytes,
    import_reader,
)
from models.study.vocab import LOCAL_READER, VocabStore, reader_key

TEXT = "اتفقت اليابان وكندا على بدء المحادثات. وقالت الوزارة إن الجانبين يهدفان إلى اتفاق."
OTHER = "أغلقت العديد من المحطات النووية اليابانية بعد كارثة فوكوشيما عام 2011."
ALICE = reader_key("http://127.0.0.1:9400", "alice")
BOB = reader_key("http://127.0.0.1:9400", "bob")


def test_a_text_is_kept_once_and_reopened_where_the_reader_stopped(readers_db: Database) -> None:
    library = Library(readers_db, ALICE)
    first = library.add(TEXT, "Japan and Canada", "web", "https://example.org/a", "2026-11-20")
    assert (first.title, first.source, first.address, first.published, first.position) == (
        "Japan and Canada", "web", "https://example.org/a", "2026-11-20", 0,
    )  # fmt: skip
    assert library.set_position(first.id, 1)
    again = library.add(TEXT, "Pasted text", "paste")  # the same text pasted later: the same entry
    assert again.id == first.id and again.position == 1 and again.title == "Japan and Canada"
    assert again.opened >= first.opened and again.added == first.added
    second = library.add(OTHER, "Fukushima", "upload", "fukushima.txt")
    assert [e.id for e in library.entries()] == [second.id, first.id]  # most recently opened first
    reopened = library.open(first.id)
    assert reopened is not None and reopened.body == TEXT and reopened.position == 1
    assert [e.id for e in Library(readers_db, ALICE).entries()] == [first.id, second.id]  # a restart


def test_counts_come_from_the_readers_own_vocabulary(readers_db: Database) -> None:
    library, words = Library(readers_db, ALICE), VocabStore(readers_db, ALICE)
    kept = library.add(TEXT, "Japan and Canada", "paste")
    assert library.entries()[0].words is None and not library.has_words(kept.id)
    assert library.set_words(kept.id, ["اِتَّفَقَ", "يابان", "كَنَدا", "اتفق", "بَدْء", "مُحادَثَة", "  "])
    assert library.has_words(kept.id) and library.word_keys(kept.id) == sorted(
        ["اتفق", "يابان", "كندا", "بدء", "محادثه"]
    )
    words.set_status("اتفق", "known")
    words.set_status("كندا", "learning")
    words.set_status("بدء", "ignored")
    words.set_status("غير", "known")  # not in the text
    VocabStore(readers_db, BOB).set_status("يابان", "known")  # another reader's: not counted
    entry = library.entries()[0]
    assert (entry.words, entry.known, entry.learning, entry.ignored, entry.new) == (5, 1, 1, 1, 2)
    assert entry.shares() == {"known": 0.25, "learning": 0.25, "new": 0.5}
    words.set_status("اتفق", "new")
    assert library.entries()[0].known == 0 and library.entries()[0].new == 3
    empty = library.add("123 456", "Numbers", "paste")
    library.set_words(empty.id, [])
    assert next(e for e in library.entries() if e.id == empty.id).shares() == {
        "known": 0.0, "learning": 0.0, "new": 0.0,
    }  # fmt: skip


def test_rename_delete_and_bad_input(readers_db: Database) -> None:
    library = Library(readers_db, ALICE)
    kept = library.add(TEXT, "  Japan   and Canada ", "sample")
    assert kept.title == "Japan and Canada"
    assert library.rename(kept.id, "اليابان وكندا") and library.get(kept.id).title == "اليابان وكندا"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="title"):
        library.rename(kept.id, "   ")
    with pytest.raises(ValueError, match="source"):
        library.add(TEXT, "x", "email")
    with pytest.raises(ValueError, match="no text"):
        library.add("  \n", "x", "paste")
    with pytest.raises(ValueError, match="sentence"):
        library.set_position(kept.id, -1)
    library.set_words(kept.id, ["اتفق"])
    assert library.delete(kept.id) and not library.delete(kept.id)
    assert library.get(kept.id) is None and library.entries() == [] and library.word_keys(kept.id) == []
    assert not library.rename("no-such-id", "x") and not library.set_position("no-such-id", 3)
    for reader in ("", "   ", None):
        with pytest.raises(ValueError, match="reader"):
            Library(readers_db, reader)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="reader"):
            VocabStore(readers_db, reader)  # type: ignore[arg-type]


def test_no_reader_reaches_another_readers_texts(readers_db: Database) -> None:
    alice, bob = Library(readers_db, ALICE), Library(readers_db, BOB)
    hers = alice.add(TEXT, "Alice's text", "paste")
    alice.set_position(hers.id, 1)
    alice.set_words(hers.id, ["اتفق", "يابان"])
    # Bob knows the id (say it leaked): nothing of it is his to read, list, move, rename, fill or delete
    assert bob.entries() == []
    assert bob.get(hers.id) is None and bob.open(hers.id) is None
    assert not bob.set_position(hers.id, 0)
    assert not bob.rename(hers.id, "Bob's now")
    assert not bob.set_words(hers.id, ["كندا"])
    assert bob.word_keys(hers.id) == [] and not bob.has_words(hers.id)
    assert not bob.delete(hers.id)
    assert bob.texts() == []
    mine = alice.get(hers.id)
    assert mine is not None and (mine.title, mine.position) == ("Alice's text", 1)
    assert alice.word_keys(hers.id) == ["اتفق", "يابان"]
    # the same text opened by both: two entries, each with its own place and title
    his = bob.add(TEXT, "Bob's copy", "paste")
    assert his.id != hers.id and his.position == 0 and his.title == "Bob's copy"
    bob.set_position(his.id, 0)
    assert alice.get(hers.id).position == 1  # type: ignore[union-attr]
    assert [e.title for e in alice.entries()] == ["Alice's text"]
    assert [e.title for e in bob.entries()] == ["Bob's copy"]
    # a local reader (no sign-in) sees neither
    assert Library(readers_db, LOCAL_READER).entries() == []


def test_no_reader_reaches_another_readers_words(readers_db: Database) -> None:
    alice, bob = VocabStore(readers_db, ALICE), VocabStore(readers_db, BOB)
    alice.set_status("كَتَبَ", "known", gloss="write")
    assert bob.get("كتب") is None and bob.get_statuses(["كتب"]) == {} and bob.all_entries() == []
    assert not bob.remove("كتب")
    bob.set_status("كتب", "learning", gloss="Bob's gloss")
    assert alice.get("كتب").status == "known" and alice.get("كتب").gloss == "write"  # type: ignore[union-attr]
    assert bob.get_statuses(["كتب"]) == {"كتب": "learning"}
    assert bob.remove("كتب") and alice.get_statuses(["كتب"]) == {"كتب": "known"}
    assert [e.lemma for e in alice.all_entries("known")] == ["كَتَبَ"]
    bob.import_entries(alice.all_entries())  # what Bob may do with a file Alice gave him: a copy, his own
    bob.set_status("كتب", "ignored")
    assert alice.get("كتب").status == "known"  # type: ignore[union-attr]


def test_reader_keys_are_the_issuer_and_subject_hashed() -> None:
    key = reader_key("https://accounts.example", "10769150350006150715113082367")
    assert key == reader_key("https://accounts.example", "10769150350006150715113082367")
    assert key.startswith("oidc-") and "10769150350006150715113082367" not in key and "example" not in key
    assert key != reader_key("https://other.example", "10769150350006150715113082367")  # same sub elsewhere
    assert key != LOCAL_READER
    with pytest.raises(ValueError):
        reader_key("", "alice")
    with pytest.raises(ValueError):
        reader_key("https://accounts.example", "")


def test_a_single_reader_vocabulary_becomes_the_local_readers(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.sqlite3"
    with sqlite3.connect(path) as conn:  # the table as Qari kept it before readers had keys
        conn.execute(
            "CREATE TABLE vocabulary (key TEXT PRIMARY KEY, lemma TEXT NOT NULL, status TEXT NOT NULL, "
            "gloss TEXT, example TEXT, translation TEXT, created REAL NOT NULL, updated REAL NOT NULL) WITHOUT ROWID"
        )
        conn.execute(
            "INSERT INTO vocabulary VALUES ('كتب', 'كَتَبَ', 'known', 'write', 'كتب.', 'Wrote.', 1.0, 2.0)"
        )
    local = VocabStore(path)
    entry = local.get("كتب")
    assert entry is not None and (entry.lemma, entry.status, entry.gloss, entry.created, entry.updated) == (
        "كَتَبَ", "known", "write", 1.0, 2.0,
    )  # fmt: skip
    assert VocabStore(path, ALICE).get("كتب") is None
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "vocabulary_single_reader" not in tables and "vocabulary" in tables


def test_export_and_import_carry_the_library_and_vocabulary(readers_db: Database, tmp_path: Path) -> None:
    library, words = Library(readers_db, ALICE), VocabStore(readers_db, ALICE)
    first = library.add(TEXT, "Japan and Canada", "web", "https://example.org/a", "2026-11-20")
    library.set_position(first.id, 1)
    library.set_words(first.id, ["اتفق", "يابان", "كندا"])
    library.add(OTHER, "Fukushima", "upload", "fukushima.txt")
    words.set_status("اتفق", "known", gloss="agree", example="اتفقت.", translation="Agreed.")
    words.set_status("كندا", "learning")
    document = export_reader(library, words)
    assert document["format"] == FORMAT and document["version"] == VERSION
    assert ALICE not in json.dumps(document)  # no reader key in the file
    raw = export_bytes(library, words)
    assert json.loads(raw) == {**document, "exported": json.loads(raw)["exported"]}

    # into another reader's account on another machine (a fresh SQLite file)
    target = tmp_path / "new-machine.sqlite3"
    new_library, new_words = Library(target, BOB), VocabStore(target, BOB)
    assert import_bytes(raw, new_library, new_words) == (2, 2)
    entries = {e.title: e for e in new_library.entries()}
    assert set(entries) == {"Japan and Canada", "Fukushima"}
    japan = entries["Japan and Canada"]
    assert (japan.position, japan.source, japan.address, japan.published) == (
        1, "web", "https://example.org/a", "2026-11-20",
    )  # fmt: skip
    assert (japan.words, japan.known, japan.learning) == (3, 1, 1)
    assert entries["Fukushima"].words is None
    assert new_words.get("اتفق").translation == "Agreed."  # type: ignore[union-attr]
    # the same order (most recently opened first), the same dates
    assert [(e.title, e.added, e.opened) for e in new_library.entries()] == [
        (e.title, e.added, e.opened) for e in library.entries()
    ]

    # importing again changes nothing; a word changed since keeps its newer status
    new_words.set_status("كندا", "known")
    assert import_reader(document, new_library, new_words) == (2, 2)
    assert len(new_library.entries()) == 2 and new_words.get("كندا").status == "known"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"not json", "not JSON"),
        (json.dumps({"format": "something-else"}).encode(), "not a Qari library"),
        (json.dumps({"format": FORMAT, "version": VERSION + 1}).encode(), "version"),
        (json.dumps({"format": FORMAT, "version": VERSION, "texts": {}}).encode(), "damaged"),
        (json.dumps({"format": FORMAT, "version": VERSION, "texts": [{"title": "x"}]}).encode(), "damaged"),
        (
            json.dumps(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "texts": [{"text": TEXT}],
                    "vocabulary": [{"lemma": "كتب", "status": "mastered"}],
                }
            ).encode(),
            "damaged",
        ),
    ],
)
def test_a_damaged_file_changes_nothing(readers_db: Database, document: bytes, message: str) -> None:
    library, words = Library(readers_db, ALICE), VocabStore(readers_db, ALICE)
    with pytest.raises(ValueError, match=message):
        import_bytes(document, library, words)
    assert library.entries() == [] and words.all_entries() == []


def test_the_stores_of_one_export_must_be_one_readers(readers_db: Database) -> None:
    with pytest.raises(ValueError, match="same reader"):
        export_reader(Library(readers_db, ALICE), VocabStore(readers_db, BOB))
    with pytest.raises(ValueError, match="same reader"):
        import_reader(
            {"format": FORMAT, "version": VERSION}, Library(readers_db, ALICE), VocabStore(readers_db, BOB)
        )


def test_the_database_is_chosen_by_url(
    readers_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    public_url = readers_db.url.replace("+psycopg", "").replace("+pysqlite", "")  # as a deployment writes it
    monkeypatch.setenv("QARI_DATABASE_URL", public_url)
    VocabStore(reader=ALICE).set_status("كتب", "known")
    Library(reader=ALICE).add(TEXT, "By URL", "paste")
    assert VocabStore(readers_db, ALICE).get_statuses(["كتب"]) == {"كتب": "known"}
    assert [e.title for e in Library(readers_db, ALICE).entries()] == ["By URL"]
    assert not (tmp_path / "vocabulary.sqlite3").exists()
    assert "secret" not in repr(Database("postgresql://qari:secret@db.invalid/qari"))
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        Database("mysql://qari@db.invalid/qari")


def test_concurrent_readers_write_at_once(readers_db: Database) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def reader(n: int) -> None:
        try:
            start.wait()
            key = reader_key("http://127.0.0.1:9400", f"reader-{n}")
            library, words = Library(readers_db, key), VocabStore(readers_db, key)
            for i in range(10):
                kept = library.add(f"{TEXT} {i}", f"Text {i}", "paste")
                library.set_position(kept.id, i % 3)
                words.set_status(f"كلمة{i}", "learning")
                library.add(TEXT, "Shared text", "paste")  # everyone's copy of one text: one entry each
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for n in range(6):
        key = reader_key("http://127.0.0.1:9400", f"reader-{n}")
        assert len(Library(readers_db, key).entries()) == 11
        assert len(VocabStore(readers_db, key).all_entries()) == 10
