"""Score Qari's text engine: sentence splitting, translation pieces and word analysis.

    python bench/text_engine.py [--aqmar ../shared/data/aqmar] [--baseline REV] [--max-tokens 80] [--json]

Sentence splitting is scored on
- the AQMAR corpus (20 Arabic Wikipedia articles, CC BY-SA 3.0): one token a line, a blank line
  between sentences. The tokens are joined back into running text (see `join_tokens`): punctuation
  that closes (. ، : ) » ...) goes onto the token before it, punctuation that opens (( « [) onto the
  token after it, straight quotes alternate between opening and closing. Sentences are joined with
  one space, except that a sentence ending without . ! ? ؟ ؛ … (a heading, a list item, a line
  ending in ":") is followed by a line break, as it stood on its own line in the article. The
  "spaces only" variant joins every sentence with a space, a strict lower bound;
- the hard cases of tests/data/hard_sentences.tsv (abbreviations, numbers, dates, URLs, quotations,
  line breaks, long chained sentences), written for Qari in the style of news prose.
A boundary is the end offset of a sentence (the last one of a text is not counted); precision,
recall and F1 compare predicted and gold boundaries exactly. `--baseline REV` scores the
`models/text/segment.py` of a git revision beside the current one.

Translation pieces: on the same sentences, how many exceed `--max-tokens` estimated subword tokens
(`models.text.segment.estimate_subword_tokens`), how many pieces they are cut into and at which kind of
boundary.

Word analysis: on AQMAR, coverage (the share of Arabic tokens with at least one reading, by source);
on tests/data/word_senses.tsv (words in context with the English senses that count as right, written
down before looking at the output), the share whose best reading in context has a right sense: an
accuracy proxy for the ranking, scored for rules only, rules + frequency, rules + frequency + context.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import itertools

from models.lexicon.lexicon import Lexicon
from models.text.arabic import iter_tokens
from models.text.segment import estimate_subword_tokens, split_sentences, translation_pieces

DATA = ROOT / "tests" / "data"
SAMPLE_CASES = 58  # tests/data/word_senses.tsv: its first cases come from the sample article
Splitter = Callable[[str], list[tuple[int, int]]]

_CLOSING = set(".,،؛;:!?؟…)]}»%") | {"..", "..."}
_OPENING = set("([{«")
_FINAL = tuple(".!?؟؛…") + tuple('.!?؟؛…"»”)')
_SENTENCE_END = re.compile(r"[.!?؟؛…۔][\"'”’»)\]]*$")


# --- AQMAR ------------------------------------------------------------------------------------


def read_conll(path: Path) -> list[list[str]]:
    """The sentences of one AQMAR file, each a list of tokens."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        current.append(line.split()[0])
    if current:
        sentences.append(current)
    return sentences


def join_tokens(tokens: list[str]) -> str:
    """One sentence's tokens as running text (see the module docstring)."""
    out = ""
    attach_next = False
    quote_open = False
    for tok in tokens:
        closing = tok in _CLOSING or (tok[0] in _CLOSING and not any(c.isalnum() for c in tok))
        if tok == '"':
            closing = quote_open
            quote_open = not quote_open
            opening = not closing
        else:
            opening = tok in _OPENING
        if not out or attach_next or closing:
            out += tok
        else:
            out += " " + tok
        attach_next = opening
    return out


def join_sentences(sentences: list[str], line_breaks: bool) -> tuple[str, list[int]]:
    """Running text and the gold boundaries (end offsets of all sentences but the last)."""
    text, ends = "", []
    for i, s in enumerate(sentences):
        if i:
            ends.append(len(text))
            sep = " " if not line_breaks or _SENTENCE_END.search(sentences[i - 1]) else "\n"
            text += sep
        text += s
    return text, ends


def boundary_scores(pairs: list[tuple[list[int], list[int]]]) -> dict[str, float]:
    """Precision, recall and F1 of predicted against gold boundaries, summed over texts."""
    tp = fp = fn = 0
    for gold, pred in pairs:
        g, p = set(gold), set(pred)
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def predicted_ends(split: Splitter, text: str) -> list[int]:
    return [end for _start, end in split(text)[:-1]]


def aqmar_texts(folder: Path, line_breaks: bool) -> list[tuple[str, str, list[int], list[str]]]:
    """(name, running text, gold boundaries, gold sentences) for each AQMAR file."""
    out = []
    for path in sorted(folder.glob("*.conll")):
        sentences = [join_tokens(tokens) for tokens in read_conll(path)]
        text, ends = join_sentences(sentences, line_breaks)
        out.append((path.stem, text, ends, sentences))
    return out


# --- Hard cases -------------------------------------------------------------------------------


def hard_cases(path: Path = DATA / "hard_sentences.tsv") -> list[tuple[str, str, str, list[int]]]:
    """(id, category, running text, gold boundaries) for each hard case."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "id\t")):
            continue
        case_id, category, marked = line.split("\t")
        text, ends = "", []
        for part in re.split(r"( \|\| |\|\||\\n)", marked):
            if part in (" || ", "||", "\\n"):
                ends.append(len(text))
                text += {" || ": " ", "||": "", "\\n": "\n"}[part]
            else:
                text += part
        out.append((case_id, category, text, ends))
    return out


# --- Baseline ---------------------------------------------------------------------------------


def splitter_at(rev: str) -> Splitter:
    """`split_sentences` of models/text/segment.py as it was at git revision `rev`."""
    source = subprocess.run(
        ["git", "show", f"{rev}:models/text/segment.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    spec = importlib.util.spec_from_loader(f"segment_{rev}", loader=None)
    assert spec is not None
    module = ModuleType(spec.name)
    exec(compile(source, f"{rev}:models/text/segment.py", "exec"), module.__dict__)  # noqa: S102 - our own file
    return module.split_sentences


# --- Reports ----------------------------------------------------------------------------------


def score_splitting(splitters: dict[str, Splitter], aqmar: Path | None) -> dict:
    results: dict = {}
    cases = hard_cases()
    for name, split in splitters.items():
        res: dict = {}
        if aqmar is not None:
            for variant, line_breaks in (("aqmar", True), ("aqmar_spaces_only", False)):
                texts = aqmar_texts(aqmar, line_breaks)
                res[variant] = boundary_scores(
                    [(ends, predicted_ends(split, text)) for _n, text, ends, _s in texts]
                )
        res["hard_cases"] = boundary_scores(
            [(ends, predicted_ends(split, text)) for _i, _c, text, ends in cases]
        )
        res["hard_cases_exact"] = sum(
            predicted_ends(split, text) == ends for _i, _c, text, ends in cases
        ) / len(cases)
        by_cat: dict[str, list] = {}
        for _i, category, text, ends in cases:
            by_cat.setdefault(category, []).append(predicted_ends(split, text) == ends)
        res["hard_cases_by_category"] = {c: f"{sum(v)}/{len(v)}" for c, v in by_cat.items()}
        res["hard_cases_failed"] = [i for i, _c, text, ends in cases if predicted_ends(split, text) != ends]
        results[name] = res
    return results


def score_pieces(aqmar: Path | None, max_tokens: int) -> dict:
    sentences: list[str] = []
    if aqmar is not None:
        for _n, text, _e, _s in aqmar_texts(aqmar, True):
            sentences += [text[a:b] for a, b in split_sentences(text)]
    for _i, _c, text, _e in hard_cases():
        sentences += [text[a:b] for a, b in split_sentences(text)]
    lengths = sorted(estimate_subword_tokens(s) for s in sentences)
    long_ = [s for s in sentences if estimate_subword_tokens(s) > max_tokens]
    kinds: Counter[str] = Counter()
    pieces_total = 0
    over = 0
    for s in long_:
        pieces = translation_pieces(s, max_tokens)
        pieces_total += len(pieces)
        over += sum(estimate_subword_tokens(s[a:b]) > max_tokens for a, b in pieces)
        for (_a, b), (c, _d) in itertools.pairwise(pieces):
            before, after = s[:b].rstrip(), s[c:].split()[0] if s[c:].split() else ""
            if before[-1:] in "،؛,;":
                kinds["after ، ؛"] += 1
            elif after in ("و", "كما", "ثم", "بينما", "حيث", "فيما", "لكن", "ولكن", "إذ"):
                kinds["before a clause word"] += 1
            elif after.startswith("و"):
                kinds["before و + opener"] += 1
            else:
                kinds["word boundary (no clause boundary)"] += 1
    return {
        "sentences": len(sentences),
        "max_tokens": max_tokens,
        "median_tokens": lengths[len(lengths) // 2] if lengths else 0,
        "p90_tokens": lengths[int(len(lengths) * 0.9)] if lengths else 0,
        "over_limit": len(long_),
        "pieces_of_those": pieces_total,
        "pieces_still_over_limit": over,
        "cut_kinds": dict(kinds),
    }


def score_words(aqmar: Path | None) -> dict:
    out: dict = {}
    full = Lexicon()
    if aqmar is not None:
        words = []
        for path in sorted(aqmar.glob("*.conll")):
            for tokens in read_conll(path):
                text = " ".join(tokens)
                words += [text[a:b] for a, b, kind in iter_tokens(text) if kind == "arabic"]
        sources: Counter[str] = Counter()
        unknown: Counter[str] = Counter()
        for w in words:
            best = full.best(w)
            sources[best.source if best else "none"] += 1
            if best is None:
                unknown[w] += 1
        n = len(words)
        out["aqmar_arabic_tokens"] = n
        out["aqmar_coverage"] = 1 - sources["none"] / n
        out["aqmar_coverage_by_source"] = {k: v / n for k, v in sources.items()}
        out["aqmar_unknown_examples"] = [w for w, _c in unknown.most_common(15)]
        out["aqmar_clitic_split_share"] = (
            sum(1 for w in words if (b := full.best(w)) is not None and (b.prefix or b.suffix)) / n
        )
    cases = []
    for line in (DATA / "word_senses.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "sentence\t")):
            continue
        sentence, word, senses = line.split("\t")
        cases.append((sentence, word, [s.lower() for s in senses.split("|")]))
    variants = {
        "rules only": (Lexicon(frequencies=False), False),
        "rules + frequency": (full, False),
        "rules + frequency + context": (full, True),
    }
    for name, (lexicon, context) in variants.items():
        right, wrong = 0, []
        by_set: Counter[str] = Counter()
        for k, (sentence, word, senses) in enumerate(cases):
            toks = [(sentence[a:b], kind) for a, b, kind in iter_tokens(sentence)]
            i = next(k for k, (t, _kind) in enumerate(toks) if t == word)
            before = toks[i - 1][0] if context and i > 0 and toks[i - 1][1] in ("arabic", "number") else None
            after = (
                toks[i + 1][0]
                if context and i + 1 < len(toks) and toks[i + 1][1] in ("arabic", "number")
                else None
            )
            best = lexicon.best_in_context(word, before, after)
            # the file's first 58 cases come from the sample article, the rules were tuned on it
            subset = "sample article" if k < SAMPLE_CASES else "other news sentences"
            by_set[subset + " n"] += 1
            if best is not None and any(s in best.gloss.lower() for s in senses):
                right += 1
                by_set[subset] += 1
            else:
                wrong.append(f"{word}: {best.gloss if best else None}")
        subsets = {k: f"{by_set[k]}/{by_set[k + ' n']}" for k in ("sample article", "other news sentences")}
        out[f"senses {name}"] = {
            "accuracy": right / len(cases),
            "n": len(cases),
            "by_set": subsets,
            "wrong": wrong,
        }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aqmar", type=Path, default=ROOT.parent / "shared" / "data" / "aqmar")
    parser.add_argument("--baseline", help="git revision whose models/text/segment.py to score beside")
    parser.add_argument("--max-tokens", type=int, default=80)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    args = parser.parse_args(argv)
    aqmar = args.aqmar if args.aqmar.is_dir() else None
    t0 = time.perf_counter()
    splitters: dict[str, Splitter] = {
        "current": split_sentences,
        "current, ؛ ends sentences": lambda text: split_sentences(text, semicolon=True),
    }
    if args.baseline:
        splitters[f"baseline {args.baseline}"] = splitter_at(args.baseline)
    report = {
        "splitting": score_splitting(splitters, aqmar),
        "pieces": score_pieces(aqmar, args.max_tokens),
        "words": score_words(aqmar),
        "seconds": 0.0,
    }
    report["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if aqmar is None:
        print(f"(AQMAR not found at {args.aqmar}: hard cases only)")
    for name, res in report["splitting"].items():
        print(f"== sentence splitting: {name}")
        for key in ("aqmar", "aqmar_spaces_only", "hard_cases"):
            if key in res:
                r = res[key]
                print(
                    f"  {key:18} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
                    f"  (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})"
                )
        print(f"  hard cases exact: {res['hard_cases_exact']:.3f} {res['hard_cases_by_category']}")
        print(f"  failed: {res['hard_cases_failed']}")
    p = report["pieces"]
    print(f"== translation pieces (max {p['max_tokens']} estimated tokens)")
    print(
        f"  {p['sentences']} sentences, median {p['median_tokens']} / p90 {p['p90_tokens']} tokens;"
        f" {p['over_limit']} over the limit -> {p['pieces_of_those']} pieces"
        f" ({p['pieces_still_over_limit']} still over); cuts: {p['cut_kinds']}"
    )
    w = report["words"]
    print("== word analysis")
    if "aqmar_coverage" in w:
        print(
            f"  AQMAR: {w['aqmar_arabic_tokens']} Arabic tokens, coverage {w['aqmar_coverage']:.3f}"
            f" { ({k: round(v, 3) for k, v in w['aqmar_coverage_by_source'].items()}) };"
            f" with clitics or suffixes split off: {w['aqmar_clitic_split_share']:.3f}"
        )
        print(f"  unknown, most frequent: {' '.join(w['aqmar_unknown_examples'])}")
    for key, val in w.items():
        if key.startswith("senses"):
            print(
                f"  {key}: {val['accuracy']:.3f} of {val['n']} {val['by_set']}; wrong: {'; '.join(val['wrong'])}"
            )
    print(f"({report['seconds']} s)")


if __name__ == "__main__":
    main()
