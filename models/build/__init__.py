"""Build-time code that makes the data files Qari ships in `models/data/`: the gazetteer table
(`gazetteer`), the entity CRF (`train_ner`) and the lexicon frequency table (`lexicon_frequencies`).

Never imported by the app. Its extra dependencies are in requirements-build.txt.
"""
