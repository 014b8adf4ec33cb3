"""Tests for word alignment (models.translation.align) on the tiny random-weight MarianMT model.

A random model cannot align well, so these check what must hold for any model: shapes, index
ranges, one Arabic token per English word, determinism, batching that changes nothing, subwords
merged to the right words, and that the shared model is left as it was. The model is real, not mocked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from models.document import Document, Sentence
from models.pipeline import analyze
from models.study.glossary import word_key
from models.translation import align as align_mod
from models.translation.align import (
    ALIGNABLE_KINDS,
    align,
    align_document,
    align_sentences,
    can_align,
    context_glosses,
    english_words,
)
from models.translation.base import Pieces, layer_indices
from models.translation.cache import CachedTranslator
from models.translation.marian import MarianTranslator
from tests.support import TRAINING_ARABIC

TEXT = " ".join(TRAINING_ARABIC[:5]) + " كارثة فوكوشيما عام 2011 (GSOMIA)."


@pytest.fixture(scope="module")
def translator(tiny_model_dir: Path) -> MarianTranslator:
    return MarianTranslator.from_folder(tiny_model_dir, "tiny")


@pytest.fixture(scope="module")
def translated(translator: MarianTranslator) -> Document:
    doc = analyze(TEXT, with_entities=False, with_lexicon=False)
    outputs = translator.translate([s.text for s in doc.sentences], beam_size=1)
    for sentence, output in zip(doc.sentences, outputs, strict=True):
        sentence.translation = output
    return doc


def _sentence(text: str, translation: str | None) -> Sentence:
    sentence = analyze(text, with_entities=False, with_lexicon=False).sentences[0]
    sentence.translation = translation
    return sentence


def test_english_words() -> None:
    text = 'Joly said: "Canada\'s plan - a first," in 2011.'
    assert [text[s:e] for s, e in english_words(text)] == [
        "Joly", "said", "Canada's", "plan", "a", "first", "in", "2011",
    ]  # fmt: skip
    assert english_words("") == english_words(None) == english_words(" - … ") == []


def test_invariants_on_model_output(translator: MarianTranslator, translated: Document) -> None:
    results = align_sentences(translator, translated.sentences)
    assert len(results) == len(translated.sentences) >= 5
    for sentence, pairs in zip(translated.sentences, results, strict=True):
        words = english_words(sentence.translation)
        assert words, "the tiny model never translates to nothing"
        assert pairs == sorted(set(pairs))
        for token_index, word_index in pairs:
            assert 0 <= token_index < len(sentence.tokens)
            assert sentence.tokens[token_index].kind in ALIGNABLE_KINDS  # never punctuation
            assert 0 <= word_index < len(words)
        # every English word is aligned to exactly one Arabic token
        assert sorted(w for _, w in pairs) == list(range(len(words)))


def test_deterministic_and_batch_independent(translator: MarianTranslator, translated: Document) -> None:
    sentences = translated.sentences
    batched = align_sentences(translator, sentences, batch_size=8)
    assert align_sentences(translator, sentences, batch_size=8) == batched
    assert [align(translator, s) for s in sentences] == batched


def test_shift_att_rows_are_distributions(translator: MarianTranslator, translated: Document) -> None:
    # Padding in a batch must not leak into a shorter sentence's attention.
    tok = translator.tokenizer
    pairs = []
    for sentence in translated.sentences[:3]:
        src, _ = align_mod._source(tok, sentence, 64)
        tgt = align_mod._target(tok, sentence.translation or "", english_words(sentence.translation), 63)
        pairs.append((src, tgt))
    batch = translator.shift_attention(pairs, (-2,))
    for (src, tgt), matrix in zip(pairs, batch, strict=True):
        assert matrix.shape == (len(tgt.ids), len(src.ids))
        assert torch.allclose(matrix.sum(dim=1), torch.ones(len(tgt.ids)), atol=1e-4)
        alone = translator.shift_attention([(src, tgt)], (-2,))[0]
        assert torch.allclose(matrix, alone, atol=1e-5)


def test_shift_att_reads_the_step_where_the_token_is_input(translator: MarianTranslator) -> None:
    sentence = _sentence("اتفقت اليابان وكندا.", "Japan and Canada agreed.")
    tok = translator.tokenizer
    src, _ = align_mod._source(tok, sentence, 64)
    tgt = align_mod._target(tok, sentence.translation or "", english_words(sentence.translation), 63)
    shifted = translator.shift_attention([(src, tgt)], (-1,))[0]
    # Reference: one plain eager forward pass; row k of the decoder (input token k) belongs to token k.
    view = translator._eager_view()
    start = view.config.decoder_start_token_id
    with torch.inference_mode():
        out = view(
            input_ids=torch.tensor([src.ids]),
            decoder_input_ids=torch.tensor([[start, *tgt.ids]]),
            output_attentions=True,
        )
    reference = out.cross_attentions[-1][0].mean(dim=0)
    assert torch.allclose(shifted, reference[1:], atol=1e-5)
    assert not torch.allclose(shifted, reference[:-1], atol=1e-3)


def test_subwords_merge_to_words(translator: MarianTranslator) -> None:
    sentence = _sentence("اتفقت اليابان وكندا على المحادثات الاستخباراتية.", "Japan and Canada agreed.")
    tok = translator.tokenizer
    src, alignable = align_mod._source(tok, sentence, 64)
    assert src.ids[-1] == tok.eos_token_id and src.owners[-1] == -1
    assert alignable == [i for i, t in enumerate(sentence.tokens) if t.kind == "arabic"]
    proto = tok.spm_source.encode(sentence.text, return_type="proto")
    assert len(proto.pieces) == len(src.ids) - 1
    assert len(proto.pieces) > len(alignable), "some words must be split into several pieces"
    # the pieces given to each token spell exactly that token
    for index, token in enumerate(sentence.tokens):
        spelled = "".join(p.surface for p, owner in zip(proto.pieces, src.owners) if owner == index)
        expected = token.text if token.kind in ALIGNABLE_KINDS else ""
        assert spelled.strip() == expected
    words = english_words(sentence.translation)
    tgt = align_mod._target(tok, sentence.translation or "", words, 63)
    target_proto = tok.spm_target.encode(sentence.translation, return_type="proto")
    for index, (s, e) in enumerate(words):
        spelled = "".join(p.surface for p, owner in zip(target_proto.pieces, tgt.owners) if owner == index)
        assert spelled.strip() == (sentence.translation or "")[s:e]


def test_word_scores_hand_made() -> None:
    # Source pieces: token 0 = pieces 0+1, token 1 = piece 2, piece 3 = "." (token 2), piece 4 = </s>.
    src = Pieces(ids=[10, 11, 12, 13, 0], owners=[0, 0, 1, -1, -1], tokens=["▁a", "b", "▁c", ".", "</s>"])
    # Target pieces: word 0 = pieces 0+1, word 1 = piece 2.
    tgt = Pieces(ids=[20, 21, 22], owners=[0, 0, 1], tokens=["▁Jap", "an", "▁agreed"])
    att = torch.tensor(
        [
            [0.30, 0.30, 0.40, 0.00, 0.00],  # token 0 gets 0.6 (two pieces summed) against 0.4
            [0.10, 0.10, 0.20, 0.00, 0.60],  # mostly </s>, which is never a target
            [0.05, 0.05, 0.10, 0.80, 0.00],  # mostly punctuation, which is never a target
        ]
    )
    # word 0: mean of rows 0,1 → token 0: (0.6 + 0.2) / 2 = 0.4, token 1: (0.4 + 0.2) / 2 = 0.3
    # word 1: token 0: 0.1, token 1: 0.1 → tie goes to the first token
    assert align_mod._word_pairs(att, src, tgt, [0, 1], n_tokens=3, n_words=2) == [(0, 0), (0, 1)]
    assert align_mod._word_pairs(att, src, tgt, [1], n_tokens=3, n_words=2) == [(1, 0), (1, 1)]
    assert align_mod._word_pairs(att, src, tgt, [], n_tokens=3, n_words=2) == []


def test_layer_choice() -> None:
    assert layer_indices(6, (-2,)) == [4]
    assert layer_indices(6, (-2, -1)) == [4, 5]
    assert layer_indices(1, (-2,)) == [0]  # the tiny model has one layer: use it
    assert layer_indices(2, (7,)) == [1]


def test_nothing_to_align(translator: MarianTranslator) -> None:
    assert align(translator, _sentence("اتفقت اليابان.", None)) == []
    assert align(translator, _sentence("اتفقت اليابان.", "  ")) == []
    assert align(translator, _sentence("« ... »", "Hello there.")) == []


def test_long_sentence_is_truncated_not_failed(translator: MarianTranslator) -> None:
    text = " ".join(TRAINING_ARABIC[:4]).replace(
        ".", "،"
    )  # one sentence, far over the tiny model's 64 pieces
    sentence = _sentence(text, " ".join(["word"] * 80))
    pairs = align(translator, sentence)
    assert pairs and all(0 <= t < len(sentence.tokens) and 0 <= w < 80 for t, w in pairs)


class EchoEngine:
    """An engine that translates (it echoes) but reports no cross-attention, as a remote service might."""

    model_key = "echo"
    attention = None

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        return list(texts)


def test_which_translators_can_align(translator: MarianTranslator) -> None:
    assert can_align(translator)
    assert can_align(CachedTranslator(translator))  # the cache passes its engine's attention through
    assert not can_align(EchoEngine()) and not can_align(CachedTranslator(EchoEngine()))
    with pytest.raises(TypeError, match="cannot align"):
        align(CachedTranslator(EchoEngine()), _sentence("اتفقت اليابان.", "Japan agreed."))


def test_shared_model_is_left_alone(translator: MarianTranslator) -> None:
    before = translator.model.config._attn_implementation
    align(translator, _sentence("اتفقت اليابان.", "Japan agreed."))
    assert translator.model.config._attn_implementation == before
    view = translator._eager_view()
    assert view.config._attn_implementation == "eager"
    assert view.lm_head.weight.data_ptr() == translator.model.lm_head.weight.data_ptr()  # no weight copy


def test_align_document_and_context_glosses(translator: MarianTranslator) -> None:
    doc = analyze("اتفقت اليابان وكندا. وقالت اليابان.", with_entities=False, with_lexicon=False)
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.kind == "arabic":
                token.key = word_key(token.text)
    doc.sentences[0].translation = "Japan and Canada agreed."
    doc.sentences[1].translation = "The Japanese said."
    align_document(translator, doc, indices=[0])
    assert doc.sentences[0].alignment is not None and doc.sentences[1].alignment is None
    assert doc.sentences[0].english_words == english_words("Japan and Canada agreed.")
    align_document(translator, doc)
    glosses = context_glosses(doc)
    # every phrase is made of the translation's words; "The" opening a sentence loses its capital
    vocabulary = {w.lower() for s in doc.sentences for w in (s.translation or "").rstrip(".").split()}
    assert glosses and all(set(p.lower().split()) <= vocabulary for p in glosses.values())
    assert "The" not in " ".join(glosses.values()).split()
    by_key = {e.key: e.context_gloss for e in doc.glossary}
    assert {k: v for k, v in by_key.items() if v} == glosses
    # the new fields survive JSON
    data = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    assert Document.from_dict(data) == doc


def test_ctranslate2_engine_aligns_the_same_way(tiny_model_dir: Path, translator: MarianTranslator) -> None:
    pytest.importorskip("ctranslate2")
    from models.translation.ct2 import load_ct2_translator

    sentence = _sentence("اتفقت اليابان وكندا على بدء المحادثات.", "Japan and Canada agreed to start talks.")
    tok = translator.tokenizer
    src, _ = align_mod._source(tok, sentence, 64)
    tgt = align_mod._target(tok, sentence.translation or "", english_words(sentence.translation), 63)
    # float32: CTranslate2's attention (the first head of the last layer, all a conversion keeps) must be
    # exactly the transformers model's, read at the same Shift-Att steps.
    f32 = load_ct2_translator(tiny_model_dir, "tiny", "tiny", quantization="float32")
    assert can_align(f32) and can_align(CachedTranslator(f32))
    ct2_rows = f32.shift_attention([(src, tgt)])[0]
    view = translator._eager_view()
    with torch.inference_mode():
        out = view(
            input_ids=torch.tensor([src.ids]),
            decoder_input_ids=torch.tensor([[view.config.decoder_start_token_id, *tgt.ids]]),
            output_attentions=True,
        )
    assert torch.allclose(ct2_rows, out.cross_attentions[-1][0, 0][1:], atol=1e-4)
    # int8, the engine the app runs: the same invariants as the transformers engine
    i8 = load_ct2_translator(tiny_model_dir, "tiny", "tiny")
    doc = analyze(TEXT, with_entities=False, with_lexicon=False)
    outputs = i8.translate([s.text for s in doc.sentences], beam_size=1)
    for s, output in zip(doc.sentences, outputs, strict=True):
        s.translation = output
    results = align_sentences(CachedTranslator(i8), doc.sentences)
    assert results == align_sentences(i8, doc.sentences)
    for s, pairs in zip(doc.sentences, results, strict=True):
        assert sorted(w for _, w in pairs) == list(range(len(english_words(s.translation))))
        assert all(s.tokens[t].kind in ALIGNABLE_KINDS for t, _ in pairs)
