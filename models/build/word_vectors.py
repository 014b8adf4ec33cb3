"""Subword word vectors (fastText skip-gram, gensim) learned from the unlabeled Arabic text we can have.

    python -m models.build.word_vectors [--data ../shared/data] [--out artifacts/word-vectors.tsv]
    python -m models.build.word_vectors --news [--resume]   # + all of news-unlabeled (8.5 M words)

The tagger (`models.names.bilstm`, `python -m models.build.train_names --vectors FILE`) reads them as a
frozen table beside its own trained word embeddings, so a word that never occurs in the labelled corpora
but does in the unlabeled text still arrives with a meaning learned from its contexts and its letters.

Unlabeled text (`unlabeled_sentences`), every source with its licence (see models/data/README.md):
- ANERcorp's training split without its last sixth (the news dev split), CC BY-SA 4.0;
- the 20 AQMAR articles, CC BY-SA 3.0;
- WikiFANE Gold without its last tenth (the Wikipedia dev split), clitics re-attached, CC BY-SA 3.0;
- WikiNewsMax (`vowels/wikinewsmax.tsv`, its `dediac` column: MSA news as written), CC BY-SA 4.0;
- Tashkeela's validation split (`vowels/tashkeela-val.txt`, vowels stripped; classical Arabic), MIT;
- with `--news`, all of `news-unlabeled/` (the ANT corpus v1.1 and v2.1, Apache-2.0 and a citation
  licence; cleaned of held-out evaluation text by its maker), one paragraph a line.
The dev splits' text is left out, labels or not, so the dev figures stay honest. Tashkeela's test split
is a held-back test set of the vowels feature and is not read.

Words are normalised as the tagger normalises them (`models.text.arabic.normalize`). The output is a
text table `word<TAB>v1 … vN` of every word seen at least `MIN_COUNT` times, its vector rebuilt by
fastText from the word and its letter n-grams. Deterministic: one worker, fixed seed.

With `--news` the run is a resumable job: the normalised corpus is written once to `--work`
(`corpus.txt`), then each epoch is one step (minutes) after which the model is saved (`model.ckpt`);
`--resume` goes on from the last saved epoch with the learning rate where it stopped. Its settings are
`NEWS_SETTINGS` (the linear probe of ../shared/notes/resources.md: 100 dimensions, min count 3, 5 epochs).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.build.train_names import corpora
from models.names.crf import DATA_DIR
from models.text.arabic import iter_tokens, normalize, strip_tashkeel

DIM = 64
MIN_COUNT = 2
SETTINGS = {"window": 5, "epochs": 10, "min_n": 2, "max_n": 5, "bucket": 200_000, "seed": 13}
NEWS_SETTINGS = {"dim": 100, "min_count": 3, "window": 5, "epochs": 5, "min_n": 2, "max_n": 5}
NEWS_SETTINGS.update(bucket=400_000, seed=13, workers=2)
NEWS_FILES = ("ant-v2-00.txt.gz", "ant-v2-01.txt.gz", "ant-v1.txt.gz")


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


def news_sentences(data: Path) -> Iterator[list[str]]:
    """Every paragraph of news-unlabeled as normalised words, in the files' order."""
    import gzip

    for name in NEWS_FILES:
        with gzip.open(data / "news-unlabeled" / name, "rt", encoding="utf-8") as f:
            for line in f:
                words = _words(line)
                if words:
                    yield words


def _write_corpus(data: Path, path: Path) -> int:
    """The whole unlabeled text, one sentence a line (gensim's corpus_file format); returns words."""
    words = 0
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as f:
        for sentence in (*unlabeled_sentences(data), *news_sentences(data)):
            if sentence:
                # gensim's corpus_file reader cuts lines at 10,000 words; paragraphs are far shorter
                f.write(" ".join(sentence[:10_000]) + "\n")
                words += len(sentence)
    tmp.replace(path)
    return words


def _epoch_saver(checkpoint: Path, done: int) -> object:
    from gensim.models.callbacks import CallbackAny2Vec

    class Saver(CallbackAny2Vec):
        def __init__(self) -> None:
            self.epoch = done

        def on_epoch_end(self, model: object) -> None:
            self.epoch += 1
            model.save(str(checkpoint))  # type: ignore[attr-defined]
            (checkpoint.parent / "epochs-done").write_text(str(self.epoch))
            print(f"epoch {self.epoch} saved ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)

    return Saver()


def train_news(data: Path, work: Path, resume: bool, epochs: int | None = None) -> object:
    """fastText over every unlabeled source and news-unlabeled, one epoch a checkpointed step; `epochs`
    (default NEWS_SETTINGS') stops earlier, the learning rate still scheduled for NEWS_SETTINGS' epochs."""
    from gensim.models import FastText

    s = NEWS_SETTINGS
    work.mkdir(parents=True, exist_ok=True)
    corpus, checkpoint, done_file = work / "corpus.txt", work / "model.ckpt", work / "epochs-done"
    if not corpus.exists():
        print(f"{_write_corpus(data, corpus)} words written to {corpus}", file=sys.stderr, flush=True)
    done = int(done_file.read_text()) if resume and done_file.exists() else 0
    if done:
        model = FastText.load(str(checkpoint))
        print(f"resuming after epoch {done}", file=sys.stderr, flush=True)
    else:
        model = FastText(
            vector_size=s["dim"], window=s["window"], min_count=s["min_count"], sg=1, min_n=s["min_n"],
            max_n=s["max_n"], bucket=s["bucket"], workers=s["workers"], seed=s["seed"],
        )  # fmt: skip
        model.build_vocab(corpus_file=str(corpus))
        print(f"{len(model.wv.key_to_index)} words in the vocabulary", file=sys.stderr, flush=True)
    left = min(epochs or s["epochs"], s["epochs"]) - done
    if left > 0:
        # The learning rate falls linearly over all epochs; a resumed run starts where the last stopped.
        start = model.alpha - (model.alpha - model.min_alpha) * done / s["epochs"]
        end = model.alpha - (model.alpha - model.min_alpha) * (done + left) / s["epochs"]
        model.train(
            corpus_file=str(corpus), total_examples=model.corpus_count, total_words=model.corpus_total_words,
            epochs=left, start_alpha=start, end_alpha=end, callbacks=[_epoch_saver(checkpoint, done)],
        )  # fmt: skip
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.build.word_vectors", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("artifacts/word-vectors.tsv"))
    parser.add_argument("--news", action="store_true", help="add all of news-unlabeled (NEWS_SETTINGS)")
    parser.add_argument("--work", type=Path, default=Path("artifacts/news-vectors"), help="with --news")
    parser.add_argument("--resume", action="store_true", help="with --news: go on from the last epoch")
    parser.add_argument("--epochs", type=int, default=None, help="with --news: stop after this many epochs")
    args = parser.parse_args(argv)
    from gensim.models import FastText

    started = time.perf_counter()
    if args.news:
        _write_table(train_news(args.data, args.work, args.resume, args.epochs), args.out)
        print(f"wrote {args.out} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        return 0
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
    _write_table(model, args.out)
    print(f"wrote {args.out} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


def _write_table(model: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    # Names of the gazetteer and the personal-name list get vectors too, from their letters alone where
    # the text never shows them: at run time the tagger meets them more often than other unseen words.
    extra = set()
    for name in ("gazetteer.tsv", "person_names.tsv"):
        for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                extra.update(line.split("\t", 1)[0].split())
    with out.open("w", encoding="utf-8") as f:
        for word in sorted(set(model.wv.key_to_index) | extra):
            f.write(word + "\t" + " ".join(f"{x:.4f}" for x in model.wv[word]) + "\n")


if __name__ == "__main__":
    sys.exit(main())
