"""Compare two releases or source trees resource by resource, in words, as RDF Patch or as TriG.

Each side is a source tree (a folder with ontology/ and data/), a build (``dist/``, a release
folder such as ``dist/0.1.0``, or its ``site/``), or one RDF file. Both are compared as the
union of their triples (moving a statement between files is not a change). Triples are grouped
by the IRI they describe (its concise bounded description, blank nodes followed); blank nodes
are compared by their RDFC-1.0 canonical form within that description, so unchanged blank node
structures match whatever their labels were. Blank nodes not reachable from any IRI are grouped
as one anonymous resource.

``strategykg diff`` exits 0 when the two sides hold the same triples, 1 when they differ.
"""

from __future__ import annotations

import gzip
import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from strategykg.errors import InputError
from strategykg.namespaces import PREFIXES, curie, longest_first
from strategykg.release import prepare, primary_language, triple_key

ANONYMOUS = "(blank nodes not reachable from any IRI)"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
)
ADDED_GRAPH = "urn:strategykg:diff:added"
REMOVED_GRAPH = "urn:strategykg:diff:removed"


@dataclass
class Side:
    """One side of a comparison: its triples, a name for people, its prefixes."""

    name: str
    triples: list[ox.Triple]
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))
    version: str | None = None
    folder: Path | None = None  # the release folder, when the side is a build
    date: str | None = None  # the release date, when the side is a source tree


@dataclass
class ResourceChange:
    """What changed about one resource."""

    subject: str
    status: str  # added, removed or changed
    added: list[ox.Triple]
    removed: list[ox.Triple]


@dataclass
class Diff:
    """The differences between two sides, per resource."""

    old: Side
    new: Side
    changes: list[ResourceChange]

    @property
    def identical(self) -> bool:
        return not self.changes

    def triples(self, which: str) -> list[ox.Triple]:
        found = {t for c in self.changes for t in (c.added if which == "added" else c.removed)}
        return sorted(found, key=triple_key)

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)

    # -- renderings --------------------------------------------------------------------------

    def summary(self) -> str:
        return (
            f"{_n(self.count('added'), 'resource')} added, {self.count('removed')} removed, "
            f"{self.count('changed')} changed; {_n(len(self.triples('added')), 'triple')} added, "
            f"{len(self.triples('removed'))} removed"
        )

    def as_text(self) -> str:
        """Per resource, in words: + for an added statement, - for a removed one."""
        names = _Names(self.new, self.old)
        lines = [
            f"{self.old.name} ({len(self.old.triples)} triples) -> "
            f"{self.new.name} ({len(self.new.triples)} triples)",
        ]
        if self.identical:
            lines.append("No differences.")
            return "\n".join(lines) + "\n"
        lines.append(self.summary() + ".")
        for status, title, mark in (
            ("added", "Added", "+"),
            ("removed", "Removed", "-"),
            ("changed", "Changed", "~"),
        ):
            changes = [c for c in self.changes if c.status == status]
            if not changes:
                continue
            lines += ["", f"{title} ({len(changes)})"]
            for change in changes:
                lines.append(f"  {mark} {names.resource(change.subject)}")
                for sign, triples in (("-", change.removed), ("+", change.added)):
                    lines += _statements(change.subject, triples, sign, names, "      ")
        return "\n".join(lines) + "\n"

    def as_patch(self) -> str:
        """RDF Patch (https://afs.github.io/rdf-patch/): deletions, then additions, in one transaction."""
        body = [f"D {_nt(t)} ." for t in self.triples("removed")]
        body += [f"A {_nt(t)} ." for t in self.triples("added")]
        digest = hashlib.sha256("\n".join(body).encode("utf-8")).hexdigest()
        patch_id = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sha256:" + digest)
        return "\n".join([f"H id <urn:uuid:{patch_id}> .", "TX .", *body, "TC ."]) + "\n"

    def as_trig(self) -> str:
        """TriG with the removed and the added triples in two named graphs."""
        from strategykg.dumps import trig_bytes

        quads = [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for graph, which in ((REMOVED_GRAPH, "removed"), (ADDED_GRAPH, "added"))
            for t in self.triples(which)
        ]
        prefixes = {**self.old.prefixes, **self.new.prefixes}
        return trig_bytes(quads, prefixes).decode("utf-8")

    def changelog(self, version: str, date: str, patch: str | None = None) -> str:
        """A CHANGELOG entry in Markdown: what a reviewer or a data user wants to know first."""
        names = _Names(self.new, self.old)
        lines = [f"## {version} ({date})", ""]
        against = self.old.version or self.old.name
        if self.identical:
            lines.append(f"Same triples as {against}.")
            return "\n".join(lines) + "\n"
        lines.append(f"Compared with {against}: {self.summary()}.")
        for status, title in (("added", "Added"), ("changed", "Changed"), ("removed", "Removed")):
            changes = [c for c in self.changes if c.status == status]
            if not changes:
                continue
            lines += ["", f"### {title}", ""]
            for change in changes:
                entry = f"- {names.markdown(change.subject)}"
                if status == "changed":
                    entry += ": " + names.what_changed(change)
                lines.append(entry)
        if patch:
            lines += ["", f"Every added and removed triple: [{patch}]({patch}) (RDF Patch)."]
        return "\n".join(lines) + "\n"


def first_release_entry(version: str, date: str, triples: int, resources: int) -> str:
    return f"## {version} ({date})\n\nFirst release: {triples} triples describing {resources} resources.\n"


def compare(old: Side, new: Side) -> Diff:
    """The per-resource differences between two sides."""
    old_groups, new_groups = _resources(old.triples), _resources(new.triples)
    changes = []
    for subject in sorted(set(old_groups) | set(new_groups), key=lambda s: (s == ANONYMOUS, s)):
        before = _canonical(subject, old_groups.get(subject, []))
        after = _canonical(subject, new_groups.get(subject, []))
        if before == after:
            continue
        status = "added" if not before else "removed" if not after else "changed"
        changes.append(
            ResourceChange(
                subject=subject,
                status=status,
                added=sorted(after - before, key=triple_key),
                removed=sorted(before - after, key=triple_key),
            )
        )
    return Diff(old=old, new=new, changes=changes)


def _resources(triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """Each IRI subject's concise bounded description; unreachable blank nodes as one group."""
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append(t)
    groups: dict[str, list[ox.Triple]] = {}
    reached: set[object] = set()
    for subject in by_subject:
        if not isinstance(subject, ox.NamedNode):
            continue
        found, stack = [], [subject]
        seen = {subject}
        while stack:
            node = stack.pop()
            for t in by_subject.get(node, []):
                found.append(t)
                if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                    seen.add(t.object)
                    reached.add(t.object)
                    stack.append(t.object)
        groups[subject.value] = found
    orphans = [
        t
        for s, ts in by_subject.items()
        if isinstance(s, ox.BlankNode) and s not in reached
        for t in ts
    ]
    if orphans:
        groups[ANONYMOUS] = orphans
    return groups


def _canonical(subject: str, triples: list[ox.Triple]) -> set[ox.Triple]:
    """The triples with canonical blank node labels, unique to the resource they belong to."""
    if not any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
    ):
        return set(triples)
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    scope = hashlib.sha256(subject.encode("utf-8")).hexdigest()[:10]

    def rename(term):
        return ox.BlankNode(f"r{scope}{term.value}") if isinstance(term, ox.BlankNode) else term

    return {ox.Triple(rename(q.subject), q.predicate, rename(q.object)) for q in dataset}


# ---------------------------------------------------------------------------
# Reading a side
# ---------------------------------------------------------------------------

_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
}


def read_side(path: Path | str) -> Side:
    """A source tree, a build folder or an RDF file, as one side of a comparison."""
    path = Path(path)
    if path.is_dir() and (path / "ontology").is_dir() and (path / "data").is_dir():
        from strategykg.load import load

        release = prepare(load(path))
        return Side(
            name=f"sources {path} ({release.info.version})",
            triples=release.triples(),
            prefixes=release.prefixes,
            version=release.info.version,
            date=release.info.modified,
        )
    if path.is_dir():
        dump = find_dump(path)
        version = dump.parent.name
        release_folder = dump.parents[3] if dump.parents[2].name == "site" else None
        triples, prefixes = _read_file(dump)
        return Side(
            name=f"build {path} ({version})",
            triples=triples,
            prefixes={**PREFIXES, **prefixes},
            version=version,
            folder=release_folder,
        )
    if path.is_file():
        triples, prefixes = _read_file(path)
        return Side(name=str(path), triples=triples, prefixes={**PREFIXES, **prefixes})
    raise InputError("no such file or folder", path=str(path))


def find_dump(folder: Path) -> Path:
    """The whole-dataset Turtle dump of a build: dist/, dist/<version>/ or its site/."""
    for candidate in (folder / "latest", folder):
        for site in (candidate / "site", candidate):
            found = sorted((site / "dumps").glob("*/strategykg.ttl"))
            if len(found) == 1:
                return found[0]
            if len(found) > 1 and candidate.resolve().name in {f.parent.name for f in found}:
                return next(f for f in found if f.parent.name == candidate.resolve().name)
    raise InputError(
        "not a source tree (ontology/ and data/), a build (site/dumps/<version>/strategykg.ttl) "
        "or an RDF file",
        path=str(folder),
    )


def _read_file(path: Path) -> tuple[list[ox.Triple], dict[str, str]]:
    suffixes = path.suffixes
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    extension = suffixes[-2] if compressed and len(suffixes) > 1 else path.suffix
    fmt = _FORMATS.get(extension.lower())
    if fmt is None:
        raise InputError(f"cannot tell the RDF format of {path.name}", path=str(path))
    data = gzip.decompress(path.read_bytes()) if compressed else path.read_bytes()
    try:
        parser = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in parser}
    except SyntaxError as error:
        raise InputError(str(error.msg or error), path=str(path), line=error.lineno) from None
    prefixes = dict(getattr(parser, "prefixes", {}) or {})
    return sorted(triples, key=triple_key), prefixes


# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------


class _Names:
    """Labels and prefixed names for people, from the new side first."""

    def __init__(self, *sides: Side):
        self.prefixes = longest_first(
            {p: ns for side in reversed(sides) for p, ns in side.prefixes.items()}
        )
        self.labels: dict[str, str] = {}
        self.types: dict[str, str] = {}
        for side in sides:
            for prop in LABEL_PROPERTIES:
                for t in side.triples:
                    if t.predicate.value != prop or not isinstance(t.object, ox.Literal):
                        continue
                    key = str(t.subject.value) if isinstance(t.subject, ox.NamedNode) else None
                    if (
                        key
                        and key not in self.labels
                        and primary_language(t.object.language) in ("en", "")
                    ):
                        self.labels[key] = t.object.value
            for t in side.triples:
                if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode):
                    self.types.setdefault(
                        t.subject.value,
                        t.object.value if isinstance(t.object, ox.NamedNode) else "",
                    )

    def curie(self, iri: str) -> str:
        short = curie(iri, self.prefixes)
        return short if short != iri else f"<{iri}>"

    def term(self, term: object) -> str:
        if isinstance(term, ox.NamedNode):
            label = self.labels.get(term.value)
            curie = self.curie(term.value)
            return f'{curie} "{label}"' if label else curie
        if isinstance(term, ox.BlankNode):
            return "[ ]"
        assert isinstance(term, ox.Literal)
        quoted = '"' + term.value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype.value == XSD_STRING:
            return quoted
        return f"{quoted}^^{self.curie(term.datatype.value)}"

    def prop(self, iri: str) -> str:
        label = self.labels.get(iri)
        return f"{label} ({self.curie(iri)})" if label else self.curie(iri)

    def resource(self, subject: str) -> str:
        if subject == ANONYMOUS:
            return subject
        label = self.labels.get(subject)
        kind = self.types.get(subject)
        text = self.curie(subject)
        if label:
            text += f' "{label}"'
        if kind:
            text += f" ({self.labels.get(kind) or self.curie(kind)})"
        return text

    def markdown(self, subject: str) -> str:
        if subject == ANONYMOUS:
            return subject
        label = self.labels.get(subject)
        return f"{label} (`{self.curie(subject)}`)" if label else f"`{self.curie(subject)}`"

    def what_changed(self, change: ResourceChange) -> str:
        added = {t.predicate.value for t in change.added if t.subject.value == change.subject}
        removed = {t.predicate.value for t in change.removed if t.subject.value == change.subject}
        nested = not (added or removed)
        words = []
        for prop in sorted(added | removed, key=self.prop):
            verb = (
                "changed"
                if prop in added and prop in removed
                else "added"
                if prop in added
                else "removed"
            )
            words.append(f"{verb} {self.labels.get(prop) or self.curie(prop)}")
        if nested or any(
            isinstance(t.subject, ox.BlankNode) for t in change.added + change.removed
        ):
            words.append("changed nested details")
        return "; ".join(words)


def _statements(
    subject: str, triples: list[ox.Triple], sign: str, names: _Names, indent: str
) -> list[str]:
    """The triples of one side of a change as indented lines, blank nodes nested under their parent."""
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_subject[str(t.subject)].append(t)
    lines: list[str] = []
    shown: set[str] = set()

    def walk(node_key: str, depth: int) -> None:
        if node_key in shown:
            return
        shown.add(node_key)
        for t in sorted(by_subject.get(node_key, []), key=triple_key):
            lines.append(
                f"{indent}{'  ' * depth}{sign} {names.prop(t.predicate.value)}: {names.term(t.object)}"
            )
            if isinstance(t.object, ox.BlankNode):
                walk(str(t.object), depth + 1)

    roots = [f"<{subject}>"] if subject != ANONYMOUS else sorted(by_subject)
    for root in roots:
        walk(root, 0)
    for key in sorted(set(by_subject) - shown):
        walk(key, 0)
    return lines


def _nt(t: ox.Triple) -> str:
    return f"{t.subject} {t.predicate} {t.object}"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
