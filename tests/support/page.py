"""The page in AppTest, and forgetting what a process has loaded."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from devkit.samples import ROOT
from models import registry


def forget_loaded_state() -> None:
    """What a fresh process would have: Streamlit's caches and the model registry, both process-wide."""
    st.cache_data.clear()
    st.cache_resource.clear()
    registry.reset()


def run_page() -> AppTest:
    """The page in AppTest (the same script, in-process), run once, without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at
