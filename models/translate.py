"""Sentence translation, Arabic → English, with a MarianMT model (Helsinki-NLP opus-mt by default).

Qari must work offline. Loading therefore never touches the network: a hub id is looked up in the
local Hugging Face cache only, and a missing model is reported within milliseconds as a `LoadResult`
with a reader-facing message (plain `from_pretrained` offline spends minutes in DNS retries, then
raises a TypeError). Downloading is a separate, explicit step (`download_model`).

Two engines run the model: CTranslate2 with int8 weights (`models.ct2`, converted once and cached on
disk; several times faster and a fraction of the memory) and transformers in fp32 (the reference and the
fallback). `QARI_MT_ENGINE` = auto (the default) | ctranslate2 | transformers picks one; auto uses
CTranslate2 whenever the conversion succeeds, and any CTranslate2 failure falls back to transformers with
the reason in `LoadResult.note`.

torch and transformers are imported lazily, so importing this module (and probing for a missing model)
stays cheap.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlparse

from models.hub import cached_snapshot, local_folder

if TYPE_CHECKING:
    from transformers import MarianMTModel, MarianTokenizer

log = logging.getLogger(__name__)

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-ar-en"
MODEL_ENV = "QARI_MT_MODEL"
ENGINE_ENV = "QARI_MT_ENGINE"
ENGINES = ("auto", "ctranslate2", "transformers")
# "auto" leaves models whose weights are smaller than this to transformers: a test-sized model answers
# in milliseconds either way, and int8 rounding distorts a 32-wide model far more than a 512-wide one.
# Every real opus-mt model (about 300 MB) is far above it.
AUTO_MIN_WEIGHT_BYTES = 8 * 2**20
DOWNLOAD_COMMAND = "python -m models download"

# Seconds a failed load is remembered before get_translator tries again (tests lower it).
FAILURE_RETRY_SECONDS = 30.0

# What a Marian model folder needs; the tokenizer and generation configs are optional extras.
_REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
_OPTIONAL_FILES = ("generation_config.json", "tokenizer_config.json", "special_tokens_map.json")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def configured_model() -> str:
    """The model the app should use: `QARI_MT_MODEL` (hub id or local folder) or the default."""
    return os.environ.get(MODEL_ENV, "").strip() or DEFAULT_MODEL


def configured_engine() -> str:
    """The engine the app should use: `QARI_MT_ENGINE` (auto, ctranslate2, transformers) or auto."""
    engine = os.environ.get(ENGINE_ENV, "").strip().lower() or "auto"
    if engine not in ENGINES:
        log.warning("Unknown %s=%r; using auto (one of %s)", ENGINE_ENV, engine, ", ".join(ENGINES))
        return "auto"
    return engine


@runtime_checkable
class Translator(Protocol):
    """Anything that turns a list of sentences into as many translations, in order."""

    model_key: str  # stable id for caching: a hub id, or an absolute local folder path

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]: ...


class MarianTranslator:
    """A MarianMT model and its tokenizer on the CPU, in eval mode.

    `translate` sorts the inputs by length and runs them in batches (less padding), truncates inputs
    longer than the model accepts, and returns "" for blank inputs without running the model.
    Calls are serialised with a lock: one generate already uses all CPU cores, and Streamlit may call
    from several session threads at once.
    """

    def __init__(
        self,
        model: MarianMTModel,
        tokenizer: MarianTokenizer,
        model_key: str,
        batch_size: int = 8,
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.model_key = model_key
        self.batch_size = max(1, batch_size)
        limits = [getattr(model.config, "max_position_embeddings", None), tokenizer.model_max_length]
        # tokenizers without a limit report a huge sentinel (int(1e30)); positions are the real bound
        self.max_input_tokens = min(n for n in limits if isinstance(n, int) and 0 < n < 1_000_000)
        self._lock = threading.Lock()

    @classmethod
    def from_folder(cls, folder: str | Path, model_key: str, batch_size: int = 8) -> MarianTranslator:
        """Load from a local model folder; never goes to the network."""
        from transformers import MarianMTModel, MarianTokenizer

        with warnings.catch_warnings():
            # Without sacremoses the tokenizer skips Moses punctuation normalisation and warns on every load.
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            tokenizer = MarianTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = MarianMTModel.from_pretrained(str(folder), local_files_only=True)
        return cls(model, tokenizer, model_key, batch_size=batch_size)

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        results = [""] * len(texts)
        todo = [i for i, t in enumerate(texts) if t and t.strip()]
        # Similar lengths in one batch waste less work on padding.
        todo.sort(key=lambda i: len(texts[i]))
        with self._lock:
            for start in range(0, len(todo), self.batch_size):
                batch = todo[start : start + self.batch_size]
                for i, out in zip(batch, self._generate([texts[i] for i in batch], beam_size), strict=True):
                    results[i] = out
        return results

    def _generate(self, texts: list[str], beam_size: int) -> list[str]:
        import torch

        enc = self.tokenizer(
            texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens
        )
        kwargs: dict[str, Any] = {"num_beams": max(1, beam_size), "do_sample": False}
        if beam_size <= 1:
            kwargs["early_stopping"] = False  # only meaningful for beam search; avoids a warning
        gen = self.model.generation_config
        if gen.max_new_tokens is None:
            # opus-mt allows 512 output tokens; a degenerate, repeating output would burn that much CPU.
            # A translation is rarely over twice its source in pieces.
            src_len = int(enc["attention_mask"].sum(dim=1).max())
            kwargs["max_new_tokens"] = min(self.max_input_tokens, 2 * src_len + 16)
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
        return [s.strip() for s in self.tokenizer.batch_decode(out, skip_special_tokens=True)]


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
    missing = [name for name in _REQUIRED_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in _WEIGHT_FILES):
        missing.append(" or ".join(_WEIGHT_FILES))
    return missing


def _missing_message(model_id: str, detail: str = "is not on this computer yet") -> str:
    size = " (about 300 MB)" if model_id == DEFAULT_MODEL else ""
    how = DOWNLOAD_COMMAND if model_id == configured_model() else f"{DOWNLOAD_COMMAND} {model_id}"
    return (
        f"The translation model {model_id} {detail}. Download it once{size} while online, "
        f"with the download button or `{how}`; after that Qari translates offline."
    )


def load_translator(
    model_id: str, engine: str | None = None, progress: Callable[[float, str], None] | None = None
) -> LoadResult:
    """Load `model_id` (a local folder, or a hub id already in the local cache). Never raises.

    `engine` is auto, ctranslate2 or transformers (None: `configured_engine()`); `progress(fraction,
    message)` hears about the one-time CTranslate2 conversion.
    """
    engine = engine or configured_engine()
    if engine not in ENGINES:
        return LoadResult(
            model_id, None, f"Unknown translation engine {engine!r}: use one of {', '.join(ENGINES)}.", False
        )
    try:
        return _load(model_id, engine, progress)
    except Exception as exc:  # any failure (corrupt files, out of memory, library bugs) becomes a message
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
                f"The translation model folder {folder} does not exist. Check the path in {MODEL_ENV}, "
                f"or unset it to use {DEFAULT_MODEL}.",
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

    from huggingface_hub.utils import validate_repo_id

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
    return max(((folder / n).stat().st_size for n in _WEIGHT_FILES if (folder / n).is_file()), default=0)


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
            from models.ct2 import load_ct2_translator

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


# Process-wide registry: model key → (result, time loaded). Successes live for the process;
# failures are retried after FAILURE_RETRY_SECONDS, so the app picks up a model that appears later.
_registry: dict[str, tuple[LoadResult, float]] = {}
_registry_lock = threading.Lock()
_load_locks: dict[str, threading.Lock] = {}


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
    """Like `load_translator`, but each (model, engine) is loaded once per process (failures retried later)."""
    engine = engine or configured_engine()
    key = f"{engine}:{model_key_for(model_id)}"
    with _registry_lock:
        lock = _load_locks.setdefault(key, threading.Lock())
    # One lock per model: concurrent sessions wait for a single load, other models are not blocked.
    with lock:
        entry = _registry.get(key)
        if entry is not None:
            result, when = entry
            if result.ok or time.monotonic() - when < FAILURE_RETRY_SECONDS:
                return result
        result = load_translator(model_id, engine, progress)
        _registry[key] = (result, time.monotonic())
        return result


def forget(model_id: str | None = None) -> None:
    """Drop a remembered result (all of them when `model_id` is None), e.g. right after a download."""
    with _registry_lock:
        if model_id is None:
            _registry.clear()
        else:
            key = model_key_for(model_id)
            for engine in ENGINES:
                _registry.pop(f"{engine}:{key}", None)


def _hub_host() -> tuple[str, int]:
    from huggingface_hub import constants

    url = urlparse(constants.ENDPOINT)
    return url.hostname or "huggingface.co", url.port or (443 if url.scheme == "https" else 80)


def network_available(timeout: float = 3.0) -> bool:
    """True when the Hugging Face hub host resolves and accepts a TCP connection within `timeout` s."""
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    host, port = _hub_host()
    deadline = time.monotonic() + timeout
    found: list[Any] = []

    def resolve() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError:
            pass

    # getaddrinfo has no timeout of its own and can hang for a long time on a machine without DNS.
    resolver = threading.Thread(target=resolve, name="qari-dns-probe", daemon=True)
    resolver.start()
    resolver.join(timeout)
    for family, kind, proto, _, address in found[:3]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.settimeout(remaining)
                sock.connect(address)
                return True
        except OSError:
            continue
    return False


class DownloadError(RuntimeError):
    """A download that cannot start or did not finish; the message is meant for the reader."""


def _progress_bar_class(total: int, progress: Callable[[float, str], None]) -> type:
    """A tqdm class for snapshot_download that forwards byte progress to `progress(fraction, message)`."""
    from tqdm.auto import tqdm

    lock = threading.Lock()
    state = {"done": 0, "reported": -1.0}

    class _Reporter(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # snapshot_download makes a "Downloading bytes" (network) and a "Reconstructing" (disk) bar;
            # count the bytes written to disk only, so each byte is counted once.
            desc = str(kwargs.get("desc") or "")
            self._counts = kwargs.get("unit") == "B" and not desc.startswith("Downloading")
            kwargs["disable"] = True  # no terminal output; the callback is the display
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if self._counts and n:
                with lock:
                    state["done"] += int(n)
                    fraction = min(0.99, state["done"] / total) if total else 0.0
                    if fraction - state["reported"] < 0.01:
                        return None
                    state["reported"] = fraction
                mb = state["done"] / 1e6
                progress(fraction, f"Downloaded {mb:.0f} of {total / 1e6:.0f} MB")
            return None

    return _Reporter


def download_model(
    model_id: str | None = None,
    progress: Callable[[float, str], None] | None = None,
    force: bool = False,
) -> Path:
    """Download the files a Marian model needs into the Hugging Face cache; return the snapshot folder.

    `progress(fraction, message)` is called as bytes arrive; `force` fetches files again even when
    cached (to repair damaged ones). Raises DownloadError (a RuntimeError) with a reader-facing
    message when offline (checked first, within a few seconds) or when the download fails.
    """
    model_id = (model_id or configured_model()).strip()
    report = progress or (lambda fraction, message: None)
    if local_folder(model_id) is not None:
        raise DownloadError(f"{model_id} is a folder on this computer; there is nothing to download.")
    report(0.0, f"Connecting to {_hub_host()[0]}…")
    if not network_available():
        raise DownloadError(
            f"Cannot download {model_id}: {_hub_host()[0]} cannot be reached from this computer. "
            f"Connect to the internet and try again, or copy a model folder here and set {MODEL_ENV} to its path."
        )
    from huggingface_hub import HfApi, snapshot_download

    try:
        info = HfApi().model_info(model_id, files_metadata=True)
        sizes = {s.rfilename: s.size or 0 for s in info.siblings or []}
        # Only one copy of the weights: safetensors if published, else the PyTorch pickle.
        weights = next((name for name in _WEIGHT_FILES if name in sizes), None)
        if weights is None or any(name not in sizes for name in _REQUIRED_FILES):
            raise DownloadError(
                f"{model_id} does not look like a MarianMT model (files: {', '.join(sizes)})."
            )
        wanted = [*_REQUIRED_FILES, *(n for n in _OPTIONAL_FILES if n in sizes), weights]
        total = sum(sizes[name] for name in wanted)
        folder = snapshot_download(
            model_id,
            revision=info.sha,
            allow_patterns=wanted,
            force_download=force,
            tqdm_class=_progress_bar_class(total, report),
        )
    except DownloadError:
        raise
    except Exception as exc:
        raise DownloadError(f"Downloading {model_id} failed ({type(exc).__name__}: {exc}).") from exc
    forget(model_id)  # a remembered "missing" must not hide the fresh download for 30 s
    report(1.0, f"{model_id} is ready")
    return Path(folder)
