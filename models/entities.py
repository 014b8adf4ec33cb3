"""Named-entity recognition by gazetteer look-up (v1; a trained recogniser comes later).

`GazetteerRecognizer.recognize(text, tokens)` finds the longest listed name starting at each word,
over runs of words separated only by spaces or hyphens. The first word may carry proclitics
(و ف ب ل ك): وكندا yields كندا, والهند yields الهند (the article stays inside the span when the name is
listed with it). Later words must match whole. A span never ends inside a word and never starts inside
a stem: اليابانية is not اليابان, because only whole remainders of `proclitic_splits` are looked up.

    from models.entities import get_recognizer
    entities = get_recognizer().recognize(text, tokens)  # tokens with absolute offsets into text
"""

from __future__ import annotations

import itertools
import re
import threading

from models.arabic import TATWEEL, normalize, proclitic_splits, strip_tashkeel
from models.document import Entity, Token
from models.gazetteer import Gazetteer, Name, load

# What may stand between two words of one name: spaces and hyphens (تيمور - ليشتي).
_JOIN = re.compile(r"[\s\-\u2010-\u2015]*")
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015")
_TANWIN = re.compile("[\u064b-\u064d]")
_MIN_PEELED = 5  # letters an ArWikiCats one-word name needs to be matched behind a proclitic


class GazetteerRecognizer:
    """Longest-match look-up of token sequences in the gazetteer table."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else load()

    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]:
        """Entities of one sentence; `tokens` carry absolute offsets into `text`, in order."""
        gaz = self.gazetteer
        # A word with tanwin (رسميًا، دورًا) is indefinite, so it is not a proper name.
        words = [i for i, t in enumerate(tokens) if t.kind == "arabic" and not _TANWIN.search(t.text)]
        norms = {i: normalize(tokens[i].text) for i in words}
        follows = self._follows(text, tokens, words)
        entities: list[Entity] = []
        skip_to = -1
        for i in words:
            if i <= skip_to:
                continue  # consumed by a multi-word name
            best: tuple[int, int, int, Name] | None = None  # (word count, start, last token, entry)
            for cut, rest, article_dropped in _splits(tokens[i].text):
                first = normalize(rest)
                lengths = gaz.lengths.get(first)
                if not lengths or article_dropped:
                    # A word whose article was peeled off is never an article-less name: المالي is
                    # "the financial", not مالي (Mali); a listed ال name matches the longer remainder.
                    continue
                for n in lengths:
                    if best is not None and n <= best[0]:
                        break  # keep the longer (or, for a tie, the less-peeled) match
                    chain = [i]
                    while len(chain) < n and chain[-1] in follows:
                        chain.append(follows[chain[-1]])
                    if len(chain) < n:
                        continue
                    entry = gaz.lookup(" ".join([first, *(norms[j] for j in chain[1:])]))
                    if entry is None:
                        continue
                    if cut and n == 1 and entry.source == "arwikicats" and len(first) < _MIN_PEELED:
                        # Short names of the unreviewed lists collide with ordinary words once a
                        # proclitic is peeled off: لغات "languages" is not ل + غات (Ghat, Libya).
                        continue
                    best = (n, tokens[i].start + cut, chain[-1], entry)
                    break
            if best is None:
                continue
            _, start, last, entry = best
            end = tokens[last].end
            entities.append(
                Entity(
                    start=start,
                    end=end,
                    label=entry.label,
                    text=text[start:end],
                    key=entry.key,
                    english=entry.english,
                )
            )
            skip_to = last
        return entities

    @staticmethod
    def _follows(text: str, tokens: list[Token], words: list[int]) -> dict[int, int]:
        """Map each word to the next word when only spaces or hyphens lie between them."""
        out: dict[int, int] = {}
        for a, b in itertools.pairwise(words):
            between = tokens[a + 1 : b]
            if all(t.kind == "punct" and t.text in _HYPHENS for t in between) and _JOIN.fullmatch(
                text, tokens[a].end, tokens[b].start
            ):
                out[a] = b
        return out


def _splits(word: str) -> list[tuple[int, str, bool]]:
    """(offset of the remainder in `word`, remainder, whether an article was peeled off).

    `proclitic_splits` works on the letters; a vocalised word (وَكَنَدَا) is split without its
    marks and the cut mapped back, so offsets stay exact in the original text.
    """
    positions = [k for k, ch in enumerate(word) if ch != TATWEEL and strip_tashkeel(ch)]
    bare = "".join(word[k] for k in positions)
    out = []
    for cut, rest in proclitic_splits(bare):
        prefix = bare[:cut]
        # ال peeled off: "ال" at the end of the prefix, or the ل of للهند (ل + ال with the alef elided).
        article = not rest.startswith("ال") and prefix.endswith(("ال", "لل"))
        out.append((positions[cut] if cut < len(positions) else len(word), rest, article))
    return out


_recognizer: GazetteerRecognizer | None = None
_lock = threading.Lock()


def get_recognizer() -> GazetteerRecognizer:
    """The process-wide recogniser, loaded on first use (about 50 ms), not at import."""
    global _recognizer
    if _recognizer is None:
        with _lock:  # Streamlit runs sessions in threads: load once
            if _recognizer is None:
                _recognizer = GazetteerRecognizer()
    return _recognizer
