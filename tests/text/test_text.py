"""Sentence splitting, tokenisation and normalisation: offsets must be exact for any input."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.text.arabic import iter_tokens, normalize, proclitic_splits, strip_tashkeel
from models.text.segment import INVISIBLE, estimate_subword_tokens, split_sentences, translation_pieces
from tests.support import SAMPLE


def texts(spans: list[tuple[int, int]], text: str) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_sample_splits_into_its_ten_sentences() -> None:
    spans = split_sentences(SAMPLE)
    parts = texts(spans, SAMPLE)
    assert len(parts) == 10
    assert parts[0].startswith("اتفقت اليابان وكندا") and parts[0].endswith(
        "وسط تهديدات متزايدة من الصين وروسيا."
    )
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


# Text made of what breaks splitters: Arabic letters and marks, stops, quotes, digits, CR/LF, BOM and
# other invisible marks, control characters, and any other code point.
_TRICKY = list(
    "اأإآبتثجحخدذرزسشصضطظعغفقكلمنهوىيةءئؤیکـًٌٍَُِّْ"  # letters, tatweel, tashkeel
    "abcXYZ0123456789٠١٢٣٫٬.,،؛;:!?؟…۔«»“”„\"'‘’()[]@/-"
    " \t\n\r\v\f\x85\u2028\u2029\ufeff\u200b\u200c\u200d\u200e\u200f\u061c\u202b\u202c\x00\x07\x1b"
)
TEXTS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.text(alphabet=st.sampled_from(_TRICKY), max_size=200),
    st.lists(
        st.sampled_from(["د.", "ق.م.", "2.5", "«", "»", "\r\n", "\ufeff", " ", "وقال", ". ", "؟", "www.a.b"])
    ).map("".join),
)
# What may lie between sentences, pieces and tokens: white space and invisible marks.
_GAP = set(INVISIBLE)


def _visible(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and c not in _GAP)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_sentence_spans_are_exact_ordered_and_trimmed(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece and not piece[0].isspace() and not piece[-1].isspace()
        assert piece[0] not in _GAP and piece[-1] not in _GAP
        previous_end = end
    # nothing but white space and invisible marks is lost between sentences
    assert _visible("".join(text[a:b] for a, b in spans)) == _visible(text)
    gaps = [text[b:a] for (_x, b), (a, _y) in zip([(0, 0), *spans], [*spans, (len(text), len(text))])]
    assert all(_visible(g) == "" for g in gaps)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=1, max_value=40))
def test_translation_pieces_cover_the_sentence(text: str, max_tokens: int) -> None:
    pieces = translation_pieces(text, max_tokens, estimate_subword_tokens)
    bounds = [(0, 0), *pieces, (len(text), len(text))]
    for (_a, b), (c, _d) in itertools.pairwise(bounds):
        assert b <= c and _visible(text[b:c]) == ""
    for (_a, b), (c, _d) in itertools.pairwise(pieces):
        assert text[b:c] and text[b:c].isspace(), "cut inside a word"
    for a, b in pieces:
        assert a < b and not text[a].isspace() and not text[b - 1].isspace()
    assert _visible("".join(text[a:b] for a, b in pieces)) == _visible(text)


# Never tokens: white space, invisible marks, joiners outside words, bidi embeddings and isolates.
_SKIPPED = _GAP | set("\u200c\u200d\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_tokens_cover_every_visible_character_once(text: str) -> None:
    covered = []
    last = 0
    for start, end, kind in iter_tokens(text):
        assert last <= start < end
        assert kind in ("arabic", "number", "latin", "punct", "other")
        assert all(c.isspace() or c in _SKIPPED for c in text[last:start])
        covered.append(text[start:end])
        last = end
    assert all(c.isspace() or c in _SKIPPED for c in text[last:])

    def keep(s: str) -> str:
        return "".join(c for c in s if not c.isspace() and c not in _SKIPPED)

    assert keep("".join(covered)) == keep(text)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_sentence_boundaries_never_cut_a_token(text: str) -> None:
    whole = [(a, b) for a, b, _k in iter_tokens(text)]
    inside = [(a, b) for s, e in split_sentences(text) for a, b, _k in iter_tokens(text, s, e)]
    assert inside == whole


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
    assert "المعلومات" in [r for _, r in proclitic_splits("للمعلومات")]
    # a stem is never cut into: اليابانية never yields اليابان
    assert all(
        not rest.startswith("اليابان") or rest == "اليابانية" for _, rest in proclitic_splits("اليابانية")
    )


# --- Sentence rules ----------------------------------------------------------------------------

HARD = Path(__file__).parents[1] / "data" / "hard_sentences.tsv"


def _hard_cases() -> list[tuple[str, str, list[str]]]:
    cases = []
    for line in HARD.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "id\t")):
            continue
        case_id, _category, marked = line.split("\t")
        parts = [p.strip() for p in re.split(r" \|\| |\|\||\\n", marked)]
        text = marked.replace(" || ", " ").replace("||", "").replace("\\n", "\n")
        cases.append((case_id, text, parts))
    return cases


@pytest.mark.parametrize(("case_id", "text", "sentences"), _hard_cases(), ids=[c[0] for c in _hard_cases()])
def test_hard_cases(case_id: str, text: str, sentences: list[str]) -> None:
    assert texts(split_sentences(text), text) == sentences


def test_quotation_closing_after_the_stop_keeps_the_sentence_whole() -> None:
    text = "قال: «سنعود. لن نستسلم» ثم غادر. انتهى."
    assert texts(split_sentences(text), text) == ["قال: «سنعود. لن نستسلم» ثم غادر.", "انتهى."]
    # reversed marks in right-to-left text pair up too
    text = "قال: »سنعود. لن نستسلم« ثم غادر. انتهى."
    assert texts(split_sentences(text), text) == ["قال: »سنعود. لن نستسلم« ثم غادر.", "انتهى."]
    # a stray opening mark does not swallow the rest of the text
    text = "قال «سنعود. " + "ثم غادر الوفد. " * 40
    assert len(split_sentences(text)) > 30


def test_urls_emails_and_missing_spaces() -> None:
    text = "راسلونا على a.b@c.org. أو زوروا https://x.org/a?b=1. شكرا.وقال المدير.د.أحمد"
    assert texts(split_sentences(text), text) == [
        "راسلونا على a.b@c.org.",
        "أو زوروا https://x.org/a?b=1.",
        "شكرا.",
        "وقال المدير.",
        "د.أحمد",
    ]


def test_semicolon_is_a_sentence_stop_only_on_request() -> None:
    text = "تأخر القطار؛ إذ تعطلت الإشارات. وصل الركاب."
    assert texts(split_sentences(text), text) == ["تأخر القطار؛ إذ تعطلت الإشارات.", "وصل الركاب."]
    assert texts(split_sentences(text, semicolon=True), text) == [
        "تأخر القطار؛",
        "إذ تعطلت الإشارات.",
        "وصل الركاب.",
    ]


def test_bom_crlf_and_invisible_marks_stay_outside_sentences() -> None:
    text = "\ufeffالعنوان\r\n\u200fالجملة الأولى.\u200f \u200bالثانية!\r\n"
    assert texts(split_sentences(text), text) == ["العنوان", "الجملة الأولى.", "الثانية!"]


# --- Translation pieces ------------------------------------------------------------------------

LONG = (
    "وأعلنت وزارة الصحة تسجيل 120 إصابة جديدة بالفيروس، وقالت إن معظم المصابين من الأطفال، كما أكدت أن "
    "المستشفيات قادرة على استيعاب المرضى، ثم دعت المواطنين إلى الالتزام بالإجراءات الوقائية، بينما طالبت "
    "المعارضة بإغلاق المدارس فورا وتعويض الأسر المتضررة وفتح تحقيق في أسباب التأخر في الاستجابة."
)


def test_short_sentences_are_one_piece() -> None:
    assert translation_pieces("  جملة قصيرة.  ", 80) == [(2, 13)]
    assert translation_pieces("   ", 80) == []


def test_long_sentence_is_cut_at_commas_first() -> None:
    limit = estimate_subword_tokens(LONG) * 6 // 10  # one cut is enough: the comma nearest the middle
    parts = texts(translation_pieces(LONG, limit, estimate_subword_tokens), LONG)
    assert len(parts) == 2
    assert parts[0].endswith("استيعاب المرضى،") and parts[1].startswith("ثم دعت")
    assert all(estimate_subword_tokens(p) <= limit for p in parts)
    smaller = texts(translation_pieces(LONG, 20, estimate_subword_tokens), LONG)
    assert all(p.endswith(("،", ".")) for p in smaller)  # every cut after a comma
    assert " ".join(smaller) == LONG


def test_without_commas_cut_before_clause_openers() -> None:
    text = (
        "وأشار التقرير إلى أن الصادرات ارتفعت بنسبة 4.2% خلال العام الماضي وأن الواردات تراجعت بنسبة 1.8% "
        "وأن العجز التجاري انخفض إلى أدنى مستوى له منذ عام 2015 وأوضح أن هذا التحسن يعود إلى ارتفاع أسعار "
        "النفط وزيادة الطلب العالمي على المنتجات الزراعية والصناعية."
    )
    whole = estimate_subword_tokens(text)
    parts = texts(translation_pieces(text, whole * 7 // 10), text)
    assert len(parts) == 2 and parts[1].startswith("وأوضح")  # a reporting verb beats the complementizer وأن
    parts = texts(translation_pieces(text, whole * 4 // 10), text)
    assert [p.split()[0] for p in parts[1:]] == ["وأن", "وأوضح"]


def test_no_clause_boundary_left_whole_unless_far_too_long() -> None:
    text = " ".join(["كلمة"] * 30)
    assert translation_pieces(text, 40) == [(0, len(text))]
    pieces = translation_pieces(text, 20)  # 45 tokens > 2 × 20: cut at word boundaries
    assert len(pieces) >= 2 and all(text[a:b].split() for a, b in pieces)


def test_counter_is_used() -> None:
    calls: list[str] = []

    def count(s: str) -> int:
        calls.append(s)
        return len(s.split())

    translation_pieces(LONG, 10, count)
    assert calls and calls[0] == LONG


# --- Normalisation and tokens ------------------------------------------------------------------


def test_normalize_more_variants() -> None:
    assert normalize("ٱلْكِتَاب") == normalize("الكتاب")  # alef wasla
    assert normalize("ﺍﻟﻌﺮﺑﻴﺔ") == normalize("العربية")  # presentation forms (PDF copies)
    assert normalize("ﻻ") == "لا"
    assert normalize("می\u200cخواهم") == normalize("ميخواهم")  # zero-width non-joiner
    assert normalize("ۃ") == normalize("ة") == "ه"
    assert normalize("الإسلامیة") == normalize("الاسلامية")


def test_joiner_inside_a_word_and_invisible_marks_between_words() -> None:
    text = "\ufeffمی\u200cخواهم \u200fكتاب\u200f"
    got = [(text[a:b], kind) for a, b, kind in iter_tokens(text)]
    assert got == [("می\u200cخواهم", "arabic"), ("كتاب", "arabic")]
