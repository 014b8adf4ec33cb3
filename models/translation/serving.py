"""The translation model as one service for every Qari process, on Ray Serve.

    serve run models.translation.serving:app                 # on the cluster in RAY_ADDRESS, or a local Ray
    serve run models.translation.serving:app replicas=4 batch=8 wait_ms=20

Two deployments of the same model, one per lane, behind a small ingress (`Translation`):

- `translate_first`: the sentence a reader is looking at (a click). Batches of up to 4 that go as soon as
  the model is free (no waiting to fill), on replicas of their own: a click never queues behind
  background work. Serve has no request priority (a replica takes requests in arrival order), so the
  priority is two deployments, the same split as the in-process worker's (`worker.py`).
- `translate_rest`: every reader's background work, batched across every process that calls it
  (`@serve.batch`, up to `batch` sentences waiting at most `wait_ms` to fill), scaled by `replicas`.

Each replica translates through the translation cache (`cache.translation_store()`: the readers'
PostgreSQL database when `QARI_DATABASE_URL` names one, so every machine shares it), and a text already
on its way in a replica is not translated again for a second caller (in flight, and across replicas
and processes by the cache's claim). A text the model fails on comes back as None, the others of its
batch as usual. `align` aligns translated sentences with the model's attention, for processes that hold
no model. `stats()` on the ingress reports each lane's load: requests, texts asked, texts the model
translated, batches and their mean size, texts in flight.

The model and engine are read from the settings (`QARI_MT_MODEL`, `QARI_MT_ENGINE`, `QARI_DATABASE_URL`,
`QARI_DATA_DIR`) where `serve run` is typed, and handed to the replicas, wherever they run. Readers use the
service with `QARI_TRANSLATION_SERVICE=ray` (`models.translation.remote`).
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ray import serve
from ray.serve.handle import DeploymentHandle

from models.document import Sentence
from models.settings import (
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    MT_ENGINE_ENV,
    MT_THREADS_ENV,
    data_dir,
    database_url,
    serve_batch,
    serve_replicas,
    serve_wait_ms,
    translation_engine,
    translation_model,
)
from models.translation.align import DEFAULT_LAYERS, align_sentences
from models.translation.base import CrossAttention, Translator
from models.translation.cache import CachedTranslator, translation_store
from models.translation.loader import get_translator, model_key_for

FIRST = "translate_first"
REST = "translate_rest"
FIRST_BATCH = 4  # clicks arriving together from several readers go as one call; never waited for
CPUS_PER_REPLICA = 1


class _Counting:
    """The engine, counting the texts it is given: what `stats` calls translated."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator
        self.model_key = translator.model_key
        self.texts = 0
        self.calls = 0

    @property
    def attention(self) -> CrossAttention | None:
        return self.translator.attention

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        out = self.translator.translate(texts, beam_size=beam_size)
        self.texts += len(texts)
        self.calls += 1
        return out


@serve.deployment(max_ongoing_requests=64, health_check_period_s=5, graceful_shutdown_timeout_s=5)
class Lane:
    """One lane's replica: the model behind the cache, batching the texts of every caller."""

    def __init__(
        self, lane: str, model_id: str, engine: str, settings: dict[str, str], batch: int, wait_ms: int
    ) -> None:
        os.environ.update(settings)  # the settings of the `serve run` command, wherever this replica runs
        loaded = get_translator(model_id, engine)
        if loaded.translator is None:
            raise RuntimeError(loaded.error or f"The translation model {model_id} could not be loaded.")
        self.lane = lane
        self.engine = loaded.engine
        self.model = _Counting(loaded.translator)
        self.cached = CachedTranslator(self.model, translation_store(), batch_size=batch)
        # @serve.batch makes `_batched` a batching wrapper; mypy sees the plain coroutine function
        self._batched.set_max_batch_size(batch)  # type: ignore[attr-defined]
        self._batched.set_batch_wait_timeout_s(wait_ms / 1000)  # type: ignore[attr-defined]
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"qari-{lane}")  # one model call at a time
        self._inflight: dict[tuple[str, int], asyncio.Future] = {}
        self._lock = threading.Lock()
        self.requests = self.asked = self.batches = self.batched = 0
        self.started = time.time()

    def _landed(self, key: tuple[str, int], _future: asyncio.Future) -> None:
        self._inflight.pop(key, None)

    async def translate(self, texts: list[str], beam_size: int = 4) -> list[str | None]:
        """Translations of `texts`, in order; None for a text the model failed on."""
        self.requests += 1
        self.asked += len(texts)
        waits = []
        for text in texts:
            key = (text, beam_size)
            future = self._inflight.get(key)
            if future is None:  # the same text asked by two callers at once is translated once
                future = asyncio.ensure_future(self._batched(key))
                self._inflight[key] = future
                future.add_done_callback(functools.partial(self._landed, key))
            waits.append(future)
        return list(await asyncio.gather(*waits))

    @serve.batch(max_batch_size=8, batch_wait_timeout_s=0.02)
    async def _batched(self, items: list[tuple[str, int]]) -> list[str | None]:
        self.batches += 1
        self.batched += len(items)
        loop = asyncio.get_running_loop()
        out: dict[tuple[str, int], str | None] = {}
        for beam in sorted({b for _, b in items}):
            texts = [t for t, b in items if b == beam]
            done = await loop.run_in_executor(self._pool, self._translate, texts, beam)
            out.update(((t, beam), r) for t, r in zip(texts, done, strict=True))
        return [out[item] for item in items]

    def _translate(self, texts: list[str], beam: int) -> list[str | None]:
        try:
            return list(self.cached.translate(texts, beam_size=beam))
        except Exception:  # noqa: BLE001 - one bad text must not fail its batch: try them one by one
            if len(texts) == 1:
                return [None]
            return [r for t in texts for r in self._translate([t], beam)]

    async def align(self, sentences: list[Sentence], layers: list[int]) -> list[list[tuple[int, int]]]:
        """Word alignment of translated sentences from the model's cross-attention (`align.align_sentences`)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool,
            lambda: align_sentences(self.model.translator, sentences, layers=layers or DEFAULT_LAYERS),
        )

    def stats(self) -> dict[str, Any]:
        context = serve.get_replica_context()
        return {
            "lane": self.lane,
            "replica": context.replica_id.unique_id,
            "engine": self.engine,
            "requests": self.requests,
            "asked": self.asked,
            "translated": self.model.texts,
            "model_calls": self.model.calls,
            "batches": self.batches,
            "mean_batch": round(self.batched / self.batches, 2) if self.batches else None,
            "in_flight": len(self._inflight),
            "up_s": round(time.time() - self.started, 1),
        }


@serve.deployment(num_replicas=1, ray_actor_options={"num_cpus": 0}, max_ongoing_requests=256)
class Translation:
    """The ingress: translate through either lane, and the lanes' load."""

    def __init__(self, first: DeploymentHandle, rest: DeploymentHandle, model_key: str, engine: str) -> None:
        self.lanes = {FIRST: first, REST: rest}
        self.model_key = model_key
        self.engine = engine

    async def translate(self, texts: list[str], beam_size: int = 4, first: bool = False) -> list[str | None]:
        return await self.lanes[FIRST if first else REST].translate.remote(texts, beam_size)

    async def align(self, sentences: list[Sentence], layers: list[int]) -> list[list[tuple[int, int]]]:
        return await self.lanes[REST].align.remote(sentences, layers)

    async def info(self) -> dict[str, str]:
        """What the service translates with: the cache's model key and engine setting."""
        return {"model_key": self.model_key, "engine": self.engine}

    async def stats(self) -> list[dict[str, Any]]:
        """One lane replica's figures per lane (the replica the call reaches)."""
        return [await handle.stats.remote() for handle in self.lanes.values()]


def app(args: dict[str, str]) -> Any:
    """The Serve application (`serve run models.translation.serving:app [replicas=N] [batch=N]
    [wait_ms=N] [model=ID] [engine=NAME]`); unnamed arguments come from the settings."""
    model_id = args.get("model") or translation_model()
    engine = args.get("engine") or translation_engine()
    replicas = int(args.get("replicas") or serve_replicas())
    batch = int(args.get("batch") or serve_batch())
    wait_ms = int(args.get("wait_ms") or serve_wait_ms())
    model_id = os.path.abspath(model_id) if os.path.isdir(model_id) else model_id
    settings = {DATA_DIR_ENV: str(data_dir()), MT_ENGINE_ENV: engine, MT_THREADS_ENV: str(CPUS_PER_REPLICA)}
    if database_url():
        settings[DATABASE_URL_ENV] = database_url() or ""
    options = {"num_cpus": CPUS_PER_REPLICA}
    # @serve.deployment makes Lane and Translation deployments (options, bind); mypy sees the plain classes
    first = Lane.options(  # type: ignore[attr-defined]
        name=FIRST,
        num_replicas=max(1, replicas // 4),
        ray_actor_options=options,
        max_ongoing_requests=64,
    ).bind(FIRST, model_id, engine, settings, FIRST_BATCH, 0)
    rest = Lane.options(  # type: ignore[attr-defined]
        name=REST,
        num_replicas=replicas,
        ray_actor_options=options,
        max_ongoing_requests=max(64, batch),
    ).bind(REST, model_id, engine, settings, batch, wait_ms)
    return Translation.bind(first, rest, model_key_for(model_id), engine)  # type: ignore[attr-defined]
