"""Lexicon load and look-up time, and warm speed of the shipped entity recogniser on the sample article (both stages, as for a new text).

    python bench/names.py [--reps 20]

Prints the best and median time of one full recognition of the sample's sentences, the document pass
included (its per-text memory is cleared before each repetition).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.lexicon.lexicon import Lexicon
from models.names.recognizer import get_recognizer
from models.text.arabic import tokenize
from models.text.segment import split_sentences
from tests.support import SAMPLE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    sentences = [tokenize(SAMPLE, a, b) for a, b in split_sentences(SAMPLE)]
    words = [t.text for s in sentences for t in s if t.kind == "arabic"]
    t0 = time.perf_counter()
    lexicon = Lexicon()
    t1 = time.perf_counter()
    for w in words:
        lexicon.analyze(w)
    t2 = time.perf_counter()
    for w in words:
        lexicon.analyze(w)
    t3 = time.perf_counter()
    print(f"lexicon: load {t1 - t0:.2f} s, the sample's {len(words)} words cold {(t2 - t1) * 1000:.0f} ms, "
          f"warm {(t3 - t2) * 1000:.1f} ms")
    recognizer = get_recognizer("")
    for toks in sentences:  # warm: model, lexicon and caches loaded
        recognizer.recognize(SAMPLE, toks)
    times = []
    for _ in range(args.reps):
        getattr(recognizer, "_documents", {}).clear()  # include the document pass, as for a newly opened text
        t = time.perf_counter()
        for toks in sentences:
            recognizer.recognize(SAMPLE, toks)
        times.append(time.perf_counter() - t)
    tokens = sum(len(t) for t in sentences)
    print(f"sample: {len(sentences)} sentences, {tokens} tokens; warm recognition best "
          f"{min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms ({args.reps} reps)")


if __name__ == "__main__":
    main()
