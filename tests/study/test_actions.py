"""Applied actions: a mark sent twice is applied once, recorded in its own transaction, per reader; on
SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from models.db import Database
from models.review.store import ReviewStore
from models.study.actions import KEEP_SECONDS, ActionLog
from models.study.vocab import VocabStore


def _updated(db: Database, reader: str, key: str) -> float | None:
    with db.transaction() as conn:
        row = conn.execute(
            text("SELECT updated FROM vocabulary WHERE reader = :r AND key = :k"), {"r": reader, "k": key}
        ).fetchone()
    return row[0] if row else None


def test_an_action_sent_twice_is_applied_once(readers_db: Database) -> None:
    vocab, log = VocabStore(readers_db, "alice"), ActionLog(readers_db, "alice")
    assert log.apply("page-1", 1, lambda conn: vocab.set_status("كتاب", "learning", within=conn))
    first = _updated(readers_db, "alice", "كتاب")
    # the page re-sends it (its acknowledgement was lost): nothing runs again
    assert not log.apply("page-1", 1, lambda conn: vocab.set_status("كتاب", "known", within=conn))
    assert vocab.get("كتاب").status == "learning"
    assert _updated(readers_db, "alice", "كتاب") == first
    # the same number in another page session, or for another reader, is another action
    assert log.apply("page-2", 1, lambda conn: vocab.set_status("كتاب", "known", within=conn))
    assert vocab.get("كتاب").status == "known"
    assert ActionLog(readers_db, "bob").apply("page-1", 1, lambda conn: None)
    assert log.applied("page-1", [1, 2, 3]) == {1}


def test_a_failing_action_leaves_no_half_and_is_not_retried(readers_db: Database) -> None:
    vocab, log = VocabStore(readers_db, "alice"), ActionLog(readers_db, "alice")

    def two_marks(conn: object) -> None:
        vocab.set_status("كتاب", "learning", within=conn)  # type: ignore[arg-type]
        vocab.set_status("   ", "learning", within=conn)  # type: ignore[arg-type]  # an empty word

    with pytest.raises(ValueError, match="empty word"):
        log.apply("page-1", 7, two_marks)
    assert vocab.get("كتاب") is None  # rolled back with the failing half
    assert log.applied("page-1", [7]) == {7}  # and not tried again
    assert not log.apply("page-1", 7, two_marks)


def test_the_record_and_the_mark_commit_together(readers_db: Database) -> None:
    """An exception after the mark (the process dying mid-action) leaves neither the mark nor its record:
    the page's re-sent action is then applied."""
    vocab, log = VocabStore(readers_db, "alice"), ActionLog(readers_db, "alice")

    def dies(conn: object) -> None:
        vocab.set_form_status("بكتابه", "كتاب", "known", within=conn)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        log.apply("page-1", 3, dies)
    assert vocab.form_statuses([("بكتابه", "كتاب")]) == {}
    assert log.applied("page-1", [3]) == set()
    assert log.apply("page-1", 3, lambda conn: vocab.set_form_status("بكتابه", "كتاب", "known", within=conn))
    assert vocab.form_statuses([("بكتابه", "كتاب")]) == {("بكتابه", "كتاب"): "known"}


def test_a_review_answer_once(readers_db: Database) -> None:
    vocab, log = VocabStore(readers_db, "alice"), ActionLog(readers_db, "alice")
    vocab.set_status("كتاب", "new")
    store = ReviewStore(readers_db, "alice")
    store.sync()
    for _ in range(2):  # sent twice
        log.apply("page-1", 1, lambda conn: store.answer("كتاب", 3, within=conn))
    assert len(store.history()) == 1


def test_old_records_are_forgotten(readers_db: Database) -> None:
    log = ActionLog(readers_db, "alice")
    log.apply("page-1", 1, lambda conn: None)
    assert log.forget_old() == 0
    assert log.forget_old(time.time() + KEEP_SECONDS + 1) == 1
    assert log.applied("page-1", [1]) == set()
