"""Machine translation, Arabic → English: the `Translator` and `CrossAttention` interfaces (`base`), the
engines (`marian`: transformers; `ct2`: CTranslate2 int8, with `vmap`, its output-layer map), loading offline with one registry entry per
model (`loader`), fetching a model when asked (`download`), the translation cache (`cache`: SQLite, or
the readers' PostgreSQL database, shared by every machine), word alignment from an engine's
cross-attention (`align`), the in-process translation worker (`worker`), and the shared translation
service on Ray Serve (`serving`: the Serve app, `serve run models.translation.serving:app`; `remote`: the
`TranslationService` that uses it, with `QARI_TRANSLATION_SERVICE=ray`; Ray is an optional extra).

A new engine: implement `base.Translator` (and `base.CrossAttention` if it can report attention, so
alignment works), and return it from `loader._load_engine`.

May import `models.text`, `models.document`, `models.settings`, `models.db`, `models.registry`,
`models.hub`.
"""
