"""Each reader's vocabulary: a status per word (new / learning / known / ignored).

Words are keyed by their lemma normalised for matching (`models.text.arabic.normalize`: no tashkeel or
tatweel, unified alef/ya/ta-marbuta forms), so كَتَبَ, كتب and كتبَ are one entry; the lemma as
last given is kept for display.

Every row belongs to one reader: a `VocabStore` is bound to one reader key when it is made and every
query it runs is limited to that key, so no call can read, list or change another reader's words. The
key comes from the server (`reader_key` of a signed-in identity: the OpenID Connect issuer and subject,
hashed; `LOCAL_READER` where Qari has no sign-in), never from anything the browser sends.

The database is the deployment's readers' database (`models.db`): `QARI_DATABASE_URL`, else the SQLite
file `vocabulary.sqlite3` in the data folder, not the translation cache's `qari.sqlite3`: the cache is
disposable (delete it and translations are simply redone), the vocabulary and the library are the
readers' own work, so they can be backed up, copied or reset on their own, and long cache writes never
hold up a status change. A vocabulary saved before readers had keys (one table keyed by word alone) is
moved to `LOCAL_READER` when the database is first opened.

Marking is by lemma: a status saved for كتاب holds for بكتابه, الكتب and every other form of it, in every
text. A reader may also mark one form only ("this form only": `set_form_status`); such a form-level
exception is kept beside the lemma's status (table `vocabulary_forms`, keyed by the normalised form and
its lemma's key) and wins for that form (`form_statuses`). `set_statuses` marks many lemmas in one
transaction and returns what they were before, which `restore` puts back (a text's new words marked in
bulk, Finish text, and their undo). `migrate_forms` moves statuses saved for a bare surface form (a word
the lexicon had no lemma for when it was marked) to the lemma the lexicon now gives it.

As in `models.translation.cache`: every call runs one short transaction on its own connection (WAL and a
busy timeout on SQLite), so Streamlit's session threads and other processes can all write safely.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from models.db import CHUNK, Database, database, sqlite_url
from models.document import Token
from models.settings import data_dir, database_url
from models.text.arabic import normalize

__all__ = [
    "DB_NAME",
    "LOCAL_READER",
    "STATUSES",
    "Status",
    "VocabEntry",
    "VocabStore",
    "check_reader",
    "reader_key",
    "readers_database",
    "vocab_key",
    "word_lemma",
]

Status = Literal["new", "learning", "known", "ignored"]
STATUSES: tuple[Status, ...] = get_args(Status)
DB_NAME = "vocabulary.sqlite3"
# The one reader of a Qari without sign-in (and the owner of a vocabulary saved before readers had keys).
LOCAL_READER = "local"

_COLUMNS = "key, lemma, status, gloss, example, translation, created, updated"
_TABLE = """
CREATE TABLE IF NOT EXISTS vocabulary (
    reader      TEXT NOT NULL,
    key         TEXT NOT NULL,
    lemma       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('new', 'learning', 'known', 'ignored')),
    gloss       TEXT,
    example     TEXT,
    translation TEXT,
    created     DOUBLE PRECISION NOT NULL,
    updated     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (reader, key)
)
"""


def reader_key(issuer: str, subject: str) -> str:
    """The key of a signed-in reader: their OpenID Connect issuer and subject (stable, unlike an e-mail
    address), hashed so the key says nothing about the person."""
    if not issuer or not subject:
        raise ValueError("A signed-in reader needs both an issuer and a subject.")
    return "oidc-" + hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()


def readers_database(where: Path | str | Database | None = None) -> Database:
    """The readers' database: `where` (a `Database`, a URL or a SQLite file), else `QARI_DATABASE_URL`, else
    vocabulary.sqlite3 in the data folder."""
    if isinstance(where, Database):
        return where
    if isinstance(where, str) and "://" in where:
        return database(where)
    if where is not None:
        return database(sqlite_url(Path(where)))
    return database(database_url() or sqlite_url(data_dir() / DB_NAME))


def check_reader(reader: str) -> str:
    """`reader` if it is a reader key; a store is never made without one."""
    if not isinstance(reader, str) or not reader.strip():
        raise ValueError("A store needs the reader it belongs to.")
    return reader


_FORMS_TABLE = """
CREATE TABLE IF NOT EXISTS vocabulary_forms (
    reader      TEXT NOT NULL,
    form        TEXT NOT NULL,
    lemma_key   TEXT NOT NULL,
    written     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('new', 'learning', 'known', 'ignored')),
    updated     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (reader, form, lemma_key)
)
"""


def _setup(db: Database, conn: Connection) -> None:
    tables = db.tables(conn)
    old = "vocabulary" in tables and "reader" not in db.columns(conn, "vocabulary")
    if old:  # one reader's words from before readers had keys: they become the local reader's
        conn.exec_driver_sql("ALTER TABLE vocabulary RENAME TO vocabulary_single_reader")
    conn.exec_driver_sql(_TABLE)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS vocabulary_updated ON vocabulary (reader, updated)")
    conn.exec_driver_sql(_FORMS_TABLE)
    if old:
        conn.execute(
            text(
                f"INSERT INTO vocabulary (reader, {_COLUMNS}) "
                f"SELECT :reader, {_COLUMNS} FROM vocabulary_single_reader"
            ),
            {"reader": LOCAL_READER},
        )
        conn.exec_driver_sql("DROP TABLE vocabulary_single_reader")


def word_lemma(token: Token) -> str:
    """What the vocabulary stores for a word: its lemma, or the word itself when the lexicon has none."""
    return token.lemma or token.text


def vocab_key(lemma: str) -> str:
    """The matching key of a lemma: normalised, surrounding spaces removed."""
    return normalize(lemma).strip()


@dataclass(frozen=True)
class VocabEntry:
    """One saved word. `example` is the sentence it was met in, `translation` that sentence's English."""

    key: str
    lemma: str
    status: Status
    gloss: str | None
    example: str | None
    translation: str | None
    created: float
    updated: float


class VocabStore:
    """One reader's word statuses, by normalised lemma."""

    def __init__(self, where: Path | str | Database | None = None, reader: str = LOCAL_READER) -> None:
        self.db = readers_database(where)
        self.reader = check_reader(reader)
        self.db.ensure("vocabulary", lambda conn: _setup(self.db, conn))

    def set_status(
        self,
        lemma: str,
        status: Status,
        gloss: str | None = None,
        example: str | None = None,
        translation: str | None = None,
        within: Connection | None = None,
    ) -> VocabEntry:
        """Save `status` for `lemma` (insert or update) and return the stored entry.

        gloss / example / translation given as None keep what was stored before. `within`: the caller's
        transaction (an action's record, `models.study.actions`), committed with it.
        Raises ValueError for an unknown status or a lemma with no letters left after normalising.
        """
        if status not in STATUSES:
            raise ValueError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")
        key = vocab_key(lemma)
        if not key:
            raise ValueError(f"Cannot save an empty word ({lemma!r}).")
        now = time.time()
        entry = VocabEntry(key, lemma.strip(), status, gloss, example, translation, now, now)
        with self.db.joined(within, write=True) as conn:
            return self._upsert(conn, entry, keep_newer=False)

    def _upsert(self, conn: Connection, entry: VocabEntry, *, keep_newer: bool) -> VocabEntry:
        # One upsert statement: atomic, so concurrent writers never see a half-written row. keep_newer (an
        # import): a row changed later than the incoming one stays as it is.
        guard = " WHERE vocabulary.updated <= excluded.updated" if keep_newer else ""
        row = conn.execute(
            text(
                f"""
                INSERT INTO vocabulary (reader, {_COLUMNS})
                VALUES (:reader, :key, :lemma, :status, :gloss, :example, :translation, :created, :updated)
                ON CONFLICT (reader, key) DO UPDATE SET
                    lemma = excluded.lemma,
                    status = excluded.status,
                    gloss = COALESCE(excluded.gloss, vocabulary.gloss),
                    example = COALESCE(excluded.example, vocabulary.example),
                    translation = COALESCE(excluded.translation, vocabulary.translation),
                    updated = excluded.updated{guard}
                RETURNING {_COLUMNS}
                """
            ),
            {"reader": self.reader, **entry.__dict__},
        ).fetchone()
        return _entry(row) if row is not None else entry

    def import_entries(self, entries: Iterable[VocabEntry]) -> int:
        """Merge saved entries (from an export) into this reader's vocabulary, in one transaction: a word
        changed here after the entry was saved keeps its status. Returns how many entries were given."""
        count = 0
        with self.db.transaction(write=True) as conn:
            for entry in entries:
                if entry.status not in STATUSES or not vocab_key(entry.lemma or entry.key):
                    raise ValueError(f"Not a vocabulary entry: {entry.lemma!r} ({entry.status!r}).")
                key = vocab_key(entry.lemma or entry.key)
                self._upsert(
                    conn,
                    VocabEntry(
                        key,
                        entry.lemma.strip() or key,
                        entry.status,
                        entry.gloss,
                        entry.example,
                        entry.translation,
                        entry.created,
                        entry.updated,
                    ),
                    keep_newer=True,
                )
                count += 1
        return count

    def get_statuses(self, lemmas: Iterable[str]) -> dict[str, Status]:
        """lemma (as given) → status, for the lemmas that have one saved; unsaved words are left out."""
        wanted: dict[str, list[str]] = {}
        for lemma in lemmas:
            key = vocab_key(lemma)
            if key:
                wanted.setdefault(key, []).append(lemma)
        keys = list(wanted)
        found: dict[str, Status] = {}
        query = text("SELECT key, status FROM vocabulary WHERE reader = :reader AND key IN :keys").bindparams(
            bindparam("keys", expanding=True)
        )
        with self.db.transaction() as conn:
            for start in range(0, len(keys), CHUNK):
                for key, status in conn.execute(
                    query, {"reader": self.reader, "keys": keys[start : start + CHUNK]}
                ):
                    for lemma in wanted[key]:
                        found[lemma] = cast("Status", status)
        return found

    def get(self, lemma: str) -> VocabEntry | None:
        """The saved entry of `lemma`, or None."""
        with self.db.transaction() as conn:
            row = conn.execute(
                text(f"SELECT {_COLUMNS} FROM vocabulary WHERE reader = :reader AND key = :key"),
                {"reader": self.reader, "key": vocab_key(lemma)},
            ).fetchone()
        return _entry(row) if row else None

    def all_entries(self, status: Status | None = None) -> list[VocabEntry]:
        """Every saved entry (or those with `status`), most recently changed first."""
        query = f"SELECT {_COLUMNS} FROM vocabulary WHERE reader = :reader"
        args: dict[str, str] = {"reader": self.reader}
        if status is not None:
            query += " AND status = :status"
            args["status"] = status
        with self.db.transaction() as conn:
            rows = conn.execute(text(query + " ORDER BY updated DESC, key"), args).fetchall()
        return [_entry(row) for row in rows]

    def remove(self, lemma: str) -> bool:
        """Forget `lemma` (it becomes an unsaved, new word again); True if it was saved."""
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text("DELETE FROM vocabulary WHERE reader = :reader AND key = :key"),
                {"reader": self.reader, "key": vocab_key(lemma)},
            )
        return cursor.rowcount > 0

    def token_statuses(self, tokens: Iterable[Token]) -> list[Status | None]:
        """Each word's status as the reader sees it: its form's own status ("this form only"), else its
        lemma's; None where neither is saved (and for punctuation, numbers)."""
        tokens = list(tokens)
        words = [t for t in tokens if t.kind == "arabic"]
        lemmas = self.get_statuses({word_lemma(t) for t in words})
        forms = self.form_statuses({(t.text, word_lemma(t)) for t in words})
        return [
            forms.get((t.text, word_lemma(t)), lemmas.get(word_lemma(t))) if t.kind == "arabic" else None
            for t in tokens
        ]

    # ---- marking many words, undo, one form only ------------------------------------------------------

    def set_statuses(
        self, lemmas: Iterable[str], status: Status, glosses: dict[str, str | None] | None = None
    ) -> list[tuple[str, VocabEntry | None]]:
        """Save `status` for every lemma in one transaction; return each lemma's entry before (None: it had
        none), for `restore`. Lemmas with the same key count once."""
        if status not in STATUSES:
            raise ValueError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")
        glosses = glosses or {}
        before: list[tuple[str, VocabEntry | None]] = []
        seen: set[str] = set()
        now = time.time()
        with self.db.transaction(write=True) as conn:
            for lemma in lemmas:
                key = vocab_key(lemma)
                if not key or key in seen:
                    continue
                seen.add(key)
                row = conn.execute(
                    text(f"SELECT {_COLUMNS} FROM vocabulary WHERE reader = :reader AND key = :key"),
                    {"reader": self.reader, "key": key},
                ).fetchone()
                before.append((lemma, _entry(row) if row else None))
                self._upsert(
                    conn,
                    VocabEntry(key, lemma.strip(), status, glosses.get(lemma), None, None, now, now),
                    keep_newer=False,
                )
        return before

    def restore(self, before: Iterable[tuple[str, VocabEntry | None]]) -> None:
        """Put back what `set_statuses` returned: each lemma's old entry, or no entry where it had none."""
        with self.db.transaction(write=True) as conn:
            for lemma, entry in before:
                conn.execute(
                    text("DELETE FROM vocabulary WHERE reader = :reader AND key = :key"),
                    {"reader": self.reader, "key": vocab_key(lemma)},
                )
                if entry is not None:
                    conn.execute(
                        text(
                            f"INSERT INTO vocabulary (reader, {_COLUMNS}) VALUES (:reader, :key, :lemma, :status, "
                            ":gloss, :example, :translation, :created, :updated)"
                        ),
                        {"reader": self.reader, **entry.__dict__},
                    )

    def set_form_status(
        self, form: str, lemma: str, status: Status, within: Connection | None = None
    ) -> None:
        """Mark one written form of `lemma` only ("this form only"): it wins over the lemma's status.
        `within`: the caller's transaction, as for `set_status`."""
        if status not in STATUSES:
            raise ValueError(f"Unknown status {status!r}: use one of {', '.join(STATUSES)}.")
        form_key, lemma_key = vocab_key(form), vocab_key(lemma)
        if not form_key or not lemma_key:
            raise ValueError(f"Cannot save an empty word ({form!r}).")
        with self.db.joined(within, write=True) as conn:
            self._put_form(conn, form_key, lemma_key, form.strip(), status, time.time())

    def _put_form(
        self, conn: Connection, form_key: str, lemma_key: str, written: str, status: str, updated: float
    ) -> None:
        conn.execute(
            text("""
                INSERT INTO vocabulary_forms (reader, form, lemma_key, written, status, updated)
                VALUES (:reader, :form, :lemma_key, :written, :status, :updated)
                ON CONFLICT (reader, form, lemma_key) DO UPDATE SET
                    written = excluded.written, status = excluded.status, updated = excluded.updated
            """),
            {
                "reader": self.reader,
                "form": form_key,
                "lemma_key": lemma_key,
                "written": written,
                "status": status,
                "updated": updated,
            },
        )

    def remove_form(self, form: str, lemma: str) -> bool:
        """Forget a form's own status (it follows its lemma again); True if it had one."""
        with self.db.transaction(write=True) as conn:
            cursor = conn.execute(
                text(
                    "DELETE FROM vocabulary_forms WHERE reader = :reader AND form = :form AND lemma_key = :lemma"
                ),
                {"reader": self.reader, "form": vocab_key(form), "lemma": vocab_key(lemma)},
            )
        return cursor.rowcount > 0

    def form_statuses(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Status]:
        """(form, lemma) as given → the form's own status, for the pairs that have one."""
        wanted: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for form, lemma in pairs:
            wanted.setdefault((vocab_key(form), vocab_key(lemma)), []).append((form, lemma))
        forms = sorted({f for f, _ in wanted})
        found: dict[tuple[str, str], Status] = {}
        query = text(
            "SELECT form, lemma_key, status FROM vocabulary_forms WHERE reader = :reader AND form IN :forms"
        ).bindparams(bindparam("forms", expanding=True))
        with self.db.transaction() as conn:
            for start in range(0, len(forms), CHUNK):
                for form, lemma_key, status in conn.execute(
                    query, {"reader": self.reader, "forms": forms[start : start + CHUNK]}
                ):
                    for pair in wanted.get((form, lemma_key), []):
                        found[pair] = cast("Status", status)
        return found

    def form_entries(self) -> list[tuple[str, str, Status]]:
        """Every form-level exception: (form as written, its lemma's key, status)."""
        with self.db.transaction() as conn:
            rows = conn.execute(
                text(
                    "SELECT written, lemma_key, status FROM vocabulary_forms WHERE reader = :reader "
                    "ORDER BY lemma_key, form"
                ),
                {"reader": self.reader},
            ).fetchall()
        return [(str(w), str(k), cast("Status", s)) for w, k, s in rows]

    def migrate_forms(self, lemma_of: Callable[[str], str | None]) -> tuple[int, int]:
        """Move statuses saved for bare surface forms to their lemmas; return (moved, kept as exceptions).

        A surface-form row is one whose stored word is its own unvoweled key (the lexicon had no lemma when
        it was marked; lexicon lemmas are voweled). `lemma_of(form)` gives the form's lemma now, or None.
        The forms of one lemma that agree (with each other and with the lemma's own status, if saved) become
        the lemma's status; where they disagree each keeps its status as a form-level exception. Nothing
        else changes, and running it again changes nothing.
        """
        with self.db.transaction(write=True) as conn:
            rows = [
                _entry(r)
                for r in conn.execute(
                    text(f"SELECT {_COLUMNS} FROM vocabulary WHERE reader = :reader"), {"reader": self.reader}
                )
            ]
            by_key = {e.key: e for e in rows}
            groups: dict[str, list[tuple[VocabEntry, str]]] = {}
            for entry in rows:
                if entry.lemma != entry.key:
                    continue  # a lemma row (voweled display form), or a form written with marks: leave it
                lemma = lemma_of(entry.lemma)
                if lemma and vocab_key(lemma) and vocab_key(lemma) != entry.key:
                    groups.setdefault(vocab_key(lemma), []).append((entry, lemma))
            moved = kept = 0
            for lemma_key, forms in groups.items():
                statuses = {e.status for e, _ in forms}
                own = by_key.get(lemma_key)
                if own is not None:
                    statuses.add(own.status)
                for entry, _ in forms:
                    conn.execute(
                        text("DELETE FROM vocabulary WHERE reader = :reader AND key = :key"),
                        {"reader": self.reader, "key": entry.key},
                    )
                if len(statuses) == 1:
                    newest = max((e for e, _ in forms), key=lambda e: e.updated)
                    if own is None:
                        self._upsert(
                            conn, replace(newest, key=lemma_key, lemma=forms[0][1].strip()), keep_newer=False
                        )
                    moved += len(forms)
                else:
                    for entry, _ in forms:
                        self._put_form(conn, entry.key, lemma_key, entry.lemma, entry.status, entry.updated)
                    kept += len(forms)
        return moved, kept


def _entry(row: Any) -> VocabEntry:
    key, lemma, status, gloss, example, translation, created, updated = row
    return VocabEntry(
        key=str(key),
        lemma=str(lemma),
        status=cast("Status", status),
        gloss=cast("str | None", gloss),
        example=cast("str | None", example),
        translation=cast("str | None", translation),
        created=float(cast("float", created)),
        updated=float(cast("float", updated)),
    )
