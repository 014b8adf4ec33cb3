"""Marking by lemma: one mark for every form in every text, "this form only", bulk marking, Finish text
and its undo, and the migration of a vocabulary file written by Qari before this (main 0f8a951)."""

from __future__ import annotations

import shutil
from pathlib import Path

from models.lexicon.lexicon import get_lexicon
from models.pipeline import analyze
from models.study.newwords import finish_text, mark_words, new_words
from models.study.vocab import STATUSES, VocabStore, vocab_key, word_lemma

OLD_FILE = Path(__file__).resolve().parents[1] / "data" / "vocabulary-main-0f8a951.sqlite3"


def statuses_by_form(store: VocabStore, text: str) -> dict[str, str | None]:
    tokens = [t for s in analyze(text).sentences for t in s.tokens]
    return {t.text: status for t, status in zip(tokens, store.token_statuses(tokens), strict=True)}


def test_marking_a_word_marks_its_other_forms_in_another_text() -> None:
    store = VocabStore()
    first = next(t for s in analyze("قرأت كتاب التاريخ.").sentences for t in s.tokens if t.text == "كتاب")
    store.set_status(word_lemma(first), "known")
    seen = statuses_by_form(store, "جاء الطالب بكتابه إلى المدرسة، ووضع الكتب على الطاولة.")
    assert seen["بكتابه"] == "known" and seen["الكتب"] == "known"
    assert seen["الطالب"] is None and seen["."] is None


def test_this_form_only_marks_that_form_alone() -> None:
    store = VocabStore()
    text = "جاء الطالب بكتابه ووضع الكتب على الطاولة."
    token = next(t for s in analyze(text).sentences for t in s.tokens if t.text == "بكتابه")
    store.set_form_status(token.text, word_lemma(token), "known")
    seen = statuses_by_form(store, text)
    assert seen["بكتابه"] == "known" and seen["الكتب"] is None
    assert store.get(word_lemma(token)) is None  # the lemma itself stays unmarked
    store.set_status(word_lemma(token), "learning")  # the lemma marked later: the form keeps its own status
    seen = statuses_by_form(store, text)
    assert (seen["بكتابه"], seen["الكتب"]) == ("known", "learning")
    assert store.remove_form(token.text, word_lemma(token))
    assert statuses_by_form(store, text)["بكتابه"] == "learning"


def test_finish_text_then_undo_leaves_the_vocabulary_as_it_was() -> None:
    store = VocabStore()
    doc = analyze("قرأت كتاب التاريخ في المدينة. الكتاب مفيد جدا.")
    store.set_status("مَدِينَة", "learning", gloss="city")
    before = (store.all_entries(), store.form_entries())
    fresh = new_words(doc, store.get_statuses({word_lemma(t) for s in doc.sentences for t in s.tokens}))
    assert fresh[0].lemma == "كِتاب" and fresh[0].count == 2  # most frequent first
    assert "مَدِينَة" not in [w.lemma for w in fresh]
    undo = finish_text(store, doc)
    assert {e.status for e in store.all_entries()} == {"known", "learning"}
    assert store.get("مَدِينَة").status == "learning"  # type: ignore[union-attr] - marked words stay as they were
    assert not new_words(doc, store.get_statuses({word_lemma(t) for s in doc.sentences for t in s.tokens}))
    store.restore(undo)
    assert (store.all_entries(), store.form_entries()) == before


def test_new_words_in_bulk_then_undo_restores_an_older_status() -> None:
    store = VocabStore()
    doc = analyze("قرأت كتاب التاريخ.")
    words = new_words(doc, {})
    store.set_status(words[0].lemma, "ignored")
    undo = mark_words(store, words, "learning")
    assert all(store.get(w.lemma).status == "learning" for w in words)  # type: ignore[union-attr]
    store.restore(undo)
    assert store.get(words[0].lemma).status == "ignored"  # type: ignore[union-attr]
    assert all(store.get(w.lemma) is None for w in words[1:])


def lexicon_lemma(form: str) -> str | None:
    best = get_lexicon().best(form)
    return best.lemma if best is not None else None


def test_migration_of_a_vocabulary_written_by_the_previous_version_keeps_every_status(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.sqlite3"
    shutil.copy(OLD_FILE, path)
    local, other = VocabStore(path), VocabStore(path, reader="oidc-abc")
    old = {r: {e.lemma: e.status for e in s.all_entries()} for r, s in (("local", local), ("other", other))}
    assert old["local"]["والكتب"] == "known" and old["local"]["بمدينتنا"] == "known"  # bare forms, as saved
    assert local.migrate_forms(lexicon_lemma) == (1, 1)
    assert other.migrate_forms(lexicon_lemma) == (0, 1)
    assert local.migrate_forms(lexicon_lemma) == (0, 0)  # once is enough

    def seen(store: VocabStore, text: str) -> dict[str, str | None]:
        return statuses_by_form(store, text)

    # every word keeps the status it had, now found through its lemma or as a form of its own
    for reader, store in (("local", local), ("other", other)):
        for word, status in old[reader].items():
            tokens = [t for s in analyze(word).sentences for t in s.tokens if t.kind == "arabic"]
            assert store.token_statuses(tokens)[0] == status, (reader, word)
    # والكتب agreed with كتاب (known): its status moved to the lemma; بمدينتنا (known) disagreed with
    # مدينة (learning): it stays a form-level exception, and مدينة keeps its own status
    assert local.get("والكتب") is None and local.get("كتاب").status == "known"  # type: ignore[union-attr]
    assert [(vocab_key(w), s) for w, _, s in local.form_entries()] == [("بمدينتنا", "known")]
    assert seen(local, "في المدينة")["المدينة"] == "learning"
    assert [(w, s) for w, _, s in other.form_entries()] == [("والكتب", "ignored")]
    assert seen(other, "الكتاب")["الكتاب"] == "learning"
    assert set(STATUSES) >= {s for d in old.values() for s in d.values()}
