"""Settings read from the environment, and the folders Qari reads and writes.

Every `QARI_*` variable is read here and nowhere else, each through one function, so a setting is
documented, validated and defaulted once (README's configuration table lists them; a test keeps the two
in step). Functions, not constants: a variable changed while the process runs (tests, a restart of one
session) is seen at the next call.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

# What ships with the code (trained models, name tables, frequency table): read-only at run time.
SHIPPED_DATA = Path(__file__).resolve().parent / "data"

DATA_DIR_ENV = "QARI_DATA_DIR"
MT_MODEL_ENV = "QARI_MT_MODEL"
MT_ENGINE_ENV = "QARI_MT_ENGINE"
MT_THREADS_ENV = "QARI_MT_THREADS"
MT_VMAP_ENV = "QARI_MT_VMAP"
MT_COMPUTE_ENV = "QARI_MT_COMPUTE"
NER_MODEL_ENV = "QARI_NER_MODEL"
TESSERACT_ENV = "QARI_TESSERACT"
ALLOW_PRIVATE_URLS_ENV = "QARI_ALLOW_PRIVATE_URLS"
DATABASE_URL_ENV = "QARI_DATABASE_URL"
ESPEAK_LIBRARY_ENV = "QARI_ESPEAK_LIBRARY"
TRANSLATION_SERVICE_ENV = "QARI_TRANSLATION_SERVICE"
RAY_ADDRESS_ENV = "RAY_ADDRESS"  # Ray's own variable: the page and the command read it here too
SERVE_APP_ENV = "QARI_SERVE_APP"
SERVE_REPLICAS_ENV = "QARI_SERVE_REPLICAS"
SERVE_BATCH_ENV = "QARI_SERVE_BATCH"
SERVE_WAIT_MS_ENV = "QARI_SERVE_WAIT_MS"

DEFAULT_MT_MODEL = "Helsinki-NLP/opus-mt-ar-en"
MT_ENGINES = ("auto", "ctranslate2", "transformers")
TRANSLATION_SERVICES = ("embedded", "ray")

# The most characters one text may have: beyond this the page and the model slow to a crawl (the
# reader may keep the first part).
MAX_CHARS = 200_000


def _get(name: str) -> str:
    return os.environ.get(name, "").strip()


def data_dir() -> Path:
    """The folder for Qari's own files (`QARI_DATA_DIR`, else the user data folder), created on first use."""
    configured = _get(DATA_DIR_ENV)
    if configured:
        path = Path(configured).expanduser()
    else:
        import platformdirs  # only needed when no folder is configured

        path = Path(platformdirs.user_data_dir("qari", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def translation_model() -> str:
    """The translation model: `QARI_MT_MODEL` (hub id or local folder) or opus-mt-ar-en."""
    return _get(MT_MODEL_ENV) or DEFAULT_MT_MODEL


def translation_engine() -> str:
    """The translation engine: `QARI_MT_ENGINE` (auto, ctranslate2, transformers) or auto."""
    engine = _get(MT_ENGINE_ENV).lower() or "auto"
    if engine not in MT_ENGINES:
        log.warning("Unknown %s=%r; using auto (one of %s)", MT_ENGINE_ENV, engine, ", ".join(MT_ENGINES))
        return "auto"
    return engine


def translation_threads() -> int:
    """Threads for one translation: `QARI_MT_THREADS`, else the cores this process may use but one, left
    to the page (its script runs, the analysis): while a text translates in the background, a click or a
    second reader's page would otherwise wait for a core (bench/README.md, issue 32's second pass)."""
    configured = _get(MT_THREADS_ENV)
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


def translation_vmap() -> bool:
    """`QARI_MT_VMAP`: restrict CTranslate2's output layer to English pieces and the source's own (default
    on; `0` turns it off)."""
    return _get(MT_VMAP_ENV).lower() not in ("0", "false", "no", "off")


def translation_compute() -> str:
    """`QARI_MT_COMPUTE`: CTranslate2's arithmetic, auto (int8 where this CPU keeps it faithful, else
    float32), int8 or float32."""
    value = _get(MT_COMPUTE_ENV).lower() or "auto"
    if value not in ("auto", "int8", "float32"):
        log.warning("Unknown %s=%r; using auto (auto, int8 or float32)", MT_COMPUTE_ENV, value)
        return "auto"
    return value


def entity_model() -> str | None:
    """The transformers entity model to merge in (`QARI_NER_MODEL`), or None for the shipped recogniser."""
    return _get(NER_MODEL_ENV) or None


def tesseract() -> str | None:
    """The tesseract program set by `QARI_TESSERACT` (a path or a command), or None: `tesseract` on PATH."""
    return _get(TESSERACT_ENV) or None


def allow_private_urls() -> bool:
    """`QARI_ALLOW_PRIVATE_URLS`: let web addresses reach loopback, private and link-local hosts (an intranet)."""
    return _get(ALLOW_PRIVATE_URLS_ENV).lower() in ("1", "true", "yes", "on")


def database_url() -> str | None:
    """`QARI_DATABASE_URL`: the readers' database (vocabularies, libraries), e.g.
    postgresql://qari:secret@db.example/qari or sqlite:////srv/qari/readers.sqlite3; None: the SQLite file
    in the data folder."""
    return _get(DATABASE_URL_ENV) or None


def espeak_library() -> str | None:
    """`QARI_ESPEAK_LIBRARY`: the espeak-ng library file for the server's voice (e.g.
    /opt/homebrew/lib/libespeak-ng.dylib); None: the system's, found by name."""
    return _get(ESPEAK_LIBRARY_ENV) or None


def translation_service_kind() -> str:
    """`QARI_TRANSLATION_SERVICE`: `embedded` (the default: a model in this process) or `ray` (the shared
    translation service on Ray Serve at `RAY_ADDRESS`, `models.translation.serving`)."""
    value = _get(TRANSLATION_SERVICE_ENV).lower() or "embedded"
    if value not in TRANSLATION_SERVICES:
        log.warning("Unknown %s=%r; using embedded (embedded or ray)", TRANSLATION_SERVICE_ENV, value)
        return "embedded"
    return value


def ray_address() -> str | None:
    """`RAY_ADDRESS`: the Ray cluster of the translation service (host:port of its head, or `auto`); None:
    a Ray started on this machine (`ray start --head`), found as Ray finds it."""
    return _get(RAY_ADDRESS_ENV) or None


def serve_app() -> str:
    """`QARI_SERVE_APP`: the name of the Serve application (`serve run --name`); `default` as serve run's."""
    return _get(SERVE_APP_ENV) or "default"


def _positive(name: str, default: int) -> int:
    value = _get(name)
    if value.isdigit() and int(value) > 0:
        return int(value)
    if value:
        log.warning("%s=%r is not a positive whole number; using %d", name, value, default)
    return default


def serve_replicas() -> int:
    """`QARI_SERVE_REPLICAS`: replicas of the background translation deployment (the clicked-sentence one
    has one per 4 of them, at least one)."""
    return _positive(SERVE_REPLICAS_ENV, 1)


def serve_batch() -> int:
    """`QARI_SERVE_BATCH`: the most sentences one background batch of the service gives the model."""
    return _positive(SERVE_BATCH_ENV, 8)


def serve_wait_ms() -> int:
    """`QARI_SERVE_WAIT_MS`: how long a background batch waits to fill before it goes (milliseconds)."""
    value = _get(SERVE_WAIT_MS_ENV)
    return int(value) if value.isdigit() else 20
