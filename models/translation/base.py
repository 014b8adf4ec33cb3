"""What every translation engine offers: the `Translator` interface and, for word alignment, `CrossAttention`.

An engine (transformers' MarianMT, CTranslate2, a service later) implements `translate`; one that can
report its cross-attention also implements `CrossAttention` and returns itself as `attention`.
Wrappers (the translation cache) pass `attention` through, so alignment works through any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import torch


@dataclass
class Pieces:
    """One side of a sentence pair in the model's sentencepiece pieces: ids, piece strings, and for each
    piece the index of the word it belongs to (-1: none)."""

    ids: list[int]
    owners: list[int]
    tokens: list[str]


@runtime_checkable
class CrossAttention(Protocol):
    """An engine that can say, for a given translation, how much each target piece attended to each
    source piece (Shift-Att: the row of target piece k is read at the decoder step whose input is k)."""

    tokenizer: Any  # a MarianTokenizer: spm_source, spm_target, encoder, eos/unk tokens
    max_input_tokens: int  # most source pieces the model takes, </s> included

    def shift_attention(
        self, pairs: Sequence[tuple[Pieces, Pieces]], layers: Sequence[int]
    ) -> list[torch.Tensor]:
        """For each (source, target) pair, a [len(target), len(source)] matrix of attention weights.
        `layers` picks decoder layers where the engine has several (negative: from the last)."""
        ...


@runtime_checkable
class Translator(Protocol):
    """Anything that turns a list of sentences into as many translations, in order."""

    model_key: str  # stable id for caching: a hub id, or an absolute local folder path

    @property
    def attention(self) -> CrossAttention | None:
        """The engine's cross-attention for word alignment, or None when it cannot report it."""
        ...

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]: ...


Stop = Callable[[], bool]  # asked at every decoding step: True stops the call
Partial = Callable[[int, str], None]  # (index of the text, its English so far) as it is decoded


@runtime_checkable
class Interruptible(Protocol):
    """An engine whose work can be stopped part-way, so a reader's click never waits for a whole batch.

    `translate_until` is `translate` that asks `stop()` at every decoding step (CTranslate2's beam search
    takes no per-step callback: there it is asked before each text) and returns None for every text it
    did not finish; what it finished is returned, never thrown away. With `partial`, greedy decoding
    (`beam_size` 1) reports each text's English so far, piece by piece, for the reader to watch it come.
    """

    def translate_until(
        self, texts: list[str], beam_size: int = 4, *, stop: Stop, partial: Partial | None = None
    ) -> list[str | None]: ...


def length_bound(source_pieces: int, limit: int) -> int:
    """Most pieces a translation of `source_pieces` pieces may take: 2× its source + 10, at most `limit`.
    A model that never says </s> (a degenerate output, or random weights) stops there, not at 512."""
    return max(1, min(limit, 2 * source_pieces + 10))


def layer_indices(count: int, wanted: Sequence[int]) -> list[int]:
    """The layers of `count` that `wanted` names (negative: from the last), clamped to those that exist."""
    chosen = sorted({min(count - 1, max(0, w if w >= 0 else count + w)) for w in wanted})
    return chosen or [count - 1]
