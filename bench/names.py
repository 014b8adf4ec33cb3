"""Entity recogniser: accuracy and errors on the project's held-out dev splits, and speed.

    python bench/names.py [--model DIR] [--data ../shared/data] [--reps 20] [--top 20] [--no-consistency]
    python bench/names.py --speed-only
    python bench/names.py --model NEW --against OLD   # speed and memory side by side, fresh processes

Prints
- per-type precision / recall / F1 (exact span and type) on the news dev split (ANERcorp's last sixth)
  and the Wikipedia dev split (WikiFANE's last tenth), each scored through the full recogniser, document
  by document, as `python -m models.build.train_names --dev` does;
- the `--top` most frequent false entities (found, not in the gold) and missed ones (gold, not found),
  with their type; a wrong type counts as one false and one missed;
- speed: the time per average news dev sentence (whole documents recognised cold, i.e. the document pass
  included, divided by their sentences), warm recognition of the sample article, and the lexicon's load.

`--model` is a BiLSTM folder (`model.npz` or `model.pt`, `vocab.json`). The default is the shipped one: issue 33's was
trained without the dev splits (its epoch count chosen on them), so its figures there are dev figures;
a model trained on everything (`python -m models.build.train_names`) must be scored with a `--dev --keep`
twin instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devkit.samples import SAMPLE
from models.build.train_names import corpora
from models.lexicon.lexicon import Lexicon
from models.names.bilstm import MODEL_DIR, BiLstmTagger
from models.names.bio import chunks
from models.names.evaluate import Counts, Sentence, document_text, predict_tags, table
from models.names.gazetteer import load
from models.names.recognizer import SHIPPED_MERGE, TrainedRecognizer, shared_lexicon
from models.text.arabic import tokenize
from models.text.segment import split_sentences

Errors = Counter[tuple[str, str]]  # (words, type) → count


def recognizer(model: Path, consistent: bool = True) -> TrainedRecognizer:
    gazetteer = load()
    tagger = BiLstmTagger(gazetteer, model, shared_lexicon())
    return TrainedRecognizer(gazetteer=gazetteer, tagger=tagger, merge=SHIPPED_MERGE, consistent=consistent)


def score_split(
    rec: TrainedRecognizer, documents: Sequence[Sequence[Sentence]]
) -> tuple[Counts, Errors, Errors, float, int]:
    """Counts, false and missed entities, seconds spent recognising, sentences."""
    counts, false, missed = Counts(), Counter(), Counter()
    seconds, n = 0.0, 0
    for document in documents:
        text, offsets = document_text(document)
        for sentence, spans in zip(document, offsets, strict=True):
            words = [w for w, _ in sentence]
            gold = [t for _, t in sentence]
            t0 = time.perf_counter()
            pred = predict_tags(rec, words, text, spans)
            seconds += time.perf_counter() - t0
            n += 1
            counts.add(gold, pred)
            g, p = chunks(gold), chunks(pred)
            for a, b, kind in p - g:
                false[(" ".join(words[a:b]), kind)] += 1
            for a, b, kind in g - p:
                missed[(" ".join(words[a:b]), kind)] += 1
    return counts, false, missed, seconds, n


def _top(errors: Errors, k: int) -> str:
    return "\n".join(f"  {n:4d}  {kind:<5}{words}" for (words, kind), n in errors.most_common(k))


def sample_speed(rec: TrainedRecognizer, reps: int) -> str:
    sentences = [tokenize(SAMPLE, a, b) for a, b in split_sentences(SAMPLE)]
    for toks in sentences:  # warm: model, lexicon and caches loaded
        rec.recognize(SAMPLE, toks)
    times = []
    for _ in range(reps):
        rec._documents.clear()  # include the document pass, as for a newly opened text
        t = time.perf_counter()
        for toks in sentences:
            rec.recognize(SAMPLE, toks)
        times.append(time.perf_counter() - t)
    tokens = sum(len(t) for t in sentences)
    return (
        f"sample: {len(sentences)} sentences, {tokens} tokens; warm recognition best "
        f"{min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms ({reps} reps); "
        f"median per sentence {statistics.median(times) * 1000 / len(sentences):.1f} ms"
    )


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 1e6


def side_by_side(models: Sequence[Path], reps: int, rounds: int = 2) -> None:
    """Speed and memory of each model, each measured in a fresh process, alternating (A B A B)."""
    for r in range(rounds):
        for model in models:
            out = subprocess.run(
                [sys.executable, __file__, "--speed-only", "--model", str(model), "--reps", str(reps)],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            lines = [x for x in out.splitlines() if x.startswith(("sample:", "memory:"))]
            print(f"round {r + 1}, {model} ({_size_mb(model):.1f} MB on disk):\n  " + "\n  ".join(lines))


def lexicon_speed() -> str:
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
    return (
        f"lexicon: load {t1 - t0:.2f} s, the sample's {len(words)} words cold {(t2 - t1) * 1000:.0f} ms, "
        f"warm {(t3 - t2) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL_DIR, help="BiLSTM folder (default: the shipped)")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--no-consistency", action="store_true", help="without the one-name-one-type pass")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument(
        "--against", type=Path, default=None, help="speed and memory of --model and this one, side by side"
    )
    args = parser.parse_args()
    if args.against:
        side_by_side([args.model, args.against], args.reps)
        return
    print(lexicon_speed())
    before = _rss_mb()
    rec = recognizer(args.model, consistent=not args.no_consistency)
    print(f"model: {args.model}" + (" (shipped)" if args.model == MODEL_DIR else ""))
    print(sample_speed(rec, args.reps), flush=True)
    print(
        f"memory: {_rss_mb():.0f} MB resident after recognising, {_rss_mb() - before:.0f} MB of it added by "
        "loading the recogniser and recognising the sample"
    )
    if args.speed_only:
        return
    if not (args.data / "anercorp").is_dir():
        sys.exit(f"bench/names.py: no corpora in {args.data} (--data)")
    parts = corpora(args.data)
    for name, label in (
        ("news_dev", "news dev (ANERcorp, last sixth)"),
        ("wiki_dev", "Wikipedia dev (WikiFANE, last tenth)"),
    ):
        counts, false, missed, seconds, n = score_split(rec, parts[name])
        print(
            f"\n== {label}: {n} sentences, {seconds / n * 1000:.1f} ms per sentence (document pass included)"
        )
        print(table(counts))
        print(f"\nmost frequent false entities ({sum(false.values())} in all):\n{_top(false, args.top)}")
        print(
            f"\nmost frequent missed entities ({sum(missed.values())} in all):\n{_top(missed, args.top)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
