"""Reading an EPUB (2 or 3) with the standard library's zipfile and lxml: its spine's XHTML as text in
reading order, cut into chapters where its table of contents points (EPUB 3's nav document, else
EPUB 2's NCX), each titled as the contents title it.

Nothing in the book runs: scripts, styles, images, SVG and MathML are dropped, XML entities are not
expanded and no DTD or network is reached. A bad book is refused in one plain sentence (`InputError`):
not a ZIP, no META-INF/container.xml, a spine item missing from the file, encryption (DRM: anything in
META-INF/encryption.xml beyond the font obfuscation EPUB allows), or a zip bomb (more markup than
`MAX_MARKUP_BYTES` declared or found on reading, or one file packed more than `MAX_RATIO` to 1).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree, html

from models.books.parts import MAX_BOOK_CHARS, Book, Chapter
from models.inputs.limits import MB, InputError, size_text

MAX_EPUB_BYTES = 50 * MB
MAX_MARKUP_BYTES = 300 * MB  # every XHTML, OPF and NCX file read, uncompressed
MAX_FILES = 10_000  # files in the archive: a book has tens to hundreds
MAX_RATIO = 300  # markup packs 4-10 to 1 (a text repeated over and over, 100); past 300 is a bomb
_RATIO_FROM = 1 * MB  # tiny files pack oddly: the ratio is checked from this size up
# Fonts may be "encrypted" by these (obfuscation, not DRM: the text stays readable).
_FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
_XHTML_TYPES = {"application/xhtml+xml", "text/html", "application/html"}
_NCX_TYPE = "application/x-dtbncx+xml"
_OPS = "http://www.idpf.org/2007/ops"
_RTL_LANGUAGES = {"ar", "fa", "ur", "he", "yi", "ps", "ckb", "sd", "ug", "dv"}

_SKIP = {
    "script", "style", "head", "img", "image", "svg", "math", "noscript", "template", "object", "embed",
    "audio", "video", "iframe", "canvas", "rt", "rp", "button", "input", "select", "textarea",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "section", "article", "tr", "br",
    "dt", "dd", "pre", "figcaption", "table", "ul", "ol", "dl", "header", "footer", "aside", "nav", "hr",
    "td", "th", "caption", "body", "main", "figure", "address", "center", "hgroup",
}  # fmt: skip
_SPACE = re.compile(r"\s+")
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_HTML = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, encoding="utf-8")


@dataclass
class _Document:
    """One spine file as text pieces ("\n" between blocks), and where its ids fall among them."""

    pieces: list[str]
    anchors: dict[str, int]


def is_epub(data: bytes, filename: str = "") -> bool:
    """An EPUB by its extension or its first file (`mimetype`, application/epub+zip, by the standard)."""
    return filename.lower().endswith(".epub") or (
        data.startswith(b"PK\x03\x04") and data[30:58] == b"mimetypeapplication/epub+zip"
    )


def read_epub(data: bytes, name: str = "The book") -> Book:
    """The book in `data` (an .epub file's bytes); InputError, in one sentence, for anything unreadable."""
    if len(data) > MAX_EPUB_BYTES:
        raise InputError(f"{name} is larger than {size_text(MAX_EPUB_BYTES)}, the limit for EPUB books.")
    if _declared_files(data) > MAX_FILES:  # counted before zipfile makes an object for each
        raise InputError(f"{name} holds more than {MAX_FILES:,} files: Qari does not open it.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(
            f"{name} is not an EPUB book: it is not a ZIP archive (it may be damaged)."
        ) from None
    with archive:
        return _Reader(archive, name).book()


class _Reader:
    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive = archive
        self.name = name
        self.members = {info.filename: info for info in archive.infolist()}
        self.read_bytes = 0

    # ---- the archive ---------------------------------------------------------------------------------

    def book(self) -> Book:
        self._check_archive()
        opf_path = self._rootfile()
        opf = self._xml(opf_path)
        base = posixpath.dirname(opf_path)
        manifest: dict[str, tuple[str, str, str]] = {}  # id -> (path, media type, properties)
        for item in _all(opf, "item"):
            href = item.get("href")
            if item.get("id") and href:
                manifest[item.get("id", "")] = (
                    _join(base, href),
                    (item.get("media-type") or "").lower(),
                    item.get("properties") or "",
                )
        spine_el = next(_all(opf, "spine"), None)
        if spine_el is None:
            raise InputError(f"{self.name} is damaged: its package file has no reading order (spine).")
        spine: list[str] = []
        for itemref in _all(spine_el, "itemref"):
            idref = itemref.get("idref", "")
            if idref not in manifest:
                raise InputError(
                    f"{self.name} is damaged: its reading order names {idref!r}, which its manifest lacks."
                )
            path, media, _ = manifest[idref]
            if path not in self.members:
                raise InputError(f"{self.name} is damaged: {path}, in its reading order, is not in the file.")
            if media in _XHTML_TYPES or path.lower().endswith((".xhtml", ".html", ".htm")):
                spine.append(path)
        if not spine:
            raise InputError(f"{self.name} has no text to read (its reading order holds no XHTML).")
        title = _text(next(_all(opf, "title"), None)) or posixpath.splitext(self.name)[0]
        language = _text(next(_all(opf, "language"), None)).lower()
        direction = (spine_el.get("page-progression-direction") or "").lower()
        if direction not in {"rtl", "ltr"}:
            direction = "rtl" if language.split("-")[0] in _RTL_LANGUAGES else ""
        toc = self._toc(manifest, spine_el.get("toc"))
        documents = {path: self._document(path, {f for p, f, _ in toc if p == path and f}) for path in spine}
        chapters = _chapters(spine, documents, toc, title)
        if not chapters:
            raise InputError(f"{self.name} has no text to read (its chapters hold only images or nothing).")
        book = Book(title, chapters, direction, language)
        if book.chars > MAX_BOOK_CHARS:
            raise InputError(
                f"{self.name} holds more than {MAX_BOOK_CHARS:,} characters, the most Qari reads."
            )
        if not toc:
            book.notes.append("This book has no table of contents: each of its files is a chapter.")
        return book

    def _check_archive(self) -> None:
        if any(info.flag_bits & 0x1 for info in self.archive.infolist()):
            raise InputError(f"{self.name} is encrypted (a password-protected ZIP): Qari cannot read it.")
        if "META-INF/encryption.xml" in self.members:
            encryption = self._xml("META-INF/encryption.xml")
            methods = {m.get("Algorithm", "") for m in _all(encryption, "EncryptionMethod")}
            if next(_all(encryption, "EncryptedData"), None) is not None and not methods <= _FONT_OBFUSCATION:
                raise InputError(
                    f"{self.name} is protected by DRM (its text is encrypted), so Qari cannot read it; "
                    "a DRM-free copy of the book opens here."
                )
        markup = [i for i in self.archive.infolist() if _is_markup(i.filename)]
        if sum(info.file_size for info in markup) > MAX_MARKUP_BYTES:
            raise self._bomb()
        for info in markup:
            if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise self._bomb()

    def _bomb(self) -> InputError:
        return InputError(
            f"{self.name} unpacks to more than {size_text(MAX_MARKUP_BYTES)} of text and markup "
            "(or is packed suspiciously tightly): Qari does not open it."
        )

    def _read(self, path: str) -> bytes:
        info = self.members.get(path)
        if info is None:
            raise InputError(f"{self.name} is damaged: {path} is not in the file.")
        left = MAX_MARKUP_BYTES - self.read_bytes
        try:
            with self.archive.open(info) as member:
                data = member.read(left + 1)  # what it really unpacks to, whatever its header says
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise InputError(f"{self.name} is damaged: {path} cannot be unpacked.") from None
        self.read_bytes += len(data)
        if len(data) > left:
            raise self._bomb()
        return data

    def _xml(self, path: str) -> etree._Element:
        data = self._read(path)
        try:
            return etree.fromstring(data, _XML)
        except etree.XMLSyntaxError:
            raise InputError(f"{self.name} is damaged: {path} is not well-formed XML.") from None

    def _rootfile(self) -> str:
        if "META-INF/container.xml" not in self.members:
            raise InputError(
                f"{self.name} is not a valid EPUB book: it has no META-INF/container.xml (it may be damaged)."
            )
        container = self._xml("META-INF/container.xml")
        for rootfile in _all(container, "rootfile"):
            path = unquote(rootfile.get("full-path") or "")
            if path in self.members:
                return path
        raise InputError(f"{self.name} is damaged: its container.xml names no package file that it holds.")

    # ---- the table of contents -------------------------------------------------------------------------

    def _toc(
        self, manifest: dict[str, tuple[str, str, str]], ncx_id: str | None
    ) -> list[tuple[str, str, str]]:
        """(file, fragment, title) for each entry of the contents, in their order, nested ones flattened."""
        nav = next((path for path, _, props in manifest.values() if "nav" in props.split()), None)
        if nav is not None and nav in self.members:
            entries = self._nav_entries(nav)
            if entries:
                return entries
        ncx = manifest.get(ncx_id or "", ("", "", ""))[0] or next(
            (path for path, media, _ in manifest.values() if media == _NCX_TYPE), ""
        )
        if ncx and ncx in self.members:
            return self._ncx_entries(ncx)
        return []

    def _nav_entries(self, path: str) -> list[tuple[str, str, str]]:
        root = _parse_xhtml(self._read(path))
        navs = [el for el in root.iter() if _local(el) == "nav"]
        tocs = [n for n in navs if "toc" in (n.get(f"{{{_OPS}}}type") or n.get("epub:type") or "").split()]
        chosen = tocs[0] if tocs else (navs[0] if navs else None)
        if chosen is None:
            return []
        entries = []
        for link in chosen.iter():
            if _local(link) == "a" and link.get("href"):
                entries.append((*_target(path, link.get("href", "")), _flat(link.itertext())))
        return entries

    def _ncx_entries(self, path: str) -> list[tuple[str, str, str]]:
        root = self._xml(path)
        entries = []
        for point in _all(root, "navPoint"):
            label = next((c for c in point if _local(c) == "navLabel"), None)
            content = next((c for c in point if _local(c) == "content"), None)
            if content is not None and content.get("src"):
                title = _flat(label.itertext()) if label is not None else ""
                entries.append((*_target(path, content.get("src", "")), title))
        return entries

    # ---- the text ----------------------------------------------------------------------------------------

    def _document(self, path: str, wanted: set[str]) -> _Document:
        root = _parse_xhtml(self._read(path))
        etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)  # their tails stay in the text
        pieces: list[str] = []
        anchors: dict[str, int] = {}
        skipping = 0  # depth inside an element whose content is not text (script, image…)
        for event, el in etree.iterwalk(root, events=("start", "end")):
            tag = _local(el)
            if event == "start":
                if skipping or tag in _SKIP or not isinstance(el.tag, str):
                    skipping += 1
                    continue
                for key in (el.get("id"), el.get("name")):
                    if key in wanted and key not in anchors:
                        anchors[key] = len(pieces)
                if tag in _BLOCKS:
                    pieces.append("\n")
                if el.text:
                    pieces.append(el.text)
            else:
                if skipping:
                    skipping -= 1
                    if skipping:
                        continue
                elif tag in _BLOCKS:
                    pieces.append("\n")
                if el.tail:
                    pieces.append(el.tail)
        return _Document(pieces, anchors)


def _chapters(
    spine: list[str], documents: dict[str, _Document], toc: list[tuple[str, str, str]], title: str
) -> list[Chapter]:
    """The spine's text cut where the contents point, in reading order."""
    order = {path: number for number, path in enumerate(spine)}
    starts: dict[tuple[int, int], list[str]] = {}
    for path, fragment, heading in toc:
        if path not in order:
            continue  # an entry outside the reading order (a note, an image)
        document = documents[path]
        point = (order[path], document.anchors.get(fragment, 0) if fragment else 0)
        starts.setdefault(point, [])
        if heading and heading not in starts[point]:
            starts[point].append(heading)
    if not starts:  # no usable contents: each file a chapter, titled by its first heading
        starts = {(number, 0): [] for number in range(len(spine))}
    points = sorted(starts)
    if points[0] != (0, 0):
        points.insert(0, (0, 0))
        starts[(0, 0)] = [title]
    chapters = []
    for number, point in enumerate(points):
        end = points[number + 1] if number + 1 < len(points) else (len(spine), 0)
        pieces: list[str] = []
        for index in range(point[0], min(end[0], len(spine) - 1) + 1):
            found = documents[spine[index]].pieces
            first = point[1] if index == point[0] else 0
            last = end[1] if index == end[0] else len(found)
            pieces.extend(found[first:last])
        text = _clean(pieces)
        if text:
            heading = " — ".join(starts[point]) or text.split("\n", 1)[0][:80]
            chapters.append(Chapter(heading, text))
    return chapters


def _clean(pieces: Iterable[str]) -> str:
    """Pieces of text as lines: spaces inside a block collapsed, one line per block, no empty lines."""
    lines = "".join(pieces).replace("\u00a0", " ").split("\n")
    return "\n".join(line for line in (_SPACE.sub(" ", line).strip() for line in lines) if line)


def _parse_xhtml(data: bytes) -> etree._Element:
    """XHTML as XML, else (undeclared entities such as &nbsp;, unclosed tags) by the HTML parser."""
    try:
        return etree.fromstring(data, _XML)
    except etree.XMLSyntaxError:
        # EPUB's XHTML is UTF-8 or UTF-16; the HTML parser would guess Latin-1 without a <meta charset>
        text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else None
        utf8 = (
            text.encode("utf-8") if text is not None else data.decode("utf-8-sig", "replace").encode("utf-8")
        )
        try:
            return html.document_fromstring(utf8, parser=_HTML)
        except (etree.ParserError, ValueError):
            return html.document_fromstring(b"<html><body></body></html>", parser=_HTML)


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _all(root: etree._Element, name: str) -> Iterator[etree._Element]:
    """Elements named `name` in any namespace, in document order."""
    return (el for el in root.iter() if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == name)


def _text(el: etree._Element | None) -> str:
    return _flat(el.itertext()) if el is not None else ""


def _flat(texts: Iterable[str]) -> str:
    return _SPACE.sub(" ", "".join(texts)).strip()


def _join(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(urlsplit(href).path))).lstrip("/")


def _target(here: str, href: str) -> tuple[str, str]:
    """The file and fragment `href` points to, from the file `here` (a bare "#id" points into it)."""
    parts = urlsplit(href)
    path = _join(posixpath.dirname(here), parts.path) if parts.path else here
    return path, unquote(parts.fragment)


def _declared_files(data: bytes) -> int:
    """How many files the ZIP's end record declares (0 where there is none: zipfile then says it is no
    ZIP); a ZIP64 archive, which no book needs, counts as too many."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        return 0
    (total,) = struct.unpack("<H", data[end + 10 : end + 12])
    return MAX_FILES + 1 if total == 0xFFFF else total


def _is_markup(filename: str) -> bool:
    return filename.lower().endswith((".xhtml", ".html", ".htm", ".xml", ".opf", ".ncx"))
