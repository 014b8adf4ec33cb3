"""The shipped entity recogniser on the sample article: people, listed names, whole-word spans, the document
stage and its features, and the fallback when the model is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.document import Entity, Token
from models.names import crf as ner
from models.names import recognizer as recognizer_module
from models.names import trained as trained_module
from models.names.recognizer import GazetteerRecognizer, TrainedRecognizer, get_recognizer, load_recognizer
from models.names.translit import name_in_english
from models.text.arabic import normalize, tokenize
from models.text.segment import split_sentences
from tests.support import SAMPLE, assert_whole_word_span

PEOPLE = [("يوشيماسا هاياشي", "Hayashi"), ("ميلاني جولي", "Melanie"), ("فوميو كيشيدا", "Kishida")]


# ---------------------------------------------------------------- the shipped model


def test_the_shipped_crf_is_small_and_is_the_fallback() -> None:
    # the default is the BiLSTM tagger (tests/names/test_bilstm.py); the CRF stands in without torch
    assert ner.MODEL_PATH.is_file() and ner.MODEL_PATH.stat().st_size < 5 * 2**20
    recognizer = TrainedRecognizer()
    assert isinstance(recognizer.tagger, ner.CrfTagger)
    assert recognizer.merge == "crf+gaz" and recognizer.propagate and get_recognizer().propagate


@pytest.mark.parametrize(("name", "english_word"), PEOPLE)
def test_the_sample_people_are_found(entities: list[Entity], name: str, english_word: str) -> None:
    found = [e for e in entities if e.text == name]
    assert found, f"{name} not found"
    for e in found:
        assert e.label == "PER"
        assert e.key == "name:" + normalize(name)
        assert e.english and english_word in e.english.split()


def test_a_person_named_again_by_one_word_is_found_again(entities: list[Entity]) -> None:
    # وقالت جولي، حكومة كيشيدا: the surname alone, after the full name earlier in the article
    for word in ("جولي", "كيشيدا"):
        alone = [e for e in entities if e.text == word]
        assert alone and {e.label for e in alone} == {"PER"}, word
        # ... and is the same person: one glossary entry, the full name's English
        full = next(e for e in entities if e.text.endswith(" " + word))
        assert {(e.key, e.english) for e in alone} == {(full.key, full.english)}, word


def test_a_word_shared_by_two_people_stays_its_own_name() -> None:
    text = "التقى الرئيس جورج بوش مع الوزير جيب بوش في واشنطن. وقال بوش إن الاجتماع كان مثمرا. وقال جورج إن الاجتماع مهم."
    recognizer = get_recognizer()
    people = [
        e
        for a, b in split_sentences(text)
        for e in recognizer.recognize(text, tokenize(text, a, b))
        if e.label == "PER"
    ]
    found = [(e.text, e.key) for e in people]
    # English spellings of name words come from the listed people first: جورج is George (not "Juraj")
    assert {e.text: e.english for e in people}["جورج بوش"] == "George Bush"
    assert ("جورج بوش", "name:جورج بوش") in found and ("جيب بوش", "name:جيب بوش") in found
    assert ("بوش", "name:بوش") in found  # two Bushes: the lone surname is nobody's in particular
    assert ("جورج", "name:جورج بوش") in found  # one George


def test_listed_names_keep_the_gazetteer_names(entities: list[Entity]) -> None:
    by_text = {e.text: e for e in entities}
    assert (by_text["الناتو"].label, by_text["الناتو"].english) == ("ORG", "NATO")  # curated label wins
    assert (by_text["طوكيو"].label, by_text["طوكيو"].english) == ("LOC", "Tokyo")
    assert by_text["كوريا الجنوبية"].english == "South Korea"


def test_spans_never_cut_a_stem(entities: list[Entity]) -> None:
    for e in entities:
        assert_whole_word_span(SAMPLE, e)
    for m in re.finditer("اليابانية|الياباني|الكندية", SAMPLE):
        inside = [e for e in entities if m.start() < e.end < m.end() or m.start() < e.start < m.end()]
        assert not inside, f"{m.group()} cut at {inside}"


def test_proclitics_are_peeled_only_with_evidence() -> None:
    recognizer = get_recognizer()
    assert isinstance(recognizer, TrainedRecognizer)

    def offset(word: str) -> int:
        return recognizer._start_offset(Token(0, len(word), word, "arabic"), set())

    # a listed name, a listed person's name, or an article-led word behind the proclitic: peeled
    assert [offset(w) for w in ("بالقاهرة", "وهاياشي", "والأرمن", "للهند")] == [1, 1, 1, 1]
    # names that begin with the letters of a proclitic, and a doubled article: left whole
    assert [offset(w) for w in ("وليام", "بولندا", "لندن", "فرنسا", "كندا", "الالهند")] == [0] * 6


def test_the_document_stage_finds_surnames_the_sentence_alone_does_not_show(
    sentences: list[list[Token]], tmp_path: Path
) -> None:
    # وقالت جولي، حكومة كيشيدا: read alone, these sentences do not say the words are names; the document
    # stage sees the same words tagged PER in full names elsewhere. The rule-based propagation is off here.
    def people(model: Path) -> list[str]:
        recognizer = TrainedRecognizer(model_path=model, propagate=False)
        return [e.text for toks in sentences for e in recognizer.recognize(SAMPLE, toks) if e.label == "PER"]

    one_stage = tmp_path / "ner.crfsuite"
    one_stage.write_bytes(ner.MODEL_PATH.read_bytes())  # without its ner-doc.crfsuite beside it
    assert TrainedRecognizer(model_path=one_stage).tagger.stages == 1
    assert TrainedRecognizer().tagger.stages == 2
    assert "جولي" not in people(one_stage) and "كيشيدا" not in people(one_stage)
    assert "جولي" in people(ner.MODEL_PATH) and "كيشيدا" in people(ner.MODEL_PATH)


def test_document_features_come_from_the_other_sentences() -> None:
    forms = [[("فيرمي", "فيرمي"), ("قال", "قال")], [("وفيرمي", "فيرمي")]]
    low = {"PER": 0.0, "LOC": 0.0, "ORG": 0.0, "MISC": 0.0}
    first = [(["B-PER", "O"], [{**low, "PER": 0.9}, low]), (["O"], [{**low, "PER": 0.3}])]
    (fermi, said), (and_fermi,) = ner.document_features(forms, first)
    # the core فيرمي was tagged PER with 0.9 in the first sentence: the second sentence's word hears it
    assert "dcmax=PER:hi" in and_fermi and "dcmean=PER:hi" in and_fermi and "p1=O" in and_fermi
    assert "dnmax=PER:hi" not in and_fermi  # its whole form وفيرمي occurs nowhere else
    # the first sentence's word hears the second's 0.3 (mid), never its own 0.9
    assert "dcmax=PER:mid" in fermi and "dcmax=PER:hi" not in fermi and "p1=B-PER" in fermi
    assert "dcn=2" in fermi and "dnn=1" in and_fermi  # occurrences of the form in the document
    assert not any(f.startswith(("dnmax", "dcmax")) for f in said)  # قال occurs once


EIGHTHS = [i / 8 for i in range(9)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.sampled_from(["فيرمي", "وفيرمي", "قال", "روما"]), st.sampled_from(EIGHTHS)),
            max_size=6,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_document_features_match_a_direct_count(sentences: list[list[tuple[str, float]]]) -> None:
    # the features count every other sentence's occurrences, read straight from the definition
    # (probabilities in eighths: sums are exact, so both ways of adding give the same bands)
    forms = [[(w, w.removeprefix("و")) for w, _ in s] for s in sentences]
    first = [
        (["O"] * len(s), [{"PER": p, "LOC": 1 - p, "ORG": p / 2, "MISC": 0.0} for _, p in s])
        for s in sentences
    ]
    for s, rows in enumerate(ner.document_features(forms, first)):
        for t, row in enumerate(rows):
            for key, name in zip(forms[s][t], "nc", strict=True):
                hits = [
                    (s2, first[s2][1][t2])
                    for s2, sf in enumerate(forms)
                    for t2, pair in enumerate(sf)
                    if key in pair and len(key) >= 3
                ]
                others = [p for s2, p in hits if s2 != s]
                expected = {f"d{name}n={min(len(hits), 5)}"} if hits else set()
                for kind in ner.DOCUMENT_TYPES if others else ():
                    for stat, value in (
                        ("max", max(p[kind] for p in others)),
                        ("mean", sum(p[kind] for p in others) / len(others)),
                    ):
                        if value >= 0.2:
                            expected.add(f"d{name}{stat}={kind}:{'hi' if value >= 0.5 else 'mid'}")
                got = {f for f in row if f.startswith(f"d{name}")}
                assert got == expected


def test_a_missing_model_falls_back_to_the_gazetteer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(recognizer_module, "BILSTM_DIR", tmp_path / "missing")
    monkeypatch.setattr(trained_module, "MODEL_PATH", tmp_path / "missing.crfsuite")
    assert isinstance(load_recognizer(), GazetteerRecognizer)


def test_the_features_the_model_was_trained_on_are_still_computed() -> None:
    # The model's inputs come from the gazetteer, the name list and the lexicon; if one of them changes
    # what it says about these words, retrain (`python -m models.build.train_ner`) and update this test.
    recognizer = get_recognizer()
    assert isinstance(recognizer, TrainedRecognizer)
    featurizer = recognizer.tagger.featurizer  # type: ignore[attr-defined]

    def features(word: str) -> set[str]:
        return set(featurizer.word(word, "arabic"))

    assert {"lx0", "pn", "vd=3"} <= features("هاياشي")  # unknown to the lexicon, a listed personal name
    assert {"lx0", "vd=3"} <= features("يوشيماسا")
    assert {"lxp=VERB", "lxpre"} <= features("فيرمي")  # only read as ف + يرمي "and throws"
    assert {"lxp=PROPN", "lxP1", "g1=LOC", "al"} <= features("القاهرة")
    assert {"g1p=LOC", "r=كندا", "pc=و"} <= features("وكندا")
    assert "nat" in features("اليابانية") and "tan" in features("رسميًا")


def test_transliteration_is_readable() -> None:
    assert name_in_english("هاياشي") == "Hayashi"
    assert name_in_english("كيشيدا") == "Kishida"
    assert name_in_english("يوشيماسا") == "Yushimasa"
    assert name_in_english("القاهرة").startswith("al-")
    assert name_in_english("NATO 2050") == ""


def test_person_names_list_is_shipped_with_its_attribution() -> None:
    text = ner.PERSON_NAMES_PATH.read_text(encoding="utf-8")
    assert "arabnamer" in text and "CC BY 4.0" in text
    names = ner.load_person_names()
    assert len(names) > 10_000
    assert names[normalize("هاياشي")] == "Hayashi"
