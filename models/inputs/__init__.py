"""Reading what a reader brings: text in any common encoding, web pages, Word, PDF text layers, images
by OCR, with size limits and reader-facing notes (`files`).

May import `models.text`, `models.settings`.
"""
