"""The clickable RTL reader: Arabic sentences beside their English translations (components v2).

`reader(doc, selected=..., key=..., on_select=...)` mounts it. The selection belongs to the app
(session_state). What the reader does on the page (choosing a sentence, marking a word, asking to hear
one) comes through the page's ordered channel (`components.actions`): each action once, in order, marks
stored with their record in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Connection

from components.actions import STATE, Channel, Handler, later
from components.families import open_family_of, show_family
from components.listen import listen_payload, on_speak
from components.markup import alignment_links, render_arabic, render_english, token_cards
from models.document import Document
from models.interlinear import interlinear_glosses
from models.study.vocab import STATUSES, VocabStore, word_lemma
from models.text.arabic import TASHKEEL_CHARS

_FRONTEND = Path(__file__).parent / "frontend"


@cache
def _component():  # Streamlit's renderer type is private
    return st.components.v2.component(
        "qari.reader",
        html=(_FRONTEND / "reader.html").read_text(encoding="utf-8"),
        css="\n".join(
            (_FRONTEND / name).read_text(encoding="utf-8") for name in ("reader.css", "listen.css")
        ),
        # listen.js, channel.js and grammar.js (the card's root and grammar, key F) define functions
        # (hoisted in the module) that reader.js calls
        js="\n".join(
            (_FRONTEND / name).read_text(encoding="utf-8")
            for name in ("channel.js", "card.js", "listen.js", "grammar.js", "reader.js")
        ),
    )


def reader_payload(
    doc: Document,
    selected: int | None,
    *,
    pending_text: str = "Translating…",
    show_tashkeel: bool = True,
    show_vowels: bool = False,
    statuses: Mapping[str, str] | None = None,
    marked: str | None = None,
    selected_by_reader: bool = False,
    interlinear: str = "off",
    form_statuses: Mapping[tuple[str, str], str] | None = None,
    provisional: dict[int, str] | None = None,
    analysing: bool = False,
    graded_vowels: bool = False,
) -> dict:
    """Everything the browser needs, as JSON-able data (what AppTest and unit tests inspect).

    `interlinear`: "off", "new" (glosses under words not yet known or ignored) or "all" (under every word).
    `analysing`: `doc` is the plain text (no entities, lemmas or glosses yet): the reader is marked busy
    and its hover cards and status keys wait.
    """
    glosses = interlinear_glosses(doc) if interlinear in ("new", "all") else None
    arabic_html = render_arabic(doc, None, glosses)
    cards, card_of = shared_cards(token_cards(doc, statuses, form_statuses))
    return {
        # The Arabic DOM is rebuilt only when this changes, so focus and scroll survive reruns.
        "doc_id": hashlib.sha1(arabic_html.encode("utf-8")).hexdigest(),
        # which text a mark's token index belongs to (the marks the page sends carry it)
        "text_key": text_key(doc),
        "arabic_html": arabic_html,
        "english_html": render_english(doc, None),
        "translations": [s.translation for s in doc.sentences],
        # English decoded so far for sentences not finished (shown with class `provisional`)
        "provisional": [(provisional or {}).get(s.index) for s in doc.sentences],
        "failed": [s.translation_error is not None for s in doc.sentences],
        # each distinct hover card once, and each token's card by its place in that list: a word met 40
        # times is sent once (the cards were most of what a 2,000-word text sent, 1.2 of its 1.4 MB)
        "cards": cards,
        "card_of": card_of,
        "links": alignment_links(doc),
        "marked": marked,
        "count": len(doc.sentences),
        "selected": selected,
        # the reader chose it in the browser: the browser's own selection stands (a late answer to an
        # earlier key press must not move it back); otherwise the page moved it (glossary, new text)
        "selected_by_reader": selected_by_reader,
        "pending_text": pending_text,
        "show_tashkeel": show_tashkeel,
        "show_vowels": show_vowels,
        "interlinear": interlinear if glosses is not None else "off",
        "tashkeel": TASHKEEL_CHARS,
        "empty_hint": "Click a sentence, or use the arrow keys, to see its translation here.",
        "analysing": analysing,
        # graded vowels: the added vowels hidden on words marked known (the reader.css rule)
        "graded_vowels": graded_vowels,
    }


def shared_cards(cards: Sequence[dict]) -> tuple[list[dict], list[int]]:
    """(the distinct cards in order of first use, each token's index in them)."""
    index: dict[str, int] = {}
    distinct: list[dict] = []
    card_of: list[int] = []
    for card in cards:
        at = index.setdefault(repr(card), len(distinct))
        if at == len(distinct):
            distinct.append(card)
        card_of.append(at)
    return distinct, card_of


def text_key(doc: Document) -> str:
    """A short key of the text: a mark made on another text (the page changed meanwhile) is not applied."""
    return hashlib.sha1(doc.text.encode("utf-8")).hexdigest()[:16]


def mark(doc: Document, vocab: VocabStore, action: dict, within: Connection | None = None) -> None:
    """Apply a mark the page sent: `t` (global token index) marked `status`; `form`: this form only."""
    tokens = [(s, t) for s in doc.sentences for t in s.tokens]
    t, status = action.get("t"), action.get("status")
    if action.get("text") != text_key(doc) or not isinstance(t, int) or not 0 <= t < len(tokens):
        return  # made on a text no longer shown: its index means another word here
    if status not in STATUSES:
        raise ValueError(f"Unknown status {status!r}.")
    sentence, token = tokens[t]
    if token.kind != "arabic":
        return
    if action.get("form") is True:
        vocab.set_form_status(token.text, word_lemma(token), status, within=within)
    else:
        vocab.set_status(
            word_lemma(token),
            status,
            gloss=token.gloss,
            example=sentence.text,
            translation=sentence.translation,
            within=within,
        )


def reader(
    doc: Document,
    *,
    selected: int | None,
    key: str = "reader",
    on_select: Callable[[int], None] | None = None,
    pending_text: str = "Translating…",
    show_tashkeel: bool = True,
    show_vowels: bool = False,
    statuses: Mapping[str, str] | None = None,
    vocab: VocabStore | None = None,
    marked: str | None = None,
    interlinear: str = "off",
    form_statuses: Mapping[tuple[str, str], str] | None = None,
    provisional: dict[int, str] | None = None,
    analysing: bool = False,
    graded_vowels: bool = False,
    also_rerun: Sequence[str] = (),
    applied: dict[str, int] | None = None,
) -> None:
    """Show `doc` in the reader with sentence `selected` marked; `on_select(index)` runs on click or key.

    `show_tashkeel=False` hides short vowels and other marks without rebuilding or moving anything;
    `show_vowels=True` shows the vowels Qari added (tokens' `voweled`), lighter, just as still.
    `statuses` (lemma → new/learning/known/ignored; read from `vocab` when not given) colours words; keys 1–4 (or the word card's buttons)
    on a word mark its lemma in `vocab`, Shift+1–4 the form only; `form_statuses` ((form, lemma) → status)
    are such marks, which win over the lemma's. `vocab=None`: words are not marked (the analysis is still
    to come). Words whose glossary key is `marked` are outlined.
    `interlinear` ("off", "new", "all") shows each word's English under it (`models.interlinear`).
    `provisional` (sentence index → English so far) is shown, with class `provisional`, until the
    sentence's translation is in. `analysing`: `doc` is the plain text, its analysis still to come.
    `also_rerun`: keys of fragments to run again when a mark lands: the sidebar's counts, and the fragment
    this reader is in. `applied`: where the session keeps which of the page's actions were applied
    (`ReadingSession.applied`). `graded_vowels`: the added vowels only on words not marked known. Key F
    on a word opens its root's family (`components.families`).
    """

    choice = f"{key}.choice"  # the sentence the reader last chose here (click or key)
    channel = Channel(key, applied)

    def select(action: dict, _conn: Connection | None) -> None:
        index = action.get("index")
        if isinstance(index, int) and 0 <= index < len(doc.sentences):
            st.session_state[choice] = index
            if on_select is not None:
                on_select(index)

    handlers = {
        "select": Handler(select),
        "speak": Handler(lambda action, _conn: on_speak(action.get("request"))),
    }
    # while the words are looked up (a restarted server's first runs) marks wait, unacknowledged
    handlers["mark"] = (
        Handler(lambda action, conn: mark(doc, vocab, action, conn), durable=True)
        if vocab is not None
        else later()
    )
    # key F on a word: its root's family (components/families.py)
    handlers["family"] = Handler(lambda action, _conn: open_family_of(doc, action.get("t")))

    def actions_changed() -> None:
        ran = channel.take(st.session_state[key].get(STATE), handlers)
        if "mark" in ran and also_rerun:
            st.rerun(scope=list(also_rerun))  # the counts beside the text, with the reader

    # what the callback did not see (it runs only on a change): taken here, once
    channel.take((st.session_state.get(key) or {}).get(STATE), handlers)
    if vocab is not None and statuses is None:  # read after the marks above are in
        words = [t for s in doc.sentences for t in s.tokens if t.kind == "arabic"]
        statuses = vocab.get_statuses(sorted({word_lemma(t) for t in words}))
        form_statuses = vocab.form_statuses({(t.text, word_lemma(t)) for t in words})
    data = reader_payload(
        doc,
        selected,
        pending_text=pending_text,
        show_tashkeel=show_tashkeel,
        show_vowels=show_vowels,
        statuses=statuses,
        marked=marked,
        selected_by_reader=selected is not None and selected == st.session_state.get(choice),
        interlinear=interlinear,
        form_statuses=form_statuses,
        provisional=provisional,
        analysing=analysing,
        graded_vowels=graded_vowels,
    )
    data["listen"] = listen_payload(doc)  # reading aloud (components/listen.py)
    data["acked"] = channel.acknowledged()
    data["marks"] = vocab is not None
    # A one-item list, not the dict: Streamlit looks for dataframes among a dict's values, and asking
    # whether a list is one imports pandas and pyarrow (~1 s of a first start's page) and costs every click.
    _component()(data=[data], key=key, on_actions_change=actions_changed)
    show_family(doc)  # the family the reader asked for (key F), if any
