"""Subword word vectors (fastText skip-gram, gensim) learned from the unlabeled Arabic text we can have.

    python -m models.build.word_vectors [--data ../shared/data] [--out artifacts/word-vectors.tsv]

The tagger (`models.names.bilstm`, `python -m models.build.train_names --vectors FILE`) reads them as a
frozen table beside its own trained word embeddings, so a word that never occurs in the labelled corpora
but does in the unlabeled text still arrives with a meaning learned from its contexts and its letters.

Unlabeled text (`unlabeled_sentences`), every source with its licence (see models/data/README.md):
- ANERcorp's training split without its last sixth (the news dev split), CC BY-SA 4.0;
- the 20 AQMAR articles, CC BY-SA 3.0;
- WikiFANE Gold without its last tenth (the Wikipedia dev split), clitics re-attached, CC BY-SA 3.0;
- WikiNewsMax (`vowels/wikinewsmax.tsv`, its `dediac` column: MSA news as written), CC BY-SA 4.0;
- Tashkeela's validation split (`vowels/tashkeela-val.txt`, vowels stripped; classical Arabic), MIT.
The dev splits' text is left out, labels or not, so the dev figures stay honest. Tashkeela's test split
is a held-back test set of the vowels feature and is not read.

Words are normalised as the tagger normalises them (`models.text.arabic.normalize`). The output is a
text table `word<TAB>v1 … vN` of every word seen at least `MIN_COUNT` times, its vector rebuilt by
fastText from the word and its letter n-grams. Deterministic: one worker, fixed seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from models.build.train_names import corpora
from models.names.crf import DATA_DIR
from models.text.arabic import iter_tokens, normalize, strip_tashkeel

DIM = 64
MIN_COUNT = 2
SETTINGS = {"window": 5, "epochs": 10, "min_n": 2, "max_n": 5, "bucket": 200_000, "seed": 13}


def _words(text: str) -> list[str]:
    return [
        normalize(text[a:b]) if kind == "arabic" else text[a:b].lower()
        for a, b, kind in iter_tokens(text)
        if kind in ("arabic", "latin", "number")
    ]


def unlabeled_sentences(data: Path) -> Iterator[list[str]]:
    """Every unlabeled sentence, normalised words, in a fixed order (see the module docstring)."""
    parts = corpora(data)
    for name in ("news_train", "aqmar", "wiki_train"):
        for document in parts[name]:
            for sentence in document:
                yield _words(" ".join(w for w, _ in sentence))
    words: list[str] = []
    with (data / "vowels" / "wikinewsmax.tsv").open(encoding="utf-8") as f:
        next(f)
        for line in f:
            cell = line.split("\t", 1)[0].strip()
            if not cell or cell == "#":
                if words:
                    yield _words(" ".join(words))
                    words = []
                continue
            words.append(cell)
    if words:
        yield _words(" ".join(words))
    with (data / "vowels" / "tashkeela-val.txt").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield _words(strip_tashkeel(line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.build.word_vectors", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("artifacts/word-vectors.tsv"))
    args = parser.parse_args(argv)
    from gensim.models import FastText

    started = time.perf_counter()
    sentences = [s for s in unlabeled_sentences(args.data) if s]
    tokens = sum(len(s) for s in sentences)
    print(f"{len(sentences)} sentences, {tokens} words", file=sys.stderr, flush=True)
    s = SETTINGS
    model = FastText(
        vector_size=DIM, window=s["window"], min_count=MIN_COUNT, sg=1, min_n=s["min_n"], max_n=s["max_n"],
        bucket=s["bucket"], workers=1, seed=s["seed"],
    )  # fmt: skip
    model.build_vocab(corpus_iterable=sentences)
    model.train(corpus_iterable=sentences, total_examples=len(sentences), epochs=s["epochs"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Names of the gazetteer and the personal-name list get vectors too, from their letters alone where
    # the text never shows them: at run time the tagger meets them more often than other unseen words.
    extra = set()
    for name in ("gazetteer.tsv", "person_names.tsv"):
        for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                extra.update(line.split("\t", 1)[0].split())
    with args.out.open("w", encoding="utf-8") as f:
        for word in sorted(set(model.wv.key_to_index) | extra):
            f.write(word + "\t" + " ".join(f"{x:.4f}" for x in model.wv[word]) + "\n")
    print(
        f"wrote {args.out}: {len(set(model.wv.key_to_index) | extra)} words ({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
