"""Exports: the vocabulary and a text's glossary as CSV and Anki decks; the reading as PDF and HTML.

Every function returns the file's bytes, ready for `st.download_button`.

- CSV: UTF-8 with a byte-order mark (Excel otherwise reads Arabic as mojibake), CRLF line ends;
  cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) get a leading '.
- Anki (.apkg, genanki): one note per word with the word, its gloss, the sentence it came from and that
  sentence's English. Model and deck ids are fixed, and a note's GUID comes from the word's matching
  key, so importing a newer export updates the cards instead of duplicating them. Given an `audio`
  function (text → MP3 bytes, e.g. `models.speech`, passed in by the page), the notes carry the word's and
  the sentence's audio as Anki media ([sound:…]), in a note type of their own (Qari word with audio).
- PDF (reportlab): no shaping engine runs in reportlab, so Arabic is shaped with arabic-reshaper
  (contextual letter forms, lam-alef) and put in display order with python-bidi, *line by line after
  line breaking in logical order* (reordering a whole paragraph first would put its end on the first
  line). The Arabic font (static/fonts/NotoNaskhArabic-Regular.ttf, OFL) is embedded; it has no Latin
  letters, so text is drawn in runs, each in the first font that has its characters. Tashkeel is
  dropped in the PDF: without GPOS mark positioning reportlab would draw the marks beside the letters.
- HTML: one self-contained page (embedded CSS and font, no scripts, no external requests); every piece
  of text is escaped; Arabic blocks are dir="rtl" lang="ar".
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import html
import io
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.document import Document, GlossaryEntry, Sentence
from models.study.interlinear_export import (
    INTERLINEAR_CSS,
    interlinear_flowable,
    interlinear_html,
    sentence_words,
)
from models.study.vocab import VocabEntry, vocab_key

__all__ = [
    "Card",
    "anki_deck",
    "bilingual_html",
    "bilingual_pdf",
    "glossary_apkg",
    "glossary_cards",
    "glossary_csv",
    "vocabulary_apkg",
    "vocabulary_cards",
    "vocabulary_csv",
]

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts"
ARABIC_FONT_FILE = FONT_DIR / "NotoNaskhArabic-Regular.ttf"
ARABIC_BOLD_FONT_FILE = FONT_DIR / "NotoNaskhArabic-Bold.ttf"

# Fixed ids: Anki recognises the note type and decks of an earlier import by them.
ANKI_MODEL_ID = 1_738_204_117
ANKI_AUDIO_MODEL_ID = 1_738_204_163
ANKI_VOCABULARY_DECK_ID = 1_738_204_131
ANKI_GLOSSARY_DECK_ID = 1_738_204_149


# ---------------------------------------------------------------------------------------------- cards


@dataclass(frozen=True)
class Card:
    """One flash card: `sentence_html` is the sentence, escaped, with the word in <b> where found."""

    key: str  # matching key of the word (GUID source)
    word: str
    gloss: str
    sentence: str
    translation: str
    sentence_html: str = ""
    tags: tuple[str, ...] = ()


def _gloss_of(entry: GlossaryEntry) -> str:
    parts = [p for p in (entry.context_gloss, entry.gloss) if p]
    # "in this text" first, then the dictionary sense when it says something else
    if len(parts) == 2 and parts[0].casefold() == parts[1].casefold():
        parts = parts[:1]
    return " — ".join(parts)


def _sentence(doc: Document, index: int) -> Sentence | None:
    return doc.sentences[index] if 0 <= index < len(doc.sentences) else None


def _highlight(sentence: Sentence, key: str) -> str:
    """The sentence escaped, with the tokens that have `key` in <b>."""
    out: list[str] = []
    pos = 0
    for token in sentence.tokens:
        if token.key == key:
            start, end = token.start - sentence.start, token.end - sentence.start
            out += [html.escape(sentence.text[pos:start]), "<b>", html.escape(sentence.text[start:end])]
            out.append("</b>")
            pos = end
    out.append(html.escape(sentence.text[pos:]))
    return "".join(out)


def glossary_cards(doc: Document, entries: Iterable[GlossaryEntry] | None = None) -> list[Card]:
    """Cards for the glossary of `doc` (or the given entries of it), each with its first sentence."""
    cards = []
    for entry in doc.glossary if entries is None else entries:
        sentence = _sentence(doc, entry.first_sentence)
        tags = (entry.kind,) + ((entry.label,) if entry.label else ()) + ((entry.pos,) if entry.pos else ())
        cards.append(
            Card(
                key=vocab_key(entry.lemma) or entry.key,
                word=entry.lemma,
                gloss=_gloss_of(entry),
                sentence=sentence.text if sentence else "",
                translation=(sentence.translation or "") if sentence else "",
                sentence_html=_highlight(sentence, entry.key) if sentence else "",
                tags=tags,
            )
        )
    return cards


def vocabulary_cards(entries: Iterable[VocabEntry]) -> list[Card]:
    """Cards for saved words (ignored words are the caller's to leave out)."""
    return [
        Card(
            key=e.key,
            word=e.lemma,
            gloss=e.gloss or "",
            sentence=e.example or "",
            translation=e.translation or "",
            sentence_html=html.escape(e.example or ""),
            tags=(e.status,),
        )
        for e in entries
    ]


# ------------------------------------------------------------------------------------------------ CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell starting with = + - @ as a formula: keep it text (OWASP CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8


def _translit(entry: GlossaryEntry) -> str:
    # GlossaryEntry.translit comes with models.text.translit; older documents have none
    return getattr(entry, "translit", None) or ""


def glossary_csv(doc: Document) -> bytes:
    """The glossary of `doc`, one row per entry, with its first sentence and that sentence's English."""
    rows = []
    for e in doc.glossary:
        sentence = _sentence(doc, e.first_sentence)
        rows.append(
            [
                e.lemma,
                " / ".join(e.forms),
                _translit(e),
                e.kind,
                e.label or "",
                e.pos or "",
                e.context_gloss or "",
                e.gloss or "",
                e.count,
                e.first_sentence + 1,
                sentence.text if sentence else "",
                (sentence.translation or "") if sentence else "",
                e.voweled or "",  # with the vowels mode on: the first form, voweled in context
            ]
        )
    header = [
        "lemma", "forms", "transliteration", "kind", "entity", "pos", "in this text", "dictionary",
        "count", "first sentence no.", "sentence", "translation", "voweled",
    ]  # fmt: skip
    return _csv(header, rows)


def vocabulary_csv(entries: Iterable[VocabEntry]) -> bytes:
    """Saved words: lemma, status, gloss, example sentence, its translation, last change (UTC)."""
    rows = [
        [
            e.lemma,
            e.status,
            e.gloss or "",
            e.example or "",
            e.translation or "",
            datetime.fromtimestamp(e.updated, tz=UTC).strftime("%Y-%m-%d %H:%M"),
        ]
        for e in entries
    ]
    return _csv(["lemma", "status", "gloss", "sentence", "translation", "updated (UTC)"], rows)


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
        templates=[{"name": template["name"], "qfmt": template["qfmt"] + "{{WordAudio}}",
                    "afmt": template["afmt"] + "{{SentenceAudio}}"}],
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
    cards: Sequence[Card], deck_name: str, deck_id: int = ANKI_VOCABULARY_DECK_ID, audio: AudioFor | None = None
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
    doc: Document, deck_name: str = "Qari glossary", kinds: Sequence[str] = ("word", "name"),
    audio: AudioFor | None = None,
) -> bytes:
    """The glossary of `doc` as an Anki deck (words and names; `kinds` picks; `audio`: see `anki_deck`)."""
    entries = [e for e in doc.glossary if e.kind in kinds]
    return anki_deck(glossary_cards(doc, entries), deck_name, ANKI_GLOSSARY_DECK_ID, audio)


def vocabulary_apkg(
    entries: Iterable[VocabEntry], deck_name: str = "Qari vocabulary", audio: AudioFor | None = None
) -> bytes:
    """Saved words as an Anki deck; ignored words are left out (`audio`: see `anki_deck`)."""
    kept = [e for e in entries if e.status != "ignored"]
    return anki_deck(vocabulary_cards(kept), deck_name, ANKI_VOCABULARY_DECK_ID, audio)


# ------------------------------------------------------------------------------------------------ PDF

_ARABIC_FONT = "QariNaskh"
_ARABIC_BOLD_FONT = "QariNaskhBold"
_LATIN_FONT = "QariLatin"
# A Latin font with broad coverage if the system has one; reportlab's own Vera otherwise (always there).
_LATIN_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@functools.cache
def _fonts() -> tuple[Any, Any, Any]:
    """Register the PDF fonts once; return (arabic, arabic bold, latin) TTFont objects."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    latin_path = next(
        (p for p in _LATIN_CANDIDATES if Path(p).is_file()),
        str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
    )
    fonts = []
    for name, path in (
        (_ARABIC_FONT, ARABIC_FONT_FILE),
        (_ARABIC_BOLD_FONT, ARABIC_BOLD_FONT_FILE),
        (_LATIN_FONT, Path(latin_path)),
    ):
        font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        fonts.append(font)
    return fonts[0], fonts[1], fonts[2]


@functools.cache
def _reshaper() -> Any:
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration={"delete_harakat": True, "support_ligatures": True})


def _has_glyph(font: Any, ch: str) -> bool:
    return ord(ch) in font.face.charToGlyph


def _runs(visual: str, primary: Any, latin: Any) -> list[tuple[str, str]]:
    """Split display-order text into (font name, text) runs: the primary font where it has the glyph."""
    runs: list[tuple[str, str]] = []
    for ch in visual:
        # spaces go with the run they are in, so a run boundary never changes the spacing
        use_primary = ch == " " or _has_glyph(primary, ch) or not _has_glyph(latin, ch)
        name = primary.fontName if use_primary else latin.fontName
        if runs and (runs[-1][0] == name or ch == " "):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        else:
            runs.append((name, ch))
    return runs


def _shape(text: str, rtl: bool) -> str:
    """Logical text → display order, Arabic letters in their joined forms."""
    # python-bidi's pure-Python algorithm: unlike its Rust-backed `bidi.get_display` (0.6), it mirrors
    # brackets in right-to-left runs, so "(GSOMIA)" does not come out as ")GSOMIA(".
    from bidi.algorithm import get_display

    shaped = _reshaper().reshape(text) if rtl else text
    return get_display(shaped, base_dir="R" if rtl else "L")


def _clean(text: str) -> str:
    # Controls and line breaks would print as boxes; the PDF lays out its own lines.
    return " ".join("".join(c if unicodedata.category(c)[0] != "C" else " " for c in text).split())


def _para(text: str, **kwargs: Any) -> Any:
    """A paragraph of one direction (`rtl`), as a reportlab Flowable (see `_flowable_class`)."""
    return _flowable_class()(text, **kwargs)


@functools.cache
def _flowable_class() -> type:
    # Defined on first use, so importing this module does not import reportlab.
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    class BidiText(Flowable):  # type: ignore[misc]
        """Broken into lines in logical order; each line is then shaped and reordered for display and
        drawn right-aligned (Arabic) or left-aligned (English)."""

        def __init__(
            self,
            text: str,
            *,
            rtl: bool,
            size: float,
            leading: float | None = None,
            bold: bool = False,
            color: tuple[float, float, float] = (0, 0, 0),
            lines: list[str] | None = None,
        ) -> None:
            super().__init__()
            arabic, arabic_bold, latin = _fonts()
            self.text = _clean(text)
            self.rtl = rtl
            self.size = size
            self.leading = leading or size * (1.6 if rtl else 1.3)
            self.primary = (arabic_bold if bold else arabic) if rtl else latin
            self.latin = latin
            self.color = color
            self.lines = lines
            self.width = 0.0

        def _width(self, logical: str) -> float:
            visual = _shape(logical, self.rtl)
            return sum(stringWidth(t, name, self.size) for name, t in _runs(visual, self.primary, self.latin))

        def _break(self, avail: float) -> list[str]:
            lines: list[str] = []
            current = ""
            for word in self.text.split(" "):
                candidate = f"{current} {word}" if current else word
                if current and self._width(candidate) > avail:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            if current:
                lines.append(current)
            return lines or [""]

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            self.width = availWidth
            if self.lines is None or getattr(self, "_wrapped_for", None) != availWidth:
                self.lines = self._break(availWidth)
                self._wrapped_for = availWidth
            return availWidth, len(self.lines) * self.leading

        def split(self, availWidth: float, availHeight: float) -> list[Any]:
            self.wrap(availWidth, availHeight)
            assert self.lines is not None
            fit = int(availHeight // self.leading)
            if fit <= 0 or fit >= len(self.lines):
                return []
            kw = {"rtl": self.rtl, "size": self.size, "leading": self.leading, "color": self.color}
            head = BidiText(self.text, lines=self.lines[:fit], **kw)
            tail = BidiText(self.text, lines=self.lines[fit:], **kw)
            for part in (head, tail):
                part.primary, part._wrapped_for = self.primary, availWidth
            return [head, tail]

        def draw(self) -> None:
            canvas = self.canv
            canvas.setFillColorRGB(*self.color)
            assert self.lines is not None
            for i, line in enumerate(self.lines):
                runs = _runs(_shape(line, self.rtl), self.primary, self.latin)
                total = sum(stringWidth(t, name, self.size) for name, t in runs)
                x = self.width - total if self.rtl else 0.0
                # baseline: a descender's room above the bottom of this line's slot
                y = (len(self.lines) - i - 1) * self.leading + self.leading * 0.3
                for name, t in runs:
                    canvas.setFont(name, self.size)
                    canvas.drawString(x, y, t)
                    x += stringWidth(t, name, self.size)

    return BidiText


def bilingual_pdf(
    doc: Document, title: str = "Qari — bilingual reading", with_glossary: bool = True,
    interlinear: list[list[str]] | None = None,
) -> bytes:
    """A4 PDF: each Arabic sentence with its translation below, then the glossary (if any).

    `interlinear` (per sentence, a gloss per token) sets each Arabic word over its English instead.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import CondPageBreak, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

    _fonts()
    grey = (0.3, 0.3, 0.3)
    buf = io.BytesIO()
    page = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=title,
        author="Qari",
        creator="Qari",
        lang="ar",
        invariant=True,  # no timestamps or random ids: the same document gives the same bytes
    )

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(_LATIN_FONT, 8)
        canvas.setFillColorRGB(*grey)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, str(canvas.getPageNumber()))
        canvas.restoreState()

    story: list[Any] = [_para(title, rtl=False, size=16), Spacer(1, 0.4 * cm)]
    for sentence in doc.sentences:
        english = sentence.translation if sentence.translation is not None else "(not translated)"
        story.append(
            KeepTogether(
                [
                    _para(sentence.text, rtl=True, size=15) if interlinear is None
                    else _interlinear_pdf(sentence, interlinear[sentence.index]),
                    _para(english, rtl=False, size=10.5, color=grey),
                    Spacer(1, 0.35 * cm),
                ]
            )
        )
    if with_glossary and doc.glossary:
        story += [CondPageBreak(4 * cm), Spacer(1, 0.3 * cm), _para("Glossary", rtl=False, size=14)]
        width = A4[0] - 4 * cm
        rows = [
            [
                _para("English", rtl=False, size=9, color=grey),
                _para("count", rtl=False, size=9, color=grey),
                _para("كلمة", rtl=True, size=11, color=grey),
            ]
        ]
        for e in doc.glossary:
            kind = e.label or e.pos or e.kind
            rows.append(
                [
                    _para(f"{_gloss_of(e) or '—'}  ({kind})", rtl=False, size=9.5),
                    _para(str(e.count), rtl=False, size=9.5),
                    _para(e.lemma, rtl=True, size=13),
                ]
            )
        table = Table(rows, colWidths=[width * 0.58, width * 0.1, width * 0.32], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ]
            )
        )
        story.append(table)
    page.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------- HTML

_HTML_CSS = """
body { font-family: system-ui, "Noto Sans", "Segoe UI", sans-serif; max-width: 48rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.5; }
[lang="ar"] { font-family: "Qari Naskh", "Noto Naskh Arabic", "Amiri", "Arabic Typesetting", serif; }
.pair { margin: 0 0 1.2rem; }
.ar { font-size: 1.5rem; line-height: 2; margin: 0; unicode-bidi: isolate; }
.en { color: #444; margin: .2rem 0 0; unicode-bidi: plaintext; }
.missing { font-style: italic; color: #888; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: start; vertical-align: top; }
td[lang="ar"] { font-size: 1.3rem; }
"""


_CSP = (
    "<meta http-equiv=\"Content-Security-Policy\" "
    "content=\"default-src 'none'; style-src 'unsafe-inline'; font-src data:\">"
)
_GLOSSARY_HEAD = (
    "<thead><tr><th>Word</th><th>Forms</th><th>Transliteration</th><th>In this text</th>"
    "<th>Dictionary</th><th>Type</th><th>Count</th><th>First</th></tr></thead>"
)


def _font_face() -> str:
    data = base64.b64encode(ARABIC_FONT_FILE.read_bytes()).decode("ascii")
    src = f'url(data:font/ttf;base64,{data}) format("truetype")'
    return f'@font-face {{ font-family: "Qari Naskh"; src: {src}; }}\n'


def bilingual_html(
    doc: Document,
    title: str = "Qari — bilingual reading",
    with_glossary: bool = True,
    embed_font: bool = True,
    interlinear: list[list[str]] | None = None,
) -> bytes:
    """A self-contained UTF-8 HTML page: sentence pairs, then the glossary. No scripts, all text escaped.

    `interlinear` (per sentence, a gloss per token) puts each word's English under it.
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # No scripts and nothing from elsewhere, even if something slipped through escaping.
        _CSP,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{_font_face() if embed_font else ''}{_HTML_CSS}{INTERLINEAR_CSS if interlinear is not None else ''}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(title)}</h1>",
        "<main>",
    ]
    for s in doc.sentences:
        english = (
            f'<p class="en" dir="ltr" lang="en">{e(s.translation)}</p>'
            if s.translation is not None
            else '<p class="en missing" dir="ltr" lang="en">(not translated)</p>'
        )
        parts.append(
            f'<section class="pair" id="s{s.index + 1}">'
            + (f'<p class="ar" dir="rtl" lang="ar">{e(s.text)}</p>' if interlinear is None
               else f'<p class="ar il" dir="rtl" lang="ar">{interlinear_html(doc.text, s, interlinear[s.index])}</p>')
            + f"{english}</section>"
        )
    parts.append("</main>")
    if with_glossary and doc.glossary:
        parts += [
            "<h2>Glossary</h2>",
            "<table>",
            _GLOSSARY_HEAD,
            "<tbody>",
        ]
        for g in doc.glossary:
            kind = g.label or g.pos or g.kind
            parts.append(
                f'<tr><td dir="rtl" lang="ar">{e(g.lemma)}</td>'
                f'<td dir="rtl" lang="ar">{e("، ".join(g.forms))}</td><td>{e(_translit(g))}</td>'
                f"<td>{e(g.context_gloss or '')}</td><td>{e(g.gloss or '')}</td>"
                f"<td>{e(kind)}</td><td>{g.count}</td>"
                f'<td><a href="#s{g.first_sentence + 1}">{g.first_sentence + 1}</a></td></tr>'
            )
        parts += ["</tbody>", "</table>"]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")



def _interlinear_pdf(sentence: Sentence, glosses: list[str]) -> Any:
    words = sentence_words(sentence, glosses, clean=_clean)
    return interlinear_flowable(words, fonts=_fonts(), shape=_shape, runs=_runs)
