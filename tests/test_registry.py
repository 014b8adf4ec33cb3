"""The registry of loaded models: one load per model, one failure policy for every kind."""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass

from models import registry
from models.registry import ModelRegistry


@dataclass
class Loader:
    """Counts its loads; fails while `ok` is False."""

    ok: bool = True
    loads: int = 0

    def __call__(self) -> dict:
        self.loads += 1
        return {"ok": self.ok, "load": self.loads}


def is_ok(value: dict) -> bool:
    return value["ok"]


def test_a_model_is_loaded_once_across_threads() -> None:
    registry, loader = ModelRegistry(), Loader()
    found: list[dict] = []
    threads = [
        threading.Thread(target=lambda: found.append(registry.get("k", "m", loader, is_ok))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loader.loads == 1 and len(found) == 8 and all(v is found[0] for v in found)


def test_a_quick_failure_is_looked_up_again_at_once() -> None:
    registry, loader = ModelRegistry(), Loader(ok=False)
    assert not registry.get("k", "m", loader, is_ok)["ok"]
    loader.ok = True  # the model appears (downloaded, copied in)
    assert registry.get("k", "m", loader, is_ok)["ok"] and loader.loads == 2


def test_a_slow_failure_is_remembered_until_the_retry_time() -> None:
    # every failure counts as slow here; the retry time decides
    remembered = ModelRegistry(retry_seconds=3600, quick_failure_seconds=0)
    loader = Loader(ok=False)
    first = remembered.get("k", "m", loader, is_ok)
    loader.ok = True
    assert remembered.get("k", "m", loader, is_ok) is first and loader.loads == 1
    retried = ModelRegistry(retry_seconds=0, quick_failure_seconds=0)
    loader = Loader(ok=False)
    retried.get("k", "m", loader, is_ok)
    loader.ok = True
    assert retried.get("k", "m", loader, is_ok)["ok"] and loader.loads == 2


def test_a_kind_keeps_at_most_its_limit_least_recently_used_dropped() -> None:
    registry = ModelRegistry(limits={"k": 2})
    loaders = {name: Loader() for name in "abc"}
    a = registry.get("k", "a", loaders["a"])
    b = registry.get("k", "b", loaders["b"])
    assert registry.get("k", "a", loaders["a"]) is a  # a is now the most recent
    registry.get("k", "c", loaders["c"])  # b, the least recently used, goes
    assert registry.peek("k", "b") is None and registry.peek("k", "a") is a
    assert registry.get("k", "b", loaders["b"]) is not b and loaders["b"].loads == 2


def test_forget_drops_one_model_one_kind_or_everything() -> None:
    registry = ModelRegistry()
    for kind, name in [("x", "1"), ("x", "2"), ("y", "1")]:
        registry.get(kind, name, Loader())
    registry.forget("x", "1")
    assert registry.peek("x", "1") is None and registry.peek("x", "2") is not None
    registry.forget("x")
    assert registry.peek("x", "2") is None and registry.peek("y", "1") is not None
    registry.forget()
    assert registry.peek("y", "1") is None


def test_quiet_gc_pauses_the_collector_across_threads_and_freezes_what_was_loaded() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    inner_done, outer_may_end = threading.Event(), threading.Event()
    seen: list[bool] = []

    def other_load() -> None:  # a second load in another thread, ending first
        with registry.quiet_gc():
            seen.append(gc.isenabled())
        inner_done.set()
        assert outer_may_end.wait(10)

    with registry.quiet_gc():
        tables = [{"word": [n]} for n in range(10_000)]  # a loaded table: long-lived objects
        worker = threading.Thread(target=other_load)
        worker.start()
        assert inner_done.wait(10)
        assert not gc.isenabled()  # the other block ended, this one still runs: still paused
        outer_may_end.set()
    worker.join(10)
    assert seen == [False] and gc.isenabled()
    assert gc.get_freeze_count() >= frozen_before + len(tables)  # left out of later collections


def test_quiet_gc_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with registry.quiet_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
