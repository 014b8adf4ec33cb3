"""A CTranslate2 engine for Marian models: int8 weights, same API as `models.translation.loader.MarianTranslator`.

The configured Marian model (a local folder, or a snapshot in the local Hugging Face cache) is converted
once with `ctranslate2.converters.TransformersConverter` and kept under `<data dir>/ct2/<safe key>/`,
where the key holds the model id, its revision (the hub commit, or for a local folder a hash of the sizes
and modification times of its config, weights and tokenizer files) and the quantization. A later start
finds the folder and loads it in a fraction of a second, without importing torch: tokenization uses
transformers' `MarianTokenizer` (pure Python and sentencepiece), decoding runs in CTranslate2.

Only the conversion needs torch and transformers' model code; it runs in-process, writes into a
temporary folder and renames it into place, so an interrupted conversion never leaves a half-written
model that a later start would trust.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from models.settings import data_dir, translation_threads, translation_vmap
from models.translation.base import CrossAttention, Partial, Pieces, Stop, length_bound
from models.translation.compute import DEFAULT_QUANTIZATION, compute_type_for, int8_is_faithful  # noqa: F401
from models.translation.vmap import VMAP_FILE, vmap_has_copies, write_target_vmap

if TYPE_CHECKING:
    import torch
    from transformers import MarianTokenizer

log = logging.getLogger(__name__)

CT2_SUBDIR = "ct2"
MARKER = "qari-ct2.json"  # written last: a folder without it is not a finished conversion

# Tokenizer files copied next to the converted weights, so the engine loads from one folder.
_TOKENIZER_FILES = (
    "source.spm",
    "target.spm",
    "vocab.json",
    "target_vocab.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)
# Files whose size and mtime identify a local folder's revision.
_REVISION_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "pytorch_model.bin",
    "source.spm",
    "target.spm",
    "vocab.json",
)
# Generation settings carried over from the Hugging Face config, so both engines decode alike.
_GENERATION_KEYS = (
    "max_new_tokens",
    "min_new_tokens",
    "max_length",
    "bad_words_ids",
    "forced_eos_token_id",
    "length_penalty",
    "no_repeat_ngram_size",
    "repetition_penalty",
)

# How many conversions this process has run (tests use it to check the on-disk cache is reused).
conversions = 0
_convert_lock = threading.Lock()

Progress = Callable[[float, str], None]


def folder_revision(folder: Path) -> str:
    """A short hash of the sizes and modification times of the files that define a local model."""
    parts = []
    for name in _REVISION_FILES:
        path = folder / name
        if path.is_file():
            st = path.stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def cache_dir_for(model_id: str, revision: str, quantization: str = DEFAULT_QUANTIZATION) -> Path:
    """Where the conversion of (`model_id`, `revision`, `quantization`) lives: data dir/ct2/<safe key>."""
    # Readable prefix for people looking at the folder; the hash keeps distinct ids distinct.
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("._-")[-48:] or "model"
    digest = hashlib.sha256(f"{model_id}\n{revision}\n{quantization}".encode()).hexdigest()[:12]
    return data_dir() / CT2_SUBDIR / f"{readable}-{quantization}-{digest}"


def is_converted(folder: Path) -> bool:
    return (folder / MARKER).is_file() and (folder / "model.bin").is_file()


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def ensure_converted(
    source: str | Path,
    model_id: str,
    revision: str | None = None,
    quantization: str = DEFAULT_QUANTIZATION,
    progress: Progress | None = None,
) -> Path:
    """The CTranslate2 folder for the Marian model in `source`, converting it on first use.

    `revision` identifies the model's version (a hub commit); None hashes the folder's files instead.
    Raises on any conversion failure; callers fall back to the transformers engine.
    """
    global conversions
    source = Path(source)
    revision = revision or folder_revision(source)
    target = cache_dir_for(model_id, revision, quantization)
    if is_converted(target):
        return target
    with _convert_lock:  # two sessions asking at once convert once
        if is_converted(target):
            return target
        report = progress or (lambda fraction, message: None)
        report(0.0, f"Preparing the fast translation engine for {model_id} (once; this takes a minute)…")
        t0 = time.perf_counter()
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            _convert(source, work / "model", quantization)
            model_dir = work / "model"
            for name in _TOKENIZER_FILES:
                if (source / name).is_file():
                    shutil.copy2(source / name, model_dir / name)
            hf_config = _read_json(source / "config.json")
            generation = {**hf_config, **_read_json(source / "generation_config.json")}
            marker = {
                "model_id": model_id,
                "revision": revision,
                "quantization": quantization,
                "source": str(source),
                "ctranslate2": _ct2_version(),
                "max_position_embeddings": hf_config.get("max_position_embeddings"),
                "pad_token_id": hf_config.get("pad_token_id"),
                "generation": {k: generation[k] for k in _GENERATION_KEYS if generation.get(k) is not None},
                "converted": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
            write_target_vmap(model_dir)
            (model_dir / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
            try:
                model_dir.rename(target)
            except OSError:
                if not is_converted(target):  # not another process winning the race: a real failure
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        conversions += 1
        log.info(
            "Converted %s to CTranslate2 (%s) in %.1f s", model_id, quantization, time.perf_counter() - t0
        )
        report(1.0, f"The fast translation engine for {model_id} is ready")
        return target


def _ct2_version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def _convert(source: Path, output: Path, quantization: str) -> None:
    import transformers
    from ctranslate2.converters import TransformersConverter

    config = _read_json(source / "config.json")
    # TransformersConverter would also accept other architectures; Qari's engine only knows Marian.
    if config.get("model_type") != "marian":
        raise ValueError(f"not a Marian model (model_type={config.get('model_type')!r})")
    hf_logging = transformers.utils.logging
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    # The converter's loading messages and bars are not for readers; the progress callback is.
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        TransformersConverter(str(source)).convert(str(output), quantization=quantization, force=True)
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@dataclass
class AttentionTranslation:
    """A translation with the attention CTranslate2 computed, for word alignment.

    `attention[i][j]` is how much target token i attended to source token j (one head of the last
    decoder layer, as CTranslate2 reports it); tokens are sentencepiece pieces, the source ending in "</s>".
    """

    text: str
    source_tokens: list[str]
    target_tokens: list[str]
    attention: list[list[float]]


class CT2Translator:
    """A Marian model run by CTranslate2 on the CPU; a `models.translation.loader.Translator`.

    Decoding mirrors `MarianTranslator`: inputs sorted by length into batches, truncated to what the model
    accepts, blank inputs answered "" without running the model, the same output-length cap, the same
    suppressed tokens, so greedy outputs agree with the transformers engine up to int8 rounding.
    `min_new_tokens` / `max_new_tokens` may be set to force an output length (the benchmark does).

    `translate_until` (`base.Interruptible`) stops greedy decoding within one step (CTranslate2's
    per-step callback); beam search takes no callback in CTranslate2 (4.8: "not compatible with
    beam_size > 1"), so there it stops between texts, decoding one text per call.

    `lanes` (CTranslate2's `inter_threads`, two by default) calls decode at once, sharing one copy of the
    weights: the translation worker streams a clicked sentence in the second lane beside a beam search in
    flight, which it cannot stop before that text's end (bench/README.md, `first_words.py`).
    """

    def __init__(
        self,
        folder: str | Path,
        model_key: str,
        batch_size: int = 8,
        compute_type: str = "int8",
        threads: int | None = None,
        inter_threads: int = 2,
        use_vmap: bool | None = None,
    ) -> None:
        import ctranslate2

        self.folder = Path(folder)
        self.model_key = model_key
        self.batch_size = max(1, batch_size)
        self.compute_type = compute_type
        self.threads = threads or translation_threads()
        self.lanes = max(1, inter_threads)
        self.translator = ctranslate2.Translator(
            str(self.folder),
            device="cpu",
            compute_type=compute_type,
            intra_threads=self.threads,
            inter_threads=inter_threads,
        )
        # The vocabulary map (English pieces, and the source's own pieces for copies) halves the output
        # layer, the biggest cost of a beam-search step (bench/README.md). None: `QARI_MT_VMAP` (default on).
        wanted = translation_vmap() if use_vmap is None else use_vmap
        self.use_vmap = wanted and (self.folder / VMAP_FILE).is_file() and self._vmap_ready()
        self.tokenizer = _load_tokenizer(self.folder)
        meta = _read_json(self.folder / MARKER)
        gen: dict[str, Any] = meta.get("generation", {})
        limits = [meta.get("max_position_embeddings"), self.tokenizer.model_max_length]
        self.max_input_tokens = min(n for n in limits if isinstance(n, int) and 0 < n < 1_000_000)
        self.max_new_tokens: int | None = gen.get("max_new_tokens")
        self.min_new_tokens: int = int(gen.get("min_new_tokens") or 0)
        # Transformers forces </s> as the last of max_new_tokens; CTranslate2 stops without it.
        self.forced_eos = gen.get("forced_eos_token_id") is not None
        self.length_penalty = float(gen.get("length_penalty", 1.0))
        self.no_repeat_ngram_size = int(gen.get("no_repeat_ngram_size") or 0)
        self.repetition_penalty = float(gen.get("repetition_penalty") or 1.0)
        ids_to_tokens = {v: k for k, v in self._target_vocab().items()}
        pad = meta.get("pad_token_id")
        # <pad> is not in the converted vocabulary (it is never generated there); drop it from bans.
        self.suppress = [
            [ids_to_tokens[i] for i in seq]
            for seq in gen.get("bad_words_ids") or []
            if seq != [pad] and all(i in ids_to_tokens for i in seq)
        ]
        self._special = set(self.tokenizer.all_special_tokens)
        # one call already uses every core: more than `lanes` take turns
        self._lock = threading.BoundedSemaphore(self.lanes)

    def _vmap_ready(self) -> bool:
        """A map from an older conversion has no copy lines: rewrite it (cheap), or go without it."""
        try:
            if not vmap_has_copies(self.folder):
                write_target_vmap(self.folder)
            return True
        except OSError as exc:  # a read-only data folder: the full output layer, slower but right
            log.warning("Translation runs without its vocabulary map: %s", exc)
            return False

    def _target_vocab(self) -> dict[str, int]:
        tok = self.tokenizer
        vocab = tok.target_encoder if getattr(tok, "separate_vocabs", False) else tok.encoder
        return cast(dict[str, int], vocab)  # MarianTokenizer's piece → id tables

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        return [r.text for r in self._run(texts, beam_size, attention=False)]

    @property
    def attention(self) -> CrossAttention:
        return self

    def shift_attention(
        self, pairs: Sequence[tuple[Pieces, Pieces]], layers: Sequence[int] = ()
    ) -> list[torch.Tensor]:
        """Shift-Att matrices, forced along the target pieces.

        CTranslate2 reports the attention of the step that *produced* each token, and only what the
        conversion kept (one head of the last layer, so `layers` does not apply). Decoding one token
        past the forced target gives the step whose input is the last target token, so row k+1 is
        target token k's Shift-Att row.
        """
        import torch

        with self._lock:
            results = self.translator.translate_batch(
                [s.tokens for s, _ in pairs],
                target_prefix=[t.tokens for _, t in pairs],
                beam_size=1,
                max_decoding_length=max(len(t.tokens) for _, t in pairs) + 1,
                return_attention=True,
                return_end_token=True,  # the step after the target is wanted even when it says </s>
            )
        out = []
        for (src, tgt), result in zip(pairs, results, strict=True):
            rows = [list(row)[: len(src.tokens)] for row in result.attention[0]]
            shifted = rows[1 : len(tgt.tokens) + 1]
            while len(shifted) < len(tgt.tokens):  # decoding stopped early: reuse the last row there is
                shifted.append(shifted[-1] if shifted else [1.0 / len(src.tokens)] * len(src.tokens))
            out.append(torch.tensor(shifted, dtype=torch.float32))
        return out

    def translate_with_attention(self, texts: list[str], beam_size: int = 4) -> list[AttentionTranslation]:
        """Like `translate`, with the tokens and the source attention of each translation."""
        return self._run(texts, beam_size, attention=True)

    def translate_until(
        self, texts: list[str], beam_size: int = 4, *, stop: Stop, partial: Partial | None = None
    ) -> list[str | None]:
        """`translate`, asking `stop()` at every greedy step (before each text in beam search); None for
        the texts it did not finish."""
        done = self._run(texts, beam_size, attention=False, stop=stop, partial=partial)
        return [None if r is None else r.text for r in done]

    def _run(
        self,
        texts: list[str],
        beam_size: int,
        attention: bool,
        stop: Stop | None = None,
        partial: Partial | None = None,
    ) -> list[Any]:
        results: list[Any] = [AttentionTranslation("", [], [], []) for _ in texts]
        todo = [i for i, t in enumerate(texts) if t and t.strip()]
        if not todo:
            return results
        enc = self.tokenizer([texts[i] for i in todo], truncation=True, max_length=self.max_input_tokens)
        tokens = {i: self.tokenizer.convert_ids_to_tokens(ids) for i, ids in zip(todo, enc["input_ids"])}
        # Similar lengths in one batch waste less work on padding.
        todo.sort(key=lambda i: len(tokens[i]))
        # Beam search cannot be stopped mid-way: one text per call, so a stop waits for one text at most.
        size = 1 if stop is not None and beam_size > 1 else self.batch_size
        with self._lock:  # `lanes` calls at once (a click's stream beside a batch); others take turns
            for start in range(0, len(todo), size):
                batch = todo[start : start + size]
                if stop is not None and stop():
                    outs: list[Any] = [None] * len(batch)
                else:
                    outs = self._decode(
                        [tokens[i] for i in batch], beam_size, attention, stop, partial, batch
                    )
                for i, out in zip(batch, outs, strict=True):
                    results[i] = out
        return results

    def _decode(
        self,
        batch: list[list[str]],
        beam_size: int,
        attention: bool,
        stop: Stop | None = None,
        partial: Partial | None = None,
        indices: list[int] | None = None,
    ) -> list[Any]:
        longest = max(len(t) for t in batch)
        max_new = self.max_new_tokens
        if max_new is None:
            # As in MarianTranslator: opus-mt allows 512 pieces, a degenerate output would take them all.
            max_new = length_bound(longest, self.max_input_tokens)
        max_len = max_new - 1 if self.forced_eos and self.min_new_tokens < max_new else max_new
        callback = None
        stopped: set[int] = set()  # batch positions stopped before their end
        if stop is not None and beam_size <= 1:
            sofar: dict[int, list[int]] = {}
            vocab = self._target_vocab()

            def callback(step: Any) -> bool:
                if partial is not None and indices is not None:
                    ids = sofar.setdefault(step.batch_id, [])
                    ids.append(vocab.get(step.token, 1))
                    partial(
                        indices[step.batch_id], self.tokenizer.decode(ids, skip_special_tokens=True).strip()
                    )
                if not step.is_last and stop():
                    stopped.add(step.batch_id)
                    return True
                return False

        # CTranslate2 4.8.5 returns a wrong first attention row for some sentences of a batch decoded with
        # beam search (seen on this model: it belongs to another sentence). Greedy is right, so beam
        # batches get their attention from a second, greedy pass forced along the chosen tokens.
        forced_attention = attention and beam_size > 1 and len(batch) > 1
        results = self.translator.translate_batch(
            batch,
            beam_size=max(1, beam_size),
            max_decoding_length=max(1, max_len),
            min_decoding_length=min(self.min_new_tokens, max_len),
            suppress_sequences=self.suppress or None,
            length_penalty=self.length_penalty,
            no_repeat_ngram_size=self.no_repeat_ngram_size,
            repetition_penalty=self.repetition_penalty,
            return_attention=attention and not forced_attention,
            use_vmap=self.use_vmap,
            callback=callback,
        )
        hyps = [list(res.hypotheses[0]) for res in results]
        if not attention:
            weights: list[list[list[float]]] = [[] for _ in batch]
        elif forced_attention:
            weights = self._forced_attention(batch, hyps)
        else:
            weights = [[list(row) for row in res.attention[0]] if res.attention else [] for res in results]
        vocab = self._target_vocab()
        unk = vocab.get(str(self.tokenizer.unk_token), 1)
        out = []
        for src, hyp, att in zip(batch, hyps, weights, strict=True):
            # Decode through the tokenizer exactly as the transformers engine does (special tokens dropped).
            text = self.tokenizer.decode([vocab.get(t, unk) for t in hyp], skip_special_tokens=True).strip()
            out.append(AttentionTranslation(text, list(src), hyp, att))
        return [None if b in stopped else r for b, r in enumerate(out)]

    def _forced_attention(self, batch: list[list[str]], hyps: list[list[str]]) -> list[list[list[float]]]:
        """The attention of each source over its given target tokens (a greedy pass along them)."""
        longest = max(1, *(len(h) for h in hyps))
        results = self.translator.translate_batch(
            batch,
            target_prefix=[h or None for h in hyps],
            beam_size=1,
            max_decoding_length=longest,
            return_attention=True,
            use_vmap=self.use_vmap,
        )
        # Past its prefix a shorter hypothesis decodes on; those extra rows are not wanted.
        return [
            [list(row) for row in res.attention[0][: len(h)]] for res, h in zip(results, hyps, strict=True)
        ]


def _load_tokenizer(folder: Path) -> MarianTokenizer:
    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
        return MarianTokenizer.from_pretrained(str(folder), local_files_only=True)


def load_ct2_translator(
    source: str | Path,
    model_id: str,
    model_key: str,
    revision: str | None = None,
    quantization: str = DEFAULT_QUANTIZATION,
    progress: Progress | None = None,
    **kwargs: Any,
) -> CT2Translator:
    """Convert `source` if needed (cached on disk) and load it; raises on failure."""
    folder = ensure_converted(source, model_id, revision, quantization, progress)
    return CT2Translator(
        folder, model_key, compute_type=kwargs.pop("compute_type", compute_type_for(quantization)), **kwargs
    )
