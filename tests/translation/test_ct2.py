"""Tests for the CTranslate2 engine (models.translation.ct2) and its place in the loader (models.translation.loader).

All on the tiny random-weight Marian model (tests/tiny_marian.py); conversions take a fraction of a second.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from huggingface_hub import constants as hub_constants

from models import registry
from models.settings import translation_engine, translation_threads
from models.translation import compute, ct2
from models.translation import loader as translate
from models.translation.cache import CachedTranslator, TranslationStore
from models.translation.ct2 import CT2Translator, ensure_converted, load_ct2_translator
from models.translation.loader import get_translator, load_translator
from models.translation.marian import MarianTranslator
from tests.support import ARABIC_SENTENCES

ARABIC = ARABIC_SENTENCES
ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.usefixtures("clean_registry")


@pytest.fixture(scope="module")
def reference(tiny_model_dir: Path) -> MarianTranslator:
    return MarianTranslator.from_folder(tiny_model_dir, str(tiny_model_dir))


def test_conversion_is_cached_on_disk(tiny_model_dir: Path, qari_data_dir: Path) -> None:
    messages: list[tuple[float, str]] = []
    before = ct2.conversions
    folder = ensure_converted(tiny_model_dir, "tiny", progress=lambda f, m: messages.append((f, m)))
    assert folder.parent == qari_data_dir / "ct2"
    assert (folder / "model.bin").is_file() and (folder / "source.spm").is_file()
    marker = json.loads((folder / ct2.MARKER).read_text())
    assert marker["model_id"] == "tiny" and marker["quantization"] == "int8"
    assert ct2.conversions == before + 1
    assert messages[0][0] == 0.0 and messages[-1][0] == 1.0 and "tiny" in messages[0][1]
    stamp = (folder / "model.bin").stat().st_mtime_ns

    messages.clear()
    assert ensure_converted(tiny_model_dir, "tiny", progress=lambda f, m: messages.append((f, m))) == folder
    assert ct2.conversions == before + 1 and messages == []  # found on disk: no conversion, no message
    assert (folder / "model.bin").stat().st_mtime_ns == stamp
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temporary folder left behind


def test_cache_key_follows_revision_and_quantization(tiny_model_dir: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(tiny_model_dir, tmp_path / "model")
    first = ensure_converted(copy, "m")
    assert ensure_converted(copy, "m", quantization="float32") != first
    assert ensure_converted(copy, "m", revision="abc123") != first  # a hub commit
    weights = copy / "model.safetensors"
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))
    assert ensure_converted(copy, "m") != first  # the weights changed: convert again


def test_engine_translates_like_the_protocol_says(tiny_model_dir: Path) -> None:
    result = load_translator(str(tiny_model_dir), engine="ctranslate2")
    assert result.ok and result.engine == "ctranslate2" and result.note is None
    engine = result.translator
    assert isinstance(engine, CT2Translator) and isinstance(engine, translate.Translator)
    assert engine.model_key == str(tiny_model_dir.resolve())  # same cache key as the transformers engine
    for beam in (1, 4):
        out = engine.translate(ARABIC, beam_size=beam)
        assert len(out) == len(ARABIC)
        assert all(isinstance(s, str) and s.strip() for s in out)
        assert len(set(out)) > 1
        assert engine.translate(ARABIC[::-1], beam_size=beam) == out[::-1]  # sorted internally, order kept
    assert engine.translate([]) == []
    assert engine.translate(["", " ", ARABIC[0]]) == ["", "", engine.translate([ARABIC[0]])[0]]
    [long] = engine.translate([" ".join([ARABIC[1]] * 60)])  # past the model's 64 positions: truncated
    assert long.strip()


def test_float32_conversion_matches_transformers_greedy(
    tiny_model_dir: Path, reference: MarianTranslator
) -> None:
    """Same weights, same tokenizer, same length limits and banned tokens: greedy output is identical.

    (Beam search is not compared: the two libraries finish and rank beams differently, and on a random
    model whose hypotheses score almost alike that changes the winner now and then.)
    """
    engine = load_ct2_translator(tiny_model_dir, "tiny", "tiny", quantization="float32")
    assert engine.translate(ARABIC, beam_size=1) == reference.translate(ARABIC, beam_size=1)


def test_int8_stays_close_to_float32(tiny_model_dir: Path, reference: MarianTranslator) -> None:
    """int8 greedy output is not compared string for string: this 32-wide random model has near-ties
    everywhere, and one flipped token sends the rest of a nonsense sentence elsewhere (at full size with
    real weights int8 costs a fraction of a BLEU point). What must hold: both models score the reference
    output alike, and the first token, before any divergence can compound, mostly agrees.
    """
    f32 = load_ct2_translator(tiny_model_dir, "tiny", "tiny", quantization="float32")
    # the int8 conversion with the arithmetic this machine gets (int8 where its kernels are faithful)
    i8 = load_ct2_translator(tiny_model_dir, "tiny", "tiny", quantization="int8")
    assert i8.compute_type == ct2.compute_type_for("int8")
    ref = f32.translate_with_attention(ARABIC, beam_size=1)
    src, tgt = [r.source_tokens for r in ref], [r.target_tokens for r in ref]
    gaps = [
        statistics.fmean(abs(a - b) for a, b in zip(x.log_probs, y.log_probs, strict=True))
        for x, y in zip(
            f32.translator.score_batch(src, tgt), i8.translator.score_batch(src, tgt), strict=True
        )
    ]
    assert statistics.median(gaps) < 0.5  # nats per token
    first = [r.target_tokens[0] for r in i8.translate_with_attention(ARABIC, beam_size=1)]
    assert sum(a == b[0] for a, b in zip(first, tgt, strict=True)) >= len(ARABIC) // 2
    assert reference.translate(ARABIC[:1], beam_size=1) == f32.translate(ARABIC[:1], beam_size=1)


def test_attention_for_alignment(tiny_model_dir: Path) -> None:
    engine = load_ct2_translator(tiny_model_dir, "tiny", "tiny")
    for beam in (1, 4):
        results = engine.translate_with_attention(["", *ARABIC[:4]], beam_size=beam)
        assert results[0].text == "" and results[0].attention == []
        for text, r in zip(ARABIC[:4], results[1:], strict=True):
            [alone] = engine.translate_with_attention([text], beam_size=beam)
            assert r.text == alone.text == engine.translate([text], beam_size=beam)[0]
            assert r.target_tokens == alone.target_tokens and r.source_tokens[-1] == "</s>"
            assert len(r.attention) == len(r.target_tokens) > 0
            for row, row_alone in zip(r.attention, alone.attention, strict=True):
                assert len(row) == len(r.source_tokens)
                assert sum(row) == pytest.approx(1.0, abs=1e-3)  # a distribution over the source
                # Batched or alone, a sentence gets the same attention.
                assert row == pytest.approx(row_alone, abs=1e-3)


def test_auto_uses_ctranslate2_for_real_sized_models(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_translator(str(tiny_model_dir), engine="auto").engine == "transformers"  # test-sized
    monkeypatch.setattr(translate, "AUTO_MIN_WEIGHT_BYTES", 0)
    result = load_translator(str(tiny_model_dir), engine="auto")
    assert result.ok and result.engine == "ctranslate2"


def test_auto_falls_back_when_conversion_is_impossible(
    tiny_model_dir: Path, tmp_path: Path, qari_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(translate, "AUTO_MIN_WEIGHT_BYTES", 0)
    folder = shutil.copytree(tiny_model_dir, tmp_path / "not-marian")
    config = json.loads((folder / "config.json").read_text())
    config["model_type"] = "bart"  # transformers still loads it as Marian; the converter must not
    (folder / "config.json").write_text(json.dumps(config))
    for engine in ("auto", "ctranslate2"):
        result = load_translator(str(folder), engine=engine)
        assert result.ok and result.error is None
        assert result.engine == "transformers" and isinstance(result.translator, MarianTranslator)
        assert "not a Marian model" in result.note
        assert result.translator.translate(ARABIC[:2])
    assert not any((qari_data_dir / "ct2").iterdir())  # nothing half-converted left behind


def test_conversion_crash_falls_back(
    tiny_model_dir: Path, qari_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise MemoryError("no room to convert")

    monkeypatch.setattr(ct2, "_convert", boom)
    result = load_translator(str(tiny_model_dir), engine="ctranslate2")
    assert result.ok and result.engine == "transformers" and "MemoryError" in result.note
    assert not any((qari_data_dir / "ct2").iterdir())  # the half-done work is gone


def test_engine_choice_env_and_registry(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QARI_MT_ENGINE", "transformers")
    assert translation_engine() == "transformers"
    assert load_translator(str(tiny_model_dir)).engine == "transformers"
    monkeypatch.setenv("QARI_MT_ENGINE", "CTranslate2")
    assert load_translator(str(tiny_model_dir)).engine == "ctranslate2"
    monkeypatch.setenv("QARI_MT_ENGINE", "warp-drive")
    assert translation_engine() == "auto"
    bad = load_translator(str(tiny_model_dir), engine="warp-drive")
    assert not bad.ok and "warp-drive" in bad.error

    # The registry keeps one translator per (model, engine).
    fast = get_translator(str(tiny_model_dir), engine="ctranslate2")
    slow = get_translator(str(tiny_model_dir), engine="transformers")
    assert fast.engine == "ctranslate2" and slow.engine == "transformers"
    assert get_translator(str(tiny_model_dir) + "/", engine="ctranslate2") is fast
    registry.forget("translation")
    assert get_translator(str(tiny_model_dir), engine="ctranslate2") is not fast


def test_hub_snapshot_is_keyed_by_commit(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "hub"
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(cache))
    repo = cache / "models--qari-test--tiny"
    sha = "0123456789abcdef0123456789abcdef01234567"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(sha)
    shutil.copytree(tiny_model_dir, repo / "snapshots" / sha)
    result = load_translator("qari-test/tiny", engine="ctranslate2")
    assert result.ok and result.engine == "ctranslate2"
    assert result.translator.model_key == "qari-test/tiny"
    marker = json.loads((result.translator.folder / ct2.MARKER).read_text())
    assert marker["revision"] == sha and marker["model_id"] == "qari-test/tiny"


def test_cached_translator_over_ctranslate2(tiny_model_dir: Path) -> None:
    engine = load_translator(str(tiny_model_dir), engine="ctranslate2").translator
    cached = CachedTranslator(engine, TranslationStore())
    assert cached.translate(ARABIC) == engine.translate(ARABIC)
    assert TranslationStore().count(engine.model_key) == len(ARABIC)


def _english_spm() -> bytes:
    import sentencepiece as spm

    from tests.support import TRAINING_ENGLISH

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TRAINING_ENGLISH),
        model_writer=buf,
        vocab_size=60,
        hard_vocab_limit=False,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    return buf.getvalue()


def test_target_vocabulary_map(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a separate (English) target.spm the conversion writes a map: the target pieces always, each
    source piece when the sentence holds it; with one shared spm (the tiny model) there is no map. The
    engine uses it by default (`QARI_MT_VMAP=0` turns it off)."""
    assert not (ensure_converted(tiny_model_dir, "tiny") / ct2.VMAP_FILE).exists()
    folder = shutil.copytree(tiny_model_dir, tmp_path / "two-spm")
    (folder / "target.spm").write_bytes(_english_spm())
    converted = ensure_converted(folder, "two-spm")
    first, *copies = (converted / ct2.VMAP_FILE).read_text(encoding="utf-8").rstrip("\n").split("\n")
    source, allowed = first.split("\t")
    allowed_set = set(allowed.split(" "))
    assert source == "" and "</s>" in allowed_set and len(allowed_set) > 10
    assert not any("\u0600" <= c <= "\u06ff" for p in allowed_set for c in p)  # no Arabic pieces
    pairs = [line.split("\t") for line in copies]
    assert pairs and all(a == b and a not in allowed_set for a, b in pairs)  # a source piece allows itself
    assert any("\u0600" <= c <= "\u06ff" for a, _ in pairs for c in a)

    monkeypatch.delenv("QARI_MT_VMAP", raising=False)
    engine = CT2Translator(converted, "two-spm")
    assert engine.use_vmap
    results = engine.translate_with_attention(ARABIC, beam_size=4)
    # Only English pieces, or pieces of the sentences decoded together (CTranslate2 maps per batch): a
    # name can be copied from the Arabic.
    batch_sources = {p for r in results for p in r.source_tokens}
    for r in results:
        assert r.target_tokens and set(r.target_tokens) <= allowed_set | batch_sources
    assert not CT2Translator(converted, "two-spm", use_vmap=False).use_vmap
    monkeypatch.setenv("QARI_MT_VMAP", "0")
    assert not CT2Translator(converted, "two-spm").use_vmap


def test_an_older_vocabulary_map_gets_its_copy_lines(tiny_model_dir: Path, tmp_path: Path) -> None:
    """A conversion from before the copy lines (the target line only) is brought up to date on load."""
    folder = shutil.copytree(tiny_model_dir, tmp_path / "two-spm")
    (folder / "target.spm").write_bytes(_english_spm())
    converted = ensure_converted(folder, "two-spm")
    vmap = converted / ct2.VMAP_FILE
    first = vmap.read_text(encoding="utf-8").split("\n")[0]
    vmap.write_text(first + "\n", encoding="utf-8")
    assert CT2Translator(converted, "two-spm", use_vmap=True).use_vmap
    assert len(vmap.read_text(encoding="utf-8").rstrip("\n").split("\n")) > 1


def test_a_cpu_whose_int8_kernels_saturate_gets_float32(tiny_model_dir: Path, tmp_path: Path) -> None:
    """The AVX2-without-VNNI path (oneDNN's saturating u8·s8 kernels), forced on any x86 CPU: the engine
    chooses float32 there and stays close to the float32 conversion. Run in a fresh interpreter: the
    variables are read when CTranslate2 loads."""
    code = (
        "import json, statistics, sys; from pathlib import Path; "
        "from models.translation.ct2 import load_ct2_translator, int8_is_faithful; "
        "from tests.support import ARABIC_SENTENCES as A; "
        "m = Path(sys.argv[1]); f32 = load_ct2_translator(m, 't', 't', quantization='float32'); "
        "i8 = load_ct2_translator(m, 't', 't', quantization='int8'); "
        "ref = f32.translate_with_attention(A, beam_size=1); "
        "src, tgt = [r.source_tokens for r in ref], [r.target_tokens for r in ref]; "
        "gaps = [statistics.fmean(abs(a - b) for a, b in zip(x.log_probs, y.log_probs)) for x, y in "
        "zip(f32.translator.score_batch(src, tgt), i8.translator.score_batch(src, tgt))]; "
        "print(json.dumps({'faithful': int8_is_faithful()[0], 'compute': i8.compute_type, "
        "'gap': statistics.median(gaps)}))"
    )
    env = {**os.environ, "CT2_FORCE_CPU_ISA": "AVX2", "CT2_USE_MKL": "0", "QARI_DATA_DIR": str(tmp_path)}
    env.pop("QARI_MT_COMPUTE", None)
    done = subprocess.run(
        [sys.executable, "-c", code, str(tiny_model_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if compute._cpu()[1]:  # an x86 CPU: the forced ISA has no VNNI, and MKL is off
        assert not result["faithful"] and result["compute"] == "float32"
    assert result["gap"] < 0.5


def test_the_compute_type_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QARI_MT_COMPUTE", "float32")
    assert ct2.compute_type_for("int8") == "float32"
    monkeypatch.setenv("QARI_MT_COMPUTE", "int8")
    assert ct2.compute_type_for("int8") == "int8"
    monkeypatch.setenv("QARI_MT_COMPUTE", "auto")
    assert ct2.compute_type_for("int8") == ("int8" if ct2.int8_is_faithful()[0] else "float32")


@pytest.mark.parametrize(("cores", "threads"), [(1, 1), (2, 1), (8, 7)])
def test_translation_leaves_a_core_to_the_page(
    cores: int, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QARI_MT_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert translation_threads() == threads
    monkeypatch.setenv("QARI_MT_THREADS", "3")  # what an operator sets wins
    assert translation_threads() == 3
