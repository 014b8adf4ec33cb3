"""The SQLite stores under crashes and concurrent writers (issue 7: "a crash mid-write loses nothing
committed"; "the SQLite cache and vocabulary survive concurrent writers").

Child processes write through `models.translation.cache.TranslationStore` and `models.study.vocab.VocabStore` and print
each key only after the call that wrote it has returned (its transaction committed). The parent kills
a writer with SIGKILL in mid-run — no cleanup, no checkpoint, the WAL file left behind — reopens the
databases and checks that every reported key is there and that SQLite finds both files intact.
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

from models.study.vocab import VocabStore
from models.translation.cache import TranslationStore

ROOT = Path(__file__).resolve().parent.parent
MODEL = "crash-test-model"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

# argv: data folder, writer tag, number of rounds (0: until killed), start time (0: at once).
# Each round: one put_many of several long sentences, then one set_status; both keys are printed once
# committed. Long values and several rows per transaction make a kill inside a write likely.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from models.translation.cache import TranslationStore
    from models.study.vocab import VocabStore

    folder, tag, rounds, start = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    translations = TranslationStore(folder / "qari.sqlite3")
    vocabulary = VocabStore(folder / "vocabulary.sqlite3")
    while time.time() < start:  # both writers of the concurrency test begin together
        time.sleep(0.001)
    print("ready", flush=True)
    i = 0
    while rounds == 0 or i < rounds:
        batch = {f"{tag}-{i}-{j} " + "جملة عربية طويلة " * 40: f"{tag} {i} {j} " + "a long English line " * 40
                 for j in range(8)}
        translations.put_many("MODEL", batch)
        print("T", tag, i, flush=True)
        # a key of its own, and one both writers of the concurrency test update
        vocabulary.set_status(f"كلمة {tag} {i}", "learning", gloss=f"word {i}", example="مثال " * 50)
        vocabulary.set_status("مشترك", "known" if i % 2 else "learning", gloss=f"{tag} {i}")
        print("V", tag, i, flush=True)
        i += 1
    """
).replace("MODEL", MODEL)


def _writer(folder: Path, tag: str, rounds: int = 0, start: float = 0.0) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), tag, str(rounds), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
    )


def _committed(lines: list[str]) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(tag, round) pairs whose translations ("T") and statuses ("V") the writer reported committed."""
    found: dict[str, set[tuple[str, int]]] = {"T": set(), "V": set()}
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind in found:
            tag, number = rest.split()
            found[kind].add((tag, int(number)))
    return found["T"], found["V"]


def _check_stores(folder: Path, translated: set[tuple[str, int]], saved: set[tuple[str, int]]) -> None:
    for name in ("qari.sqlite3", "vocabulary.sqlite3"):
        conn = sqlite3.connect(folder / name)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], name
        finally:
            conn.close()
    translations = TranslationStore(folder / "qari.sqlite3")
    conn = sqlite3.connect(folder / "qari.sqlite3")
    try:
        stored = {source.split(" ", 1)[0] for (source,) in conn.execute("SELECT source FROM translations")}
    finally:
        conn.close()
    missing = [f"{tag}-{i}-{j}" for tag, i in translated for j in range(8) if f"{tag}-{i}-{j}" not in stored]
    assert not missing, f"committed translations lost: {missing[:5]}"
    assert translations.count(MODEL) == len(stored)
    vocabulary = VocabStore(folder / "vocabulary.sqlite3")
    statuses = vocabulary.get_statuses(f"كلمة {tag} {i}" for tag, i in saved)
    assert len(statuses) == len(saved), "committed word statuses lost"
    assert set(statuses.values()) == {"learning"}


def test_sigkill_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    translated: set[tuple[str, int]] = set()
    saved: set[tuple[str, int]] = set()
    # Three runs, each killed at a different moment (after 5, 3 and 8 commits, while it goes on writing);
    # the later ones write into files a kill left behind. The kill waits for commits, not for the clock.
    for run, commits in enumerate((5, 3, 8)):
        child = _writer(tmp_path, f"run{run}")
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        seen: list[str] = []
        while len(_committed(seen)[0]) < commits:
            line = child.stdout.readline()
            assert line, "the writer stopped before the kill"
            seen.append(line.rstrip("\n"))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)  # everything printed before the kill is in the pipe
        out = "\n".join(seen) + "\n" + out
        assert child.returncode == -signal.SIGKILL
        assert "Traceback" not in err, err
        run_translated, run_saved = _committed(out.splitlines())
        assert len(run_translated) >= commits
        translated |= run_translated
        saved |= run_saved
        _check_stores(tmp_path, translated, saved)


def test_two_processes_write_at_once_without_lock_errors(tmp_path: Path) -> None:
    rounds = 150  # per process: 150 translation transactions (1,200 rows) and 300 status writes
    TranslationStore(tmp_path / "qari.sqlite3")  # create the schema first, as the app's first run does
    VocabStore(tmp_path / "vocabulary.sqlite3")
    start = time.time() + 1.0  # after both interpreters are up
    children = [_writer(tmp_path, tag, rounds, start) for tag in ("a", "b")]
    results = [child.communicate(timeout=60) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
    lines = [line for out, _ in results for line in out.splitlines()]
    translated, saved = _committed(lines)
    assert len(translated) == len(saved) == 2 * rounds
    _check_stores(tmp_path, translated, saved)
    assert TranslationStore(tmp_path / "qari.sqlite3").count(MODEL) == 2 * rounds * 8
    entries = VocabStore(tmp_path / "vocabulary.sqlite3").all_entries()
    assert len(entries) == 2 * rounds + 1  # each writer's words and the one they share
