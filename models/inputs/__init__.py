"""Reading what a reader brings: text in any common encoding, web pages, Word, PDF, images by OCR, with
size limits and reader-facing notes. `files` is the entry point (`read_file`, `prepare_text`) and reads
text, HTML and Word itself; `limits` holds what is accepted and `InputError`; `pdf` reads PDFs (text
layers, and scans through `ocr`); `ocr` runs tesseract on images; `lines` puts printed lines back into
reading order; `web` opens a web address (`open_address`): `fetch` fetches it without reaching into the
server's own network, `article` decodes a page and extracts its article, `feeds` reads news feeds.

May import `models.text`, `models.settings`.
"""
