"""The progress view: charts (Vega-Lite through Altair) of the reader's own figures (`models.review.progress`)
and the library's known-word share per text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from components import account
from components.review import reviews
from models.review import progress

if TYPE_CHECKING:
    import altair as alt

HEIGHT = 220
BAR = 24  # px: one day is a bar, however few days there are
# Altair and pandas are imported by the view that draws charts, not by the reader's first page.


def _day() -> alt.X:
    import altair as alt

    return alt.X("day:O", title=None, axis=alt.Axis(labelAngle=0))  # one bar per calendar day (YYYY-MM-DD)


def _count() -> alt.Axis:
    import altair as alt

    return alt.Axis(format="d", tickMinStep=1)


def _bars(rows: list[dict[str, object]], field: str, title: str, color: str) -> alt.Chart:
    import altair as alt
    import pandas as pd

    return (
        alt.Chart(pd.DataFrame(rows), height=HEIGHT, title=title)
        .mark_bar(color=color, size=BAR)
        .encode(
            x=_day(),
            y=alt.Y(f"{field}:Q", title=None, axis=_count()),
            tooltip=["day:N", alt.Tooltip(f"{field}:Q", title=title)],
        )
    )


def progress_view() -> None:
    """Known lemmas over time, words read and texts finished per day, reviews and recall per day, and the
    known share of each text of the library."""
    import altair as alt
    import pandas as pd

    library, vocabulary, store = account.library(), account.vocabulary(), reviews()
    if library is None or vocabulary is None or store is None:
        st.stop()
    st.subheader("Progress", anchor=False)
    history = store.history()
    done = progress.reviews_per_day(history)
    today = next((r for r in done if r["day"] == progress.today()), None)
    known = progress.known_over_time(vocabulary.all_entries())
    reading = progress.reading_per_day(library)
    columns = st.columns(4)
    columns[0].metric("Lemmas known", known[-1]["known"] if known else 0)
    columns[1].metric("Reviews today", today["reviews"] if today else 0)
    columns[2].metric("Recall today", f"{today['recall']:.0%}" if today else "—")
    columns[3].metric("Due now", store.due_count())

    left, right = st.columns(2)
    with left:
        if known:
            chart = (
                alt.Chart(pd.DataFrame(known), height=HEIGHT, title="Lemmas known")
                .mark_line(point=True, interpolate="step-after")
                .encode(
                    x=_day(),
                    y=alt.Y("known:Q", title=None, axis=_count()),
                    tooltip=["day:N", alt.Tooltip("known:Q", title="lemmas known")],
                )
            )
            st.altair_chart(chart, key="chart-known")
        else:
            st.caption("Lemmas known: none yet. Words you mark known, or learn in review, count here.")
    with right:
        if done:
            frame = pd.DataFrame(done)
            base = alt.Chart(frame, height=HEIGHT, title="Reviews and recall").encode(x=_day())
            bars = base.mark_bar(color="#4c78a8", size=BAR).encode(
                y=alt.Y("reviews:Q", title="reviews", axis=_count()),
                tooltip=["day:N", "reviews:Q", alt.Tooltip("recall:Q", format=".0%")],
            )
            line = base.mark_line(color="#e45756", point=True).encode(
                y=alt.Y("recall:Q", title="recall", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
            )
            st.altair_chart(alt.layer(bars, line).resolve_scale(y="independent"), key="chart-reviews")
        else:
            st.caption("Reviews: none yet.")
    left, right = st.columns(2)
    with left:
        if reading:
            st.altair_chart(
                _bars(reading, "words", "Words read (distinct words of the texts opened)", "#54a24b"),
                key="chart-words",
            )
    with right:
        if reading:
            st.altair_chart(_bars(reading, "finished", "Texts finished", "#b279a2"), key="chart-finished")
    if not reading:
        st.caption("Reading: no texts yet.")
    _library_shares(library.entries())


def _library_shares(entries: list) -> None:
    import altair as alt
    import pandas as pd

    rows = []
    for entry in entries:
        if not entry.words:
            continue
        for status, share in entry.shares().items():
            rows.append({"text": entry.title, "status": status, "share": share})
    if not rows:
        return
    chart = (
        # 30 px a text, room for the title, axis and legend, as a number: a step (alt.Step) is a discrete
        # height, which Streamlit's "fit" makes Vega drop with a warning in the console
        alt.Chart(
            pd.DataFrame(rows),
            title="Known words per text",
            height=max(130, 30 * len({r["text"] for r in rows}) + 80),
        )
        .mark_bar()
        .encode(
            y=alt.Y("text:N", title=None, sort=None),
            x=alt.X("share:Q", title=None, axis=alt.Axis(format="%"), stack="normalize"),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=["known", "learning", "new"], range=["#54a24b", "#f2b134", "#bab0ac"]),
                legend=alt.Legend(title=None),
            ),
            order=alt.Order("order:Q"),
            tooltip=["text:N", "status:N", alt.Tooltip("share:Q", format=".0%")],
        )
        .transform_calculate(order="indexof(['known', 'learning', 'new'], datum.status)")
    )
    st.altair_chart(chart, key="chart-library")
