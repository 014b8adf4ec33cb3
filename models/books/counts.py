"""How much of each book the reader knows, kept up to date by the database itself.

Each book row carries its counts (`counted` distinct words, and how many of them are `known`, `learning`,
`ignored`). Triggers keep them: a word added to a book (`book_words`) adds its status to that book's
counts; a word marked, changed or removed in the vocabulary moves the counts of the books it is in (found
by the `book_words (reader, key)` index). So the list of books reads one row a book, whatever the books'
length or the vocabulary's size, and every way a status changes (a click, a review, an import, another
process) is counted, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

_STATUSES = ("known", "learning", "ignored")


def _moves(row: str, sign: str, cast: str) -> str:
    return ", ".join(f"{s} = {s} {sign} ({row}.status = '{s}'){cast}" for s in _STATUSES)


def _in_books(row: str) -> str:
    return (
        f"reader = {row}.reader AND id IN "
        f"(SELECT book_id FROM book_words WHERE reader = {row}.reader AND key = {row}.key)"
    )


def _word_added(cast: str) -> str:
    found = ", ".join(
        f"{s} = {s} + COALESCE((SELECT (v.status = '{s}'){cast} FROM vocabulary v "
        f"WHERE v.reader = NEW.reader AND v.key = NEW.key), 0)"
        for s in _STATUSES
    )
    return f"UPDATE books SET counted = counted + 1, {found} WHERE reader = NEW.reader AND id = NEW.book_id"


def setup_counts(dialect: str, conn: Connection) -> None:
    """Create (or replace) the triggers that keep the books' counts."""
    if dialect == "postgresql":
        _postgresql(conn)
    else:
        _sqlite(conn)


def _sqlite(conn: Connection) -> None:
    plus, minus = (
        f"UPDATE books SET {_moves(r, s, '')} WHERE {_in_books(r)};" for r, s in (("NEW", "+"), ("OLD", "-"))
    )
    for name in ("book_counts_marked", "book_counts_changed", "book_counts_unmarked", "book_counts_word"):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    conn.exec_driver_sql(f"CREATE TRIGGER book_counts_marked AFTER INSERT ON vocabulary BEGIN {plus} END")
    conn.exec_driver_sql(
        "CREATE TRIGGER book_counts_changed AFTER UPDATE ON vocabulary "
        f"WHEN OLD.status IS NOT NEW.status OR OLD.key IS NOT NEW.key BEGIN {minus} {plus} END"
    )
    conn.exec_driver_sql(f"CREATE TRIGGER book_counts_unmarked AFTER DELETE ON vocabulary BEGIN {minus} END")
    conn.exec_driver_sql(
        f"CREATE TRIGGER book_counts_word AFTER INSERT ON book_words BEGIN {_word_added('')}; END"
    )


def _postgresql(conn: Connection) -> None:
    plus, minus = (
        f"UPDATE books SET {_moves(r, s, '::int')} WHERE {_in_books(r)};"
        for r, s in (("NEW", "+"), ("OLD", "-"))
    )
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION qari_book_counts_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {minus} END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {plus} END IF; RETURN NULL; END $$"
    )
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION qari_book_counts_word() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_word_added('::int')}; RETURN NULL; END $$"
    )
    for name, table in (
        ("book_counts_marked", "vocabulary"),
        ("book_counts_changed", "vocabulary"),
        ("book_counts_unmarked", "vocabulary"),
        ("book_counts_word", "book_words"),
    ):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    conn.exec_driver_sql(
        "CREATE TRIGGER book_counts_marked AFTER INSERT ON vocabulary FOR EACH ROW "
        "EXECUTE FUNCTION qari_book_counts_vocabulary()"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER book_counts_changed AFTER UPDATE ON vocabulary FOR EACH ROW "
        "WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.key IS DISTINCT FROM NEW.key) "
        "EXECUTE FUNCTION qari_book_counts_vocabulary()"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER book_counts_unmarked AFTER DELETE ON vocabulary FOR EACH ROW "
        "EXECUTE FUNCTION qari_book_counts_vocabulary()"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER book_counts_word AFTER INSERT ON book_words FOR EACH ROW "
        "EXECUTE FUNCTION qari_book_counts_word()"
    )
