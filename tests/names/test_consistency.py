"""One name, one type across a document (models.names.consistency)."""

from __future__ import annotations

from models.names.consistency import consistent_tags
from models.text.arabic import tokenize


def _sentences(*texts: str) -> list:
    return [tokenize(t) for t in texts]


def test_a_name_takes_the_type_most_of_its_occurrences_have() -> None:
    sentences = _sentences("فاز الرجاء البيضاوي أمس", "وقال مدرب الرجاء البيضاوي", "لعب الرجاء البيضاوي جيدا")
    tags = [
        ["O", "B-ORG", "I-ORG", "O"],
        ["O", "O", "B-LOC", "I-LOC"],
        ["O", "B-ORG", "I-ORG", "O"],
    ]
    out = consistent_tags(sentences, tags)
    assert out[1] == ["O", "O", "B-ORG", "I-ORG"]
    assert out[0] == tags[0] and out[2] == tags[2]


def test_contexts_that_disagree_keep_their_types() -> None:
    # a city and its club as often each: no majority, nothing changes
    sentences = _sentences("زار مدريد أمس", "فاز مدريد أمس")
    tags = [["O", "B-LOC", "O"], ["O", "B-ORG", "O"]]
    assert consistent_tags(sentences, tags) == tags


def test_an_untagged_occurrence_is_tagged_with_clitics_peeled() -> None:
    sentences = _sentences("وصل الوفد إلى واشنطن", "وقالت واشنطن إنها", "ثم عاد من واشنطن", "وذهب لواشنطن")
    tags = [["O", "O", "O", "B-LOC"], ["O", "B-LOC", "O"], ["O", "O", "O", "O"], ["O", "O"]]
    out = consistent_tags(sentences, tags)
    assert out[2] == ["O", "O", "O", "B-LOC"]
    assert out[3] == ["O", "B-LOC"]


def test_one_stray_tag_does_not_spread() -> None:
    # tagged once in four occurrences: under the share, the others stay untagged
    sentences = _sentences("قال الرئيس", "ثم الرئيس", "و الرئيس", "إن الرئيس")
    tags = [["O", "B-PER"], ["O", "O"], ["O", "O"], ["O", "O"]]
    assert consistent_tags(sentences, tags) == tags


def test_common_short_words_never_spread() -> None:
    sentences = _sentences("في عن", "في عن")
    tags = [["B-LOC", "O"], ["O", "O"]]
    assert consistent_tags(sentences, tags)[1] == ["O", "O"]
