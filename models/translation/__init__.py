"""Machine translation, Arabic → English: the `Translator` and `CrossAttention` interfaces (`base`), the
engines (`marian`: transformers; `ct2`: CTranslate2 int8), loading offline with one registry entry per
model (`loader`), fetching a model when asked (`download`), the SQLite translation cache (`cache`) and
word alignment from an engine's cross-attention (`align`).

A new engine: implement `base.Translator` (and `base.CrossAttention` if it can report attention, so
alignment works), and return it from `loader._load_engine`.

May import `models.text`, `models.document`, `models.settings`, `models.db`, `models.registry`,
`models.hub`.
"""
