"""Measure the grammar (`models.grammar`) on voweled news: case and mood against the gold's endings, part of
speech against what the gold vowels leave, each case rule's precision, the vowels mode's WER before and
after the rules, and what roots cost per sentence.

    python bench/grammar.py [--data ../shared/data/vowels] [--sentences N] [--json]
    python bench/grammar.py --roots-only --roots-baseline /tmp/roots_main.py

Data: `wikinewsmax.tsv` (WikiNewsMax, MSA news, see `bench/vowels.py`): blocks 0, 2, 4, 6 are the *dev*
half, on which the rules were chosen; blocks 1, 3, 5 the *test* half, reported, never tuned on. A rule
says why (`models.grammar.rules.ACTIVE`) when it was right on at least 95 % of the dev words it decided;
it also puts the vowels' ending right (`CORRECTING`) when it was right at least as often as the vowels
were on those same dev words. "every rule" is the WER were every rule to correct.

- **Case / mood.** For each word the pipeline reads (the input's words as Qari tokenises them: a word with
  punctuation attached is left out), the gold's vowel on the letter that carries the case (the last one,
  before a pronoun suffix) says Nom (u, un), Acc (a, an) or Gen (i, in); a verb's Ind / Sub / Jus (u, a,
  sukun). Counted on nouns, adjectives, names, numbers and imperfect verbs where the gold writes such a
  vowel; a prediction is right where it agrees with it (`models.grammar.rules.agrees`: a diptote's genitive
  written with a fatha, a feminine plural's accusative with a kasra). *Before* the rules: the vowels mode's
  ending read as it is; *after*: the rules decide where they apply (and the ending is put right).
- **Part of speech.** There is no gold part of speech here: a word's Buckwalter readings whose vowels agree
  with the gold's (letter by letter, the last letter left out; a letter one side leaves bare agrees) are
  kept, and where they all have one UD part of speech, Qari's `pos` is scored against it. A proxy for a
  treebank, on the words the gold vowels decide.
- **WER**: `models.vowels.score` (Fadel et al.'s convention, any accepted reading), with and without the
  last letter, for the vowels mode's output and for the same output put right by the rules.
- **Roots**: the share of nouns, verbs and adjectives (Qari's part of speech) with a root, per half; of
  the words without one, the share whose lemma is on `LOANWORDS` (loanwords and foreign names, for which
  none is right; the list is judged by hand from the rootless lemmas this script prints, both halves, and
  changes no root); the share of words whose root is the one most words of their lemma have.
- **Roots' cost**: the analysis of each sentence (`models.pipeline.analyze`, warm), and the roots' share of
  it with an empty cache (a new `Roots`, its analyser open) and a full one; with `--roots-baseline FILE`
  (an older roots.py, `git show REF:models/grammar/roots.py > FILE`) the two side by side, in turn.
  `--roots-only` measures the roots without the vowels (a minute instead of several).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TT_ORT_THREADS", "1")

import argparse
import copy
import importlib.util
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from vowels import DEV_BLOCKS, wikinews  # bench/vowels.py: the same data, read the same way

from models.document import Document
from models.grammar import RULES, Roots, apply_vowels, sentence_words
from models.grammar.features import upos
from models.grammar.rules import agrees, value_of
from models.lexicon.lexicon import Analysis, get_lexicon
from models.pipeline import analyze
from models.text.arabic import strip_tashkeel
from models.vowels import vowels
from models.vowels.engine import LETTERS, MARKS, SHADDA, SUKUN
from models.vowels.score import Score

NOMINAL = {"NOUN", "ADJ", "PROPN", "NUM"}
LEMMA_ROOTS: dict[tuple[str, str, str], Counter[str]] = {}  # (half, lemma, pos) → the roots its words got
ROOTLESS: dict[str, Counter[str]] = {}  # half → the lemmas (unvoweled) of the words without a root
# The lemmas of rootless words (both halves) that are loanwords or foreign names, and their nisbas, judged
# one by one from the list this script prints: they have no Arabic root, and a null is right for them.
# Not on the list (a miss): أربعيني ثروة جدارة جثمان خنزير ذات ست غيبوبة كروي مير باء غجري اثنان, and
# lemmas the lexicon got wrong (بكلة for ب+كل, أنبة, ملأك, ؤخذ, مأسوي).
_LOANWORDS = """
    أذربيجاني أرجنتيني أسيوي أكاديمية أمريكي أنجولي أستاذ أوركسترا أولمبي إسباني إستاد إستراتيجية
    إستوديو إسرائيلي إسماعيلي إلكتروني إنفلونزا إنكليزي إيديولوجي إيراني إيطالي باكستاني بانوراما
    بروفسور بريطاني برازيلي برلمان برميل برنامج بنفسجي برتغالي بوسني بترول بلجيكي بيانو بيولوجي تشيكي
    ترسانة تكنولوجيا تكنولوجي جندول دكتور دولار دبلوماسي دراما ديزل ديموقراطي ديموقراطية ديناميكي
    راديكالية راديو راوند روبوت سوبر سويدي سويسري سيناريو سينما سينمائي شمبانيا طاقم فاتورة فرنسي
    فيروس فلسطيني فيدرالي فيديو فيلم قولون كاميرا كامرا كانو كمبيوتر كوليرا كيلوجرام كيلومتر كيميائي
    كيني ليرة ماكياج موزمبيقي موسيقار موسيقى موسيقي مليون نمساوي هورمون ياباني يوناني إبريق
"""
LOANWORDS = frozenset(_LOANWORDS.split())


def letter_marks(word: str) -> list[tuple[str, str]]:
    """(letter, its marks) for each Arabic letter of a voweled word."""
    out: list[tuple[str, str]] = []
    for ch in word:
        if ch in LETTERS:
            out.append((ch, ""))
        elif ch in MARKS and out:
            out[-1] = (out[-1][0], out[-1][1] + ch)
    return out


def _vowel(marks: str) -> str:
    return "".join(m for m in marks if m not in (SHADDA, SUKUN))


def consistent(reading: Analysis, gold: list[tuple[str, str]]) -> bool:
    """Whether a reading's vowels agree with the gold's, letter by letter, the last letter left out."""
    mine = letter_marks(reading.voweled.replace("+", ""))
    if len(mine) != len(gold):
        return False
    for (_a, m), (_b, g) in list(zip(mine, gold, strict=True))[:-1]:
        if _vowel(m) and _vowel(g) and _vowel(m) != _vowel(g):
            return False
    return True


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, name: str, right: bool) -> None:
        self.counts[name + ":n"] += 1
        self.counts[name + ":right"] += int(right)

    def share(self, name: str) -> tuple[int, float]:
        n = self.counts[name + ":n"]
        return n, (100.0 * self.counts[name + ":right"] / n if n else 0.0)


def gold_words(text: str, golds: list[str]) -> dict[tuple[int, int], str]:
    """(start, end) of each input word in `text` (words joined by one space) → its gold voweled form."""
    out: dict[tuple[int, int], str] = {}
    at = 0
    for word in golds:
        plain = "".join(ch for ch in word if ch not in MARKS and ch != "\u0670")
        out[(at, at + len(plain))] = word
        at += len(plain) + 1
    return out


def score_sentence(text: str, orig: str, half: str, tally: Tally) -> tuple[str, str, str]:
    """Tally one sentence; the vowels mode's output, put right by the correcting rules, and by all."""
    lexicon = get_lexicon()
    doc = analyze(text)
    voweled = vowels(text)
    before_doc: Document = copy.deepcopy(doc)
    apply_vowels(before_doc, voweled, lexicon, active=frozenset())
    fixed = apply_vowels(doc, voweled, lexicon)
    every = apply_vowels(copy.deepcopy(doc), voweled, lexicon, correcting=frozenset(RULES))
    golds = gold_words(text, orig.split(" "))
    tally_roots(doc, half, tally)
    for sentence, before_sentence in zip(doc.sentences, before_doc.sentences, strict=True):
        words = sentence_words(sentence.tokens, lexicon, frozenset(RULES))  # every rule, to judge each one
        for token, before, word in zip(sentence.tokens, before_sentence.tokens, words, strict=True):
            gold = golds.get((token.start, token.end))
            if word is None or gold is None:
                continue
            gold_letters = letter_marks(gold)
            if [c for c, _ in gold_letters] != [c for c in token.text if c in LETTERS]:
                continue
            # part of speech, where the gold vowels leave one
            fits = {upos(r, token.text) for r in lexicon.analyze(token.text) if consistent(r, gold_letters)}
            if len(fits) == 1 and token.pos != "PROPN":
                tally.add(f"{half}:pos", token.pos in fits)
            if word.ending is None:
                continue
            k = sum(1 for c in token.text[: word.ending - token.start] if c in LETTERS)
            marks = gold_letters[k][1]
            if value_of(word, marks) is None:
                continue  # the gold writes no case (pausal sukun) here
            kind = "mood" if word.pos == "VERB" else "case"
            key = "Mood" if kind == "mood" else "Case"
            for name, found in (("before", before), ("after", token)):
                value = (found.features or {}).get(key)
                tally.add(f"{half}:{kind}:{name}", value is not None and agrees(word, value, marks))
            if word.rule is not None:
                tally.add(f"{half}:rule:{word.rule}", agrees(word, word.features[key], marks))
                said = value_of(word, letter_marks(voweled.span(token.start, token.end))[k][1])
                tally.add(f"{half}:vowels-there:{word.rule}", said is not None and agrees(word, said, marks))
    return voweled.voweled, fixed.voweled, every.voweled


def tally_roots(doc: Document, half: str, tally: Tally) -> None:
    """Count the nouns, verbs and adjectives with a root; note each word's root under its lemma, and
    the lemmas of the words without one."""
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.kind != "arabic" or token.pos not in ("NOUN", "VERB", "ADJ"):
                continue
            tally.add(f"{half}:root:{token.pos}", token.root is not None)
            tally.add(f"{half}:root:all", token.root is not None)
            if token.root is None:
                lemma = strip_tashkeel(token.lemma or token.text)
                ROOTLESS.setdefault(half, Counter())[lemma] += 1
                tally.add(f"{half}:rootless loanword", lemma in LOANWORDS)
            elif token.lemma:
                LEMMA_ROOTS.setdefault((half, token.lemma, token.pos), Counter())[token.root] += 1


def roots_cost(texts: list[str], baseline: Path | None = None) -> dict[str, float]:
    """Milliseconds per sentence: the analysis (warm), and the roots within it, cold (a new `Roots`, its
    analyser open, every cache empty) and warm. With `baseline`, a `Roots` class from that file (an
    older roots.py: `git show REF:models/grammar/roots.py > FILE`) is timed too, the two in turn,
    twice each (the better of two per side)."""
    docs = [analyze(t) for t in texts]  # warm: models loaded, lexicon cached
    start = time.perf_counter()
    for t in texts:
        analyze(t)
    analysis = time.perf_counter() - start
    words = [
        (token.text, token.lemma, token.pos)
        for doc in docs
        for sentence in doc.sentences
        for token in sentence.tokens
        if token.kind == "arabic"
    ]
    sides: dict[str, Any] = {"this": Roots}
    if baseline is not None:
        spec = importlib.util.spec_from_file_location("roots_baseline", baseline)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sides["baseline"] = module.Roots
    n = len(texts)
    out: dict[str, float] = {"sentences": n, "analysis_ms": round(1000 * analysis / n, 1)}
    for _round in range(2):
        for name, make in sides.items():
            roots = make()
            roots._analex()  # the analyser open (0.2 s, once a process): not the roots' cost
            for run in ("cold", "warm"):
                start = time.perf_counter()
                for word, lemma, pos in words:
                    roots.root(word, lemma, pos)
                ms = 1000 * (time.perf_counter() - start) / n
                key = f"{name}_roots_{run}_ms"
                out[key] = round(min(out.get(key, ms), ms), 2)
    return out


def root_rows(tally: Tally) -> list[tuple[str, str, int, float]]:
    rows = []
    for half in ("dev", "test"):
        for pos in ("NOUN", "VERB", "ADJ", "all"):
            n, share = tally.share(f"{half}:root:{pos}")
            rows.append((half, f"{pos} with a root", n, share))
        n, share = tally.share(f"{half}:rootless loanword")
        rows.append((half, "rootless words that are loanwords or foreign names (LOANWORDS)", n, share))
        found = [c for (h, _l, _p), c in LEMMA_ROOTS.items() if h == half]
        shared = sum(c.most_common(1)[0][1] for c in found)
        words = sum(sum(c.values()) for c in found)
        rows.append(
            (
                half,
                "words with the root most words of their lemma have",
                words,
                100.0 * shared / max(1, words),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "vowels")
    parser.add_argument("--sentences", type=int, default=0, help="only the first N sentences (default all)")
    parser.add_argument("--roots-only", action="store_true", help="the roots and their cost only (no vowels)")
    parser.add_argument("--roots-baseline", type=Path, help="an older roots.py to time beside this one")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    news = wikinews(args.data / "wikinewsmax.tsv")
    if args.sentences:
        news = news[: args.sentences]
    tally = Tally()
    wer = {
        f"{half}-{name}": Score() for half in ("dev", "test") for name in ("vowels", "rules", "every rule")
    }
    analyze(news[0][1])  # load the models first
    for block, text, orig, mx, alt in news:
        half = "dev" if block in DEV_BLOCKS else "test"
        if args.roots_only:
            tally_roots(analyze(text), half, tally)
            continue
        plain, fixed, every = score_sentence(text, orig, half, tally)
        wer[f"{half}-vowels"].add_line_any([orig, mx, alt], plain)
        wer[f"{half}-rules"].add_line_any([orig, mx, alt], fixed)
        wer[f"{half}-every rule"].add_line_any([orig, mx, alt], every)
    results: dict[str, object] = {"counts": dict(tally.counts)}
    rows = []
    for half in () if args.roots_only else ("dev", "test"):
        for what in ("pos", "case:before", "case:after", "mood:before", "mood:after"):
            n, share = tally.share(f"{half}:{what}")
            rows.append((half, what, n, share))
        for rule in RULES:
            n, share = tally.share(f"{half}:rule:{rule}")
            rows.append((half, f"rule {rule}", n, share))
            n, share = tally.share(f"{half}:vowels-there:{rule}")
            rows.append((half, f"the vowels where rule {rule} applies", n, share))
    if not args.roots_only:
        results["wer"] = {
            k: {"words": s.words, "wer": round(s.wer, 2), "wer_no_case": round(s.wer_noce, 2)}
            for k, s in wer.items()
        }
    rows += root_rows(tally)
    results["accuracy"] = [{"half": h, "what": w, "words": n, "percent": round(p, 2)} for h, w, n, p in rows]
    results["rootless"] = {h: dict(c.most_common()) for h, c in ROOTLESS.items()}
    results["cost"] = roots_cost([x[1] for x in news[:100]], args.roots_baseline)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    print("| half | what | words | % right |\n|---|---|---:|---:|")
    for half, what, n, share in rows:
        print(f"| {half} | {what} | {n} | {share:.2f} |")
    if not args.roots_only:
        print("\n| half | vowels | words | WER | WER without the last letter |\n|---|---|---:|---:|---:|")
        for key, s in wer.items():
            half, name = key.split("-")
            print(f"| {half} | {name} | {s.words} | {s.wer:.2f} | {s.wer_noce:.2f} |")
    for half, lemmas in sorted(ROOTLESS.items()):
        listed = " ".join(
            f"{lemma}{'*' if lemma in LOANWORDS else ''} {n}" for lemma, n in lemmas.most_common()
        )
        print(f"\nrootless in {half} (* on LOANWORDS): {listed}")
    print("\n" + json.dumps(results["cost"]))


if __name__ == "__main__":
    main()
