"""A translator that records its batches (and fails where asked)."""

from __future__ import annotations

from typing import Any


class Recording:
    """Delegates to a real translator, recording each batch; raises for chosen sentences."""

    def __init__(self, inner: Any, fail_on: set[str] = frozenset()) -> None:
        self.inner = inner
        self.model_key = inner.model_key
        self.fail_on = fail_on
        self.batches: list[list[str]] = []

    @property
    def attention(self) -> Any:
        return self.inner.attention

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        self.batches.append(list(texts))
        if self.fail_on & set(texts):
            raise RuntimeError("simulated model failure")
        return self.inner.translate(texts, beam_size=beam_size)
