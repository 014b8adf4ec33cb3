"""`python -m models analyze BOOK --chapters / --chapter N`: an EPUB's (or a long text's) chapters, and one
chapter analysed like any text; bad books one line on stderr, a non-zero exit, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from devkit.books import long_text, make_epub
from models.__main__ import main

ROOT = Path(__file__).resolve().parent.parent.parent
NEWS = ROOT / "tests" / "data" / "news"
SEED = ROOT / "seeds" / "japan-canada-intelligence.txt"


def _chapters() -> list[tuple[str, str]]:
    return [
        ("اليابان وكندا", SEED.read_text(encoding="utf-8").strip()),
        ("ويكيمانيا 2013", (NEWS / "wikimania-2013.txt").read_text(encoding="utf-8").strip()),
        ("كورونا في السعودية", (NEWS / "corona-saudi.txt").read_text(encoding="utf-8").strip()),
    ]


def test_chapters_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "news.epub"
    book.write_bytes(make_epub(_chapters(), title="أخبار"))
    assert main(["analyze", str(book), "--chapters"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["index"] for c in listed] == [1, 2, 3]
    assert [c["title"] for c in listed] == [title for title, _ in _chapters()]
    # each chapter starts with its heading (its title), then its text
    assert [c["words"] for c in listed] == [len(f"{t} {x}".split()) for t, x in _chapters()]
    assert [c["parts"] for c in listed] == [1, 1, 1]


def test_one_chapter_analysed_alone_as_any_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "news.epub"
    book.write_bytes(make_epub(_chapters(), title="أخبار", version=2))
    title, text = _chapters()[1]
    alone = tmp_path / "chapter2.txt"
    # the book's text has no empty lines (one line a paragraph)
    alone.write_text(
        "\n".join(line for line in f"{title}\n{text}".split("\n") if line.strip()), encoding="utf-8"
    )
    assert main(["analyze", str(book), "--chapter", "2", "--json", "--no-translate"]) == 0
    chapter = json.loads(capsys.readouterr().out)
    assert main(["analyze", str(alone), "--json", "--no-translate"]) == 0
    assert chapter == json.loads(capsys.readouterr().out)
    assert chapter["text"].startswith("ويكيمانيا 2013\n")
    assert "اتفقت اليابان وكندا" not in chapter["text"] and "كورونا" not in chapter["text"]


def test_a_long_text_in_parts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "long.txt"
    text = long_text(60_000)
    path.write_text(text, encoding="utf-8")
    assert main(["analyze", str(path), "--chapters"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) > 5 and listed[0]["title"] == "Part 1"
    assert sum(c["words"] for c in listed) == len(text.split())


def test_an_epub_without_a_chapter_and_a_chapter_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "news.epub"
    book.write_bytes(make_epub(_chapters()))
    assert main(["analyze", str(book), "--json"]) == 2
    assert "--chapters" in capsys.readouterr().err
    assert main(["analyze", str(book), "--chapter", "4"]) == 2
    assert capsys.readouterr().err == "qari: there is no chapter 4: the book has 1 to 3.\n"


@pytest.mark.parametrize(
    ("files", "drop", "expected"),
    [
        (None, set(), "not a ZIP archive"),
        (None, {"META-INF/container.xml"}, "no META-INF/container.xml"),
        (None, {"OEBPS/chapter2.xhtml"}, "OEBPS/chapter2.xhtml, in its reading order, is not in the file"),
        ({"META-INF/encryption.xml": "<encryption><EncryptedData><EncryptionMethod Algorithm='x'/>"
          "</EncryptedData></encryption>"}, set(), "DRM"),
    ],
)  # fmt: skip
def test_bad_books_one_line_and_a_nonzero_exit(
    tmp_path: Path, files: dict | None, drop: set[str], expected: str
) -> None:
    book = tmp_path / "bad.epub"
    if expected == "not a ZIP archive":
        book.write_text("plain text named .epub", encoding="utf-8")
    else:
        book.write_bytes(make_epub(_chapters(), files=files, drop=drop))
    run = subprocess.run(
        [sys.executable, "-m", "models", "analyze", str(book), "--chapters"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("qari: bad.epub ") and run.stderr.count("\n") == 1
    assert expected in run.stderr and "Traceback" not in run.stderr
