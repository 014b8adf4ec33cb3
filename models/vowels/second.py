"""A second opinion on case endings: text2tashkeel's rawi ensemble, read from its wheel.

`text2tashkeel` (PyPI, Apache-2.0) bundles its models: the default "rawi-ensemble" is one ONNX graph
(two character BiLSTMs, one deciding where a mark goes, the other which) that returns one class per
character. Its training text differs from dengjen's (more classical), so its errors differ too; where
the two agree on a word's last letter, that ending is much more often right (`diacritizer` weighs the
vote). We run the graph ourselves (as the package does: NFD letters, marks stripped) so that each class
lines up with a letter of the input, sentence by sentence, and only where it can change something;
nothing is downloaded.
"""

from __future__ import annotations

import json
import unicodedata
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from models.vowels.engine import MARKS, canon, chunks

PACKAGE = "text2tashkeel"
MODEL = "rawi_ensemble.int8.onnx"
VOCAB = "rawi_v2.vocab.json"


def model_folder() -> Path:
    """The installed text2tashkeel's model folder (ImportError when the package or a file is missing)."""
    spec = find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ImportError("text2tashkeel is not installed (pip install -r requirements.txt)")
    folder = Path(spec.origin).parent / "models"
    for name in (MODEL, VOCAB):
        if not (folder / name).is_file():
            raise ImportError(f"text2tashkeel's {name} is missing from {folder}")
    return folder


class Rawi:
    """text2tashkeel's rawi ensemble: `classes(text, letters)`, one mark class per given letter."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        vocab = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
        self.ids: dict[str, int] = dict(vocab["char_to_idx"])
        self.unknown = self.ids.get("<UNK>", 1)
        # each output class reduced to Qari's marks (rawi's also restore hamzas and dagger alifs)
        self.marks = {int(i): canon(ch for ch in s if ch in MARKS) for s, i in vocab["diac_to_idx"].items()}
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(folder / MODEL), sess_options=options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def installed(cls, threads: int = 1) -> Rawi:
        return cls(model_folder(), threads)

    def _bare(self, text: str, lo: int, hi: int) -> tuple[list[int], list[int]]:
        """rawi's input for text[lo:hi] (NFD, marks and symbols dropped) and each id's index in text."""
        ids: list[int] = []
        where: list[int] = []
        for i in range(lo, hi):
            for ch in unicodedata.normalize("NFD", text[i]):
                category = unicodedata.category(ch)
                if category in ("Mn", "So"):
                    continue
                ids.append(self.ids.get(ch, self.unknown))
                where.append(i)
        return ids, where

    def classes(self, text: str, letters: list[int], wanted: set[int] | None = None) -> list[str | None]:
        """rawi's class for each letter (indices into text), None where it gave none Qari can write.
        Run sentence by sentence (`engine.chunks`, as dengjen is); with `wanted` (rows of `letters`),
        only the sentences that hold one of those letters are run, the other letters get None."""
        out: list[str | None] = [None] * len(letters)
        row = {i: k for k, i in enumerate(letters)}
        wanted_at = None if wanted is None else {letters[k] for k in wanted}
        for lo, hi in chunks(text):
            if wanted_at is not None and not any(lo <= i < hi for i in wanted_at):
                continue
            ids, where = self._bare(text, lo, hi)
            if not ids:
                continue
            found = self.session.run(["gated_cls"], {"input": np.array([ids], dtype=np.int64)})[0][0]
            for i, c in zip(where, found):
                k = row.get(i)
                if k is not None and out[k] is None:  # a letter's first character (NFD: its base)
                    out[k] = self.marks.get(int(c))
        return out
