"""The shared pipeline: analysis without a model, then translation in the right order, failures contained."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.pipeline import (
    analyze,
    apply_cached,
    cache_keys,
    failed,
    fill_translations,
    mark_failed,
    pending,
    pieces,
    translate_first,
)
from models.translation.marian import MarianTranslator
from tests.support import SAMPLE, Recording

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> MarianTranslator:
    return MarianTranslator.from_folder(tiny_model_dir, str(tiny_model_dir))


def test_analysis_of_the_sample_needs_no_model() -> None:
    doc = analyze(SAMPLE)
    assert doc.text == SAMPLE and len(doc.sentences) == 10
    assert pending(doc) == list(range(10))
    words = [t for s in doc.sentences for t in s.tokens if t.kind == "arabic"]
    assert sum(1 for t in words if t.gloss) / len(words) > 0.9
    names = {g.lemma: g for g in doc.glossary if g.kind == "name"}
    assert names["اليابان"].gloss == "Japan" and names["اليابان"].count == 8


def test_selected_sentence_goes_first_then_batches_in_reading_order(tiny: MarianTranslator) -> None:
    doc = analyze(SAMPLE, with_lexicon=False)
    recorder = Recording(tiny)
    progress: list[tuple[int, int]] = []
    fill_translations(
        doc, recorder, first=6, batch_size=4, beam_size=1, progress=lambda d, t: progress.append((d, t))
    )

    def texts(*indices: int) -> list[str]:
        return [p for i in indices for p in pieces(doc.sentences[i])]

    assert recorder.batches == [texts(6), texts(0, 1, 2, 3), texts(4, 5, 7, 8), texts(9)]
    assert len(texts(8)) == 2  # the sample's 52-word run-on sentence goes in two clauses
    assert progress == [(1, 10), (5, 10), (9, 10), (10, 10)]
    assert pending(doc) == [] and all(s.translation for s in doc.sentences)


def test_one_failing_sentence_is_marked_and_the_others_are_translated(tiny: MarianTranslator) -> None:
    doc = analyze(SAMPLE, with_lexicon=False)
    bad = doc.sentences[2].text
    fill_translations(doc, Recording(tiny, fail_on={bad}), batch_size=4, beam_size=1)
    assert failed(doc) == [2]
    assert doc.sentences[2].translation is None and doc.sentences[2].translation_error
    assert all(s.translation for s in doc.sentences if s.index != 2)
    assert pending(doc) == []  # not retried until the reader asks


def test_remembered_failures_are_not_retried_on_the_next_run(tiny: MarianTranslator) -> None:
    doc = analyze(SAMPLE, with_lexicon=False)
    mark_failed(doc, {doc.sentences[0].text})
    recorder = Recording(tiny)
    fill_translations(doc, recorder, beam_size=1)
    assert doc.sentences[0].text not in [t for batch in recorder.batches for t in batch]
    doc.sentences[0].translation_error = None  # the reader asks for a retry: the mark is cleared
    translate_first(doc, recorder, 0, beam_size=1)
    assert doc.sentences[0].translation


def test_sentences_without_arabic_are_not_sent_to_the_model() -> None:
    doc = analyze("Breaking news\nاتفقت اليابان وكندا.", with_lexicon=False)
    assert doc.sentences[0].translation == "Breaking news"
    assert pending(doc) == [1]


def test_empty_text_has_no_sentences_and_nothing_to_translate() -> None:
    doc = analyze("")
    assert doc.sentences == [] and doc.glossary == [] and pending(doc) == []


def test_a_long_chained_sentence_is_translated_in_pieces_and_shown_as_one(tiny: MarianTranslator) -> None:
    clause = "وقال الوزير إن الحكومة ستعمل على تعزيز التعاون مع الدول المجاورة في مجالات الطاقة والتجارة"
    text = "، ".join([clause] * 6) + "."
    doc = analyze(text, with_lexicon=False)
    assert len(doc.sentences) == 1
    (sentence,) = doc.sentences
    parts = pieces(sentence)
    assert len(parts) > 1 and all(p in sentence.text for p in parts)
    recorder = Recording(tiny)
    fill_translations(doc, recorder, beam_size=1)
    assert recorder.batches == [parts]
    outputs = tiny.translate(parts, beam_size=1)
    assert sentence.translation == " ".join(o.strip() for o in outputs if o.strip())
    # the cache holds the pieces; a later run rebuilds the sentence from them
    fresh = analyze(text, with_lexicon=False)
    apply_cached(fresh, dict(zip(parts, outputs, strict=True)))
    assert fresh.sentences[0].translation == sentence.translation
    assert cache_keys(fresh) == parts
