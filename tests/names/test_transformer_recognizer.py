"""A transformers token-classification model as the recogniser (QARI_NER_MODEL): its labels, its merge
with the gazetteer, loading local first, and one recogniser per model across threads."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from models.names.recognizer import TrainedRecognizer, get_recognizer, load_recognizer
from models.text.arabic import tokenize
from tests.support import assert_whole_word_span, tiny_ner_model

# ---------------------------------------------------------------- a transformers model (QARI_NER_MODEL)


def test_model_labels_map_onto_qari_types() -> None:
    from models.names.transformer import qari_label

    assert [
        qari_label(x) for x in ("B-PERS", "I-PER", "B-GPE", "I-ORGANIZATION", "B-MIS2", "O", "B-DATE")
    ] == [
        "B-PER",
        "I-PER",
        "B-LOC",
        "I-ORG",
        "B-MISC",
        "O",
        "O",
    ]


def test_a_tiny_token_classification_model_is_merged_with_the_gazetteer(tmp_path: Path) -> None:
    from models.names.transformer import TransformerTagger, load_tagger

    text = "وصل هاياشي إلى وكندا ."
    everything = load_tagger(str(tiny_ner_model(tmp_path / "per", "B-PERS")))
    assert everything.error is None and isinstance(everything.tagger, TransformerTagger)
    found = TrainedRecognizer(tagger=everything.tagger).recognize(text, tokenize(text))
    # every word is a person to this model; the function word and the full stop never begin a name
    assert [(e.text, e.label) for e in found] == [("وصل", "PER"), ("هاياشي", "PER"), ("كندا", "PER")]
    assert found[2].english == "Canada"  # the gazetteer still names what it lists
    for e in found:
        assert_whole_word_span(text, e)

    nothing = load_tagger(str(tiny_ner_model(tmp_path / "o", "O")))
    assert nothing.tagger is not None
    found = TrainedRecognizer(tagger=nothing.tagger).recognize(text, tokenize(text))
    assert [(e.text, e.label, e.english) for e in found] == [("كندا", "LOC", "Canada")]  # the gazetteer's


def test_qari_ner_model_is_loaded_local_first_without_hanging(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from models.names.transformer import TransformerTagger, load_tagger

    folder = tiny_ner_model(tmp_path / "model", "O")
    monkeypatch.setenv("QARI_NER_MODEL", str(folder))
    recognizer = load_recognizer()
    assert isinstance(recognizer, TrainedRecognizer) and isinstance(recognizer.tagger, TransformerTagger)
    assert recognizer.note and str(folder) in recognizer.note

    # a hub id that is not in the (empty) local cache: a quick, clear failure, then the shipped CRF
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("QARI_NER_MODEL", "nobody/no-such-arabic-ner")
    t = time.perf_counter()
    result = load_tagger("nobody/no-such-arabic-ner")
    assert result.tagger is None and result.missing and "not on this computer" in (result.error or "")
    recognizer = load_recognizer()
    assert time.perf_counter() - t < 5
    assert isinstance(recognizer, TrainedRecognizer) and not isinstance(recognizer.tagger, TransformerTagger)
    assert recognizer.note == result.error

    not_a_model = tmp_path / "empty"
    not_a_model.mkdir()
    broken = load_tagger(str(not_a_model))
    assert broken.tagger is None and not broken.missing and "config.json" in (broken.error or "")


@pytest.mark.usefixtures("clean_recognizers")
def test_each_entity_model_has_its_own_recognizer_and_a_missing_one_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from models.names.recognizer import recognizer_note
    from models.names.transformer import TransformerTagger
    from models.pipeline import analyze

    monkeypatch.delenv("QARI_NER_MODEL", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    folder = str(tiny_ner_model(tmp_path / "model", "B-PERS"))
    shipped = get_recognizer(None)
    assert isinstance(shipped, TrainedRecognizer) and not isinstance(shipped.tagger, TransformerTagger)
    assert get_recognizer("") is shipped and recognizer_note(None) is None
    tiny = get_recognizer(folder)
    assert tiny is not shipped and isinstance(tiny, TrainedRecognizer)
    assert isinstance(tiny.tagger, TransformerTagger)
    assert get_recognizer(folder) is tiny and get_recognizer(f" {folder} ") is tiny  # loaded once
    assert folder in (recognizer_note(folder) or "")
    assert tiny.gazetteer is shipped.gazetteer  # one name table in memory

    # the pipeline uses the recogniser it is given: this model calls every word a person
    text = "وصل هاياشي إلى وكندا ."
    assert [e.text for e in analyze(text, ner_model=folder, with_lexicon=False).sentences[0].entities] == [
        "وصل",
        "هاياشي",
        "كندا",
    ]
    assert "وصل" not in [
        e.text for e in analyze(text, ner_model="", with_lexicon=False).sentences[0].entities
    ]

    # None follows QARI_NER_MODEL; "" is the shipped recogniser whatever it says
    monkeypatch.setenv("QARI_NER_MODEL", folder)
    assert get_recognizer() is tiny and get_recognizer("") is shipped and recognizer_note("") is None

    # a model that is not on this computer: the shipped recogniser at once, and a note saying why
    t = time.perf_counter()
    assert get_recognizer("nobody/no-such-arabic-ner") is shipped
    note = recognizer_note("nobody/no-such-arabic-ner") or ""
    assert time.perf_counter() - t < 5
    assert "nobody/no-such-arabic-ner" in note and "not on this computer" in note and "its own model" in note
    note = recognizer_note(str(tmp_path / "no-such-folder")) or ""
    assert "no config.json" in note and "its own model" in note
    # not remembered: a model copied there afterwards is found without a restart
    later = str(tiny_ner_model(tmp_path / "no-such-folder", "B-PERS"))
    assert isinstance(getattr(get_recognizer(later), "tagger", None), TransformerTagger)
    assert later in (recognizer_note(later) or "")


@pytest.mark.usefixtures("clean_recognizers")
def test_entity_models_are_loaded_once_across_threads_and_few_are_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import threading

    from models.registry import REGISTRY

    MAX_MODELS = REGISTRY.limits["entity-model"]
    monkeypatch.delenv("QARI_NER_MODEL", raising=False)
    folders = [str(tiny_ner_model(tmp_path / f"m{i}", "O")) for i in range(MAX_MODELS + 1)]
    found: list[object] = []
    threads = [threading.Thread(target=lambda: found.append(get_recognizer(folders[0]))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 6 and all(r is found[0] for r in found)  # one load, whoever asked first

    loaded = [get_recognizer(f) for f in folders]
    assert loaded[0] is found[0]
    shipped = get_recognizer("")
    # the least recently used model was dropped; the newer ones and the shipped recogniser were kept
    assert all(get_recognizer(f) is r for f, r in zip(folders[1:], loaded[1:], strict=True))
    assert get_recognizer(folders[0]) is not loaded[0]
    assert get_recognizer("") is shipped
