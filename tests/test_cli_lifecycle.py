"""The command line's lifecycle: texts with nothing to translate start no worker, and every run waits for
its own work and closes the worker before the interpreter shuts down (no traceback, ever)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import registry
from models.__main__ import main
from models.pipeline import WORKER_KIND

ROOT = Path(__file__).resolve().parent.parent

# Inputs with nothing for the model to do, as bytes (the ones that once crashed with
# "can't register atexit after shutdown" while the worker thread was still importing the model).
NOTHING_TO_TRANSLATE = {
    "empty.txt": b"",
    "whitespace.txt": b"  \n\t\n\r\n   ",
    "english.txt": b"The meeting starts at nine. Nothing here is Arabic.\n",
    "digits.txt": b"123 456 ... !!! ?? -- 7,8 (9)\n",
    "bom.txt": b"\xef\xbb\xbf",
    "utf16.txt": "Only English, in UTF-16.\n".encode("utf-16"),
    "utf16-empty.txt": "".encode("utf-16"),
    "latin-heading.txt": b"Chapter 1\n\n2024\n",
}
ARABIC = {
    "arabic-bom.txt": "\ufeffاتفقت اليابان وكندا على بدء المحادثات.".encode(),
    "arabic-utf16.txt": "اتفقت اليابان وكندا.".encode("utf-16"),
}
SUBPROCESS_ARABIC = ["arabic-utf16.txt"]  # loads the model: one is enough (the other runs in-process)


def _analyze(path: Path, data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QARI_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "models", "analyze", str(path), "--json", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("name", [*NOTHING_TO_TRANSLATE, *SUBPROCESS_ARABIC])
def test_the_command_exits_cleanly_with_a_model_to_load(
    name: str, tmp_path: Path, tiny_model_dir: Path
) -> None:
    path = tmp_path / name
    path.write_bytes({**NOTHING_TO_TRANSLATE, **ARABIC}[name])
    run = _analyze(path, tmp_path / "data", "--model", str(tiny_model_dir))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "failed" not in run.stderr, run.stderr
    doc = json.loads(run.stdout)
    assert all(s["translation"] for s in doc["sentences"])  # Arabic translated, the rest kept as it is
    if name in ARABIC:
        assert doc["sentences"] and doc["sentences"][0]["translation"] != doc["sentences"][0]["text"]


@pytest.mark.parametrize("name", ["empty.txt", "english.txt", "arabic-bom.txt"])
def test_no_translate_starts_nothing(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes({**NOTHING_TO_TRANSLATE, **ARABIC}[name])
    run = _analyze(path, tmp_path / "data", "--no-translate")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert json.loads(run.stdout)["text"] is not None


def test_no_worker_for_a_text_with_nothing_to_translate(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    tiny_model_dir: Path,
    clean_registry: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QARI_DATA_DIR", str(tmp_path))
    started: list[object] = []
    real = registry.REGISTRY.get

    def spy(kind: str, *args: object, **kwargs: object) -> object:
        started.append(kind)
        return real(kind, *args, **kwargs)

    monkeypatch.setattr(registry.REGISTRY, "get", spy)
    path = tmp_path / "english.txt"
    path.write_bytes(NOTHING_TO_TRANSLATE["english.txt"])
    assert main(["analyze", str(path), "--json", "--model", str(tiny_model_dir)]) == 0
    assert WORKER_KIND not in started
    json.loads(capsys.readouterr().out)
    arabic = tmp_path / "arabic.txt"
    arabic.write_bytes(ARABIC["arabic-bom.txt"])
    assert main(["analyze", str(arabic), "--json", "--model", str(tiny_model_dir)]) == 0
    assert WORKER_KIND in started
    assert registry.REGISTRY.held(WORKER_KIND) == []  # the command closed its worker
