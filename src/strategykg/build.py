"""Build a release: dumps, VoID/DCAT, documentation, diagram and a static site, from the sources alone.

``build(kg, out)`` writes ``out/<version>/`` (the version is the ontology's ``owl:versionInfo``)
and points ``out/latest`` at the newest version there::

    <version>/
      README.md            what is where, and how to serve it
      CHANGELOG.md         this release's entry (compared with --previous), then older entries
      SHA256SUMS           every file of the release (sha256sum -c SHA256SUMS)
      server/nginx.conf    content negotiation for nginx (include it in a server block)
      server/apache.conf   the same for Apache (site/.htaccess holds it too)
      site/                the web root for the base IRI: a page and RDF files per resource,
                           the ontology documentation (English, French) and its diagram,
                           dumps/<version>/ (every part in every format, gzipped, checksums),
                           /.well-known/void, context/<version>.jsonld, sources/, changes/

Everything is written to a temporary folder next to the release and renamed into place at the
end, so a failed build leaves the previous release (or nothing) behind, never half a release.
The same sources give the same bytes: no clock is read; dates come from the ontology header.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from strategykg.describe import dataset_description
from strategykg.diff import Diff, Side, compare, first_release_entry, read_side
from strategykg.dumps import FORMATS, write_dumps
from strategykg.load import KnowledgeGraph
from strategykg.namespaces import DEFAULT_BASE
from strategykg.release import Release, prepare
from strategykg.site import SiteWriter
from strategykg.webconf import apache_conf, htaccess, nginx_conf


class Progress(Protocol):
    """Where a build reports how far it is (the CLI shows a progress bar on stderr)."""

    def start(self, stage: str, total: int | None = None) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class _Silent:
    def start(self, stage: str, total: int | None = None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


class ConsoleProgress:
    """Progress on stderr: a bar per stage on a terminal, one line per stage in a log, or nothing."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self._progress = None
        self._task = None
        self._log = None

    def __enter__(self) -> ConsoleProgress:
        if self.quiet:
            return self
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = Console(stderr=True)
        if not console.is_terminal:
            self._log = console
            return self
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        )
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, stage: str, total: int | None = None) -> None:
        if self._log is not None:
            self._log.print(
                f"strategykg: {stage}" + (f" ({total})" if total else ""), highlight=False
            )
        if self._progress is None:
            return
        if self._task is not None:
            self._progress.update(self._task, completed=self._progress.tasks[-1].total or 1)
        self._task = self._progress.add_task(stage, total=total or 1, completed=0)

    def advance(self, steps: int = 1) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, steps)


@dataclass
class BuildReport:
    """What a build wrote."""

    version: str
    folder: Path
    latest: Path | None
    files: int
    bytes: int
    triples: int
    resources: int
    changes: Diff | None = None
    warnings: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        """A few lines for the person who ran the build."""
        lines = [
            f"Built release {self.version} in {self.folder} ({self.files} files, "
            f"{self.bytes / 1e6:.1f} MB; {self.triples} triples, {self.resources} resource pages "
            "in English and French)",
            f"  documentation  {self.documentation} (French: ontology.fr.html)",
            f"  site           {self.index}",
            f"  dumps          {self.folder / 'site' / 'dumps' / self.version}",
        ]
        if self.latest is not None:
            lines.append(
                f"  latest         {self.latest} -> {os.readlink(self.latest) if self.latest.is_symlink() else self.latest}"
            )
        if self.changes is not None:
            lines.append(f"  changes        {self.changes.summary()} (see CHANGELOG.md)")
        return "\n".join(lines)

    @property
    def documentation(self) -> Path:
        return self.folder / "site" / "ontology.html"

    @property
    def index(self) -> Path:
        return self.folder / "site" / "index.html"


def build(
    kg: KnowledgeGraph,
    out: Path | str = "dist",
    *,
    base: str = DEFAULT_BASE,
    previous: Path | str | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Write the release of kg under out/<version>/ and return what was written.

    base is the IRI the release is published under (IRIs under the project's base are moved to
    it). previous, a build folder or a source tree, is compared with this release to write the
    CHANGELOG entry and an RDF Patch.
    """
    progress = progress or _Silent()
    out = Path(out)
    progress.start("Preparing the release")
    release = prepare(kg, base)
    old_side = read_side(previous) if previous is not None else None
    version = release.info.version
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{version}.building-", dir=out))
    # mkdtemp makes a private folder; a release is for web servers and people to read.
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(0o777 & ~umask)
    try:
        report = _write_release(release, work, old_side, progress)
        progress.start("Publishing")
        final = out / version
        _replace_folder(work, final)
        report.folder = final
        report.latest = _point_latest(out)
        return report
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _write_release(
    release: Release, folder: Path, old_side: Side | None, progress: Progress
) -> BuildReport:
    info = release.info
    site = folder / "site"
    dumps_folder = site / "dumps" / info.version
    progress.start("Dumps", total=(len(release.parts) + 1) * len(FORMATS))
    dumps = write_dumps(release, dumps_folder, progress=progress.advance)
    _write_checksums(dumps_folder, dumps_folder / "SHA256SUMS")

    changes: Diff | None = None
    change_links: list[tuple[str, str]] = []
    if old_side is not None:
        progress.start("Comparing with the previous release")
        new_side = Side(
            name=f"this build ({info.version})",
            triples=release.triples(),
            prefixes=release.prefixes,
            version=info.version,
        )
        changes = compare(old_side, new_side)
        patch_path = f"changes/{info.version}.rdfp"
        entry_path = f"changes/{info.version}.md"
        _write(site / patch_path, changes.as_patch().encode("utf-8"))
        entry = changes.changelog(info.version, info.modified, patch=f"site/{patch_path}")
        _write(
            site / entry_path,
            changes.changelog(info.version, info.modified, patch=f"{info.version}.rdfp").encode(
                "utf-8"
            ),
        )
        change_links = [("Markdown", entry_path), ("RDF Patch", patch_path)]
    else:
        entry = first_release_entry(
            info.version, info.modified, len(release.triples()), _count_resources(release)
        )

    progress.start("Describing the dataset")
    description = dataset_description(
        release=release,
        distributions=dumps,
        previous_version=changes.old.version if changes is not None else None,
    )
    writer = SiteWriter(release, description, dumps, site, changes=change_links)
    documents, _ = writer.documents()
    progress.start("Site pages", total=len(documents))
    site_report = writer.write(progress=progress.advance)

    progress.start("Server configuration and checksums")
    _write(site / ".htaccess", htaccess(info.version).encode("utf-8"))
    _write(folder / "server" / "nginx.conf", nginx_conf(info.version).encode("utf-8"))
    _write(folder / "server" / "apache.conf", apache_conf(info.version).encode("utf-8"))
    _write(folder / "CHANGELOG.md", _changelog(entry, old_side).encode("utf-8"))
    _write(folder / "README.md", _readme(release).encode("utf-8"))
    _write_checksums(folder, folder / "SHA256SUMS")

    written = [p for p in folder.rglob("*") if p.is_file()]
    warnings = [f"no file in the site for <{iri}>" for iri in site_report.unresolved]
    if not info.version_iri.rstrip("/").endswith("/" + info.version):
        warnings.append(
            f"owl:versionIRI <{info.version_iri}> does not end with owl:versionInfo "
            f"{info.version!r}, which names the release folder"
        )
    return BuildReport(
        version=info.version,
        folder=folder,
        latest=None,
        files=len(written),
        bytes=sum(p.stat().st_size for p in written),
        triples=len(release.triples()),
        resources=len(site_report.documents),
        changes=changes,
        warnings=warnings,
    )


def _count_resources(release: Release) -> int:
    return len(
        {t.subject for t in release.triples() if t.subject.__class__.__name__ == "NamedNode"}
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _write_checksums(folder: Path, target: Path) -> None:
    """SHA256SUMS in the format of sha256sum(1), paths relative to folder, sorted."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p != target):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _changelog(entry: str, old_side: Side | None) -> str:
    """This release's entry above the previous build's CHANGELOG, if the previous was a build."""
    text = "# Changelog\n\n" + entry
    if old_side is not None and old_side.folder is not None:
        older = old_side.folder / "CHANGELOG.md"
        if older.is_file():
            previous = older.read_text(encoding="utf-8").removeprefix("# Changelog\n\n")
            heading = entry.split("\n", 1)[0].split(" (", 1)[0]
            if previous.startswith(heading + " ("):  # a rebuild of the same version replaces it
                previous = previous.partition("\n## ")[2]
                previous = "## " + previous if previous else ""
            if previous:
                text += "\n" + previous
    return text


def _readme(release: Release) -> str:
    info = release.info
    title = info.titles.get("en", "")
    return f"""# {title}, release {info.version}

Built by `strategykg build` from the project's sources; the same sources give the same bytes.
Published under the base IRI {release.base}; `site/` stands for that IRI.

- `site/index.html` (and `index.fr.html`): start here.
- `site/ontology.html` (and `ontology.fr.html`): the ontology's documentation, with its diagram
  (`site/ontology.svg`).
- `site/dumps/{info.version}/`: the whole dataset and each part (ontology, themes, shapes, data) in
  Turtle, N-Triples, JSON-LD, RDF/XML, TriG and N-Quads, each also gzipped, with SHA256SUMS.
- `site/.well-known/void.ttl`: the VoID and DCAT description (sizes, checksums, statistics).
- `CHANGELOG.md`: what changed; `site/changes/` holds the RDF Patch when a previous release was given.
- `SHA256SUMS`: every file of this release (`sha256sum -c SHA256SUMS`).

To serve the site with content negotiation, include `server/nginx.conf` in an nginx server block
whose root is `site/`, or use `site/.htaccess` (or `server/apache.conf`) with Apache.
"""


_VERSION_PART = re.compile(r"\d+|[^\d.+-]+")


def _version_key(name: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _VERSION_PART.findall(name))


def _replace_folder(work: Path, final: Path) -> None:
    """Move the finished release into place; an older build of the same version is replaced."""
    old = None
    if final.exists() or final.is_symlink():
        old = final.with_name(f".{final.name}.replaced-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        final.rename(old)
    work.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _point_latest(out: Path) -> Path | None:
    """out/latest -> the highest version in out (a relative symlink; a copy where links fail)."""
    versions = [
        p.name
        for p in out.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and p.name != "latest"
    ]
    if not versions:
        return None
    newest = max(versions, key=_version_key)
    link = out / "latest"
    temporary = out / f".latest-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    try:
        os.symlink(newest, temporary, target_is_directory=True)
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        os.replace(temporary, link)
    except OSError:
        if temporary.is_symlink():
            temporary.unlink()
        if link.is_symlink():
            link.unlink()
        elif link.exists():
            shutil.rmtree(link)
        shutil.copytree(out / newest, link)
    return link


__all__ = ["BuildReport", "Progress", "build"]
