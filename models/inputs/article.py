"""A fetched page's article (see `models.inputs.web`): the page decoded from its declared or detected
charset, then reduced by trafilatura to its title and text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from models.inputs.fetch import _short
from models.inputs.files import InputError
from models.text.arabic import arabic_ratio, has_arabic

MIN_PARAGRAPH_WORDS = 8  # a page whose longest paragraph is shorter has no article (a front page)

_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)


@dataclass
class WebPage:
    """An article read from the web: its text (title first), title, final address, date and notes."""

    text: str
    title: str
    url: str  # where the article was read, after redirects
    date: str | None = None  # the publication date the page gives (YYYY-MM-DD), if any
    site: str | None = None
    notes: list[str] = field(default_factory=list)


def decode_html(data: bytes, content_type: str = "") -> str:
    """The text of an HTML page: BOM, then the charset of the HTTP header, then of a `<meta>`, then
    UTF-8, then Windows-1256 (the legacy Arabic encoding), then detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    for label in (_header_charset(content_type), _meta_charset(data)):
        encoding = _encoding(label)
        if encoding is None:
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue  # a wrong declaration is common (a server saying UTF-8 for a Windows-1256 page)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    legacy = data.decode("cp1256", "replace")
    if arabic_ratio(legacy) >= 0.5:
        return legacy
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", "replace")


def _header_charset(content_type: str) -> str | None:
    match = _CHARSET.search(content_type.encode("latin-1", "replace"))
    return match.group(1).decode("ascii") if match else None


def _meta_charset(data: bytes) -> str | None:
    """The charset of `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">`."""
    for tag in _META.findall(data[:8192]):
        match = _CHARSET.search(tag)
        if match:
            return match.group(1).decode("ascii")
    return None


# Labels that browsers read differently from Python (WHATWG Encoding): Latin-1 means Windows-1252.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-6": "iso8859_6",
    "arabic": "iso8859_6",
    "x-cp1256": "cp1256",
}


def _encoding(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    try:
        return codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None


def extract_article(markup: str, url: str) -> WebPage:
    """The article of a fetched page: its title and body text (no menus, related links, comments)."""
    import trafilatura

    options: dict[str, Any] = {
        "url": url,
        "with_metadata": True,
        "include_comments": False,
        "include_tables": True,
        "include_images": False,
        "include_links": False,
        "deduplicate": False,
    }
    found: Any = trafilatura.bare_extraction(
        markup, favor_precision=True, **options
    )  # a Document (with_metadata)
    if found is None or not (found.text or "").strip():
        found = trafilatura.bare_extraction(markup, **options)  # a short page the precise mode passes over
    body = _clean(found.text if found is not None else "")
    # An article has at least one sentence-long paragraph; a front page or a list of links only has
    # headlines and link texts (what the less precise mode returns for them).
    if not any(len(line.split()) >= MIN_PARAGRAPH_WORDS for line in body.splitlines()):
        raise InputError(
            f"Qari found no article text on the page at {_short(url)} (it may be a front page, a list of "
            "links, or a page that needs JavaScript to show its text)."
        )
    if not has_arabic(body):
        raise InputError(f"The page at {_short(url)} has no Arabic text to read; Qari reads Arabic articles.")
    title = " ".join((found.title or "").split()) if found is not None else ""
    text = body if not title or body.startswith(title) else f"{title}\n{body}"
    date = found.date if found is not None else None
    site = found.sitename if found is not None else None
    source = (
        f"Read from {url}"
        + (f", published {date}" if date else "")
        + (": the article's title and text only, without the site's menus, links and comments.")
    )
    return WebPage(text=text, title=title, url=url, date=date or None, site=site or None, notes=[source])


def _clean(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
