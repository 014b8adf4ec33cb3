"""The gazetteer's recogniser: the longest listed name at each word (see `models.names.recognizer`).
It needs no model, so it is what is left when no trained model can be loaded.
"""

from __future__ import annotations

import itertools
import re

from models.document import Entity, Token
from models.names.gazetteer import Gazetteer, Name, load
from models.names.spans import _splits, covers_whole_words
from models.text.arabic import (
    TANWIN,
    normalize,
)

# What may stand between two words of one name: spaces and hyphens (تيمور - ليشتي).
_JOIN = re.compile(r"[\s\-\u2010-\u2015]*")
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015")
_MIN_PEELED = 5  # letters an ArWikiCats one-word name needs to be matched behind a proclitic


class GazetteerRecognizer:
    """Longest-match look-up of token sequences in the gazetteer table."""

    note: str | None = None  # set when it stands in for the trained recogniser

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else load()

    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]:
        """Entities of one sentence; `tokens` carry absolute offsets into `text`, in order."""
        gaz = self.gazetteer
        # A word with tanwin (رسميًا، دورًا) is indefinite, so it is not a proper name.
        words = [i for i, t in enumerate(tokens) if t.kind == "arabic" and not TANWIN.search(t.text)]
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
        return [e for e in entities if covers_whole_words(text, e.start, e.end)]

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
