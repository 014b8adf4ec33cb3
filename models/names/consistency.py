"""One name, one type, across a document: the tagger's tags of all sentences of a text, made consistent.

A name the tagger recognised in one sentence is often missed, or given another type, where the context
says less (الرجاء البيضاوي as ORG once, as LOC twice; واشنطن tagged in the lead, missed in a quotation).
`consistent_tags` reads every sentence's BIO tags at once and
- gives each name the type most of its tagged occurrences have, when at least `MAJORITY` of them agree
  (a minority type stands otherwise: the contexts disagree, as for a city and its football club);
- tags the untagged occurrences of a name with that type when the tagger tagged at least `SHARE` of
  all its occurrences (so one stray tag does not spread) and the name is not a common word: a one-word
  name must be three letters or more and not a stop word, and it is matched with its proclitics peeled
  (لواشنطن), as the corpora tag the whole word.

Imports models.document, models.text and models.names.bio / gazetteer only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from models.document import Token
from models.names.bio import chunks
from models.names.gazetteer import STOPWORDS
from models.text.arabic import TANWIN, normalize, proclitic_splits

MAJORITY = 2 / 3
SHARE = 0.5

Key = tuple[str, ...]


def _form(token: Token) -> str:
    return normalize(token.text) if token.kind == "arabic" else token.text.lower()


def _one_word_forms(token: Token) -> set[str]:
    """The word and what is left of it with proclitics peeled (لواشنطن → واشنطن)."""
    if token.kind != "arabic" or TANWIN.search(token.text):
        return set()
    return {rest for _, rest in proclitic_splits(normalize(token.text))}


def _name_like(key: Key) -> bool:
    if len(key) > 1:
        return True
    return len(key[0]) >= 3 and key[0] not in STOPWORDS


def consistent_tags(sentences: Sequence[Sequence[Token]], tags: Sequence[Sequence[str]]) -> list[list[str]]:
    """The tags of every sentence of one document, each name with one type (see the module docstring)."""
    out = [list(t) for t in tags]
    votes: dict[Key, Counter[str]] = defaultdict(Counter)
    for toks, ts in zip(sentences, out, strict=True):
        for a, b, label in chunks(ts):
            votes[tuple(_form(t) for t in toks[a:b])][label] += 1
    if not votes:
        return out
    winner: dict[Key, str] = {}
    for key, counter in votes.items():
        label, n = counter.most_common(1)[0]
        if n >= MAJORITY * sum(counter.values()):
            winner[key] = label
    # relabel the minority where the majority is clear
    for toks, ts in zip(sentences, out, strict=True):
        for a, b, label in chunks(ts):
            want = winner.get(tuple(_form(t) for t in toks[a:b]))
            if want and want != label:
                ts[a:b] = ["B-" + want] + ["I-" + want] * (b - a - 1)
    # fill untagged occurrences of names tagged often enough
    lengths = sorted({len(k) for k in winner if _name_like(k)}, reverse=True)
    if not lengths:
        return out
    occurrences: dict[Key, list[tuple[int, int, int]]] = defaultdict(list)  # key → (sentence, a, b)
    for s, toks in enumerate(sentences):
        forms = [_form(t) for t in toks]
        for n in lengths:
            for a in range(len(toks) - n + 1):
                if n == 1:
                    for f in _one_word_forms(toks[a]):
                        if (f,) in winner:
                            occurrences[(f,)].append((s, a, a + 1))
                else:
                    key = tuple(forms[a : a + n])
                    if key in winner:
                        occurrences[key].append((s, a, a + n))
    for key in sorted(occurrences, key=len, reverse=True):  # longer names first
        places = sorted(set(occurrences[key]))
        label = winner[key]
        if not _name_like(key) or sum(votes[key].values()) < SHARE * len(places):
            continue
        for s, a, b in places:
            ts = out[s]
            if all(t == "O" for t in ts[a:b]):
                ts[a:b] = ["B-" + label] + ["I-" + label] * (b - a - 1)
    return out
