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
- `qari`: `models.vowels.vowelize`;
- `dengjen`: dengjen-tashkeel-py's own `tashkeel()` (the model Qari runs, without Qari's conventions);
- `text2tashkeel`: its default `rawi-ensemble` model;
- `mishkal`: the rule-based Mishkal (slow: `--mishkal-lines` lines of each set, default 300);
- `none`: the input as it is (no marks at all).

Scoring: `models.vowels.score` (Fadel et al.'s DER/WER, with and without the case ending; its
docstring says exactly what is counted). One thread for every tool (OMP_NUM_THREADS, TT_ORT_THREADS).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.vowels import vowelize
from models.vowels.engine import LETTERS, MARKS, canon
from models.vowels.score import Score, strip_marks

DEV_BLOCKS = {0, 2, 4, 6}
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})


def wikinews(path: Path) -> list[tuple[int, str, str, str]]:
    """[(block, input, original_gold, max_gold)], one per sentence."""
    out: list[tuple[int, str, str, str]] = []
    block, rows = -1, []

    def flush() -> None:
        if rows:
            out.append((block, *(" ".join(r[c] for r in rows) for c in (0, 1, 2))))
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
        None, "".join(original[i] for i in keep).translate(_FOLD), "".join(base).translate(_FOLD), autojunk=False
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "vowels")
    parser.add_argument("--tools", default="qari,dengjen,text2tashkeel,mishkal,none")
    parser.add_argument("--tashkeela-lines", type=int, default=0, help="only the first N lines (default all 2,500)")
    parser.add_argument("--mishkal-lines", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

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
        scores = {k: Score() for k in ("dev-orig", "test-orig", "all-orig", "dev-max", "test-max", "all-max")}
        for (block, _inp, orig, mx), pred in zip(items, out):
            half = "dev" if block in DEV_BLOCKS else "test"
            for gold, kind in ((orig, "orig"), (mx, "max")):
                scores[f"{half}-{kind}"].add_line(gold, pred)
                scores[f"all-{kind}"].add_line(gold, pred)
        gold = tashkeela[:n_tash]
        tout, tseconds = run(tool, [strip_marks(g) for g in gold])
        tscore = Score()
        for g, p in zip(gold, tout):
            tscore.add_line(g, p)
        scores["tashkeela-test"] = tscore
        for part, s in scores.items():
            results.append({
                "tool": name, "data": part, "words": s.words, "der": round(s.der, 2), "wer": round(s.wer, 2),
                "der_no_case": round(s.der_noce, 2), "wer_no_case": round(s.wer_noce, 2),
                "seconds": round(seconds if part != "tashkeela-test" else tseconds, 1),
            })
        print(f"{name}: {n_news} news sentences in {seconds:.1f} s, {n_tash} Tashkeela lines in {tseconds:.1f} s",
              file=sys.stderr)

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    print("| tool | data | words | DER | WER | DER no case ending | WER no case ending |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['tool']} | {r['data']} | {r['words']} | {r['der']:.2f} | {r['wer']:.2f} | "
              f"{r['der_no_case']:.2f} | {r['wer_no_case']:.2f} |")


if __name__ == "__main__":
    main()
