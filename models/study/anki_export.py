"""The vocabulary and a text's glossary as Anki decks, with audio when given (see `models.study.export`).
Its own module because genanki and the fixed note-type ids are Anki's alone.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from models.document import Document
from models.study.cards import Card, Context, glossary_cards, vocabulary_cards
from models.study.vocab import VocabEntry

# Fixed ids: Anki recognises the note type and decks of an earlier import by them.
ANKI_MODEL_ID = 1_738_204_117
ANKI_AUDIO_MODEL_ID = 1_738_204_163
ANKI_VOCABULARY_DECK_ID = 1_738_204_131
ANKI_GLOSSARY_DECK_ID = 1_738_204_149

# ----------------------------------------------------------------------------------------------- Anki

_ANKI_CSS = """
.card { font-family: "Noto Naskh Arabic", "Amiri", "Arial", sans-serif; font-size: 20px; text-align: center; }
.word { font-size: 2.2em; }
.gloss { margin: .6em 0; }
.sentence { font-size: 1.2em; margin-top: .8em; }
.translation { color: #555; font-size: .9em; margin-top: .3em; }
"""


@functools.cache
def _anki_model() -> Any:
    import genanki

    return genanki.Model(
        ANKI_MODEL_ID,
        "Qari word",
        fields=[{"name": "Word"}, {"name": "Gloss"}, {"name": "Sentence"}, {"name": "Translation"}],
        templates=[
            {
                "name": "Word → meaning",
                "qfmt": '<div class="word" dir="rtl" lang="ar">{{Word}}</div>',
                "afmt": (
                    '{{FrontSide}}<hr id="answer"><div class="gloss">{{Gloss}}</div>'
                    '<div class="sentence" dir="rtl" lang="ar">{{Sentence}}</div>'
                    '<div class="translation">{{Translation}}</div>'
                ),
            }
        ],
        css=_ANKI_CSS,
    )


@functools.cache
def _anki_audio_model() -> Any:
    import genanki

    plain = _anki_model()
    template = plain.templates[0]
    return genanki.Model(
        ANKI_AUDIO_MODEL_ID,
        "Qari word with audio",
        fields=[*plain.fields, {"name": "WordAudio"}, {"name": "SentenceAudio"}],
        templates=[
            {
                "name": template["name"],
                "qfmt": template["qfmt"] + "{{WordAudio}}",
                "afmt": template["afmt"] + "{{SentenceAudio}}",
            }
        ],
        css=_ANKI_CSS,
    )


AudioFor = Callable[[str], "bytes | None"]  # Arabic text → MP3 bytes, or None when there is nothing to read


def _sound(text: str, audio: AudioFor, media: dict[str, bytes]) -> str:
    """An Anki [sound:…] field for `text` (its MP3 made once per deck), or "" where there is no audio."""
    if not text.strip():
        return ""
    name = "qari-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:20] + ".mp3"
    if name not in media:
        data = audio(text)
        if not data:
            return ""
        media[name] = data
    return f"[sound:{name}]"


def anki_deck(
    cards: Sequence[Card],
    deck_name: str,
    deck_id: int = ANKI_VOCABULARY_DECK_ID,
    audio: AudioFor | None = None,
) -> bytes:
    """An .apkg with one note per card (fields: Word, Gloss, Sentence, Translation; all HTML-escaped; with
    `audio`, WordAudio and SentenceAudio too, the MP3s packed as the deck's media)."""
    import genanki

    deck = genanki.Deck(deck_id, deck_name)
    seen: set[str] = set()
    media: dict[str, bytes] = {}
    for card in cards:
        if card.key in seen:  # one note per word: Anki rejects two notes with one GUID
            continue
        seen.add(card.key)
        fields = [
            html.escape(card.word),
            html.escape(card.gloss),
            card.sentence_html or html.escape(card.sentence),
            html.escape(card.translation),
        ]
        if audio is not None:
            fields += [_sound(card.word, audio, media), _sound(card.sentence, audio, media)]
        tags = ["qari", *(t.replace(" ", "_") for t in card.tags if t)]
        guid = genanki.guid_for("qari", card.key)
        model = _anki_model() if audio is None else _anki_audio_model()
        deck.add_note(genanki.Note(model=model, fields=fields, tags=tags, guid=guid))
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="qari-anki-") as tmp:  # genanki packs media from files
        for name, data in media.items():
            (Path(tmp) / name).write_bytes(data)
        package = genanki.Package(deck, media_files=[str(Path(tmp) / name) for name in media])
        package.write_to_file(buf, timestamp=time.time())
    return buf.getvalue()


def glossary_apkg(
    doc: Document,
    deck_name: str = "Qari glossary",
    kinds: Sequence[str] = ("word", "name"),
    audio: AudioFor | None = None,
) -> bytes:
    """The glossary of `doc` as an Anki deck (words and names; `kinds` picks; `audio`: see `anki_deck`)."""
    entries = [e for e in doc.glossary if e.kind in kinds]
    return anki_deck(glossary_cards(doc, entries), deck_name, ANKI_GLOSSARY_DECK_ID, audio)


def vocabulary_apkg(
    entries: Iterable[VocabEntry],
    deck_name: str = "Qari vocabulary",
    audio: AudioFor | None = None,
    contexts: Mapping[str, Context] | None = None,
) -> bytes:
    """Saved words as an Anki deck, each in its sentence (`contexts`, else the saved example); ignored
    words are left out (`audio`: see `anki_deck`)."""
    kept = [e for e in entries if e.status != "ignored"]
    return anki_deck(vocabulary_cards(kept, contexts), deck_name, ANKI_VOCABULARY_DECK_ID, audio)
