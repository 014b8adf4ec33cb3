"""Grammar for learners: each word's root, its part of speech and features in Universal Dependencies'
names, its case or mood and why, and its other readings.

- `roots`: the root from qalsadi's analyser over the arramooz dictionary, chosen by Qari's lemma and
  part of speech (`Roots`, `get_roots`);
- `features`: UPOS and features (Gender, Number, Person, Aspect, Voice, VerbForm, Definite, and the
  Case or Mood the affixes fix) from the word's Buckwalter reading, and the plain-English line;
- `rules`: the context rules of case and mood (after a preposition, after إنّ, iḍāfa, after لم, after
  أن / لن), reading the vowels mode's ending and correcting it where a rule disagrees.

    >>> add_grammar(doc)               # after models.study.glossary.annotate_tokens: pos, root, features
    >>> voweled = apply_vowels(doc, v)  # the vowels' endings read (Case/Mood), and corrected by the rules

May import `models.text`, `models.lexicon`, `models.vowels` (its marks), `models.document`,
`models.registry`.
"""

from __future__ import annotations

from models.document import Document, Token
from models.grammar.features import NOMINAL, describe, features, upos
from models.grammar.roots import Roots, RootsUnavailable, get_roots
from models.grammar.rules import (
    ACTIVE,
    CORRECTING,
    RULES,
    Word,
    agrees,
    apply_rules,
    corrected,
    ending_letter,
    ending_marks,
    value_of,
)
from models.lexicon.lexicon import Analysis, Lexicon, get_lexicon
from models.vowels.diacritizer import Vowels

__all__ = [
    "ACTIVE",
    "CORRECTING",
    "RULES",
    "Roots",
    "RootsUnavailable",
    "add_grammar",
    "add_roots",
    "apply_vowels",
    "describe",
    "get_roots",
    "glossary_roots",
    "roots_loaded",
    "sentence_words",
]

MAX_READINGS = 4  # other readings shown in the card
_NO_CASE = "case: a guess needs the vowels"
_GUESS = "the vowels' guess"


def _neighbour(tokens: list[Token], i: int) -> str | None:
    # as models.study.glossary.annotate_tokens reads the context, so the reading is the same one
    if 0 <= i < len(tokens) and tokens[i].kind in ("arabic", "number"):
        return tokens[i].text
    return None


def sentence_words(
    tokens: list[Token], lexicon: Lexicon, active: frozenset[str] = ACTIVE
) -> list[Word | None]:
    """Each token as the grammar sees it (None for punctuation and numbers), its features and the rules'
    decisions set; `tokens` must be annotated (`annotate_tokens`)."""
    words: list[Word | None] = []
    for i, token in enumerate(tokens):
        if token.kind != "arabic":
            words.append(None)
            continue
        reading = lexicon.best_in_context(token.text, _neighbour(tokens, i - 1), _neighbour(tokens, i + 1))
        if token.pos == "PROPN" and (reading is None or reading.pos != "PROPN"):
            # a recognised name the lexicon reads as a common word: a name, with no affixes assumed
            reading = Analysis(
                token.text, "PROPN", "", "", token.text, "", "name", tags=("", "NOUN_PROP", "")
            )
        pos = upos(reading, token.text) if reading is not None else None
        word = Word(token.text, token.start, reading, pos)
        if reading is not None and pos is not None:
            word.features = features(reading, pos)
            word.ending = ending_letter(token.text, token.start, reading, pos)
        words.append(word)
    apply_rules(words, active)
    return words


def add_grammar(
    doc: Document, lexicon: Lexicon | None = None, roots: Roots | None = None, *, with_roots: bool = True
) -> None:
    """Give every Arabic token of `doc` its UD part of speech (`pos`), features, root, the card's
    grammar line (without the vowels: the case only where a rule or the letters decide it) and its
    other readings. `with_roots=False` leaves the roots to `add_roots` (the page's names come first)."""
    lexicon = lexicon or get_lexicon()
    for sentence in doc.sentences:
        words = sentence_words(sentence.tokens, lexicon)
        for token, word in zip(sentence.tokens, words, strict=True):
            if word is None:
                continue
            token.pos = word.pos
            token.features = word.features or None
            token.grammar = _line(word, vowels=False)
            # a name's letters spell other words too (كندا, a verb): not readings of the name
            token.readings = (
                _readings(lexicon, token.text, word.reading) or None if word.pos != "PROPN" else None
            )
    if with_roots:
        add_roots(doc, roots)


def add_roots(doc: Document, roots: Roots | None = None) -> None:
    """Every word with a part of speech (`add_grammar`) gets its root, and every glossary entry that of
    its first form (`glossary_roots`, once the glossary is built)."""
    if roots is None:
        try:
            roots = get_roots()
        except RootsUnavailable as exc:
            if str(exc) not in doc.notes:
                doc.notes.append(str(exc))
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.kind == "arabic":
                token.root = roots.root(token.text, token.lemma, token.pos) if roots is not None else None
    glossary_roots(doc)


def roots_loaded() -> bool:
    """Load the roots finder now (False where it cannot be: `add_roots` then says why in the notes)."""
    try:
        get_roots()
    except RootsUnavailable:
        return False
    return True


def glossary_roots(doc: Document) -> None:
    """Every glossary entry of a word gets the root of its first form (after `build_glossary`)."""
    first: dict[str, str | None] = {}
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.key and token.root:
                first.setdefault(token.key, token.root)
    for entry in doc.glossary:
        entry.root = first.get(entry.key)


def apply_vowels(
    doc: Document,
    voweled: Vowels,
    lexicon: Lexicon | None = None,
    active: frozenset[str] = ACTIVE,
    correcting: frozenset[str] = CORRECTING,
) -> Vowels:
    """`voweled` with the endings the `correcting` rules decide put right, and every token's Case or Mood
    (and its grammar line) read from the ending: the rule's, else the vowels' guess where the word allows
    it. `active`: the rules used (none: the vowels' endings read as they are)."""
    lexicon = lexicon or get_lexicon()
    added = dict(voweled.added)
    text = voweled.text
    for sentence in doc.sentences:
        words = sentence_words(sentence.tokens, lexicon, active)
        for token, word in zip(sentence.tokens, words, strict=True):
            if word is None:
                continue
            if word.ending is not None:
                key = "Mood" if word.pos == "VERB" else "Case"
                after, marks = ending_marks(text, added, word.ending)
                written = text[word.ending + 1 : after]
                if word.rule is not None:
                    value = word.features[key]
                    if agrees(word, value, marks):
                        pass
                    elif word.rule in correcting and value_of(word, written) is None and after in added:
                        added[after] = corrected(added[after], value)
                    else:  # a rule that says why but does not overrule the vowels: the card says both
                        word.reason = f"{word.reason}; the vowels read it otherwise"
                elif key not in word.features:
                    said = value_of(word, marks)
                    if said is not None:
                        word.features[key] = said
                        word.reason = _GUESS
            token.features = dict(sorted(word.features.items())) or None
            token.grammar = _line(word, vowels=True)
    return Vowels(text, added)


def _line(word: Word, *, vowels: bool) -> str | None:
    note = word.reason
    if note is None and word.pos in NOMINAL and word.ending is not None and "Case" not in word.features:
        note = _NO_CASE if not vowels else "case: a guess"
    return describe(word.pos, word.features, note)


def _readings(lexicon: Lexicon, text: str, best: Analysis | None) -> list[str]:
    """The word's other readings (voweled form and meaning), the chosen one left out."""
    out: list[str] = []
    seen = {best.voweled.replace("+", "")} if best is not None and best.voweled else set()
    for reading in lexicon.analyze(text):
        form = reading.voweled.replace("+", "") if reading.voweled else ""
        if not form or form in seen:
            continue
        seen.add(form)
        out.append(f"{form} {reading.gloss.split(';')[0].strip()}".strip())
        if len(out) == MAX_READINGS:
            break
    return out
