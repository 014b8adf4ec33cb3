"""The shared translation service on Ray Serve: a local Ray, the tiny model deployed with the exact command
`serve run models.translation.serving:app`, the cache in a real PostgreSQL server. Ray starts once for
the module (2 CPUs, no dashboard); the tests skip where ray[serve] (requirements-serve.txt) or PostgreSQL
is missing, or where Ray cannot start."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from models import registry
from models.db import database
from models.pipeline import analyze, cache_keys
from models.text.segment import split_sentences
from models.translation.cache import SqlTranslationStore
from models.translation.loader import model_key_for
from models.translation.remote import RayTranslationService
from tests.support import (
    SAMPLE,
    PostgresServer,
    forget_loaded_state,
    run_page,
)

ROOT = Path(__file__).resolve().parents[2]
serve = pytest.importorskip("ray.serve", reason="needs ray[serve] (pip install -r requirements-serve.txt)")
ray = pytest.importorskip("ray")

APP = "models.translation.serving:app"


def tagged(tag: str, count: int = 6) -> str:
    """A text no cache has seen: the sample's first sentences, each with a number of its own."""
    parts = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)][:count]
    return " ".join(f"{p[:-1]} عدد {tag}{i}." for i, p in enumerate(parts))


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local Ray cluster with this test process as its first driver; its GCS address for the others."""
    try:
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            namespace="serve",
            object_store_memory=100 * 2**20,
            logging_level="WARNING",
            log_to_driver=False,
            _temp_dir=str(tmp_path_factory.mktemp("ray")),
        )
    except Exception as exc:  # noqa: BLE001 - whatever keeps Ray from starting here, the tests skip and say it
        pytest.skip(f"Ray cannot start here: {exc}")
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()  # Serve with it (Ctrl-C on `serve run` has already shut Serve down)


@pytest.fixture(scope="module")
def env(
    tiny_model_dir: Path, postgres: PostgresServer, ray_address: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The settings every process of the deployment shares: the model, PostgreSQL, Ray, the service."""
    return {
        **os.environ,
        "QARI_MT_MODEL": str(tiny_model_dir),
        "QARI_MT_ENGINE": "transformers",
        "QARI_DATABASE_URL": postgres.create_database(f"qari_{uuid.uuid4().hex[:8]}"),
        "QARI_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "RAY_ADDRESS": ray_address,
        "QARI_TRANSLATION_SERVICE": "ray",
        "HF_HUB_OFFLINE": "1",
        "QARI_SERVE_BATCH": "4",
    }


def serve_run(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`serve run models.translation.serving:app`, as typed, until the app is running."""
    serve.start(proxy_location="Disabled")  # Serve itself, or the one running (Ctrl-C on serve run stops it)
    command = shutil.which("serve", path=str(Path(sys.executable).parent)) or "serve"
    proc = subprocess.Popen(
        [command, "run", APP], cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        app = serve.status().applications.get("default")
        if app is not None and app.status == "RUNNING":
            return proc
        assert proc.poll() is None, log.read_text(errors="replace")
        time.sleep(1)
    proc.kill()
    raise AssertionError("the Serve app did not start in 300 s:\n" + log.read_text(errors="replace"))


def stop_serve(proc: subprocess.Popen) -> None:
    proc.send_signal(2)  # Ctrl-C: serve run deletes the app
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def deployed(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen]:
    proc = serve_run(env, tmp_path_factory.mktemp("serve") / "serve.log")
    yield proc
    stop_serve(proc)


def lane_stats() -> dict[str, dict]:
    # On a thread of its own: Serve refuses a blocking call where an asyncio loop runs, and the browser
    # tests before this module (Playwright's sync API) leave one on the main thread.
    def ask() -> list[dict]:
        return serve.get_app_handle("default").stats.remote().result(timeout_s=60)

    with ThreadPoolExecutor(1) as pool:
        return {s["lane"]: s for s in pool.submit(ask).result()}


def store(env: dict[str, str]) -> SqlTranslationStore:
    return SqlTranslationStore(database(env["QARI_DATABASE_URL"]), "transformers")


@pytest.fixture
def page_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (
        "QARI_MT_MODEL",
        "QARI_MT_ENGINE",
        "QARI_DATABASE_URL",
        "QARI_DATA_DIR",
        "RAY_ADDRESS",
        "QARI_TRANSLATION_SERVICE",
    ):
        monkeypatch.setenv(name, env[name])
    forget_loaded_state()
    yield
    for service in registry.REGISTRY.held("translation-worker"):
        service.close()
    registry.reset()


def test_two_commands_and_two_page_sessions_share_one_service_and_one_cache(
    env: dict[str, str], deployed: subprocess.Popen, tmp_path: Path, page_env: None
) -> None:
    before = sum(s["translated"] for s in lane_stats().values())  # 0: a fresh deployment
    text = tagged("cmd")
    (tmp_path / "text.txt").write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "models", "analyze", str(tmp_path / "text.txt"), "--json"]
    with ThreadPoolExecutor(2) as pool:  # two processes asking for the same sentences at once
        runs = list(
            pool.map(
                lambda _: subprocess.run(
                    command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
                ),
                range(2),
            )
        )
    docs = []
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]
        docs.append(json.loads(run.stdout))
    assert all(s["translation"] for doc in docs for s in doc["sentences"])
    assert all(s["alignment"] for doc in docs for s in doc["sentences"])  # aligned by the service
    assert docs[0]["sentences"] == docs[1]["sentences"]

    keys = set(cache_keys(analyze(text, with_entities=False, with_lexicon=False)))
    stats = lane_stats()
    # each distinct text translated once, counted at the deployment; the rows are in PostgreSQL
    assert sum(s["translated"] for s in stats.values()) - before == len(keys) == store(env).count()
    model_key = model_key_for(env["QARI_MT_MODEL"])
    assert set(store(env).get_many(model_key, sorted(keys))) == keys

    # two page sessions (this process, as Streamlit's threads would be) on a new text, through the service
    sessions = [run_page(), run_page()]
    fresh = tagged("page")
    for at in sessions:
        at.text_area(key="pasted").set_value(fresh)
        next(b for b in at.button if b.label == "Read this text").click().run()
        assert not at.exception, at.exception
    (service,) = registry.REGISTRY.held("translation-worker")
    assert isinstance(service, RayTranslationService)  # no model in this process
    assert service.wait(timeout=300)
    for at in sessions:
        at.run()
        doc = at.session_state["doc"]
        assert doc.text == fresh and all(s.translation for s in doc.sentences)
        assert all(s.alignment for s in doc.sentences)
    fresh_keys = set(cache_keys(analyze(fresh, with_entities=False, with_lexicon=False)))
    # the sessions opened on the sample first (part of it translated before the paste): every text the
    # model translated is one distinct row
    assert sum(s["translated"] for s in lane_stats().values()) - before == store(env).count()
    assert set(store(env).get_many(model_key, sorted(fresh_keys))) == fresh_keys


def test_a_replica_killed_mid_batch_loses_no_sentence(
    env: dict[str, str], deployed: subprocess.Popen
) -> None:
    texts = [f"{SAMPLE[a:b][:-1]} رقم {i}." for i, (a, b) in enumerate(split_sentences(SAMPLE) * 4)]
    model_key = model_key_for(env["QARI_MT_MODEL"])
    cache = store(env)
    service = RayTranslationService(env["QARI_MT_MODEL"], cache, address=env["RAY_ADDRESS"], batch_size=2)
    try:
        old = lane_stats()["translate_rest"]["replica"]
        service.request("reader", texts)
        while not cache.get_many(model_key, texts):  # the first batches are in: the replica is at work
            time.sleep(0.05)
        (name,) = [
            a["name"]
            for a in ray.util.list_named_actors(all_namespaces=True)
            if "translate_rest" in a["name"]
        ]
        ray.kill(ray.get_actor(name, namespace="serve"), no_restart=True)
        assert service.wait("reader", timeout=300)
        assert len(cache.get_many(model_key, texts)) == len(set(texts))
        assert lane_stats()["translate_rest"]["replica"] != old  # Serve started another
        assert not service.failures()
    finally:
        service.close()


def test_the_service_down_is_said_on_the_page_which_recovers_by_itself(
    env: dict[str, str], deployed: subprocess.Popen, tmp_path: Path, page_env: None
) -> None:
    """Runs last: stops the module's app (Ctrl-C on its serve run), and starts it again the same way."""
    stop_serve(deployed)
    at = run_page()
    fresh = tagged("down", 3)
    at.text_area(key="pasted").set_value(fresh)
    next(b for b in at.button if b.label == "Read this text").click().run()
    (service,) = registry.REGISTRY.held("translation-worker")
    deadline = time.monotonic() + 60
    while service.unavailable is None and time.monotonic() < deadline:
        time.sleep(0.2)
    at.run()  # the page's next poll
    assert not at.exception, at.exception
    assert any(w.value.startswith("Translation service unavailable") for w in at.warning)
    assert not service.failures()  # nothing marked failed, nothing dropped: still queued
    doc = at.session_state["doc"]
    assert doc.text == fresh and doc.sentences and doc.glossary  # the rest of the page works
    proc = serve_run(env, tmp_path / "serve.log")  # the service returns
    try:
        assert service.wait(timeout=300)
        at.run()
        assert not at.exception, at.exception
        assert not any(w.value.startswith("Translation service unavailable") for w in at.warning)
        assert all(s.translation for s in at.session_state["doc"].sentences)
    finally:
        stop_serve(proc)
