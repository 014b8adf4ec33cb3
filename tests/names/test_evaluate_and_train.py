"""Scoring a recogniser on CoNLL files (the evaluation command) and training the CRF on tiny CoNLL data
the tests write themselves (the AQMAR corpus is not needed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from models.build import train_ner as ner_train
from models.document import Entity, Token
from models.names import crf as ner
from models.names import evaluate as ner_eval
from models.names.recognizer import TrainedRecognizer
from models.text.arabic import tokenize

ROOT = Path(__file__).resolve().parents[2]


def write_conll(path: Path, sentences: list[list[tuple[str, str]]]) -> Path:
    path.write_text(
        "\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sentences) + "\n", encoding="utf-8"
    )
    return path


# ---------------------------------------------------------------- evaluation


class _Stub:
    """A recogniser that tags given words (optionally after a proclitic و), for exact expected counts."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]:
        out = []
        for name, label in self.names.items():
            for m in re.finditer(rf"(?<!\S)و?({name})(?!\S)", text[tokens[0].start : tokens[-1].end]):
                start = tokens[0].start + m.start(1)
                end = tokens[0].start + m.end(1)
                out.append(Entity(start, end, label, text[start:end]))  # type: ignore[arg-type]
        return out


HAND_SCORED = [
    [
        ("أحمد", "B-PER"),  # found: PER tp
        ("زار", "O"),  # tagged PER: PER fp
        ("وكندا", "B-LOC"),  # found without its و: the whole token, LOC tp
        ("و", "O"),
        ("اليابان", "B-LOC"),  # tagged ORG: ORG fp, LOC fn
        ("مع", "O"),
        ("الأمم", "B-ORG"),  # only its first word found: ORG fp, ORG fn
        ("المتحدة", "I-ORG"),
        (".", "O"),
    ],
    [
        ("كرة", "B-MIS1"),  # AQMAR's MIS1 is MISC: found, MISC tp
        ("القدم", "I-MIS1"),
        ("في", "O"),
        ("البرازيل", "B-LOC"),  # missed: LOC fn
        ("16", "OO"),  # a malformed tag reads as O
    ],
]
STUB = {"أحمد": "PER", "زار": "PER", "كندا": "LOC", "اليابان": "ORG", "الأمم": "ORG", "كرة القدم": "MISC"}


def test_evaluation_counts_by_hand(tmp_path: Path) -> None:
    path = write_conll(tmp_path / "hand.conll", HAND_SCORED)
    counts = ner_eval.evaluate_files([path], _Stub(STUB))
    assert (counts.tp, counts.fp, counts.fn) == (
        {"PER": 1, "LOC": 1, "ORG": 0, "MISC": 1},
        {"PER": 1, "LOC": 0, "ORG": 2, "MISC": 0},
        {"PER": 0, "LOC": 2, "ORG": 1, "MISC": 0},
    )
    assert counts.prf(["PER"]) == (0.5, 1.0, pytest.approx(2 / 3), 1)
    assert counts.prf(["LOC"]) == (1.0, pytest.approx(1 / 3), 0.5, 3)
    assert counts.prf(["ORG"]) == (0.0, 0.0, 0.0, 1)
    assert counts.prf() == (0.5, 0.5, 0.5, 6)  # 3 right of 6 predicted, of 6 gold
    assert counts.prf(["PER", "LOC", "ORG"]) == (
        pytest.approx(0.4),
        pytest.approx(0.4),
        pytest.approx(0.4),
        5,
    )
    lines = {line.split()[0]: line.split()[1:] for line in ner_eval.table(counts).splitlines()[1:]}
    assert lines["PER"] == ["0.500", "1.000", "0.667", "1", "2"]
    assert lines["overall"] == ["0.500", "0.500", "0.500", "6", "6"]


def test_tags_are_read_leniently() -> None:
    assert [
        ner_eval.normalize_tag(t)
        for t in ("B-MIS1`", "I--ORG", "B-MISS1", "B-MIS-1", "OO", "IO", "B-ENGLISH")
    ] == [
        "B-MISC",
        "I-ORG",
        "B-MISC",
        "B-MISC",
        "O",
        "O",
        "O",
    ]
    # an I- that continues nothing starts an entity; a change of type ends one
    assert ner_eval.chunks(["I-PER", "I-PER", "O", "B-LOC", "I-ORG"]) == {
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
    }


def test_evaluate_ner_command_with_the_shipped_model(tmp_path: Path) -> None:
    # اليابان and كندا are found by any version of the model (the gazetteer lists them); الكتاب "the book"
    # is gold-tagged PER here on purpose and is no name: P = 2/2, R = 2/3, F1 = 0.8.
    sentence = "سافر الرجل إلى اليابان ثم إلى كندا ليقرأ الكتاب ."
    tags = {"اليابان": "B-LOC", "كندا": "B-LOC", "الكتاب": "B-PER"}
    path = write_conll(tmp_path / "easy.conll", [[(w, tags.get(w, "O")) for w in sentence.split()]])
    out = subprocess.run(
        [sys.executable, "-m", "models", "evaluate-ner", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}
    assert rows["LOC"] == ["1.000", "1.000", "1.000", "2", "2"]
    assert rows["PER"] == ["0.000", "0.000", "0.000", "1", "0"]
    assert rows["overall"] == ["1.000", "0.667", "0.800", "3", "2"]
    missing = subprocess.run(
        [sys.executable, "-m", "models", "evaluate-ner", str(tmp_path / "nope.conll")],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert missing.returncode == 2


# ---------------------------------------------------------------- training


def _tiny_corpus(folder: Path) -> list[Path]:
    """Two small 'articles' with PER and LOC names in a few fixed contexts."""
    people = ["هاياشي", "كيشيدا", "جولي", "رونالدو", "فيرمي", "نيوتن"]
    places = ["طوكيو", "باريس", "لشبونة", "روما", "بكين", "مدريد"]
    files = []
    for k in range(2):
        sentences = []
        for i in range(12):
            person, place = people[(i + k) % 6], places[(i * 5 + k) % 6]
            sentences.append(
                [("وصل", "O"), ("الوزير", "O"), (person, "B-PER"), ("إلى", "O"), (place, "B-LOC"), (".", "O")]
            )
            sentences.append([("قال", "O"), (person, "B-PER"), ("إن", "O"), ("الاتفاق", "O"), ("مهم", "O")])
        files.append(write_conll(folder / f"article{k}.conll", sentences))
    return files


def test_training_on_a_tiny_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _tiny_corpus(data)
    model = tmp_path / "tiny.crfsuite"
    assert ner_train.main(["--data", str(data), "--out", str(model)]) == 0
    recognizer = TrainedRecognizer(model_path=model)
    text = "وصل الوزير هاياشي إلى باريس ."
    found = [(e.text, e.label) for e in recognizer.recognize(text, tokenize(text))]
    assert ("هاياشي", "PER") in found and ("باريس", "LOC") in found
    # leave-articles-out cross-validation prints the table
    assert ner_train.main(["--data", str(data), "--cv", "2"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["type", "P", "R", "F1", "gold", "pred"]
    assert "PER+LOC+ORG" in table


def test_training_is_reproducible(tmp_path: Path) -> None:
    files = _tiny_corpus(tmp_path)
    a = ner_train.train(files, tmp_path / "a.crfsuite")
    b = ner_train.train(files, tmp_path / "b.crfsuite")
    assert a.read_bytes() == b.read_bytes()
    # both stages: the document stage is written beside the sentence CRF
    doc_a, doc_b = ner.document_model_path(a), ner.document_model_path(b)
    assert doc_a.name == "a-doc.crfsuite" and doc_a.read_bytes() == doc_b.read_bytes()
    # a one-stage model never keeps a document stage trained for another first stage
    ner_train.train_documents([ner_eval.read_conll(f) for f in files], a, stages=1)
    assert a.is_file() and not doc_a.exists()


def test_corpus_tokens_are_split_like_the_app_does() -> None:
    text, tokens, tags = ner_train.sentence_tokens([("العناصر؛", "B-MISC"), ("والأرمن", "B-PER"), ("،", "O")])
    assert [t.text for t in tokens] == ["العناصر", "؛", "والأرمن", "،"]
    assert tags == ["B-MISC", "I-MISC", "B-PER", "O"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
