"""Find a quote in a source text and print its code-point offsets and a Turtle passage for data/.

Usage: .venv/bin/python scripts/locate_quote.py data/sources/goal-2-security-institutions.txt \
           "more than 4,000 candidates"

Spaces in the quote match any white space of the text, so a quote typed with ASCII spaces
finds text that has no-break spaces; the passage printed keeps the text's own characters.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from rdflib import Literal


def locate(text: str, quote: str) -> list[tuple[int, int]]:
    """Every [start, end) span of text that matches quote, white space matching white space."""
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    text = Path(argv[1]).read_text(encoding="utf-8")
    spans = locate(text, argv[2])
    if not spans:
        print(f"{argv[1]}: quote not found", file=sys.stderr)
        return 1
    for start, end in spans:
        exact = Literal(text[start:end]).n3().replace("\u00a0", "\\u00A0")  # keep NBSP visible
        print(
            f"passage:{start}-{end} a skg:Passage ;\n"
            f"    skg:inDocument document:goal-2 ;\n"
            f"    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {exact} ] ,\n"
            f"        [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} ] .\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
