"""A kill -9 in the middle of reviewing loses at most the answer being written (issue 26).

A child process answers cards through `models.review.store.ReviewStore` and prints each word once its
`answer` call has returned. The parent kills it with SIGKILL mid-run (no cleanup, the WAL file left
behind), reopens the database and checks: every reported answer is in the history with its card moved
on, at most one answer more (the one being written, if its transaction committed), nothing half-written,
and after the next `sync` every word has the status its last answer gave it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from models.review.store import ReviewStore, scheduler
from models.study.vocab import VocabEntry, VocabStore

ROOT = Path(__file__).resolve().parents[2]
WORDS = 1000

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

ANSWERER = textwrap.dedent(
    """
    import sys
    from models.review.store import ReviewStore, scheduler

    store = ReviewStore(sys.argv[1], fsrs=scheduler(fuzz=False))
    print("ready", flush=True)
    for number, card in enumerate(store.due(now=float(sys.argv[2]))):
        # Again, Hard, Good, Easy in turn, a second apart
        store.answer(card.key, 1 + number % 4, now=float(sys.argv[2]) + number)
        print("A", card.key, flush=True)
    """
)


def test_a_kill_during_reviews_loses_at_most_the_answer_being_written(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.sqlite3"
    words = VocabStore(path)
    now = time.time()
    words.import_entries(
        VocabEntry(f"كلمة {i}", f"كلمة {i}", "new" if i % 2 else "learning", None, None, None, now, now)
        for i in range(WORDS)
    )  # one transaction
    ReviewStore(path).sync(now=now)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", ANSWERER, str(path), str(now)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    lines = [child.stdout.readline().strip()]
    assert lines == ["ready"], child.stderr.read() if child.stderr else ""
    while len(lines) < 200:  # well into the run, then killed wherever it is
        line = child.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    reported = [line.split(" ", 1)[1] for line in lines[1:] if line.startswith("A ")]
    assert len(reported) >= 150, "the child finished or failed before the kill"

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = ReviewStore(path, fsrs=scheduler(fuzz=False))
    history = store.history()
    answered = [row.key for row in history]
    assert answered[: len(reported)] == reported  # every reported answer kept, in order
    assert len(answered) - len(reported) <= 1  # at most the one being written when the kill came
    with sqlite3.connect(path) as conn:
        moved = {key for (key,) in conn.execute("SELECT key FROM review_cards WHERE reviews = 1")}
        assert conn.execute("SELECT COUNT(*) FROM review_cards WHERE reviews > 1").fetchone() == (0,)
    assert moved == set(answered)  # a card moved on exactly when its answer is in the history
    assert store.due_count(now=now) == WORDS - len(answered)

    store.sync(now=now)  # a status the kill kept from being written is written now
    for row in history:
        assert words.get(row.key).status == row.status  # type: ignore[union-attr]
