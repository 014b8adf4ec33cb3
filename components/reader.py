"""The clickable RTL reader: Arabic sentences beside their English translations (components v2).

`reader(doc, selected=..., key=..., on_select=...)` mounts it. The selection belongs to the app
(session_state); clicks and arrow keys call `on_select(index)` through a one-shot trigger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import streamlit as st

from components.families import open_family_of, show_family
from components.listen import listen_payload, on_speak
from components.markup import alignment_links, render_arabic, render_english, token_cards
from models.document import Document
from models.interlinear import interlinear_glosses
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
        # listen.js defines qariListen (hoisted in the module), which reader.js calls at its end
        # grammar.js: the card's root, grammar and readings, key F (qariGrammar, called by reader.js)
        js="\n".join(
            (_FRONTEND / name).read_text(encoding="utf-8")
            for name in ("listen.js", "grammar.js", "reader.js")
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
    return {
        # The Arabic DOM is rebuilt only when this changes, so focus and scroll survive reruns.
        "doc_id": hashlib.sha1(arabic_html.encode("utf-8")).hexdigest(),
        "arabic_html": arabic_html,
        "english_html": render_english(doc, None),
        "translations": [s.translation for s in doc.sentences],
        # English decoded so far for sentences not finished (shown with class `provisional`)
        "provisional": [(provisional or {}).get(s.index) for s in doc.sentences],
        "failed": [s.translation_error is not None for s in doc.sentences],
        "cards": token_cards(doc, statuses, form_statuses),
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
    on_status: Callable[[int, str], None] | None = None,
    marked: str | None = None,
    interlinear: str = "off",
    form_statuses: Mapping[tuple[str, str], str] | None = None,
    on_form_status: Callable[[int, str], None] | None = None,
    provisional: dict[int, str] | None = None,
    analysing: bool = False,
    graded_vowels: bool = False,
) -> None:
    """Show `doc` in the reader with sentence `selected` marked; `on_select(index)` runs on click or key.

    `show_tashkeel=False` hides short vowels and other marks without rebuilding or moving anything;
    `show_vowels=True` shows the vowels Qari added (tokens' `voweled`), lighter, just as still.
    `statuses` (lemma → new/learning/known/ignored) colours words; keys 1–4 on a hovered word call
    `on_status(global token index, status)`. Words whose glossary key is `marked` are outlined.
    `interlinear` ("off", "new", "all") shows each word's English under it (`models.interlinear`).
    Shift+1–4 marks the hovered form only: `on_form_status(global token index, status)`; `form_statuses`
    ((form, lemma) → status) are such marks, which win over the lemma's.
    `provisional` (sentence index → English so far) is shown, with class `provisional`, until the
    sentence's translation is in. `analysing`: `doc` is the plain text, its analysis still to come.
    `graded_vowels`: the added vowels only on words not marked known. Key F on a word opens its root's
    family (`components.families`).
    """

    choice = f"{key}.choice"  # the sentence the reader last chose here (click or key)

    def selected_changed() -> None:
        value = st.session_state[key].get("select")
        if isinstance(value, int):
            st.session_state[choice] = value
            if on_select is not None:
                on_select(value)

    def status_changed() -> None:
        value = st.session_state[key].get("status")
        if isinstance(value, dict) and value.get("form") is True and isinstance(value.get("t"), int):
            if on_form_status is not None:
                on_form_status(value["t"], str(value.get("status")))
            return
        if on_status is not None and isinstance(value, dict) and isinstance(value.get("t"), int):
            on_status(value["t"], str(value.get("status")))

    def speak_requested() -> None:
        on_speak(st.session_state[key].get("speak"))

    def family_requested() -> None:  # key F on a word: its root's family (components/families.py)
        value = st.session_state[key].get("family")
        if isinstance(value, dict) and isinstance(value.get("t"), int):
            open_family_of(doc, value["t"])

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
    _component()(
        data=data,
        key=key,
        on_select_change=selected_changed,
        on_status_change=status_changed,
        on_speak_change=speak_requested,
        on_family_change=family_requested,
    )
    show_family(doc)  # the family the reader asked for with F, if any
