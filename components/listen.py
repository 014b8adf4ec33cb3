"""Listen: the sidebar's voice and speed, and what the reader needs to read sentences and words aloud.

The browser asks (a one-shot trigger `speak`: a sentence, or a word by its global token index, with a
sequence number); `on_speak` keeps the request in session_state; `listen_payload` answers it on the
reader's next run: the voweled text the voice reads, which token each stretch of it belongs to and, for
the server's voice, the MP3's address and when each word starts.

The MP3 goes through Streamlit's media file manager: an address made from a hash of the audio and of a
random secret of this session (never one derived from the text alone), and only this session holds it;
it is dropped when the session no longer shows it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit import runtime

from components import account
from models.document import Document, Sentence
from models.speech import (
    INSTALL,
    MIME,
    SPEEDS,
    VOICES,
    ListenPrefs,
    NothingToSay,
    SpeechUnavailable,
    clamp_speed,
    speak,
)
from models.speech.engine import Espeak
from models.speech.speech import voweled_for_speech, warm_up

REQUEST = "listen.request"
VOICE_LABELS = {
    "auto": "Auto: browser's, else server's",
    "browser": "The browser's voice",
    "server": "The server's (espeak-ng)",
}


@dataclass(frozen=True)
class Listening:
    speed: float
    voice: str


def _prefs() -> ListenPrefs | None:
    store = account.vocabulary()  # this reader's database and key (None: a visitor not signed in)
    return ListenPrefs(store.db, store.reader) if store is not None else None


def server_voice_error() -> str | None:
    """Why the server cannot read aloud (espeak-ng missing), or None."""
    try:
        Espeak.get()
    except SpeechUnavailable as exc:
        return str(exc)
    return None


def _save(field: str) -> None:
    prefs = _prefs()
    if prefs is None:
        return
    if field == "speed":
        prefs.set(speed=st.session_state["listen.speed"])
    else:
        prefs.set(voice=st.session_state["listen.voice"])


def listen_section() -> Listening:
    """The sidebar's Listen settings, loaded from and saved to the reader's own settings."""
    warm_up()
    if "listen.speed" not in st.session_state:
        prefs = _prefs()
        saved = prefs.get() if prefs is not None else None
        st.session_state["listen.speed"] = saved.speed if saved else 1.0
        st.session_state["listen.voice"] = saved.voice if saved else "auto"
    st.subheader("Listen")
    speed = st.slider(
        "Reading speed",
        min_value=SPEEDS[0],
        max_value=SPEEDS[1],
        step=0.1,
        key="listen.speed",
        format="%.1f×",
        on_change=_save,
        args=("speed",),
        help="P on the text reads the selected sentence, R reads on from it.",
    )
    voice = st.selectbox(
        "Voice",
        VOICES,
        key="listen.voice",
        format_func=lambda v: VOICE_LABELS.get(v, v),
        on_change=_save,
        args=("voice",),
        help="Auto: the browser's own Arabic voice where it has one (Chrome, Edge, Safari), else the server's. "
        "Both read the text with the short vowels Qari adds; the server's voice is espeak-ng.",
    )
    error = server_voice_error()
    if error and voice == "server":
        st.caption(error)
    return Listening(clamp_speed(speed), str(voice))


def anki_audio() -> Callable[[str], bytes | None] | None:
    """For the Anki decks: text → MP3 at the reader's speed (None where the server has no voice)."""
    if server_voice_error() is not None:
        return None
    speed = clamp_speed(st.session_state.get("listen.speed", 1.0))

    def audio(text: str) -> bytes | None:
        try:
            return speak(text, speed).audio
        except (NothingToSay, SpeechUnavailable):
            return None

    return audio


def on_speak(value: Any) -> None:
    """The browser asked to hear a sentence or a word: keep the request for the reader's next run."""
    if isinstance(value, dict) and isinstance(value.get("seq"), int):
        st.session_state[REQUEST] = value


def _secret() -> str:
    return st.session_state.setdefault("listen.secret", uuid.uuid4().hex)


def _media_url(audio: bytes, slot: str) -> str | None:
    if not runtime.exists():  # AppTest, a bare script run: no server to fetch from
        return None
    manager = runtime.get_instance().media_file_mgr
    return manager.add(audio, MIME, f"qari.listen.{slot}", file_name=f"qari-{_secret()}.mp3")


def _tokens(sentence: Sentence, first: int, origin: list[int]) -> list[list[int]]:
    """[spoken start, spoken end, global token] for each Arabic token of the sentence."""
    spans: list[list[int]] = []
    at = 0
    for k, tok in enumerate(sentence.tokens):
        lo, hi = tok.start - sentence.start, tok.end - sentence.start
        while at < len(origin) and origin[at] < lo:
            at += 1
        start = at
        while at < len(origin) and origin[at] < hi:
            at += 1
        if tok.kind == "arabic" and at > start:
            spans.append([start, at, first + k])
    return spans


def _answer(doc: Document, request: dict, voice: str, speed: float, slot: str) -> dict:
    """The reply to one request: text, token spans, and (server's voice) audio address and word times."""
    kind = request.get("kind")
    firsts, total = [], 0
    for s in doc.sentences:
        firsts.append(total)
        total += len(s.tokens)
    if kind == "word":
        t = request.get("t")
        if not isinstance(t, int) or not 0 <= t < total:
            return {"error": "That word is no longer on the page."}
        index = max(i for i, f in enumerate(firsts) if f <= t)
        sentence = doc.sentences[index]
        tok = sentence.tokens[t - firsts[index]]
        # the word as voweled in its sentence (context decides its vowels), read on its own
        spoken, origin, _ = voweled_for_speech(sentence.text)
        lo, hi = tok.start - sentence.start, tok.end - sentence.start
        text = "".join(ch for ch, o in zip(spoken, origin) if lo <= o < hi) or tok.text
        reply: dict[str, Any] = {"kind": "word", "t": t, "spoken": text, "tokens": [[0, len(text), t]]}
        if voice != "browser":
            speech = speak(text, speed)
            reply.update(url=_media_url(speech.audio, slot), seconds=speech.seconds, words=[[0, t]])
        return reply
    asked = request.get("index")
    if not isinstance(asked, int) or not 0 <= asked < len(doc.sentences):
        return {"error": "That sentence is no longer on the page."}
    index = asked
    sentence = doc.sentences[index]
    spoken, origin, note = voweled_for_speech(sentence.text)
    tokens = _tokens(sentence, firsts[index], origin)
    reply = {"kind": "sentence", "index": index, "spoken": spoken, "tokens": tokens, "note": note}
    if voice != "browser":
        speech = speak(sentence.text, speed)
        # word events come as offsets of the sentence's text: the token that holds each one
        words = []
        for w in speech.words:
            for k, tok in enumerate(sentence.tokens):
                if tok.start - sentence.start <= w.start < tok.end - sentence.start:
                    words.append([w.ms, firsts[index] + k])
                    break
        reply.update(url=_media_url(speech.audio, slot), seconds=speech.seconds, words=words)
    return reply


def _safe_answer(doc: Document, request: dict, voice: str, speed: float, slot: str) -> dict:
    try:
        return _answer(doc, request, voice, speed, slot)
    except NothingToSay as exc:
        return {"error": str(exc), "nothing": True}
    except SpeechUnavailable as exc:
        return {"error": str(exc)}


def listen_payload(doc: Document) -> dict:
    """What the reader's listen controls need on this run (the answer to the last request, if any)."""
    speed = clamp_speed(st.session_state.get("listen.speed", 1.0))
    voice = st.session_state.get("listen.voice", "auto")
    server_error = server_voice_error()
    payload: dict[str, Any] = {
        "speed": speed,
        "voice": voice if voice in VOICES else "auto",
        "server_error": server_error,
        "install": INSTALL,
        "reply": None,
    }
    request = st.session_state.get(REQUEST)
    if not isinstance(request, dict):
        return payload
    # the browser's voice only needs the text; the server's, audio too (unless it is missing)
    asked = (
        "browser" if request.get("voice") == "browser" else ("server" if server_error is None else "browser")
    )
    reply = _safe_answer(doc, request, asked, speed, "now")
    reply["seq"] = request["seq"]
    reply["voice"] = asked
    if request.get("ahead") and reply.get("kind") == "sentence" and reply["index"] + 1 < len(doc.sentences):
        # Read from here: the next sentence is ready before this one ends
        ahead = _safe_answer(doc, {"kind": "sentence", "index": reply["index"] + 1}, asked, speed, "next")
        reply["next"] = ahead if "error" not in ahead else None
    payload["reply"] = reply
    return payload
