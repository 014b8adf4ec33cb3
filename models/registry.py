"""The registry of loaded models: each one loaded once per process, with one failure policy.

Models (the translation model, the entity recogniser, the lexicon, the diacritizer…) are large and
slow to load, and Streamlit serves every reader from threads of one process: each is loaded once, on
first use, under a lock of its own (concurrent readers wait for that one load; other models are not
blocked), and shared. The policy, for every kind:

- a load that succeeds is kept for the life of the process (or until `forget`/`reset`), except that a
  kind may cap how many it keeps (`limits`): the least recently used is dropped and reloaded when
  asked for again;
- a load that fails (the loader's `ok` says so) quickly (under `QUICK_FAILURE_SECONDS`: the model is
  simply not there) is not remembered: looking again costs no more than remembering, and a model
  downloaded or copied in later is used on the next run. A slow failure (a broken model) is remembered
  for `RETRY_SECONDS`, then tried again, so it is not reloaded on every click.

Loaders never raise for an expected failure: they return a value that says what went wrong (e.g.
`LoadResult` with a reader-facing message); an exception from a loader propagates and nothing is kept.

`quiet_gc()` wraps the loads of the analysis' tables (lexicon, names, roots): millions of long-lived
objects, which Python's cycle collector would otherwise walk again and again while they are built, and
after, on every full collection for the life of the server.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

RETRY_SECONDS = 30.0  # how long a slow failed load is remembered
QUICK_FAILURE_SECONDS = 0.5  # a failure faster than this is not remembered at all


@dataclass
class _Entry:
    lock: threading.Lock
    value: Any = None
    ok: bool = False
    loaded_at: float | None = None  # None: not loaded yet


class ModelRegistry:
    """Loaded models by (kind, name); see the module docstring for the policy."""

    def __init__(
        self,
        limits: dict[str, int] | None = None,
        retry_seconds: float = RETRY_SECONDS,
        quick_failure_seconds: float = QUICK_FAILURE_SECONDS,
    ) -> None:
        self.limits = dict(limits or {})
        self.retry_seconds = retry_seconds
        self.quick_failure_seconds = quick_failure_seconds
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, kind: str, name: str, load: Callable[[], T], ok: Callable[[T], bool] = lambda _: True) -> T:
        """The model `name` of `kind`, loaded by `load()` if it is not held (or failed long enough ago)."""
        key = (kind, name)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry(threading.Lock())
            self._entries.move_to_end(key)
        with entry.lock:
            if entry.loaded_at is not None and (
                entry.ok or time.monotonic() - entry.loaded_at < self.retry_seconds
            ):
                return entry.value
            started = time.monotonic()
            value = load()
            now = time.monotonic()
            entry.value, entry.ok = value, bool(ok(value))
            # a quick failure stays unloaded: the next call looks again
            quick_failure = not entry.ok and now - started < self.quick_failure_seconds
            entry.loaded_at = None if quick_failure else now
        self._trim(kind)
        return value

    def peek(self, kind: str, name: str) -> Any | None:
        """The model held for (kind, name), or None; never loads."""
        with self._lock:
            entry = self._entries.get((kind, name))
        return None if entry is None or entry.loaded_at is None else entry.value

    def held(self, kind: str) -> list[Any]:
        """Every model of `kind` held now (e.g. to wait for the translation workers)."""
        with self._lock:
            return [e.value for k, e in self._entries.items() if k[0] == kind and e.loaded_at is not None]

    def forget(self, kind: str | None = None, name: str | None = None) -> None:
        """Drop what is held: everything, one kind, or one model (e.g. right after a download)."""
        with self._lock:
            for key in list(self._entries):
                if (kind is None or key[0] == kind) and (name is None or key[1] == name):
                    del self._entries[key]

    def _trim(self, kind: str) -> None:
        limit = self.limits.get(kind)
        if limit is None:
            return
        with self._lock:
            held = [k for k, e in self._entries.items() if k[0] == kind and e.ok]
            for key in held[: max(0, len(held) - limit)]:
                del self._entries[key]


# The process's registry. At most two transformers entity models are kept (a few hundred MB each).
REGISTRY = ModelRegistry(limits={"entity-model": 2})


def loaded(kind: str, name: str, load: Callable[[], T], ok: Callable[[T], bool] = lambda _: True) -> T:
    """`REGISTRY.get`: the process-wide, once-loaded model `name` of `kind`."""
    return REGISTRY.get(kind, name, load, ok)


def forget(kind: str | None = None, name: str | None = None) -> None:
    """`REGISTRY.forget`."""
    REGISTRY.forget(kind, name)


def reset() -> None:
    """Forget every loaded model (tests call this between tests; the next use loads again)."""
    REGISTRY.forget()


_GC_LOCK = threading.Lock()
_gc_paused = 0  # quiet_gc blocks running now, in any thread
_gc_was_enabled = True


@contextmanager
def quiet_gc() -> Iterator[None]:
    """No cycle collection while the block runs (in any thread: Python's collector is process-wide), and
    what is alive when the last such block ends is frozen (`gc.freeze`): left out of later collections.
    For loads that build large, long-lived tables; it costs nothing when they are loaded already."""
    global _gc_paused, _gc_was_enabled
    with _GC_LOCK:
        if _gc_paused == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_paused += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_paused -= 1
            if _gc_paused == 0 and _gc_was_enabled:
                gc.freeze()
                gc.enable()
