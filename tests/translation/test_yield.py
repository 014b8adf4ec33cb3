"""A click never waits: the engines stop within a decoding step when asked, never run past 2× their source
(+10), and the worker stops its batch in flight for a looked-at text, keeping what it finished.

Order and state are asserted, never time: the engine below holds the batch in flight at a chosen step
until the test has made its request, so "mid-batch" is exact."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from models.translation.base import Interruptible, length_bound
from models.translation.cache import TranslationStore
from models.translation.ct2 import CT2Translator, load_ct2_translator
from models.translation.loader import LoadResult
from models.translation.marian import MarianTranslator
from models.translation.worker import TranslationWorker
from tests.support import ARABIC_SENTENCES, build_endless_marian

SHORT = ARABIC_SENTENCES[2]  # few enough pieces that its bound is under the tiny model's 64 positions


@pytest.fixture(scope="module")
def endless_dir(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_endless_marian(tiny_model_dir, tmp_path_factory.mktemp("endless"))


@pytest.fixture(scope="module")
def marian(endless_dir: Path) -> MarianTranslator:
    return MarianTranslator.from_folder(endless_dir, "endless")


@pytest.fixture(scope="module")
def ct2(endless_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> CT2Translator:
    mp = pytest.MonkeyPatch()
    mp.setenv("QARI_DATA_DIR", str(tmp_path_factory.mktemp("ct2-data")))
    try:
        return load_ct2_translator(endless_dir, "endless", "endless")
    finally:
        mp.undo()


def test_the_output_is_bounded_by_its_source_in_both_engines(
    marian: MarianTranslator, ct2: CT2Translator
) -> None:
    pieces = len(marian.tokenizer(SHORT)["input_ids"])
    bound = length_bound(pieces, marian.max_input_tokens)
    assert bound == 2 * pieces + 10 < marian.max_input_tokens  # the bound, not the model's limit, stops it
    for beam in (1, 4):
        steps = []
        marian.translate_until(
            [SHORT], beam, stop=lambda steps=steps: steps.append(1) is not None
        )  # never stops it
        # asked once per generated piece: it ran exactly to the bound (it never stops on its own)
        assert bound <= len(steps) <= bound + 1
        out = ct2.translate_with_attention([SHORT], beam_size=beam)[0]
        assert len(out.target_tokens) == bound


@pytest.mark.parametrize("engine", ["marian", "ct2"])
def test_a_stop_request_ends_decoding_within_one_step(engine: str, request: pytest.FixtureRequest) -> None:
    tr = request.getfixturevalue(engine)
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) >= 3

    seen: list[str] = []
    out = tr.translate_until([SHORT], 1, stop=stop, partial=lambda i, text: seen.append(text))
    assert out == [None]  # stopped: not a translation
    assert len(asked) == 3  # not asked again: decoding ended at that step
    assert seen and all(seen[-1].startswith(s) for s in seen[:-1] if s)  # the English grew piece by piece


class Held:
    """A real interruptible engine whose `hold_at`-th stop question, in its first call, waits for the test."""

    def __init__(self, inner: Any, hold_at: int) -> None:
        self.inner, self.model_key, self.hold_at = inner, inner.model_key, hold_at
        self.in_flight, self.go = threading.Event(), threading.Event()
        self.calls: list[tuple[list[str], int, list[str | None]]] = []
        self.streamed: list[str] = []  # texts whose English was published as it was decoded
        self.started = False
        if hasattr(inner, "lanes"):
            self.lanes = inner.lanes  # an engine with a click lane keeps it through the wrapper

    @property
    def attention(self) -> Any:
        return self.inner.attention

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        return self.inner.translate(texts, beam_size)

    def translate_until(
        self, texts: list[str], beam_size: int = 4, *, stop: Any, partial: Any = None
    ) -> list:
        asked = [0]
        first_call, self.started = not self.started, True

        def held() -> bool:
            asked[0] += 1
            if first_call and asked[0] == self.hold_at:
                self.in_flight.set()
                self.go.wait(60)
            return stop()

        def published(index: int, text: str) -> None:
            self.streamed.append(texts[index])
            partial(index, text)

        out = self.inner.translate_until(
            texts, beam_size, stop=held, partial=None if partial is None else published
        )
        self.calls.append((list(texts), beam_size, out))
        return out


@pytest.mark.parametrize(
    ("engine", "beam", "hold_at", "kept"),
    [
        ("marian", 4, 2, 0),  # transformers' beam search stops at its second step: nothing finished
        ("ct2", 1, 2, 0),  # CTranslate2's greedy callback, likewise
        ("ct2", 4, 2, 1),  # CTranslate2's beam search stops between texts: the first one is kept
    ],
)
def test_a_looked_at_text_stops_the_batch_in_flight(
    engine: str, beam: int, hold_at: int, kept: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    inner = request.getfixturevalue(engine)
    held = Held(inner, hold_at)
    held.lanes = 1  # one lane: the looked-at text is streamed, then beam-searched, by the worker's thread
    assert isinstance(held, Interruptible)
    store = TranslationStore(tmp_path / "t.sqlite3")
    worker = TranslationWorker(
        "endless", store, load=lambda: LoadResult("endless", held, None, False), batch_size=2
    )
    batch = [f"{SHORT} {i}" for i in range(2)]
    looked_at = f"{SHORT} ب"
    worker.request("a", batch, beam_size=beam)
    assert held.in_flight.wait(60)
    worker.request("b", [], first=[looked_at], beam_size=beam)  # a click while the batch decodes
    assert worker.queued("b") == 1
    held.go.set()
    assert worker.wait(timeout=300)
    texts = [c[0] for c in held.calls]
    first_out = held.calls[0][2]
    assert texts[0] == batch and first_out.count(None) == 2 - kept  # stopped, not run to its end
    finished = [t for t, o in zip(batch, first_out, strict=True) if o is not None]
    assert finished == batch[:kept]
    # next: the looked-at text, streamed greedily first when beam search follows, then the rest
    looked = [looked_at] * (2 if beam > 1 else 1)
    assert texts[1 : 1 + len(looked)] == [[t] for t in looked]
    assert [t for ts in texts[1 + len(looked) :] for t in ts] == batch[kept:]  # only what was not finished
    assert set(store.get_many("endless", [*batch, looked_at])) == {*batch, looked_at}
    assert worker.partial([looked_at]) == {}  # finished: no provisional text left
    worker.close()


@pytest.mark.parametrize(("engine", "kept"), [("marian", 0), ("ct2", 1)])
def test_a_click_on_a_text_in_the_batch_in_flight_streams_it(
    engine: str, kept: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # The reader clicks a sentence the worker is already translating with the rest of its text: it is
    # taken out of the batch and streamed, not left to appear at once when the batch ends (the browser
    # test's clicked sentence never showed provisional English when its click landed then).
    held = Held(request.getfixturevalue(engine), hold_at=2)
    held.lanes = 1
    store = TranslationStore(tmp_path / "t.sqlite3")
    worker = TranslationWorker(
        "endless", store, load=lambda: LoadResult("endless", held, None, False), batch_size=2
    )
    batch = [f"{SHORT} {i}" for i in range(2)]
    worker.request("a", batch, beam_size=4)
    assert held.in_flight.wait(60)
    for _ in range(3):  # the click, then the page asking again at every poll
        worker.request("a", batch[:1], first=batch[1:], beam_size=4)
    held.go.set()
    assert worker.wait(timeout=300)
    first_out = held.calls[0][2]
    assert held.calls[0][0] == batch and first_out.count(None) == 2 - kept
    assert first_out[1] is None  # the clicked text was stopped in the batch...
    assert [(c[0], c[1]) for c in held.calls[1:3]] == [(batch[1:], 1), (batch[1:], 4)]  # ...and streamed
    assert set(held.streamed) == {batch[1]}
    assert [c[0] for c in held.calls[3:]] == ([] if kept else [batch[:1]])  # what the batch finished is kept
    assert set(store.get_many("endless", batch)) == set(batch)
    assert worker.partial(batch) == {}
    worker.close()


def test_the_click_lane_streams_beside_work_that_cannot_stop(ct2: CT2Translator, tmp_path: Path) -> None:
    # CTranslate2's beam search cannot stop mid-text: its second lane streams the clicked text meanwhile.
    # The batch in flight is held inside a stop question (busy, as in a long text) until the stream is seen.
    assert ct2.lanes == 2
    held = Held(ct2, hold_at=1)
    store = TranslationStore(tmp_path / "t.sqlite3")
    worker = TranslationWorker(
        "endless", store, load=lambda: LoadResult("endless", held, None, False), batch_size=2
    )
    batch = [f"{SHORT} {i}" for i in range(2)]
    looked_at = f"{SHORT} ب"
    worker.request("a", batch, beam_size=4)
    assert held.in_flight.wait(60)
    worker.request("b", [], first=[looked_at], beam_size=4)  # a click while the batch cannot yield
    assert worker.wait_partial([looked_at], 120)[looked_at]  # English while the batch is still held
    held.go.set()
    assert worker.wait(timeout=300)
    main = [(c[0], c[1]) for c in held.calls if c[1] == 4]
    assert main == [(batch, 4), ([looked_at], 4), (batch, 4)]  # stopped, the click's beam search, the rest
    assert [c[0] for c in held.calls if c[1] == 1] == [[looked_at]]  # streamed once, in the lane
    assert set(held.streamed) == {looked_at}
    assert set(store.get_many("endless", [*batch, looked_at])) == {*batch, looked_at}
    worker.close()
    assert worker.partial([looked_at]) == {}  # the beam result replaced the stream; nothing stale after it


def test_two_readers_clicking_take_turns_without_stopping_each_other_forever(
    marian: MarianTranslator, tmp_path: Path
) -> None:
    held = Held(marian, hold_at=2)
    store = TranslationStore(tmp_path / "t.sqlite3")
    worker = TranslationWorker("endless", store, load=lambda: LoadResult("endless", held, None, False))
    a, b = f"{SHORT} أ", f"{SHORT} ب"
    worker.request("a", [], first=[a], beam_size=1)
    assert held.in_flight.wait(60)
    worker.request("b", [], first=[b], beam_size=1)  # b clicks while a's sentence decodes: a's stops
    for _ in range(3):  # both pages keep asking as they poll: that is not a new click
        worker.request("a", [], first=[a], beam_size=1)
        worker.request("b", [], first=[b], beam_size=1)
    held.go.set()
    assert worker.wait(timeout=300)
    assert [c[0] for c in held.calls] == [[a], [b], [a]]
    assert [c[2] == [None] for c in held.calls] == [True, False, False]
    assert set(store.get_many("endless", [a, b])) == {a, b}
    worker.close()
