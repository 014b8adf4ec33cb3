"""Case endings: text2tashkeel's vote, pausal reading, and scoring against several accepted readings."""

from __future__ import annotations

import numpy as np
import pytest

from models.__main__ import main
from models.vowels import Vowels, get_diacritizer, pausal, vowels
from models.vowels import diacritizer as diacritizer_module
from models.vowels import second as second_module
from models.vowels.diacritizer import vote
from models.vowels.engine import (
    CLASS_INDEX,
    CLASSES,
    DAMMA,
    DAMMATAN,
    FATHA,
    FATHATAN,
    KASRA,
    KASRATAN,
    LETTERS,
    SHADDA,
    SUKUN,
    canon,
)
from models.vowels.pausal import ENDINGS
from models.vowels.score import Score, word_classes

# --- the vote -------------------------------------------------------------------------------------


def test_the_second_opinion_wins_only_where_dengjen_hesitated() -> None:
    p = np.full(len(CLASSES), 0.001, dtype=np.float32)
    p[CLASS_INDEX[FATHA]], p[CLASS_INDEX[KASRA]] = 0.6, 0.3  # log ratio 0.69 < 1.5
    assert vote(p, None) == FATHA
    assert vote(p, KASRA) == KASRA
    assert vote(p, KASRA, weight=0.5) == FATHA
    sure = np.full(len(CLASSES), 0.001, dtype=np.float32)
    sure[CLASS_INDEX[FATHA]], sure[CLASS_INDEX[KASRA]] = 0.97, 0.01  # log ratio 4.6
    assert vote(sure, KASRA) == FATHA
    assert vote(p, "not a class") == FATHA


def test_the_models_output_is_read_as_probabilities() -> None:
    engine = get_diacritizer().engine
    assert engine is not None
    text = "ذهب الولد إلى المدرسة"
    letters = diacritizer_module.letters_of(text)
    p = engine.probabilities(text, letters)
    assert np.allclose(p.sum(-1), 1.0, atol=1e-4)
    assert (p.max(-1) > 0.9).mean() > 0.8  # mostly sure, as a softmax of a softmax never is


def test_rawi_classes_line_up_with_text2tashkeels_own_output() -> None:
    from text2tashkeel import Diacritizer

    rawi = get_diacritizer().second
    assert rawi is not None
    reference = Diacritizer()
    for text in ["أعلنت الحكومة عن خطة جديدة لدعم الاقتصاد", "وقال الوزير: إن المحادثات ستستمر (2024)."]:
        letters = diacritizer_module.letters_of(text)
        ours = rawi.classes(text, letters)
        theirs = [canon(m) for _letter, m in word_classes(reference.diacritize(text))]
        assert len(theirs) == len(letters)
        assert [c or "" for c in ours] == [c or "" for c in theirs]


def test_without_text2tashkeel_dengjen_decides_alone(
    clean_registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise ImportError("text2tashkeel is not installed (pip install -r requirements.txt)")

    monkeypatch.setattr(second_module, "model_folder", missing)
    loaded = get_diacritizer()
    assert loaded.ok and loaded.second is None
    assert vowels("ذهب الولد إلى المدرسة.").voweled == "ذَهَبَ الْوَلَدُ إِلَى الْمَدْرَسَةِ."


# --- pausal reading -------------------------------------------------------------------------------


def last_marks(word: str) -> str:
    """The marks on a word's last Arabic letter."""
    classes = word_classes(word)
    return classes[-1][1] if classes else ""


def words_before(text: str, pauses: str = ".،,؛:!؟?") -> tuple[list[str], list[str]]:
    """(words right before a pause or a line end, the other words) of `text`, punctuation removed."""
    at_pause, inside = [], []
    for line in text.split("\n"):
        tokens = line.split()
        for k, token in enumerate(tokens):
            bare = token.strip('«»"()')
            word = bare.rstrip(pauses)
            if not any(c in LETTERS for c in word):
                continue
            (at_pause if bare != word or k == len(tokens) - 1 else inside).append(word)
    return at_pause, inside


TEXT = (
    "كتب الولد الدرس في المدرسة، ثم قرأ كتابا جديدا.\n"
    "وقال الوزير إن الحكومة ستدعم المشروع؛ فهل يوافق البرلمان؟\n"
    "وصل الرئيس إلى العاصمة «صباح اليوم» واستقبله الملك"
)


def test_no_case_ending_before_a_pause_and_words_inside_a_phrase_keep_theirs() -> None:
    full = vowels(TEXT)
    read = pausal(full)
    at_pause, inside = words_before(read.voweled)
    assert len(at_pause) == 5 and len(inside) > 15
    for word in at_pause:
        assert not set(last_marks(word)) & ENDINGS, word
    assert "جَدِيدا" in read.voweled and "جَدِيدًا" not in read.voweled  # a final alif's tanween goes too
    full_at_pause, full_inside = words_before(full.voweled)
    assert inside == full_inside  # every word inside a phrase exactly as before, case ending included
    assert sum(bool(set(last_marks(w)) & ENDINGS) for w in full_inside) > 10
    assert (
        sum(bool(set(last_marks(w)) & ENDINGS) for w in full_at_pause) >= 3
    )  # there was something to take off
    assert read.text == full.text and set(read.added) <= set(full.added)


def test_pausal_keeps_what_the_author_wrote_and_the_shadda() -> None:
    read = pausal(vowels("قرأ الولدُ. جاء المدرّس"))
    words = read.voweled.split()
    assert words[1] == "الْوَلَدُ."  # the author's damma stays at a pause
    assert "رّ" in words[-1].replace(SHADDA + FATHA, SHADDA) and not set(last_marks(words[-1])) & ENDINGS
    doubled = Vowels("عدو.", {1: FATHA, 2: DAMMA, 3: SHADDA + DAMMATAN})
    assert pausal(doubled).voweled == "عَدُوّ."
    for mark in (FATHA, DAMMA, KASRA, FATHATAN, DAMMATAN, KASRATAN):
        assert pausal(Vowels("كتب", {3: mark})).added == {}  # the end of the text is a pause
        assert pausal(Vowels("كتب ولد", {3: mark})).added == {3: mark}
        assert pausal(Vowels("كتب»\nولد", {3: mark})).added == {}  # a line end, after a closing quote
    assert pausal(Vowels("كتب", {3: SUKUN})).added == {3: SUKUN}


def test_pausal_only_takes_case_endings_off() -> None:
    full = vowels(TEXT)
    read = pausal(full)
    for i, marks in full.added.items():
        kept = read.added.get(i, "")
        assert set(kept) <= set(marks) and set(marks) - set(kept) <= ENDINGS


# --- scoring with several accepted readings --------------------------------------------------------


def test_a_word_is_right_if_it_matches_any_accepted_reading() -> None:
    s = Score()
    s.add_line_any(["مِنْ الْبَيْتِ", "مِنَ الْبَيْتِ"], "مِنَ الْبَيْتِ")
    assert s.words == 2 and s.word_errors == 0 and s.letter_errors == 0
    t = Score()
    t.add_line_any(["كَتَبَ", "كَتَبْ"], "كَتِبُ")  # wrong against both; closest has 2 letter errors
    assert t.word_errors == 1 and t.letter_errors == 2 and t.word_errors_noce == 1
    u = Score()
    u.add_line_any(["إِسْتْرَاتِيجِيَّةٌ", "اسْتِرَاتِيجِيَّةٌ"], "اسْتِرَاتِيجِيَّةُ")  # other spelling left out
    assert u.word_errors == 1 and u.word_errors_noce == 0
    with pytest.raises(ValueError):
        Score().add_line_any(["كَتَبَ"], "كَتَبَ وَلَدٌ")
    with pytest.raises(ValueError):
        Score().add_line_any(["كَتَبَ"], "كَتَمَ")


def test_the_command_reads_pausally_on_request(tmp_path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    path = tmp_path / "in.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["vowelize", "--pausal", str(path)]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == pausal(vowels(TEXT)).voweled
    assert main(["vowelize", str(path)]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == vowels(TEXT).voweled
