"""How much of each text (and each book) the reader knows, kept up to date by the database itself.

Each owner row (a library text, a book) carries its counts: how many of its distinct words are `known`,
`learning`, `ignored` (and, for books, how many are `counted` so far). Triggers keep them: a word added to
or removed from an owner's words adds or takes away its status; a word marked, changed or unmarked in the
vocabulary moves the counts of every owner it is in (found by an index on the words' (reader, key)). So a
list reads one row an owner, whatever their length or the vocabulary's size, and every way a status
changes (a click, a review, an import, another process) is counted, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

STATUSES = ("known", "learning", "ignored")


@dataclass(frozen=True)
class Counted:
    """Whose counts: the owners' table (`owners`, keyed by reader and id), its words' table (`words`,
    with the owner's id in `owner_id`), and the column counting the owner's words, if the triggers keep
    it (`counted`)."""

    name: str  # prefix of the triggers' names
    owners: str
    words: str
    owner_id: str
    counted: str | None = None


TEXTS = Counted("text_counts", "texts", "text_words", "text_id")
BOOKS = Counted("book_counts", "books", "book_words", "book_id", counted="counted")


def _moves(row: str, sign: str, cast: str) -> str:
    return ", ".join(f"{s} = {s} {sign} ({row}.status = '{s}'){cast}" for s in STATUSES)


def _vocabulary_changed(c: Counted, row: str, sign: str, cast: str) -> str:
    return (
        f"UPDATE {c.owners} SET {_moves(row, sign, cast)} WHERE reader = {row}.reader AND id IN "
        f"(SELECT {c.owner_id} FROM {c.words} WHERE reader = {row}.reader AND key = {row}.key);"
    )


def _word_changed(c: Counted, row: str, sign: str, cast: str) -> str:
    found = ", ".join(
        f"{s} = {s} {sign} COALESCE((SELECT (v.status = '{s}'){cast} FROM vocabulary v "
        f"WHERE v.reader = {row}.reader AND v.key = {row}.key), 0)"
        for s in STATUSES
    )
    counted = f"{c.counted} = {c.counted} {sign} 1, " if c.counted else ""
    return f"UPDATE {c.owners} SET {counted}{found} WHERE reader = {row}.reader AND id = {row}.{c.owner_id};"


def setup_counts(dialect: str, conn: Connection, c: Counted) -> None:
    """Create (or replace) the triggers that keep `c`'s counts, and the index they find owners by."""
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {c.words}_by_key ON {c.words} (reader, key, {c.owner_id})"
    )  # covering: SQLite takes it over the primary key, which it would scan by reader
    if dialect == "postgresql":
        _postgresql(conn, c)
    else:
        _sqlite(conn, c)


def backfill(conn: Connection, c: Counted) -> None:
    """Work every owner's counts out once from scratch (when the counts' columns are new)."""
    sums = ", ".join(
        f"{s} = (SELECT COUNT(*) FROM {c.words} w JOIN vocabulary v ON v.reader = w.reader AND v.key = w.key "
        f"WHERE w.reader = {c.owners}.reader AND w.{c.owner_id} = {c.owners}.id AND v.status = '{s}')"
        for s in STATUSES
    )
    conn.exec_driver_sql(f"UPDATE {c.owners} SET {sums}")


def _triggers(c: Counted) -> list[tuple[str, str, str]]:
    """(name, event, table) of each trigger."""
    return [
        (f"{c.name}_marked", "INSERT", "vocabulary"),
        (f"{c.name}_changed", "UPDATE", "vocabulary"),
        (f"{c.name}_unmarked", "DELETE", "vocabulary"),
        (f"{c.name}_word", "INSERT", c.words),
        (f"{c.name}_word_gone", "DELETE", c.words),
    ]


def _sqlite(conn: Connection, c: Counted) -> None:
    bodies = {
        f"{c.name}_marked": _vocabulary_changed(c, "NEW", "+", ""),
        f"{c.name}_changed": _vocabulary_changed(c, "OLD", "-", "") + _vocabulary_changed(c, "NEW", "+", ""),
        f"{c.name}_unmarked": _vocabulary_changed(c, "OLD", "-", ""),
        f"{c.name}_word": _word_changed(c, "NEW", "+", ""),
        f"{c.name}_word_gone": _word_changed(c, "OLD", "-", ""),
    }
    for name, event, table in _triggers(c):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        when = " WHEN OLD.status IS NOT NEW.status OR OLD.key IS NOT NEW.key" if event == "UPDATE" else ""
        conn.exec_driver_sql(f"CREATE TRIGGER {name} AFTER {event} ON {table}{when} BEGIN {bodies[name]} END")


def _postgresql(conn: Connection, c: Counted) -> None:
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION qari_{c.name}_vocabulary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_vocabulary_changed(c, 'OLD', '-', '::int')} END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_vocabulary_changed(c, 'NEW', '+', '::int')} END IF; "
        "RETURN NULL; END $$"
    )
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION qari_{c.name}_words() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN {_word_changed(c, 'OLD', '-', '::int')} "
        f"ELSE {_word_changed(c, 'NEW', '+', '::int')} END IF; RETURN NULL; END $$"
    )
    for name, event, table in _triggers(c):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        when = (
            " WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.key IS DISTINCT FROM NEW.key)"
            if event == "UPDATE"
            else ""
        )
        function = f"qari_{c.name}_vocabulary" if table == "vocabulary" else f"qari_{c.name}_words"
        conn.exec_driver_sql(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {function}()"
        )
