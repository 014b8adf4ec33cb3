"""The shared translation service on Ray Serve, behind `TranslationService` (`QARI_TRANSLATION_SERVICE=ray`).

`RayTranslationService` keeps each reader's queue as the in-process worker does (a new request replaces
the reader's earlier one; a reader not heard from for `IDLE_SECONDS` is dropped; texts that failed are
remembered), but translates nothing itself: two threads send the work to the Serve app
(`models.translation.serving`, started with `serve run models.translation.serving:app`), the looked-at
texts to its `translate_first` deployment, the rest a batch at a time to `translate_rest`, so a click
never waits behind this process's background batch. Answers go to this process's translation cache (the
service has already written them to the shared one when the readers' database is PostgreSQL), where
the page and the command pick them up as before.

Faults: any error reaching the service (no Ray cluster at `RAY_ADDRESS`, the app not deployed, a replica
killed mid-batch, a call timing out) puts the texts back in their reader's queue and the call is tried
again after a pause (1, 2, then every 5 s), so no sentence is lost; meanwhile `unavailable` says
"Translation service unavailable" with the reason, and clears at the next answer. A text the model
itself failed on is marked failed, as with the worker.

Ray is imported when the service starts, never by the page or the command otherwise (`ray[serve]` is
an optional extra, requirements-serve.txt).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from models.document import Sentence
from models.settings import ray_address, serve_app
from models.translation.base import CrossAttention
from models.translation.cache import STORE_ERRORS, TranslationCache
from models.translation.loader import LoadResult, model_key_for
from models.translation.worker import ReaderQueues

log = logging.getLogger(__name__)

IDLE_SECONDS = 60.0  # a reader not heard from for this long has left; its queued work is dropped
BATCH_SIZE = 8  # texts per call to the background lane (the service batches across processes too)
CALL_TIMEOUT_S = 120.0  # one call; past it the service counts as unavailable and the call is repeated
BACKOFF_S = (1.0, 2.0, 5.0)  # pauses between tries while the service is unavailable
GIVE_UP_S = 60.0  # `wait` (the command) stops waiting once the service has been unavailable this long
UNAVAILABLE = "Translation service unavailable"
FIRST_LANE, REST_LANE = "translate_first", "translate_rest"


class RemoteTranslator:
    """The Serve app as a `Translator` (`service.translator`). It reports no cross-attention (the model is
    not in this process): word alignment runs in the service (`align_remote`)."""

    def __init__(self, service: RayTranslationService, model_key: str) -> None:
        self.service = service
        self.model_key = model_key

    @property
    def attention(self) -> CrossAttention | None:
        return None

    def align_remote(
        self, sentences: Sequence[Sentence], layers: Sequence[int]
    ) -> list[list[tuple[int, int]]]:
        """Alignments of `sentences` worked out by the service; none (empty) while it cannot be reached."""
        try:
            return (
                self.service._handle("")
                .align.remote(list(sentences), list(layers))
                .result(timeout_s=CALL_TIMEOUT_S)
            )
        except Exception as exc:  # noqa: BLE001 - the page shows the text unaligned rather than fail
            log.warning("the translation service could not align: %s", exc)
            return [[] for _ in sentences]

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        results = self.service.call(REST_LANE, list(texts), beam_size)
        if any(r is None for r in results):
            raise RuntimeError("The translation service could not translate a text.")
        return [r or "" for r in results]


@dataclass
class _Reader:
    first: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    beam_size: int = 4
    seen: float = field(default_factory=time.monotonic)
    busy: int = 0  # texts of this reader being translated, in both lanes


class RayTranslationService(ReaderQueues):
    """`TranslationService` backed by the Serve app (see the module docstring)."""

    def __init__(
        self,
        model_id: str,
        store: TranslationCache,
        *,
        address: str | None = None,
        app_name: str | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.model_id = model_id
        self.store = store
        self.model_key = model_key_for(model_id)
        self.address = address if address is not None else ray_address()
        self.app_name = app_name or serve_app()
        self.batch_size = max(1, batch_size)
        self.translator = RemoteTranslator(self, self.model_key)
        self._loaded = LoadResult(
            model_id,
            self.translator,
            None,
            False,
            engine="ray",
            note=f"the shared translation service (Ray Serve app {self.app_name!r})",
        )
        self.unavailable: str | None = None  # why the service cannot be reached now, or None
        self._down_since: float | None = None
        self._handles: dict[str, Any] = {}
        self._connect_lock = threading.Lock()
        self._readers: OrderedDict[str, _Reader] = OrderedDict()
        self._failed: set[str] = set()
        self._cond = threading.Condition()
        self._stop = False
        self._threads = [
            threading.Thread(target=self._run, args=(lane,), name=f"qari-ray-{lane}", daemon=True)
            for lane in (FIRST_LANE, REST_LANE)
        ]
        for thread in self._threads:
            thread.start()

    # ---- the service (as TranslationWorker) -----------------------------------------------------

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
            state.first, state.rest, state.beam_size = wanted_first, rest, beam_size
            state.seen = time.monotonic()
            self._cond.notify_all()

    def partial(self, texts: Sequence[str]) -> dict[str, str]:
        """Nothing streams through the shared service yet: a sentence shows when its translation is in."""
        return {}

    def wait_partial(self, texts: Sequence[str], timeout: float) -> dict[str, str]:
        return self.partial(texts)  # a service that cannot stream answers at once (TranslationService)

    def wait_loaded(self, timeout: float | None = None) -> LoadResult | None:
        return self._loaded

    def wait(self, reader: str | None = None, timeout: float | None = None) -> bool:
        """Block until `reader`'s work (or all work) is done; False on timeout, or once the service has
        been unavailable for `GIVE_UP_S` (what is not translated by then stays untranslated)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while (self.queued(reader) if reader else self._total()) > 0:
                if self._down_since is not None and time.monotonic() - self._down_since > GIVE_UP_S:
                    return False
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(1.0 if remaining is None else min(remaining, 1.0))
        return True

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=5)

    def stats(self) -> list[dict[str, Any]]:
        """The service's load, one replica per lane (`serving.Translation.stats`)."""
        return self._handle("").stats.remote().result(timeout_s=CALL_TIMEOUT_S)

    # ---- reaching the service -------------------------------------------------------------------

    def _handle(self, deployment: str) -> Any:
        """A handle on the app's ingress ("") or one of its lanes, connecting to Ray on first use."""
        with self._connect_lock:
            if deployment not in self._handles:
                import ray  # the optional extra: only a process that uses the service imports Ray
                from ray import serve

                if not ray.is_initialized():
                    ray.init(
                        address=self.address or "auto",
                        namespace="serve",
                        log_to_driver=False,
                        logging_level=logging.WARNING,
                    )
                self._handles[deployment] = (
                    serve.get_app_handle(self.app_name)
                    if not deployment
                    else serve.get_deployment_handle(deployment, app_name=self.app_name)
                )
            return self._handles[deployment]

    def call(self, lane: str, texts: list[str], beam_size: int) -> list[str | None]:
        """One call to a lane; raises whatever reaching the service raised."""
        try:
            response = self._handle(lane).translate.remote(texts, beam_size)
            return list(response.result(timeout_s=CALL_TIMEOUT_S))
        except Exception:
            with self._connect_lock:
                self._handles.pop(lane, None)  # looked up again next time (the app may have been redeployed)
            raise

    # ---- the threads ----------------------------------------------------------------------------

    def _total(self) -> int:
        return sum(len(r.first) + len(r.rest) + r.busy for r in self._readers.values())

    def _next(self, lane: str) -> tuple[str, list[str], int] | None:
        """(reader, texts, beam) for `lane` to send next, or None; under the lock."""
        now = time.monotonic()
        for name in [n for n, r in self._readers.items() if now - r.seen > IDLE_SECONDS and not r.busy]:
            del self._readers[name]
        for name, state in list(self._readers.items()):
            if lane == FIRST_LANE and state.first:
                return name, [state.first.pop(0)], state.beam_size
            if lane == REST_LANE and state.rest:
                batch, state.rest = state.rest[: self.batch_size], state.rest[self.batch_size :]
                self._readers.move_to_end(name)  # the others' turn next
                return name, batch, state.beam_size
        return None

    def _run(self, lane: str) -> None:
        tries = 0
        while True:
            with self._cond:
                job = self._next(lane)
                while job is None and not self._stop:  # no notify here: the two lanes would wake each other
                    self._cond.wait(timeout=1.0)
                    job = self._next(lane)
                if self._stop:
                    return
                assert job is not None  # the loop above ends with a job unless stopping
                reader, texts, beam = job
                self._readers[reader].busy += len(texts)
            try:
                results = self.call(lane, texts, beam)
            except Exception as exc:  # noqa: BLE001 - every way of not reaching the service is handled alike
                self._down(reader, lane, texts, exc)
                time.sleep(BACKOFF_S[min(tries, len(BACKOFF_S) - 1)])
                tries += 1
                continue
            tries = 0
            self._done(reader, texts, results)

    def _down(self, reader: str, lane: str, texts: list[str], exc: BaseException) -> None:
        log.warning("translation service unavailable (%s): %s", lane, exc)
        with self._cond:
            self.unavailable = f"{UNAVAILABLE}: {type(exc).__name__}. Translations resume when it is back."
            if self._down_since is None:
                self._down_since = time.monotonic()
            state = self._readers.get(reader)
            if state is not None:
                state.busy -= len(texts)
                queue = state.first if lane == FIRST_LANE else state.rest
                queue[:0] = [t for t in texts if t not in queue]  # tried again, first
            self._cond.notify_all()

    def _done(self, reader: str, texts: list[str], results: list[str | None]) -> None:
        fresh = {t: r for t, r in zip(texts, results, strict=True) if r is not None}
        try:
            self.store.put_many(self.model_key, fresh)
        except STORE_ERRORS:
            log.warning("Could not write to the translation cache at %s", self.store.path, exc_info=True)
        with self._cond:
            self.unavailable, self._down_since = None, None
            self._failed.update(t for t, r in zip(texts, results, strict=True) if r is None)
            state = self._readers.get(reader)
            if state is not None:
                state.busy -= len(texts)
            self._cond.notify_all()
