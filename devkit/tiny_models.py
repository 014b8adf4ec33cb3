"""A tiny MarianMT model built on the fly, for the tests and the benchmarks.

The tiny model folder has the same files as a real Helsinki-NLP opus-mt model (source.spm, target.spm,
vocab.json, tokenizer_config.json, config.json, generation_config.json, weights), so it loads through
`models.translation.loader.load_translator(str(path))` with exactly the code the app uses. It is tiny
(one layer each side, d_model 32) and builds in well under a second; its output is nonsense, but it is
deterministic and never empty. `build_endless_marian` makes one that never stops on its own."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from devkit.samples import TRAINING_ARABIC, TRAINING_ENGLISH

SEED = 1234
_SPM_VOCAB = 160  # small enough to train on the lines above, large enough for real sub-words


def train_spm(lines: list[str], vocab_size: int, *, threads: int = 1, **options: int) -> bytes:
    """Train a unigram sentencepiece model the way Marian models use one; returns the model bytes.

    Piece 0 is <unk>; Marian's own specials (</s>, <pad>) live in vocab.json, not in the spm.
    `hard_vocab_limit` is off: a small corpus gets the pieces it supports.
    """
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        hard_vocab_limit=False,
        num_threads=threads,
        minloglevel=2,
        **options,
    )
    return buf.getvalue()


def add_pieces(vocab: dict[str, int], proto: bytes) -> None:
    """Append an spm model's pieces (not <unk>) to a Marian vocab, keeping ids of pieces already in it."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=proto)
    for i in range(sp.get_piece_size()):
        if not sp.is_unknown(i):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))


def write_tokenizer(
    folder: Path, source: bytes, target: bytes, vocab: dict[str, int], max_length: int
) -> None:
    """Write what MarianTokenizer loads: source.spm, target.spm, vocab.json, tokenizer_config.json."""
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    tokenizer_config = {
        "tokenizer_class": "MarianTokenizer",
        "source_lang": "ar",
        "target_lang": "en",
        "unk_token": "<unk>",
        "eos_token": "</s>",
        "pad_token": "<pad>",
        "model_max_length": max_length,
        "separate_vocabs": False,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=1), encoding="utf-8")


def build_tiny_marian(path: Path) -> Path:
    """Write a loadable tiny MarianMT model into `path` (created if needed) and return `path`."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    # One spm for both languages (a shared vocabulary, like opus-mt-ar-en).
    proto = train_spm(TRAINING_ARABIC + TRAINING_ENGLISH, _SPM_VOCAB, seed_sentencepiece_size=10000)

    # Marian's vocab layout: </s> = 0, <unk> = 1, then the pieces, <pad> last.
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    add_pieces(vocab, proto)
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    write_tokenizer(path, proto, proto, vocab, max_length=64)

    config = MarianConfig(
        vocab_size=pad_id + 1,
        decoder_vocab_size=pad_id + 1,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=64,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        # The default 0.02 makes a 32-wide random model say the same thing for every input; 0.5 makes
        # the output depend on the input, so tests can tell sentences (and mix-ups) apart.
        init_std=0.5,
    )
    torch.manual_seed(SEED)
    model = MarianMTModel(config).eval()
    # Random weights rarely choose </s> first, but force a few tokens anyway so output is never empty,
    # and keep it short so generation stays fast; never emit <pad> or <unk> (both decode to nothing).
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad_id,
        pad_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_new_tokens=16,
        min_new_tokens=4,
        num_beams=4,
        bad_words_ids=[[pad_id], [1]],
    )
    model.save_pretrained(path)
    return path


def build_endless_marian(
    tiny: Path, path: Path, *, width: int | None = None, positions: int | None = None
) -> Path:
    """A copy of the tiny model (`build_tiny_marian`) that never says </s> and has no length settings of its
    own: like the benchmark's random stand-in, only the engines' length bound stops it. `width` (d_model,
    with 3+3 layers) and `positions` make a slower one, whose decoding a browser can watch."""
    import torch
    from transformers import GenerationConfig, MarianMTModel

    shutil.copytree(tiny, path, dirs_exist_ok=True)
    model = MarianMTModel.from_pretrained(str(tiny))
    if width or positions:
        config = model.config
        if width:
            config.d_model, config.encoder_ffn_dim, config.decoder_ffn_dim = width, 4 * width, 4 * width
            config.encoder_layers = config.decoder_layers = 3
        if positions:
            config.max_position_embeddings = positions
            tok = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
            tok["model_max_length"] = positions
            (path / "tokenizer_config.json").write_text(json.dumps(tok, indent=1), encoding="utf-8")
        torch.manual_seed(SEED)
        model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] = -1e4  # </s> never wins
    model.config.forced_eos_token_id = None
    pad = model.config.pad_token_id
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad, pad_token_id=pad, eos_token_id=0, num_beams=4, bad_words_ids=[[pad], [1]]
    )
    model.save_pretrained(path)
    return path
