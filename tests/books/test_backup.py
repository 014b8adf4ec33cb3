"""A reader's books in the library file: exported whole (parts as kept, place, counted words), imported
into another reader's shelf without doubles, and a damaged section refused before anything is written.
On SQLite and, where the postgresql package is installed, a real PostgreSQL server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.library import export_file, import_data
from models.books.backup import check_books, export_books, import_books
from models.books.parts import Book, Chapter
from models.books.shelf import Shelf
from models.db import Database, database, sqlite_url
from models.study.library import Library, file_bytes, file_document
from models.study.vocab import VocabStore

LONG = "\n".join(f"فقرة رقم {n} من الفصل الطويل." for n in range(3_000))  # paged: several parts
BOOK = Book(
    "رواية", [Chapter("الأول", "كتب الولد الدرس."), Chapter("الطويل", LONG), Chapter("الأخير", "انتهى.")]
)


def _file(shelf: Shelf) -> object:
    """The books section as it travels: through the library file's own JSON."""
    return file_document(file_bytes({"books": export_books(shelf)}))["books"]


def test_books_go_into_the_library_file_and_come_back_whole(readers_db: Database) -> None:
    mine = Shelf(readers_db, "reader-a")
    entry = mine.add(BOOK, "epub", "novel.epub")
    assert mine.keep_words(entry.id, 0, ["كَتَب", "وَلَد", "دَرْس"])
    mine.set_position(entry.id, 2, 7)
    VocabStore(readers_db, "reader-b").set_status("وَلَد", "known")  # the other reader knows one of them
    section = _file(mine)
    theirs = Shelf(readers_db, "reader-b")
    assert import_books(theirs, check_books(section)) == 1
    [moved] = theirs.entries()
    assert (moved.title, moved.source, moved.address, moved.parts, moved.chapters, moved.words) == (
        entry.title, "epub", "novel.epub", entry.parts, 3, entry.words
    )  # fmt: skip
    assert (moved.part, moved.sentence) == (2, 7)
    assert [p.label for p in theirs.contents(moved.id)] == [p.label for p in mine.contents(entry.id)]
    assert [theirs.part(moved.id, i).text for i in range(moved.parts)] == [  # type: ignore[union-attr]
        mine.part(entry.id, i).text
        for i in range(entry.parts)  # type: ignore[union-attr]
    ]
    # the counted words came along, and the counts follow the new reader's own vocabulary
    assert theirs.analysed(moved.id, 0) and not theirs.analysed(moved.id, 1)
    assert (moved.counted, moved.known) == (3, 1)
    # the same book again is not kept twice; the place of the copy read last wins
    assert import_books(theirs, check_books(section)) == 1 and len(theirs.entries()) == 1
    theirs.set_position(moved.id, 0, 0)
    assert (theirs.get(moved.id).part, theirs.get(moved.id).sentence) == (0, 0)  # type: ignore[union-attr]
    mine.open(entry.id)  # read in the first account since: the file's copy is newer
    import_books(theirs, check_books(_file(mine)))
    assert (theirs.get(moved.id).part, theirs.get(moved.id).sentence) == (2, 7)  # type: ignore[union-attr]
    # and it is the same book as the EPUB: uploading it again finds it
    assert theirs.add(BOOK, "epub").id == moved.id and len(theirs.entries()) == 1


@pytest.mark.parametrize(
    "section, message",
    [
        ({"title": "x"}, "books must be a list"),
        ([{"title": "x", "parts": []}], "a book without its parts"),
        ([{"title": "x", "parts": [{"text": "نص", "chapter": 0, "page": 0}]}], "its place"),
        ([{"title": "x", "parts": [{"text": "  ", "chapter": 0, "page": 0, "pages": 1}]}], "its text"),
        ([{"title": "x", "parts": [{"text": 5, "chapter": 0, "page": 0, "pages": 1}]}], "its text"),
    ],
)
def test_a_damaged_books_section_is_refused_in_one_sentence(section: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_books(section)


def test_a_file_without_books_has_none_and_odd_fields_are_cleaned() -> None:
    assert check_books(None) == []
    odd = {"title": "  ", "source": "ftp", "digest": "not-hex", "part": 9, "sentence": -3,
           "words": ["كتاب", 7, ""], "parts": [{"text": "نص.", "chapter": 0, "page": 0, "pages": 1}]}  # fmt: skip
    [book] = check_books(json.loads(json.dumps([odd])))
    assert (book["title"], book["source"], book["digest"], book["part"], book["sentence"]) == (
        "Imported book", "upload", None, 0, 0
    )  # fmt: skip
    assert book["words"] == ["كتاب"]


def test_the_page_s_library_file_carries_texts_books_and_words_and_a_damaged_one_changes_nothing(
    readers_db: Database,
) -> None:
    mine = (
        Library(readers_db, "reader-a"),
        VocabStore(readers_db, "reader-a"),
        Shelf(readers_db, "reader-a"),
    )
    mine[0].add("نص قصير للمكتبة.", "نص", "paste")
    mine[1].set_status("كتاب", "learning")
    mine[2].add(BOOK, "epub", "novel.epub")
    data = export_file(*mine)
    theirs = (
        Library(readers_db, "reader-b"),
        VocabStore(readers_db, "reader-b"),
        Shelf(readers_db, "reader-b"),
    )
    damaged = json.loads(data)
    damaged["books"][0]["parts"][1]["text"] = None
    with pytest.raises(ValueError, match="damaged"):
        import_data(json.dumps(damaged).encode(), *theirs)
    assert theirs[0].entries() == [] and theirs[2].entries() == [] and theirs[1].all_entries() == []
    assert import_data(data, *theirs) == (1, 1, 1)
    assert [e.title for e in theirs[2].entries()] == ["رواية"]
    assert [e.title for e in theirs[0].entries()] == ["نص"]
    # a file from before books were kept in it imports as it did
    older = json.loads(data)
    del older["books"]
    assert import_data(json.dumps(older).encode(), *theirs) == (1, 0, 1)


def test_a_file_s_books_are_kept_all_together_or_none(tmp_path: Path) -> None:
    """A book the database refuses part way (here a trigger, as a full disk would) keeps none of the
    file's books: they go in as one transaction."""
    db = database(sqlite_url(tmp_path / "readers.sqlite3"))
    mine = Shelf(db, "reader-a")
    mine.add(BOOK, "epub")
    mine.add(Book("ممنوع", [Chapter("الأول", "كتاب آخر.")]), "epub")
    section = check_books(_file(mine))
    assert len(section) == 2
    theirs = Shelf(db, "reader-b")
    with db.transaction(write=True) as conn:  # the file's second book is refused
        conn.exec_driver_sql(
            f"CREATE TRIGGER refused BEFORE INSERT ON books WHEN NEW.title = '{section[1]['title']}' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    with pytest.raises(Exception, match="refused"):
        import_books(theirs, section)
    assert theirs.entries() == []  # not the book before it either
    with db.transaction() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM book_parts WHERE reader = 'reader-b'").scalar() == 0
    db.engine.dispose()
