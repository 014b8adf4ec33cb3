"""Forward and backward character language models over news-unlabeled (Flair's contextual string
embeddings), whose states at each word's boundaries the entity tagger reads (`models.names.char_lm`).

    python -m models.build.char_lm --direction forward  [--work artifacts/char-lm] [--resume]
    python -m models.build.char_lm --direction backward [--work artifacts/char-lm] [--resume]
    python -m models.build.char_lm --export artifacts/char-lm --out DIR   # the two LMs, float16

The text is what the tagger reads: every token of each paragraph of `news-unlabeled/` (all three files;
no labelled corpus, so no dev or test text), normalised as the tagger normalises it
(`models.text.arabic.normalize`, other tokens lower-cased), joined by single spaces, one paragraph a line.
It is written once to `--work` (`corpus.txt`, ~51 M characters) with its character vocabulary
(`chars.json`: every character seen at least `MIN_CHAR_COUNT` times; the rest is UNK). Every
`HOLDOUT_EVERY`-th line is held out of training: the bits per character on it are logged at each
checkpoint.

Training: one LSTM layer (`HIDDEN`), char embedding `EMB`, truncated backpropagation through time over
`BATCH` parallel streams of `BPTT` characters, Adam, gradient norm clipped. Resumable: `--resume` goes
on from `<direction>.ckpt` (weights, optimiser, position in the stream, hidden state), written every
`--every` seconds (default 5 minutes) and when stopped by SIGTERM/SIGINT. `--hours` stops the run after
that long (a step of at most an hour). One thread: the machine's two cores are shared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from models.names.char_lm import EMB, HIDDEN, lm_line
from models.text.arabic import iter_tokens, normalize

MIN_CHAR_COUNT = 50
HOLDOUT_EVERY = 1000
BATCH = 64
BPTT = 150
LR = 2e-3
CLIP = 1.0
NEWS_FILES = ("ant-v2-00.txt.gz", "ant-v2-01.txt.gz", "ant-v1.txt.gz")


def new_lm(n: int, emb: int = EMB, hidden: int = HIDDEN) -> Any:
    """The LM as torch trains it (`models.names.char_lm` runs its embedding and LSTM with numpy)."""
    from torch import nn

    class CharLm(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(n, emb)
            self.lstm = nn.LSTM(emb, hidden, batch_first=True)
            self.out = nn.Linear(hidden, n)

        def states(self, x: Any, state: Any = None) -> tuple[Any, Any]:
            h, state = self.lstm(self.emb(x), state)
            return h, state

        def forward(self, x: Any, state: Any = None) -> tuple[Any, Any]:
            h, state = self.states(x, state)
            return self.out(h), state

    return CharLm()


def write_corpus(data: Path, work: Path) -> None:
    """corpus.txt (training lines), holdout.txt (every HOLDOUT_EVERY-th line), chars.json."""
    work.mkdir(parents=True, exist_ok=True)
    counts: Counter[str] = Counter()
    n = 0
    with (
        (work / "corpus.part").open("w", encoding="utf-8") as train,
        (work / "holdout.txt").open("w", encoding="utf-8") as held,
    ):
        for name in NEWS_FILES:
            with gzip.open(data / "news-unlabeled" / name, "rt", encoding="utf-8") as f:
                for line in f:
                    norms = [
                        normalize(line[a:b]) if kind == "arabic" else line[a:b].lower()
                        for a, b, kind in iter_tokens(line)
                    ]
                    text = lm_line(norms)
                    if not text:
                        continue
                    n += 1
                    if n % HOLDOUT_EVERY == 0:
                        held.write(text + "\n")
                    else:
                        train.write(text + "\n")
                        counts.update(text)
    chars = ["<pad>", "<unk>", "\n"] + sorted(
        c for c, k in counts.items() if k >= MIN_CHAR_COUNT and c != "\n"
    )
    (work / "chars.json").write_text(json.dumps(chars, ensure_ascii=False), encoding="utf-8")
    (work / "corpus.part").replace(work / "corpus.txt")
    print(f"{n} lines, {sum(counts.values())} characters, {len(chars)} in the vocabulary", file=sys.stderr)


def encode_file(path: Path, chars: list[str], backward: bool) -> Any:
    """The file as one uint8 tensor of character ids (reversed for the backward model)."""
    import numpy as np
    import torch

    ids = {c: i for i, c in enumerate(chars)}
    text = path.read_text(encoding="utf-8")
    if backward:
        text = text[::-1]
    table = np.ones(0x110000, dtype=np.uint8)  # UNK
    for c, i in ids.items():
        if len(c) == 1:  # not <pad>, <unk>
            table[ord(c)] = i
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return torch.from_numpy(table[codes].copy())


def evaluate(model: Any, data: Any) -> float:
    """Bits per character on `data` (one stream)."""
    import torch

    model.eval()
    total, n, state = 0.0, 0, None
    with torch.inference_mode():
        x = data.long().unsqueeze(0)
        for k in range(0, x.shape[1] - 1, 1000):
            inp, tgt = x[:, k : k + 1000], x[:, k + 1 : k + 1001]
            inp = inp[:, : tgt.shape[1]]
            logits, state = model(inp, state)
            total += float(
                torch.nn.functional.cross_entropy(logits.flatten(0, 1), tgt.flatten(), reduction="sum")
            )
            n += tgt.numel()
    model.train()
    return total / max(n, 1) / math.log(2)


def train(
    work: Path, direction: str, resume: bool, hours: float, every: float, max_steps: int | None = None
) -> None:
    """Train one direction's LM from `work` (see the module docstring); `max_steps` stops it early."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(13)
    chars = json.loads((work / "chars.json").read_text(encoding="utf-8"))
    backward = direction == "backward"
    started = time.perf_counter()
    stream = encode_file(work / "corpus.txt", chars, backward)
    held = encode_file(work / "holdout.txt", chars, backward)[:200_000]
    per = stream.numel() // BATCH
    streams = stream[: per * BATCH].view(BATCH, per)  # row b: the b-th contiguous slice of the text
    print(f"{stream.numel()} training characters, {BATCH} streams of {per} ({time.perf_counter() - started:.0f} s)",
          file=sys.stderr, flush=True)  # fmt: skip
    model = new_lm(len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    ckpt = work / f"{direction}.ckpt"
    pos, seen, state, elapsed = 0, 0, None, 0.0
    if resume and ckpt.exists():
        saved = torch.load(ckpt, weights_only=False)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        pos, seen, state, elapsed = saved["pos"], saved["seen"], saved["state"], saved["elapsed"]
        print(f"resumed at position {pos} ({seen} characters seen)", file=sys.stderr, flush=True)

    stop = False

    def on_signal(*_: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def save() -> None:
        bpc = evaluate(model, held)
        tmp = ckpt.with_suffix(".part")
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "pos": pos, "seen": seen,
                    "state": state, "elapsed": elapsed + time.perf_counter() - t0, "chars": chars,
                    "dims": {"emb": EMB, "hidden": HIDDEN}}, tmp)  # fmt: skip
        tmp.replace(ckpt)
        spent = elapsed + time.perf_counter() - t0
        print(f"{time.strftime('%H:%M:%S')} {direction}: {seen} chars seen ({seen / (per * BATCH):.3f} pass), "
              f"held-out {bpc:.3f} bits/char (ppl {2**bpc:.2f}), {seen / max(spent, 1):.0f} chars/s",
              file=sys.stderr, flush=True)  # fmt: skip

    t0 = time.perf_counter()
    last = t0
    deadline = t0 + hours * 3600
    loss_sum, loss_n, steps = 0.0, 0, 0
    while not stop and time.perf_counter() < deadline and (max_steps is None or steps < max_steps):
        steps += 1
        if pos + 1 >= per:
            pos, state = 0, None  # a new pass over the text
        end = min(pos + BPTT, per - 1)
        inp = streams[:, pos:end].long()
        tgt = streams[:, pos + 1 : end + 1].long()
        if state is not None:
            state = tuple(s.detach() for s in state)
        logits, state = model(inp, state)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), tgt.flatten())
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        loss_sum += loss.item()
        loss_n += 1
        seen += inp.numel()
        pos = end
        if time.perf_counter() - last >= every:
            print(f"  train {loss_sum / loss_n / math.log(2):.3f} bits/char", file=sys.stderr, flush=True)
            loss_sum, loss_n = 0.0, 0
            save()
            last = time.perf_counter()
    save()


def export(work: Path, out: Path) -> None:
    """The two trained LMs as the tagger reads them (`models.names.char_lm.CharLms`): the embedding and
    the LSTM in float16 numpy files (the output layer only served the training)."""
    import numpy as np
    import torch

    out.mkdir(parents=True, exist_ok=True)
    seen = {}
    for direction in ("forward", "backward"):
        saved = torch.load(work / f"{direction}.ckpt", weights_only=False)
        state = {k: v.half().numpy() for k, v in saved["model"].items() if not k.startswith("out.")}
        np.savez(out / f"char-lm-{direction}.npz", **state)
        seen[direction] = saved["seen"]  # characters trained on
    meta = {"chars": saved["chars"], "dims": saved["dims"], "seen": seen}
    (out / "char-lm.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.build.char_lm", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, default=Path("artifacts/char-lm"))
    parser.add_argument("--direction", choices=("forward", "backward"))
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--hours", type=float, default=1.0, help="stop after this long (a step)")
    parser.add_argument("--every", type=float, default=300.0, help="seconds between checkpoints")
    parser.add_argument("--export", type=Path, default=None, help="a work folder to export from")
    parser.add_argument("--out", type=Path, default=None, help="with --export: the output folder")
    args = parser.parse_args(argv)
    if args.export is not None:
        export(args.export, args.out or args.export)
        return 0
    if not (args.work / "corpus.txt").exists():
        write_corpus(args.data, args.work)
    if args.direction:
        train(args.work, args.direction, args.resume, args.hours, args.every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
