"""The trained entity recogniser: the shipped CRF on the sample article, the evaluation command, and
training on tiny CoNLL data the tests write themselves (the AQMAR corpus is not needed)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.build import train_ner as ner_train
from models.document import Entity, Token
from models.names import crf as ner
from models.names import evaluate as ner_eval
from models.names import recognizer as recognizer_module
from models.names import trained as trained_module
from models.names.recognizer import GazetteerRecognizer, TrainedRecognizer, get_recognizer, load_recognizer
from models.names.translit import name_in_english
from models.text.arabic import normalize, tokenize
from models.text.segment import split_sentences
from tests.support import SAMPLE, assert_whole_word_span, tiny_ner_model

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [("يوشيماسا هاياشي", "Hayashi"), ("ميلاني جولي", "Melanie"), ("فوميو كيشيدا", "Kishida")]


def write_conll(path: Path, sentences: list[list[tuple[str, str]]]) -> Path:
    path.write_text(
        "\n\n".join("\n".join(f"{w} {t}" for w, t in s) for s in sentences) + "\n", encoding="utf-8"
    )
    return path


# ---------------------------------------------------------------- the shipped model


def test_the_shipped_crf_is_small_and_is_the_fallback() -> None:
    # the default is the BiLSTM tagger (tests/names/test_bilstm.py); the CRF stands in without torch
    assert ner.MODEL_PATH.is_file() and ner.MODEL_PATH.stat().st_size < 5 * 2**20
    recognizer = TrainedRecognizer()
    assert isinstance(recognizer.tagger, ner.CrfTagger)
    assert recognizer.merge == "crf+gaz" and recognizer.propagate and get_recognizer().propagate


@pytest.mark.parametrize(("name", "english_word"), PEOPLE)
def test_the_sample_people_are_found(entities: list[Entity], name: str, english_word: str) -> None:
    found = [e for e in entities if e.text == name]
    assert found, f"{name} not found"
    for e in found:
        assert e.label == "PER"
        assert e.key == "name:" + normalize(name)
        assert e.english and english_word in e.english.split()


def test_a_person_named_again_by_one_word_is_found_again(entities: list[Entity]) -> None:
    # وقالت جولي، حكومة كيشيدا: the surname alone, after the full name earlier in the article
    for word in ("جولي", "كيشيدا"):
        alone = [e for e in entities if e.text == word]
        assert alone and {e.label for e in alone} == {"PER"}, word
        # ... and is the same person: one glossary entry, the full name's English
        full = next(e for e in entities if e.text.endswith(" " + word))
        assert {(e.key, e.english) for e in alone} == {(full.key, full.english)}, word


def test_a_word_shared_by_two_people_stays_its_own_name() -> None:
    text = "التقى الرئيس جورج بوش مع الوزير جيب بوش في واشنطن. وقال بوش إن الاجتماع كان مثمرا. وقال جورج إن الاجتماع مهم."
    recognizer = get_recognizer()
    people = [
        e
        for a, b in split_sentences(text)
        for e in recognizer.recognize(text, tokenize(text, a, b))
        if e.label == "PER"
    ]
    found = [(e.text, e.key) for e in people]
    # English spellings of name words come from the listed people first: جورج is George (not "Juraj")
    assert {e.text: e.english for e in people}["جورج بوش"] == "George Bush"
    assert ("جورج بوش", "name:جورج بوش") in found and ("جيب بوش", "name:جيب بوش") in found
    assert ("بوش", "name:بوش") in found  # two Bushes: the lone surname is nobody's in particular
    assert ("جورج", "name:جورج بوش") in found  # one George


def test_listed_names_keep_the_gazetteer_names(entities: list[Entity]) -> None:
    by_text = {e.text: e for e in entities}
    assert (by_text["الناتو"].label, by_text["الناتو"].english) == ("ORG", "NATO")  # curated label wins
    assert (by_text["طوكيو"].label, by_text["طوكيو"].english) == ("LOC", "Tokyo")
    assert by_text["كوريا الجنوبية"].english == "South Korea"


def test_spans_never_cut_a_stem(entities: list[Entity]) -> None:
    for e in entities:
        assert_whole_word_span(SAMPLE, e)
    for m in re.finditer("اليابانية|الياباني|الكندية", SAMPLE):
        inside = [e for e in entities if m.start() < e.end < m.end() or m.start() < e.start < m.end()]
        assert not inside, f"{m.group()} cut at {inside}"


def test_proclitics_are_peeled_only_with_evidence() -> None:
    recognizer = get_recognizer()
    assert isinstance(recognizer, TrainedRecognizer)

    def offset(word: str) -> int:
        return recognizer._start_offset(Token(0, len(word), word, "arabic"), set())

    # a listed name, a listed person's name, or an article-led word behind the proclitic: peeled
    assert [offset(w) for w in ("بالقاهرة", "وهاياشي", "والأرمن", "للهند")] == [1, 1, 1, 1]
    # names that begin with the letters of a proclitic, and a doubled article: left whole
    assert [offset(w) for w in ("وليام", "بولندا", "لندن", "فرنسا", "كندا", "الالهند")] == [0] * 6


def test_the_document_stage_finds_surnames_the_sentence_alone_does_not_show(
    sentences: list[list[Token]], tmp_path: Path
) -> None:
    # وقالت جولي، حكومة كيشيدا: read alone, these sentences do not say the words are names; the document
    # stage sees the same words tagged PER in full names elsewhere. The rule-based propagation is off here.
    def people(model: Path) -> list[str]:
        recognizer = TrainedRecognizer(model_path=model, propagate=False)
        return [e.text for toks in sentences for e in recognizer.recognize(SAMPLE, toks) if e.label == "PER"]

    one_stage = tmp_path / "ner.crfsuite"
    one_stage.write_bytes(ner.MODEL_PATH.read_bytes())  # without its ner-doc.crfsuite beside it
    assert TrainedRecognizer(model_path=one_stage).tagger.stages == 1
    assert TrainedRecognizer().tagger.stages == 2
    assert "جولي" not in people(one_stage) and "كيشيدا" not in people(one_stage)
    assert "جولي" in people(ner.MODEL_PATH) and "كيشيدا" in people(ner.MODEL_PATH)


def test_document_features_come_from_the_other_sentences() -> None:
    forms = [[("فيرمي", "فيرمي"), ("قال", "قال")], [("وفيرمي", "فيرمي")]]
    low = {"PER": 0.0, "LOC": 0.0, "ORG": 0.0, "MISC": 0.0}
    first = [(["B-PER", "O"], [{**low, "PER": 0.9}, low]), (["O"], [{**low, "PER": 0.3}])]
    (fermi, said), (and_fermi,) = ner.document_features(forms, first)
    # the core فيرمي was tagged PER with 0.9 in the first sentence: the second sentence's word hears it
    assert "dcmax=PER:hi" in and_fermi and "dcmean=PER:hi" in and_fermi and "p1=O" in and_fermi
    assert "dnmax=PER:hi" not in and_fermi  # its whole form وفيرمي occurs nowhere else
    # the first sentence's word hears the second's 0.3 (mid), never its own 0.9
    assert "dcmax=PER:mid" in fermi and "dcmax=PER:hi" not in fermi and "p1=B-PER" in fermi
    assert "dcn=2" in fermi and "dnn=1" in and_fermi  # occurrences of the form in the document
    assert not any(f.startswith(("dnmax", "dcmax")) for f in said)  # قال occurs once


EIGHTHS = [i / 8 for i in range(9)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(st.sampled_from(["فيرمي", "وفيرمي", "قال", "روما"]), st.sampled_from(EIGHTHS)),
            max_size=6,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_document_features_match_a_direct_count(sentences: list[list[tuple[str, float]]]) -> None:
    # the features count every other sentence's occurrences, read straight from the definition
    # (probabilities in eighths: sums are exact, so both ways of adding give the same bands)
    forms = [[(w, w.removeprefix("و")) for w, _ in s] for s in sentences]
    first = [
        (["O"] * len(s), [{"PER": p, "LOC": 1 - p, "ORG": p / 2, "MISC": 0.0} for _, p in s])
        for s in sentences
    ]
    for s, rows in enumerate(ner.document_features(forms, first)):
        for t, row in enumerate(rows):
            for key, name in zip(forms[s][t], "nc", strict=True):
                hits = [
                    (s2, first[s2][1][t2])
                    for s2, sf in enumerate(forms)
                    for t2, pair in enumerate(sf)
                    if key in pair and len(key) >= 3
                ]
                others = [p for s2, p in hits if s2 != s]
                expected = {f"d{name}n={min(len(hits), 5)}"} if hits else set()
                for kind in ner.DOCUMENT_TYPES if others else ():
                    for stat, value in (
                        ("max", max(p[kind] for p in others)),
                        ("mean", sum(p[kind] for p in others) / len(others)),
                    ):
                        if value >= 0.2:
                            expected.add(f"d{name}{stat}={kind}:{'hi' if value >= 0.5 else 'mid'}")
                got = {f for f in row if f.startswith(f"d{name}")}
                assert got == expected


def test_a_missing_model_falls_back_to_the_gazetteer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(recognizer_module, "BILSTM_DIR", tmp_path / "missing")
    monkeypatch.setattr(trained_module, "MODEL_PATH", tmp_path / "missing.crfsuite")
    assert isinstance(load_recognizer(), GazetteerRecognizer)


def test_the_features_the_model_was_trained_on_are_still_computed() -> None:
    # The model's inputs come from the gazetteer, the name list and the lexicon; if one of them changes
    # what it says about these words, retrain (`python -m models.build.train_ner`) and update this test.
    recognizer = get_recognizer()
    assert isinstance(recognizer, TrainedRecognizer)
    featurizer = recognizer.tagger.featurizer  # type: ignore[attr-defined]

    def features(word: str) -> set[str]:
        return set(featurizer.word(word, "arabic"))

    assert {"lx0", "pn", "vd=3"} <= features("هاياشي")  # unknown to the lexicon, a listed personal name
    assert {"lx0", "vd=3"} <= features("يوشيماسا")
    assert {"lxp=VERB", "lxpre"} <= features("فيرمي")  # only read as ف + يرمي "and throws"
    assert {"lxp=PROPN", "lxP1", "g1=LOC", "al"} <= features("القاهرة")
    assert {"g1p=LOC", "r=كندا", "pc=و"} <= features("وكندا")
    assert "nat" in features("اليابانية") and "tan" in features("رسميًا")


def test_transliteration_is_readable() -> None:
    assert name_in_english("هاياشي") == "Hayashi"
    assert name_in_english("كيشيدا") == "Kishida"
    assert name_in_english("يوشيماسا") == "Yushimasa"
    assert name_in_english("القاهرة").startswith("al-")
    assert name_in_english("NATO 2050") == ""


def test_person_names_list_is_shipped_with_its_attribution() -> None:
    text = ner.PERSON_NAMES_PATH.read_text(encoding="utf-8")
    assert "arabnamer" in text and "CC BY 4.0" in text
    names = ner.load_person_names()
    assert len(names) > 10_000
    assert names[normalize("هاياشي")] == "Hayashi"


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
    t = time.perf_counter()
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
    assert time.perf_counter() - t < 10


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


# ---------------------------------------------------------------- a transformers model (QARI_NER_MODEL)



def test_model_labels_map_onto_qari_types() -> None:
    from models.names.transformer import qari_label

    assert [
        qari_label(x) for x in ("B-PERS", "I-PER", "B-GPE", "I-ORGANIZATION", "B-MIS2", "O", "B-DATE")
    ] == [
        "B-PER",
        "I-PER",
        "B-LOC",
        "I-ORG",
        "B-MISC",
        "O",
        "O",
    ]


def test_a_tiny_token_classification_model_is_merged_with_the_gazetteer(tmp_path: Path) -> None:
    from models.names.transformer import TransformerTagger, load_tagger

    text = "وصل هاياشي إلى وكندا ."
    everything = load_tagger(str(tiny_ner_model(tmp_path / "per", "B-PERS")))
    assert everything.error is None and isinstance(everything.tagger, TransformerTagger)
    found = TrainedRecognizer(tagger=everything.tagger).recognize(text, tokenize(text))
    # every word is a person to this model; the function word and the full stop never begin a name
    assert [(e.text, e.label) for e in found] == [("وصل", "PER"), ("هاياشي", "PER"), ("كندا", "PER")]
    assert found[2].english == "Canada"  # the gazetteer still names what it lists
    for e in found:
        assert_whole_word_span(text, e)

    nothing = load_tagger(str(tiny_ner_model(tmp_path / "o", "O")))
    assert nothing.tagger is not None
    found = TrainedRecognizer(tagger=nothing.tagger).recognize(text, tokenize(text))
    assert [(e.text, e.label, e.english) for e in found] == [("كندا", "LOC", "Canada")]  # the gazetteer's


def test_qari_ner_model_is_loaded_local_first_without_hanging(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from models.names.transformer import TransformerTagger, load_tagger

    folder = tiny_ner_model(tmp_path / "model", "O")
    monkeypatch.setenv("QARI_NER_MODEL", str(folder))
    recognizer = load_recognizer()
    assert isinstance(recognizer, TrainedRecognizer) and isinstance(recognizer.tagger, TransformerTagger)
    assert recognizer.note and str(folder) in recognizer.note

    # a hub id that is not in the (empty) local cache: a quick, clear failure, then the shipped CRF
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("QARI_NER_MODEL", "nobody/no-such-arabic-ner")
    t = time.perf_counter()
    result = load_tagger("nobody/no-such-arabic-ner")
    assert result.tagger is None and result.missing and "not on this computer" in (result.error or "")
    recognizer = load_recognizer()
    assert time.perf_counter() - t < 5
    assert isinstance(recognizer, TrainedRecognizer) and not isinstance(recognizer.tagger, TransformerTagger)
    assert recognizer.note == result.error

    not_a_model = tmp_path / "empty"
    not_a_model.mkdir()
    broken = load_tagger(str(not_a_model))
    assert broken.tagger is None and not broken.missing and "config.json" in (broken.error or "")


@pytest.mark.usefixtures("clean_recognizers")
def test_each_entity_model_has_its_own_recognizer_and_a_missing_one_falls_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from models.names.recognizer import recognizer_note
    from models.names.transformer import TransformerTagger
    from models.pipeline import analyze

    monkeypatch.delenv("QARI_NER_MODEL", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    folder = str(tiny_ner_model(tmp_path / "model", "B-PERS"))
    shipped = get_recognizer(None)
    assert isinstance(shipped, TrainedRecognizer) and not isinstance(shipped.tagger, TransformerTagger)
    assert get_recognizer("") is shipped and recognizer_note(None) is None
    tiny = get_recognizer(folder)
    assert tiny is not shipped and isinstance(tiny, TrainedRecognizer)
    assert isinstance(tiny.tagger, TransformerTagger)
    assert get_recognizer(folder) is tiny and get_recognizer(f" {folder} ") is tiny  # loaded once
    assert folder in (recognizer_note(folder) or "")
    assert tiny.gazetteer is shipped.gazetteer  # one name table in memory

    # the pipeline uses the recogniser it is given: this model calls every word a person
    text = "وصل هاياشي إلى وكندا ."
    assert [e.text for e in analyze(text, ner_model=folder, with_lexicon=False).sentences[0].entities] == [
        "وصل",
        "هاياشي",
        "كندا",
    ]
    assert "وصل" not in [
        e.text for e in analyze(text, ner_model="", with_lexicon=False).sentences[0].entities
    ]

    # None follows QARI_NER_MODEL; "" is the shipped recogniser whatever it says
    monkeypatch.setenv("QARI_NER_MODEL", folder)
    assert get_recognizer() is tiny and get_recognizer("") is shipped and recognizer_note("") is None

    # a model that is not on this computer: the shipped recogniser at once, and a note saying why
    t = time.perf_counter()
    assert get_recognizer("nobody/no-such-arabic-ner") is shipped
    note = recognizer_note("nobody/no-such-arabic-ner") or ""
    assert time.perf_counter() - t < 5
    assert "nobody/no-such-arabic-ner" in note and "not on this computer" in note and "its own model" in note
    note = recognizer_note(str(tmp_path / "no-such-folder")) or ""
    assert "no config.json" in note and "its own model" in note
    # not remembered: a model copied there afterwards is found without a restart
    later = str(tiny_ner_model(tmp_path / "no-such-folder", "B-PERS"))
    assert isinstance(getattr(get_recognizer(later), "tagger", None), TransformerTagger)
    assert later in (recognizer_note(later) or "")


@pytest.mark.usefixtures("clean_recognizers")
def test_entity_models_are_loaded_once_across_threads_and_few_are_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import threading

    from models.registry import REGISTRY

    MAX_MODELS = REGISTRY.limits["entity-model"]
    monkeypatch.delenv("QARI_NER_MODEL", raising=False)
    folders = [str(tiny_ner_model(tmp_path / f"m{i}", "O")) for i in range(MAX_MODELS + 1)]
    found: list[object] = []
    threads = [threading.Thread(target=lambda: found.append(get_recognizer(folders[0]))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 6 and all(r is found[0] for r in found)  # one load, whoever asked first

    loaded = [get_recognizer(f) for f in folders]
    assert loaded[0] is found[0]
    shipped = get_recognizer("")
    # the least recently used model was dropped; the newer ones and the shipped recogniser were kept
    assert all(get_recognizer(f) is r for f, r in zip(folders[1:], loaded[1:], strict=True))
    assert get_recognizer(folders[0]) is not loaded[0]
    assert get_recognizer("") is shipped
