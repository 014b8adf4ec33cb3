"""Score Qari's diacritizer against the other offline diacritizers, side by side.

    python bench/vowels.py [--data ../shared/data/vowels] [--tools qari,dengjen,text2tashkeel,mishkal,none]
                           [--tashkeela-lines N] [--mishkal-lines N] [--json]

Data (`../shared/data/vowels/`, on the project's machines):
- `wikinewsmax.tsv`: WikiNewsMax (CAMeL Lab, ACL 2024), MSA news, one word a line (`dediac` as written,
  `original_gold`, `max_gold`, …); blank lines separate sentences, `#` lines seven blocks of articles.
  The input is `dediac`, words joined by spaces. Scored against `original_gold` (the WikiNews gold) and
  `max_gold` (every letter voweled, helping vowels written: مِنَ الْ). Blocks 0, 2, 4, 6 are the
  *dev* half (9,224 Arabic words), on which Qari's conventions were chosen by reading errors; blocks
  1, 3, 5 the *test* half (6,991 words), not looked at while tuning.
- `tashkeela-test.txt`: Fadel et al.'s (2019) classical test split; the input is the gold without marks.

Tools, each where installed; every tool's output is reduced to the marks it puts on the input's letters
(letters matched by difflib, so a tool that changes letters — text2tashkeel restores hamzas — is scored
on the marks it gives each input letter; a letter it drops or changes gets none):
- `qari`: `models.vowels.vowelize` (dengjen's model, the lexicon, the conventions and text2tashkeel's
  vote on case endings);
- `qari-alone`: the same without text2tashkeel's vote (dengjen decides the endings alone);
- `qari-pausal`: `qari` read pausally (no case ending before a pause): not a reading the golds write,
  shown to say what the pausal mode takes off the page;
- `dengjen`: dengjen-tashkeel-py's own `tashkeel()` (the model Qari runs, without Qari's conventions);
- `text2tashkeel`: its default `rawi-ensemble` model;
- `mishkal`: the rule-based Mishkal (slow: `--mishkal-lines` lines of each set, default 300);
- `none`: the input as it is (no marks at all).

Scoring: `models.vowels.score` (Fadel et al.'s DER/WER, with and without the case ending; its
docstring says exactly what is counted). On WikiNews three ways: against the original gold, the max
gold, and `any` (a word is right when it matches any accepted reading: original, max or max-alt gold).
One thread for every tool (OMP_NUM_THREADS, TT_ORT_THREADS).

    python bench/vowels.py --weights 0,0.5,1,1.5,2,3,5 [--tashkeela-val-lines 500]

prints the choice of text2tashkeel's vote weight (`models.vowels.diacritizer.AGREEMENT`) on the dev
sets only: WikiNews's dev half (any accepted reading) and the Tashkeela validation split.

    python bench/vowels.py --speed [--repeat 10]

times the sample article (seeds/, one line of 2,163 characters): loading, then warm runs with one and
with two threads side by side, and the load average of the machine while it ran.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TT_ORT_THREADS", "1")

import argparse
import difflib
import json
import sys
import time
import unicodedata
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.lexicon.lexicon import get_lexicon
from models.vowels import get_diacritizer, pausal, vowelize, vowels
from models.vowels.diacritizer import vowels_with
from models.vowels.engine import LETTERS, MARKS, canon
from models.vowels.score import Score, strip_marks

DEV_BLOCKS = {0, 2, 4, 6}
SAMPLE = ROOT / "seeds" / "japan-canada-intelligence.txt"
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})


def wikinews(path: Path) -> list[tuple[int, str, str, str, str]]:
    """[(block, input, original_gold, max_gold, max_gold_alt)], one per sentence (the alt gold is the
    max gold where a word has no other reading)."""
    out: list[tuple[int, str, str, str, str]] = []
    block, rows = -1, []

    def flush() -> None:
        if rows:
            alt = " ".join(r[3] if len(r) > 3 and r[3].strip() else r[2] for r in rows)
            out.append((block, *(" ".join(r[c] for r in rows) for c in (0, 1, 2)), alt))
            rows.clear()

    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if cols[0] == "#":
            flush()
            block += 1
        elif not cols[0].strip():
            flush()
        else:
            rows.append(cols)
    flush()
    return out


def project(original: str, output: str) -> str:
    """`original` with the marks `output` puts on each of its letters (nothing else changed)."""
    out = unicodedata.normalize("NFC", output)
    base: list[str] = []
    marks: list[list[str]] = []
    for ch in out:
        if ch in MARKS:
            if marks:
                marks[-1].append(ch)
        elif ch != "\u0670":
            base.append(ch)
            marks.append([])
    keep = [i for i, c in enumerate(original) if c not in MARKS and c != "\u0670"]
    matcher = difflib.SequenceMatcher(
        None,
        "".join(original[i] for i in keep).translate(_FOLD),
        "".join(base).translate(_FOLD),
        autojunk=False,
    )
    given: dict[int, str] = {}
    for a, b, n in matcher.get_matching_blocks():
        for t in range(n):
            if original[keep[a + t]] in LETTERS:
                given[keep[a + t]] = canon(marks[b + t]) or ""
    pieces = []
    for i, ch in enumerate(original):
        pieces.append(ch)
        if i in given and (i + 1 == len(original) or original[i + 1] not in MARKS):
            pieces.append(given[i])
    return "".join(pieces)


def tools(names: list[str]) -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {}
    for name in names:
        if name == "qari":
            found[name] = vowelize
        elif name == "qari-alone":
            found[name] = lambda text: vowels_with(get_diacritizer().engine, text, get_lexicon()).voweled
        elif name == "qari-pausal":
            found[name] = lambda text: pausal(vowels(text)).voweled
        elif name == "none":
            found[name] = lambda text: text
        elif name == "dengjen":
            try:
                from dengjen_tashkeel_py import tashkeel
            except ImportError:
                continue
            found[name] = lambda text, f=tashkeel: project(text, f(text)) if text.strip() else text
        elif name == "text2tashkeel":
            try:
                from text2tashkeel import Diacritizer
            except ImportError:
                continue
            model = Diacritizer()
            found[name] = lambda text, m=model: project(text, m.diacritize(text)) if text.strip() else text
        elif name == "mishkal":
            try:
                import mishkal.tashkeel
            except ImportError:
                continue
            vocalizer = mishkal.tashkeel.TashkeelClass()
            found[name] = lambda text, v=vocalizer: project(text, v.tashkeel(text)) if text.strip() else text
        else:
            raise SystemExit(f"unknown tool {name}")
    return found


def run(tool: Callable[[str], str], items: list[str]) -> tuple[list[str], float]:
    tool(items[0])  # warm up (loads the model)
    start = time.perf_counter()
    out = [tool(x) for x in items]
    return out, time.perf_counter() - start


def choose_weight(data: Path, weights: list[float], val_lines: int) -> None:
    """WER with each vote weight on the dev sets only (WikiNews dev half, Tashkeela validation)."""
    loaded = get_diacritizer()
    if loaded.engine is None or loaded.second is None:
        raise SystemExit("needs dengjen-tashkeel-py and text2tashkeel")
    lexicon = get_lexicon()
    dev = [x for x in wikinews(data / "wikinewsmax.tsv") if x[0] in DEV_BLOCKS]
    val = (data / "tashkeela-val.txt").read_text(encoding="utf-8").splitlines()[:val_lines]
    probs: dict[str, object] = {}
    seconds: dict[str, object] = {}

    class Remembered:  # each model runs once per text, whatever the weight
        def probabilities(self, text: str, letters: list[int]):
            if text not in probs:
                probs[text] = loaded.engine.probabilities(text, letters)
            return probs[text]

        def classes(self, text: str, letters: list[int], wanted: set[int] | None = None):
            if text not in seconds:  # every sentence: the rows `wanted` get the same classes
                seconds[text] = loaded.second.classes(text, letters)
            return seconds[text]

    model = Remembered()
    print(
        "| weight (nats) | WikiNews dev, any reading: WER | DER | Tashkeela val: WER | DER | WER no case ending |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for w in weights:
        news, tash = Score(), Score()
        for _block, inp, orig, mx, alt in dev:
            news.add_line_any([orig, mx, alt], vowels_with(model, inp, lexicon, model, w).voweled)
        for gold in val:
            tash.add_line(gold, vowels_with(model, strip_marks(gold), lexicon, model, w).voweled)
        print(
            f"| {w:g} | {news.wer:.2f} | {news.der:.2f} | {tash.wer:.2f} | {tash.der:.2f} | {tash.wer_noce:.2f} |",
            flush=True,
        )


def speed(repeat: int) -> None:
    """The sample article: load times, then warm runs with one and two threads, side by side."""
    from models.vowels.engine import Engine
    from models.vowels.second import Rawi

    text = SAMPLE.read_text(encoding="utf-8")
    start = time.perf_counter()
    lexicon = get_lexicon()
    lexicon_load = time.perf_counter() - start
    rows = []
    for threads in (1, 2):
        start = time.perf_counter()
        engine, rawi = Engine.installed(threads), Rawi.installed(threads)
        load = time.perf_counter() - start
        vowels_with(engine, text, lexicon, rawi)  # the lexicon's first look-ups of these words
        times: dict[str, list[float]] = {"whole": [], "alone": [], "dengjen": [], "rawi": []}
        letters = [i for i, ch in enumerate(text) if ch in LETTERS]
        for _ in range(repeat):  # interleaved, so that the machine's load falls alike on each
            for part, run_once in (
                ("whole", partial(vowels_with, engine, text, lexicon, rawi)),
                ("alone", partial(vowels_with, engine, text, lexicon)),
                ("dengjen", partial(engine.probabilities, text, letters)),
                ("rawi", partial(rawi.classes, text, letters)),
            ):
                t = time.perf_counter()
                run_once()
                times[part].append(time.perf_counter() - t)
        rows.append(
            (threads, load, {k: sorted(v)[len(v) // 2] for k, v in times.items()}, max(times["whole"]))
        )
    print(
        f"sample article: {len(text)} characters, {len(text.split())} words; lexicon loaded in {lexicon_load:.2f} s"
    )
    print(
        f"load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    print(
        "| threads | models loaded | whole article: median | slowest | without the vote | dengjen's model | "
        "text2tashkeel's, every sentence |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for threads, load, med, slowest in rows:
        print(
            f"| {threads} | {load:.2f} s | {med['whole']:.3f} s | {slowest:.3f} s | {med['alone']:.3f} s | "
            f"{med['dengjen']:.3f} s | {med['rawi']:.3f} s |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "vowels")
    parser.add_argument("--tools", default="qari,qari-alone,qari-pausal,dengjen,text2tashkeel,mishkal,none")
    parser.add_argument(
        "--tashkeela-lines", type=int, default=0, help="only the first N lines (default all 2,500)"
    )
    parser.add_argument("--mishkal-lines", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--weights", help="choose the vote's weight on the dev sets: weights to try, a,b,…")
    parser.add_argument("--tashkeela-val-lines", type=int, default=500)
    parser.add_argument("--speed", action="store_true", help="time the sample article")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    if args.speed:
        speed(args.repeat)
        return
    if args.weights:
        choose_weight(args.data, [float(w) for w in args.weights.split(",")], args.tashkeela_val_lines)
        return

    news = wikinews(args.data / "wikinewsmax.tsv")
    tashkeela = (args.data / "tashkeela-test.txt").read_text(encoding="utf-8").splitlines()
    if args.tashkeela_lines:
        tashkeela = tashkeela[: args.tashkeela_lines]
    results = []
    for name, tool in tools(args.tools.split(",")).items():
        n_news = args.mishkal_lines if name == "mishkal" else len(news)
        n_tash = args.mishkal_lines if name == "mishkal" else len(tashkeela)
        items = news[:n_news]
        out, seconds = run(tool, [x[1] for x in items])
        scores = {
            f"{half}-{kind}": Score() for kind in ("any", "orig", "max") for half in ("test", "dev", "all")
        }
        for (block, _inp, orig, mx, alt), pred in zip(items, out):
            half = "dev" if block in DEV_BLOCKS else "test"
            for part in (half, "all"):
                scores[f"{part}-orig"].add_line(orig, pred)
                scores[f"{part}-max"].add_line(mx, pred)
                scores[f"{part}-any"].add_line_any([orig, mx, alt], pred)
        gold = tashkeela[:n_tash]
        tout, tseconds = run(tool, [strip_marks(g) for g in gold])
        tscore = Score()
        for g, p in zip(gold, tout):
            tscore.add_line(g, p)
        scores["tashkeela-test"] = tscore
        for part, s in scores.items():
            results.append(
                {
                    "tool": name,
                    "data": part,
                    "words": s.words,
                    "der": round(s.der, 2),
                    "wer": round(s.wer, 2),
                    "der_no_case": round(s.der_noce, 2),
                    "wer_no_case": round(s.wer_noce, 2),
                    "seconds": round(seconds if part != "tashkeela-test" else tseconds, 1),
                }
            )
        print(
            f"{name}: {n_news} news sentences in {seconds:.1f} s, {n_tash} Tashkeela lines in {tseconds:.1f} s",
            file=sys.stderr,
        )
        if not args.json:  # each tool's rows as soon as they are there (a long run may be stopped)
            if len(results) == len(scores):
                print("| tool | data | words | DER | WER | DER no case ending | WER no case ending |")
                print("|---|---|---:|---:|---:|---:|---:|")
            for r in results[-len(scores) :]:
                print(
                    f"| {r['tool']} | {r['data']} | {r['words']} | {r['der']:.2f} | {r['wer']:.2f} | "
                    f"{r['der_no_case']:.2f} | {r['wer_no_case']:.2f} |",
                    flush=True,
                )

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
