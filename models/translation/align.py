"""Word alignment: which English words of a translation each Arabic word produced.

Read from the MarianMT model's own cross-attention, the Shift-Att way (Chen et al. 2020, "Accurate
word alignment induction from neural machine translation"): the stored translation is teacher-forced
through the model once, and target token t is aligned using the attention of the decoder step where t
is the decoder *input* (the step that predicts t+1), not the step that predicts t. Raw attention at the
predicting step is a weak aligner: the decoder attends to what it will say next, one token ahead.

Recipe (fixed, not tuned: a trained model and gold alignments would be needed to tune it):
- attention of the penultimate decoder layer (`DEFAULT_LAYERS`), averaged over all its heads; Garg et
  al. 2019 found the penultimate layer of a 6-layer Transformer aligns best, and opus-mt has 6. A model
  with fewer layers uses the nearest layer that exists (the tiny test model: its only one);
- sentencepiece pieces are merged to words by character offsets: a source piece belongs to the Qari
  token (`Sentence.tokens`) it overlaps most, a target piece to the English word it overlaps most;
- word score = attention mass: summed over the Arabic token's pieces (attention is a distribution over
  source pieces, so a word's share is the sum), averaged over the English word's pieces;
- each English word is aligned to the one Arabic token with the highest score (argmax, ties to the
  first token). So every English word has exactly one Arabic token, an Arabic token any number of
  English words (و+كندا → "and Canada"), and some Arabic tokens none. Only Arabic, Latin and number
  tokens take part (not punctuation), and the source's </s> is never a target.

English words (`english_words`) are the translation's whitespace-separated runs, trimmed of leading
and trailing punctuation; runs with no letter or digit (a lone "-") are not words.

The attention itself comes from the engine, through `models.translation.base.CrossAttention` (a
translator's `attention`): the transformers engine runs an eager view of its model, CTranslate2 decodes
along the translation's pieces (only one head of its last layer is kept by the conversion, so
`DEFAULT_LAYERS` does not apply there and the result is somewhat weaker).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from models.document import Document, Sentence
from models.translation.base import CrossAttention, Pieces, Translator

if TYPE_CHECKING:
    import torch

__all__ = [
    "ALIGNABLE_KINDS",
    "DEFAULT_LAYERS",
    "align",
    "align_document",
    "align_sentences",
    "can_align",
    "context_glosses",
    "english_words",
]

DEFAULT_LAYERS: tuple[int, ...] = (-2,)  # penultimate decoder layer (negative: counted from the last)
ALIGNABLE_KINDS = frozenset({"arabic", "latin", "number"})

_WORD_RUN = re.compile(r"\S+")
_WORD_CHAR = re.compile(r"[^\W_]")  # a letter or digit, any script


def english_words(translation: str | None) -> list[tuple[int, int]]:
    """The words of an English translation as (start, end) character spans, in order."""
    spans: list[tuple[int, int]] = []
    for m in _WORD_RUN.finditer(translation or ""):
        chars = [i for i, c in enumerate(m.group()) if _WORD_CHAR.match(c)]
        if chars:  # trim surrounding punctuation: "pact." → "pact", '"Canada' → "Canada"
            spans.append((m.start() + chars[0], m.start() + chars[-1] + 1))
    return spans


def can_align(translator: Translator) -> bool:
    """True when `translator` (an engine, or the cache around one) can report its cross-attention, or
    aligns where its model runs (`align_remote`: the shared translation service)."""
    return getattr(translator, "attention", None) is not None or hasattr(translator, "align_remote")


def _char_offsets(text: str) -> list[int]:
    """byte offset → character offset for `text` in UTF-8 (sentencepiece reports byte offsets)."""
    table = [0] * (len(text.encode("utf-8")) + 1)
    pos = 0
    for i, ch in enumerate(text):
        n = len(ch.encode("utf-8"))
        for k in range(n):
            table[pos + k] = i
        pos += n
    table[pos] = len(text)
    return table


def _pieces(spm: Any, vocab: dict[str, int], unk: int, text: str, spans: Sequence[tuple[int, int]]) -> Pieces:
    """Sentencepiece-encode `text` and give each piece the span (index into `spans`) it overlaps most."""
    proto = spm.encode(text, return_type="proto")  # pieces with their offsets in `text`
    chars = _char_offsets(text)
    ids: list[int] = []
    owners: list[int] = []
    tokens: list[str] = []
    for piece in proto.pieces:
        begin, end = chars[piece.begin], chars[piece.end]
        best, best_overlap = -1, 0
        for i, (s, e) in enumerate(spans):
            if e <= begin:
                continue
            if s >= end:
                break
            overlap = min(e, end) - max(s, begin)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        ids.append(vocab.get(piece.piece, unk))
        owners.append(best)
        tokens.append(piece.piece)
    return Pieces(ids, owners, tokens)


def _source(tokenizer: Any, sentence: Sentence, limit: int) -> tuple[Pieces, list[int]]:
    """Source pieces of `sentence` (owners: indices into sentence.tokens) and the alignable token indices."""
    alignable = [i for i, t in enumerate(sentence.tokens) if t.kind in ALIGNABLE_KINDS]
    # Spans relative to the sentence text; non-alignable tokens get an empty span so their pieces own nothing.
    base = sentence.start
    spans = [
        (t.start - base, t.end - base) if t.kind in ALIGNABLE_KINDS else (t.start - base, t.start - base)
        for t in sentence.tokens
    ]
    vocab = tokenizer.encoder
    pieces = _pieces(tokenizer.spm_source, vocab, vocab[tokenizer.unk_token], sentence.text, spans)
    keep = max(0, limit - 1)  # room for </s>, as the tokenizer truncates
    pieces = Pieces(
        pieces.ids[:keep] + [tokenizer.eos_token_id],
        pieces.owners[:keep] + [-1],
        pieces.tokens[:keep] + [str(tokenizer.eos_token)],
    )
    return pieces, alignable


def _target(tokenizer: Any, translation: str, words: list[tuple[int, int]], limit: int) -> Pieces:
    """Target pieces of `translation` (owners: indices into `words`), without </s>."""
    vocab = tokenizer.target_encoder if getattr(tokenizer, "separate_vocabs", False) else tokenizer.encoder
    pieces = _pieces(tokenizer.spm_target, vocab, vocab[tokenizer.unk_token], translation, words)
    return Pieces(pieces.ids[:limit], pieces.owners[:limit], pieces.tokens[:limit])


def _word_pairs(
    att: torch.Tensor, src: Pieces, tgt: Pieces, alignable: list[int], n_tokens: int, n_words: int
) -> list[tuple[int, int]]:
    import torch

    if not alignable or n_words == 0:
        return []
    # piece → word matrices: sum over an Arabic token's pieces, mean over an English word's pieces
    to_token = torch.zeros(len(src.ids), n_tokens)
    for p, owner in enumerate(src.owners):
        if owner >= 0:
            to_token[p, owner] = 1.0
    to_word = torch.zeros(n_words, len(tgt.ids))
    for p, owner in enumerate(tgt.owners):
        if owner >= 0:
            to_word[owner, p] = 1.0
    counts = to_word.sum(dim=1, keepdim=True)
    scores = (to_word / counts.clamp(min=1.0)) @ att @ to_token  # [n_words, n_tokens]
    scores = scores[:, alignable]
    best = scores.argmax(dim=1).tolist()
    pairs = [(alignable[best[w]], w) for w in range(n_words) if counts[w, 0] > 0]
    return sorted(pairs)


def align_sentences(
    translator: Translator,
    sentences: Sequence[Sentence],
    *,
    layers: Sequence[int] = DEFAULT_LAYERS,
    batch_size: int = 8,
) -> list[list[tuple[int, int]]]:
    """Align each sentence to its `translation`; [] for sentences without one (or without words).

    Pairs are (index into sentence.tokens, index into english_words(sentence.translation)), sorted.
    `layers` applies to engines with several attention layers. Raises TypeError for a translator that
    cannot report its attention (see `can_align`).
    """
    engine: CrossAttention | None = translator.attention
    if engine is None:
        raise TypeError(f"{type(translator).__name__} cannot align: its engine reports no cross-attention.")
    tokenizer, limit = engine.tokenizer, engine.max_input_tokens
    results: list[list[tuple[int, int]]] = [[] for _ in sentences]
    todo: list[tuple[int, Pieces, Pieces, list[int], int]] = []
    for i, sentence in enumerate(sentences):
        words = english_words(sentence.translation)
        if not words or not sentence.tokens:
            continue
        src, alignable = _source(tokenizer, sentence, limit)
        if not alignable:
            continue
        tgt = _target(tokenizer, sentence.translation or "", words, limit - 1)
        if tgt.ids:
            todo.append((i, src, tgt, alignable, len(words)))
    # Similar lengths in one batch waste less work on padding.
    todo.sort(key=lambda item: len(item[1].ids) + len(item[2].ids))
    for start in range(0, len(todo), max(1, batch_size)):
        batch = todo[start : start + max(1, batch_size)]
        pairs = [(src, tgt) for _, src, tgt, _, _ in batch]
        matrices = engine.shift_attention(pairs, layers)
        for (i, src, tgt, alignable, n_words), att in zip(batch, matrices, strict=True):
            results[i] = _word_pairs(att, src, tgt, alignable, len(sentences[i].tokens), n_words)
    return results


def align(
    translator: Translator, sentence: Sentence, *, layers: Sequence[int] = DEFAULT_LAYERS
) -> list[tuple[int, int]]:
    """Align one sentence: sorted (index into sentence.tokens, index into english_words(translation))."""
    return align_sentences(translator, [sentence], layers=layers)[0]


def align_document(
    translator: Translator,
    doc: Document,
    indices: Sequence[int] | None = None,
    *,
    layers: Sequence[int] = DEFAULT_LAYERS,
) -> None:
    """Fill `alignment` and `english_words` of translated sentences (all, or those `indices`), in place,
    then every glossary entry's `context_gloss` from all alignments known so far."""
    chosen = [doc.sentences[i] for i in (range(len(doc.sentences)) if indices is None else indices)]
    chosen = [s for s in chosen if s.translation]
    remote = getattr(translator, "align_remote", None) if translator.attention is None else None
    found = (
        remote(chosen, layers) if remote is not None else align_sentences(translator, chosen, layers=layers)
    )
    for sentence, pairs in zip(chosen, found, strict=True):
        sentence.alignment = pairs
        sentence.english_words = english_words(sentence.translation)
    glosses = context_glosses(doc)
    for entry in doc.glossary:
        entry.context_gloss = glosses.get(entry.key)


def context_glosses(doc: Document) -> dict[str, str]:
    """Glossary key → the English its words most often became in this text, from the alignments.

    Neighbouring tokens of one sentence with the same key (a two-word name) pool their English words.
    A phrase that starts its sentence loses the capital ("The" → "the"), except for names.
    """
    counts: dict[str, Counter[str]] = {}
    for sentence in doc.sentences:
        if not sentence.alignment or not sentence.translation:
            continue
        spans = sentence.english_words or english_words(sentence.translation)
        by_token: dict[int, set[int]] = {}
        for token_index, word_index in sentence.alignment:
            by_token.setdefault(token_index, set()).add(word_index)
        runs: list[tuple[str, set[int]]] = []
        for token_index in sorted(by_token):
            key = sentence.tokens[token_index].key
            if key is None:
                continue
            previous = token_index - 1
            if runs and runs[-1][0] == key and previous in by_token and sentence.tokens[previous].key == key:
                runs[-1][1].update(by_token[token_index])
            else:
                runs.append((key, set(by_token[token_index])))
        for key, words in runs:
            phrase = " ".join(sentence.translation[slice(*spans[w])] for w in sorted(words) if w < len(spans))
            if not phrase:
                continue
            if min(words) == 0 and key.startswith("word:") and phrase[:1].isupper() and phrase[1:2].islower():
                phrase = phrase[0].lower() + phrase[1:]
            counts.setdefault(key, Counter())[phrase] += 1
    # most_common keeps first-seen order among equal counts
    return {key: counter.most_common(1)[0][0] for key, counter in counts.items()}
