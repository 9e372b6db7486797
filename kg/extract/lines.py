"""``kg_line_breaks``: a line break starts a new sentence.

Titles, headlines and list items carry no full stop, so without this the parser
glues a title to the first sentence of the body ("…1.75 trillion parameters\\nThe
Beijing Academy…" as one sentence), and relations leak across them. The
component runs before the parser, which keeps preset sentence starts.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("kg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """Mark the first token after a newline as a sentence start."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            if not tok.is_space:
                tok.is_sent_start = True
    return doc
