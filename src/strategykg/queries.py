"""The competency questions: SPARQL files with a header, parameters and defaults.

A question file starts with comment lines that describe it::

    # title: Results that support a theme
    # description: Results whose theme is the given theme or a narrower one.
    # param: theme (iri) = <https://w3id.org/strategykg/id/theme/rule-of-law> : the theme

and binds each parameter in its body with ``VALUES ?theme { <default> }``, so the
bare file is standard SPARQL that any engine runs unchanged. Binding a value
rewrites that one VALUES block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from strategykg.errors import InputError

_HEADER = re.compile(r"^#\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<kind>iri|string|integer|decimal)\)\s*=\s*(?P<default>\S+)"
    r"(?:\s*:\s*(?P<description>.*))?$"
)
_SHORT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    """A value a question takes, with its kind and default."""

    name: str
    kind: str
    default: str
    description: str

    @property
    def namespace(self) -> str:
        """Short values are resolved against the default IRI's folder (…/place/ for a place)."""
        default = self.default.strip("<>")
        cut = max(default.rfind("/"), default.rfind("#"))
        return default[: cut + 1]

    def sparql_value(self, raw: str) -> str:
        """The value written as a SPARQL term, checked so it cannot change the query's shape."""
        if self.kind == "iri":
            value = raw.strip()
            if value.startswith("<") and value.endswith(">"):
                value = value[1:-1]
            if _SHORT_NAME.match(value) and not _IRI.match(value):
                value = self.namespace + value
            if not _IRI.match(value):
                raise InputError(f"parameter {self.name}: {raw!r} is not an IRI or a short name")
            return URIRef(value).n3()
        datatype = {"string": None, "integer": XSD.integer, "decimal": XSD.decimal}[self.kind]
        literal = Literal(raw, datatype=datatype)
        if datatype is not None and literal.value is None:
            raise InputError(f"parameter {self.name}: {raw!r} is not a valid {self.kind}")
        return literal.n3()


@dataclass(frozen=True)
class CompetencyQuestion:
    """One question of the library: its name, header and SPARQL text."""

    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    def bind(self, values: dict[str, str] | None = None) -> str:
        """The SPARQL text with the given parameter values (the rest keep their defaults)."""
        values = dict(values or {})
        known = {p.name for p in self.parameters}
        if unknown := sorted(set(values) - known):
            hint = ", ".join(sorted(known)) or "none"
            raise InputError(f"{self.name}: unknown parameter {unknown[0]!r} (it takes: {hint})")
        text = self.text
        for parameter in self.parameters:
            if parameter.name in values:
                term = parameter.sparql_value(values[parameter.name])
                text = _values_block(parameter.name).sub(
                    lambda _m, p=parameter.name, t=term: f"VALUES ?{p} {{ {t} }}", text, count=1
                )
        return text


def _values_block(name: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^{}]*\}", re.IGNORECASE)


def parse_question(path: Path) -> CompetencyQuestion:
    """Read a .rq file and its header; a malformed header is reported with file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(str(error), path=str(path)) from None
    header: dict[str, str] = {}
    parameters = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match["key"], match["value"].strip()
        if key == "param":
            param = _PARAM.match(value)
            if not param:
                raise InputError(
                    "malformed param line: expected 'name (iri|string|integer|decimal) = default : text'",
                    path=str(path),
                    line=number,
                )
            parameter = Parameter(
                name=param["name"],
                kind=param["kind"],
                default=param["default"],
                description=(param["description"] or "").strip(),
            )
            if not _values_block(parameter.name).search(text):
                raise InputError(
                    f"param {parameter.name} has no 'VALUES ?{parameter.name} {{ … }}' block",
                    path=str(path),
                    line=number,
                )
            parameters.append(parameter)
        else:
            header[key] = (header[key] + " " + value) if key in header else value
    if "title" not in header:
        raise InputError("missing '# title:' header line", path=str(path), line=1)
    return CompetencyQuestion(
        name=path.stem,
        path=path,
        title=header["title"],
        description=header.get("description", ""),
        parameters=tuple(parameters),
        text=text,
    )


class QueryLibrary:
    """The questions of a project's queries/ folder, by name."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._questions = {path.stem: parse_question(path) for path in sorted(folder.glob("*.rq"))}

    def __iter__(self):
        return iter(self._questions.values())

    def __len__(self) -> int:
        return len(self._questions)

    def names(self) -> list[str]:
        return list(self._questions)

    def get(self, name_or_path: str) -> CompetencyQuestion:
        """A question by name, or any .rq file by path."""
        if name_or_path in self._questions:
            return self._questions[name_or_path]
        candidate = Path(name_or_path)
        if candidate.suffix == ".rq" and candidate.is_file():
            return parse_question(candidate)
        raise InputError(
            f"unknown query {name_or_path!r}; 'strategykg query --list' lists the questions"
        )
