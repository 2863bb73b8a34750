"""Look at a SPARQL request's text before any engine parses it: what it is and whether to run it.

A small lexer (IRIs, strings, comments, variables, words, punctuation: enough to know where the
grammar puts every token, not a parser) answers what the server must know first:

* how deep the query nests: a few thousand ``(`` ``{`` ``[`` or ``!`` make the Rust SPARQL
  parsers recurse until the process's stack overflows (pyoxigraph segfaults at about 4,000
  braces on an 8 MiB stack), so deep queries get a 400 here;
* whether it is an update (403: the endpoint is read-only) and which query form it has;
* whether it uses ``SERVICE`` (refused unless the server allows it): a bare word SERVICE can
  only be the keyword, as prefixed names carry a colon and variables a ``?``;
* whether it names its own dataset (``FROM``), and whether its answer can change between two
  runs (``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()``), which must not be cached;
* and, to cap result rows, where its top-level ``LIMIT`` is or goes (before a trailing
  ``VALUES`` block, else at the end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID"})
_UNARY = frozenset({"!", "+", "-"})

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
             |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7-\U0010FFFF]+)
  | (?P<word>[\w:%\\\u00B7-\U0010FFFF](?:[\w\-:.%\\\u00B7-\U0010FFFF]*[\w\-:%\\\u00B7-\U0010FFFF])?)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class GuardError(Exception):
    """A request the server answers without running it: the HTTP status and one clear line."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int  # nesting depth of ( [ { around the token


@dataclass(frozen=True)
class Inspection:
    """What the lexer learnt about one request's text."""

    operation: str | None  # "query", "update" or None when the text starts with neither
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, or an update keyword
    depth: int
    uses_service: bool
    has_dataset: bool
    volatile: bool
    tokens: tuple[Token, ...]


def tokenize(text: str) -> list[Token]:
    """The significant tokens of text (no spaces, no comments), each with its nesting depth."""
    tokens = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("space", "comment"):
            continue
        value = match.group()
        if kind == "punct" and value in "([{":
            tokens.append(Token(kind, value, match.start(), depth))
            depth += 1
            continue
        if kind == "punct" and value in ")]}":
            depth = max(depth - 1, 0)
        tokens.append(Token(kind, value, match.start(), depth))
    return tokens


@lru_cache(maxsize=512)
def inspect(text: str, max_depth: int = 64) -> Inspection:
    """Lex text and check its nesting; raise GuardError(400) when it nests deeper than max_depth.

    Kept for the last few hundred texts: dashboards send the same queries again and again."""
    tokens = tokenize(text)
    depth = run = 0
    for token in tokens:
        run = run + 1 if token.kind == "punct" and token.text in _UNARY else 0
        level = token.depth + (1 if token.text in "([{" and token.kind == "punct" else 0) + run
        if level > depth:
            depth = level
            if depth > max_depth:
                raise GuardError(
                    400,
                    f"the query nests more than {max_depth} levels deep (brackets, braces or "
                    f"unary operators), at character {token.start}; this endpoint accepts at "
                    f"most {max_depth}",
                )
    words = [t for t in tokens if t.kind == "word"]
    upper = [t.text.upper() for t in words]
    operation = form = None
    index = 0
    while index < len(upper) and upper[index] in ("BASE", "PREFIX"):
        index += 2 if upper[index] == "PREFIX" else 1  # PREFIX name: <iri> ; BASE <iri>
    if index < len(upper):
        if upper[index] in QUERY_FORMS:
            operation, form = "query", upper[index]
        elif upper[index] in UPDATE_FORMS:
            operation, form = "update", upper[index]
    # "SELECT … ; INSERT DATA …" is still an update request: a ';' outside any brackets
    # separates update operations, and update keywords occur nowhere in a query.
    separated = any(t.kind == "punct" and t.text == ";" and t.depth == 0 for t in tokens)
    if operation == "query" and separated and any(w in UPDATE_FORMS - {"WITH"} for w in upper):
        operation = "update"
    return Inspection(
        operation=operation,
        form=form,
        depth=depth,
        uses_service="SERVICE" in upper,
        has_dataset=any(t.text.upper() == "FROM" and t.depth == 0 for t in words),
        volatile=any(w in VOLATILE for w in upper),
        tokens=tuple(tokens),
    )


def cap_rows(text: str, inspection: Inspection, max_rows: int) -> tuple[str, bool]:
    """The query with its top-level LIMIT at most max_rows, and whether the cap applies.

    An existing LIMIT at or under the cap is kept; a larger one is lowered; a query without
    one gets ``LIMIT max_rows`` before its trailing VALUES block, or at its end. ASK is left
    alone. Subqueries are inside braces (depth > 0) and are never touched.
    """
    if inspection.form not in ("SELECT", "CONSTRUCT", "DESCRIBE") or max_rows <= 0:
        return text, False
    tokens = inspection.tokens
    trailing_values = None
    seen_group = False
    for i, token in enumerate(tokens):
        if token.depth == 0 and token.kind == "punct" and token.text == "{":
            seen_group = True
        if token.depth != 0 or token.kind != "word":
            continue
        keyword = token.text.upper()
        if keyword == "LIMIT" and i + 1 < len(tokens) and tokens[i + 1].text.isdigit():
            number = tokens[i + 1]
            if int(number.text) <= max_rows:
                return text, False
            end = number.start + len(number.text)
            return text[: number.start] + str(max_rows) + text[end:], True
        if keyword == "VALUES" and seen_group and trailing_values is None:
            trailing_values = token.start
    if trailing_values is not None:
        return (
            text[:trailing_values] + f"LIMIT {max_rows}\n" + text[trailing_values:],
            True,
        )
    return text + f"\nLIMIT {max_rows}\n", True
