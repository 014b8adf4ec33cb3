"""The page's Listen parts through AppTest: the speed is kept for the reader; a request from the browser
is answered with the voweled text, its words and their times; a sentence with no Arabic gets a message."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import registry
from models.speech import ListenPrefs, SpeechUnavailable
from models.speech.engine import Espeak
from models.study.vocab import LOCAL_READER, readers_database
from models.text.arabic import TASHKEEL_CHARS
from tests.support import forget_loaded_state, run_page

MARKS = re.compile(f"[{TASHKEEL_CHARS}]")


@pytest.fixture(autouse=True)
def page_without_translation(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    forget_loaded_state()
    monkeypatch.setenv("QARI_MT_MODEL", "/nonexistent/model")  # translation is not what is tested here
    yield
    registry.reset()


def listen(at: AppTest) -> dict:
    (reader,) = at.get("bidi_component")
    (data,) = json.loads(reader.proto.json)  # the reader's data comes as a one-item list
    return data["listen"]


def test_the_speed_is_kept_for_the_reader(qari_data_dir: Path) -> None:
    at = run_page()
    assert listen(at)["speed"] == 1.0 and listen(at)["voice"] == "auto"
    at.slider(key="listen.speed").set_value(0.7).run()
    at.selectbox(key="listen.voice").set_value("server").run()
    assert listen(at)["speed"] == 0.7
    saved = ListenPrefs(readers_database(), LOCAL_READER).get()
    assert (saved.speed, saved.voice) == (0.7, "server")
    again = run_page()  # a new session of the same reader
    assert again.slider(key="listen.speed").value == 0.7 and listen(again)["voice"] == "server"


def test_a_sentence_request_is_answered_from_the_voweled_text(qari_data_dir: Path) -> None:
    try:
        Espeak.get()
    except SpeechUnavailable:
        pytest.skip("needs espeak-ng: `apt-get install espeak-ng`")
    at = run_page()
    at.session_state["listen.request"] = {
        "seq": 7,
        "kind": "sentence",
        "index": 0,
        "ahead": True,
        "voice": "server",
    }
    at.run()
    reply = listen(at)["reply"]
    assert reply["seq"] == 7 and reply["voice"] == "server" and reply["index"] == 0
    assert len(MARKS.findall(reply["spoken"])) > 20 and reply["seconds"] > 3
    times = [ms for ms, _t in reply["words"]]
    assert times == sorted(times) and len(times) > 10
    # each timed word is a token of the first sentence, and the spans point into the spoken text
    tokens = {t for _a, _b, t in reply["tokens"]}
    assert {t for _ms, t in reply["words"]} <= tokens
    assert reply["next"]["index"] == 1  # read ahead for Read from here
    # the browser's voice gets the same voweled text, without audio
    at.session_state["listen.request"] = {"seq": 8, "kind": "word", "t": 1, "voice": "browser"}
    at.run()
    word = listen(at)["reply"]
    assert word["voice"] == "browser" and "url" not in word
    assert MARKS.sub("", word["spoken"]) == "اليابان" and MARKS.search(word["spoken"])


def test_nothing_to_read_is_said_plainly(qari_data_dir: Path) -> None:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=120)
    at.session_state["text"] = "Only English here. 2026."
    at.run()
    at.session_state["listen.request"] = {"seq": 1, "kind": "sentence", "index": 0, "voice": "server"}
    at.run()
    assert not at.exception
    reply = listen(at)["reply"]
    assert reply["error"] in ("There is nothing in Arabic to read aloud here.",) and reply["nothing"]
