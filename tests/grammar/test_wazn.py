"""Roots by pattern (`models.grammar.wazn`), on arramooz's root list and Buckwalter's lemma headers as
installed: masdars and participles qalsadi lacks get their root; loanwords and nisbas of foreign names
stay without one."""

from __future__ import annotations

import pytest

from models.grammar import get_roots
from models.grammar.wazn import attested_roots, by_pattern, headers, letters, pattern_roots
from models.lexicon.lexicon import get_lexicon
from models.text.arabic import strip_tashkeel


@pytest.mark.parametrize(
    ("lemma", "root"),
    [
        ("اِجْتِماع", "جمع"),  # افتعال
        ("اِئْتِلاف", "ءلف"),  # افتعال of a first-hamza root; Buckwalter files it under ءلب, arramooz أنف
        ("اِتِّحاد", "وحد"),  # VIII with the و assimilated
        ("اِضْطِراب", "ضرب"),  # VIII, ت → ط after an emphatic
        ("اِزْدِراء", "زري"),  # VIII, ت → د after ز; a final weak radical written ء
        ("حُصُول", "حصل"),
        ("خُصُوص", "خصص"),  # a doubled root, Buckwalter's header xS
        ("فائِز", "فوز"),  # a hollow root's hamza in فاعل
        ("إِيجاد", "وجد"),  # إفعال of a first-weak root
        ("مُؤَقَّت", "وقت"),  # مفعّل, the shadda read as the doubled slot
        ("تَعْزِيز", "عزز"),
        ("اِسْتَفاد", "فيد"),  # X of a hollow root
        ("اِجْتِماعِيّ", "جمع"),  # a nisba of a masdar
        ("إِضافِيّ", "ضيف"),
    ],
)
def test_a_pattern_gives_the_root(lemma: str, root: str) -> None:
    assert by_pattern(lemma) == root


@pytest.mark.parametrize(
    "lemma",
    ["فِيلْم", "دُكْتُور", "بَرْنامَج", "مِلْيُون", "سُوبَر", "إِيرانِيّ", "أَمْرِيكِيّ", "فَرَنْسِيّ", "أَسِيَوِيّ"],
)
def test_loanwords_and_nisbas_of_foreign_names_have_none(lemma: str) -> None:
    # مليون fits مفعول (لين) and إيراني إفعال (ءرن); Buckwalter's header or the nisba rule turns them down
    assert by_pattern(lemma) is None


def test_a_pattern_root_must_be_attested() -> None:
    assert "جمع" in attested_roots() and "فلم" not in attested_roots()  # فيلم: arramooz's جامد stem
    assert letters("مُؤَقَّت") == "مءققت"
    assert [r for r, _fixed in pattern_roots("بَرْنامَج")] == []


def test_buckwalters_headers_are_read_as_roots() -> None:
    assert headers()["حُصُول"] == {"حصل"}
    assert headers()["مُفْتِي"] == {"فتو", "فتي"}  # ftw/y


@pytest.mark.parametrize(
    ("word", "lemma", "pos", "root"),
    [
        ("الاجتماع", "اِجْتِماع", "NOUN", "جمع"),  # qalsadi's root جم.ع, cleaned
        ("الحصول", "حُصُول", "NOUN", "حصل"),  # qalsadi has none
        ("خاصة", "خاصّ", "ADJ", "خصص"),  # not qalsadi's خوص, the root of the verb خاص
        ("أكد", "أَكَّد", "VERB", "ءكد"),  # arramooz's ءكد،وكد: the first counts
    ],
)
def test_roots_fall_back_on_the_pattern(word: str, lemma: str, pos: str, root: str) -> None:
    reading = next(r for r in get_lexicon().analyze(word) if strip_tashkeel(r.lemma) == strip_tashkeel(lemma))
    assert get_roots().root(word, reading.lemma, pos) == root  # the lemma as the lexicon writes it


def test_a_rootless_lemmas_forms_have_none_and_homographs_keep_theirs() -> None:
    roots = get_roots()
    assert roots.root("أفلام", "فِيلْم", "NOUN") is None  # qalsadi's فلم for the word: فيلم's letters
    lexicon = get_lexicon()
    began = next(r for r in lexicon.analyze("بدأ") if r.pos == "VERB")
    seemed = next(r for r in lexicon.analyze("بدا") if r.pos == "VERB")
    assert roots.root("بدأ", began.lemma, "VERB") == "بدء"
    assert roots.root("بدا", seemed.lemma, "VERB") == "بدو"  # not the cache's بدء: the lemmas differ
