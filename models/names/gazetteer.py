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
precomputed into `models/data/gazetteer.tsv` by `python -m models.build.gazetteer --build` (which also
`--stats` counts it and looks names up: `python -m models.build.gazetteer كندا`). This module only loads
the table: a few tens of milliseconds, and none of the source packages is needed at run time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from models.document import EntityLabel
from models.settings import SHIPPED_DATA
from models.text.arabic import ARABIC_WORD, normalize

DATA_DIR = SHIPPED_DATA
TABLE_PATH = DATA_DIR / "gazetteer.tsv"
CURATED_PATH = DATA_DIR / "names.tsv"  # hand-curated rows, read by the build (models.build.gazetteer)

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
