"""Word-by-word glosses: the English under each Arabic word in the interlinear reading mode.

`interlinear_glosses(doc)` gives, per sentence, one string per token (empty where there is none): the
word's English in this sentence's translation where the alignment gives one, else the lexicon's first
sense for its lemma with its clitics glossed compactly ("and-the-book", "by-his-book"); names their
English spelling; Arabic-Indic numbers in Western digits. The page (`components.markup`) and
`python -m models analyze --interlinear` both show exactly these strings.

May import `models.text`, `models.lexicon`, `models.document`.
"""

from models.interlinear.gloss import clitic_gloss, first_sense, interlinear_glosses, word_coverage

__all__ = ["clitic_gloss", "first_sense", "interlinear_glosses", "word_coverage"]
