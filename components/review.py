"""The review view, and the sidebar's switch between reading, reviewing and progress (with the due count).

A card shows the word marked in a sentence of the reader's own library; Space (or the button) shows the
answer: the word's lemma with its vowels, transliteration and gloss, and the sentence's English. Keys 1-4
(or the buttons) answer Again / Hard / Good / Easy, each button saying when the word comes back.

The view lives in `st.session_state.view` (the switch's key); the store is made for this session's reader only
(`components.account`), every run.
"""

from __future__ import annotations

import html
from datetime import timedelta
from functools import cache
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Connection

from components import account, books
from components.actions import STATE, Channel, Handler
from components.listen import anki_audio
from models.review.context import Context, contexts, marked_html
from models.review.store import RATINGS, DueCard, ReviewStore
from models.settings import translation_model
from models.translation.cache import TranslationStore
from models.translation.loader import model_key_for

_KEYS_JS = Path(__file__).parent / "frontend" / "review_keys.js"
_CHANNEL_JS = Path(__file__).parent / "frontend" / "channel.js"
VIEWS = {"read": "Read", "review": "Review", "progress": "Progress"}
KEYS = {1: "1", 2: "2", 3: "3", 4: "4"}
DUE_FRAGMENT = "due"  # the sidebar's line of words due

_CSS = """
<style>
.qari-card { font-family: "Noto Naskh Arabic", serif; font-size: 1.9rem; line-height: 2.4; direction: rtl;
             unicode-bidi: isolate; text-align: right; padding: .6rem 1rem; border-radius: .5rem;
             background: rgba(128, 128, 128, .08); }
.qari-card mark { background: #ffe08a; color: inherit; border-bottom: 2px solid #c99700; padding: 0; }
.qari-source { color: #777; font-size: .85rem; unicode-bidi: plaintext; }
.qari-word { font-family: "Noto Naskh Arabic", serif; font-size: 2.2rem; direction: rtl; unicode-bidi: isolate; }
.qari-english { font-size: 1.15rem; unicode-bidi: plaintext; text-align: start; margin-top: .4rem; }
</style>
"""


def reviews() -> ReviewStore | None:
    """This session's reader's review store (None for a visitor who is not signed in)."""
    reader = account.current_reader()
    return ReviewStore(reader=reader) if reader is not None else None


def _left_view() -> None:
    st.session_state.pop("review_shown", None)


def due_line(due: int) -> str:
    """The sidebar's line under the switch."""
    if due == 0:
        return "No words due for review."
    return f"**{due}** word{'s' if due != 1 else ''} due for review."


def choose_view() -> str:
    """The sidebar's Read / Review / Progress switch and the number of words due; returns the view
    this run shows (kept under the widget's key, `view`)."""
    text = st.session_state.get("text")
    if st.session_state.get("review_text") not in (None, text):  # a text opened from the sidebar: read it
        st.session_state.view = "read"
    st.session_state.review_text = text
    with st.sidebar:
        view = st.segmented_control(
            "View",
            list(VIEWS),
            default="read",
            required=True,
            key="view",
            on_change=_left_view,
            format_func=lambda v: VIEWS.get(v, v),
            label_visibility="collapsed",
            width="stretch",
        )
        st.fragment(_due, key=DUE_FRAGMENT)()  # run again alone when a mark lands (components/reader.py)
    return view


def _due() -> None:
    store = reviews()
    due = 0
    if store is not None:
        store.sync()  # cards for the words marked since the last run
        due = store.due_count()
    st.caption(due_line(due))


@st.cache_resource
def _translations() -> TranslationStore:
    return TranslationStore()


def _english(sentence: str) -> str | None:
    """The sentence's English from the translation cache (the default model's), if it was translated whole
    (a long sentence translated clause by clause is not put together again here)."""
    return _translations().get_many(model_key_for(translation_model()), [sentence]).get(sentence)


def _context(due: DueCard) -> Context | None:
    """The sentence of this review: the card's sentences in turn (a new one each time it comes back)."""
    cached = st.session_state.setdefault("review_contexts", {})
    if due.key not in cached:
        library, shelf = account.library(), books.shelf()
        passages = shelf.passages(due.key) if shelf is not None else ()  # the parts of books read so far
        with st.spinner("Finding the word in your texts…"):
            cached[due.key] = (
                contexts(library, due.entry, _english, books=passages) if library is not None else []
            )
    found = cached[due.key]
    return found[due.reviews % len(found)] if found else None


def _interval(delta: timedelta) -> str:
    seconds = max(0, delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    if seconds < 60 * 86400:
        return f"{round(seconds / 86400)} d"
    return f"{seconds / (30 * 86400):.0f} mo" if seconds < 365 * 86400 else f"{seconds / (365 * 86400):.1f} y"


def _show(key: str) -> None:
    st.session_state.review_shown = key


def _answer(key: str, rating: int, within: Connection | None = None) -> None:
    if st.session_state.get("review_shown") != key:  # a key pressed twice: the card is already answered
        return
    st.session_state.pop("review_shown", None)
    store = reviews()
    if store is None:
        return
    try:
        answer = store.answer(key, rating, within=within)
    except ValueError as exc:
        st.session_state.review_message = str(exc)
        return
    if answer.status != answer.before:
        st.session_state.review_message = f"Now {answer.status}."


@cache
def _keys():  # Streamlit's renderer type is private
    return st.components.v2.component(
        "qari.review_keys",
        html='<span class="qari-review-keys" hidden></span>',
        js="\n".join(path.read_text(encoding="utf-8") for path in (_CHANNEL_JS, _KEYS_JS)),
    )


def _answer_action(action: dict, conn: Connection | None) -> None:
    card, rating = action.get("card"), action.get("rating")
    if isinstance(card, str) and rating in KEYS:
        _answer(card, int(rating), within=conn)


_HANDLERS = {
    "show": Handler(lambda action, _conn: _show(str(action.get("card")))),
    "answer": Handler(_answer_action, durable=True),  # recorded with the review, once
}


def _pressed() -> None:
    Channel("review-keys").take((st.session_state.get("review-keys") or {}).get(STATE), _HANDLERS)


def review_view() -> None:
    """The review page: the first due card, its answer once asked for, the four answers."""
    store = reviews()
    if store is None:
        st.stop()
    keys = Channel("review-keys")
    keys.take((st.session_state.get("review-keys") or {}).get(STATE), _HANDLERS)  # what the callback missed
    st.html(_CSS)
    st.subheader("Review", anchor=False)
    message = st.session_state.pop("review_message", None)
    due = store.due(limit=1)
    count = store.due_count()
    if not due:  # the keys still acknowledge the last answer (the page stops sending it)
        _keys()(
            data=[
                {"card": None, "acked": keys.acknowledged()}
            ],  # a list: as the reader's (components/reader.py)
            key="review-keys",
            on_actions_change=_pressed,
        )
        st.success(
            "Nothing is due for review. Words you mark new or learning in the reader come here.",
            icon=":material/task_alt:",
        )
        if message:
            st.caption(message)
        return
    card = due[0]
    st.caption(f"{count} due" + (f" · {message}" if message else ""))
    context = _context(card)
    e = html.escape
    if context is not None:
        st.html(
            f'<div class="qari-card" lang="ar">{marked_html(context)}</div>'
            f'<div class="qari-source">from “{e(context.title)}”</div>'
        )
    elif card.entry.example:
        st.html(
            f'<div class="qari-card" lang="ar">{e(card.entry.example)}</div>'
            '<div class="qari-source">the sentence it was saved from (no longer in your library)</div>'
        )
    else:
        st.html(f'<div class="qari-card" lang="ar">{e(card.entry.lemma)}</div>')
    shown = st.session_state.get("review_shown") == card.key
    _keys()(
        data=[{"card": card.key, "shown": shown, "acked": keys.acknowledged()}],
        key="review-keys",
        on_actions_change=_pressed,
    )
    if not shown:
        st.button(
            "Show answer",
            key="review-show",
            on_click=_show,
            args=(card.key,),
            shortcut="Space",
            type="primary",
        )
        return
    _answer_details(card, context)
    when = store.preview(card.card)
    with st.container(horizontal=True, gap="small"):
        for rating, label in RATINGS.items():
            st.button(
                f"{label} · {_interval(when[rating])}",
                key=f"review-answer-{rating}",
                on_click=_answer,
                args=(card.key, rating),
                shortcut=KEYS[rating],
                type="primary" if rating == 3 else "secondary",
            )


def _answer_details(card: DueCard, context: Context | None) -> None:
    e = html.escape
    lemma = (context.lemma if context else None) or card.entry.lemma
    gloss = card.entry.gloss or (context.gloss if context else None) or "—"
    lines = [
        f'<div class="qari-word" lang="ar">{e(context.voweled or context.form) if context else e(lemma)}</div>'
    ]
    details = []
    if context is not None and context.translit:
        details.append(f"<i>{e(context.translit)}</i>")
    details.append(f'lemma <span lang="ar" dir="rtl">{e(lemma)}</span>')
    details.append(f"<b>{e(gloss)}</b>")
    lines.append("<div>" + " · ".join(details) + "</div>")
    english = context.translation if context is not None else card.entry.translation
    lines.append(
        f'<div class="qari-english" lang="en" dir="ltr">{e(english) if english else "<i>(not translated yet)</i>"}'
        "</div>"
    )
    st.html("".join(lines))
    audio = anki_audio() if context is not None else None  # the server's voice, at the reader's speed
    sound = audio(context.sentence) if audio is not None and context is not None else None
    if sound is not None:
        st.audio(sound, format="audio/mpeg")  # the sentence read from its voweled form (Listen)
