"""The glossary beside the reader: the text's names and words with their English meaning.

Shown as sortable, searchable tables (rendered by Streamlit's data grid, which treats every
cell as text); choosing a row selects the sentence where the entry first appears.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from components.families import family_picker
from components.markup import LABEL_NAMES
from models.document import Document, GlossaryEntry

if TYPE_CHECKING:  # pandas (0.3–0.7 s to import) loads once there is a glossary to show: not before the
    import pandas as pd  # reader on a first start (bench/README.md, issue 32)


def glossary_frames(doc: Document) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(names, words) tables, one row per glossary entry, in glossary order."""
    import pandas as pd

    def rows(entries: list[GlossaryEntry], names: bool) -> pd.DataFrame:
        data = [
            {
                "Arabic": g.lemma,
                **({"Voweled": g.voweled or ""} if voweled else {}),
                "English": g.gloss or "",
                **({} if names else {"Root": " ".join(g.root) if g.root else ""}),
                "In this text": g.context_gloss or "",
                "Transliteration": g.translit or "",
                ("Type" if names else "Part of speech"): (
                    LABEL_NAMES.get(g.label or "", "") if names else g.pos or ""
                ),
                "Count": g.count,
                "Forms in text": "، ".join(g.forms),
                "First sentence": g.first_sentence + 1,
            }
            for g in entries
        ]
        # indexed by glossary key (hidden), so a picked row tells which entry it is
        return pd.DataFrame(data, index=pd.Index([g.key for g in entries], name="key"))

    voweled = any(g.voweled for g in doc.glossary)  # the vowels mode is on: show them here too
    names = [g for g in doc.glossary if g.kind == "name"]
    words = [g for g in doc.glossary if g.kind == "word"]
    return rows(names, True), rows(words, False)


ARABIC_COLUMNS = ("Arabic", "Voweled", "Forms in text")


def column_widths(frame: pd.DataFrame, *, most: int = 420, most_arabic: int = 140) -> dict[str, int]:
    """Each text column's width in pixels, wide enough for its longest entry (the grid would cut it,
    measuring only the first rows), up to `most`; an Arabic column up to `most_arabic`, so that beside
    the text on a laptop (the panel is ~230 px wide at 1280 px) the English starts in view: a long
    multi-word name is cut there, not every English word pushed out of sight."""
    import pandas as pd

    widths = {}
    for name in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[name]):
            continue
        longest = max([len(name), *(len(str(v)) for v in frame[name])])
        # joined Arabic letters are narrower than Latin ones at the grid's size
        per_char = 6.0 if name in ARABIC_COLUMNS else 7.5
        widths[name] = min(most_arabic if name in ARABIC_COLUMNS else most, 24 + round(longest * per_char))
    return widths


def glossary_panel(
    doc: Document, *, on_select: Callable[[int, str], None], key: str = "glossary", preparing: bool = False
) -> None:
    """Names and words tabs; picking a row calls `on_select(first sentence index, glossary key)`.
    `preparing`: the text's analysis is still to come (the panel says so)."""
    st.markdown("**Glossary**")
    if preparing:
        st.caption("Preparing the glossary: finding the names and looking up the words…")
        return
    names, words = glossary_frames(doc)
    if st.toggle("Only words the lexicon does not know", key=f"{key}-unknown"):
        words = words[words["English"] == ""]
    tab_names, tab_words = st.tabs([f"Names ({len(names)})", f"Words ({len(words)})"])
    for tab, frame, suffix in ((tab_names, names, "names"), (tab_words, words, "words")):
        with tab:
            if frame.empty:
                st.caption("Nothing here for this text.")
                continue
            widget_key = f"{key}-{suffix}"

            def picked(frame: pd.DataFrame = frame, widget_key: str = widget_key) -> None:
                rows = st.session_state[widget_key].selection.rows
                if rows:
                    on_select(int(frame.iloc[rows[0]]["First sentence"]) - 1, str(frame.index[rows[0]]))

            st.space(
                "small"
            )  # room for the table's toolbar, which otherwise covers the tabs on a narrow page
            st.dataframe(
                frame,
                key=widget_key,
                hide_index=True,
                height=520,
                on_select=picked,
                selection_mode="single-row",
                column_config={
                    **{
                        name: st.column_config.TextColumn(width=width)
                        for name, width in column_widths(frame).items()
                    },
                    "Count": st.column_config.NumberColumn(width="small"),
                },
            )
            if suffix == "words":
                family_picker(doc)  # a root's words across the library (components/families.py)
