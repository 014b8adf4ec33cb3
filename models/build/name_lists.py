"""Build `models/data/name-lists.tsv.gz`: ~170,000 typed Arabic names with their English, for the tagger's
features and the names' English spelling (`models.names.lists`).

    python -m models.build.name_lists [--names ../shared/data/names] [--out models/data/name-lists.tsv.gz]

Sources (`../shared/data/names/`, see its README and models/data/README.md for licences): NERAr's
bilingual and monolingual dictionaries (PER, LOC, ORG; Latin forms from many Wikipedias, French for
places), Wikidata person-name words (PER), Google's Arabic→Latin transliteration pairs (untyped words),
ArWikiCats (LOC, PER, ORG clubs, NAT) and world-cities (LOC).

One row per normalised form (`models.text.arabic.normalize`, words joined by one space):
`form<TAB>types<TAB>English`. `types` lists each type the sources give the form, most supported first
(support = the number of sources that say so); empty for words only the untyped list has. English:
- places and organisations: ArWikiCats' or world-cities' English; NERAr's Latin forms are French there
  (Égypte, Damas) and are not used for them;
- people, several words: of the NERAr and ArWikiCats forms with one Latin word per Arabic word, the one
  whose words are the most usual spellings of those Arabic words over all the lists (جورج بوش: "George
  Bush", not "George W Bush", "Bush Jr" or "Georges Busch"); else none (the words are spelled one by one);
- a single word: its most frequent spelling over every source that pairs it with a Latin word, aligned
  word by word in multi-word names with as many words on both sides (ميلاني → Melanie).
Function words (the gazetteer's STOPWORDS) and one-letter forms are left out. Deterministic: sorted, gzip
with a zero timestamp, so a rebuild from the same files gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from models.names.gazetteer import STOPWORDS, name_words
from models.names.lists import LISTS_PATH

SOURCES = ("nerar", "wikidata-person-tokens", "google-ar2en", "arwikicats", "world-cities")
TYPES = ("PER", "LOC", "ORG", "NAT")
_LATIN_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")


def _title(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))


def _english_words(english: str) -> list[str]:
    return [w for w in english.replace(",", " ").split() if not (len(w) <= 2 and w.endswith("."))]


def _clean_key(english: str) -> str:
    """ArWikiCats' lower-case keys: "aalst, belgium" → "Aalst", "36 lion fc" stays as written."""
    english = re.sub(r"\s*\([^)]*\)", "", english).split(",")[0].strip()
    small = {"of", "the", "and", "de", "del", "da", "di", "do", "von", "van", "der", "la", "le", "al", "el"}
    words = english.split(" ")
    if english != english.lower():
        return english
    return " ".join(w if i and w in small else _title(w) for i, w in enumerate(words))


def read_rows(folder: Path) -> list[tuple[str, str, str, str]]:
    """(form, type, English, source) for every usable row of the five lists, in a fixed order."""
    rows = []
    for source in SOURCES:
        with (folder / f"{source}.tsv").open(encoding="utf-8") as f:
            next(f)
            for line in f:
                arabic, english, kind = (line.rstrip("\n").split("\t") + ["", ""])[:3]
                words = name_words(arabic)
                if not words or (len(words) == 1 and (words[0] in STOPWORDS or len(words[0]) < 2)):
                    continue
                rows.append((" ".join(words), kind if kind in TYPES else "", english.strip(), source))
    return rows


def _consensus(form: str, candidates: list[str], spellings: dict[str, Counter[str]]) -> str:
    """Of a person's Latin forms with one word per Arabic word, the one whose words are the most usual
    spellings of those Arabic words over all the lists ("George Bush" among "George W Bush", "Bush Jr",
    "Georges Busch" …); "" when none has as many words."""
    arabic = form.split(" ")
    aligned = [c for c in candidates if len(_english_words(c)) == len(arabic) and "-" not in c]
    if not aligned:
        return ""

    def score(c: str) -> tuple[int, int, str]:
        words = _english_words(c)
        usual = sum(spellings.get(a, Counter())[w.lower()] for a, w in zip(arabic, words, strict=True))
        return (usual, -len(c), c)

    return max(aligned, key=score)


def build(folder: Path) -> dict[str, tuple[list[str], str]]:
    """form → (types by support, English)."""
    support: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[str, str, str]] = set()
    people: dict[str, list[str]] = defaultdict(list)  # NERAr's Latin forms of people's names
    places: dict[str, str] = {}  # first ArWikiCats / world-cities English of a place or organisation
    spellings: dict[str, Counter[str]] = defaultdict(Counter)  # word → its Latin spellings (lower case)
    for form, kind, english, source in read_rows(folder):
        if kind and (form, kind, source) not in seen:
            seen.add((form, kind, source))
            support[form][kind] += 1
        support.setdefault(form, Counter())
        if not english:
            continue
        if source in ("arwikicats", "world-cities") and kind != "PER":
            places.setdefault(form, _clean_key(english))
        elif source == "arwikicats":
            people[form].append(_clean_key(english))
        elif source == "nerar" and kind == "PER":
            people[form].append(english)
        arabic, latin = form.split(" "), _english_words(english)
        if kind in ("PER", "") and len(arabic) == len(latin):
            for a, e in zip(arabic, latin, strict=True):
                if _LATIN_WORD.match(e) and len(e) >= 2:
                    spellings[a][e.lower()] += 1
    out: dict[str, tuple[list[str], str]] = {}
    for form, counts in support.items():
        types = sorted(counts, key=lambda k: (-counts[k], TYPES.index(k)))
        english = _consensus(form, sorted(set(people[form])), spellings) if form in people else ""
        if types and types[0] in ("LOC", "ORG", "NAT") and form in places:
            english = places[form]
        elif english:
            pass
        elif form in places:
            english = places[form]
        elif " " not in form and form in spellings:
            found = spellings[form]
            english = _title(min(found, key=lambda e: (-found[e], e)))
        out[form] = (types, english)
    for word, found in spellings.items():  # name words seen only inside longer names
        if word not in out and word not in STOPWORDS:
            out[word] = ([], _title(min(found, key=lambda e: (-found[e], e))))
    return out


def write(table: dict[str, tuple[list[str], str]], path: Path) -> None:
    text = io.StringIO()
    text.write("# normalised form\ttypes\tEnglish (built by python -m models.build.name_lists)\n")
    for form in sorted(table):
        types, english = table[form]
        text.write(f"{form}\t{','.join(types)}\t{english}\n")
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(text.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.build.name_lists", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--names", type=Path, default=Path("../shared/data/names"))
    parser.add_argument("--out", type=Path, default=LISTS_PATH)
    args = parser.parse_args(argv)
    table = build(args.names)
    write(table, args.out)
    kinds = Counter(t[0] if t else "-" for t, _ in table.values())
    english = sum(1 for _, e in table.values() if e)
    print(f"wrote {args.out}: {len(table)} forms {dict(kinds)}, {english} with English", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
