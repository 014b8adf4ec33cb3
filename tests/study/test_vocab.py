"""Tests for the saved vocabulary (models.study.vocab): matching, persistence, concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from models.study.vocab import DB_NAME, STATUSES, VocabStore, vocab_key

ROOT = Path(__file__).resolve().parents[2]


def test_diacritics_insensitive_lookup() -> None:
    store = VocabStore()
    store.set_status("كَتَبَ", "known", gloss="write")
    found = store.get_statuses(["كتب", "كتبَ", "كِتاب", "ـكتـب"])
    assert found == {"كتب": "known", "كتبَ": "known", "ـكتـب": "known"}  # tatweel ignored too
    # alef and ta marbuta variants match as well
    store.set_status("إِتِّفاقِيَّة", "learning")
    assert store.get_statuses(["اتفاقيه"]) == {"اتفاقيه": "learning"}
    assert vocab_key(" أَكَلَ ") == "اكل"


def test_update_keeps_what_is_not_given() -> None:
    store = VocabStore()
    first = store.set_status(
        "اتفاق", "new", gloss="agreement", example="اتفاق جديد.", translation="A new deal."
    )
    second = store.set_status("اِتِّفاق", "learning")
    assert (second.status, second.gloss, second.example, second.translation) == (
        "learning", "agreement", "اتفاق جديد.", "A new deal.",
    )  # fmt: skip
    assert second.lemma == "اِتِّفاق" and second.created == first.created and second.updated >= first.updated
    third = store.set_status("اتفاق", "known", gloss="accord")
    assert third.gloss == "accord"
    assert [e.lemma for e in store.all_entries()] == ["اتفاق"]


def test_bad_input() -> None:
    store = VocabStore()
    with pytest.raises(ValueError, match="Unknown status"):
        store.set_status("كتب", "mastered")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        store.set_status("  ", "known")
    assert store.get_statuses([]) == {}
    assert store.get("كتب") is None


def test_all_entries_filter_and_remove() -> None:
    store = VocabStore()
    for i, status in enumerate(STATUSES):
        store.set_status(f"كلمة{'ب' * (i + 1)}", status)
    assert len(store.all_entries()) == 4
    assert [e.status for e in store.all_entries("ignored")] == ["ignored"]
    assert store.remove("كلمةب") and not store.remove("كلمةب")
    assert len(store.all_entries()) == 3


def test_persists_across_restart(qari_data_dir: Path) -> None:
    VocabStore().set_status("مَدِينَة", "known", gloss="city")
    assert (qari_data_dir / DB_NAME).is_file()
    again = VocabStore()  # a new store on the same folder: what an app restart does
    assert again.get_statuses(["مدينة"]) == {"مدينة": "known"}
    assert again.get("مدينه").gloss == "city"  # type: ignore[union-attr]
    with sqlite3.connect(qari_data_dir / DB_NAME) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_another_process_sees_the_writes(qari_data_dir: Path) -> None:
    VocabStore().set_status("بيت", "learning")
    code = (
        "from models.study.vocab import VocabStore; s = VocabStore(); "
        "print(s.get_statuses(['بيت'])['بيت']); s.set_status('باب', 'known')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "learning"
    assert VocabStore().get_statuses(["باب"]) == {"باب": "known"}


def test_concurrent_writers() -> None:
    store = VocabStore()
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            mine = VocabStore()  # as each Streamlit session would
            for i in range(20):
                mine.set_status(f"كلمة{n}-{i}", STATUSES[i % 4])
                mine.set_status("مشترك", STATUSES[n % 4], gloss=f"writer {n}")  # everyone on one row too
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = store.all_entries()
    assert len(entries) == 8 * 20 + 1
    shared = store.get("مشترك")
    assert shared is not None and shared.gloss is not None and shared.gloss.startswith("writer ")
