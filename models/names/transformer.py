"""A transformers token-classification model as the entity tagger, when the reader has one.

`QARI_NER_MODEL` (or the app's sidebar) names a hub id (e.g. `CAMeL-Lab/bert-base-arabic-camelbert-msa-ner`)
or a local folder; `models.names.recognizer.get_recognizer(model_id)` keeps one recogniser per model.
Loading follows the translation model's discipline (models/translation/loader.py): a hub id is looked up in the
local Hugging Face cache only (`local_files_only`), so a missing model fails in milliseconds instead of
minutes of DNS retries, and every failure becomes a `NerLoadResult` with a reader-facing message; nothing
raises. The model replaces the CRF inside `TrainedRecognizer`, so its tags get the same treatment: whole
words, proclitics peeled with evidence, the gazetteer's names and English merged in.

Labels are read from the model's `id2label`, in the usual BIO forms; type names are mapped onto Qari's
four (PERS/PERSON → PER, GPE/FAC → LOC, ORGANIZATION → ORG, MIS/MISC* → MISC; anything else is O).
Each word takes the label of its first sub-word piece.

torch and transformers are imported only when a model is configured.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from models.document import Token
from models.hub import cached_snapshot, local_folder

log = logging.getLogger(__name__)

_TYPES = {
    "PER": "PER",
    "PERS": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    "LOCATION": "LOC",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "MISC": "MISC",
    "MIS": "MISC",
}
_MAX_PIECES = 512


def qari_label(label: str) -> str:
    """A model's label as O, B-TYPE or I-TYPE with Qari's types: "B-PERS" → "B-PER", "I-GPE" → "I-LOC"."""
    prefix, _, kind = label.upper().replace("_", "-").partition("-")
    if prefix not in ("B", "I", "S", "E") or not kind:
        return "O"
    kind = _TYPES.get(kind, "MISC" if kind.startswith("MIS") else "")
    if not kind:
        return "O"
    return f"{'I' if prefix in ('I', 'E') else 'B'}-{kind}"


class TransformerTagger:
    """A token-classification model and its (fast) tokenizer on the CPU: BIO tags per word."""

    def __init__(self, model: Any, tokenizer: Any, model_key: str) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.model_key = model_key
        self.labels = {int(i): qari_label(str(name)) for i, name in model.config.id2label.items()}
        self._lock = threading.Lock()  # one forward pass at a time keeps memory flat under Streamlit

    def tag(self, tokens: list[Token], gaz_tags: list[str] | None = None) -> list[str]:
        """One tag per token (the gazetteer's tags are not used: the model has its own knowledge)."""
        import torch

        if not tokens:
            return []
        words = [t.text for t in tokens]
        enc = self.tokenizer(
            words, is_split_into_words=True, truncation=True, max_length=_MAX_PIECES, return_tensors="pt"
        )
        word_ids = enc.word_ids(0)
        with self._lock, torch.no_grad():
            logits = self.model(**enc).logits[0]
        best = logits.argmax(-1).tolist()
        tags = ["O"] * len(tokens)
        seen: set[int] = set()
        for piece, word in enumerate(word_ids):
            if word is not None and word not in seen:  # the first piece of each word decides
                seen.add(word)
                tags[word] = self.labels.get(best[piece], "O")
        # a word whose first piece says I- after nothing of its type starts an entity
        for i, tag in enumerate(tags):
            if tag.startswith("I-") and (i == 0 or tags[i - 1][2:] != tag[2:]):
                tags[i] = "B-" + tag[2:]
        return tags


@dataclass
class NerLoadResult:
    """A loaded tagger, or a reader-facing error saying what is missing and how to get it."""

    model_id: str
    tagger: TransformerTagger | None
    error: str | None
    missing: bool  # the model is simply not on this computer: it can be downloaded once while online

    @classmethod
    def failed(cls, model_id: str, error: str, missing: bool = False) -> NerLoadResult:
        return cls(model_id, None, error, missing)


def load_tagger(model_id: str) -> NerLoadResult:
    """Load a token-classification model from a folder or the local cache. Never raises."""
    model_id = (model_id or "").strip()
    if not model_id:
        return NerLoadResult.failed(model_id, "No entity model is configured.")
    try:
        folder = local_folder(model_id)
        if folder is None:
            from huggingface_hub.utils import validate_repo_id

            try:
                validate_repo_id(model_id)
            except ValueError:
                return NerLoadResult.failed(
                    model_id,
                    f"{model_id!r} is not a folder or a Hugging Face model name; Qari uses its own model.",
                )
            folder = cached_snapshot(model_id)
            if folder is None:
                return NerLoadResult.failed(
                    model_id,
                    f"The entity model {model_id} is not on this computer. Download it once while online "
                    f"(e.g. `hf download {model_id}`); until then Qari uses its own model.",
                    missing=True,
                )
        elif not (folder / "config.json").is_file():
            return NerLoadResult.failed(
                model_id,
                f"{folder} is not a model folder (no config.json); Qari uses its own model.",
            )
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        if not getattr(tokenizer, "is_fast", False):
            return NerLoadResult.failed(
                model_id,
                f"The entity model {model_id} has no fast tokenizer; Qari uses its own model.",
            )
        model = AutoModelForTokenClassification.from_pretrained(str(folder), local_files_only=True)
        return NerLoadResult(model_id, TransformerTagger(model, tokenizer, model_id), None, False)
    except Exception as exc:  # corrupt files, a wrong architecture…: one message for the reader
        log.warning("Loading entity model %s failed", model_id, exc_info=True)
        return NerLoadResult.failed(
            model_id,
            f"The entity model {model_id} could not be loaded ({type(exc).__name__}: {exc}); "
            "Qari uses its own model instead.",
        )
