"""The page's layout: its own styles, and the reader's columns (the text, the glossary beside it).

On a laptop the glossary stands beside the text; below 1024 px (a tablet, a phone) it goes under the text,
which then has the whole width: beside it the glossary's columns had ~200 px and its toolbar covered its tabs.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

COLUMNS = "reading-columns"  # the key of the container that holds the two columns (its CSS class: st-key-…)

_CSS = f"""<style>
textarea {{ unicode-bidi: plaintext; text-align: start; font-family: "Noto Naskh Arabic", serif; font-size: 1.1rem; }}
@media (max-width: 1024px) {{
  .st-key-{COLUMNS} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}
  .st-key-{COLUMNS} [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{
    flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important;
  }}
}}
</style>"""


def page_style() -> None:
    """The page's own styles: right-to-left text areas (each paragraph's direction from its own text, so a
    pasted Arabic text reads right to left and its final "!" stays at its end), the columns' layout."""
    st.html(_CSS)


def reading_columns() -> tuple[Any, Any]:
    """(the text's column, the glossary's column): side by side on a wide screen, one under the other
    on a narrow one."""
    with st.container(key=COLUMNS):
        main, side = st.columns([7, 3], gap="medium")
    return main, side
