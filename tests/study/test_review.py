"""Tests for reviews (models.review): FSRS due dates, status changes, a card's sentence from the reader's own
library, privacy between readers, and the review history in the library file (version 2, and version 1
files still importing). Every test runs on SQLite and on a real PostgreSQL server where the postgresql
package is installed (the `readers_db` fixture, tests/study/conftest.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating

from models.db import Database
from models.review import backup
from models.review.context import anki_contexts, contexts, marked_html
from models.review.progress import day, known_over_time, reading_per_day, reviews_per_day
from models.review.store import KNOWN_DAYS, ReviewStore, scheduler, status_after
from models.study.export import vocabulary_cards
from models.study.library import FORMAT, Library
from models.study.vocab import VocabStore, reader_key

ALICE = reader_key("http://127.0.0.1:9400", "alice")
BOB = reader_key("http://127.0.0.1:9400", "bob")
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC).timestamp()
# The word is saved as its lemma كَتَب (met as يكتبون); another text holds it as وكتبت (past, with و).
TEXT = "قال الوزير إن الطلاب يكتبون رسائل إلى الحكومة. وذهب الوفد إلى المدينة."
OTHER = "وكتبت الطالبة رسالة طويلة إلى أمها. وقرأ الناس المقال في الصباح."


def _store(db: Database, reader: str = ALICE) -> ReviewStore:
    return ReviewStore(db, reader, fsrs=scheduler(fuzz=False))


def test_due_dates_follow_fsrs_for_a_scripted_sequence(readers_db: Database) -> None:
    words, reviews = VocabStore(readers_db, ALICE), _store(readers_db)
    words.set_status("كتاب", "new")
    assert reviews.sync(now=START) == 1 and reviews.sync(now=START) == 0
    assert [c.key for c in reviews.due(now=START)] == ["كتاب"]

    # the same answers, at the same moments, given to fsrs itself
    reference, fsrs = Card(due=datetime.fromtimestamp(START, UTC)), scheduler(fuzz=False)
    when = START
    for rating in [3, 3, 1, 3, 4, 2, 3]:
        due = reviews.due(now=when)
        assert [c.key for c in due] == ["كتاب"]
        answer = reviews.answer("كتاب", rating, now=when)
        reference, _ = fsrs.review_card(reference, Rating(rating), datetime.fromtimestamp(when, UTC))
        assert answer.due == pytest.approx(reference.due.timestamp())
        assert reviews.due(now=when) == [] and reviews.due_count(now=when) == 0
        assert reviews.due_count(now=answer.due) == 1
        when = answer.due  # answered the moment it comes due
    stored = reviews.card("كتاب")
    assert stored is not None and stored.stability == pytest.approx(reference.stability)
    assert [r.rating for r in reviews.history()] == [3, 3, 1, 3, 4, 2, 3]
    assert ReviewStore(readers_db, ALICE).due_count(now=when) == 1  # a restart: kept in the database


def test_a_review_changes_the_words_status_as_a_reader_expects(readers_db: Database) -> None:
    words, reviews = VocabStore(readers_db, ALICE), _store(readers_db)
    words.set_status("كتاب", "new")
    words.set_status("قلم", "learning")
    words.set_status("بيت", "known")  # known before any review: no card
    words.set_status("باب", "ignored")
    reviews.sync(now=START)
    assert {c.key for c in reviews.due(now=START)} == {"كتاب", "قلم"}
    assert reviews.answer("كتاب", 3, now=START).status == "learning"  # a new word reviewed is being learnt
    when = START
    for _ in range(6):  # Easy again and again: the interval grows past three weeks
        answer = reviews.answer("قلم", 4, now=when)
        if answer.due - when >= KNOWN_DAYS * 86400:
            break
        when = answer.due
    assert answer.status == "known" and words.get("قلم").status == "known"  # type: ignore[union-attr]
    # still reviewed while known; forgotten, it is learning again
    forgotten = reviews.answer("قلم", 1, now=answer.due)
    assert (forgotten.before, forgotten.status) == ("known", "learning")
    assert words.get("قلم").status == "learning"  # type: ignore[union-attr]
    assert status_after("learning", 3, timedelta(days=2)) == "learning"
    # an ignored word's card rests; a word without a card cannot be answered
    words.set_status("كتاب", "ignored")
    assert "كتاب" not in {c.key for c in reviews.due(now=START + 400 * 86400)}
    with pytest.raises(ValueError, match="no card"):
        reviews.answer("بيت", 3)
    with pytest.raises(ValueError, match="Not an answer"):
        reviews.answer("قلم", 5)


def test_a_status_change_lost_to_a_crash_is_made_by_the_next_sync(readers_db: Database) -> None:
    words, reviews = VocabStore(readers_db, ALICE), _store(readers_db)
    words.set_status("كتاب", "known")
    words.set_status("قلم", "new")
    reviews.sync()
    # a known word with a card (imported, say), forgotten: the process dies before the status is written
    with readers_db.transaction(write=True) as conn:
        conn.exec_driver_sql(
            "INSERT INTO review_cards (reader, key, card, due, reviews, created) "
            f"SELECT reader, 'كتاب', card, due, 0, created FROM review_cards WHERE reader = '{ALICE}'"
        )
        conn.exec_driver_sql(
            "INSERT INTO review_log (reader, id, key, rating, reviewed, due, previous, status) "
            f"VALUES ('{ALICE}', 'x', 'كتاب', 1, {words.get('كتاب').updated + 1}, 0, 'known', 'learning')"  # type: ignore[union-attr]
        )
    reviews.sync()
    assert words.get("كتاب").status == "learning"  # type: ignore[union-attr]


def test_a_card_shows_a_sentence_from_the_readers_own_library(readers_db: Database) -> None:
    library, words = Library(readers_db, ALICE), VocabStore(readers_db, ALICE)
    other = Library(readers_db, BOB)
    other.add("يكتب بوب كتابا طويلا عن الحرب.", "Bob's text", "paste")  # another reader's: never shown
    library.add(OTHER, "Journalist", "paste")
    library.add(TEXT, "Students", "paste")
    entry = words.set_status(
        "كَتَب",
        "learning",
        gloss="write",
        example="قال الوزير إن الطلاب يكتبون رسائل إلى الحكومة.",
        translation="The minister said students write letters.",
    )
    found = contexts(library, entry, translate=lambda s: "ENGLISH " + s[:5])
    assert [c.title for c in found] == ["Students", "Journalist"]  # the saved example first
    first, second = found
    assert first.sentence.startswith("قال الوزير") and first.translation.startswith("The minister")
    assert [first.sentence[a:b] for a, b in first.spans] == ["يكتبون"]
    assert [second.sentence[a:b] for a, b in second.spans] == ["وكتبت"]  # another form of the lemma
    assert second.translation == "ENGLISH " + second.sentence[:5]
    assert marked_html(second).startswith("<mark>وكتبت</mark> الطالبة")
    assert first.lemma and first.gloss and first.translit
    assert not any("بوب" in c.sentence for c in found)
    assert contexts(other, entry) == [] or all(c.title == "Bob's text" for c in contexts(other, entry))
    # the Anki deck gets the same sentence with the word in <b>
    deck = anki_contexts(library, [entry])
    assert deck[entry.key][1].count("<b>يكتبون</b>") == 1
    card = vocabulary_cards([entry], deck)[0]
    assert card.sentence_html == deck[entry.key][1] and card.translation.startswith("The minister")
    assert vocabulary_cards([entry])[0].sentence_html == entry.example  # without contexts: the saved example


def test_two_readers_never_see_each_others_cards_or_history(readers_db: Database) -> None:
    VocabStore(readers_db, ALICE).set_status("كتاب", "new")
    VocabStore(readers_db, BOB).set_status("قلم", "new")
    alice, bob = _store(readers_db, ALICE), _store(readers_db, BOB)
    alice.sync(now=START)
    bob.sync(now=START)
    assert [c.key for c in alice.due(now=START)] == ["كتاب"] and [c.key for c in bob.due(now=START)] == [
        "قلم"
    ]
    alice.answer("كتاب", 3, now=START)
    assert bob.history() == [] and len(alice.history()) == 1
    with pytest.raises(ValueError, match="no card"):
        bob.answer("كتاب", 3, now=START)
    assert bob.card("كتاب") is None and "كتاب" not in json.dumps(bob.export_rows(), ensure_ascii=False)
    assert bob.due_count(now=START) == 1 and alice.due_count(now=START) == 0


def test_the_library_file_carries_reviews_and_a_version_1_file_still_imports(
    readers_db: Database, tmp_path: Path
) -> None:
    library, words, reviews = Library(readers_db, ALICE), VocabStore(readers_db, ALICE), _store(readers_db)
    library.add(TEXT, "Students", "paste")
    words.set_status("كتاب", "new")
    reviews.sync(now=START)
    reviews.answer("كتاب", 3, now=START)
    raw = backup.export_bytes(library, words)
    document = json.loads(raw)
    assert document["version"] == 2 and len(document["reviews"]["history"]) == 1
    assert ALICE not in raw.decode()

    target = tmp_path / "other.sqlite3"
    moved = (Library(target, BOB), VocabStore(target, BOB), _store(target, BOB))  # type: ignore[arg-type]
    assert backup.import_bytes(raw, moved[0], moved[1]) == (1, 1)
    assert [(r.key, r.rating) for r in moved[2].history()] == [("كتاب", 3)]
    assert moved[2].card("كتاب").due == reviews.card("كتاب").due  # type: ignore[union-attr]
    backup.import_bytes(raw, moved[0], moved[1])  # again: nothing doubled
    assert len(moved[2].history()) == 1

    # a file written by Qari before reviews (version 1)
    version_1 = {"format": FORMAT, "version": 1, "exported": START, "texts": [
        {"title": "Old", "source": "paste", "address": None, "published": None, "position": 1, "added": START,
         "opened": START, "text": OTHER, "words": ["كتب"]}],
        "vocabulary": [{"lemma": "كَتَبَ", "status": "learning", "gloss": "write", "example": None,
                        "translation": None, "created": START, "updated": START}]}  # fmt: skip
    fresh = tmp_path / "fresh.sqlite3"
    old_library, old_words = Library(fresh, ALICE), VocabStore(fresh, ALICE)  # type: ignore[arg-type]
    assert backup.import_reader(version_1, old_library, old_words) == (1, 1)
    assert old_words.get("كتب").status == "learning"  # type: ignore[union-attr]
    old_reviews = _store(fresh, ALICE)  # type: ignore[arg-type]
    old_reviews.sync()
    assert [c.key for c in old_reviews.due()] == ["كتب"]


@pytest.mark.parametrize("section", [
    {"cards": {}}, {"cards": [{"key": "كتاب", "card": {"state": 9}}]},
    {"history": [{"id": "a", "key": "كتاب", "rating": 7, "reviewed": 1, "due": 2, "previous": "new",
                  "status": "learning"}]},
])  # fmt: skip
def test_a_damaged_reviews_section_changes_nothing(readers_db: Database, section: dict) -> None:
    library, words = Library(readers_db, ALICE), VocabStore(readers_db, ALICE)
    document = {
        "format": FORMAT,
        "version": 2,
        "texts": [{"text": TEXT}],
        "reviews": section,
        "vocabulary": [{"lemma": "كتاب", "status": "new"}],
    }
    with pytest.raises(ValueError, match="damaged"):
        backup.import_reader(document, library, words)
    assert library.entries() == [] and words.all_entries() == []


def test_progress_figures_per_day(readers_db: Database) -> None:
    library, words, reviews = Library(readers_db, ALICE), VocabStore(readers_db, ALICE), _store(readers_db)
    kept = library.add(TEXT, "Students", "paste")
    library.set_words(kept.id, ["قال", "وزير", "طالب", "كتب"])
    library.set_position(kept.id, 1)  # the last of its two sentences: finished
    library.add(OTHER, "Journalist", "paste")
    words.set_status("كتاب", "known")
    words.set_status("قلم", "new")
    reviews.sync(now=START)
    reviews.answer("قلم", 1, now=START)
    reviews.answer("قلم", 3, now=START + 60)
    today = day(words.get("كتاب").updated)  # type: ignore[union-attr]
    assert known_over_time(words.all_entries()) == [{"day": today, "known": 1}]
    assert reading_per_day(library) == [{"day": today, "words": 4, "texts": 2, "finished": 1}]
    assert reviews_per_day(reviews.history()) == [
        {"day": day(START), "reviews": 2, "recalled": 1, "recall": 0.5}
    ]
