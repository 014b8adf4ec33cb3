"""EPUB books read into chapters, and bad books refused in one sentence (EPUBs built by devkit/books.py)."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from devkit.books import chapter_xhtml, make_epub
from models.books.epub import is_epub, read_epub
from models.books.parts import PAGE_CHARS, Book, Chapter, book_parts, paginate, text_book
from models.inputs.limits import InputError

ONE = "اتفقت اليابان وكندا على بدء المحادثات رسميًا.\nو إن إطلاق المحادثات الرسمية خطوة مهمة."
TWO = "اختتم مؤتمر ويكيمانيا 2013 في هونغ كونغ يوم الأحد."
THREE = "سجلت السعودية 55 حالة وفاة بفيروس كورونا حتى الآن."
CHAPTERS = [("الفصل الأول", ONE), ("الفصل الثاني", TWO), ("الفصل الثالث", THREE)]


@pytest.mark.parametrize("version", [2, 3])
def test_chapters_in_reading_order_with_their_titles(version: int) -> None:
    book = read_epub(make_epub(CHAPTERS, title="أخبار", version=version), "news.epub")
    assert book.title == "أخبار"
    assert [c.title for c in book.chapters] == ["الفصل الأول", "الفصل الثاني", "الفصل الثالث"]
    assert book.chapters[0].text.split("\n") == ["الفصل الأول", *ONE.split("\n")]
    assert book.chapters[1].text == f"الفصل الثاني\n{TWO}"
    assert book.direction == "rtl"
    assert book.notes == []


def test_fragments_cut_one_file_into_chapters_and_nested_entries_count() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
        '<h1 id="a">أول</h1><p>نص أول.</p><section><h2 id="b">ثان</h2><p>نص <b>ثان</b> هنا.</p></section>'
        "</body></html>"
    )
    nav = (
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        '<body><nav epub:type="landmarks"><ol><li><a href="chapter1.xhtml">غلاف</a></li></ol></nav>'
        '<nav epub:type="toc"><ol><li><a href="chapter1.xhtml#a">أول</a><ol>'
        '<li><a href="chapter1.xhtml#b">ثان</a></li></ol></li></ol></nav></body></html>'
    )
    book = read_epub(make_epub([("x", "y")], files={"OEBPS/chapter1.xhtml": body, "OEBPS/nav.xhtml": nav}))
    assert [(c.title, c.text) for c in book.chapters] == [
        ("أول", "أول\nنص أول."),
        ("ثان", "ثان\nنص ثان هنا."),
    ]


def test_scripts_styles_images_never_become_text_and_entities_are_not_expanded() -> None:
    extra = (
        "<script>alert('x')</script><style>p{}</style><img src='a.png' alt='صورة'/>"
        "<svg xmlns='http://www.w3.org/2000/svg'><text>svg</text></svg><p>قبل&#160;بعد <!-- note --> آخر</p>"
    )
    files = {"OEBPS/chapter1.xhtml": chapter_xhtml("فصل", ONE, extra=extra)}
    text = read_epub(make_epub([("فصل", ONE)], files=files)).chapters[0].text
    assert "alert" not in text and "svg" not in text and "صورة" not in text and "note" not in text
    assert "p{}" not in text
    assert "قبل بعد آخر" in text
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "ههههههههههه"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>نص &b;</p></body></html>'
    )
    book = read_epub(make_epub([("فصل", "x")], files={"OEBPS/chapter1.xhtml": laughs}))
    assert "ههه" not in book.chapters[0].text


def test_html_that_is_not_xml_is_still_read() -> None:
    broken = "<html><body><h1>عنوان</h1><p>فقرة&nbsp;أولى<p>فقرة ثانية<br>سطر</body></html>"
    book = read_epub(make_epub([("عنوان", "x")], files={"OEBPS/chapter1.xhtml": broken}))
    assert book.chapters[0].text == "عنوان\nفقرة أولى\nفقرة ثانية\nسطر"


def test_mixed_arabic_and_english_and_a_left_to_right_book() -> None:
    mixed = "The Arabic word كتاب means book.\nقال: Hello world."
    book = read_epub(make_epub([("Chapter one", mixed)], title="Mixed", lang="en", rtl=False))
    assert book.chapters[0].text == f"Chapter one\n{mixed}"
    assert book.direction == ""


def test_no_table_of_contents_makes_each_file_a_chapter() -> None:
    data = make_epub(CHAPTERS, version=2, drop={"OEBPS/toc.ncx"})
    book = read_epub(data)
    assert [c.title for c in book.chapters] == ["الفصل الأول", "الفصل الثاني", "الفصل الثالث"]
    assert book.notes and "no table of contents" in book.notes[0]


def test_is_epub() -> None:
    assert is_epub(make_epub(CHAPTERS))
    assert is_epub(b"", "Book.EPUB")
    assert not is_epub(b"PK\x03\x04" + b"\x00" * 60, "a.docx")


def _zip(files: dict[str, bytes | str], *, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    data = bytearray(buffer.getvalue())
    if encrypted:  # the flag a password-protected entry carries, in its local and central headers
        data[6] |= 0x1
        central = data.find(b"PK\x01\x02")
        data[central + 8] |= 0x1
    return bytes(data)


BAD = {
    "not a zip": (b"this is plain text, not a book", "not a ZIP archive"),
    "no container": (make_epub(CHAPTERS, drop={"META-INF/container.xml"}), "no META-INF/container.xml"),
    "missing spine item": (make_epub(CHAPTERS, drop={"OEBPS/chapter2.xhtml"}), "OEBPS/chapter2.xhtml"),
    "drm": (
        make_epub(
            CHAPTERS,
            files={
                "META-INF/encryption.xml": (
                    '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                    'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
                    '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
                    '<enc:CipherData><enc:CipherReference URI="OEBPS/chapter1.xhtml"/></enc:CipherData>'
                    "</enc:EncryptedData></encryption>"
                )
            },
        ),
        "DRM",
    ),
    "bomb": (make_epub(CHAPTERS, files={"OEBPS/filler.xhtml": b" " * (20 * 1024 * 1024)}), "packed"),
    "too many files": (_zip({f"f{n}.txt": "" for n in range(10_001)}), "more than 10,000 files"),
    "zip password": (_zip({"mimetype": "application/epub+zip"}, encrypted=True), "password"),
    "broken opf": (make_epub(CHAPTERS, files={"OEBPS/content.opf": "<package><manifest>"}), "not well-formed"),
    "images only": (
        make_epub([("صورة", "x")], files={"OEBPS/chapter1.xhtml": "<html><body><img src='a.png'/></body></html>"}),
        "no text",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD)
def test_bad_books_are_refused_in_one_sentence(case: str) -> None:
    data, expected = BAD[case]
    with pytest.raises(InputError, match=expected) as caught:
        read_epub(data, "bad.epub")
    message = str(caught.value)
    assert message.startswith("bad.epub") and "\n" not in message


def test_font_obfuscation_is_not_drm() -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
        '<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
        '<enc:CipherData><enc:CipherReference URI="OEBPS/font.otf"/></enc:CipherData></enc:EncryptedData></encryption>'
    )
    book = read_epub(make_epub(CHAPTERS, files={"META-INF/encryption.xml": encryption}))
    assert len(book.chapters) == 3


def test_more_markup_declared_than_allowed_is_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("models.books.epub.MAX_MARKUP_BYTES", 10_000)
    with pytest.raises(InputError, match="unpacks to more than"):
        read_epub(make_epub([("فصل", "كلمة " * 5_000)]), "big.epub")


def _lie_about_size(data: bytes, path: str, size: int) -> bytes:
    """`data` with `path`'s uncompressed size said to be `size` in its local and central headers."""
    out = bytearray(data)
    name = path.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = out.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(name)] == name:
                out[at + offset : at + offset + 4] = struct.pack("<I", size)
            at = out.find(signature, at + 4)
    return bytes(out)


def test_a_header_that_lies_about_its_size_is_caught_on_reading() -> None:
    # The declared size passes every check; the file unpacks to far more, and is refused, not read whole.
    data = _lie_about_size(make_epub([("فصل", "كلمة " * 200_000)]), "OEBPS/chapter1.xhtml", 1_000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("OEBPS/chapter1.xhtml").file_size == 1_000
    with pytest.raises(InputError, match="bad.epub is damaged: OEBPS/chapter1.xhtml cannot be unpacked"):
        read_epub(data, "bad.epub")


def test_a_chapter_of_a_million_characters_is_read_in_pages() -> None:
    line = "هذه جملة عربية طويلة بعض الشيء تتكرر في الفصل. "
    long = "\n".join(line * 20 for _ in range(1_000_000 // (len(line) * 20) + 1))
    assert len(long) > 1_000_000
    book = read_epub(make_epub([("فصل طويل", long), ("قصير", TWO)]))
    parts = book_parts(book)
    assert len(parts) > 30
    assert all(len(p.text) <= PAGE_CHARS for p in parts)
    assert {p.chapter for p in parts} == {0, 1}
    assert parts[0].pages == len(parts) - 1 and parts[1].page == 1
    assert parts[-1].label == "قصير"
    assert parts[1].label == f"\u2068فصل طويل\u2069 · page 2 of {parts[0].pages}"
    assert "".join(p.text for p in parts[:-1]).replace("\n", "") == book.chapters[0].text.replace("\n", "")


def test_pages_cut_at_paragraphs_then_sentences_then_spaces() -> None:
    paragraphs = [f"فقرة {n} " + "كلمة " * 30 for n in range(100)]
    pages = paginate("\n".join(paragraphs), 1_000)
    assert all(len(p) <= 1_000 for p in pages)
    assert all(p.startswith("فقرة") for p in pages)  # every page starts a paragraph
    one = ("جملة قصيرة هنا. " * 200).strip()
    pages = paginate(one, 1_000)
    assert all(p.endswith(".") for p in pages)
    spaces = "كلمة " * 1000
    assert " ".join(paginate(spaces, 1_000)) == spaces.strip()
    assert paginate("", 10) == []


def test_a_long_plain_text_is_a_book_of_parts() -> None:
    text = "\n".join(f"فقرة رقم {n} في النص الطويل." for n in range(20_000))
    book = text_book(text, "نص طويل")
    assert len(book.chapters) > 1 and book.chapters[0].title == "Part 1"
    assert all(len(c.text) <= PAGE_CHARS for c in book.chapters)
    assert "\n".join(c.text for c in book.chapters) == text
    assert Book("a", [Chapter("b", "c")]).digest() != Book("a", [Chapter("b", "d")]).digest()
