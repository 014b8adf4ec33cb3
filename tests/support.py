"""What the tests share: the sample texts, a tiny MarianMT model and a tiny entity tagger built on the
fly, span checks, and a real Qari server with Chromium for the browser tests and the benchmarks.

The tiny model folder has the same files as a real Helsinki-NLP opus-mt model (source.spm, target.spm,
vocab.json, tokenizer_config.json, config.json, generation_config.json, weights), so it loads through
`models.translation.loader.load_translator(str(path))` with exactly the code the app uses. It is tiny
(one layer each side, d_model 32) and builds in well under a second; its output is nonsense, but it is
deterministic and never empty.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from models.document import Entity
from models.text.arabic import ARABIC_WORD, strip_tashkeel

ROOT = Path(__file__).resolve().parents[1]

SAMPLE_PATH = ROOT / "seeds" / "japan-canada-intelligence.txt"
SAMPLE = SAMPLE_PATH.read_text(encoding="utf-8")

# Short and long sentences in the sample's style, for the translation engines.
ARABIC_SENTENCES = [
    "اتفقت اليابان وكندا على بدء المحادثات رسميًا.",
    "وقالت وزارة الخارجية اليابانية إن الجانبين يهدفان إلى التوصل إلى اتفاق.",
    "كارثة فوكوشيما عام 2011.",
    "مرحبا",
    "تسعى اليابان إلى مزيد من التعاون مع كندا لتأمين إمدادات الغاز الطبيعي المسال.",
    "ولدى اليابان اتفاقيات مماثلة لتبادل المعلومات مع ثماني دول، بما في ذلك أستراليا وبريطانيا والهند.",
    "أغلقت العديد من المحطات النووية اليابانية بعد كارثة فوكوشيما عام 2011.",
    "دفع نقص إمدادات الطاقة وارتفاع تكلفة المرافق حكومة كيشيدا إلى التركيز على الطاقة الذرية.",
]

# A few sentences in the style of the seed article, plus plain English for the target side.
TRAINING_ARABIC = [
    "اتفقت اليابان وكندا على بدء المحادثات رسميًا نحو توقيع اتفاق لتبادل المعلومات الاستخباراتية العسكرية.",
    "اعتمد وزيرا خارجيتهما يوم الثلاثاء خطة عمل لتعزيز التعاون في مجالات الدفاع والأمن الاقتصادي.",
    "وقالت وزارة الخارجية اليابانية إن الجانبين يهدفان إلى التوصل إلى اتفاق في أقرب وقت ممكن.",
    "عمدت اليابان إلى تعميق التعاون الدفاعي خارج حليفها الرئيسي، الولايات المتحدة، في السنوات الأخيرة.",
    "ولدى اليابان اتفاقيات مماثلة لتبادل المعلومات مع ثماني دول، بما في ذلك أستراليا وبريطانيا والهند.",
    "اتفقت اليابان وكندا يوم الثلاثاء على توسيع علاقاتهما العسكرية من خلال إجراء تدريبات مشتركة.",
    "وقالت جولي إن إستراتيجية كندا تهدف إلى استكمال الجهود التي يبذلها الشركاء.",
    "تسعى اليابان إلى مزيد من التعاون مع كندا لتأمين إمدادات الغاز الطبيعي المسال.",
    "دفع نقص إمدادات الطاقة وارتفاع تكلفة المرافق حكومة كيشيدا إلى التركيز على الطاقة الذرية.",
    "أغلقت العديد من المحطات النووية اليابانية بعد كارثة فوكوشيما عام 2011.",
]
TRAINING_ENGLISH = [
    "Japan and Canada agreed to formally start talks on an intelligence sharing pact.",
    "The two foreign ministers adopted an action plan on Tuesday.",
    "The plan strengthens cooperation in defence and economic security.",
    "Both sides aim to reach an agreement as soon as possible.",
    "Japan has deepened defence cooperation beyond its main ally, the United States.",
    "Japan has similar agreements with eight countries, including Australia, Britain and India.",
    "The countries will hold joint military exercises.",
    "Joly said Canada's strategy will complement the efforts of its partners.",
    "Japan seeks more cooperation with Canada to secure liquefied natural gas.",
    "Many Japanese nuclear plants closed after the Fukushima disaster in 2011.",
]

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


def write_tokenizer(folder: Path, source: bytes, target: bytes, vocab: dict[str, int], max_length: int) -> None:
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


# ---- translators ----------------------------------------------------------------------------------


class Recording:
    """Delegates to a real translator, recording each batch; raises for chosen sentences."""

    def __init__(self, inner: Any, fail_on: set[str] = frozenset()) -> None:
        self.inner = inner
        self.model_key = inner.model_key
        self.fail_on = fail_on
        self.batches: list[list[str]] = []

    @property
    def attention(self) -> Any:
        return self.inner.attention

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        self.batches.append(list(texts))
        if self.fail_on & set(texts):
            raise RuntimeError("simulated model failure")
        return self.inner.translate(texts, beam_size=beam_size)


# ---- entities -------------------------------------------------------------------------------------

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


# ---- a real server and Chromium -------------------------------------------------------------------

CHROMIUM = os.environ.get("QARI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium keeps trying Google's hosts on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir: Path, model: str, **env_extra: str) -> tuple[subprocess.Popen, str]:
    """Run `streamlit run app.py` on a free loopback port with its own data folder; return (process, url)."""
    port = free_port()
    env = {
        **os.environ,
        "QARI_MT_MODEL": model,
        "QARI_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **env_extra,
    }
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--server.fileWatcherType", "none",
    ]
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - kept open for the server's life
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text(errors="replace"))
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("Streamlit did not become healthy in 30 s")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


SENTENCES = 10  # the sample article


def open_reader(page: Any, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=30_000)
    # all translations in: no placeholder left in the English column
    expect(page.locator("[data-sentence] .placeholder")).to_have_count(0, timeout=180_000)


def selected_index(page: Any) -> str | None:
    return page.locator('[role="option"][aria-selected="true"]').get_attribute("data-index")
