"""The entity tagger's network run with numpy: what the app uses to tag, so that finding names needs no torch.

torch trains the network (`bilstm.network_class`, `models.build.train_names`); reading a sentence is a few
embedding look-ups, a convolution over each word's letters, a bidirectional LSTM and a Viterbi pass: small
matrices, where numpy is as fast as torch on one thread, and importing torch cost a first start about
1.1 s before any name could be shown (and its memory in every process that never translates with it).

The weights come from `model.npz` (written by `--pack` / `save_npz`) or, for a folder that only has
torch's `model.pt` (a training checkpoint, a test's model), from that file through torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

# as `bilstm.Encoded`: the last item, the character LMs' states (tokens × dims) or None
Encoded = tuple[list[int], list[int], list[list[int]], list[list[int]], list[int], Any]
PAD = 0

NPZ = "model.npz"
PT = "model.pt"


def save_npz(state: dict[str, Any], path: Path) -> None:
    """A torch state (its tensors as stored: fp16, the vector table's int8 rows) as numpy arrays."""
    np.savez(path, **{k: v.numpy() for k, v in state.items()})


def load_state(folder: Path) -> dict[str, np.ndarray]:
    """The saved network's arrays: from `model.npz` when the folder has one, else from torch's file."""
    if (folder / NPZ).is_file():
        with np.load(folder / NPZ) as saved:
            return {k: saved[k] for k in saved.files}
    import torch

    state = torch.load(folder / PT, map_location="cpu", weights_only=True)
    return {k: v.numpy() for k, v in state.items()}


_BLAS = ThreadpoolController()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def lstm_cell(g: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step from its gates' pre-activations `g` (torch's order: i, f, g, o) and the cell `c`:
    the new hidden state and cell."""
    hid = c.shape[1]
    i, f = _sigmoid(g[:, :hid]), _sigmoid(g[:, hid : 2 * hid])
    cell, o = np.tanh(g[:, 2 * hid : 3 * hid]), _sigmoid(g[:, 3 * hid :])
    c = f * c + i * cell
    return o * np.tanh(c), c


class Network:
    """Emissions (one score per tag and token) and the CRF's best path, as `bilstm.network_class`'s
    `emissions` and `Crf.viterbi` compute them in eval mode."""

    def __init__(self, state: dict[str, np.ndarray]) -> None:
        f32 = {k: v.astype(np.float32) for k, v in state.items() if k not in ("pemb.q", "pemb.scale")}
        self.wemb, self.cemb, self.chemb = f32["wemb.weight"], f32["cemb.weight"], f32["chemb.weight"]
        self.conv_w, self.conv_b = f32["conv.weight"], f32["conv.bias"]  # (out, in, 3), (out,)
        self.femb = f32["femb.weight"]
        # The vector table stays int8 rows with a scale each (`bilstm.pack_vectors`); only the rows a
        # sentence uses are widened to float32, as torch's float table would hold them.
        if "pemb.q" in state:
            self.pq: np.ndarray | None = state["pemb.q"]
            self.pscale: np.ndarray | None = state["pemb.scale"].astype(np.float32)
            self.ptable: np.ndarray | None = None
        else:
            self.pq = self.pscale = None
            self.ptable = f32.get("pemb.weight")
        # per direction: input and hidden weights transposed (x @ w), the two biases summed
        self.lstm = [
            (
                np.ascontiguousarray(f32[f"lstm.weight_ih_l0{s}"].T),
                np.ascontiguousarray(f32[f"lstm.weight_hh_l0{s}"].T),
                f32[f"lstm.bias_ih_l0{s}"] + f32[f"lstm.bias_hh_l0{s}"],
            )
            for s in ("", "_reverse")
        ]
        self.out_w, self.out_b = f32["out.weight"], f32["out.bias"]
        self.trans, self.start, self.end = f32["crf.trans"], f32["crf.start"], f32["crf.end"]

    def vectors(self, rows: np.ndarray) -> np.ndarray | None:
        """The frozen vector table's rows (None for a model without one)."""
        if self.pq is not None and self.pscale is not None:
            return self.pq[rows].astype(np.float32) * self.pscale[rows][..., None]
        return self.ptable[rows] if self.ptable is not None else None

    def emissions(self, items: Sequence[Encoded]) -> np.ndarray:
        """Scores (batch, longest sentence, tags) for encoded sentences, padded as `bilstm.batch` pads
        them (the letters to the batch's longest word: the max-pooling sees the same padding)."""
        # One BLAS thread: the matrices are small, and OpenBLAS's thread per core made tagging 6x slower
        # on the busy 2-core machine (as torch's did: `bilstm` ran it on one thread too).
        with _BLAS.limit(limits=1, user_api="blas"):
            return self._emissions(items)

    def _emissions(self, items: Sequence[Encoded]) -> np.ndarray:
        # The sentences longest first: at each step of the LSTM the sentences still running are a prefix.
        order = sorted(range(len(items)), key=lambda i: -len(items[i][0]))
        ranked = [items[i] for i in order]
        b, t = len(ranked), len(ranked[0][0])
        letters = max(max(len(spelling) for spelling in it[2]) for it in ranked)
        lens = np.array([len(it[0]) for it in ranked])
        words = np.zeros((b, t), np.int64)
        cores = np.zeros((b, t), np.int64)
        pwords = np.zeros((b, t), np.int64)
        feats = np.zeros((b, t, self.femb.shape[1]), np.float32)
        live = np.concatenate([i * t + np.arange(n) for i, n in enumerate(lens)])  # real tokens, flattened
        chars = np.zeros((len(live), letters), np.int64)
        row = 0
        for i, (w, c, ch, fs, pw, _) in enumerate(ranked):
            n = len(w)
            words[i, :n], cores[i, :n], pwords[i, :n] = w, c, pw
            for j, spelling in enumerate(ch):
                chars[row + j, : len(spelling)] = spelling
            row += n
            for j, ids in enumerate(fs):
                if ids:
                    feats[i, j] = self.femb[ids].sum(0)
        spelled = np.zeros((b * t, self.conv_w.shape[0]), np.float32)
        spelled[live] = self._letters(chars)
        parts = [self.wemb[words], self.cemb[cores], spelled.reshape(b, t, -1), feats]
        vectors = self.vectors(pwords)
        if vectors is not None:
            parts.append(vectors)
        if ranked[0][5] is not None:  # the character LMs' states (`models.names.char_lm`)
            states = np.zeros((b, t, ranked[0][5].shape[1]), np.float32)
            for i, it in enumerate(ranked):
                states[i, : len(it[0])] = it[5]
            parts.append(states)
        x = np.concatenate(parts, -1)
        h = np.concatenate(
            [self._direction(x, lens, *self.lstm[0]), self._direction(x, lens, *self.lstm[1], reverse=True)],
            -1,
        )
        em = h @ self.out_w.T + self.out_b
        out = np.empty_like(em)
        out[order] = em
        return out  # fmt: skip

    def _letters(self, chars: np.ndarray) -> np.ndarray:
        """Conv1d (kernel 3, padding 1) over each word's letter embeddings (every word padded to the
        batch's longest, as in training), ReLU, max over the letters: (words, filters)."""
        n = chars.shape[1]
        padded = np.pad(self.chemb[chars], ((0, 0), (1, 1), (0, 0)))  # (words, letters + 2, in)
        out = sum(padded[:, k : k + n, :] @ self.conv_w[:, :, k].T for k in range(3)) + self.conv_b
        return np.maximum(out, 0.0).max(1)

    @staticmethod
    def _direction(
        x: np.ndarray,
        lens: np.ndarray,
        w_ih: np.ndarray,
        w_hh: np.ndarray,
        bias: np.ndarray,
        reverse: bool = False,
    ) -> np.ndarray:
        """One direction of the LSTM over padded sentences sorted longest first; a sentence's state
        starts at its own first (or, reversed, last) word, as a packed sequence's does."""
        b, t, _ = x.shape
        hid = w_hh.shape[0]
        gates_in = x @ w_ih + bias  # (b, t, 4 hid): gates i, f, g, o
        h = np.zeros((b, hid), np.float32)
        c = np.zeros((b, hid), np.float32)
        out = np.zeros((b, t, hid), np.float32)
        running = (lens[None, :] > np.arange(t)[:, None]).sum(1)  # sentences still running at each step
        for step in range(t - 1, -1, -1) if reverse else range(t):
            n = running[step]
            h[:n], c[:n] = lstm_cell(gates_in[:n, step] + h[:n] @ w_hh, c[:n])
            out[:n, step] = h[:n]
        return out

    def viterbi(self, em: np.ndarray) -> list[int]:
        """The best tag path through one sentence's emissions (length, tags)."""
        score = self.start + em[0]
        back = []
        for step in range(1, em.shape[0]):
            total = score[:, None] + self.trans  # from the row's tag to the column's
            idx = total.argmax(0)
            score = total[idx, np.arange(total.shape[1])] + em[step]
            back.append(idx)
        k = int((score + self.end).argmax())
        path = [k]
        for idx in reversed(back):
            k = int(idx[k])
            path.append(k)
        return path[::-1]
