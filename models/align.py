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

The transformers model is run on an "eager" view of the translator's model (same weight tensors, its
own config): PyTorch's SDPA kernels, the default, do not return attention weights, and switching the
shared model would slow every other session's translation.

CTranslate2 translators (models.ct2) align too, by forced decoding along the translation's pieces, with
the same Shift-Att reading; but CTranslate2 only reports the attention the conversion kept (one head
of the last layer, int8), so `DEFAULT_LAYERS` does not apply there and the result is somewhat weaker.
"""

from __future__ import annotations

import copy
import itertools
import re
import threading
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from models.document import Document, Sentence

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


def can_align(translator: Any) -> bool:
    """True when `translator` can align: a MarianTranslator or CT2Translator (or a CachedTranslator
    around one), or a (transformers model, MarianTokenizer) pair."""
    return _engine(translator) is not None


@dataclass
class _Engine:
    kind: str  # "torch": a transformers model; "ct2": a models.ct2.CT2Translator
    model: Any  # the transformers model, or the CT2Translator
    tokenizer: Any
    limit: int  # most source pieces the model takes, </s> included


def _engine(translator: Any, depth: int = 0) -> _Engine | None:
    if isinstance(translator, tuple) and len(translator) == 2:
        model, tokenizer = translator
    else:
        model, tokenizer = getattr(translator, "model", None), getattr(translator, "tokenizer", None)
    if not hasattr(tokenizer, "spm_source"):
        tokenizer = None
    inner = getattr(translator, "translator", None)
    if model is not None and tokenizer is not None:
        return _Engine("torch", model, tokenizer, _max_positions(model, tokenizer))
    if tokenizer is not None and hasattr(inner, "translate_batch"):  # CT2Translator.translator
        return _Engine("ct2", translator, tokenizer, int(getattr(translator, "max_input_tokens", 512)))
    if inner is not None and inner is not translator and depth < 3:  # a CachedTranslator's `.translator`
        return _engine(inner, depth + 1)
    return None


@dataclass
class _Pieces:
    """One side of a sentence pair: pieces (as model ids and as strings), and for each the index of the
    word it belongs to (-1: none)."""

    ids: list[int]
    owners: list[int]
    tokens: list[str]


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


def _pieces(
    spm: Any, vocab: dict[str, int], unk: int, text: str, spans: Sequence[tuple[int, int]]
) -> _Pieces:
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
    return _Pieces(ids, owners, tokens)


def _source(tokenizer: Any, sentence: Sentence, limit: int) -> tuple[_Pieces, list[int]]:
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
    pieces = _Pieces(
        pieces.ids[:keep] + [tokenizer.eos_token_id],
        pieces.owners[:keep] + [-1],
        pieces.tokens[:keep] + [str(tokenizer.eos_token)],
    )
    return pieces, alignable


def _target(tokenizer: Any, translation: str, words: list[tuple[int, int]], limit: int) -> _Pieces:
    """Target pieces of `translation` (owners: indices into `words`), without </s>."""
    vocab = tokenizer.target_encoder if getattr(tokenizer, "separate_vocabs", False) else tokenizer.encoder
    pieces = _pieces(tokenizer.spm_target, vocab, vocab[tokenizer.unk_token], translation, words)
    return _Pieces(pieces.ids[:limit], pieces.owners[:limit], pieces.tokens[:limit])


_views: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_views_lock = threading.Lock()


def _eager_view(model: Any) -> Any:
    """`model` with eager attention (which returns its weights), sharing its parameter tensors."""
    if getattr(model.config, "_attn_implementation", "eager") == "eager":
        return model
    with _views_lock:
        view = _views.get(model)
        if view is None:
            # deepcopy with every tensor pre-seeded in the memo copies the modules and config, not the weights
            memo: dict[int, Any] = {id(t): t for t in itertools.chain(model.parameters(), model.buffers())}
            view = copy.deepcopy(model, memo)
            view.set_attn_implementation("eager")
            view.eval()
            _views[model] = view
        return view


def _layers(count: int, wanted: Sequence[int]) -> list[int]:
    chosen = sorted({min(count - 1, max(0, w if w >= 0 else count + w)) for w in wanted})
    return chosen or [count - 1]


def _shift_att(
    model: Any, pairs: list[tuple[_Pieces, _Pieces]], layers: Sequence[int]
) -> list[torch.Tensor]:
    """For each (source, target) pair, a [len(target), len(source)] Shift-Att matrix.

    Attention is averaged over the heads of the chosen layers."""
    import torch

    view = _eager_view(model)
    pad = int(view.config.pad_token_id)
    start = int(view.config.decoder_start_token_id)
    src_len = max(len(s.ids) for s, _ in pairs)
    # The decoder reads [start, y1 … yn]; its step k (input y_k) gives the Shift-Att row of y_k.
    dec_len = max(len(t.ids) for _, t in pairs) + 1
    src = torch.full((len(pairs), src_len), pad, dtype=torch.long)
    src_mask = torch.zeros((len(pairs), src_len), dtype=torch.long)
    dec = torch.full((len(pairs), dec_len), pad, dtype=torch.long)
    for b, (s, t) in enumerate(pairs):
        src[b, : len(s.ids)] = torch.tensor(s.ids)
        src_mask[b, : len(s.ids)] = 1
        dec[b, : len(t.ids) + 1] = torch.tensor([start, *t.ids])
    with torch.inference_mode():
        # The decoder is causal, so right padding never changes the real positions' attention.
        out = view(
            input_ids=src,
            attention_mask=src_mask,
            decoder_input_ids=dec,
            output_attentions=True,
            use_cache=False,
        )
    cross = out.cross_attentions
    chosen = _layers(len(cross), layers)
    att = torch.stack([cross[i] for i in chosen]).float().mean(dim=(0, 2))  # [batch, dec_len, src_len]
    return [att[b, 1 : len(t.ids) + 1, : len(s.ids)] for b, (s, t) in enumerate(pairs)]


def _shift_att_ct2(engine: Any, pairs: list[tuple[_Pieces, _Pieces]]) -> list[torch.Tensor]:
    """Shift-Att matrices from CTranslate2, forced along the target pieces (like `_shift_att`).

    CTranslate2 reports the attention of the step that *produced* each token, and only what the
    conversion kept (one head of the last layer). Decoding one token past the forced target gives
    the step whose input is the last target token, so row k+1 is target token k's Shift-Att row.
    """
    import torch

    results = engine.translator.translate_batch(
        [s.tokens for s, _ in pairs],
        target_prefix=[t.tokens for _, t in pairs],
        beam_size=1,
        max_decoding_length=max(len(t.tokens) for _, t in pairs) + 1,
        return_attention=True,
        return_end_token=True,  # the step after the target is wanted even when it says </s>
    )
    out = []
    for (src, tgt), result in zip(pairs, results, strict=True):
        rows = [list(row)[: len(src.tokens)] for row in result.attention[0]]
        shifted = rows[1 : len(tgt.tokens) + 1]
        while len(shifted) < len(tgt.tokens):  # decoding stopped early: reuse the last row there is
            shifted.append(shifted[-1] if shifted else [1.0 / len(src.tokens)] * len(src.tokens))
        out.append(torch.tensor(shifted, dtype=torch.float32))
    return out


def _word_pairs(
    att: torch.Tensor, src: _Pieces, tgt: _Pieces, alignable: list[int], n_tokens: int, n_words: int
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
    translator: Any,
    sentences: Sequence[Sentence],
    *,
    layers: Sequence[int] = DEFAULT_LAYERS,
    batch_size: int = 8,
) -> list[list[tuple[int, int]]]:
    """Align each sentence to its `translation`; [] for sentences without one (or without words).

    `translator`: see `can_align`. Pairs are (index into sentence.tokens, index into
    english_words(sentence.translation)), sorted. `layers` applies to the transformers engine only.
    Raises TypeError for a translator that cannot align.
    """
    engine = _engine(translator)
    if engine is None:
        raise TypeError(
            f"{type(translator).__name__} cannot align: it has neither a transformers Marian model "
            "nor a CTranslate2 one to read attention from."
        )
    tokenizer, limit = engine.tokenizer, engine.limit
    results: list[list[tuple[int, int]]] = [[] for _ in sentences]
    todo: list[tuple[int, _Pieces, _Pieces, list[int], int]] = []
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
        if engine.kind == "ct2":
            matrices = _shift_att_ct2(engine.model, pairs)
        else:
            matrices = _shift_att(engine.model, pairs, layers)
        for (i, src, tgt, alignable, n_words), att in zip(batch, matrices, strict=True):
            results[i] = _word_pairs(att, src, tgt, alignable, len(sentences[i].tokens), n_words)
    return results


def _max_positions(model: Any, tokenizer: Any) -> int:
    limits = [
        getattr(model.config, "max_position_embeddings", None),
        getattr(tokenizer, "model_max_length", None),
    ]
    return min(n for n in limits if isinstance(n, int) and 0 < n < 1_000_000)


def align(
    translator: Any, sentence: Sentence, *, layers: Sequence[int] = DEFAULT_LAYERS
) -> list[tuple[int, int]]:
    """Align one sentence: sorted (index into sentence.tokens, index into english_words(translation))."""
    return align_sentences(translator, [sentence], layers=layers)[0]


def align_document(
    translator: Any,
    doc: Document,
    indices: Sequence[int] | None = None,
    *,
    layers: Sequence[int] = DEFAULT_LAYERS,
) -> None:
    """Fill `alignment` and `english_words` of translated sentences (all, or those `indices`), in place,
    then every glossary entry's `context_gloss` from all alignments known so far."""
    chosen = [doc.sentences[i] for i in (range(len(doc.sentences)) if indices is None else indices)]
    chosen = [s for s in chosen if s.translation]
    for sentence, pairs in zip(chosen, align_sentences(translator, chosen, layers=layers), strict=True):
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
