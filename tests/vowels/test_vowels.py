"""models.vowels: the scorer, the conventions, the span API, the model and `python -m models vowelize`."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import registry
from models.__main__ import main
from models.lexicon.lexicon import Analysis
from models.vowels import Vowels, VowelsUnavailable, get_diacritizer, vowelize, vowels
from models.vowels import diacritizer as diacritizer_module
from models.vowels import engine as engine_module
from models.vowels.diacritizer import conventions, lexicon_tiebreak
from models.vowels.engine import (
    CLASS_INDEX,
    CLASSES,
    DAMMA,
    FATHA,
    KASRA,
    MARKS,
    SHADDA,
    SUKUN,
    canon,
    chunks,
)
from models.vowels.score import score_lines, strip_marks, word_classes

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "seeds" / "japan-canada-intelligence.txt"


def only_marks_added(source: str, result: str) -> bool:
    """Whether `result` is `source` with diacritics inserted after letters (or after marks) only."""
    i = 0
    for ch in result:
        if i < len(source) and ch == source[i]:
            i += 1
        elif ch in MARKS and i > 0:
            continue
        else:
            return False
    return i == len(source)


# --- the scorer ---------------------------------------------------------------------------------


def test_identical_text_scores_zero_and_counts_only_arabic_letters_and_words() -> None:
    gold = "ذَهَبَ الْوَلَدُ إِلَى 3 مَدَارِسَ ."
    s = score_lines([gold], [gold])
    assert (s.der, s.wer) == (0.0, 0.0)
    assert s.words == 4  # "3" and "." are not words
    assert s.letters == len("ذهبالولدإلىمدارس")


def test_one_wrong_letter_and_the_case_ending() -> None:
    gold = "ذَهَبَ الْوَلَدُ"
    wrong_inside = "ذَهِبَ الْوَلَدُ"
    wrong_ending = "ذَهَبَ الْوَلَدَ"
    s = score_lines([gold], [wrong_inside])
    assert s.letter_errors == 1 and s.word_errors == 1 and s.wer == 50.0
    assert s.word_errors_noce == 1
    e = score_lines([gold], [wrong_ending])
    assert e.word_errors == 1 and e.word_errors_noce == 0 and e.letter_errors_noce == 0
    assert e.letters_noce == e.letters - 2  # each word's last letter left out


def test_a_missing_mark_is_an_error_and_mark_order_does_not_matter() -> None:
    assert score_lines(["الْوَلَدُ"], ["الوَلَدُ"]).letter_errors == 1  # "no diacritic" is a class
    assert score_lines(["شَدَّ"], ["شَدَّ".replace("َّ", "َّ"[::-1])]).letter_errors == 0
    assert word_classes("مَدَّ") == [("م", FATHA), ("د", "".join(sorted(SHADDA + FATHA)))]


def test_different_letters_or_words_are_refused() -> None:
    with pytest.raises(ValueError):
        score_lines(["كَتَبَ"], ["قَتَبَ"])
    with pytest.raises(ValueError):
        score_lines(["كَتَبَ وَلَدٌ"], ["كَتَبَ"])
    with pytest.raises(ValueError):
        score_lines(["a", "b"], ["a"])


def test_scores_add_up() -> None:
    a = score_lines(["ذَهَبَ"], ["ذَهِبَ"])
    a += score_lines(["الْوَلَدُ"], ["الْوَلَدُ"])
    assert (a.words, a.word_errors, a.letters, a.letter_errors) == (2, 1, 8, 1)
    assert strip_marks("ذَهَبَ هَٰذَا") == "ذهب هذا"


# --- classes and conventions (no model) ---------------------------------------------------------


def probs_for(classes: list[str]) -> np.ndarray:
    p = np.full((len(classes), len(CLASSES)), 0.01, dtype=np.float32)
    for k, c in enumerate(classes):
        p[k, CLASS_INDEX[c]] = 0.9
    return p


def test_canon_orders_shadda_first_and_refuses_non_classes() -> None:
    assert canon(FATHA + SHADDA) == SHADDA + FATHA
    assert canon([]) == ""
    assert canon(FATHA + KASRA) is None
    assert canon(SHADDA + SUKUN) is None


def test_no_helping_vowel_before_hamzat_al_wasl() -> None:
    assert conventions("من", [KASRA, FATHA], "الْ", probs_for([KASRA, FATHA])) == [KASRA, SUKUN]
    assert conventions("من", [KASRA, FATHA], "هنا", probs_for([KASRA, FATHA])) == [KASRA, FATHA]
    verb = [FATHA, SUKUN, FATHA, FATHA, KASRA]  # أَعْلَنَتِ
    assert conventions("أعلنت", verb, "الأكاديمية", probs_for(verb))[-1] == SUKUN
    noun = [FATHA, SUKUN, KASRA]  # وَقْتِ: a case ending, not a helping vowel
    assert conventions("وقت", noun, "الحرب", probs_for(noun))[-1] == KASRA


def test_article_lam_long_vowels_hamza_below_and_bare_endings() -> None:
    word = [FATHA, "", "", FATHA, FATHA, DAMMA]  # والقمر with a bare lam
    assert conventions("والقمر", word, "", probs_for(word))[2] == SUKUN
    sun = ["", "", SHADDA + FATHA, SUKUN, DAMMA]  # الشمس: the lam of a sun letter stays bare
    assert conventions("الشمس", sun, "", probs_for(sun))[1] == ""
    assert (
        conventions("فيلم", [KASRA, SUKUN, SUKUN, DAMMA], "", probs_for([KASRA, SUKUN, SUKUN, DAMMA]))[1]
        == ""
    )
    assert conventions("إلى", ["", FATHA, ""], "", probs_for(["", FATHA, ""]))[0] == KASRA
    bare = [FATHA, FATHA, ""]
    p = probs_for(bare)
    p[2, CLASS_INDEX[KASRA]] = 0.5  # the best mark after "none"
    assert conventions("كتب", bare, "", p)[2] == KASRA
    assert (
        conventions("رسالة", [KASRA, "", "", FATHA, DAMMA], "", probs_for([KASRA, "", "", FATHA, DAMMA]))[1]
        == FATHA
    )


def test_the_lexicon_breaks_near_ties_only() -> None:
    def reading(prefix: str, stem: str, voweled: str) -> Analysis:
        return Analysis("", "VERB", "", prefix, stem, "", "buckwalter", voweled)

    readings = [reading("و", "تصدر", "وَ+تَصَدَّرَ"), reading("و+ت", "صدر", "وَ+تَصْدُر")]
    model = [FATHA, FATHA, SUKUN, SHADDA + KASRA, DAMMA]  # وَتَصْدِّرُ, not a word
    p = probs_for(model)
    p[2, CLASS_INDEX[SUKUN]], p[2, CLASS_INDEX[FATHA]] = 0.5, 0.4
    p[3, CLASS_INDEX[SHADDA + KASRA]], p[3, CLASS_INDEX[SHADDA + FATHA]] = 0.5, 0.45
    assert lexicon_tiebreak(readings, "وتصدر", model, p) == [FATHA, FATHA, FATHA, SHADDA + FATHA, DAMMA]
    sure = probs_for(model)  # the model is sure: its form stays
    assert lexicon_tiebreak(readings, "وتصدر", model, sure) == model
    assert lexicon_tiebreak(readings, "وتصدرت", model + [SUKUN], probs_for(model + [SUKUN])) == model + [
        SUKUN
    ]


def test_spans_and_parts_show_what_was_added() -> None:
    v = Vowels("كتب ولد", {1: FATHA, 2: FATHA, 3: FATHA, 5: FATHA, 6: FATHA, 7: DAMMA})
    assert v.voweled == "كَتَبَ وَلَدُ"
    assert v.span(4, 7) == "وَلَدُ"
    assert v.parts(0, 3) == [
        ("ك", False),
        (FATHA, True),
        ("ت", False),
        (FATHA, True),
        ("ب", False),
        (FATHA, True),
    ]
    assert v.span(0, 0) == ""


def test_chunks_cover_the_text_and_stay_short() -> None:
    text = ("كلمة " * 300) + ". جملة قصيرة؟ وأخرى\nسطر"
    pieces = list(chunks(text, limit=100))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(pieces))
    assert all(hi - lo <= 100 for lo, hi in pieces)


# --- the model ----------------------------------------------------------------------------------


def test_the_model_is_read_from_the_wheel_and_agrees_with_dengjens_own_decoding() -> None:
    from dengjen_tashkeel_py import tashkeel

    sentences = [
        "ذهب الولد إلى المدرسة صباحا",
        "أعلنت الحكومة عن خطة جديدة لدعم الاقتصاد الوطني",
        "وقال وزير الخارجية إن المحادثات ستستمر الأسبوع المقبل",
    ]
    engine = get_diacritizer().engine
    assert engine is not None
    same = total = 0
    for s in sentences:
        letters = diacritizer_module.letters_of(s)
        ours = [CLASSES[int(k)] for k in engine.probabilities(s, letters).argmax(-1)]
        theirs = [c for _letter, c in word_classes(tashkeel(s)) for c in [canon(c) or ""]]
        assert len(theirs) == len(ours)
        same += sum(a == b for a, b in zip(ours, theirs))
        total += len(ours)
    assert same / total > 0.97


def test_a_simple_sentence() -> None:
    assert vowelize("ذهب الولد إلى المدرسة.") == "ذَهَبَ الْوَلَدُ إِلَى الْمَدْرَسَةِ."


def test_written_marks_are_kept_and_completed() -> None:
    text = "كتّب الولدُ"
    out = vowelize(text)
    assert only_marks_added(text, out)
    assert "الْوَلَدُ" in out and "تّ" in out.replace("َّ", "ّ").replace("ِّ", "ّ").replace("ُّ", "ّ")


ARABIC = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
alphabet = st.sampled_from(
    list(ARABIC) * 4 + list('  \n\t.،؟!"()-:0123456789abcQ') + ["ـ", "ٰ", "\u200f"] + list(MARKS)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet, max_size=120))
def test_only_marks_are_added_line_for_line_and_word_for_word(text: str) -> None:
    out = vowelize(text)
    assert only_marks_added(text, out)
    assert out.count("\n") == text.count("\n")
    for a, b in zip(text.split("\n"), out.split("\n"), strict=True):
        assert len(a.split()) == len(b.split())
        assert strip_marks(a) == strip_marks(b)


def test_the_sample_article() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    v = vowels(text)
    assert only_marks_added(text, v.voweled)
    words = text.split()
    voweled_words = v.voweled.split()
    marked = sum(any(c in MARKS for c in w) for w in voweled_words)
    assert len(voweled_words) == len(words) and marked / len(words) > 0.9


# --- loading and the command line ---------------------------------------------------------------


def test_the_diacritizer_is_loaded_once(clean_registry: None) -> None:
    assert get_diacritizer() is get_diacritizer()
    assert get_diacritizer().ok


def test_a_missing_package_is_a_message_not_a_crash(
    clean_registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> Path:
        raise ImportError("dengjen-tashkeel-py is not installed (pip install -r requirements.txt)")

    monkeypatch.setattr(engine_module, "library_path", missing)
    loaded = get_diacritizer()
    assert not loaded.ok and "dengjen-tashkeel-py is not installed" in loaded.message
    with pytest.raises(VowelsUnavailable):
        vowelize("كتب")
    registry.reset()


def test_no_model_in_the_bytes_is_refused() -> None:
    with pytest.raises(ValueError):
        engine_module.extract_onnx(b"\x00" * 100)


def test_command_line(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    text = "ذهب الولد إلى المدرسة.\n\nكتب محمد رسالة (مهمة) في 2024!\r\nسطر"
    path = tmp_path / "in.txt"
    path.write_bytes(text.encode("utf-8"))
    assert main(["vowelize", str(path)]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert out == vowelize(text)
    assert only_marks_added(text, out)
    assert main(["vowelize", str(tmp_path / "missing.txt")]) == 2
    path.write_bytes("كتب".encode("cp1256"))
    assert main(["vowelize", str(path)]) == 2
