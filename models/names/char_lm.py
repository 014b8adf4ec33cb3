"""Contextual string embeddings (Flair's recipe): a forward and a backward character language model,
learned from news-unlabeled by `models.build.char_lm`, read frozen by the entity tagger.

A sentence is read as its normalised tokens joined by single spaces (`lm_line`), exactly as the LMs were
trained. A token's features are the forward LM's hidden state after the token's last character and the
backward LM's (reading right to left) after its first character: each summarises the letters of the
token and everything on its side of the sentence.

torch is imported when the LMs are loaded, not when this module is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EMB = 64
HIDDEN = 256
START = "\n"  # the line separator of the training text, read before each sentence
PAD, UNK = 0, 1
FILES = ("char-lm.json", "char-lm-forward.pt", "char-lm-backward.pt")


def lm_line(norms: Sequence[str]) -> str:
    """The text the LMs read for a sentence's normalised tokens."""
    return " ".join(norms)


def copy_files(source: Path, out: Path) -> None:
    """Copy a folder's LM files (those it has) into `out`."""
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if (source / name).exists():
            shutil.copyfile(source / name, out / name)


_LM: Any = None


def lm_class() -> Any:
    """The LM's torch module (built on first use)."""
    global _LM
    if _LM is not None:
        return _LM
    from torch import nn

    class CharLm(nn.Module):
        def __init__(self, n: int, emb: int = EMB, hidden: int = HIDDEN) -> None:
            super().__init__()
            self.emb = nn.Embedding(n, emb)
            self.lstm = nn.LSTM(emb, hidden, batch_first=True)
            self.out = nn.Linear(hidden, n)

        def states(self, x: Any, state: Any = None) -> tuple[Any, Any]:
            h, state = self.lstm(self.emb(x), state)
            return h, state

        def forward(self, x: Any, state: Any = None) -> tuple[Any, Any]:
            h, state = self.states(x, state)
            return self.out(h), state

    _LM = CharLm
    return CharLm


def new_lm(n: int, emb: int = EMB, hidden: int = HIDDEN) -> Any:
    return lm_class()(n, emb, hidden)


class CharLms:
    """The two LMs of a folder (`FILES`, written by `python -m models.build.char_lm --export`)."""

    def __init__(self, folder: Path | str) -> None:
        import torch

        folder = Path(folder)
        meta = json.loads((folder / "char-lm.json").read_text(encoding="utf-8"))
        self.ids = {c: i for i, c in enumerate(meta["chars"])}
        dims = meta["dims"]
        self.dim = 2 * int(dims["hidden"])
        self.models = []
        for direction in ("forward", "backward"):
            model = new_lm(len(meta["chars"]), int(dims["emb"]), int(dims["hidden"]))
            state = torch.load(folder / f"char-lm-{direction}.pt", map_location="cpu", weights_only=True)
            model.load_state_dict({k: v.float() for k, v in state.items()})
            model.eval()
            self.models.append(model)

    def _ids(self, text: str) -> list[int]:
        get = self.ids.get
        return [get(c, UNK) for c in text]

    def features(self, sentences: Sequence[Sequence[str]], chunk: int = 64) -> list[Any]:
        """For each sentence (its normalised tokens), a float tensor (tokens × `dim`): per token, the
        forward state after its last character and the backward state after its first. Sentences go
        through `chunk` at a time, by length (less padding to read)."""
        order = sorted(range(len(sentences)), key=lambda i: sum(len(n) + 1 for n in sentences[i]))
        out: list[Any] = [None] * len(sentences)
        for k in range(0, len(order), chunk):
            part = order[k : k + chunk]
            for i, states in zip(part, self._features([sentences[i] for i in part]), strict=True):
                out[i] = states
        return out

    def _features(self, sentences: Sequence[Sequence[str]]) -> list[Any]:
        import torch

        lines = [lm_line(s) for s in sentences]
        forward_at: list[list[int]] = []
        backward_at: list[list[int]] = []
        for norms, line in zip(sentences, lines, strict=True):
            f, b, start = [], [], 0
            for n in norms:
                # START is read first, so the character at `line[i]` is read at step i + 1
                f.append(start + len(n))  # after the token's last character
                b.append(len(line) - start)  # reversed: after its first character
                start += len(n) + 1
            forward_at.append(f)
            backward_at.append(b)
        longest = max(len(line) for line in lines) + 1
        parts = []
        with torch.inference_mode():
            for model, texts, at in (
                (self.models[0], lines, forward_at),
                (self.models[1], [line[::-1] for line in lines], backward_at),
            ):
                rows = [self._ids(START + t) for t in texts]
                x = torch.tensor([r + [PAD] * (longest - len(r)) for r in rows], dtype=torch.long)
                h, _ = model.states(x)  # padding comes after each text, so it changes no state read
                parts.append([h[i, torch.tensor(a, dtype=torch.long)] for i, a in enumerate(at)])
        return [torch.cat([f, b], -1) for f, b in zip(*parts, strict=True)]
