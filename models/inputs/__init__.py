"""Reading what a reader brings: text in any common encoding, web pages, Word, PDF text layers, images
by OCR, with size limits and reader-facing notes (`files`); the article at a web address, fetched by the
server without reaching into its own network (`web`).

May import `models.text`, `models.settings`.
"""
