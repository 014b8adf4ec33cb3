"""Named entities: the offline gazetteer (`gazetteer`), the shipped BiLSTM-CRF tagger (`bilstm`), the CRF
tagger and its features (`crf`, the fallback; the BiLSTM reads the same features), a
transformers tagger the reader may add (`transformer`), BIO helpers (`bio`), English spellings of names
(`translit`), the recogniser that merges them (`recognizer`: `get_recognizer`, the entry point that loads
one; `trained`: a tagger's entities merged with the gazetteer's; `gazetteer_recognizer`: the gazetteer
alone; `spans`: where a name may begin and end), and scoring on CoNLL files (`evaluate`).

A new recogniser: implement the `Tagger` protocol of `recognizer` (tags per token) and build a
`TrainedRecognizer(tagger=...)` (`trained`), or implement `Recognizer` directly; load it in `recognizer._entry`.

May import `models.text`, `models.lexicon`, `models.document`, `models.settings`, `models.registry`,
`models.hub`. Training code lives in `models.build`.
"""
