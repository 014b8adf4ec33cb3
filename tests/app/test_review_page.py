"""The review and progress views in AppTest: the switch, the due line, answering through the page's own
buttons, the sidebar's settings kept while reviewing, and a text opened from the sidebar shown at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from components.listen import server_voice_error
from models import registry
from models.study.library import Library
from models.study.vocab import VocabStore
from tests.support import SAMPLE, forget_loaded_state, run_page


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("QARI_MT_MODEL", "/nonexistent-model")  # the views need no translation model
    forget_loaded_state()
    yield
    registry.reset()


def _sidebar_text(at: AppTest) -> str:
    return " ".join(str(c.value) for c in at.sidebar.caption)


def test_reviewing_in_the_page_with_its_buttons_and_back_to_reading() -> None:
    Library().add(SAMPLE, "Japan and Canada", "sample")
    for lemma in ("اِتَّفَق", "يابان"):
        VocabStore().set_status(lemma, "learning")
    at = run_page()
    assert "2** words due for review" in _sidebar_text(at)
    next(t for t in at.toggle if t.label == "Show diacritics").set_value(False).run()
    at.session_state["view"] = "review"
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.main.subheader] == ["Review"]
    # the reader is not drawn beside the review: the only component is the review's key listener
    assert [e.key for e in at.get("bidi_component")] == ["review-keys"]
    at.button(key="review-show").click().run()
    # the answer reads the sentence aloud where the server has a voice (Listen), and says nothing otherwise
    assert len(at.get("audio")) == (1 if server_voice_error() is None else 0)
    labels = [b.label for b in at.button if b.key and b.key.startswith("review-answer-")]
    assert [label.split(" · ")[0] for label in labels] == ["Again", "Hard", "Good", "Easy"]
    at.button(key="review-answer-3").click().run()
    assert "1** word due for review" in _sidebar_text(at)
    assert VocabStore().get("يابان").status == "learning"  # type: ignore[union-attr]

    at.session_state["view"] = "progress"
    at.run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Reviews today"] == "1"
    # the sidebar was there all along: its settings are as the reader left them
    assert next(t for t in at.toggle if t.label == "Show diacritics").value is False

    # a text opened from the sidebar while on another view is shown at once
    at.text_area(key="pasted").set_value("ذهب الطالب إلى المدرسة في الصباح.")
    next(b for b in at.button if b.label == "Read this text").click().run()
    assert not at.exception, at.exception
    assert at.session_state["view"] == "read"
    assert [e.key for e in at.get("bidi_component")] != [] and "review-keys" not in [
        e.key for e in at.get("bidi_component")
    ]
