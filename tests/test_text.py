"""Sentence splitting, tokenisation and normalisation: offsets must be exact for any input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from models.arabic import iter_tokens, normalize, proclitic_splits, strip_tashkeel
from models.segment import split_sentences

SAMPLE = (Path(__file__).parent.parent / "seeds" / "japan-canada-intelligence.txt").read_text(encoding="utf-8")


def texts(spans: list[tuple[int, int]], text: str) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_sample_splits_into_its_ten_sentences() -> None:
    spans = split_sentences(SAMPLE)
    parts = texts(spans, SAMPLE)
    assert len(parts) == 10
    assert parts[0].startswith("اتفقت اليابان وكندا") and parts[0].endswith("وسط تهديدات متزايدة من الصين وروسيا.")
    # the closing quote stays with its sentence: ... رؤية اليابان”.
    assert parts[7].endswith("بما في ذلك رؤية اليابان”.")
    assert parts[-1].endswith("بعد كارثة فوكوشيما عام 2011.")


def test_no_split_inside_numbers_or_after_one_letter_abbreviations() -> None:
    text = "ارتفع السعر 2.5 في المئة. قال د. أحمد إن 3,963 شخصًا حضروا. هل حضرت؟ نعم!"
    assert texts(split_sentences(text), text) == [
        "ارتفع السعر 2.5 في المئة.",
        "قال د. أحمد إن 3,963 شخصًا حضروا.",
        "هل حضرت؟",
        "نعم!",
    ]


def test_line_breaks_end_sentences_and_crlf_is_kept_out() -> None:
    text = "عنوان الخبر\r\n\r\nالفقرة الأولى. الفقرة الثانية"
    assert texts(split_sentences(text), text) == ["عنوان الخبر", "الفقرة الأولى.", "الفقرة الثانية"]


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\r\n ") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_sentence_spans_are_exact_ordered_and_trimmed(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        previous_end = end
    # nothing but white space is lost between sentences
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(text.split()) == "".join(covered.split())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_tokens_cover_every_non_space_character_once(text: str) -> None:
    covered = []
    last = 0
    for start, end, _kind in iter_tokens(text):
        assert last <= start < end
        covered.append(text[start:end])
        last = end
    assert "".join(covered) == "".join(text.split())


def test_token_kinds() -> None:
    text = "قالَ الوزير: 2.5% من Canada’s"
    got = [(text[a:b], kind) for a, b, kind in iter_tokens(text)]
    assert got == [
        ("قالَ", "arabic"),
        ("الوزير", "arabic"),
        (":", "punct"),
        ("2.5", "number"),
        ("%", "punct"),
        ("من", "arabic"),
        ("Canada’s", "latin"),
    ]


def test_normalize_ignores_what_writers_vary() -> None:
    assert normalize("أَحْمَد") == normalize("احمد") == "احمد"
    assert normalize("إسلام") == normalize("اسلام")
    assert normalize("مدرسة") == normalize("مدرسه")
    assert normalize("مستشفى") == normalize("مستشفي")
    assert normalize("کتاب") == normalize("كتاب")  # Persian kaf
    assert normalize("ایران") == normalize("ايران")  # Persian yeh
    assert normalize("العـــربية") == "العربيه"  # tatweel
    assert strip_tashkeel("رَسْمِيًّا") == "رسميا"


def test_proclitic_splits_keep_offsets_of_the_original_word() -> None:
    splits = {rest: cut for cut, rest in proclitic_splits("وكندا")}
    assert splits["كندا"] == 1
    word = "والهند"
    for cut, rest in proclitic_splits(word):
        if rest in word:
            assert word[cut:] == rest
    assert ("المعلومات" in [r for _, r in proclitic_splits("للمعلومات")])
    # a stem is never cut into: اليابانية never yields اليابان
    assert all(not rest.startswith("اليابان") or rest == "اليابانية" for _, rest in proclitic_splits("اليابانية"))
