"""What the tests share: the sample texts, a tiny MarianMT model and a tiny entity tagger built on the
fly, span checks, and a real Qari server with Chromium for the browser tests and the benchmarks.

The tiny model folder has the same files as a real Helsinki-NLP opus-mt model (source.spm, target.spm,
vocab.json, tokenizer_config.json, config.json, generation_config.json, weights), so it loads through
`models.translation.loader.load_translator(str(path))` with exactly the code the app uses. It is tiny
(one layer each side, d_model 32) and builds in well under a second; its output is nonsense, but it is
deterministic and never empty.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import ipaddress
import json
import os
import re
import shutil
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import streamlit as st
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest

from models import registry
from models.document import Entity
from models.study.export import ARABIC_FONT_FILE
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


def build_endless_marian(tiny: Path, path: Path, *, width: int | None = None, positions: int | None = None) -> Path:
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


# ---- the page in AppTest --------------------------------------------------------------------------


def forget_loaded_state() -> None:
    """What a fresh process would have: Streamlit's caches and the model registry, both process-wide."""
    st.cache_data.clear()
    st.cache_resource.clear()
    registry.reset()


def run_page() -> AppTest:
    """The page in AppTest (the same script, in-process), run once, without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


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


def start_app(
    data_dir: Path, model: str, port: int | None = None, **env_extra: str
) -> tuple[subprocess.Popen, str]:
    """Run `streamlit run app.py` on a loopback port (a free one, or `port`: a sign-in's redirect address
    names it, and a restart keeps it) with its own data folder; return (process, url)."""
    port = port or free_port()
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
    log = open(data_dir / "server.log", "ab")  # noqa: SIM115 - kept open for the server's life
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
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
    raise RuntimeError("Streamlit did not become healthy in 60 s")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


SENTENCES = 10  # the sample article


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """For pytest-playwright: Debian's Chromium when present; otherwise Playwright's own
    (`playwright install chromium`). Imported by the conftest or module of each browser test."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS} if CHROMIUM else {"args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def chromium_available(browser_type: Any, browser_type_launch_args: dict) -> None:
    """Skip the browser tests, saying what to install, on a machine without a Chromium to drive."""
    try:
        browser = browser_type.launch(**browser_type_launch_args)
    except Exception as exc:  # noqa: BLE001 - Playwright reports a missing browser in several ways
        pytest.skip(
            "needs Chromium: `sudo apt-get install chromium` (Debian/Ubuntu) or `playwright install chromium`"
            f" ({type(exc).__name__})"
        )
    browser.close()


def open_reader(page: Any, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=30_000)
    # all translations in: no placeholder left in the English column
    expect(page.locator("[data-sentence] .placeholder")).to_have_count(0, timeout=180_000)


def selected_index(page: Any) -> str | None:
    return page.locator('[role="option"][aria-selected="true"]').get_attribute("data-index")


# ---- a PostgreSQL server for the store tests ----------------------------------------------------------

POSTGRES_MISSING = "needs the postgresql package (`apt-get install postgresql`) for a real PostgreSQL server"


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl): on PATH, or Debian's
    /usr/lib/postgresql/N/bin (the newest); None where PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl") if (p.parent / "initdb").exists()]
    versions.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary folder, reached on a unix socket only (no TCP port);
    `start()` it, `create_database()` one database per test, `stop()` removes it all.

    PostgreSQL refuses to run as root: as root (CI), the cluster belongs to the `postgres` user the
    package creates, and its programs run as that user.
    """

    def __init__(self) -> None:
        import tempfile

        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError(POSTGRES_MISSING)
        self.folder = Path(tempfile.mkdtemp(prefix="qari-pg-"))  # short: a socket path has ~100 bytes
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "qari"
        self._as: list[str] = []
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._as = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120, cwd=self.folder)

    def start(self) -> PostgresServer:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust",
                  "--encoding", "UTF8", "--locale", "C.UTF-8", "--no-sync")
        options = f"-k {self.folder} -c listen_addresses='' -p {self.port} -F"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")
        return self

    def url(self, name: str = "postgres") -> str:
        """The URL of database `name`, as QARI_DATABASE_URL takes it."""
        return f"postgresql://{self.user}@/{name}?host={self.folder}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host=str(self.folder), port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


# ---- images of Arabic text (OCR) ------------------------------------------------------------------

OCR_LINES = ["اتفقت اليابان وكندا على بدء المحادثات رسميا.", "وقالت وزارة الخارجية إن الاتفاق مهم للمنطقة."]


def arabic_png(lines: list[str], size: int = 36) -> bytes:
    """Black Arabic text on white, right-aligned, rendered with the repo's Naskh font."""
    from PIL import Image, ImageDraw, ImageFont, features

    font = ImageFont.truetype(str(ARABIC_FONT_FILE), size)
    if not features.check("raqm"):  # no shaping engine in Pillow: shape and reorder by hand
        from arabic_reshaper import reshape
        from bidi.algorithm import get_display

        lines = [get_display(reshape(line)) for line in lines]
        direction = None
    else:
        direction = "rtl"
    width = max(int(font.getlength(line, direction=direction)) for line in lines) + 2 * size
    image = Image.new("L", (width, (2 * len(lines) + 1) * size), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((width - size, size // 2 + 2 * i * size), line, font=font, fill=0, direction=direction, anchor="ra")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


# ---- a local news site (tests/inputs): pages, feeds, redirects, and a guard on the network -----

PAGES = ROOT / "tests" / "inputs" / "pages"
# A test certificate authority and a certificate it signed for news.example (key included), valid for
# a century: made once with openssl for these tests, trusted by nothing else.
TEST_CA = ROOT / "tests" / "inputs" / "tls" / "ca.pem"
TEST_SITE_CERT = ROOT / "tests" / "inputs" / "tls" / "news.example.pem"
LOOPBACK = "127.0.0.1"
ARABIC_SLUG = "اليابان-والأردن-المياه"

Answer = tuple[int, dict[str, str], bytes]


def _page(name: str, content_type: str) -> Callable[[], Answer]:
    return lambda: (200, {"Content-Type": content_type}, (PAGES / name).read_bytes())


ENGLISH = b"<!DOCTYPE html><html lang='en'><head><title>Weather</title></head><body><article><h1>Weather today</h1>" + (
    b"<p>Sunny spells in the morning, with showers spreading from the west in the afternoon and evening.</p>" * 8
) + b"</article></body></html>"


# A front page: headlines and links, no article.
FRONT_PAGE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>الشرق نيوز - الرئيسية</title>
</head><body><header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li>
<li><a href="/economy">اقتصاد</a></li></ul></nav></header><main><div class="cards">
<a href="/economy/2026/11/20/japan-jordan-water"><h3>اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه</h3></a>
<a href="/economy/2026/11/15/oil-prices"><h3>أسعار النفط تتراجع للأسبوع الثالث</h3></a>
<a href="/politics/2026/11/12/summit"><h3>قمة عربية طارئة الشهر المقبل</h3></a></div></main>
<footer>جميع الحقوق محفوظة © 2026 الشرق نيوز</footer></body></html>"""


# An economy section's RSS feed (UTF-8), as news sites publish them: absolute links, RFC 822 dates,
# HTML in the descriptions; not in date order; one relative link, one into a private network.
RSS_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>الشرق نيوز - اقتصاد</title>
  <link>{base}/economy</link>
  <description>آخر أخبار الاقتصاد من الشرق نيوز</description>
  <language>ar</language>
  <atom:link href="{base}/rss.xml" rel="self" type="application/rss+xml"/>
  <item>
    <title>اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه</title>
    <link>{base}/economy/2026/11/20/japan-jordan-water</link>
    <description><![CDATA[<p>وقعت اليابان والأردن اتفاقية <b>قرض ميسر</b> لتمويل مشاريع المياه.</p><img src="{base}/media/a.jpg">]]></description>
    <pubDate>Fri, 20 Nov 2026 08:30:00 +0300</pubDate>
    <dc:creator>سارة المصري</dc:creator>
    <guid isPermaLink="false">sharq-88231</guid>
  </item>
  <item>
    <title>المغرب يطلق أكبر محطة لتحلية مياه البحر في أفريقيا</title>
    <link>{base}/news.php</link>
    <description>أعلن المغرب رسميًا بدء تشغيل محطة تحلية مياه البحر قرب الدار البيضاء.</description>
    <pubDate>Mon, 05 Oct 2026 10:00:00 +0100</pubDate>
  </item>
  <item>
    <title>أسعار النفط تتراجع للأسبوع الثالث على التوالي</title>
    <link>/economy/2026/11/15/oil-prices</link>
    <description>تراجعت أسعار النفط &amp; الغاز في الأسواق العالمية.</description>
    <pubDate>Sun, 15 Nov 2026 12:00:00 +0000</pubDate>
  </item>
  <item>
    <title>تقرير داخلي عن ميزانية العام المقبل</title>
    <link>http://10.0.0.8/internal/budget</link>
    <pubDate>Sat, 21 Nov 2026 07:00:00 +0000</pubDate>
  </item>
</channel>
</rss>
"""

# An older site's Atom feed in Windows-1256, the encoding declared in the XML prolog only.
ATOM_FEED_1256 = """<?xml version="1.0" encoding="windows-1256"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>صحيفة الوسط - الاقتصاد</title>
  <updated>2026-10-05T09:00:00Z</updated>
  <id>{base}/atom.xml</id>
  <entry>
    <title>المغرب يطلق أكبر محطة لتحلية مياه البحر في أفريقيا</title>
    <link rel="alternate" type="text/html" href="{base}/news.php"/>
    <id>{base}/news.php?id=4471</id>
    <updated>2026-10-05T09:00:00Z</updated>
    <summary>أعلن المغرب رسميًا بدء تشغيل محطة تحلية مياه البحر.</summary>
  </entry>
  <entry>
    <title>تراجع مخزون السدود إلى أدنى مستوى منذ عشرين عامًا</title>
    <link rel="alternate" type="text/html" href="{base}/news.php?id=4402"/>
    <id>{base}/news.php?id=4402</id>
    <updated>2026-09-28T09:00:00Z</updated>
  </entry>
</feed>
"""


class NewsSite:
    """What each path answers; `release` lets a deliberately slow answer finish (at teardown)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.routes: dict[str, Callable[[], Answer]] = {
            "/economy/2026/11/20/japan-jordan-water": _page("sharq-economy.html", "text/html; charset=utf-8"),
            # an older site: the charset only in its <meta>, the server says nothing
            "/news.php": _page("wasat-1256.html", "text/html"),
            # a misconfigured server: the header says UTF-8, the page (and its <meta>) Windows-1256
            "/wrong-charset": _page("wasat-1256.html", "text/html; charset=utf-8"),
            "/gzipped": lambda: (
                200,
                {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
                gzip.compress((PAGES / "sharq-economy.html").read_bytes()),
            ),
            # an address with Arabic in its path (sent percent-encoded), and a redirect to it whose
            # Location header is raw UTF-8, as some servers send it
            "/news/" + quote(ARABIC_SLUG): _page("sharq-economy.html", "text/html; charset=utf-8"),
            "/arabic-redirect": lambda: (302, {"X-Raw-Location": "/news/" + ARABIC_SLUG}, b""),
            "/old-link": lambda: (301, {"Location": "/short/77"}, b""),
            "/short/77": lambda: (302, {"Location": "/economy/2026/11/20/japan-jordan-water"}, b""),
            "/loop": lambda: (302, {"Location": "/loop"}, b""),
            "/no-location": lambda: (302, {}, b""),
            "/to-metadata": lambda: (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/to-intranet": lambda: (307, {"Location": "http://intranet.example/admin"}, b""),
            "/to-file": lambda: (302, {"Location": "file:///etc/passwd"}, b""),
            "/missing": lambda: (404, {"Content-Type": "text/html"}, "<h1>الصفحة غير موجودة</h1>".encode()),
            "/report.pdf": lambda: (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n%\xe2\xe3\n"),
            "/empty-feed": lambda: (
                200, {"Content-Type": "application/rss+xml"},
                "<?xml version='1.0'?><rss version='2.0'><channel><title>أخبار</title></channel></rss>".encode(),
            ),
            "/broken-feed": lambda: (200, {"Content-Type": "application/rss+xml"}, b"\x00\x01 not a feed at all"),
            "/english": lambda: (200, {"Content-Type": "text/html"}, ENGLISH),
            # no Content-Type at all: a page if it plainly starts like one
            "/untyped-page": lambda: (200, {}, (PAGES / "sharq-economy.html").read_bytes()),
            "/untyped-binary": lambda: (200, {}, b"\x00\x01\x02PK\x03\x04" + bytes(range(256))),
            "/front-page": lambda: (200, {"Content-Type": "text/html; charset=utf-8"}, FRONT_PAGE.encode()),
            # 300 KB: over the limits the tests pass, declared up front or only found out while reading
            "/big-declared": lambda: (200, {"Content-Type": "text/html"}, b"<html>" + b" " * 300_000),
            "/big-streamed": lambda: (200, {"Content-Type": "text/html", "X-No-Length": "1"}, b"<html>" + b" " * 300_000),
            # 300 KB of spaces compress to a few hundred bytes: the cap is on what comes out
            "/gzip-bomb": lambda: (
                200,
                {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                gzip.compress(b"<html>" + b" " * 300_000),
            ),
        }

    def answer(self, path: str, host: str = LOOPBACK) -> Answer | None:
        base = f"http://{host}"
        feeds = {
            "/rss.xml": ("application/rss+xml; charset=utf-8", RSS_FEED.format(base=base).encode()),
            "/atom.xml": ("application/atom+xml", ATOM_FEED_1256.format(base=base).encode("cp1256")),
            # a feed served as plain XML, as many servers do
            "/feed": ("text/xml", RSS_FEED.format(base=base).encode()),
        }
        if path in feeds:
            content_type, body = feeds[path]
            return 200, {"Content-Type": content_type}, body
        if path == "/trickle":
            return 200, {"Content-Type": "text/html", "X-Trickle": "1"}, b"<html>" + b" " * 10_000
        if path == "/slow":
            self.release.wait(30)  # until the client gave up and the test ended
            return 200, {"Content-Type": "text/html"}, b"<html></html>"
        route = self.routes.get(path)
        return route() if route else (404, {"Content-Type": "text/plain"}, b"not found")


class _Handler(BaseHTTPRequestHandler):
    site: NewsSite

    def do_GET(self) -> None:  # http.server's name
        self.site.requests.append((self.path, dict(self.headers)))
        answer = self.site.answer(self.path, self.headers.get("Host", LOOPBACK))
        if answer is None:
            return
        status, headers, body = answer
        self.send_response(status)
        streamed = headers.pop("X-No-Length", None) is not None
        raw_location = headers.pop("X-Raw-Location", None)
        if raw_location is not None:
            self._headers_buffer.append(b"Location: " + raw_location.encode() + b"\r\n")
        for name, value in headers.items():
            self.send_header(name, value)
        if not streamed:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        trickle = headers.get("X-Trickle") is not None
        self.end_headers()
        try:
            if trickle:  # a byte at a time, each well within the read timeout, until the client leaves
                for byte in body:
                    if self.site.release.wait(0.05):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what the size tests expect

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's name (getfqdn): a lookup the tests do not need.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def _serve(site: NewsSite, tls: bool) -> _Server:
    server = _Server((LOOPBACK, 0), type("Handler", (_Handler,), {"site": site}))
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TEST_SITE_CERT)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def news_site() -> Iterator[tuple[NewsSite, str]]:
    """(the site, its base address http://127.0.0.1:PORT), served for the module's tests."""
    site = NewsSite()
    server = _serve(site, tls=False)
    yield site, f"http://{LOOPBACK}:{server.server_address[1]}"
    site.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def tls_news_site() -> Iterator[tuple[NewsSite, int]]:
    """(the site, its port): the same site over HTTPS on 127.0.0.1, its certificate for news.example."""
    site = NewsSite()
    server = _serve(site, tls=True)
    yield site, server.server_address[1]
    site.release.set()
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------------- the guard


# Names the tests use, and what they "resolve" to: no lookup ever leaves the process.
FAKE_DNS: dict[str, list[str]] = {
    "news.example": [LOOPBACK],
    "intranet.example": ["192.168.1.10"],
    "mixed.example": ["93.184.216.34", "10.0.0.5"],
    "v6-loopback.example": ["::1"],
    "public.example": ["93.184.216.34"],
}
# A name whose lookup hangs (until the end of the test session): for the lookup timeout.
SLOW_NAME = "slow-dns.example"
SLOW_DNS = threading.Event()


class ForbiddenTraffic(AssertionError):
    pass


@pytest.fixture
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Refuse (and fail the test on) any connection to an address other than 127.0.0.1, and answer
    name lookups from `FAKE_DNS` only. Yields the list of refused attempts."""
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host != LOOPBACK:
            attempts.append(address)
            raise ForbiddenTraffic(f"a test tried to connect to {address!r}")
        real_connect(sock, address)

    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> list:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name)
        except ValueError:
            if name == SLOW_NAME:
                SLOW_DNS.wait(60)
                raise socket.gaierror(socket.EAI_AGAIN, "timed out") from None
            if name not in FAKE_DNS:
                attempts.append(name)
                raise socket.gaierror(socket.EAI_NONAME, f"{name} is not in the tests' fake DNS") from None
            return [
                info for address in FAKE_DNS[name]
                for info in real_getaddrinfo(address, port, *args, **kwargs)
            ]
        return real_getaddrinfo(name, port, *args, **kwargs)  # a numeric address: no lookup

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not [a for a in attempts if not isinstance(a, str)], f"connections attempted: {attempts}"


# ---- sign-in: a local OpenID Connect provider, and Qari signing readers in through it ---------------


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock serving on 127.0.0.1 (a free port) from a thread of this process; yields its
    address, which is also the issuer of its tokens. Any client id and secret are accepted, and any subject
    typed on its authorisation page signs in. It speaks plain http: the caller sets
    AUTHLIB_INSECURE_TRANSPORT=1 (loopback only)."""
    import threading

    import oidc_provider_mock
    import werkzeug.serving

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def sign_in_secrets(folder: Path, app_url: str, issuer: str) -> Path:
    """A secrets.toml whose [auth] section signs Qari's readers in with the provider at `issuer`."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(16).hex()}"\n'
        'client_id = "qari-tests"\n'
        'client_secret = "qari-tests-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def sign_in(page: Any, url: str, subject: str) -> None:
    """Sign in to Qari at `url` as `subject` through the provider's authorisation page."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    expect(page.get_by_role("button", name="Sign out")).to_be_attached(timeout=60_000)
