"""Token annotation and the glossary, on small hand-built documents and the real lexicon."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from models.document import Document, Entity, EntityLabel, Sentence, Token
from models.lexicon.lexicon import Lexicon, get_lexicon
from models.study.glossary import annotate_tokens, build_glossary, entity_key, word_key
from models.text.arabic import normalize, tokenize
from models.text.segment import split_sentences

TEXT = (
    "اتفقت اليابان وكندا على تبادل المعلومات. "
    "وقال وزير الخارجية إن المعلـومات مهمة لكندا ششششش. "
    "ووصل وزير كَندا إلى طوكيو ومعه المعلومات xyz 2024."
)


def make_doc(
    text: str, entities: Sequence[tuple[str, int, EntityLabel, str | None, str | None]] = ()
) -> Document:
    """A Document with sentences and tokens; `entities` as (surface, occurrence, label, key, english)."""
    doc = Document(text=text)
    for index, (start, end) in enumerate(split_sentences(text)):
        tokens = tokenize(text, start, end)
        doc.sentences.append(Sentence(index, start, end, text[start:end], tokens))
    for surface, occurrence, label, key, english in entities:
        at = -1
        for _ in range(occurrence + 1):
            at = text.index(surface, at + 1)
        sentence = next(s for s in doc.sentences if s.start <= at < s.end)
        sentence.entities.append(Entity(at, at + len(surface), label, surface, key, english))
    return doc


ENTITIES = [
    ("اليابان", 0, "LOC", "name:اليابان", "Japan"),
    ("كندا", 0, "LOC", "name:كندا", "Canada"),  # inside وكندا: the entity leaves out و
    ("كندا", 1, "LOC", "name:كندا", "Canada"),  # inside لكندا
    ("كَندا", 0, "LOC", "name:كندا", "Canada"),  # voweled, same key
    ("طوكيو", 0, "LOC", None, None),  # no key, no English: fallbacks
]


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return get_lexicon()


@pytest.fixture()
def doc(lex: Lexicon) -> Document:
    d = make_doc(TEXT, ENTITIES)
    annotate_tokens(d, lex)
    return d


def tokens(doc: Document) -> dict[str, Token]:
    return {t.text: t for s in doc.sentences for t in s.tokens}


def test_document_shape() -> None:
    d = make_doc(TEXT, ENTITIES)
    assert [len(s.entities) for s in d.sentences] == [2, 1, 2]


def test_words_get_lemma_gloss_key(doc: Document) -> None:
    t = tokens(doc)
    assert t["المعلومات"].key == "word:معلومه" == word_key(t["المعلومات"].lemma)
    assert "information" in t["المعلومات"].gloss and t["المعلومات"].pos == "NOUN"
    assert t["المعلـومات"].key == t["المعلومات"].key  # tatweel
    assert t["وزير"].gloss == "minister"
    assert t["على"].pos == "PREP"
    assert t["اتفقت"].key == "word:اتفق"


def test_unknown_word_keyed_by_surface(doc: Document) -> None:
    t = tokens(doc)["ششششش"]
    assert (t.key, t.lemma, t.pos, t.gloss) == ("word:ششششش", None, None, None)


def test_non_arabic_tokens_untouched(doc: Document) -> None:
    for s in doc.sentences:
        for t in s.tokens:
            if t.kind != "arabic":
                assert (t.key, t.lemma, t.gloss) == (None, None, None), t


def test_tokens_in_entities_show_the_name(doc: Document) -> None:
    t = tokens(doc)
    for surface in ("وكندا", "لكندا", "كَندا"):
        assert (t[surface].key, t[surface].gloss, t[surface].pos) == ("name:كندا", "Canada", "PROPN")
    assert t["اليابان"].key == "name:اليابان" and t["اليابان"].gloss == "Japan"
    # no English name given: the lexicon's proper-noun reading stands in
    assert t["طوكيو"].key == "name:طوكيو" == entity_key(doc.sentences[2].entities[1])
    assert t["طوكيو"].gloss == "Tokyo"


def test_name_without_english_and_unknown_to_lexicon(lex: Lexicon) -> None:
    d = make_doc("وصلت ميلاني إلى المدينة.", [("ميلاني", 0, "PER", None, None)])
    annotate_tokens(d, lex)
    melanie = d.sentences[0].tokens[1]
    assert melanie.key == "name:ميلاني" and melanie.pos == "PROPN"
    assert melanie.gloss is None  # the lexicon reads these letters as a verb; not shown for a name


def test_glossary_entries(doc: Document) -> None:
    entries = build_glossary(doc)
    by_key = {e.key: e for e in entries}
    assert len(by_key) == len(entries), "one entry per key"

    canada = by_key["name:كندا"]
    assert (canada.kind, canada.count, canada.first_sentence, canada.gloss, canada.label) == (
        "name",
        3,
        0,
        "Canada",
        "LOC",
    )
    assert canada.forms == ["كندا", "كَندا"] and canada.lemma == "كندا"
    tokyo = by_key["name:طوكيو"]
    assert (tokyo.count, tokyo.first_sentence, tokyo.gloss, tokyo.source) == (1, 2, "Tokyo", "buckwalter")

    info = by_key["word:معلومه"]
    assert info.kind == "word" and info.count == 3 and info.first_sentence == 0
    assert info.forms == ["المعلومات", "المعلـومات"]  # as written, most frequent first
    assert "information" in info.gloss and info.pos == "NOUN" and info.source == "buckwalter"
    assert normalize(info.lemma) == "معلومه"

    minister = by_key["word:وزير"]
    assert (minister.count, minister.first_sentence, minister.forms) == (2, 1, ["وزير"])

    unknown = by_key["word:ششششش"]
    assert (unknown.gloss, unknown.lemma, unknown.count, unknown.source) == (None, "ششششش", 1, None)

    # names are not also listed as words
    assert not any(k in by_key for k in ("word:كندا", "word:لكندا", "word:اليابان", "word:طوكيو"))


def test_glossary_order(doc: Document) -> None:
    entries = build_glossary(doc)
    kinds = [e.kind for e in entries]
    assert kinds == sorted(kinds, key=lambda k: k != "name"), "names first"
    assert [e.key for e in entries if e.kind == "name"] == ["name:كندا", "name:اليابان", "name:طوكيو"]
    words = [e for e in entries if e.kind == "word"]
    assert [e.key for e in words[:2]] == ["word:معلومه", "word:وزير"]
    assert [e.count for e in words] == sorted((e.count for e in words), reverse=True)
    # equal counts: order of first appearance
    ones = [e.key for e in words if e.count == 1]
    assert ones[:3] == ["word:اتفق", "word:علي", "word:تبادل"]


def test_every_token_key_has_an_entry(doc: Document) -> None:
    keys = {e.key for e in build_glossary(doc)}
    arabic = [t for s in doc.sentences for t in s.tokens if t.kind == "arabic"]
    assert arabic and all(t.key in keys for t in arabic)


def test_unannotated_document() -> None:
    d = make_doc("كلمة كلمة أخرى.")
    entries = build_glossary(d, lexicon=Lexicon(buckwalter=False, freedict=False))
    assert [(e.key, e.count, e.gloss) for e in entries] == [("word:كلمه", 2, None), ("word:اخري", 1, None)]


def test_serialises(doc: Document) -> None:
    doc.glossary = build_glossary(doc)
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    assert Document.from_dict(data) == doc


def test_tokens_and_entries_carry_a_transliteration(doc: Document) -> None:
    t = tokens(doc)
    assert t["المعلومات"].translit == "al-maʿlūmāt"
    assert t["وزير"].translit == "wazīr"
    assert t["وكندا"].translit.startswith("wa-")  # a name keeps its proclitic in the transliteration
    assert t["ششششش"].translit == "shshshshsh"  # unknown: consonantal fallback
    assert all(tok.translit is None for s in doc.sentences for tok in s.tokens if tok.kind != "arabic")
    by_key = {e.key: e for e in build_glossary(doc)}
    assert by_key["word:معلومه"].translit == "maʿlūmah"  # of the voweled lemma
    assert by_key["name:كندا"].translit == "kanadā"  # the lexicon's vowels for a name it knows
    assert by_key["name:طوكيو"].translit == "tūkiyū"


def test_context_picks_the_reading(lex: Lexicon) -> None:
    d = make_doc("وقعت كارثة فوكوشيما عام 2011. وقال الأمين العام إن الوضع خطير.")
    annotate_tokens(d, lex)
    t = tokens(d)
    assert t["عام"].gloss.startswith("year") and t["العام"].gloss.startswith("general")


def test_names_take_the_translations_english_unless_a_gazetteer_lists_them() -> None:
    from models.study.glossary import names_from_alignment

    text = "وقالت جولي إن كندا مستعدة."
    doc = Document(text=text)
    ((a, b),) = split_sentences(text)
    tokens = tokenize(text, a, b)
    sentence = Sentence(0, a, b, text[a:b], tokens)
    joly = Entity(6, 10, "PER", "جولي", "name:جولي", "Giuly")
    canada = Entity(14, 18, "LOC", "كندا", "name:كندا", "Canada")
    sentence.entities = [joly, canada]
    doc.sentences.append(sentence)
    annotate_tokens(doc, get_lexicon())
    doc.glossary = build_glossary(doc)
    entries = {g.key: g for g in doc.glossary}
    entries["name:جولي"].context_gloss = "Joly"
    entries["name:كندا"].context_gloss = "Ottawa"  # a wrong alignment must not beat the gazetteer
    names_from_alignment(doc, listed=lambda key: key == "name:كندا")
    assert entries["name:جولي"].gloss == "Joly" and entries["name:جولي"].source == "alignment"
    assert joly.english == "Joly" and tokens[1].gloss == "Joly"
    assert entries["name:كندا"].gloss == "Canada" and canada.english == "Canada"
    # something that does not look like a name is not taken
    entries["name:جولي"].context_gloss = "said that"
    names_from_alignment(doc, listed=lambda key: False)
    assert entries["name:جولي"].gloss == "Joly"
