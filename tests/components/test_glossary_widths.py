"""The glossary's column widths: whole words where they fit, and the English in view beside the text."""

from __future__ import annotations

import pandas as pd

from components.glossary import column_widths


def test_short_entries_are_sized_to_fit_and_long_arabic_is_capped() -> None:
    short = pd.DataFrame({"Arabic": ["كندا"], "English": ["Canada"], "Count": [2]})
    widths = column_widths(short)
    assert "Count" not in widths  # numbers keep the grid's own width
    assert widths["Arabic"] < 100 and widths["English"] < 100
    long_name = pd.DataFrame(
        {"Arabic": ["المحيطين الهندي والهادئ والمحيط الأطلسي"], "English": ["Indo-Pacific"]}
    )
    widths = column_widths(long_name)
    assert widths["Arabic"] == 140  # cut, so the English column starts inside a laptop's side panel
    assert widths["English"] >= 24 + len("Indo-Pacific") * 7
