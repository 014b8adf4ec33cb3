"""Tests for the translation layer (models.translation.loader) and its SQLite cache (models.translation.cache).

Everything runs on a tiny random-weight MarianMT model (tests/tiny_marian.py) loaded through the same
code as the real opus-mt model; nothing here needs the network.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from huggingface_hub import constants as hub_constants

from models.settings import DEFAULT_MT_MODEL as DEFAULT_MODEL
from models.settings import data_dir
from models.settings import translation_model as configured_model
from models.translation import cache as store_mod
from models.translation import download
from models.translation import loader as translate
from models.translation.base import Translator
from models.translation.cache import CachedTranslator, TranslationStore
from models.translation.download import download_model, network_available
from models.translation.loader import LoadResult, get_translator, load_translator
from models.translation.marian import MarianTranslator
from tests.support import ARABIC_SENTENCES

ROOT = Path(__file__).resolve().parents[2]
ARABIC = ARABIC_SENTENCES[:5]


pytestmark = pytest.mark.usefixtures("clean_registry")


@pytest.fixture
def empty_hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the Hugging Face cache at an empty folder, so "missing" holds on any machine."""
    cache = tmp_path / "hub"
    cache.mkdir()
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(cache))
    return cache


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> MarianTranslator:
    result = load_translator(str(tiny_model_dir))
    assert result.error is None, result.error
    assert isinstance(result.translator, MarianTranslator)
    return result.translator


def _fake_hub_snapshot(cache: Path, repo_id: str, source: Path) -> Path:
    """Lay `source` out as huggingface_hub caches a downloaded repo (refs/main → snapshots/<sha>)."""
    repo = cache / f"models--{repo_id.replace('/', '--')}"
    sha = "0123456789abcdef0123456789abcdef01234567"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(sha)
    shutil.copytree(source, repo / "snapshots" / sha)
    return repo / "snapshots" / sha


class CountingTranslator:
    """Delegates to a real translator and records what reaches it."""

    def __init__(self, inner: Translator) -> None:
        self.inner = inner
        self.model_key = inner.model_key
        self.calls: list[list[str]] = []

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        self.calls.append(list(texts))
        return self.inner.translate(texts, beam_size=beam_size)

    @property
    def sentences(self) -> int:
        return sum(len(c) for c in self.calls)


# --- configuration ---------------------------------------------------------------------------------


def test_configured_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QARI_MT_MODEL", raising=False)
    assert configured_model() == DEFAULT_MODEL
    monkeypatch.setenv("QARI_MT_MODEL", "  /models/mine ")
    assert configured_model() == "/models/mine"


# --- loading and generation ------------------------------------------------------------------------


def test_tiny_model_loads_through_app_code(tiny_model_dir: Path) -> None:
    t0 = time.perf_counter()
    result = load_translator(str(tiny_model_dir))
    elapsed = time.perf_counter() - t0
    assert result.ok and result.error is None and not result.missing
    assert isinstance(result.translator, Translator)
    assert result.translator.model_key == str(tiny_model_dir.resolve())
    assert elapsed < 2.0


def test_translate_outputs(tiny: MarianTranslator) -> None:
    out = tiny.translate(ARABIC)
    assert len(out) == len(ARABIC)
    assert all(isinstance(s, str) and s.strip() for s in out)
    assert len(set(out)) > 1  # the output depends on the input
    assert tiny.translate([]) == []
    assert tiny.translate(["", "  ", ARABIC[0]]) == ["", "", out[0]]


def test_translate_is_deterministic_and_order_preserving(
    tiny: MarianTranslator, tiny_model_dir: Path
) -> None:
    first = tiny.translate(ARABIC)
    assert tiny.translate(ARABIC) == first
    # Inputs are sorted into batches internally; results come back in the caller's order.
    assert tiny.translate(ARABIC[::-1]) == first[::-1]
    again = MarianTranslator.from_folder(tiny_model_dir, "again", batch_size=2)
    assert again.translate(ARABIC) == first
    assert again.translate(ARABIC, beam_size=1) == tiny.translate(ARABIC, beam_size=1)


def test_overlong_input_is_truncated(tiny: MarianTranslator) -> None:
    long = " ".join([ARABIC[1]] * 60)  # far past the tiny model's 64 positions
    [out] = tiny.translate([long])
    assert out.strip()


# --- failures become messages ----------------------------------------------------------------------


def test_missing_hub_model_answers_fast(empty_hub_cache: Path) -> None:
    t0 = time.perf_counter()
    result = load_translator(DEFAULT_MODEL)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0
    assert result.missing and not result.ok
    assert DEFAULT_MODEL in result.error
    assert "python -m models download" in result.error


def test_missing_hub_model_answers_fast_in_a_fresh_process(tmp_path: Path) -> None:
    """Cold: imports included, no HF_HUB_OFFLINE, as the app starts on a machine without the model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env["HF_HUB_CACHE"] = str(tmp_path / "hub")
    code = (
        "import json, time; t = time.perf_counter(); from models.translation.loader import load_translator; "
        "r = load_translator('Helsinki-NLP/opus-mt-ar-en'); "
        "print(json.dumps({'s': time.perf_counter() - t, 'missing': r.missing, 'error': r.error}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    assert answer["missing"] and "python -m models download" in answer["error"]
    assert answer["s"] < 2.0


def test_cached_hub_model_loads_from_snapshot(tiny_model_dir: Path, empty_hub_cache: Path) -> None:
    _fake_hub_snapshot(empty_hub_cache, "qari-test/tiny", tiny_model_dir)
    result = load_translator("qari-test/tiny")
    assert result.ok, result.error
    assert result.translator.model_key == "qari-test/tiny"
    assert result.translator.translate(ARABIC[:2]) == load_translator(
        str(tiny_model_dir)
    ).translator.translate(ARABIC[:2])


def test_partly_downloaded_hub_model_is_missing(tiny_model_dir: Path, empty_hub_cache: Path) -> None:
    snapshot = _fake_hub_snapshot(empty_hub_cache, "qari-test/tiny", tiny_model_dir)
    (snapshot / "model.safetensors").unlink()
    result = load_translator("qari-test/tiny")
    assert result.missing and not result.ok
    assert "partly downloaded" in result.error and "python -m models download" in result.error


@pytest.mark.parametrize("damage", ["config", "weights", "vocab"])
def test_broken_local_folder_gives_error_not_exception(
    tiny_model_dir: Path, tmp_path: Path, damage: str
) -> None:
    folder = shutil.copytree(tiny_model_dir, tmp_path / "broken")
    target = {"config": "config.json", "weights": "model.safetensors", "vocab": "vocab.json"}[damage]
    (folder / target).write_text("this is not what you think {{{")
    result = load_translator(str(folder))
    assert isinstance(result, LoadResult)
    assert not result.ok and not result.missing
    assert str(folder) in result.error or "broken" in result.error


def test_incomplete_or_absent_local_folder(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(tiny_model_dir, tmp_path / "partial")
    (folder / "source.spm").unlink()
    result = load_translator(str(folder))
    assert not result.ok and "source.spm" in result.error
    result = load_translator(str(tmp_path / "nowhere"))
    assert not result.ok and not result.missing and "does not exist" in result.error
    result = load_translator("not a valid name!")
    assert not result.ok and result.error


# --- registry --------------------------------------------------------------------------------------


def test_registry_loads_once(tiny_model_dir: Path) -> None:
    first = get_translator(str(tiny_model_dir))
    assert first.ok
    assert get_translator(str(tiny_model_dir)) is first
    # The same folder named differently is the same model.
    assert get_translator(str(tiny_model_dir) + "/") is first
    assert translate.model_key_for(str(tiny_model_dir) + "/") == first.translator.model_key
    assert translate.model_key_for(" Helsinki-NLP/opus-mt-ar-en ") == DEFAULT_MODEL


def test_registry_loads_once_under_concurrency(tiny_model_dir: Path) -> None:
    results: list[LoadResult] = []
    threads = [
        threading.Thread(target=lambda: results.append(get_translator(str(tiny_model_dir)))) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r.translator) for r in results}) == 1


def test_a_model_that_arrives_later_is_used_on_the_next_call(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "arrives-later"
    failed = get_translator(str(folder))
    assert not failed.ok and "does not exist" in (failed.error or "")
    shutil.copytree(tiny_model_dir, folder)  # copied in while the app runs: no restart needed
    recovered = get_translator(str(folder))
    assert recovered.ok
    assert get_translator(str(folder)) is recovered


# --- network and download --------------------------------------------------------------------------


def test_network_available_is_quick_and_honest(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        free_port = closed.getsockname()[1]
    monkeypatch.setattr(download, "_hub_host", lambda: ("127.0.0.1", free_port))
    t0 = time.perf_counter()
    assert network_available(timeout=1.0) is False
    assert time.perf_counter() - t0 < 1.5
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        monkeypatch.setattr(download, "_hub_host", lambda: ("127.0.0.1", server.getsockname()[1]))
        assert network_available(timeout=1.0) is True


def test_network_check_does_not_hang_on_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def hanging_dns(*args: object, **kwargs: object) -> list:
        time.sleep(5)  # a resolver that never answers in time, then gives up
        raise OSError("temporary failure in name resolution")

    monkeypatch.setattr(download.socket, "getaddrinfo", hanging_dns)
    t0 = time.perf_counter()
    assert network_available(timeout=0.2) is False
    assert time.perf_counter() - t0 < 1.0


def test_download_offline_raises_quickly(monkeypatch: pytest.MonkeyPatch, empty_hub_cache: Path) -> None:
    monkeypatch.setattr(download, "network_available", lambda timeout=3.0: False)
    seen: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="Cannot download Helsinki-NLP/opus-mt-ar-en"):
        download_model(DEFAULT_MODEL, progress=lambda f, m: seen.append((f, m)))
    assert time.perf_counter() - t0 < 1.0
    assert seen and seen[0][0] == 0.0


def test_download_progress_reporter_counts_disk_bytes_once() -> None:
    seen: list[float] = []
    bar_class = download._progress_bar_class(1000, lambda f, m: seen.append(f))
    # The bars snapshot_download creates: files fetched, network bytes, bytes written.
    files = bar_class(total=3, desc="Fetching 3 files")
    network = bar_class(total=0, unit="B", desc="Downloading bytes")
    disk = bar_class(total=0, unit="B", desc="Reconstructing (incomplete total...)")
    for _ in range(10):
        network.update(100)
        disk.update(100)
    files.update(3)
    assert seen == sorted(seen) and 0.05 < seen[0] <= 0.1 and seen[-1] == 0.99
    assert len(seen) == 10


# --- the persistent cache --------------------------------------------------------------------------


def test_data_dir_created_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "not" / "yet"
    monkeypatch.setenv("QARI_DATA_DIR", str(target))
    assert not target.exists()
    assert data_dir() == target and target.is_dir()
    assert TranslationStore().path == target / store_mod.DB_NAME


def test_store_round_trip_across_restart(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    TranslationStore(path).put_many("m", {"مرحبا": "hello", "شكرا": "thanks"})
    TranslationStore(path).put_many("other", {"مرحبا": "hi"})
    reopened = TranslationStore(path)
    assert reopened.get_many("m", ["مرحبا", "شكرا", "غير موجود"]) == {"مرحبا": "hello", "شكرا": "thanks"}
    assert reopened.get_many("other", ["مرحبا"]) == {"مرحبا": "hi"}
    assert reopened.get_many("m", []) == {}
    many = {f"جملة {i}": f"sentence {i}" for i in range(1200)}  # past one statement's variable limit
    reopened.put_many("m", many)
    assert TranslationStore(path).get_many("m", list(many)) == many
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_cached_translator_sends_only_misses(tiny: MarianTranslator) -> None:
    counting = CountingTranslator(tiny)
    cached = CachedTranslator(counting, TranslationStore(), batch_size=2)
    assert cached.model_key == tiny.model_key
    direct = tiny.translate(ARABIC)

    assert cached.translate(ARABIC[:3] + [ARABIC[0], ""]) == direct[:3] + [direct[0], ""]
    assert counting.sentences == 3  # the repeat and the blank cost nothing
    assert [len(c) for c in counting.calls] == [2, 1]  # batches of two

    progress: list[tuple[int, int]] = []
    assert cached.translate(ARABIC, progress=lambda d, t: progress.append((d, t))) == direct
    assert counting.sentences == 5  # only the two new ones
    assert progress[0] == (3, 5) and progress[-1] == (5, 5)

    # A restart: new store object, new wrapper, same data folder — nothing reaches the model.
    after_restart = CountingTranslator(tiny)
    assert CachedTranslator(after_restart).translate(ARABIC) == direct
    assert after_restart.calls == []
    assert cached.translate([]) == []


def test_cached_translator_survives_a_broken_store(tiny: MarianTranslator, tmp_path: Path) -> None:
    store = TranslationStore(tmp_path / "cache.sqlite3")
    cached = CachedTranslator(CountingTranslator(tiny), store)
    store.path = tmp_path / "gone" / "cache.sqlite3"  # the folder vanished under us
    assert cached.translate(ARABIC[:2]) == tiny.translate(ARABIC[:2])


def test_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    shared = TranslationStore(path)

    def work(n: int) -> None:
        own = TranslationStore(path) if n % 2 else shared  # separate instances and a shared one
        for batch in range(10):
            pairs = {f"{n}-{batch}-{i}": f"t{n}-{batch}-{i}" for i in range(20)}
            own.put_many("m", pairs)
            assert own.get_many("m", list(pairs)) == pairs

    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(work, n) for n in range(8)]:
            future.result()  # re-raises anything a writer hit ("database is locked", …)
    assert shared.count("m") == 8 * 10 * 20


def test_pytorch_bin_weights_load(tiny_model_dir: Path, tmp_path: Path) -> None:
    """Some opus-mt repos publish only pytorch_model.bin; that loads too."""
    import torch
    from safetensors.torch import load_file

    folder = shutil.copytree(tiny_model_dir, tmp_path / "bin")
    torch.save(load_file(folder / "model.safetensors"), folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    result = load_translator(str(folder))
    assert result.ok, result.error
    assert result.translator.translate(ARABIC) == load_translator(str(tiny_model_dir)).translator.translate(
        ARABIC
    )
