"""Reader markup: structure (parsed, not golden strings), entity marks, escaping."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from components.markup import render_arabic, render_english, token_cards
from components.reader import reader_payload
from models.document import Document, Entity, Sentence
from models.interlinear import interlinear_glosses
from models.pipeline import analyze
from models.text.arabic import tokenize
from models.text.segment import split_sentences


def make_doc(text: str, entities: list[tuple[str, str]] = ()) -> Document:
    """A document with sentences and tokens; `entities` are (surface, label), found by position."""
    doc = Document(text=text)
    for i, (a, b) in enumerate(split_sentences(text)):
        doc.sentences.append(Sentence(i, a, b, text[a:b], tokenize(text, a, b)))
    for surface, label in entities:
        start = text.index(surface)
        sent = next(s for s in doc.sentences if s.start <= start < s.end)
        sent.entities.append(Entity(start, start + len(surface), label, surface))
    return doc


class Tree(HTMLParser):
    """Collects elements with their attributes and text, and checks nesting."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[tuple[str, dict, list[str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        entry = (tag, dict(attrs), [])
        self.elements.append(entry)
        self.stack.append(entry)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, f"bad nesting at </{tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for entry in self.stack:
            entry[2].append(data)


def parse(markup: str) -> Tree:
    tree = Tree()
    tree.feed(markup)
    tree.close()
    assert not tree.stack, "unclosed elements"
    return tree


def test_one_option_per_sentence_with_the_text_intact() -> None:
    text = "اتفقت اليابان وكندا على بدء المحادثات. وقالت جولي إن كندا ستساعد."
    doc = make_doc(text)
    tree = parse(render_arabic(doc, selected=1))
    options = [(a, "".join(t)) for tag, a, t in tree.elements if a.get("role") == "option"]
    assert [o[1] for o in options] == [s.text for s in doc.sentences]
    assert [o[0]["aria-selected"] for o in options] == ["false", "true"]
    assert [o[0]["data-index"] for o in options] == ["0", "1"]
    # all characters of the text survive (the space between sentences included)
    assert "".join(tree.text) == text


def test_entity_after_a_proclitic_is_marked_without_the_proclitic() -> None:
    text = "اتفقت اليابان وكندا على بدء المحادثات."
    doc = make_doc(text, [("اليابان", "LOC"), ("كندا", "LOC")])
    tree = parse(render_arabic(doc, None))
    marks = [(a["data-entity"], "".join(t)) for tag, a, t in tree.elements if tag == "mark"]
    assert marks == [("LOC", "اليابان"), ("LOC", "كندا")]
    # the و of وكندا is its own word piece, pointing at the same token as كندا
    pieces = [(a["data-t"], "".join(t)) for tag, a, t in tree.elements if a.get("class") == "w"]
    assert ("2", "و") in pieces and ("2", "كندا") in pieces


def test_multiword_entity_spans_words_and_nests_properly() -> None:
    text = "زار الوزير الولايات المتحدة وكوريا الجنوبية."
    doc = make_doc(text, [("الولايات المتحدة", "LOC"), ("كوريا الجنوبية", "LOC")])
    tree = parse(render_arabic(doc, None))
    marks = ["".join(t) for tag, a, t in tree.elements if tag == "mark"]
    assert marks == ["الولايات المتحدة", "كوريا الجنوبية"]


def test_markup_in_the_text_is_shown_as_text() -> None:
    payload = '<script>alert(1)</script> <img src=x onerror="alert(2)"> قال "نعم" & لا.'
    doc = make_doc(payload)
    doc.sentences[0].translation = '<b onmouseover="x()">bold</b>'
    for markup in (render_arabic(doc, 0), render_english(doc, 0)):
        tree = parse(markup)
        tags = {tag for tag, _, _ in tree.elements}
        assert tags <= {"div", "span", "mark", "p"}, tags
        assert not any(k.startswith("on") for _, attrs, _ in tree.elements for k in attrs)
    assert "".join(parse(render_arabic(doc, 0)).text) == payload
    assert "<b onmouseover" in "".join(parse(render_english(doc, 0)).text)


def test_english_column_has_one_element_per_sentence_and_marks_the_current_one() -> None:
    doc = make_doc("جملة أولى. جملة ثانية. جملة ثالثة.")
    doc.sentences[0].translation = "First sentence."
    doc.sentences[2].translation_error = "The model could not translate this sentence."
    tree = parse(render_english(doc, selected=0))
    rows = [
        (a["data-sentence"], a.get("aria-current"), "".join(t))
        for _, a, t in tree.elements
        if "data-sentence" in a
    ]
    assert [r[0] for r in rows] == ["0", "1", "2"]
    assert [r[1] for r in rows] == ["true", None, None]
    assert "First sentence." in rows[0][2] and "…" in rows[1][2] and "could not translate" in rows[2][2]


def test_token_cards_line_up_with_word_indices() -> None:
    doc = make_doc("اتفقت اليابان. وكندا أيضا.")
    doc.sentences[1].tokens[0].gloss = "and Canada"
    cards = token_cards(doc)
    assert len(cards) == sum(len(s.tokens) for s in doc.sentences)
    tree = parse(render_arabic(doc, None))
    index = {int(a["data-t"]): "".join(t) for _, a, t in tree.elements if a.get("class") == "w"}
    assert cards[max(index)]["text"] == index[max(index)]
    assert cards[3]["text"] == "وكندا" and cards[3]["gloss"] == "and Canada"


def test_tashkeel_is_wrapped_so_it_can_be_hidden_without_moving_marks() -> None:
    text = "اتَّفَقَت اليَابَان وكَنَدَا."
    doc = make_doc(text, [("اليَابَان", "LOC")])
    tree = parse(render_arabic(doc, None))
    marks = [t for tag, a, t in tree.elements if a.get("class") == "tk"]
    assert marks and all(set("".join(m)) <= set("\u064e\u064f\u0650\u0651\u0652") for m in marks)
    # everything still reads back as the original text, and the entity covers the same letters
    assert "".join(tree.text) == text
    (entity,) = [t for tag, a, t in tree.elements if tag == "mark"]
    assert "".join(entity) == "اليَابَان"


def test_the_arabic_markup_does_not_change_as_translations_arrive() -> None:
    """The browser rebuilds the Arabic column only when its markup changes: a translation arriving (or
    failing) must not rebuild it, or the reader's hover, focus and highlights would be lost each time."""
    doc = analyze("اتفقت اليابان وكندا. وقالت الوزارة إن الاتفاق مهم.")
    before = render_arabic(doc, 0)
    doc.sentences[0].translation = "Japan and Canada agreed."
    doc.sentences[1].translation_error = "The model could not translate this sentence."
    assert render_arabic(doc, 0) == before


# ---- word by word (interlinear) ----


def test_every_word_is_a_ruby_with_its_gloss_and_the_text_reads_as_written() -> None:
    text = "اتفقت اليابان وكندا على بدء المحادثات في هونغ كونغ."
    doc = analyze(text)
    glosses = interlinear_glosses(doc)
    html = render_arabic(doc, None, glosses)
    tree = parse(html)  # nesting checked: a mark cut at the word's edge never crosses a ruby
    rubies = [(a, "".join(t)) for tag, a, t in tree.elements if tag == "ruby"]
    words = [t for s in doc.sentences for t in s.tokens if t.kind == "arabic"]
    assert len(rubies) == len(words)
    roots = ["".join(t) for tag, a, t in tree.elements if a.get("class") == "il-root"]
    assert roots == [" ".join(t.root) for t in words if t.root]  # under the gloss, as the card has it
    assert "ب د ء" in roots  # بدء's
    only_glosses = parse(re.sub(r'<span class="il-root"[^>]*>[^<]*</span>', "", html))
    gloss_texts = ["".join(t) for tag, _, t in only_glosses.elements if tag == "rt"]
    assert gloss_texts == [
        g
        for s, row in zip(doc.sentences, glosses, strict=True)
        for t, g in zip(s.tokens, row, strict=True)
        if t.kind == "arabic"
    ]
    assert "and-Canada" in gloss_texts or "Canada" in " ".join(gloss_texts)
    # the Arabic without the glosses is the sentence as written
    without = re.sub(r"<rt[^>]*>.*?</rt>", "", html)
    assert "".join(parse(without).text) == text
    marks = [a["data-entity"] for tag, a, _ in tree.elements if tag == "mark"]
    assert marks.count("LOC") >= 3  # Japan, Canada, and Hong Kong cut into one mark per word


def test_glosses_are_escaped_and_the_mode_reaches_the_browser() -> None:
    doc = make_doc("قال <b>x</b> هنا.")
    hostile = [["<img src=x onerror=alert(1)>" for _ in s.tokens] for s in doc.sentences]
    html = render_arabic(doc, None, hostile)
    assert "<img" not in html and "&lt;img" in html
    off = reader_payload(doc, None)
    on = reader_payload(doc, None, interlinear="new")
    assert off["interlinear"] == "off" and "<ruby" not in off["arabic_html"]
    assert on["interlinear"] == "new" and "<ruby" in on["arabic_html"] and on["doc_id"] != off["doc_id"]
    # new-only and every-word are one markup: switching between them only toggles a class
    assert reader_payload(doc, None, interlinear="all")["doc_id"] == on["doc_id"]


def test_a_form_marked_on_its_own_keeps_its_status_on_its_card() -> None:
    doc = analyze("جاء بكتابه والكتاب.")
    lemma = next(t.lemma for s in doc.sentences for t in s.tokens if t.text == "بكتابه")
    cards = {c["text"]: c for c in token_cards(doc, {lemma: "known"}, {("بكتابه", lemma): "learning"})}
    assert cards["بكتابه"]["status"] == "learning" and cards["والكتاب"]["status"] == "known"
    assert (
        cards["بكتابه"]["vocab"] == cards["والكتاب"]["vocab"]
        and cards["بكتابه"]["form"] != cards["والكتاب"]["form"]
    )


def test_the_card_carries_the_root_the_grammar_and_the_other_readings() -> None:
    doc = analyze("ذهب الطالب إلى المدرسة", with_entities=False)
    cards = {c["text"]: c for c in token_cards(doc)}
    school = cards["المدرسة"]
    assert school["root"] == "درس" and school["root_spaced"] == "د ر س"
    assert school["grammar"].startswith("noun · feminine singular · definite · genitive")
    assert "(after the preposition إلى)" in school["grammar"]
    assert cards["ذهب"]["readings"]  # ذَهَب "gold" beside the verb
    assert cards["إلى"]["root"] is None  # a particle has none
    payload = reader_payload(doc, 0, graded_vowels=True)
    assert payload["graded_vowels"] is True and payload["cards"][0]["grammar"]


def test_each_distinct_card_is_sent_once_and_every_token_finds_its_own() -> None:
    doc = analyze("ذهب الطالب إلى المدرسة. ثم ذهب الطالب إلى البيت. ذهب الطالب.", with_entities=False)
    per_token = token_cards(doc, {"طالِب": "known"})
    payload = reader_payload(doc, 0, statuses={"طالِب": "known"})
    assert [payload["cards"][i] for i in payload["card_of"]] == per_token  # what the browser rebuilds
    assert len(payload["card_of"]) == len(per_token)
    assert len(payload["cards"]) < len(per_token)  # ذهب and الطالب three times, sent once each
    assert len({repr(c) for c in payload["cards"]}) == len(payload["cards"])
