"""The reading session's tests' shared steps (tests/components/test_session.py, test_part_ahead.py): what
the sidebar returns, an analysis made beforehand, a translation model whose load the test holds."""

from __future__ import annotations

import threading

from components.session import ReadingSession
from components.sidebar import Settings
from models import pipeline, registry
from models.translation.loader import REGISTRY_KIND, load_translator, model_key_for


def chosen(model_id: str = "", **kwargs: object) -> Settings:
    """What the sidebar returns: no translation without a model."""
    return Settings(
        show_tashkeel=True,
        translate=bool(model_id),
        model_id=model_id,
        beam=1,
        ner_model="",
        downloads=None,
        **kwargs,  # type: ignore[arg-type]
    )


def glossed(session: ReadingSession) -> bool:
    return any(t.gloss for s in session.doc.sentences for t in s.tokens)


def analysed_first(text: str) -> None:
    """The text's analysis made already (its models loaded): a run takes it at once."""
    assert pipeline.analysis_soon(text, "", wait=120) is not None


def held_load(model_id: str) -> tuple[threading.Thread, threading.Event]:
    """The model's load (through the registry, as the worker loads it) waits until the test sets the
    event: (the thread holding it, the event)."""
    gate, started = threading.Event(), threading.Event()

    def held() -> object:
        started.set()
        assert gate.wait(120)
        return load_translator(model_id, "transformers")

    name = f"transformers:{model_key_for(model_id)}"
    loading = threading.Thread(
        target=registry.loaded, args=(REGISTRY_KIND, name, held, lambda r: r.ok), daemon=True
    )
    loading.start()
    assert started.wait(60)
    return loading, gate
