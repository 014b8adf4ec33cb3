"""Benchmark: Qari's translation engine (CTranslate2 int8) against plain transformers fp32.

    python bench/translate.py [--model FOLDER_OR_HUB_ID] [--corpus /work/shared/data/aqmar] [--reps 5]

Without `--model` it builds the opus-mt-ar-en architecture with random weights (d_model 512, 6+6 layers,
8 heads, FFN 2048, shared embeddings, ~62k vocabulary) and a real sentencepiece tokenizer trained on
Arabic text (the AQMAR Wikipedia corpus, `--corpus`) and English text that ships with Python (the pydoc
topics), cached under bench/.cache/. Random weights say nothing about quality but cost exactly what
trained ones cost, provided both engines produce the same number of tokens: output lengths are forced
(transformers: min_new_tokens = max_new_tokens; CTranslate2: min_decoding_length = max_decoding_length)
and the workers check the token counts.

Each engine runs in its own fresh process (one after the other, never together) so its peak RSS is its
own; each warms up, then translates the sample article's sentences `--reps` times per decoding mode
(greedy, beam 4) and reports the median. The parent prints a table, then as its LAST line a JSON object:
{"ratio", "ratio_greedy", "rss_ratio", "baseline_s", "engine_s", "sentences", "threads", ...}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

CACHE = ROOT / "bench" / ".cache"
DEFAULT_CORPUS = Path("/work/shared/data/aqmar")  # exists on the project's build machines only
DEFAULT_TEXT = ROOT / "seeds" / "japan-canada-intelligence.txt"

# opus-mt-ar-en's shape (its config.json): 62802 tokens with <pad> last, swish, sinusoidal positions.
VOCAB_SIZE = 62802
# Its joint vocabulary is two sentencepiece vocabularies (Arabic, English) of roughly equal size; the
# stand-in keeps that split, so the target-side vocabulary map is as large as the real one would be.
SOURCE_SHARE = 0.5
SPM_PIECES = 32000  # asked of each side's sentencepiece; a small corpus yields fewer (reported)


# --- the random opus-mt-ar-en ------------------------------------------------------------------------


def _arabic_lines(corpus: Path) -> list[str]:
    """Sentences of the AQMAR corpus (CoNLL: one "token tag" per line, blank line between sentences)."""
    lines: list[str] = []
    for path in sorted(corpus.glob("*.conll")):
        words: list[str] = []
        for row in path.read_text(encoding="utf-8").splitlines() + [""]:
            if row.strip():
                words.append(row.split()[0])
            elif words:
                lines.append(" ".join(words))
                words = []
    return lines


def _english_lines() -> list[str]:
    """English prose available offline everywhere: the documentation topics bundled with Python."""
    from pydoc_data.topics import topics

    return [ln.strip() for text in topics.values() for ln in text.splitlines() if len(ln.split()) >= 4]


def build_random_model(corpus: Path, seed: int = 0) -> Path:
    """Build (once; cached under bench/.cache/) the random-weight opus-mt-ar-en stand-in; return its folder."""
    files = sorted(corpus.glob("*.conll"))
    if not files:
        raise SystemExit(f"No AQMAR *.conll files in {corpus}: pass --corpus DIR (or --model FOLDER).")
    tag = hashlib.sha256("|".join(f"{p.name}:{p.stat().st_size}" for p in files).encode()).hexdigest()[:8]
    folder = CACHE / f"opus-mt-ar-en-random-{tag}-s{seed}"
    if (folder / "model.safetensors").is_file():
        return folder
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    from devkit.tiny_models import add_pieces, train_spm, write_tokenizer

    print(f"Building the random opus-mt-ar-en stand-in in {folder} (once)…", file=sys.stderr)
    work = folder.with_name(folder.name + ".tmp")
    work.mkdir(parents=True, exist_ok=True)
    # Like opus-mt: a source spm (Arabic) and a target spm (English), one joint vocab.json.
    threads = os.cpu_count() or 1
    src = train_spm(_arabic_lines(corpus), SPM_PIECES, threads=threads)
    tgt = train_spm(_english_lines(), SPM_PIECES, threads=threads)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    # The corpora support fewer pieces than opus-mt's 62k: fill each side up with placeholder pieces, so
    # the output layer is full size and each side has its real share (the English placeholders stand for
    # English pieces a bigger corpus would have given, and belong to the target vocabulary map).
    for proto, side, upto in ((src, "ar", int(SOURCE_SHARE * (VOCAB_SIZE - 1))), (tgt, "en", VOCAB_SIZE - 1)):
        add_pieces(vocab, proto)
        filler = 0
        while len(vocab) < upto:
            vocab.setdefault(f"<unused-{side}-{filler}>", len(vocab))
            filler += 1
    pad = len(vocab)
    vocab["<pad>"] = pad
    write_tokenizer(work, src, tgt, vocab, max_length=512)
    config = MarianConfig(
        vocab_size=VOCAB_SIZE,
        decoder_vocab_size=VOCAB_SIZE,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        activation_function="swish",
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
        static_position_embeddings=True,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig(  # opus-mt-ar-en's generation_config.json
        bad_words_ids=[[pad]],
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_length=512,
        num_beams=4,
    )
    model.save_pretrained(work)
    work.rename(folder)
    return folder


def resolve_model(args: argparse.Namespace) -> tuple[Path, str, str | None]:
    """(folder, model id, revision) of the model to benchmark."""
    if not args.model:
        folder = build_random_model(args.corpus)
        return folder, str(folder), None
    from models.hub import cached_snapshot, local_folder

    folder = local_folder(args.model)
    if folder is not None:
        return folder, str(folder), None
    snapshot = cached_snapshot(args.model)
    if snapshot is None:
        raise SystemExit(
            f"{args.model} is not in the local Hugging Face cache (`python -m models download`)."
        )
    return snapshot, args.model, snapshot.name


def sample_sentences(path: Path) -> list[str]:
    from models.text.segment import split_sentences

    text = path.read_text(encoding="utf-8")
    return [text[a:b] for a, b in split_sentences(text)]


# --- the measuring worker (a fresh process per engine) ---------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident memory, in MiB.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork and exec, so a worker started
    by a parent that has loaded torch and built the model would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, bytes on macOS


def worker(args: argparse.Namespace) -> dict[str, Any]:
    sentences = sample_sentences(args.text)
    n = args.tokens
    t0 = time.perf_counter()
    if args.worker == "transformers":
        import torch

        from models.translation.marian import MarianTranslator

        torch.set_num_threads(args.threads)
        tr: Any = MarianTranslator.from_folder(args.folder, args.folder, batch_size=args.batch_size)
        gen = tr.model.generation_config
        # Exactly n new tokens: </s> is banned until n, and nothing forces it at the end.
        gen.min_new_tokens = gen.max_new_tokens = n
        gen.forced_eos_token_id = None
        gen.max_length = None
        enc = tr.tokenizer(sentences[:2], return_tensors="pt", padding=True)
        with torch.inference_mode():
            out_len = tr.model.generate(**enc, num_beams=1).shape[1] - 1  # minus the start token
        src_tokens = [len(ids) for ids in tr.tokenizer(sentences)["input_ids"]]
    else:
        from models.translation.ct2 import CT2Translator, compute_type_for

        # auto: what Qari itself runs on this CPU (QARI_MT_COMPUTE, CT2_FORCE_CPU_ISA, CT2_USE_MKL honoured)
        compute_type = compute_type_for() if args.compute_type == "auto" else args.compute_type
        tr = CT2Translator(
            args.ct2_folder,
            args.folder,
            batch_size=args.batch_size,
            compute_type=compute_type,
            threads=args.threads,
            inter_threads=args.inter_threads,
            use_vmap=None if args.vmap == "auto" else args.vmap == "on",
        )
        tr.min_new_tokens = tr.max_new_tokens = n
        tr.forced_eos = False
        out_len = len(tr.translate_with_attention(sentences[:1], beam_size=1)[0].target_tokens)
        src_tokens = [len(ids) for ids in tr.tokenizer(sentences)["input_ids"]]
    load_s = time.perf_counter() - t0
    if out_len != n:
        raise SystemExit(f"{args.worker}: produced {out_len} tokens, not the forced {n}")
    times: dict[str, list[float]] = {}
    for beam in (1, 4):
        if beam not in args.beams:
            times[f"beam{beam}"] = [float("nan")]
            continue
        tr.translate(sentences, beam_size=beam)  # warm-up: caches, allocator, thread pools
        runs = []
        for _ in range(args.reps):
            t = time.perf_counter()
            tr.translate(sentences, beam_size=beam)
            runs.append(time.perf_counter() - t)
        times[f"beam{beam}"] = runs
    return {
        "engine": args.worker,
        "compute_type": "float32" if args.worker == "transformers" else tr.compute_type,
        "load_s": load_s,
        "greedy_s": statistics.median(times["beam1"]),
        "beam4_s": statistics.median(times["beam4"]),
        "runs": times,
        "peak_rss_mb": _peak_rss_mb(),
        "source_tokens": statistics.mean(src_tokens),
        "output_tokens": n,
    }


# --- the parent ------------------------------------------------------------------------------------

# Extra CTranslate2 configurations measured with --levers (label, settings over the engine's defaults).
LEVERS: list[tuple[str, dict[str, Any]]] = [
    ("ctranslate2 int8_float32", {"compute_type": "int8_float32"}),
    ("ctranslate2 int8, no vocabulary map", {"vmap": "off"}),
    ("ctranslate2 int8, 1 thread", {"threads": 1}),
    ("ctranslate2 int8, batch 16", {"batch_size": 16}),
]

# CTranslate2's CPU paths measured with --cpu-paths (label, environment of the engine worker): the CPU's
# own path, the AVX2 path (no VNNI: where oneDNN's u8s8 int8 kernels saturate and Qari picks float32),
# and, for comparison, int8 forced on that path and MKL's int8 GEMM. `--compute-type auto` (the default)
# lets each worker choose as Qari does (models.translation.ct2.compute_type_for).
CPU_PATHS: list[tuple[str, dict[str, str]]] = [
    ("ct2, this CPU's path, Qari's choice", {}),
    ("ct2, AVX2 path, Qari's choice", {"CT2_FORCE_CPU_ISA": "AVX2", "CT2_USE_MKL": "0"}),
    (
        "ct2, AVX2 path, int8 forced",
        {"CT2_FORCE_CPU_ISA": "AVX2", "CT2_USE_MKL": "0", "QARI_MT_COMPUTE": "int8"},
    ),
    ("ct2, MKL (CT2_USE_MKL=1), Qari's choice", {"CT2_USE_MKL": "1"}),
]


def run_worker(
    engine: str,
    args: argparse.Namespace,
    folder: Path,
    ct2_folder: Path | None,
    env_extra: dict[str, str] | None = None,
    **over: Any,
) -> dict[str, Any]:
    opts = {
        "threads": args.threads,
        "compute_type": args.compute_type,
        "inter_threads": args.inter_threads,
        "vmap": args.vmap,
        "batch_size": args.batch_size,
        **over,
    }
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--folder", str(folder)]
    cmd += ["--text", str(args.text), "--tokens", str(args.tokens), "--reps", str(args.reps)]
    cmd += ["--threads", str(opts["threads"]), "--batch-size", str(opts["batch_size"])]
    cmd += ["--compute-type", opts["compute_type"], "--inter-threads", str(opts["inter_threads"])]
    cmd += ["--beams", *(str(b) for b in args.beams)]
    if ct2_folder is not None:
        cmd += ["--ct2-folder", str(ct2_folder)]
    cmd += ["--vmap", opts["vmap"]]
    env = dict(os.environ, OMP_NUM_THREADS=str(opts["threads"]), HF_HUB_OFFLINE="1", **(env_extra or {}))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"The {engine} worker failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _pool(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge one configuration's workers from several rounds: medians over all their timed runs."""
    b1 = [t for r in results for t in r["runs"]["beam1"]]
    b4 = [t for r in results for t in r["runs"]["beam4"]]
    return {
        **results[0],
        "greedy_s": statistics.median(b1),
        "beam4_s": statistics.median(b4),
        "greedy_min": min(b1),
        "beam4_min": min(b4),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "load_s": statistics.median(r["load_s"] for r in results),
    }


def _random_model_vmap(model_folder: Path, ct2_folder: Path) -> None:
    """The stand-in's target vocabulary map: target.spm's pieces plus the English placeholder pieces."""
    vmap = ct2_folder / "vmap.txt"
    if not vmap.is_file():
        return
    first, *copies = vmap.read_text(encoding="utf-8").rstrip("\n").split("\n")  # copies: source pieces
    allowed = first.split("\t")[1].split(" ")
    vocab = json.loads((model_folder / "vocab.json").read_text(encoding="utf-8"))
    extra = [p for p in vocab if p.startswith("<unused-en-")]
    lines = ["\t" + " ".join(dict.fromkeys(allowed + extra)), *copies]
    vmap.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="a real Marian model (folder or cached hub id) instead of the random one")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="AQMAR folder for the tokenizer")
    ap.add_argument("--text", type=Path, default=DEFAULT_TEXT, help="the article to translate")
    ap.add_argument("--tokens", type=int, default=60, help="forced output length per sentence")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions per decoding mode and round")
    ap.add_argument("--rounds", type=int, default=2, help="baseline/engine workers alternate this often")
    ap.add_argument("--threads", type=int, default=0, help="threads per engine (0: the usable cores)")
    ap.add_argument("--batch-size", type=int, default=8, help="sentences per batch, both engines")
    ap.add_argument(
        "--compute-type",
        default="auto",
        help="CTranslate2 compute type: auto (what Qari picks on this CPU), int8, float32, int8_float32…",
    )
    ap.add_argument(
        "--cpu-paths",
        action="store_true",
        help="the engine on each CPU path (own ISA, forced AVX2, int8 forced there, MKL), side by side",
    )
    ap.add_argument(
        "--beams",
        type=int,
        nargs="+",
        default=[1, 4],
        choices=[1, 4],
        help="decoding modes to time (1: greedy, 4: beam 4)",
    )
    ap.add_argument(
        "--inter-threads",
        type=int,
        default=2,
        help="CTranslate2 parallel batches (2: Qari's, its click lane)",
    )
    ap.add_argument(
        "--vmap",
        choices=["auto", "on", "off"],
        default="auto",
        help="the engine's vocabulary map: auto (Qari's setting, QARI_MT_VMAP, on by default), on, off",
    )
    ap.add_argument("--levers", action="store_true", help="also measure other CTranslate2 settings")
    ap.add_argument("--engine-only", action="store_true", help="skip the transformers baseline")
    ap.add_argument("--worker", choices=["transformers", "ctranslate2"], help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    ap.add_argument("--ct2-folder", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.threads <= 0:
        from models.settings import translation_threads as default_threads

        args.threads = default_threads()
    if args.worker:
        print(json.dumps(worker(args)))
        return

    # Qari's own data folder stays untouched: the bench's conversion is cached with its model.
    os.environ.setdefault("QARI_DATA_DIR", str(CACHE / "qari-data"))
    folder, model_id, revision = resolve_model(args)
    from models.translation.ct2 import ensure_converted

    t0 = time.perf_counter()
    # Converted here, not in the worker, so the engine's RSS does not include the conversion's torch.
    ct2_folder = ensure_converted(folder, model_id, revision, progress=lambda f, m: print(m, file=sys.stderr))
    convert_s = time.perf_counter() - t0
    if not args.model:
        _random_model_vmap(folder, ct2_folder)
    sentences = sample_sentences(args.text)

    engine_label = f"ctranslate2 {args.compute_type}" + ("" if args.vmap == "auto" else f", vmap {args.vmap}")
    configs: list[tuple[str, str, dict[str, Any], dict[str, str]]] = []
    if not args.engine_only:
        configs.append(("transformers fp32", "transformers", {}, {}))
    if args.cpu_paths:
        engine_label = CPU_PATHS[0][0]
        configs += [(label, "ctranslate2", {}, env) for label, env in CPU_PATHS]
    else:
        configs.append((engine_label, "ctranslate2", {}, {}))
    if args.levers:
        configs += [(label, "ctranslate2", over, {}) for label, over in LEVERS]
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _, _ in configs}
    for _ in range(max(1, args.rounds)):  # alternate, so a noisy minute hits every configuration alike
        for label, engine, over, env in configs:
            print(f"measuring {label}…", file=sys.stderr)
            runs[label].append(
                run_worker(
                    engine, args, folder, ct2_folder if engine != "transformers" else None, env, **over
                )
            )
            done = runs[label][-1]  # as it goes: a run cut short still leaves its figures in the log
            print(
                f"  {label}: {done['compute_type']}, greedy {done['greedy_s']:.3f} s, beam 4 {done['beam4_s']:.3f} s, "
                f"peak RSS {done['peak_rss_mb']:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
    pooled = {label: _pool(r) for label, r in runs.items()}
    base = pooled.get("transformers fp32")
    eng = pooled[engine_label]

    print(f"model: {model_id}")
    print(f"ctranslate2 folder: {ct2_folder} (ready in {convert_s:.1f} s)")
    print(
        f"{len(sentences)} sentences, {eng['source_tokens']:.1f} source pieces on average, "
        f"{args.tokens} output tokens each (forced), batch {args.batch_size}, {args.threads} threads, "
        f"{args.rounds} rounds x {args.reps} runs"
    )
    head = f"{'engine':<42}{'compute':>9}{'greedy s':>9}{'(min)':>7}{'beam4 s':>9}{'(min)':>7}{'x greedy':>9}{'x beam4':>8}"
    print(head + f"{'peak RSS MB':>12}{'load s':>7}")
    for label, r in pooled.items():
        x1 = f"{base['greedy_s'] / r['greedy_s']:.2f}" if base else "-"
        x4 = f"{base['beam4_s'] / r['beam4_s']:.2f}" if base else "-"
        print(
            f"{label:<42}{r['compute_type']:>9}{r['greedy_s']:>9.3f}{r['greedy_min']:>7.2f}{r['beam4_s']:>9.3f}{r['beam4_min']:>7.2f}"
            f"{x1:>9}{x4:>8}{r['peak_rss_mb']:>12.0f}{r['load_s']:>7.2f}"
        )
    summary: dict[str, Any] = {
        "ratio": round(base["beam4_s"] / eng["beam4_s"], 3) if base else None,
        "ratio_greedy": round(base["greedy_s"] / eng["greedy_s"], 3) if base else None,
        "rss_ratio": round(eng["peak_rss_mb"] / base["peak_rss_mb"], 3) if base else None,
        "baseline_s": round(base["beam4_s"], 3) if base else None,
        "engine_s": round(eng["beam4_s"], 3),
        "baseline_greedy_s": round(base["greedy_s"], 3) if base else None,
        "engine_greedy_s": round(eng["greedy_s"], 3),
        "baseline_rss_mb": round(base["peak_rss_mb"], 1) if base else None,
        "engine_rss_mb": round(eng["peak_rss_mb"], 1),
        "sentences": len(sentences),
        "threads": args.threads,
        "tokens": args.tokens,
        "batch_size": args.batch_size,
        "engine": engine_label,
        "compute_type": eng["compute_type"],
        "cpu_paths": {
            label: {
                "compute_type": r["compute_type"],
                "greedy_s": round(r["greedy_s"], 3),
                "beam4_s": round(r["beam4_s"], 3),
                "peak_rss_mb": round(r["peak_rss_mb"], 1),
                "ratio": round(base["beam4_s"] / r["beam4_s"], 3) if base else None,
                "ratio_greedy": round(base["greedy_s"] / r["greedy_s"], 3) if base else None,
            }
            for label, r in pooled.items()
        }
        if args.cpu_paths
        else None,
        "rounds": args.rounds,
        "reps": args.reps,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
