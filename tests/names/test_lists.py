"""The typed name lists (`models/data/name-lists.tsv.gz`): their types and English, the tagger's features,
organisation and place cue words, and what the recogniser makes of them on the sample article."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.build import name_lists as build_lists
from models.document import Entity, Token
from models.names import lists
from models.names.gazetteer import load
from models.names.recognizer import TrainedRecognizer, get_recognizer
from models.text.arabic import normalize, tokenize
from models.text.segment import split_sentences
from tests.support import SAMPLE

NAMES = Path(__file__).resolve().parents[3] / "shared" / "data" / "names"


def _norms(text: str) -> list[str]:
    return [normalize(w) for w in text.split()]


@pytest.fixture(scope="module")
def table() -> lists.NameLists:
    loaded = lists.load_lists()
    assert loaded is not None
    return loaded


def test_listed_names_carry_their_types_and_english(table: lists.NameLists) -> None:
    assert table.types(normalize("انجلينا جولي")) == ("PER",)
    # of eight spellings in the source, the one the others agree with word by word
    assert table.english(normalize("انجلينا جولي")) == "Angelina Jolie"
    # places take the English lists' form, not NERAr's French (Égypte, Damas)
    assert table.english("مصر") == "Egypt" and table.english("دمشق") == "Damascus"
    assert table.types("مصر")[0] == "LOC"
    assert table.spelling(normalize("يوشيماسا")) == "Yoshimasa"
    assert table.types("في") == () and table.english("في") is None  # function words are left out


def test_cue_words_head_organisations_and_places() -> None:
    assert lists.cue(normalize("وزارة")) == "ORG"
    assert lists.cue(normalize("بوزارة")) == "ORG"  # with a proclitic
    assert lists.cue(normalize("الجامعة")) == "ORG"
    assert lists.cue(normalize("المحيطين")) == "LOC"
    assert lists.cue(normalize("وزار")) is None and lists.cue("زاره") is None  # not وزارة less its و


def test_the_tagger_features_mark_listed_spans_types_and_cues(table: lists.NameLists) -> None:
    words = _norms("وقالت وزارة الصحة إن وانجلينا جولي زارت مصر")
    features = table.features(words)
    assert "cue=ORG" in features[1] and "ni=ORG" in features[2]
    assert "nl=B-PER" in features[4] and "nl=I-PER" in features[5]  # the first word keeps its و
    assert "nw=LOC" in features[7]
    assert not any(f.startswith("nl=") for f in features[0] + features[3] + features[6])
    assert table.spans(words) == ["O", "O", "O", "O", "B-PER", "I-PER", "O", "O"]


class _Tags:
    """A tagger that returns fixed tags: what the recogniser does with them is under test."""

    def __init__(self, tags: dict[str, list[str]]) -> None:
        self.tags = tags

    def tag(self, tokens: list[Token], gaz_tags: list[str] | None = None) -> list[str]:
        return self.tags.get(" ".join(t.text for t in tokens), ["O"] * len(tokens))


def test_a_ministry_is_never_a_person() -> None:
    text = "قالت وزارة الصحة إن الوباء انتهى"
    tokens = tokenize(text)
    tagger = _Tags({text: ["O", "B-PER", "I-PER", "O", "O", "O"]})
    found = TrainedRecognizer(gazetteer=load(), tagger=tagger, merge="crf").recognize(text, tokens)
    assert [(e.text, e.label) for e in found] == [("وزارة الصحة", "ORG")]
    # and the shipped recogniser never calls it a person either
    shipped = get_recognizer().recognize(text, tokens)
    assert all(e.label != "PER" for e in shipped if "وزارة" in e.text)


@pytest.fixture(scope="module")
def entities() -> list[Entity]:
    recognizer = get_recognizer()
    return [
        e for a, b in split_sentences(SAMPLE) for e in recognizer.recognize(SAMPLE, tokenize(SAMPLE, a, b))
    ]


def test_the_indo_pacific_is_one_place_with_its_english(entities: list[Entity]) -> None:
    found = [e for e in entities if "المحيطين" in e.text]
    assert len(found) == 2
    assert {(e.text, e.label, e.english) for e in found} == {
        ("المحيطين الهندي والهادئ", "LOC", "Indo-Pacific")
    }


def test_people_of_the_sample_are_spelled_as_the_lists_spell_them(entities: list[Entity]) -> None:
    english = {e.text: e.english for e in entities if e.label == "PER"}
    assert english["يوشيماسا هاياشي"] == "Yoshimasa Hayashi"  # was the transliteration "Yushimasa"
    # no list holds ميلاني جولي as a full name; word by word the lists' most frequent spellings
    # (جولي: jolie 16 times, julie 7, joly 5 …), not the personal-name list's "Giuly"
    assert english["ميلاني جولي"] == "Melanie Jolie"


@pytest.mark.skipif(not NAMES.is_dir(), reason="../shared/data/names is not here")
def test_shipped_lists_match_a_fresh_build(tmp_path: Path) -> None:
    # Fails when the build or its sources changed without a rebuild: python -m models.build.name_lists
    out = tmp_path / "lists.tsv.gz"
    build_lists.write(build_lists.build(NAMES), out)
    assert out.read_bytes() == lists.LISTS_PATH.read_bytes()


def test_a_name_the_lists_hold_whole_keeps_their_english_over_the_translation() -> None:
    assert lists.listed_name("name:" + normalize("انجلينا جولي"))
    assert lists.listed_name("name:" + normalize("دمشق"))  # a place
    assert not lists.listed_name("name:" + normalize("ميلاني جولي"))  # only spelled word by word
    assert not lists.listed_name("name:" + normalize("جولي"))  # a person's lone name word
