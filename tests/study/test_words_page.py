"""The page's new-words list, Finish text and its undo, and word by word (AppTest, no translation model)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import registry
from models.study.vocab import VocabStore
from tests.support import analysed_page, forget_loaded_state, run_page

PASTED = "قرأت كتاب التاريخ في المدينة. الكتاب مفيد جدا، وقد جاء بكتابه."


@pytest.fixture(autouse=True)
def page_without_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("QARI_MT_MODEL", str(tmp_path / "no-model-here"))
    forget_loaded_state()
    yield
    registry.reset()


def opened(text: str) -> AppTest:
    at = run_page()
    at.text_area(key="pasted").set_value(text)
    next(b for b in at.button if b.label == "Read this text").click().run()
    return analysed_page(at)  # the words panel comes with the analysis


def test_mark_chosen_words_then_finish_text_then_undo() -> None:
    store = VocabStore()
    store.set_status("مَدِينَة", "learning")
    before = store.all_entries()
    at = opened(PASTED)
    chooser = at.multiselect(key="words-chosen")
    labels = chooser.options
    assert labels[0].startswith("كِتاب") and "(3×)" in labels[0]  # كتاب، الكتاب، بكتابه: one word
    assert not any(label.startswith("مَدِينَة") for label in labels)  # already marked
    chooser.set_value(["كِتاب"]).run()
    at.button(key="words-learning").click().run()
    assert store.get("كتاب").status == "learning"  # type: ignore[union-attr]
    at.button(key="words-undo-button").click().run()
    assert store.all_entries() == before

    at.button(key="words-finish").click().run()
    assert not at.exception, at.exception
    marked = store.all_entries()
    assert len(marked) > 5 and {e.status for e in marked} == {"known", "learning"}
    assert store.get("مدينة").status == "learning"  # type: ignore[union-attr]
    assert any(b.label.startswith("Undo: Finished") for b in at.button)
    at.button(key="words-undo-button").click().run()
    assert store.all_entries() == before


def test_word_by_word_control_reaches_the_reader() -> None:
    at = opened(PASTED)
    at.radio(key="interlinear").set_value("all").run()
    assert not at.exception, at.exception
    doc = at.session_state["doc"]
    assert doc.sentences  # the page ran with the mode on
