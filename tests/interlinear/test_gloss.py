"""The interlinear glosses: the rules on made-up sentences, the coverage on real news, the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from components.texts import SAMPLE
from models.document import Document, Sentence, Token
from models.interlinear import clitic_gloss, first_sense, interlinear_glosses, word_coverage
from models.pipeline import analyze

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "tests" / "data" / "news"


def glosses_of(text: str) -> dict[str, str]:
    doc = analyze(text)
    return {
        t.text: g
        for s, row in zip(doc.sentences, interlinear_glosses(doc), strict=True)
        for t, g in zip(s.tokens, row, strict=True)
    }


def test_clitics_are_glossed_compactly_around_the_first_sense() -> None:
    found = glosses_of("قرأ بكتابه والكتاب. جمع المعلومات.")
    assert found["بكتابه"] == "by-his-book"
    assert found["والكتاب"] == "and-the-book"
    assert found["المعلومات"] == "the-information"  # "information; data": the first sense only
    assert found["."] == ""
    assert first_sense("from/about") == "from" and first_sense('Minh (in "Ho Chi Minh")') == "Minh"
    assert clitic_gloss("ل", "write", "", "VERB") == "to-write"
    assert clitic_gloss("و+ل+ل", "information") == "and-for-the-information"  # ولل: ل + ال
    assert clitic_gloss("", "write", "نا", "VERB") == "write"  # كتبنا: "we wrote", no object


def test_names_get_their_english_spelling_and_numbers_western_digits() -> None:
    found = glosses_of("زار الوزير هونغ كونغ يوم ٢٥ مارس.")
    assert (found["هونغ"], found["كونغ"]) == ("Hong", "Kong")
    assert found["٢٥"] == "25"


def test_the_alignment_wins_over_the_lexicon() -> None:
    text = "قرأ الكتاب"
    doc = Document(
        text,
        [
            Sentence(
                0,
                0,
                len(text),
                text,
                tokens=[
                    Token(0, 3, "قرأ", lemma="قَرَأ", gloss="read"),
                    Token(4, 10, "الكتاب", lemma="كِتاب", gloss="book"),
                ],
            )
        ],
    )
    assert interlinear_glosses(doc) == [["read", "the-book"]]
    doc.sentences[0].translation = "He read the volume"
    doc.sentences[0].english_words = [(0, 2), (3, 7), (8, 11), (12, 18)]
    doc.sentences[0].alignment = [(0, 0), (0, 1), (1, 2), (1, 3)]
    assert interlinear_glosses(doc) == [["he read", "the volume"]]


@pytest.mark.parametrize(
    "path", [SAMPLE, NEWS / "wikimania-2013.txt", NEWS / "corona-saudi.txt"], ids=lambda p: p.stem
)
def test_nearly_every_word_of_real_news_has_a_gloss(path: Path) -> None:
    doc = analyze(path.read_text(encoding="utf-8"))
    covered, total = word_coverage(doc, interlinear_glosses(doc))
    print(f"{path.name}: {covered}/{total} Arabic words glossed ({100 * covered / total:.1f} %)")
    assert total > 100
    assert covered / total >= 0.95


def test_the_command_line_gives_every_word_its_interlinear_field(tmp_path: Path) -> None:
    source = tmp_path / "t.txt"
    source.write_text("قرأ بكتابه في هونغ كونغ.", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "models", "analyze", str(source), "--json", "--no-translate", "--interlinear"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    tokens = [t for s in data["sentences"] for t in s["tokens"]]
    assert all(isinstance(t["interlinear"], str) for t in tokens)
    doc = Document.from_dict(
        {
            **data,
            "sentences": [
                {**s, "tokens": [{k: v for k, v in t.items() if k != "interlinear"} for t in s["tokens"]]}
                for s in data["sentences"]
            ],
        }
    )
    assert [t["interlinear"] for t in tokens] == [g for row in interlinear_glosses(doc) for g in row]
    assert "by-his-book" in [t["interlinear"] for t in tokens]
