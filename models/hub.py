"""Where a model named by the reader lives, found without the network.

A name is either a folder on this computer or a Hugging Face hub id ("org/name"); a hub id is looked
up in the local Hugging Face cache only, so a missing model is reported at once instead of after
minutes of DNS retries. Used by every model loader (translation, entity tagger) and the benchmarks.
"""

from __future__ import annotations

import os
from pathlib import Path


def local_folder(model_id: str) -> Path | None:
    """The folder `model_id` names, if it is a path rather than a hub id ("org/name" or "name")."""
    path = Path(model_id).expanduser()
    if path.exists():
        return path.resolve()
    looks_like_path = (
        model_id.startswith(("/", "~", ".", "\\"))
        or os.path.isabs(model_id)
        or model_id.count("/") > 1
        or "\\" in model_id
    )
    return path.resolve() if looks_like_path else None


def cached_snapshot(model_id: str) -> Path | None:
    """The snapshot folder of hub id `model_id` in the local Hugging Face cache, or None. No network."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(model_id, local_files_only=True))
    except LocalEntryNotFoundError:
        return None
