"""Work the page does not wait for: one background job per key, shared by every reader of the process.

`Soon.get(key, work)` starts `work()` in a background thread the first time `key` is asked for and
returns its result once it is done (None until then), so a page draws what it has at once and polls for
the rest. The most recent `keep` keys are remembered. A job that raised is forgotten once its exception
has been raised to a caller, so the next ask tries again. (The page's analysis uses it: `models.pipeline`.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class Soon(Generic[K, T]):
    """Results worked out in `workers` background threads, once per key (see the module docstring)."""

    def __init__(self, name: str, *, keep: int = 32, workers: int = 1) -> None:
        self.keep = keep
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._jobs: OrderedDict[K, Future[T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, work: Callable[[], T], *, wait: float = 0.0) -> T | None:
        """The result for `key` if it is ready (within `wait` seconds), else None (and `work()` is
        started, once)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None:
                job = self._jobs[key] = self._executor.submit(work)
                while len(self._jobs) > self.keep:
                    self._jobs.popitem(last=False)
            self._jobs.move_to_end(key)
        if wait > 0:
            wait_futures([job], timeout=wait)
        return self._result(key, job)

    def ready(self, key: K, *, wait: float = 0.0) -> T | None:
        """The result for `key` if it is ready, within `wait` seconds when it is being worked out (never
        starts the work)."""
        with self._lock:
            job = self._jobs.get(key)
        if job is None:
            return None
        if wait > 0:
            wait_futures([job], timeout=wait)
        return self._result(key, job)

    def __len__(self) -> int:
        """How many results (or jobs in the works) are kept."""
        with self._lock:
            return len(self._jobs)

    def running(self, key: K) -> bool:
        """Whether the work for `key` is started and not finished yet."""
        with self._lock:
            job = self._jobs.get(key)
        return job is not None and not job.done()

    def any_done(self) -> bool:
        """Whether some job kept here has finished (whatever it needed is loaded by now)."""
        with self._lock:
            return any(job.done() for job in self._jobs.values())

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every job started so far is done (tests, scripts); False on timeout."""
        with self._lock:
            jobs = list(self._jobs.values())
        return not wait_futures(jobs, timeout=timeout).not_done

    def forget(self, key: K | None = None) -> None:
        """Drop the result for `key` (all of them with None): the next ask works it out again. A job
        still running finishes, unheard."""
        with self._lock:
            if key is None:
                self._jobs.clear()
            else:
                self._jobs.pop(key, None)

    def _result(self, key: K, job: Future[T]) -> T | None:
        if not job.done():
            return None
        if job.exception() is not None:
            with self._lock:
                if self._jobs.get(key) is job:
                    del self._jobs[key]  # raised once; the next ask starts again
        return job.result()
