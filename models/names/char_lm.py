"""Contextual string embeddings (Flair's recipe): a forward and a backward character language model,
learned from news-unlabeled by `models.build.char_lm`, read frozen by the entity tagger.

A sentence is read as its normalised tokens joined by single spaces (`lm_line`), after the line mark the
LMs saw between paragraphs, exactly as they were trained. A token's features are the forward LM's hidden
state after the token's last character and the backward LM's (reading right to left) after its first:
each sums up the token's letters and everything on its side of the sentence.

Run with numpy, as the tagger is (`models.names.network`): torch only trains the LMs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.names.network import lstm_cell

EMB = 64
HIDDEN = 256
START = "\n"  # the line separator of the training text, read before each sentence
PAD, UNK = 0, 1
FILES = ("char-lm.json", "char-lm-forward.npz", "char-lm-backward.npz")


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


class _Lm:
    """One LM's embedding and LSTM (torch's `nn.LSTM` layout: gates i, f, g, o), as saved by the export."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as saved:
            f32 = {k: saved[k].astype(np.float32) for k in saved.files}
        # a character's embedding times the input weights, plus both biases: one row per character
        self.gates_in = f32["emb.weight"] @ f32["lstm.weight_ih_l0"].T + (
            f32["lstm.bias_ih_l0"] + f32["lstm.bias_hh_l0"]
        )
        self.w_hh = np.ascontiguousarray(f32["lstm.weight_hh_l0"].T)

    def states(self, ids: np.ndarray, lens: np.ndarray, at: Sequence[Sequence[int]]) -> list[np.ndarray]:
        """For texts padded after their ends, longest first, the hidden states after the steps `at`
        (one list per text)."""
        b, t = ids.shape
        hid = self.w_hh.shape[0]
        h = np.zeros((b, hid), np.float32)
        c = np.zeros((b, hid), np.float32)
        out = [np.zeros((len(a), hid), np.float32) for a in at]
        wanted: dict[int, list[tuple[int, int]]] = {}
        for i, steps in enumerate(at):
            for k, step in enumerate(steps):
                wanted.setdefault(step, []).append((i, k))
        running = (lens[None, :] > np.arange(t)[:, None]).sum(1)
        for step in range(t):
            n = running[step]
            h[:n], c[:n] = lstm_cell(self.gates_in[ids[:n, step]] + h[:n] @ self.w_hh, c[:n])
            for row, k in wanted.get(step, ()):
                out[row][k] = h[row]
        return out


class CharLms:
    """The two LMs of a folder (`FILES`, written by `python -m models.build.char_lm --export`)."""

    def __init__(self, folder: Path | str) -> None:
        folder = Path(folder)
        meta = json.loads((folder / "char-lm.json").read_text(encoding="utf-8"))
        self.ids: dict[str, int] = {c: i for i, c in enumerate(meta["chars"])}
        self.dim = 2 * int(meta["dims"]["hidden"])
        self.forward = _Lm(folder / "char-lm-forward.npz")
        self.backward = _Lm(folder / "char-lm-backward.npz")

    def encode(self, text: str) -> list[int]:
        """Character ids of a text as the LMs read it (unknown characters: UNK)."""
        get = self.ids.get
        return [get(c, UNK) for c in text]

    def features(self, sentences: Sequence[Sequence[str]], chunk: int = 64) -> list[Any]:
        """For each sentence (its normalised tokens), a float32 array (tokens × `dim`): per token, the
        forward state after its last character and the backward state after its first. Sentences go
        through `chunk` at a time, by length (less padding to read)."""
        from threadpoolctl import ThreadpoolController

        order = sorted(range(len(sentences)), key=lambda i: -sum(len(n) + 1 for n in sentences[i]))
        out: list[Any] = [None] * len(sentences)
        # One BLAS thread, as the tagger's network (`models.names.network`): small matrices, busy cores.
        with ThreadpoolController().limit(limits=1, user_api="blas"):
            for k in range(0, len(order), chunk):
                part = order[k : k + chunk]
                for i, states in zip(part, self._features([sentences[i] for i in part]), strict=True):
                    out[i] = states
        return out

    def _features(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
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
        lens = np.array([len(line) + 1 for line in lines])
        parts = []
        for lm, texts, at in (
            (self.forward, lines, forward_at),
            (self.backward, [line[::-1] for line in lines], backward_at),
        ):
            ids = np.zeros((len(texts), int(lens.max())), np.int64)
            for i, text in enumerate(texts):
                ids[i, : lens[i]] = self.encode(START + text)
            parts.append(lm.states(ids, lens, at))  # padding comes after each text: no state read
        return [np.concatenate([f, b], -1) for f, b in zip(*parts, strict=True)]
