"""Vowels: adding the short vowels (tashkeel) that Arabic news leaves out.

Owns the diacritizer and its measurement: the neural model (`engine`: dengjen-tashkeel's ONNX model,
read from the pinned wheel, run with onnxruntime); Buckwalter's readings as a tie-breaker, the spelling
conventions applied to the model's output and the public API (`diacritizer`); text2tashkeel's rawi
ensemble as a second vote on case endings (`second`, read from its pinned wheel); pausal reading
(`pausal`); the DER/WER scorer (`score`, Fadel et al.'s convention, several accepted readings allowed).

    >>> from models.vowels import vowelize, vowels
    >>> vowelize("ذهب الولد إلى المدرسة")         # only marks are added: letters, spaces, punctuation unchanged
    >>> v = vowels(text); v.span(start, end)       # the voweled form of any span (a token's offsets)
    >>> v.parts(start, end)                        # [(chars, added?)]: to draw added marks apart
    >>> pausal(v)                                  # no case ending before a pause (`pausal`)

May import `models.text`, `models.lexicon`, `models.document`, `models.settings`, `models.registry`
(it uses `models.registry` to load the model once and `models.lexicon` to break the model's near-ties).
"""

from models.vowels.diacritizer import (
    ENGINE,
    Vowels,
    VowelsLoad,
    VowelsUnavailable,
    get_diacritizer,
    vowelize,
    vowels,
)
from models.vowels.pausal import pausal

__all__ = [
    "ENGINE",
    "Vowels",
    "VowelsLoad",
    "VowelsUnavailable",
    "get_diacritizer",
    "pausal",
    "vowelize",
    "vowels",
]
