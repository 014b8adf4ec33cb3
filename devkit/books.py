"""EPUB books built on the fly from given chapters (EPUB 3 with a nav document, or EPUB 2 with an NCX),
and long Arabic texts made from the texts the project ships, for the book tests and `bench/books.py`."""

from __future__ import annotations

import io
import random
import zipfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [
    ROOT / "seeds" / "japan-canada-intelligence.txt",
    ROOT / "tests" / "data" / "news" / "wikimania-2013.txt",
    ROOT / "tests" / "data" / "news" / "corona-saudi.txt",
]


def paragraphs() -> list[str]:
    """The paragraphs of the Arabic news the project ships (seeds/, tests/data/news/)."""
    found: list[str] = []
    for path in SHIPPED:
        found.extend(p.strip() for p in path.read_text(encoding="utf-8").split("\n") if p.strip())
    return found


def long_text(words: int, seed: int = 0) -> str:
    """About `words` words of Arabic news: the shipped paragraphs shuffled and repeated, one a line."""
    rng = random.Random(seed)
    pool = paragraphs()
    out: list[str] = []
    count = 0
    while count < words:
        batch = pool[:]
        rng.shuffle(batch)
        for paragraph in batch:
            out.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                break
    return "\n".join(out)


def chapter_xhtml(title: str, text: str, *, lang: str = "ar", extra: str = "") -> str:
    """A chapter's XHTML: its title as a heading, each line of `text` a paragraph (escaped)."""
    body = "\n".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" '
        f'dir="rtl"><head><title>{escape(title)}</title></head>\n'
        f"<body><h1>{escape(title)}</h1>\n{extra}{body}</body></html>"
    )


def make_epub(
    chapters: list[tuple[str, str]],
    *,
    title: str = "كتاب",
    version: int = 3,
    lang: str = "ar",
    rtl: bool = True,
    files: dict[str, bytes | str] | None = None,
    drop: set[str] = frozenset(),  # type: ignore[assignment]
) -> bytes:
    """An EPUB of `chapters` ((title, text), one XHTML file each); `files` adds or replaces files (path in
    the ZIP → content), `drop` leaves files out (to build damaged books)."""
    out: dict[str, bytes | str] = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": (
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>"
        ),
    }
    items, refs, navs, points = [], [], [], []
    for number, (heading, text) in enumerate(chapters, 1):
        name = f"chapter{number}.xhtml"
        out[f"OEBPS/{name}"] = chapter_xhtml(heading, text, lang=lang)
        items.append(f'<item id="c{number}" href="{name}" media-type="application/xhtml+xml"/>')
        refs.append(f'<itemref idref="c{number}"/>')
        navs.append(f'<li><a href="{name}">{escape(heading)}</a></li>')
        points.append(
            f'<navPoint id="p{number}" playOrder="{number}"><navLabel><text>{escape(heading)}</text></navLabel>'
            f'<content src="{name}"/></navPoint>'
        )
    if version == 3:
        items.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
        out["OEBPS/nav.xhtml"] = (
            '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Contents</title></head><body>'
            f'<nav epub:type="toc"><h1>المحتويات</h1><ol>{"".join(navs)}</ol></nav></body></html>'
        )
        toc_attr = ""
    else:
        items.append('<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>')
        out["OEBPS/toc.ncx"] = (
            '<?xml version="1.0" encoding="utf-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" '
            f'version="2005-1"><head/><docTitle><text>{escape(title)}</text></docTitle>'
            f"<navMap>{''.join(points)}</navMap></ncx>"
        )
        toc_attr = ' toc="ncx"'
    direction = ' page-progression-direction="rtl"' if rtl else ""
    out["OEBPS/content.opf"] = (
        f'<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="{version}.0" '
        'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="id">qari-test</dc:identifier><dc:title>{escape(title)}</dc:title>'
        f"<dc:language>{lang}</dc:language></metadata>"
        f"<manifest>{''.join(items)}</manifest><spine{toc_attr}{direction}>{''.join(refs)}</spine></package>"
    )
    out.update(files or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in out.items():
            if path in drop:
                continue
            method = zipfile.ZIP_STORED if path == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(path, content, compress_type=method)
    return buffer.getvalue()
