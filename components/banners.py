"""Messages above the reader: input problems, notes on the text, and what is missing (models, lexicon).

Each says what happened and what still works; none of them stops the page.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st

from models import registry
from models.translation.download import download_model, network_available
from models.translation.loader import LoadResult


def input_banners() -> None:
    """A text that could not be read."""
    if st.session_state.get("input_error"):
        st.error(st.session_state.input_error, icon="⚠️")
        st.session_state.input_error = None


def text_notes(notes: list[str], entity_note: str | None, lexicon_notes: list[str]) -> None:
    """Remarks on the input, on the entity recogniser in use, and on missing lexicon data."""
    for note in notes:
        st.info(note)
    if entity_note:
        st.caption(f"Names: {entity_note}")
    for note in lexicon_notes:  # missing lexicon data: say so, keep reading
        st.warning(note, icon="📚")


def model_banner(result: LoadResult, model_id: str) -> None:
    """Translation is off: why, and a button to fetch a missing model where there is a network."""
    st.warning(f"**Translation is off:** {result.error} The text, names and glossary still work.", icon="📦")
    if (
        result.missing
        and not os.path.isdir(model_id)
        and st.button(f"Download {model_id}", help="Fetches the model once (about 300 MB for opus-mt-ar-en).")
    ):
        if not network_available():
            st.error(
                "No network here. On a machine with a network run `python -m models download`, then copy "
                "its Hugging Face cache folder, or point the sidebar at a local model folder."
            )
            return
        bar = st.progress(0.0, text="Downloading…")

        def report(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        try:
            download_model(model_id, report)
        except Exception as exc:  # noqa: BLE001 - network errors take many forms; show one line
            st.error(f"Download failed: {exc}")
        else:
            registry.forget("translation")
            st.rerun()


def failed_banner(count: int, on_retry: Callable[[], None]) -> None:
    """Sentences the model could not translate, and a way to try them again."""
    if count:
        st.warning(f"{count} sentence(s) could not be translated; they are underlined in the text.", icon="⚠️")
        st.button("Retry failed sentences", on_click=on_retry)


def translation_progress(waiting: int, total: int, *, loading: bool) -> None:
    """How far the background translation is, with Pause / Resume (a paused reader's clicks still count)."""
    if st.session_state.get("paused"):
        st.caption(f"Translation paused: {waiting} sentences left. Clicked sentences are still translated.")
        st.button("Resume translation", on_click=lambda: st.session_state.update(paused=False))
        return
    done = total - waiting
    text = "Loading the translation model…" if loading else f"Translated {done} of {total} sentences"
    st.progress(done / total if total else 1.0, text=text)
    st.button("Pause translation", on_click=lambda: st.session_state.update(paused=True))


DATABASE_RETRY_SECONDS = 3.0


def database_down(reason: str, check: Callable[[], str | None]) -> None:
    """The readers' database does not answer (a PostgreSQL restart): say so, and rerun the whole page by
    itself as soon as it answers again. Nothing is lost: every change was committed before it went away."""
    st.error(
        "**The readers' database is not answering** — your texts and words are kept, and this page goes "
        f"on by itself as soon as it is back. ({reason})",
        icon="🗄️",
    )

    @st.fragment(run_every=DATABASE_RETRY_SECONDS)
    def _retry() -> None:
        if check() is None:
            st.rerun(scope="app")
        st.caption("Trying again every few seconds…")

    _retry()
