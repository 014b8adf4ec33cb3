"""Work the page does not wait for (`models.soon`), and the page's plain text and background analysis."""

from __future__ import annotations

import threading
import time

import pytest

from models import pipeline
from models.soon import Soon
from tests.support import SAMPLE


def test_a_job_starts_once_and_its_result_comes_when_done() -> None:
    gate, calls = threading.Event(), []

    def work() -> str:
        calls.append(1)
        assert gate.wait(timeout=60)
        return "done"

    soon: Soon[str, str] = Soon("test-soon")
    assert soon.ready("a") is None  # never starts anything
    assert soon.get("a", work) is None and soon.get("a", work) is None
    assert not soon.any_done() and not soon.wait(timeout=0.05)
    gate.set()
    assert soon.wait(timeout=60) and soon.any_done()
    assert soon.get("a", work) == "done" and soon.ready("a") == "done" and calls == [1]
    soon.forget("a")
    assert soon.ready("a") is None


def test_ready_waits_for_a_job_being_worked_out_but_never_starts_one() -> None:
    gate = threading.Event()

    def work() -> str:
        assert gate.wait(timeout=60)
        return "names"

    soon: Soon[str, str] = Soon("test-soon")
    started = time.monotonic()
    assert soon.ready("unknown", wait=5) is None and time.monotonic() - started < 4  # nothing to wait for
    assert len(soon) == 0
    soon.get("a", work)
    assert soon.ready("a", wait=0.05) is None  # still being worked out: not there within the wait
    threading.Timer(0.2, gate.set).start()
    assert soon.ready("a", wait=30) == "names"  # comes within the wait: returned as soon as it is done


def test_a_job_that_raised_raises_once_then_runs_again() -> None:
    soon: Soon[str, int] = Soon("test-soon")
    attempts = []

    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("not yet")
        return len(attempts)

    with pytest.raises(OSError, match="not yet"):
        soon.get("k", flaky, wait=60)
    assert soon.get("k", flaky, wait=60) == 2


def test_only_the_most_recent_keys_are_kept() -> None:
    soon: Soon[int, int] = Soon("test-soon", keep=2)
    for n in range(3):
        soon.get(n, lambda n=n: n * 10, wait=60)
    assert soon.ready(0) is None and soon.ready(1) == 10 and soon.ready(2) == 20


def test_the_plain_text_has_the_analysis_sentences_and_tokens_and_nothing_looked_up() -> None:
    plain, full = pipeline.plain(SAMPLE), pipeline.analyze(SAMPLE)
    assert [(s.start, s.end, s.text) for s in plain.sentences] == [
        (s.start, s.end, s.text) for s in full.sentences
    ]
    assert [(t.start, t.end, t.kind) for s in plain.sentences for t in s.tokens] == [
        (t.start, t.end, t.kind) for s in full.sentences for t in s.tokens
    ]
    assert not any(s.entities for s in plain.sentences) and not plain.glossary
    assert not any(t.lemma or t.gloss or t.key for s in plain.sentences for t in s.tokens)
    mixed = pipeline.plain("Chapter 1\n\nاتفقت اليابان وكندا.")
    assert [s.translation for s in mixed.sentences] == ["Chapter 1", None]  # nothing to translate: as is


def test_the_background_analysis_is_the_pipelines() -> None:
    pipeline.forget_analyses()
    found = pipeline.analysis_soon(SAMPLE, "", wait=120)
    assert found is not None and pipeline.analysis_warm()
    assert found.doc.to_dict() == pipeline.analyze(SAMPLE, ner_model="").to_dict()
    assert pipeline.analysis_ready(SAMPLE, "") is found  # once per process, for every reader
    pipeline.forget_analyses()
