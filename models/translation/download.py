"""Fetching a translation model: the one step of Qari that uses the network, and only when asked.

`network_available` answers within seconds even on a machine without DNS; `download_model` fetches
just the files a Marian model needs into the Hugging Face cache, with byte progress.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from models import registry
from models.hub import local_folder
from models.settings import MT_MODEL_ENV, translation_model
from models.translation.loader import OPTIONAL_FILES, REGISTRY_KIND, REQUIRED_FILES, WEIGHT_FILES


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

    class _Reporter(tqdm):
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
    model_id = (model_id or translation_model()).strip()
    report = progress or (lambda fraction, message: None)
    if local_folder(model_id) is not None:
        raise DownloadError(f"{model_id} is a folder on this computer; there is nothing to download.")
    report(0.0, f"Connecting to {_hub_host()[0]}…")
    if not network_available():
        raise DownloadError(
            f"Cannot download {model_id}: {_hub_host()[0]} cannot be reached from this computer. "
            f"Connect to the internet and try again, or copy a model folder here and set {MT_MODEL_ENV} to its path."
        )
    from huggingface_hub import HfApi, snapshot_download

    try:
        info = HfApi().model_info(model_id, files_metadata=True)
        sizes = {s.rfilename: s.size or 0 for s in info.siblings or []}
        # Only one copy of the weights: safetensors if published, else the PyTorch pickle.
        weights = next((name for name in WEIGHT_FILES if name in sizes), None)
        if weights is None or any(name not in sizes for name in REQUIRED_FILES):
            raise DownloadError(
                f"{model_id} does not look like a MarianMT model (files: {', '.join(sizes)})."
            )
        wanted = [*REQUIRED_FILES, *(n for n in OPTIONAL_FILES if n in sizes), weights]
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
    registry.forget(REGISTRY_KIND)  # a remembered "missing" must not hide the fresh download for 30 s
    report(1.0, f"{model_id} is ready")
    return Path(folder)
