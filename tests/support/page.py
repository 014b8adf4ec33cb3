"""The page in AppTest, and forgetting what a process has loaded."""

from __future__ import annotations

import json

import streamlit as st
from streamlit.testing.v1 import AppTest

from components.session import forget_prepared
from devkit.samples import ROOT
from models import pipeline, registry


def forget_loaded_state() -> None:
    """What a fresh process would have: Streamlit's caches, the model registry and the analyses kept
    (all process-wide). Analyses still running are waited for first, so none lands afterwards."""
    forget_prepared()  # a book's part ahead: it stops, and is forgotten
    pipeline.wait_for_analyses(timeout=120)
    pipeline.forget_analyses()
    st.cache_data.clear()
    st.cache_resource.clear()
    registry.reset()


def analysing(at: AppTest) -> bool:
    """Whether the page shows the plain text, its analysis (names, glosses) still to come."""
    return any(component_data(el).get("analysing") for el in at.get("bidi_component"))


def component_data(element: object) -> dict:
    """A component's data as the browser gets it (the reader's comes as a one-item list)."""
    data = json.loads(element.proto.json)  # type: ignore[attr-defined]
    return data[0] if isinstance(data, list) else data


def analysed_page(at: AppTest, timeout: float = 120) -> AppTest:
    """Run the page again until it shows the analysed text (the first run draws the plain text while the
    analysis is worked out in the background, as the page's polling would), a few runs at most."""
    assert not at.exception, at.exception
    for _ in range(4):
        if not analysing(at):
            return at
        assert pipeline.wait_for_analyses(timeout), "the analysis did not finish"
        at.run()
        assert not at.exception, at.exception
    raise AssertionError("the page never showed the analysed text")


def run_page() -> AppTest:
    """The page in AppTest (the same script, in-process), run without an exception until it shows the
    analysed text."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return analysed_page(at)
