"""`python -m models analyze` and friends: the same pipeline as the app, as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "japan-canada-intelligence.txt"


def analyze_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["analyze", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_sample_as_json_has_exact_offsets_and_entities(capsys: pytest.CaptureFixture[str]) -> None:
    doc = analyze_json(capsys, str(SAMPLE), "--no-translate")
    text = SAMPLE.read_text(encoding="utf-8")
    assert doc["text"] == text
    assert [s["index"] for s in doc["sentences"]] == list(range(10))
    for s in doc["sentences"]:
        assert text[s["start"] : s["end"]] == s["text"]
        assert s["translation"] is None
        for e in s["entities"]:
            assert text[e["start"] : e["end"]] == e["text"]
            assert e["label"] in {"PER", "LOC", "ORG", "MISC"}
        for t in s["tokens"]:
            assert text[t["start"] : t["end"]] == t["text"]
    found = {(e["text"], e["label"]) for s in doc["sentences"] for e in s["entities"]}
    assert {("اليابان", "LOC"), ("كندا", "LOC"), ("طوكيو", "LOC")} <= found
    assert not any(
        e["text"] == "اليابان" and text[e["end"]].isalpha() for s in doc["sentences"] for e in s["entities"]
    )
    glosses = {g["lemma"]: g["gloss"] for g in doc["glossary"]}
    assert glosses["اليابان"] == "Japan"


def test_translation_with_a_local_model_folder(
    capsys: pytest.CaptureFixture[str], tiny_model_dir: Path
) -> None:
    doc = analyze_json(capsys, str(SAMPLE), "--model", str(tiny_model_dir))
    assert all(isinstance(s["translation"], str) and s["translation"] for s in doc["sentences"])


def test_missing_model_still_prints_the_document(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["analyze", str(SAMPLE), "--json", "--model", str(tmp_path / "no-such-model")]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)["sentences"]) == 10
    assert "no translation" in out.err


@pytest.mark.parametrize(
    ("text", "said", "sentences"),
    [("", "The text is empty", 0), ("Hello world, this is English.", "no Arabic letters", 1)],
)
def test_empty_or_non_arabic_text_is_said_and_still_printed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, said: str, sentences: int
) -> None:
    path = tmp_path / "in.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["analyze", str(path), "--json", "--no-translate"]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)["sentences"]) == sentences
    assert said in out.err


def test_arabic_text_gets_no_input_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SAMPLE), "--json", "--no-translate"]) == 0
    assert "qari:" not in capsys.readouterr().err


def test_html_file_is_reduced_to_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        "<html><body><h1>خبر</h1><script>var x=1;</script><p>اتفقت اليابان وكندا.</p></body></html>"
    )
    doc = analyze_json(capsys, str(page), "--no-translate")
    assert doc["text"] == "خبر\nاتفقت اليابان وكندا."
    assert [s["text"] for s in doc["sentences"]] == ["خبر", "اتفقت اليابان وكندا."]


def test_windows_1256_file_is_decoded(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("اتفقت اليابان وكندا على بدء المحادثات.".encode("cp1256"))
    assert (
        analyze_json(capsys, str(path), "--no-translate")["text"] == "اتفقت اليابان وكندا على بدء المحادثات."
    )


def test_unreadable_input_is_one_line_and_a_nonzero_exit(tmp_path: Path) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    for path in (binary, tmp_path / "missing.txt"):
        run = subprocess.run(
            [sys.executable, "-m", "models", "analyze", str(path), "--json", "--no-translate"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 2
        assert run.stdout == ""
        assert run.stderr.startswith("qari: ") and run.stderr.count("\n") == 1
        assert "Traceback" not in run.stderr
