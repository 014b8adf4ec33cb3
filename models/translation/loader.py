"""Sentence translation, Arabic → English, with a MarianMT model (Helsinki-NLP opus-mt by default).

Qari must work offline. Loading therefore never touches the network: a hub id is looked up in the
local Hugging Face cache only, and a missing model is reported within milliseconds as a `LoadResult`
with a reader-facing message (plain `from_pretrained` offline spends minutes in DNS retries, then
raises a TypeError). Downloading is a separate, explicit step (`models.translation.download`).

Two engines run the model: CTranslate2 with int8 weights (`models.translation.ct2`, converted once and cached on
disk; several times faster and a fraction of the memory) and transformers in fp32 (the reference and the
fallback). `QARI_MT_ENGINE` = auto (the default) | ctranslate2 | transformers picks one; auto uses
CTranslate2 whenever the conversion succeeds, and any CTranslate2 failure falls back to transformers with
the reason in `LoadResult.note`.

Each (model, engine) is loaded once per process through `models.registry` (`get_translator`).
torch and transformers are imported by the engines when a model loads, so importing this module (and
probing for a missing model) stays cheap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from huggingface_hub.utils import validate_repo_id

from models import registry
from models.hub import cached_snapshot, local_folder
from models.settings import DEFAULT_MT_MODEL, MT_ENGINES, MT_MODEL_ENV, translation_engine, translation_model
from models.translation.base import Translator
from models.translation.ct2 import load_ct2_translator
from models.translation.marian import MarianTranslator

log = logging.getLogger(__name__)

REGISTRY_KIND = "translation"
# "auto" leaves models whose weights are smaller than this to transformers: a test-sized model answers
# in milliseconds either way, and int8 rounding distorts a 32-wide model far more than a 512-wide one.
# Every real opus-mt model (about 300 MB) is far above it.
AUTO_MIN_WEIGHT_BYTES = 8 * 2**20
DOWNLOAD_COMMAND = "python -m models download"

# What a Marian model folder needs; the tokenizer and generation configs are optional extras.
REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
OPTIONAL_FILES = ("generation_config.json", "tokenizer_config.json", "special_tokens_map.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass
class LoadResult:
    """The outcome of loading a model: a translator, or a reader-facing error."""

    model_id: str
    translator: Translator | None
    error: str | None  # what is missing and how to get it
    missing: bool  # the model simply isn't on this machine: offer to download it
    engine: str = "transformers"  # which engine runs the translator: "ctranslate2" or "transformers"
    note: str | None = None  # why the preferred engine was not used, if it wasn't

    @property
    def ok(self) -> bool:
        return self.translator is not None


def _missing_files(folder: Path) -> list[str]:
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    return missing


def _missing_message(model_id: str, detail: str = "is not on this computer yet") -> str:
    size = " (about 300 MB)" if model_id == DEFAULT_MT_MODEL else ""
    how = DOWNLOAD_COMMAND if model_id == translation_model() else f"{DOWNLOAD_COMMAND} {model_id}"
    return (
        f"The translation model {model_id} {detail}. Download it once{size} while online, "
        f"with the download button or `{how}`; after that Qari translates offline."
    )


def load_translator(
    model_id: str, engine: str | None = None, progress: Callable[[float, str], None] | None = None
) -> LoadResult:
    """Load `model_id` (a local folder, or a hub id already in the local cache). Never raises.

    `engine` is auto, ctranslate2 or transformers (None: `translation_engine()`); `progress(fraction,
    message)` hears about the one-time CTranslate2 conversion.
    """
    engine = engine or translation_engine()
    if engine not in MT_ENGINES:
        return LoadResult(
            model_id,
            None,
            f"Unknown translation engine {engine!r}: use one of {', '.join(MT_ENGINES)}.",
            False,
        )
    try:
        return _load(model_id, engine, progress)
    except Exception as exc:  # any failure (corrupt files, out of memory, library bugs) becomes a message
        if threading.main_thread().is_alive():  # else the process is exiting mid-load: nothing to report
            log.warning("Loading translation model %s failed", model_id, exc_info=True)
        if local_folder(model_id.strip()) is not None:
            remedy = "replace the folder with a complete model, or choose another model"
        else:
            remedy = f"download it again (`{DOWNLOAD_COMMAND}`), or choose another model"
        return LoadResult(
            model_id,
            None,
            f"The translation model {model_id} could not be loaded ({type(exc).__name__}: {exc}). "
            f"Its files may be incomplete or damaged: {remedy}.",
            missing=False,
        )


def on_disk(model_id: str) -> bool:
    """Whether `model_id`'s files are on this machine (a complete folder, or a hub id in the local cache),
    without loading anything: a model that is not can be said missing at once."""
    model_id = (model_id or "").strip()
    folder = local_folder(model_id) if model_id else None
    if folder is None and model_id:
        folder = cached_snapshot(model_id)
    return folder is not None and folder.is_dir() and not _missing_files(folder)


def _load(model_id: str, engine: str, progress: Callable[[float, str], None] | None) -> LoadResult:
    model_id = (model_id or "").strip()
    if not model_id:
        return LoadResult(model_id, None, "No translation model is configured.", missing=False)
    folder = local_folder(model_id)
    if folder is not None:
        if not folder.is_dir():
            return LoadResult(
                model_id,
                None,
                f"The translation model folder {folder} does not exist. Check the path in {MT_MODEL_ENV}, "
                f"or unset it to use {DEFAULT_MT_MODEL}.",
                missing=False,
            )
        lacking = _missing_files(folder)
        if lacking:
            return LoadResult(
                model_id,
                None,
                f"The folder {folder} is not a complete MarianMT model: it lacks {', '.join(lacking)}.",
                missing=False,
            )
        return _load_engine(model_id, folder, str(folder), None, engine, progress)

    try:
        validate_repo_id(model_id)
    except ValueError:  # HFValidationError is a ValueError
        return LoadResult(
            model_id,
            None,
            f"{model_id!r} is neither a model folder on this computer nor a Hugging Face model name.",
            missing=False,
        )
    snapshot = cached_snapshot(model_id)
    if snapshot is None:
        return LoadResult(model_id, None, _missing_message(model_id), missing=True)
    if _missing_files(snapshot):
        # A download that was interrupted, or a cache holding only some of the files.
        return LoadResult(
            model_id, None, _missing_message(model_id, "is only partly downloaded"), missing=True
        )
    # The snapshot folder is named after the hub commit: that is the revision the conversion is keyed by.
    return _load_engine(model_id, snapshot, model_id, snapshot.name, engine, progress)


def _weight_bytes(folder: Path) -> int:
    return max(((folder / n).stat().st_size for n in WEIGHT_FILES if (folder / n).is_file()), default=0)


def _load_engine(
    model_id: str,
    folder: Path,
    key: str,
    revision: str | None,
    engine: str,
    progress: Callable[[float, str], None] | None,
) -> LoadResult:
    """Load the model in `folder` with the requested engine; CTranslate2 failures fall back to transformers."""
    note = None
    small = engine == "auto" and _weight_bytes(folder) < AUTO_MIN_WEIGHT_BYTES
    if engine != "transformers" and not small:
        t0 = time.perf_counter()
        try:
            # The translator keeps the model's key: both engines fill and read the same translation cache.
            ct2 = load_ct2_translator(folder, model_id, key, revision=revision, progress=progress)
        except Exception as exc:  # a failed conversion never stops translation: transformers takes over
            log.warning("CTranslate2 engine unavailable for %s; using transformers", model_id, exc_info=True)
            note = f"CTranslate2 engine unavailable ({type(exc).__name__}: {exc}); using transformers."
        else:
            log.info("Loaded %s with CTranslate2 in %.2f s", model_id, time.perf_counter() - t0)
            return LoadResult(model_id, ct2, None, missing=False, engine="ctranslate2")
    t0 = time.perf_counter()
    translator = MarianTranslator.from_folder(folder, key)
    log.info("Loaded translation model %s in %.2f s", model_id, time.perf_counter() - t0)
    return LoadResult(model_id, translator, None, missing=False, engine="transformers", note=note)


def model_key_for(model_id: str) -> str:
    """The `model_key` a translator for `model_id` will have (absolute folder path, or the hub id).

    Lets callers read the translation cache without loading the model.
    """
    model_id = (model_id or "").strip()
    folder = local_folder(model_id) if model_id else None
    return str(folder) if folder is not None else model_id


def get_translator(
    model_id: str, engine: str | None = None, progress: Callable[[float, str], None] | None = None
) -> LoadResult:
    """Like `load_translator`, but each (model, engine) is loaded once per process (`models.registry`:
    a failure is retried after a while, so a model downloaded later is found without a restart)."""
    engine = engine or translation_engine()
    return registry.loaded(
        REGISTRY_KIND,
        f"{engine}:{model_key_for(model_id)}",
        lambda: load_translator(model_id, engine, progress),
        ok=lambda result: result.ok,
    )
