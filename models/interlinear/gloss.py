"""The interlinear gloss of every token (see the package docstring for the rules)."""

from __future__ import annotations

import re

from models.document import Document, Entity, Sentence, Token
from models.lexicon.lexicon import Analysis, Lexicon, get_lexicon

# Proclitics as the lexicon splits them ("و+ب+ال"); verb person prefixes (ي، ت، ن، أ) are not glossed.
PROCLITICS = {"و": "and", "ف": "so", "ب": "by", "ل": "for", "ك": "like", "ال": "the", "س": "will"}
# Pronoun suffixes: possessive on nouns ("his book"), object on verbs, prepositions and particles.
POSSESSIVE = {
    "ه": "his",
    "ها": "its",
    "هم": "their",
    "هما": "their",
    "هن": "their",
    "ك": "your",
    "كم": "your",
    "كما": "your",
    "كن": "your",
    "ي": "my",
    "نا": "our",
}
OBJECT = {
    "ه": "him",
    "ها": "it",
    "هم": "them",
    "هما": "them",
    "هن": "them",
    "ك": "you",
    "كم": "you",
    "كما": "you",
    "كن": "you",
    "ني": "me",
    "ي": "me",
    "نا": "us",
}
MAX_ALIGNED_WORDS = 4  # more English words on one Arabic word is an alignment gone wrong: use the lexicon
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SENSE_CUT = re.compile(r"\s*[;/,]\s*")
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")


def first_sense(gloss: str | None) -> str:
    """The lexicon's first sense, short: "information; data" → "information", "from/about" → "from"."""
    if not gloss:
        return ""
    sense = _SENSE_CUT.split(_BRACKETS.sub("", gloss).strip())[0].strip()
    return sense or gloss.strip()


def clitic_gloss(prefix: str, stem_gloss: str, suffix: str = "", pos: str | None = None) -> str:
    """The stem's gloss with its clitics, compactly: ("و+ال", "book") → "and-the-book";
    ("ب", "book", "ه") → "by-his-book"; ("", "write", "ها", "VERB") → "write-it"."""
    if not stem_gloss:
        return ""
    morphemes = prefix.split("+")
    # لل (ل + ال with its alef dropped) comes as "ل+ل": the second is the article
    morphemes = [
        ("ال" if m == "ل" and i > 0 and morphemes[i - 1] == "ل" else m) for i, m in enumerate(morphemes)
    ]
    before = [PROCLITICS[m] for m in morphemes if m in PROCLITICS]
    if before and before[-1] == "for" and pos == "VERB":
        before[-1] = "to"  # لِ before a verb: "to write"
    morphs = [m for m in suffix.split("+") if m]
    after: list[str] = []
    if morphs:
        last = morphs[-1]
        if pos in ("NOUN", "ADJ", "NUM", "PROPN") and last in POSSESSIVE:
            before.append(POSSESSIVE[last])
        elif (
            pos in ("VERB", "PREP", "CONJ", "PART")
            and last in OBJECT
            and not (pos == "VERB" and len(morphs) == 1 and last == "نا")
        ):
            after.append(OBJECT[last])  # كتبنا alone is "we wrote", not "wrote us"
    return "-".join([*before, stem_gloss, *after])


def _prefix_letters(text: str) -> str:
    """The proclitics written before a name inside a word (وكندا → "و"), split as the lexicon splits them."""
    out: list[str] = []
    rest = text
    while rest:
        if rest.startswith("ال"):
            out.append("ال")
            rest = rest[2:]
        elif rest.startswith("ل") and out and out[-1] == "ل":  # للقاهرة: ل + ال, the alef dropped
            out.append("ال")
            rest = rest[1:]
        else:
            out.append(rest[0])
            rest = rest[1:]
    return "+".join(out)


def _neighbour(tokens: list[Token], i: int) -> str | None:
    # as models.study.glossary reads a word: in the context of the word or number beside it
    if 0 <= i < len(tokens) and tokens[i].kind in ("arabic", "number"):
        return tokens[i].text
    return None


def _aligned(sentence: Sentence) -> dict[int, str]:
    """Token index → its English words in this sentence's translation, in English order."""
    if not sentence.alignment or not sentence.translation or not sentence.english_words:
        return {}
    words: dict[int, set[int]] = {}
    for token_index, word_index in sentence.alignment:
        if 0 <= word_index < len(sentence.english_words):
            words.setdefault(token_index, set()).add(word_index)
    out: dict[int, str] = {}
    for token_index, chosen in words.items():
        if len(chosen) > MAX_ALIGNED_WORDS:
            continue
        phrase = " ".join(
            sentence.translation[slice(*sentence.english_words[w])] for w in sorted(chosen)
        ).strip()
        if min(chosen) == 0 and phrase[:1].isupper() and phrase[1:2].islower():
            phrase = phrase[0].lower() + phrase[1:]  # "The" starting the sentence; names are handled apart
        if phrase:
            out[token_index] = phrase
    return out


def _entity_of(token: Token, sentence: Sentence) -> Entity | None:
    for entity in sentence.entities:
        if entity.start < token.end and token.start < entity.end:
            return entity
    return None


def _name_gloss(token: Token, sentence: Sentence, entity: Entity) -> str:
    """A name's English spelling: a two-word name spelt in two English words goes word under word
    (هونغ كونغ: Hong / Kong), otherwise the whole name under its first word."""
    inside = [
        t for t in sentence.tokens if t.kind == "arabic" and t.start < entity.end and entity.start < t.end
    ]
    english = (entity.english or token.gloss or "").strip()
    if not english:
        spelled = (token.translit or "").strip()
        english = spelled[:1].upper() + spelled[1:]
        inside = [token]  # each word spelt on its own
    words = english.split()
    if len(words) == len(inside) and len(inside) > 1:
        name = words[inside.index(token)]
    else:
        name = english if token is inside[0] else ""
    if not name:
        return "…"  # the rest of a name glossed under its first word
    prefix = (
        _prefix_letters(token.text[: max(0, entity.start - token.start)])
        if entity.start > token.start
        else ""
    )
    return clitic_gloss(prefix, name) if prefix else name


def _word_gloss(token: Token, reading: Analysis | None) -> str:
    if reading is not None and reading.lemma == token.lemma:
        return clitic_gloss(reading.prefix, first_sense(reading.gloss), reading.suffix, reading.pos)
    return first_sense(token.gloss)


def sentence_glosses(sentence: Sentence, lexicon: Lexicon) -> list[str]:
    """One interlinear string per token of `sentence` ("" for punctuation and words with none)."""
    aligned = _aligned(sentence)
    out: list[str] = []
    for i, token in enumerate(sentence.tokens):
        if token.kind == "number":
            western = token.text.translate(_DIGITS)
            out.append(western if western != token.text else "")
            continue
        if token.kind != "arabic":
            out.append("")
            continue
        entity = _entity_of(token, sentence)
        if entity is not None:
            out.append(_name_gloss(token, sentence, entity))
        elif i in aligned:
            out.append(aligned[i])
        else:
            reading = lexicon.best_in_context(
                token.text, _neighbour(sentence.tokens, i - 1), _neighbour(sentence.tokens, i + 1)
            )
            out.append(_word_gloss(token, reading))
    return out


def interlinear_glosses(doc: Document, lexicon: Lexicon | None = None) -> list[list[str]]:
    """Per sentence, one interlinear string per token, in token order."""
    lexicon = lexicon or get_lexicon()
    return [sentence_glosses(sentence, lexicon) for sentence in doc.sentences]


def word_coverage(doc: Document, glosses: list[list[str]]) -> tuple[int, int]:
    """(Arabic words with an interlinear gloss or a name's spelling, Arabic words)."""
    covered = total = 0
    for sentence, row in zip(doc.sentences, glosses, strict=True):
        for token, gloss in zip(sentence.tokens, row, strict=True):
            if token.kind == "arabic":
                total += 1
                covered += bool(gloss)
    return covered, total
