"""The neural diacritizer: dengjen-tashkeel's model, run here for its per-letter probabilities.

`dengjen-tashkeel-py` (PyPI, MIT OR Apache-2.0) ships its model inside its compiled library: an ONNX
graph of the libtashkeel architecture (characters plus diacritic hints in, 15 classes per character
out). Its Python API returns only the voweled string, so we read that ONNX model out of the installed
library (a protobuf `ModelProto` starting with ir_version 8 and producer "pytorch"; its extent found by
walking the top-level fields) and run it with onnxruntime: the same predictions (checked in the tests
against the package's own `tashkeel()`), plus the probabilities the conventions need, plus marks the
author wrote passed to the model as hints. Nothing is downloaded.

The model's attention grows with the square of the input, so text is cut into sentences, and long
sentences at a comma or a space, of at most `MAX_CHUNK` characters (a 2000-character line costs 1.3 s
in one piece, ~0.1 s in pieces).
"""

from __future__ import annotations

import re
from importlib.util import find_spec
from pathlib import Path

import numpy as np

FATHATAN, DAMMATAN, KASRATAN, FATHA, DAMMA, KASRA, SHADDA, SUKUN = (chr(c) for c in range(0x064B, 0x0653))
MARKS = frozenset(chr(c) for c in range(0x064B, 0x0653))
# Fadel et al.'s Arabic letters: the ones that take marks.
LETTERS = frozenset("ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي")
VOWELS = (FATHA, DAMMA, KASRA, FATHATAN, DAMMATAN, KASRATAN)
# Every class a letter can get: none, sukun, a vowel, shadda + a vowel, shadda alone.
CLASSES: tuple[str, ...] = ("", SUKUN, *VOWELS, *(SHADDA + v for v in VOWELS), SHADDA)
CLASS_INDEX = {c: i for i, c in enumerate(CLASSES)}

PACKAGE = "dengjen_tashkeel_py"
MAX_CHUNK = 400

# libtashkeel's vocabulary (github.com/mush42/libtashkeel, MIT), which dengjen's model uses: input
# characters (digits are read as "#"), diacritic hints and targets ("_" is padding, "" no mark).
_INPUT = '_ #!"()-./:[]«»،؛؟ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي'
_TARGETS = (
    "_",
    "",
    FATHATAN,
    DAMMATAN,
    KASRATAN,
    FATHA,
    DAMMA,
    KASRA,
    FATHATAN + SHADDA,
    DAMMATAN + SHADDA,
    KASRATAN + SHADDA,
    FATHA + SHADDA,
    DAMMA + SHADDA,
    KASRA + SHADDA,
    SUKUN,
)
INPUT_IDS = {c: i for i, c in enumerate(_INPUT)}
DIGITS = frozenset("0123456789٠١٢٣٤٥٦٧٨٩")
_MARKER = b"\x08\x08\x12\x07pytorch"  # ir_version 8, producer_name "pytorch": the model's first bytes


def canon(marks) -> str | None:
    """The class of a collection of marks (order does not matter), or None if it is not one."""
    s = set(marks) & MARKS
    shadda = SHADDA in s
    s.discard(SHADDA)
    if not s:
        return SHADDA if shadda else ""
    if len(s) > 1:
        return None
    (m,) = s
    if m == SUKUN:
        return None if shadda else SUKUN
    return (SHADDA if shadda else "") + m


# hint ids by class (canonical order: shadda first); shadda alone is a hint but never a target
_HINTS = {canon(t): i for i, t in enumerate(_TARGETS) if t != "_"} | {SHADDA: 15}


def _varint(data: bytes, p: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[p]
        p += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, p


def extract_onnx(library: bytes) -> bytes:
    """The ONNX model embedded in dengjen's compiled library (ValueError if there is none)."""
    start = library.find(_MARKER)
    if start < 0:
        raise ValueError("no ONNX model found in the dengjen-tashkeel library")
    p = start
    seen_graph = False
    while p < len(library):
        tag, q = _varint(library, p)
        field, wire = tag >> 3, tag & 7
        # ModelProto's fields: ir_version, producer, version, domain, model_version, doc, graph,
        # opset_import, metadata_props, training_info, functions
        if field not in (1, 2, 3, 4, 5, 6, 7, 8, 14, 20, 25) or wire not in (0, 2):
            break
        if wire == 0:
            _, q = _varint(library, q)
        else:
            n, q = _varint(library, q)
            q += n
        if q > len(library):
            break
        seen_graph |= field == 7
        p = q
    if not seen_graph:
        raise ValueError("the dengjen-tashkeel library's model could not be read")
    return library[start:p]


def library_path() -> Path:
    """The installed dengjen-tashkeel-py compiled library (ImportError when the package is missing)."""
    spec = find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ImportError("dengjen-tashkeel-py is not installed (pip install -r requirements.txt)")
    folder = Path(spec.origin).parent
    found = sorted(
        p for p in folder.iterdir() if p.name.startswith(PACKAGE) and p.suffix in (".so", ".pyd", ".dylib")
    )
    if not found:
        raise ImportError(f"dengjen-tashkeel-py's library is missing from {folder}")
    return found[0]


_SENTENCE_END = re.compile(r"[.!?؟؛\n]+\s*")


def chunks(text: str, limit: int = MAX_CHUNK):
    """(start, end) pieces of `text` that cover it: sentences, long ones cut at a comma or a space."""
    spans = []
    lo = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((lo, m.end()))
        lo = m.end()
    if lo < len(text):
        spans.append((lo, len(text)))
    for lo, hi in spans:
        while hi - lo > limit:
            cut = max(text.rfind("،", lo, lo + limit), text.rfind(",", lo, lo + limit))
            if cut <= lo + limit // 3:
                cut = text.rfind(" ", lo, lo + limit)
            cut = lo + limit if cut <= lo else cut + 1
            yield lo, cut
            lo = cut
        if hi > lo:
            yield lo, hi


class Engine:
    """dengjen's model in an onnxruntime session: `probabilities(text, letters)`."""

    def __init__(self, model: bytes, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
        self._projection = np.zeros((len(_TARGETS), len(CLASSES)), dtype=np.float32)
        for i, target in enumerate(_TARGETS):
            c = canon(target) if target != "_" else None
            if c is not None:
                self._projection[i, CLASS_INDEX[c]] = 1.0

    @classmethod
    def installed(cls, threads: int = 1) -> Engine:
        return cls(extract_onnx(library_path().read_bytes()), threads)

    @staticmethod
    def encode(text: str, lo: int, hi: int) -> tuple[list[int], list[int], list[int]]:
        """Model input for text[lo:hi]: character ids, hint ids (the marks written on each character)
        and each input's index in `text`. Characters outside the vocabulary are left out."""
        ids: list[int] = []
        hints: list[int] = []
        where: list[int] = []
        i = lo
        while i < hi:
            ch = text[i]
            j = i + 1
            while j < hi and text[j] in MARKS:
                j += 1
            c = "#" if ch in DIGITS else ch
            if c in INPUT_IDS and c != "_":
                written = canon(text[i + 1 : j])
                ids.append(INPUT_IDS[c])
                hints.append(_HINTS.get(written or "", 1))
                where.append(i)
            i = j
        return ids, hints, where

    def probabilities(self, text: str, letters: list[int]) -> np.ndarray:
        """[len(letters), len(CLASSES)]: each letter's class probabilities (letters: indices into text)."""
        out = np.zeros((len(letters), len(CLASSES)), dtype=np.float32)
        out[:, 0] = 1.0
        row = {i: k for k, i in enumerate(letters)}
        for lo, hi in chunks(text):
            ids, hints, where = self.encode(text, lo, hi)
            if not any(i in row for i in where):
                continue
            # the output named "logits" is already a softmax (each row sums to 1)
            x = self.session.run(
                ["logits"],
                {
                    "char_inputs": np.array([ids], dtype=np.int64),
                    "diac_inputs": np.array([hints], dtype=np.int64),
                    "input_lengths": np.array([len(ids)], dtype=np.int64),
                },
            )[0][0].astype(np.float32)
            x[:, 0] = 0.0  # padding
            p = x @ self._projection
            p /= np.maximum(p.sum(-1, keepdims=True), 1e-12)
            for r, i in enumerate(where):
                k = row.get(i)
                if k is not None:
                    out[k] = p[r]
        return out
