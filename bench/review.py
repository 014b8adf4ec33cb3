"""What reviewing costs a page run: the sidebar's due count, a card's sentences, an answer (SQLite).

    python bench/review.py [--words 2000] [--texts 20] [--reps 20]

A throwaway readers' database with `--words` saved words (half new, half learning) and `--texts` library
texts (the sample article and its sentences reshuffled). Prints the median and best time of: `sync` +
`due_count` (every full page run does both, for the sidebar), `due(limit=1)`, one `answer`, and the
sentences of one card (`models.review.context.contexts`) cold (the library's texts read by the lexicon) and
warm (kept in memory per text).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devkit.samples import SAMPLE
from models.lexicon.lexicon import get_lexicon
from models.review import context
from models.review.store import ReviewStore, scheduler
from models.study.library import Library
from models.study.vocab import VocabEntry, VocabStore
from models.text.segment import split_sentences


def timed(step: Callable[[], object], reps: int) -> tuple[float, float]:
    runs = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--texts", type=int, default=20)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qari-bench-review-"))
    path = folder / "vocabulary.sqlite3"
    now = time.time()
    words = VocabStore(path)
    words.import_entries(
        VocabEntry(f"كلمة {i}", f"كلمة {i}", "new" if i % 2 else "learning", None, None, None, now, now)
        for i in range(args.words)
    )
    words.set_status("كَنَدا", "learning", gloss="Canada")
    library = Library(path)
    sentences = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)]
    rng = random.Random(1)
    library.add(SAMPLE, "sample", "sample")
    for i in range(args.texts - 1):
        rng.shuffle(sentences)
        library.add(" ".join(sentences) + f" ({i})", f"text {i}", "paste")
    store = ReviewStore(path, fsrs=scheduler(fuzz=False))
    store.sync(now=now)
    get_lexicon()  # loaded once per process, not part of a page run
    entry = words.get("كندا")
    assert entry is not None
    print(
        f"{args.words + 1} words, {args.texts} texts of {len(SAMPLE):,} characters, SQLite, {args.reps} reps"
    )
    rows = [
        ("sync + due_count (each full page run)", lambda: (store.sync(), store.due_count())),
        ("due(limit=1)", lambda: store.due(limit=1)),
    ]
    for label, step in rows:
        median, best = timed(step, args.reps)
        print(f"{label:45s} median {median * 1000:7.1f} ms   best {best * 1000:7.1f} ms")
    due = [c.key for c in store.due(limit=args.reps)]
    answers = iter(due)
    median, best = timed(lambda: store.answer(next(answers), 3), len(due))
    print(
        f"{'answer (card, history, status)':45s} median {median * 1000:7.1f} ms   best {best * 1000:7.1f} ms"
    )
    t0 = time.perf_counter()
    found = context.contexts(library, entry)
    cold = time.perf_counter() - t0
    median, best = timed(lambda: context.contexts(library, entry), args.reps)
    cold_label, warm_label = "a card's sentences, cold (texts read)", "a card's sentences, warm"
    print(f"{cold_label:45s} {cold * 1000:7.1f} ms ({len(found)} sentences)")
    print(f"{warm_label:45s} median {median * 1000:7.1f} ms   best {best * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
