"""Vowels without waiting: each text is voweled once, in a background thread shared by every reader.

`voweled_soon(text)` starts the work on first call and returns the result once it is there (None until
then), so the page shows the text at once and adds the vowels when they come (about a second for an
article, warm).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

from models.vowels.diacritizer import Vowels, vowels

KEEP = 32  # texts whose vowels are kept (a class reads a few texts at a time)

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qari-vowels")
_jobs: OrderedDict[str, Future[Vowels]] = OrderedDict()
_lock = threading.Lock()


def voweled_soon(text: str) -> Vowels | None:
    """The vowels of `text` if they are ready, else None (and they are being worked out).

    Raises what the diacritizer raised (`VowelsUnavailable` when its model cannot be loaded)."""
    key = hashlib.sha1(text.encode("utf-8")).hexdigest()
    with _lock:
        job = _jobs.get(key)
        if job is None:
            job = _jobs[key] = _executor.submit(vowels, text)
            while len(_jobs) > KEEP:
                _jobs.popitem(last=False)
        _jobs.move_to_end(key)
    return job.result() if job.done() else None


def ready(text: str) -> Vowels | None:
    """The vowels of `text` if they were worked out already (never starts the work)."""
    with _lock:
        job = _jobs.get(hashlib.sha1(text.encode("utf-8")).hexdigest())
    return job.result() if job is not None and job.done() and job.exception() is None else None


def wait(text: str, timeout: float | None = None) -> Vowels | None:
    """Block until the vowels of `text` are ready (tests, scripts); None on timeout."""
    voweled_soon(text)
    with _lock:
        job = _jobs[hashlib.sha1(text.encode("utf-8")).hexdigest()]
    try:
        return job.result(timeout)
    except TimeoutError:
        return None
