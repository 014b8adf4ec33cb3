"""Reading what readers give Qari: encodings, HTML, empty, oversize and non-Arabic text."""

from __future__ import annotations

import pytest

from models.inputs import MAX_FILE_BYTES, InputError, decode_bytes, html_to_text, prepare_text

ARABIC = "اتفقت اليابان وكندا على بدء المحادثات رسميًا."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_common_encodings_of_arabic_decode(encoding: str) -> None:
    assert decode_bytes(ARABIC.encode(encoding), "a.txt") == ARABIC


def test_binary_and_oversize_files_are_refused_with_a_message() -> None:
    with pytest.raises(InputError, match="not a text file"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)), "photo.txt")
    with pytest.raises(InputError, match="larger than"):
        decode_bytes(b"a" * (MAX_FILE_BYTES + 1), "big.txt")


def test_html_keeps_text_drops_scripts_and_styles() -> None:
    page = "<html><head><title>t</title><style>p{}</style></head><body><p>أ<b>ب</b></p><script>alert(1)</script><p>ج</p>"
    assert html_to_text(page) == "أ\nب\nج"
    # an .html upload and a page sniffed from its first bytes are both reduced
    assert decode_bytes(page.encode(), "x.html") == "أ\nب\nج"
    assert decode_bytes(("<!DOCTYPE html>" + page).encode(), "x.txt") == "أ\nب\nج"


def test_plain_text_with_angle_brackets_is_not_treated_as_html() -> None:
    text = "قال <script>alert(1)</script> الوزير"
    assert decode_bytes(text.encode(), "note.txt") == text


def test_empty_text_is_refused() -> None:
    for text in ("", "   ", "\n\t\r\n"):
        with pytest.raises(InputError, match="empty"):
            prepare_text(text)


def test_oversize_text_keeps_its_first_part_and_says_so() -> None:
    text = ("جملة عربية قصيرة.\n" * 50)
    prepared = prepare_text(text, max_chars=200)
    assert prepared.truncated and len(prepared.text) <= 200
    assert text.startswith(prepared.text) and prepared.text.endswith(".")
    assert any("first part" in n for n in prepared.notes)


def test_notes_for_non_arabic_and_mixed_text() -> None:
    assert prepare_text(ARABIC).notes == []
    assert any("no Arabic" in n for n in prepare_text("Only English here.").notes)
    assert any("not Arabic" in n for n in prepare_text("Mostly English words here with one word عربي").notes)
