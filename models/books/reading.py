"""A file as a book: an EPUB read by `epub`, anything else read as the inputs read it (text, HTML, Word,
PDF, images by OCR) and cut into parts (`parts.text_book`)."""

from __future__ import annotations

from pathlib import Path

from models.books.epub import is_epub, read_epub
from models.books.parts import Book, text_book
from models.inputs.files import read_file
from models.inputs.limits import Progress


def read_book(data: bytes, filename: str = "", progress: Progress | None = None) -> Book:
    """The book in a file's bytes; InputError, in one sentence, for a file that cannot be read."""
    name = Path(filename).name or "The book"
    if is_epub(data, filename):
        return read_epub(data, name)
    found = read_file(data, filename, progress)
    book = text_book(found.text, Path(name).stem or name)
    book.notes.extend(found.notes)
    return book
