"""Entity checks and a tiny transformers token-classification model built on the fly."""

from __future__ import annotations

import re
from pathlib import Path

from models.document import Entity
from models.text.arabic import ARABIC_WORD, strip_tashkeel

_LETTER = re.compile(ARABIC_WORD.pattern[: ARABIC_WORD.pattern.index("]") + 1])  # one Arabic letter


def assert_whole_word_span(text: str, e: Entity) -> None:
    """The span is whole words, or its first word minus proclitics (و ف + ب ل ك)."""
    assert text[e.start : e.end] == e.text
    word_start = e.start
    while word_start > 0 and (
        _LETTER.match(text[word_start - 1]) or not strip_tashkeel(text[word_start - 1])
    ):
        word_start -= 1
    prefix = strip_tashkeel(text[word_start : e.start])
    assert re.fullmatch("[وف]?[بلك]?", prefix), f"{e.text!r} starts inside a word (after {prefix!r})"
    assert e.end == len(text) or not (_LETTER.match(text[e.end]) or not strip_tashkeel(text[e.end])), (
        f"{e.text!r} ends inside a word"
    )


_LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]


def tiny_ner_model(folder: Path, favourite: str) -> Path:
    """A one-layer BertForTokenClassification with a tiny WordPiece vocabulary, random weights, and a
    classifier that always prefers `favourite` (so its output is known)."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    words = ["وصل", "هاياشي", "إلى", "كندا", "و", "##كندا", ".", "،", "ال", "##وزير"]
    vocab = folder / "vocab.txt"
    vocab.write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n", encoding="utf-8"
    )
    tokenizer = BertTokenizerFast(vocab_file=str(vocab), do_lower_case=False, tokenize_chinese_chars=False)
    tokenizer.save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(words) + 5,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        id2label=dict(enumerate(_LABELS)),
        label2id={label: i for i, label in enumerate(_LABELS)},
    )
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[_LABELS.index(favourite)] = 5.0
    model.save_pretrained(str(folder))
    return folder


def tiny_documents() -> list[list[list[tuple[str, str]]]]:
    """A tiny labelled corpus (one document) to train a tagger on in a test."""
    sentence = [("وصل", "O"), ("هاياشي", "B-PER"), ("إلى", "O"), ("كندا", "B-LOC"), (".", "O")]
    other = [
        ("وقالت", "O"),
        ("وزارة", "B-ORG"),
        ("الخارجية", "I-ORG"),
        ("إن", "O"),
        ("جولي", "B-PER"),
        ("سافرت", "O"),
    ]
    return [[sentence, other] * 4]
