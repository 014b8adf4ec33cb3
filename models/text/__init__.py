"""The text engine: Arabic normalisation and tokens with offsets (`arabic`), sentences and translation
pieces (`segment`), scholarly transliteration (`translit`, ALA-LC).

Imports only `models.document`: nothing of the lexicon, names or translation.
"""
