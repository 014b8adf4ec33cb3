"""Pure renderers: analysed Document → escaped HTML for the reader and the translation column.

No Streamlit and no models here, so the markup is unit-tested directly. Every piece of the
reader's text goes through `html.escape`; ids and indices are the only other things written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from models.document import Document, Entity, Sentence, Token
from models.study.vocab import vocab_key, word_lemma
from models.text.arabic import TASHKEEL_CHARS

LABEL_NAMES = {"PER": "Person", "LOC": "Place", "ORG": "Organisation", "MISC": "Other name"}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def render_arabic(doc: Document, selected: int | None, interlinear: list[list[str]] | None = None) -> str:
    """The Arabic column: a listbox of sentences (options) with entity marks and hoverable words.

    Text between sentences (spaces, line breaks) is kept, so the text reads as it was written;
    a blank line or line break in the original starts a new paragraph. `interlinear` (per sentence, a
    string per token: `models.interlinear.interlinear_glosses`) puts each word's gloss under it.
    """
    parts = ['<div class="paragraph">']
    cursor = 0
    token_index = 0
    for sentence in doc.sentences:
        parts.append(_gap(doc.text[cursor : sentence.start]))
        glosses = interlinear[sentence.index] if interlinear is not None else None
        parts.append(_sentence(doc, sentence, selected, token_index, glosses))
        token_index += len(sentence.tokens)
        cursor = sentence.end
    parts.append(_gap(doc.text[cursor:]))
    parts.append("</div>")
    return "".join(parts)


def _gap(text: str) -> str:
    if "\n" in text:
        return '</div><div class="paragraph">'
    return _esc(text)


def _sentence(
    doc: Document,
    sentence: Sentence,
    selected: int | None,
    first_token: int,
    glosses: list[str] | None = None,
) -> str:
    is_selected = "true" if sentence.index == selected else "false"
    # No translation status here: the Arabic markup stays the same while translations arrive (the
    # reader marks failed sentences itself), so the browser never rebuilds it for a translation.
    opening = (
        f'<span role="option" id="qari-s{sentence.index}" class="sentence" '
        f'data-index="{sentence.index}" aria-selected="{is_selected}">'
    )
    out = [opening]
    if glosses is None:
        out.append(_inline(doc.text, sentence, first_token))
    else:
        out.append(_interlinear(doc.text, sentence, first_token, glosses))
    out.append("</span>")
    return "".join(out)


def _status(sentence: Sentence) -> str:
    if sentence.translation_error:
        return "failed"
    return "translated" if sentence.translation is not None else "pending"


def _inline(text: str, sentence: Sentence, first_token: int) -> str:
    """Sentence text with <mark> per entity and <span class="w"> per word piece.

    Words are cut at entity boundaries (وكندا → و + <mark>كندا</mark>) so the elements nest
    properly; browsers keep Arabic letters joined across such inline boundaries.
    """
    entities = sorted(sentence.entities, key=lambda e: e.start)
    cuts = {sentence.start, sentence.end}
    for tok in sentence.tokens:
        cuts.update((tok.start, tok.end))
    for ent in entities:
        cuts.update((ent.start, ent.end))
    points = sorted(c for c in cuts if sentence.start <= c <= sentence.end)

    token_at = _index_by_position(sentence.tokens, first_token)
    added = _added_marks(sentence.tokens)
    entity_starts = {e.start: e for e in entities}
    entity_ends = {e.end for e in entities}
    out: list[str] = []
    for a, b in pairwise(points):
        if a in entity_ends:
            out.append("</mark>")
        if a in entity_starts:
            ent = entity_starts[a]
            out.append(_open_mark(ent))
        piece = _with_tashkeel_marks(text, a, b, added)
        found = token_at.get(a)
        if found is not None and found[0].kind in ("arabic", "latin"):
            tok, index = found
            out.append(f'<span class="w" data-t="{index}">{piece}</span>')
        else:
            out.append(piece)
    if sentence.end in entity_ends:
        out.append("</mark>")
    return "".join(out)


def _interlinear(text: str, sentence: Sentence, first_token: int, glosses: list[str]) -> str:
    """Sentence text with each word, its gloss and its root in one <ruby class="il"> (word over gloss over
    root).

    Entity marks are cut at word edges (a two-word name gets a mark per word), so every word is one
    whole element: the word and its gloss wrap to the next line together.
    """
    added = _added_marks(sentence.tokens)
    entities = sorted(sentence.entities, key=lambda e: e.start)
    out: list[str] = []
    cursor = sentence.start
    for offset, tok in enumerate(sentence.tokens):
        gloss = glosses[offset] if offset < len(glosses) else ""
        if tok.kind not in ("arabic", "latin", "number") or tok.start < cursor:
            continue
        out.append(_with_tashkeel_marks(text, cursor, tok.start, added))
        index = first_token + offset
        cuts = {tok.start, tok.end}
        for ent in entities:
            cuts.update(c for c in (ent.start, ent.end) if tok.start < c < tok.end)
        pieces = []
        for a, b in pairwise(sorted(cuts)):
            piece = _with_tashkeel_marks(text, a, b, added)
            if tok.kind != "number":
                piece = f'<span class="w" data-t="{index}">{piece}</span>'
            mark = next((e for e in entities if e.start <= a and b <= e.end), None)
            pieces.append(f"{_open_mark(mark)}{piece}</mark>" if mark is not None else piece)
        # numbers are not words: no card, no status (as outside this mode)
        attrs = ' class="il num"' if tok.kind == "number" else f' class="il" data-t="{index}"'
        # the root under the English, as the card writes it (ك ت ب): the two stacked in one inline flex
        # box (Chromium lays a <rt> out as one line: a block or <br> in it stays beside the gloss)
        note = _esc(gloss)
        if tok.root:
            spaced = _esc(" ".join(tok.root))
            note = f'<span class="il-stack">{note}<span class="il-root" lang="ar" dir="rtl">{spaced}</span></span>'
        out.append(f'<ruby{attrs}>{"".join(pieces)}<rt class="gl" lang="en" dir="ltr">{note}</rt></ruby>')
        cursor = tok.end
    out.append(_with_tashkeel_marks(text, cursor, sentence.end, added))
    return "".join(out)


_TASHKEEL_RUN = re.compile(f"[{TASHKEEL_CHARS}]+")
_MARK = re.compile(f"[{TASHKEEL_CHARS}]")


def _added_marks(tokens: list[Token]) -> dict[int, str]:
    """Position in the text → the marks the vowels add right after the character there (from each
    token's `voweled` form, which is its text with marks inserted and nothing else changed)."""
    added: dict[int, str] = {}
    for tok in tokens:
        if not tok.voweled or tok.voweled == tok.text:
            continue
        i = 0  # walks tok.text; every character of `voweled` is either the next one of it or an added mark
        for ch in tok.voweled:
            if i < len(tok.text) and ch == tok.text[i]:
                i += 1
            elif _MARK.fullmatch(ch) and i > 0:
                added[tok.start + i - 1] = added.get(tok.start + i - 1, "") + ch
            else:
                break  # not an insertion of marks: show the word as written
    return added


def _with_tashkeel_marks(text: str, start: int, end: int, added: dict[int, str] | None = None) -> str:
    """Escape text[start:end], wrapping each run of tashkeel in <span class="tk"> so the reader can hide
    it, and the marks the vowels mode adds in <span class="vz"> (shown only in that mode, lighter).

    Hidden with `display: none`, the marks drop out of shaping while the letters stay joined,
    and no highlight moves: sentence, word and entity elements are the same either way.
    """
    out = []
    last = start
    for m in _TASHKEEL_RUN.finditer(text, start, end):
        out.append(_escaped_with_added(text, last, m.start(), added))
        out.append(f'<span class="tk">{m.group()}</span>')
        if added and m.end() - 1 in added:
            out.append(f'<span class="vz">{added[m.end() - 1]}</span>')
        last = m.end()
    out.append(_escaped_with_added(text, last, end, added))
    return "".join(out)


def _escaped_with_added(text: str, start: int, end: int, added: dict[int, str] | None) -> str:
    if not added:
        return _esc(text[start:end])
    out = []
    for i in range(start, end):
        out.append(_esc(text[i]))
        if i in added:
            out.append(f'<span class="vz">{added[i]}</span>')
    return "".join(out)


def _open_mark(ent: Entity) -> str:
    title = LABEL_NAMES.get(ent.label, ent.label)
    if ent.english:
        title = f"{title}: {ent.english}"
    return f'<mark data-entity="{_esc(ent.label)}" title="{_esc(title)}">'


def _index_by_position(tokens: list[Token], first: int) -> dict[int, tuple[Token, int]]:
    """Map every cut position inside a token to (token, global token index)."""
    found: dict[int, tuple[Token, int]] = {}
    for offset, tok in enumerate(tokens):
        for pos in range(tok.start, tok.end):
            found[pos] = (tok, first + offset)
    return found


def render_english(doc: Document, selected: int | None) -> str:
    """The English column: one element per sentence with `data-sentence`, the selected one `aria-current`."""
    out = []
    for sentence in doc.sentences:
        current = ' aria-current="true"' if sentence.index == selected else ""
        status = _status(sentence)
        if sentence.translation_error:
            body = f'<span class="error">{_esc(sentence.translation_error)}</span>'
        elif sentence.translation is None:
            body = '<span class="placeholder">…</span>'
        else:
            body = _english_words(sentence.translation, sentence.english_words)
        out.append(
            f'<p class="en {status}" data-sentence="{sentence.index}"{current}>'
            f'<span class="num">{sentence.index + 1}</span> {body}</p>'
        )
    return "".join(out)


def _english_words(translation: str, words: list[tuple[int, int]] | None) -> str:
    """The translation, escaped, with each aligned-able word in <span class="ew" data-w="j">."""
    if not words:
        return _esc(translation)
    out = []
    last = 0
    for j, (a, b) in enumerate(words):
        out.append(_esc(translation[last:a]))
        out.append(f'<span class="ew" data-w="{j}">{_esc(translation[a:b])}</span>')
        last = b
    out.append(_esc(translation[last:]))
    return "".join(out)


def token_cards(
    doc: Document,
    statuses: Mapping[str, str] | None = None,
    forms: Mapping[tuple[str, str], str] | None = None,
) -> list[dict[str, Any]]:
    """What the hover card shows for each token, in global token order (plain data, escaped by the JS).

    `statuses` maps a word's lemma (as `word_lemma` gives it) to its vocabulary status; `forms` maps
    (word as written, lemma) to a status saved for that form only, which wins.
    """
    names = {g.key: g for g in doc.glossary if g.kind == "name"}
    context = {g.key: g.context_gloss for g in doc.glossary if getattr(g, "context_gloss", None)}
    statuses = statuses or {}
    forms = forms or {}
    cards: list[dict[str, Any]] = []
    for sentence in doc.sentences:
        for tok in sentence.tokens:
            entry = names.get(tok.key or "")
            cards.append(
                {
                    "text": tok.text,
                    "key": tok.key,
                    "lemma": tok.lemma,
                    "pos": tok.pos,
                    "gloss": tok.gloss,
                    "translit": getattr(tok, "translit", None),
                    "voweled": tok.voweled,
                    "context": context.get(tok.key or ""),
                    "label": LABEL_NAMES.get(entry.label or "", None) if entry else None,
                    # the vocabulary's word: the reader colours every token with the same one at once
                    "vocab": word_lemma(tok) if tok.kind == "arabic" else None,
                    "status": forms.get((tok.text, word_lemma(tok)), statuses.get(word_lemma(tok)))
                    if tok.kind == "arabic" and not entry
                    else None,
                    "form": vocab_key(tok.text) if tok.kind == "arabic" else None,  # "this form only"
                    **card_grammar(tok),
                }
            )
    return cards


def card_grammar(tok: Token) -> dict[str, Any]:
    """The card's grammar (models.grammar): the root, the plain-English line, the other readings."""
    return {
        "root": tok.root,
        "root_spaced": " ".join(tok.root) if tok.root else None,  # ك ت ب: the radicals apart
        "grammar": tok.grammar,
        "readings": list(tok.readings or []),
    }


def alignment_links(doc: Document) -> list[list[list[int]]]:
    """Per sentence, [global token index, English word index] pairs from the alignment (empty if none)."""
    links: list[list[list[int]]] = []
    first = 0
    for sentence in doc.sentences:
        pairs = getattr(sentence, "alignment", None) or []
        links.append([[first + t, w] for t, w in pairs])
        first += len(sentence.tokens)
    return links
