"""Typed name lists with their English (`models/data/name-lists.tsv.gz`, built by
`python -m models.build.name_lists` from `../shared/data/names/`): ~170,000 normalised Arabic names and
name words, each with the types its sources give it (PER, LOC, ORG, NAT) and an English form.

Two uses:
- features for the BiLSTM-CRF tagger (`features`): a typed longest match of listed names of two words or
  more over the sentence (`nl=B-LOC`, `nl=I-LOC`), the types of the word as a listed one-word name
  (`nw=PER`; `nwp=` after a proclitic), the types of the listed names the word occurs in (`ni=ORG`), and
  cue words that head organisations and geographic names (`cue=ORG` for وزارة، هيئة، شركة …, `cue=LOC`
  for المحيط، بحر، جزيرة …);
- English: a name the lists hold keeps their English form, and each word of an unlisted person's name
  its most frequent listed spelling (`english`, `spelling`).

Loaded on first use (about a second; tens of MB in memory), never at import.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Sequence
from pathlib import Path

from models.names.gazetteer import STOPWORDS
from models.settings import SHIPPED_DATA
from models.text.arabic import normalize, proclitic_splits

LISTS_PATH = SHIPPED_DATA / "name-lists.tsv.gz"
MAX_WORDS = 8  # longer list entries are titles of works and events, not names to match

# Words that head an organisation's name (a ministry is never a person) and a geographic name.
ORG_CUES_TEXT = """
وزارة هيئة شركة جامعة حزب منظمة مجلس وكالة بنك مصرف نادي اتحاد مؤسسة جمعية صندوق محكمة لجنة
حركة جبهة معهد أكاديمية مفوضية برلمان مجموعة رابطة نقابة مصلحة مديرية بلدية كلية مستشفى صحيفة
قناة إذاعة تلفزيون منتدى مركز
"""
LOC_CUES_TEXT = """
محيط المحيطين بحر نهر جزيرة جزر جبل جبال خليج مضيق صحراء بحيرة وادي شبه سهل هضبة إقليم ولاية
محافظة مقاطعة
"""
ORG_CUES: frozenset[str] = frozenset(normalize(w) for w in ORG_CUES_TEXT.split())
LOC_CUES: frozenset[str] = frozenset(normalize(w) for w in LOC_CUES_TEXT.split())


def core(word: str) -> str:
    """A normalised word without its proclitics and article: بوزارة → وزاره."""
    return min((rest for _, rest in proclitic_splits(word)), key=len)


def cue(word: str) -> str | None:
    """The type ("ORG" or "LOC") of names the normalised word (clitics peeled) heads, else None."""
    rests = {rest for _, rest in proclitic_splits(word)}  # وزاره itself, not زاره after a و
    return "ORG" if rests & ORG_CUES else "LOC" if rests & LOC_CUES else None


class NameLists:
    """The loaded table: form → (types, English), and what the features need."""

    def __init__(self, rows: dict[str, tuple[tuple[str, ...], str]]) -> None:
        self.rows = rows
        lengths: dict[str, set[int]] = {}
        inside: dict[str, set[str]] = {}
        for form, (types, _) in rows.items():
            words = form.split(" ")
            if 1 < len(words) <= MAX_WORDS and types:
                lengths.setdefault(words[0], set()).add(len(words))
                for w in words:
                    if w not in STOPWORDS:
                        inside.setdefault(w, set()).add(types[0])
        self.lengths = {w: sorted(n, reverse=True) for w, n in lengths.items()}
        self.inside = {w: tuple(sorted(t)) for w, t in inside.items()}

    def __len__(self) -> int:
        return len(self.rows)

    def types(self, form: str) -> tuple[str, ...]:
        """The types the lists give a normalised form, most supported first (empty if none)."""
        row = self.rows.get(form)
        return row[0] if row else ()

    def english(self, form: str) -> str | None:
        """The lists' English form of a normalised name (words joined by one space), or None."""
        row = self.rows.get(form)
        return (row[1] or None) if row else None

    def spans(self, norms: Sequence[str]) -> list[str]:
        """BIO tags of the longest listed names of two words or more, left to right (the first word may
        carry proclitics: والمحيط)."""
        tags = ["O"] * len(norms)
        i = 0
        while i < len(norms):
            found = 0
            label = ""
            for _, first in proclitic_splits(norms[i]):
                for n in self.lengths.get(first, ()):
                    if n <= found or i + n > len(norms):
                        continue
                    types = self.types(" ".join([first, *norms[i + 1 : i + n]]))
                    if types:
                        found, label = n, types[0]
                        break
            if found:
                tags[i : i + found] = [f"B-{label}"] + [f"I-{label}"] * (found - 1)
                i += found
            else:
                i += 1
        return tags

    def features(self, norms: Sequence[str]) -> list[list[str]]:
        """The tagger's list features for each normalised word of a sentence (see the module docstring)."""
        out = []
        for word, span in zip(norms, self.spans(norms), strict=True):
            f = [] if span == "O" else [f"nl={span}"]
            for cut, rest in proclitic_splits(word):
                f += [f"nw={t}" if not cut else f"nwp={t}" for t in self.types(rest)]
            f += [f"ni={t}" for _, rest in proclitic_splits(word) for t in self.inside.get(rest, ())]
            kind = cue(word)
            if kind:
                f.append(f"cue={kind}")
            out.append(sorted(set(f)))
        return out

    def spelling(self, word: str) -> str | None:
        """The listed English spelling of one normalised name word (ميلاني → Melanie), or None."""
        return self.english(word)


def read(path: Path = LISTS_PATH) -> NameLists:
    rows: dict[str, tuple[tuple[str, ...], str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            form, types, english = line.rstrip("\n").split("\t")
            rows[form] = (tuple(types.split(",")) if types else (), english)
    return NameLists(rows)


_LOADED: NameLists | None = None
_LOCK = threading.Lock()


def load_lists() -> NameLists | None:
    """The shipped lists, read once per process; None when the file is missing."""
    global _LOADED
    with _LOCK:
        if _LOADED is None and LISTS_PATH.exists():
            _LOADED = read()
        return _LOADED


def listed_name(key: str) -> bool:
    """Whether the lists hold a name (an `Entity.key`, "name:" + its normalised form) whole, with an
    English form: that form is the name's English, not the translation's. A name spelled word by word
    from the lists' name words (ميلاني جولي → Melanie Jolie) is not listed, nor is a lone name word of
    a person (جولي: Jolie, Julie or Joly)."""
    lists = load_lists()
    form = key.removeprefix("name:")
    if lists is None or lists.english(form) is None:
        return False
    types = lists.types(form)
    return " " in form or (bool(types) and types[0] != "PER")
