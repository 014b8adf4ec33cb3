"""The reading as one self-contained bilingual web page (see `models.study.export`): embedded CSS and
font, no scripts, every piece of text escaped.
"""

from __future__ import annotations

import base64
import html

from models.document import Document
from models.study.cards import _translit
from models.study.interlinear_export import (
    INTERLINEAR_CSS,
    interlinear_html,
)
from models.study.pdf_export import ARABIC_FONT_FILE

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
    '<meta http-equiv="Content-Security-Policy" '
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
            + (
                f'<p class="ar" dir="rtl" lang="ar">{e(s.text)}</p>'
                if interlinear is None
                else f'<p class="ar il" dir="rtl" lang="ar">{interlinear_html(doc.text, s, interlinear[s.index])}</p>'
            )
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
