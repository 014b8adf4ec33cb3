"""One translation worker per model and process, shared by every reader, off the page's thread.

Readers (page sessions, or the command line) ask for texts to be translated (`request`): the text they
are looking at first, then the rest of their text. The worker thread loads the model itself (so the page
never waits for a load), then takes work in this order:

1. the text a reader is looking at, alone, streamed: with an `Interruptible` engine its English is
   decoded greedily first and published piece by piece (`partial`), then, with beam search, replaced
   by the beam result;
2. the rest, a batch at a time, taking turns between readers (round robin), each reader's in order.

A click never waits for the batch in flight: when a reader asks for a text to go first, the work in
flight is stopped (within one decoding step; CTranslate2's beam search between texts), what it finished
is kept, and its unfinished texts go back to the front of their reader's queue. An engine with two
lanes (`lanes`: CTranslate2, whose beam search cannot stop mid-text) streams the looked-at text in a
second thread (the click lane) beside whatever is in flight, while this thread gives it its beam search.

Results go to the translation cache (the worker translates through `CachedTranslator`), where the page
and the command pick them up (`pipeline.restore_translations`); texts that failed are remembered
(`failures`). A new request from a reader replaces what it had queued (it opened another text, or looks
at another sentence), `forget(reader)` drops it, and a reader not heard from for `IDLE_SECONDS` (a
closed tab) is dropped, so no work is queued for nobody.

`TranslationService` is the interface the page and the pipeline use; a translation service shared by
several machines (on an existing serving engine) can stand behind it. Besides the protocol's methods,
the page uses `partial(texts)` (English decoded so far, for a text not finished yet: an implementation
that cannot stream returns {}), `wait_partial`, `touch`, `forget`, `retry`, `wait_loaded`, and the
command line `wait` and `close`.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from models.translation.base import Interruptible, Translator
from models.translation.cache import CachedTranslator, TranslationCache
from models.translation.loader import LoadResult, get_translator

log = logging.getLogger(__name__)

IDLE_SECONDS = 60.0  # a reader not heard from for this long has left; its queued work is dropped
# Texts per call after the looked-at one: a click stops the batch in flight, but what the batch had done is
# lost with it, so small; two keep most of batching's gain on a CPU.
BATCH_SIZE = 2


class TranslationService(Protocol):
    """What the page and the pipeline need of whoever translates: ask, and see how it goes.

    `TranslationWorker` (a model in this process) and `remote.RayTranslationService` (the shared service)
    implement it."""

    @property
    def translator(self) -> Translator | None:
        """What aligns a finished text (None: no model here, or not loaded yet)."""
        ...

    @property
    def unavailable(self) -> str | None:
        """Why a shared service cannot be reached now (None: it can, or there is none)."""
        ...

    @property
    def loaded(self) -> LoadResult | None:
        """The model's load result, or None while it is still loading."""
        ...

    def request(
        self, reader: str, texts: Sequence[str], *, first: Sequence[str] = (), beam_size: int = 4
    ) -> None:
        """Queue `texts` for `reader` (replacing what it had queued); `first` goes before anything else."""
        ...

    def queued(self, reader: str) -> int:
        """How many of `reader`'s texts are waiting or being translated."""
        ...

    def touch(self, reader: str) -> None:
        """`reader` is still there: its queued work is kept (a queue not heard from is dropped)."""
        ...

    def failures(self) -> set[str]:
        """Texts the model failed on (not retried until asked again with `retry`)."""
        ...

    def partial(self, texts: Sequence[str]) -> dict[str, str]:
        """The English decoded so far of those `texts` being translated now (streamed; {}: none)."""
        ...

    def wait_partial(self, texts: Sequence[str], timeout: float) -> dict[str, str]:
        """`partial(texts)`, after waiting up to `timeout` s for a first word while one of them is queued or
        in flight (a service that cannot stream returns `partial(texts)` at once)."""
        ...

    def retry(self, texts: Sequence[str] | None = None) -> None:
        """Forget failures (of `texts`, or all), so they are translated when asked again."""
        ...

    def wait(self, reader: str | None = None, timeout: float | None = None) -> bool:
        """Block until `reader`'s work (or all work) is done; False on timeout."""
        ...

    def wait_loaded(self, timeout: float | None = None) -> LoadResult | None:
        """The load result, waiting at most `timeout` seconds for it (None: still loading)."""
        ...


@dataclass
class _Reader:
    first: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    beam_size: int = 4
    seen: float = field(default_factory=time.monotonic)
    busy: int = 0  # texts of this reader in the batch being translated
    asked_first: list[str] = field(default_factory=list)  # the last request, texts in flight included
    first_at: float = 0.0  # when its looked-at text was asked for (or stopped): the oldest goes first
    asked: list[str] = field(default_factory=list)


class ReaderQueues:
    """Each reader's queue and the texts that failed, behind one condition: what the worker and the shared
    service (`remote.RayTranslationService`) keep alike. Subclasses set `_cond`, `_readers`, `_failed`."""

    _cond: threading.Condition
    _readers: OrderedDict[str, Any]  # reader → its state (first, rest, busy, seen)
    _failed: set[str]

    def touch(self, reader: str) -> None:
        """`reader` is still there (its queued work is kept)."""
        with self._cond:
            if reader in self._readers:
                self._readers[reader].seen = time.monotonic()

    def forget(self, reader: str) -> None:
        """Drop what `reader` had queued (it left)."""
        with self._cond:
            self._readers.pop(reader, None)
            self._cond.notify_all()

    def queued(self, reader: str) -> int:
        with self._cond:
            state = self._readers.get(reader)
            return 0 if state is None else len(state.first) + len(state.rest) + state.busy

    def failures(self) -> set[str]:
        with self._cond:
            return set(self._failed)

    def _wanted(self, texts: Sequence[str], first: Sequence[str]) -> tuple[list[str], list[str]]:
        """What a request asks for: the first texts, then the rest, without blanks, repeats or failures."""
        wanted_first = [t for t in dict.fromkeys(first) if t.strip() and t not in self._failed]
        rest = [
            t for t in dict.fromkeys(texts) if t.strip() and t not in self._failed and t not in wanted_first
        ]
        return wanted_first, rest

    def retry(self, texts: Sequence[str] | None = None) -> None:
        """Forget failures (of `texts`, or all), so they are translated when asked again."""
        with self._cond:
            if texts is None:
                self._failed.clear()
            else:
                self._failed.difference_update(texts)


class TranslationWorker(ReaderQueues):
    """A thread translating readers' requests through the cache, loading its model first (see above)."""

    def __init__(
        self,
        model_id: str,
        store: TranslationCache,
        *,
        engine: str | None = None,
        load: Callable[[], LoadResult] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.model_id = model_id
        self.store = store
        self.batch_size = max(1, batch_size)
        self._load = load or (lambda: get_translator(model_id, engine))
        self._loaded: LoadResult | None = None
        self.translator: Translator | None = None
        self.unavailable: str | None = None  # a model in this process is never out of reach
        self._readers: OrderedDict[str, _Reader] = OrderedDict()  # round-robin order: next reader first
        self._failed: set[str] = set()
        self._flight: set[str] = set()  # texts being translated now
        self._streaming: set[str] = set()  # the looked-at text being translated now (in `_flight` too)
        self._lane: threading.Thread | None = None  # the click lane, for an engine with two lanes
        self._lane_text: str | None = None  # the text the click lane streams now
        self._lane_cancel = threading.Event()  # its reader moved on, or its beam result is in
        self._streamed: set[str] = set()  # texts the lane streamed (or streams), until their result is in
        self._partial: dict[str, str] = {}  # text → English so far, while it is streamed
        self._interrupt = threading.Event()  # a looked-at text is waiting: stop the work in flight
        self._cond = threading.Condition()
        self._idle = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name=f"qari-translate-{model_id}", daemon=True)
        self._thread.start()
        atexit.register(self.close, 5.0)  # stop a batch in flight instead of tearing torch down mid-call

    # ---- the service ----------------------------------------------------------------------------

    @property
    def loaded(self) -> LoadResult | None:
        return self._loaded

    def request(
        self, reader: str, texts: Sequence[str], *, first: Sequence[str] = (), beam_size: int = 4
    ) -> None:
        wanted_first, rest = self._wanted(texts, first)
        with self._cond:
            state = self._readers.get(reader)
            if state is None:
                state = self._readers[reader] = _Reader()
            state.asked_first, state.asked = wanted_first, wanted_first + rest
            # a text streamed now is not queued twice (the page asks again at every poll); one in a batch
            # in flight is: the batch stops, and it is streamed next (else it would just appear, unseen)
            first = [t for t in wanted_first if t not in self._streaming]
            if first and first != state.first:  # a new click (not the page asking again as it polls)
                state.first_at = time.monotonic()
                self._interrupt.set()  # the reader is waiting for it: the work in flight yields
            if self._lane_text is not None and self._lane_text not in self._looked_at():
                self._lane_cancel.set()  # nobody looks at the text the lane streams any more
            state.first = first
            state.rest = [t for t in rest if t not in self._flight]
            state.beam_size = beam_size
            state.seen = time.monotonic()
            if wanted_first or rest:
                self._idle.clear()
            self._cond.notify_all()

    def partial(self, texts: Sequence[str]) -> dict[str, str]:
        with self._cond:
            return {t: self._partial[t] for t in texts if self._partial.get(t)}

    def wait_partial(self, texts: Sequence[str], timeout: float) -> dict[str, str]:
        wanted = set(texts)

        def waiting() -> bool:  # in flight or queued, no word yet
            queued = {t for r in self._readers.values() for t in (*r.first, *r.rest)}
            return not any(self._partial.get(t) for t in wanted) and bool(wanted & (self._flight | queued))

        with self._cond:
            self._cond.wait_for(lambda: not waiting(), timeout)
        return self.partial(texts)

    def wait_loaded(self, timeout: float | None = None) -> LoadResult | None:
        """The load result, waiting at most `timeout` seconds for it (None: still loading)."""
        with self._cond:
            self._cond.wait_for(lambda: self._loaded is not None, timeout)
            return self._loaded

    def wait(self, reader: str | None = None, timeout: float | None = None) -> bool:
        """Block until the model is loaded and `reader`'s work (or all work) is done; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._loaded is None or (self.queued(reader) if reader else self._total()) > 0:
                if self._loaded is not None and not self._loaded.ok:
                    return True  # nothing will ever be translated
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def close(self, timeout: float | None = None) -> None:
        """Stop: the work in flight yields within a decoding step (a model still loading is waited for,
        up to `timeout` seconds: a thread importing torch while the interpreter shuts down fails)."""
        with self._cond:
            self._stop = True
            self._interrupt.set()
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=timeout)
        if self._lane is not None and self._lane is not threading.current_thread():
            self._lane.join(timeout=timeout)

    # ---- the thread -----------------------------------------------------------------------------

    def _total(self) -> int:
        return sum(len(r.first) + len(r.rest) + r.busy for r in self._readers.values())

    def _next_batch(self) -> tuple[str, list[str], int, bool] | None:
        """(reader, texts, beam, looked at) to translate next, or None when there is nothing; under the lock."""
        now = time.monotonic()
        for name in [n for n, r in self._readers.items() if now - r.seen > IDLE_SECONDS]:
            log.info("dropping the queued translations of a reader who left")
            del self._readers[name]
        waiting = [(state.first_at, name) for name, state in self._readers.items() if state.first]
        if waiting:  # a looked-at text goes first, alone (the one waiting longest)
            name = min(waiting)[1]
            state = self._readers[name]
            return name, [state.first.pop(0)], state.beam_size, True
        for name, state in list(self._readers.items()):
            if state.rest:
                batch, state.rest = state.rest[: self.batch_size], state.rest[self.batch_size :]
                self._readers.move_to_end(name)  # the others' turn next
                return name, batch, state.beam_size, False
        return None

    def _run(self) -> None:
        try:
            loaded = self._load()
        except Exception as exc:
            if threading.main_thread().is_alive():  # else the process is exiting mid-load
                log.exception("loading %s failed", self.model_id)
            loaded = LoadResult(
                self.model_id, None, f"The translation model could not be loaded ({exc}).", False
            )
        with self._cond:
            self._loaded = loaded
            if loaded.translator is not None:
                self.translator = CachedTranslator(loaded.translator, self.store)
            self._cond.notify_all()
        if self.translator is None:
            self._idle.set()
            return
        engine = loaded.translator
        if isinstance(engine, Interruptible) and getattr(engine, "lanes", 1) > 1:
            self._lane = threading.Thread(
                target=self._stream_lane, args=(engine,), name=f"qari-click-lane-{self.model_id}", daemon=True
            )
            self._lane.start()
        while True:
            with self._cond:
                job = self._next_batch()
                while job is None and not self._stop:
                    self._idle.set()
                    self._cond.notify_all()
                    self._cond.wait(timeout=IDLE_SECONDS)
                    job = self._next_batch()
                if self._stop:
                    self._cond.notify_all()
                    return
                assert job is not None  # the loop above ends with a job unless stopping
                reader, texts, beam, looked_at = job
                self._readers[reader].busy = len(texts)
                self._flight = set(texts)
                self._streaming = set(texts) if looked_at else set()
                self._interrupt.clear()  # only a request from now on stops this job
            unfinished = self._translate(texts, beam, looked_at)
            with self._cond:
                self._flight, self._streaming = set(), set()
                for text in texts:
                    if text not in unfinished:
                        self._partial.pop(text, None)
                        self._streamed.discard(text)
                        if text == self._lane_text:
                            self._lane_cancel.set()  # its final text is in: the stream is not wanted
                state = self._readers.get(reader)
                if state is not None:
                    state.busy = 0
                    self._requeue(state, unfinished)
                self._cond.notify_all()

    def _requeue(self, state: _Reader, unfinished: list[str]) -> None:
        """Put texts stopped part-way back at the front of their reader's queue, if it still wants them."""
        first = [t for t in unfinished if t in state.asked_first and t not in state.first]
        rest = [
            t for t in unfinished if t in state.asked and t not in state.asked_first and t not in state.rest
        ]
        if first:
            state.first_at = time.monotonic()  # it was stopped for a text waiting longer: that one goes first
        state.first[:0] = first
        state.rest[:0] = rest

    def _stopping(self) -> bool:
        return self._interrupt.is_set() or self._stop

    def _translate(self, texts: list[str], beam: int, looked_at: bool = False) -> list[str]:
        """Translate `texts` into the cache; returns those stopped before they were finished."""
        assert self.translator is not None and self._loaded is not None
        engine = self._loaded.translator  # the engine itself: the cache is filled here, as it finishes
        if not isinstance(engine, Interruptible):
            self._translate_whole(texts, beam)
            return []
        try:
            known = self.store.get_many(engine.model_key, texts)
        except Exception:  # a failing store never stops translation
            log.warning("Translation cache unreadable", exc_info=True)
            known = {}
        todo = [t for t in texts if t not in known]
        if not todo:
            return []
        try:
            if looked_at and beam > 1 and self._lane is None:
                # the reader watches this one: a greedy stream first, then the beam result replaces it
                # (an engine with a click lane streams it there, beside this beam search)
                engine.translate_until(todo, 1, stop=self._stopping, partial=self._publish(todo))
            outs = engine.translate_until(
                todo,
                beam,
                stop=self._stopping,
                partial=self._publish(todo) if looked_at and beam <= 1 else None,
            )
        except Exception:
            if len(todo) > 1:
                return [u for text in todo for u in self._translate([text], beam)]
            log.exception("translation failed for one text")
            with self._cond:
                self._failed.update(todo)
            return []
        fresh = {t: o for t, o in zip(todo, outs, strict=True) if o is not None}
        if fresh:
            try:
                self.store.put_many(engine.model_key, fresh)
            except Exception:
                log.warning("Could not write to the translation cache", exc_info=True)
        return [t for t in todo if t not in fresh]

    def _publish(self, texts: list[str], lane: bool = False) -> Callable[[int, str], None]:
        def publish(index: int, text: str) -> None:
            with self._cond:
                if lane and self._lane_cancel.is_set():
                    return  # the beam result may be in already: no stale provisional text after it
                self._partial[texts[index]] = text
                self._cond.notify_all()

        return publish

    # ---- the click lane -------------------------------------------------------------------------

    def _looked_at(self) -> set[str]:
        """The texts readers look at now (their last clicks); under the lock."""
        return {t for r in self._readers.values() for t in r.asked_first}

    def _lane_next(self) -> str | None:
        """The looked-at text to stream next (beam search follows it, nothing streamed it yet): the one
        waiting longest; under the lock."""
        for _, name in sorted((r.first_at, n) for n, r in self._readers.items()):
            state = self._readers[name]
            if state.beam_size <= 1:
                continue  # greedy is the final decoding: this thread streams it, stopping within a step
            for text in state.asked_first:
                waiting = text in state.first or text in self._streaming
                if waiting and text not in self._streamed and text not in self._failed:
                    return text
        return None

    def _stream_lane(self, engine: Interruptible) -> None:
        """Stream looked-at texts greedily, in the engine's second lane, beside the work in flight: the
        reader sees English at once even while a beam search that cannot stop mid-text runs."""
        assert self._loaded is not None and self._loaded.translator is not None
        model_key = self._loaded.translator.model_key
        while True:
            with self._cond:
                text = self._lane_next()
                while text is None and not self._stop:
                    self._cond.wait(timeout=IDLE_SECONDS)
                    text = self._lane_next()
                if self._stop:
                    return
                assert text is not None
                self._lane_text = text
                self._streamed.add(text)
                self._lane_cancel.clear()
            out: list[str | None] = [None]
            try:
                if self.store.get_many(model_key, [text]):  # finished just now: nothing to stream
                    out = [""]
                    continue
                out = engine.translate_until(
                    [text],
                    1,
                    stop=lambda: self._stop or self._lane_cancel.is_set(),
                    partial=self._publish([text], lane=True),
                )
            except Exception:  # the beam search still translates it (and reports a failure)
                log.warning("streaming a looked-at text failed", exc_info=True)
            finally:
                with self._cond:
                    self._lane_text = None
                    if out[0] is None:  # stopped (its reader moved on): a click on it later streams it again
                        self._streamed.discard(text)
                    self._cond.notify_all()

    def _translate_whole(self, texts: list[str], beam: int) -> None:
        """An engine that cannot be stopped: the whole batch through the cache."""
        assert self.translator is not None
        try:
            self.translator.translate(texts, beam_size=beam)  # the cache keeps every result
        except Exception:
            if len(texts) > 1:
                for text in texts:
                    self._translate_whole([text], beam)
                return
            log.exception("translation failed for one text")
            with self._cond:
                self._failed.update(texts)
