"""Books: time to the first readable part, a page turn, server memory, and the library view with 50 books.

    python bench/books.py [--sizes 10000 100000 300000 1000000] [--turns 3] [--library-books 50]
                          [--trees /tmp/books-base .] [--rounds 1] [--read-seconds 1]

Books are built from the Arabic news the project ships (seeds/, tests/data/news/: their paragraphs
shuffled and repeated, `devkit.books.long_text`) as EPUB 3 files of chapters of 1,700 to 2,000 words,
each titled "الفصل N" (so every part is one chapter, and its first sentence is its title).

For each size, a Qari server (the tiny translation model, a fresh data folder) is opened in Chromium:

    read_ms:      in-process, reading the EPUB into chapters (`read_epub`), no server;
    store_ms:     in-process, keeping it in a reader's shelf (`Shelf.add`, SQLite);
    readable_ms:  the upload (the file given to the page's uploader) → chapter 1's first sentence on screen;
    turn_ms:      "Next" → the next chapter's first sentence on screen (the median of --turns, each made
                  once the page shows the analysed part and --read-seconds have passed, as a reader would);
    turn_names_ms: "Next" → the turned part analysed (names and glosses in);
    paste_ms:     beside them, in the same server: a text of one part's size (1,850 words) pasted and
                  opened with Ctrl+Enter → its first sentence on screen: what the page costs for a text that
                  long without any book (a turn can be no cheaper);
    rss_mb:       the server's resident memory before the upload, once the first part is readable, and
                  after the turns; peak_mb its high-water mark.

Then, in-process, the library view with --library-books books of 100,000 words, every part's words counted
(15,000 distinct words a book, drawn from a 60,000-word vocabulary) and 5,000 words marked:

    entries_ms:   the books' list with its known/learning/new counts (`Shelf.entries`, as the sidebar reads it);
    recount_ms:   the same counts worked out from scratch by joining every book's words with the
                  vocabulary (what `Library.entries` does for texts): the cost the kept counts avoid;
    mark_ms:      marking one word (its books' counts follow, by trigger);
    library_ms:   the texts' list (`Library.entries`, counts joined as they always were) with 50 texts of
                  30,000 words (200,000 characters, the longest a text is), 5,000 distinct words each;
    library_recount_ms: the texts' counts joined from scratch, as `Library.entries` did before.

With --trees, each size is measured in a server started from each checkout in turn (alternating, --rounds
times, so both see the same machine): the figures are then the medians over the rounds, per checkout, and
the turns are pooled (the median of rounds × turns). The load average is noted at each measurement.

The last line is a JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy import text

from devkit.books import long_text, make_epub
from devkit.server import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app
from devkit.tiny_models import build_tiny_marian
from models.books.epub import read_epub
from models.books.parts import book_parts, text_book
from models.books.shelf import Shelf
from models.db import database, sqlite_url
from models.study.library import Library
from models.study.vocab import Status, VocabEntry, VocabStore


def build_book(words: int, seed: int = 0) -> bytes:
    rng = random.Random(seed)
    chapters: list[tuple[str, str]] = []
    total = 0
    while total < words:
        size = min(rng.randint(1_700, 2_000), max(500, words - total))
        chapters.append((f"الفصل {len(chapters) + 1}", long_text(size, seed=seed + len(chapters))))
        total += size
    return make_epub(chapters, title=f"كتاب من {words:,} كلمة")


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident, peak) memory of process `pid` in MB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def in_process(data: bytes) -> dict[str, float]:
    start = time.perf_counter()
    book = read_epub(data, "book.epub")
    read_ms = (time.perf_counter() - start) * 1000
    parts = book_parts(book)
    assert all(p.pages == 1 for p in parts), "a chapter was paged: the bench expects one part a chapter"
    with tempfile.TemporaryDirectory() as folder:
        db = database(sqlite_url(Path(folder) / "readers.sqlite3"))
        shelf = Shelf(db, "bench")
        start = time.perf_counter()
        shelf.add(book, "epub", "book.epub")
        store_ms = (time.perf_counter() - start) * 1000
        db.engine.dispose()
    return {"read_ms": read_ms, "store_ms": store_ms, "parts": len(parts), "chars": book.chars}


def in_browser(
    browser: Browser,
    data: bytes,
    model: str,
    turns: int,
    timeout_ms: int,
    *,
    root: Path = ROOT,
    read_ms: int = 1000,
) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="qari-books-"))
    path = work / "book.epub"
    path.write_bytes(data)
    proc, url = start_app(work, model, root=root)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        options = page.get_by_role("option")
        expect(options.first).to_be_visible(timeout=timeout_ms)
        expect(page.locator('.arabic[role="listbox"]')).to_have_attribute(
            "aria-busy", "false", timeout=timeout_ms
        )
        before = rss_mb(proc.pid)
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Or upload a file")
        start = time.perf_counter()
        uploader.locator('input[type="file"]').set_input_files(str(path))
        expect(options.first).to_have_text("الفصل 1", timeout=timeout_ms)
        readable_ms = (time.perf_counter() - start) * 1000
        readable_load = os.getloadavg()[0]
        readable = rss_mb(proc.pid)
        turn_ms, names_ms = [], []
        for turn in range(turns):
            expect(page.locator('.arabic[role="listbox"]')).to_have_attribute(
                "aria-busy", "false", timeout=timeout_ms
            )
            page.wait_for_timeout(read_ms)
            start = time.perf_counter()
            page.get_by_role("button", name="Next").click()
            expect(options.first).to_have_text(f"الفصل {turn + 2}", timeout=timeout_ms)
            turn_ms.append((time.perf_counter() - start) * 1000)
            expect(page.locator('.arabic[role="listbox"]')).to_have_attribute(
                "aria-busy", "false", timeout=timeout_ms
            )
            names_ms.append((time.perf_counter() - start) * 1000)
        after = rss_mb(proc.pid)
        pastes = []
        for number in range(turns):
            expect(page.locator('.arabic[role="listbox"]')).to_have_attribute(
                "aria-busy", "false", timeout=timeout_ms
            )
            page.wait_for_timeout(1000)
            box = page.get_by_role("textbox", name="Arabic text")
            box.fill(f"نص للمقارنة {number}\n" + long_text(1_850, seed=1_000 + number))
            start = time.perf_counter()
            box.press("Control+Enter")
            expect(options.first).to_have_text(f"نص للمقارنة {number}", timeout=timeout_ms)
            pastes.append((time.perf_counter() - start) * 1000)
    finally:
        context.close()
        stop_app(proc)
    return {
        "readable_ms": readable_ms,
        "readable_load": readable_load,
        "turn_ms": statistics.median(turn_ms),
        "turn_names_ms": statistics.median(names_ms),
        "turns_ms": [round(t) for t in turn_ms],
        "turns_names_ms": [round(t) for t in names_ms],
        "paste_ms": statistics.median(pastes),
        "load": os.getloadavg()[0],
        "rss_mb": {"before": before[0], "readable": readable[0], "after_turns": after[0]},
        "peak_mb": after[1],
    }


def library_view(
    books: int, words: int = 100_000, distinct: int = 15_000, marked: int = 5_000, texts: int = 50
) -> dict[str, float]:
    """The books' list with `books` books of `words` words, their words counted, `marked` words marked;
    and the texts' list with `texts` texts of 30,000 words (the longest a text is, 200,000 characters)."""
    rng = random.Random(7)
    vocabulary_words = [f"كلمة{n}" for n in range(60_000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary_words))]  # Zipf: common words in most books

    def some_words(count: int) -> list[str]:
        keys: set[str] = set()
        while len(keys) < count:
            keys.update(rng.choices(vocabulary_words, weights, k=count))
        return sorted(keys)[:count]

    chapter = long_text(4_000)
    with tempfile.TemporaryDirectory() as folder:
        db = database(sqlite_url(Path(folder) / "readers.sqlite3"))
        shelf, vocab, library = Shelf(db, "bench"), VocabStore(db, "bench"), Library(db, "bench")
        for number in range(books):
            body = "\n".join(f"الكتاب {number} الفصل {n}\n{chapter}" for n in range(words // 4_000))
            entry = shelf.add(text_book(body, f"كتاب {number}"), "paste")
            shelf.keep_words(entry.id, 0, some_words(distinct))  # as if every part had been read
        for number in range(texts):
            kept = library.add(f"النص {number}\n" + long_text(30_000, seed=number), f"نص {number}", "paste")
            library.set_words(kept.id, some_words(5_000))
        now = time.time()
        statuses: list[Status] = ["known", "learning", "ignored", "new"]
        vocab.import_entries(
            VocabEntry(w, w, rng.choice(statuses), None, None, None, now, now)
            for w in rng.sample(vocabulary_words[:20_000], marked)
        )

        def timed(work: Callable[[], object]) -> float:
            runs = []
            for _ in range(5):
                start = time.perf_counter()
                work()
                runs.append((time.perf_counter() - start) * 1000)
            return statistics.median(runs)

        def recount() -> None:
            with db.transaction() as conn:
                conn.execute(
                    text(
                        "SELECT b.id, COUNT(w.key), SUM(CASE WHEN v.status = 'known' THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN v.status = 'learning' THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN v.status = 'ignored' THEN 1 ELSE 0 END) FROM books b "
                        "LEFT JOIN book_words w ON w.reader = b.reader AND w.book_id = b.id "
                        "LEFT JOIN vocabulary v ON v.reader = w.reader AND v.key = w.key "
                        "WHERE b.reader = :reader GROUP BY b.id"
                    ),
                    {"reader": "bench"},
                ).fetchall()

        def recount_texts() -> None:  # what Library.entries did before the counts were kept
            with db.transaction() as conn:
                conn.execute(
                    text(
                        "SELECT t.id, SUM(CASE WHEN v.status = 'known' THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN v.status = 'learning' THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN v.status = 'ignored' THEN 1 ELSE 0 END) FROM texts t "
                        "LEFT JOIN text_words w ON w.reader = t.reader AND w.text_id = t.id "
                        "LEFT JOIN vocabulary v ON v.reader = w.reader AND v.key = w.key "
                        "WHERE t.reader = :reader GROUP BY t.id"
                    ),
                    {"reader": "bench"},
                ).fetchall()

        marks = iter(rng.sample(vocabulary_words[:200], 5))
        figures = {
            "books": books,
            "texts": texts,
            "entries_ms": timed(shelf.entries),
            "recount_ms": timed(recount),
            "mark_ms": timed(lambda: vocab.set_status(next(marks), "known")),
            "library_ms": timed(library.entries),
            "library_recount_ms": timed(recount_texts),
        }
        db.engine.dispose()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 300_000, 1_000_000])
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--library-books", type=int, default=50)
    parser.add_argument("--trees", nargs="+", default=[str(ROOT)], help="checkouts to run the app from")
    parser.add_argument("--rounds", type=int, default=1, help="servers per size and checkout, alternating")
    parser.add_argument("--read-seconds", type=float, default=1.0, help="how long the reader reads a part")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds any one wait may take")
    args = parser.parse_args(argv)
    model = str(build_tiny_marian(Path(tempfile.mkdtemp(prefix="qari-books-model-")) / "tiny"))
    trees = [Path(t).resolve() for t in args.trees]
    out: dict[str, object] = {}
    with sync_playwright() as pw:
        launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
        browser = pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
        for words in args.sizes:
            data = build_book(words)
            base: dict[str, object] = {"epub_mb": len(data) / 2**20, **in_process(data)}
            runs: dict[Path, list[dict[str, object]]] = {tree: [] for tree in trees}
            for number in range(args.rounds):
                for tree in trees:  # alternating, so every checkout sees the same machine
                    got = in_browser(
                        browser, data, model, args.turns, int(args.timeout * 1000),
                        root=tree, read_ms=int(args.read_seconds * 1000),
                    )  # fmt: skip
                    runs[tree].append(got)
                    print(
                        f"{words} words, {tree}, round {number}: " + json.dumps(_rounded(got)),
                        file=sys.stderr,
                    )
            figures = {str(tree): base | _pooled(got) for tree, got in runs.items()}
            out[str(words)] = figures[str(trees[0])] if len(trees) == 1 else figures
            print(f"{words} words: " + json.dumps(_rounded(out[str(words)])), file=sys.stderr)
        browser.close()
    if args.library_books:
        out["library"] = library_view(args.library_books)
        print("library: " + json.dumps(_rounded(out["library"])), file=sys.stderr)
    print(json.dumps(_rounded(out)))


def _pooled(runs: list[dict[str, object]]) -> dict[str, object]:
    """One server's figures, or several servers' (rounds): medians, the turns pooled."""
    if len(runs) == 1:
        return runs[0]
    turns = [t for r in runs for t in r["turns_ms"]]  # type: ignore[attr-defined]
    names = [t for r in runs for t in r["turns_names_ms"]]  # type: ignore[attr-defined]
    return {
        "readable_ms": statistics.median(float(r["readable_ms"]) for r in runs),  # type: ignore[arg-type]
        "readables_ms": [round(float(r["readable_ms"])) for r in runs],  # type: ignore[arg-type]
        "turn_ms": statistics.median(turns),
        "turn_names_ms": statistics.median(names),
        "turns_ms": turns,
        "paste_ms": statistics.median(float(r["paste_ms"]) for r in runs),  # type: ignore[arg-type]
        "loads": [round(float(r["load"]), 1) for r in runs],  # type: ignore[arg-type]
        "rss_mb": [r["rss_mb"] for r in runs],
        "peak_mb": max(float(r["peak_mb"]) for r in runs),  # type: ignore[arg-type]
    }


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    main()
