"""Command line: `python -m models analyze FILE|URL --json [--no-translate] [--interlinear] [--vowels]`
(each word with its `root`, UD `pos` and `features`, and the card's `grammar` line),
`python -m models analyze BOOK --chapters` (an EPUB's or a long text's chapters as JSON) or `--chapter N`
(that chapter analysed like any text), `python -m models download`,
`python -m models evaluate-ner FILE.conll…`,
`python -m models vowelize FILE [--pausal]` (FILE's text with its short vowels added),
`python -m models speak TEXT_OR_FILE --out FILE.wav` (the voweled text read aloud by espeak-ng)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.books.epub import is_epub
from models.books.parts import Book, paginate, text_book, words
from models.books.reading import read_book
from models.inputs.files import MAX_UPLOAD_BYTES, InputError, decode_bytes, prepare_text
from models.inputs.web import fetch_article, looks_like_url
from models.interlinear import interlinear_glosses
from models.names.evaluate import main as evaluate_ner
from models.pipeline import add_vowels, close_translation_services, pending, read
from models.settings import translation_model
from models.speech import NothingToSay, SpeechUnavailable, synthesize, wav
from models.translation.download import download_model
from models.vowels import VowelsUnavailable, pausal, vowelize, vowels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description="Qari's Arabic analysis pipeline.")
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="analyse a text file and print the analysed document")
    analyze.add_argument(
        "file",
        help="a text file (UTF-8, UTF-16 or Windows-1256), an .html page, a .docx, a PDF with a text layer, "
        "or an image to read by OCR (.png .jpg .tif .webp; needs tesseract); or a web address "
        "(http:// or https://), whose article is fetched and read",
    )
    analyze.add_argument("--json", action="store_true", help="print the document as JSON")
    analyze.add_argument("--no-translate", action="store_true", help="skip machine translation")
    analyze.add_argument(
        "--model", default=None, help="Marian model id or local folder (default: QARI_MT_MODEL)"
    )
    analyze.add_argument("--beam", type=int, default=4, help="beam size (default 4)")
    analyze.add_argument(
        "--vowels",
        action="store_true",
        help="give every word its voweled form in context (`voweled`), and read each word's case or mood "
        "(`features`) from its ending, put right by the grammar's rules",
    )
    analyze.add_argument(
        "--interlinear",
        action="store_true",
        help="give every word in the JSON an `interlinear` field: its gloss as the page's word-by-word mode shows it",
    )
    analyze.add_argument(
        "--chapters",
        action="store_true",
        help="print the chapters of a book (an .epub, or a long text cut at paragraphs) as JSON: index "
        "(from 1), title, words, parts (the pages the reader shows it in)",
    )
    analyze.add_argument(
        "--chapter", type=int, metavar="N", help="analyse chapter N (from 1) of a book, like any text"
    )

    download = commands.add_parser(
        "download", help="fetch translation models into the local cache for offline use"
    )
    download.add_argument("models", nargs="*", help="model ids (default: the configured model)")

    evaluate_ner = commands.add_parser(
        "evaluate-ner", help="score the entity recogniser on CoNLL files (token and BIO tag a line)"
    )
    evaluate_ner.add_argument("files", nargs="+", help="CoNLL files; scores are added up over all of them")

    vowels = commands.add_parser(
        "vowelize",
        help="print a UTF-8 text file with its short vowels added (only marks are added: line for line)",
    )
    vowels.add_argument("file", help="a UTF-8 text file, or - for standard input")
    vowels.add_argument(
        "--pausal", action="store_true", help="no case ending before a pause (full stop, comma, line end)"
    )

    speak = commands.add_parser(
        "speak", help="read an Arabic text aloud from its voweled form into a WAV file"
    )
    speak.add_argument("text", help="a UTF-8 text file, - for standard input, or the Arabic text itself")
    speak.add_argument("--out", required=True, help="the WAV file to write")
    speak.add_argument("--speed", type=float, default=1.0, help="0.5 (slow) to 1.5 (fast); default 1")

    args = parser.parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "evaluate-ner":
            return _evaluate_ner(args)
        if args.command == "vowelize":
            return _vowelize(args)
        if args.command == "speak":
            return _speak(args)
        return _download(args)
    except KeyboardInterrupt:
        return 130


def _analyze(args: argparse.Namespace) -> int:
    book = args.chapters or args.chapter is not None
    if looks_like_url(args.file):
        try:
            page = fetch_article(args.file)
        except InputError as exc:
            print(f"qari: {exc}", file=sys.stderr)
            return 2
        text = page.text
        if book:
            return _book(text_book(text, page.title or page.url), args)
    else:
        path = Path(args.file)
        try:
            # One byte past the largest limit is enough for decode_bytes to refuse it; /dev/zero cannot hang us.
            with path.open("rb") as file:
                data = file.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            print(f"qari: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        try:
            if book or is_epub(data, path.name):
                if not book:
                    raise InputError(
                        f"{path.name} is a book: list its chapters with --chapters, analyse one with --chapter N."
                    )
                return _book(read_book(data, path.name), args)
            text = decode_bytes(data, path.name)
        except InputError as exc:
            print(f"qari: {exc}", file=sys.stderr)
            return 2

    return _analyze_text(text, args)


def _book(book: Book, args: argparse.Namespace) -> int:
    """--chapters: the book's chapters as JSON; --chapter N: that chapter analysed like any text."""
    if args.chapter is None:
        listed = [
            {"index": n, "title": c.title, "words": words(c.text), "parts": len(paginate(c.text))}
            for n, c in enumerate(book.chapters, 1)
        ]
        json.dump(listed, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if not 1 <= args.chapter <= len(book.chapters):
        print(
            f"qari: there is no chapter {args.chapter}: the book has 1 to {len(book.chapters)}.",
            file=sys.stderr,
        )
        return 2
    return _analyze_text(book.chapters[args.chapter - 1].text, args)


def _analyze_text(text: str, args: argparse.Namespace) -> int:
    _say_input_notes(text)
    model_id = None if args.no_translate else (args.model or translation_model())
    try:
        doc, translation = read(text, model_id=model_id, beam_size=args.beam)
    finally:
        close_translation_services()  # before the interpreter shuts down, even on Ctrl+C
    if args.vowels:
        try:
            add_vowels(doc)
        except VowelsUnavailable as exc:
            print(f"qari: {exc}", file=sys.stderr)
    if translation is not None and translation.translator is None and pending(doc):
        error = translation.loaded.error if translation.loaded is not None else "the model is still loading"
        print(f"qari: no translation: {error}", file=sys.stderr)

    if args.json:
        result = doc.to_dict()
        if args.interlinear:
            for sentence, row in zip(result["sentences"], interlinear_glosses(doc), strict=True):
                for token, gloss in zip(sentence["tokens"], row, strict=True):
                    token["interlinear"] = gloss
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for sentence in doc.sentences:
            print(f"[{sentence.index}] {sentence.text}")
            if args.interlinear:
                row = interlinear_glosses(doc)[sentence.index]
                print(
                    "    "
                    + " | ".join(f"{t.text} {g}" for t, g in zip(sentence.tokens, row, strict=True) if g)
                )
            if sentence.translation:
                print(f"    {sentence.translation}")
    return 0


def _say_input_notes(text: str) -> None:
    """What the page says of the same text (empty, no Arabic, mostly not Arabic), on standard error: the
    document is still printed (the command line analyses any length, so nothing is cut)."""
    try:
        notes = prepare_text(text, max_chars=max(len(text), 1)).notes
    except InputError as exc:
        notes = [str(exc)]
    for note in notes:
        print(f"qari: {note}", file=sys.stderr)


def _evaluate_ner(args: argparse.Namespace) -> int:
    return evaluate_ner(args.files)


def _vowelize(args: argparse.Namespace) -> int:
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read(MAX_UPLOAD_BYTES + 1)
        else:
            with open(args.file, "rb") as file:
                data = file.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        print(f"qari: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if len(data) > MAX_UPLOAD_BYTES:
        print(f"qari: {args.file} is larger than {MAX_UPLOAD_BYTES} bytes", file=sys.stderr)
        return 2
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        print(f"qari: {args.file} is not UTF-8 text ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 2
    try:
        voweled = pausal(vowels(text)).voweled if args.pausal else vowelize(text)
    except VowelsUnavailable as exc:
        print(f"qari: {exc}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(voweled.encode("utf-8"))
    sys.stdout.flush()
    return 0


def _speak(args: argparse.Namespace) -> int:
    source = args.text
    if source == "-" or (len(source) < 4096 and "\n" not in source and Path(source).is_file()):
        try:
            data = sys.stdin.buffer.read(MAX_UPLOAD_BYTES + 1) if source == "-" else Path(source).read_bytes()
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"qari: cannot read {source} as UTF-8 text: {exc}", file=sys.stderr)
            return 2
    else:
        text = source
    try:
        synthesis, _spoken, _origin, note = synthesize(text, args.speed)
    except (NothingToSay, SpeechUnavailable) as exc:
        print(f"qari: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, NothingToSay) else 1
    if note:
        print(f"qari: {note}", file=sys.stderr)
    try:
        Path(args.out).write_bytes(wav(synthesis.samples, synthesis.rate))
    except OSError as exc:
        print(f"qari: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {synthesis.seconds:.1f} s, {len(synthesis.words)} words read", file=sys.stderr)
    return 0


def _download(args: argparse.Namespace) -> int:
    failed = 0
    for model_id in args.models or [translation_model()]:

        def report(fraction: float, message: str, model_id: str = model_id) -> None:
            print(f"\r{model_id}: {fraction:5.0%} {message}", end="", file=sys.stderr, flush=True)

        try:
            path = download_model(model_id, report)
        except Exception as exc:  # noqa: BLE001 - a download fails many ways; each is one line for the user
            print(f"\nqari: could not download {model_id}: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"\n{model_id}: ready in {path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
