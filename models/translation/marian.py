"""The transformers engine: a MarianMT model and its tokenizer on the CPU, in fp32.

The reference engine and the fallback when CTranslate2 cannot convert a model. It implements
`Translator` and `CrossAttention` (Shift-Att over chosen decoder layers, heads averaged).
torch and transformers are imported when a model is loaded, not with this module.
"""

from __future__ import annotations

import copy
import itertools
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.settings import translation_threads
from models.translation.base import CrossAttention, Partial, Pieces, Stop, layer_indices, length_bound

if TYPE_CHECKING:
    import torch
    from transformers import MarianMTModel, MarianTokenizer


class MarianTranslator:
    """A MarianMT model and its tokenizer on the CPU, in eval mode.

    `translate` sorts the inputs by length and runs them in batches (less padding), truncates inputs
    longer than the model accepts, and returns "" for blank inputs without running the model.
    Calls are serialised with a lock: one generate already uses all CPU cores, and Streamlit may call
    from several session threads at once. `translate_until` (`base.Interruptible`) stops within one
    decoding step when asked (a stopping criterion), greedy or beam.
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
        self._eager: Any = None  # a view of the model that returns attention weights
        self._eager_lock = threading.Lock()

    @classmethod
    def from_folder(cls, folder: str | Path, model_key: str, batch_size: int = 8) -> MarianTranslator:
        """Load from a local model folder; never goes to the network. Uses `QARI_MT_THREADS` threads."""
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        # torch's pool is per process: a process serving a class is given its share of the cores
        torch.set_num_threads(translation_threads())

        with warnings.catch_warnings():
            # Without sacremoses the tokenizer skips Moses punctuation normalisation and warns on every load.
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            tokenizer = MarianTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = MarianMTModel.from_pretrained(str(folder), local_files_only=True)
        return cls(model, tokenizer, model_key, batch_size=batch_size)

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        return [t or "" for t in self.translate_until(texts, beam_size, stop=lambda: False)]

    def translate_until(
        self, texts: list[str], beam_size: int = 4, *, stop: Stop, partial: Partial | None = None
    ) -> list[str | None]:
        """`translate`, asking `stop()` at every step; None for the texts it did not finish."""
        results: list[str | None] = [""] * len(texts)
        todo = [i for i, t in enumerate(texts) if t and t.strip()]
        # Similar lengths in one batch waste less work on padding.
        todo.sort(key=lambda i: len(texts[i]))
        with self._lock:
            for start in range(0, len(todo), self.batch_size):
                batch = todo[start : start + self.batch_size]
                if stop():
                    outs: list[str | None] = [None] * len(batch)
                else:
                    report = None
                    if partial is not None and len(batch) == 1 and beam_size <= 1:
                        report = lambda text, i=batch[0]: partial(i, text)
                    outs = self._generate([texts[i] for i in batch], beam_size, stop, report)
                for i, out in zip(batch, outs, strict=True):
                    results[i] = out
        return results

    def _generate(
        self, texts: list[str], beam_size: int, stop: Stop | None = None, report: Any = None
    ) -> list[str | None]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        enc = self.tokenizer(
            texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens
        )
        kwargs: dict[str, Any] = {"num_beams": max(1, beam_size), "do_sample": False}
        if beam_size <= 1:
            kwargs["early_stopping"] = False  # only meaningful for beam search; avoids a warning
        gen = self.model.generation_config
        if gen.max_new_tokens is None:
            # opus-mt allows 512 output pieces; a degenerate, repeating output would burn that much CPU.
            src_len = int(enc["attention_mask"].sum(dim=1).max())
            kwargs["max_new_tokens"] = length_bound(src_len, self.max_input_tokens)
        stopped = False
        tokenizer = self.tokenizer

        class _Asked(StoppingCriteria):  # asked at every step, beam or greedy
            def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kw: Any) -> torch.Tensor:
                nonlocal stopped
                if report is not None:
                    report(tokenizer.decode(input_ids[0], skip_special_tokens=True).strip())
                stopped = stopped or bool(stop is not None and stop())
                return torch.full((input_ids.shape[0],), stopped, dtype=torch.bool)

        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs, stopping_criteria=StoppingCriteriaList([_Asked()]))
        if stopped:
            return [None] * len(texts)
        return [s.strip() for s in self.tokenizer.batch_decode(out, skip_special_tokens=True)]

    @property
    def attention(self) -> CrossAttention:
        return self

    def _eager_view(self) -> Any:
        """The model with eager attention (which returns its weights), sharing its parameter tensors.

        PyTorch's SDPA kernels, the default, do not return attention weights, and switching the shared
        model would slow every other session's translation."""
        model = self.model
        if getattr(model.config, "_attn_implementation", "eager") == "eager":
            return model
        with self._eager_lock:
            if self._eager is None:
                # deepcopy with every tensor pre-seeded in the memo copies the modules and config, not the weights
                memo: dict[int, Any] = {
                    id(t): t for t in itertools.chain(model.parameters(), model.buffers())
                }
                view = copy.deepcopy(model, memo)
                view.set_attn_implementation("eager")
                self._eager = view.eval()
            return self._eager

    def shift_attention(
        self, pairs: Sequence[tuple[Pieces, Pieces]], layers: Sequence[int]
    ) -> list[torch.Tensor]:
        """Shift-Att matrices, attention averaged over the heads of the chosen layers."""
        import torch

        view = self._eager_view()
        pad = int(view.config.pad_token_id)
        start = int(view.config.decoder_start_token_id)
        src_len = max(len(s.ids) for s, _ in pairs)
        # The decoder reads [start, y1 … yn]; its step k (input y_k) gives the Shift-Att row of y_k.
        dec_len = max(len(t.ids) for _, t in pairs) + 1
        src = torch.full((len(pairs), src_len), pad, dtype=torch.long)
        src_mask = torch.zeros((len(pairs), src_len), dtype=torch.long)
        dec = torch.full((len(pairs), dec_len), pad, dtype=torch.long)
        for b, (s, t) in enumerate(pairs):
            src[b, : len(s.ids)] = torch.tensor(s.ids)
            src_mask[b, : len(s.ids)] = 1
            dec[b, : len(t.ids) + 1] = torch.tensor([start, *t.ids])
        with torch.inference_mode():
            # The decoder is causal, so right padding never changes the real positions' attention.
            out = view(
                input_ids=src,
                attention_mask=src_mask,
                decoder_input_ids=dec,
                output_attentions=True,
                use_cache=False,
            )
        cross = out.cross_attentions
        chosen = layer_indices(len(cross), layers)
        att = torch.stack([cross[i] for i in chosen]).float().mean(dim=(0, 2))  # [batch, dec_len, src_len]
        return [att[b, 1 : len(t.ids) + 1, : len(s.ids)] for b, (s, t) in enumerate(pairs)]
