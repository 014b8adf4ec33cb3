"""Word families: a root's words across one reader's library, on SQLite and a real PostgreSQL server."""

from __future__ import annotations

from models.db import Database
from models.grammar.families import Families, mark_root, root_word
from models.pipeline import analyze
from models.study.library import Library
from models.study.vocab import VocabStore

FIRST = "قرأ الطالب الكتاب في المكتبة."
SECOND = "كتب الكاتب رسالة طويلة."


def test_a_family_gathers_a_roots_words_across_the_library(readers_db: Database) -> None:
    library, vocabulary = Library(readers_db, "alice"), VocabStore(readers_db, "alice")
    families = Families(readers_db, "alice")
    first, second = library.add(FIRST, "One", "paste"), library.add(SECOND, "Two", "paste")
    families.keep(first.id, analyze(FIRST, with_entities=False))
    families.keep(second.id, analyze(SECOND, with_entities=False))
    vocabulary.set_status("كِتاب", "known")
    members = families.family("كتب", vocabulary)
    lemmas = {m.lemma: m for m in members}
    assert {"كِتاب", "مَكْتَبَة"} <= set(lemmas)  # from the first text
    assert any(m.sentence == SECOND for m in members)  # and the second
    assert lemmas["كِتاب"].status == "known" and lemmas["كِتاب"].sentence in (FIRST, SECOND)
    assert lemmas["مَكْتَبَة"].gloss and "library" in lemmas["مَكْتَبَة"].gloss
    assert len({m.lemma for m in members}) == len(members)  # each lemma once
    # another reader sees none of it; a text taken out of the library takes its words out
    assert Families(readers_db, "bob").family("كتب") == []
    assert library.delete(second.id)
    assert all(m.sentence != SECOND for m in families.family("كتب"))


def test_the_text_being_read_counts_before_it_is_kept(readers_db: Database) -> None:
    doc = analyze(FIRST, with_entities=False)
    members = Families(readers_db, "alice").family("كتب", doc=doc)
    assert {m.form for m in members} >= {"الكتاب", "المكتبة"}


def test_a_root_is_marked_like_a_word(readers_db: Database) -> None:
    vocabulary = VocabStore(readers_db, "alice")
    members = Families(readers_db, "alice").family("كتب", doc=analyze(FIRST, with_entities=False))
    entry = mark_root(vocabulary, "كتب", "learning", members)
    assert entry.lemma == root_word("كتب") == "√كتب" and entry.status == "learning"
    assert entry.gloss is not None and entry.gloss.startswith("root of: ") and "book" in entry.gloss
    assert entry.example == FIRST
    assert vocabulary.get("√كتب") is not None
    assert vocabulary.get_statuses(["كتب"]) == {}  # the verb كتب is not the root
