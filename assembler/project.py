"""The project: its root folder and where dossiers, templates, schemas and outputs live."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assembler.errors import UsageError, dutch_list

DOSSIER_FILE = "dossier.yaml"
MEETING_FILE = "vergadering.yaml"
ORGANISATION_FILE = "organisatie.yaml"
PUBLICATION_FILE = "publicatie.json"  # in a meeting folder: what its exports published


@dataclass(frozen=True)
class Project:
    """A project folder: the nearest folder upward that holds ``dossiers/``."""

    root: Path

    @property
    def dossiers(self) -> Path:
        """The clerks' data: one folder per meeting."""
        return self.root / "dossiers"

    @property
    def templates(self) -> Path:
        """Word templates, one per document kind."""
        return self.root / "templates"

    @property
    def build(self) -> Path:
        """Generated output, same shape as ``dossiers/``."""
        return self.root / "build"

    @property
    def cache(self) -> Path:
        """Answers kept between builds (records, digests, checks); safe to delete."""
        return self.build / ".cache"

    @property
    def schemas(self) -> Path:
        """JSON Schemas of the YAML files, for editors."""
        return self.root / "schemas"

    @property
    def organisation_file(self) -> Path:
        """The optional organisation settings."""
        return self.dossiers / ORGANISATION_FILE

    def template_for(self, kind: str) -> Path:
        """The Word template of a document kind."""
        return self.templates / f"{kind}.docx"

    def inside(self, path: Path) -> Path:
        """``path`` made absolute, named from the project root where it lies in the project: a
        dossiers/ that is a link to a shared drive names its folders under the link."""
        path = Path(os.path.abspath(path))
        if path.is_relative_to(self.root):
            return path
        resolved = path.resolve()
        for base in (self.dossiers, self.root):  # dossiers/ first: it may be the link
            try:
                return base / resolved.relative_to(base.resolve())
            except (ValueError, OSError):
                continue
        return path

    def display(self, path: Path) -> str:
        """``path`` relative to the project root, as messages show it."""
        if not isinstance(path, Path):
            path = Path(path)
        # Most paths are made from the root: shown as named, without asking the file system
        # about links (a tenth of a no-op build of 300 dossiers went to that).
        named = _named_under(self.root, path)
        if named is not None:
            return named
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


@lru_cache(maxsize=4096)
def _named_under(root: Path, path: Path) -> str | None:
    """``path`` relative to ``root`` as written, when it is written under it; else None.

    Text alone, no file system: kept, as one dossier's folder is shown in many messages."""
    if path.is_absolute() and ".." not in path.parts and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return None


def holds_dossier(folder: Path) -> bool | None:
    """Whether ``folder`` is a folder with a dossier.yaml; None when it cannot be looked into."""
    try:
        return folder.is_dir() and stands_for_a_file(folder / DOSSIER_FILE)
    except OSError:  # no rights on it (on a shared drive): said where it is read
        return None


def stands_for_a_file(path: Path) -> bool:
    """Whether something that is no folder is at ``path``: a file, or a pipe or device put in
    its place, which reading refuses as that (rather than it being said to be missing)."""
    return path.exists() and not path.is_dir()


def working_folder() -> Path:
    """The working folder as the shell names it (``pwd``), links kept; else as the system does."""
    physical = Path.cwd()
    logical = os.environ.get("PWD", "")
    # Inside a project whose dossiers/ is a link to a shared drive, the system's name of the
    # working folder is on that drive, above which there is no project (or another one).
    try:
        if os.path.isabs(logical) and os.path.samefile(logical, physical):
            return Path(os.path.normpath(logical))
    except OSError:
        pass
    return physical


def find_project(start: Path | None = None, paths: Sequence[Path] = ()) -> Project:
    """Find the project from ``start`` (default: the working folder, links kept) upward; when
    that is in no project, from ``paths`` (the paths a command was given), which must then all
    be in one project: a cron job or CI run need not change folder first."""
    here = Path(os.path.abspath(start or working_folder()))
    found = _project_above(here)
    if found is not None:
        return found
    nowhere = (
        f"geen project gevonden: er is geen map 'dossiers' in {here} of erboven "
        "(ga met cd naar de projectmap, de map waarin 'dossiers' staat; alleen voor een nieuw "
        "project maakt u zelf een map 'dossiers'"
    )
    if not paths:
        raise UsageError(f"{nowhere})")
    # Made absolute from the working folder as the shell names it, as a relative path is meant.
    projects = {path: _project_above(Path(os.path.abspath(here / path))) for path in paths}
    roots = {project.root for project in projects.values() if project is not None}
    if len(roots) == 1 and None not in projects.values():
        return Project(roots.pop())
    if not roots:
        lie = "ligt" if len(paths) == 1 else "liggen"
        given = dutch_list([f"'{path}'" for path in paths])
        raise UsageError(
            f"{nowhere}, of geef een pad in een project: {given} {lie} in geen project)"
        )
    where = "; ".join(
        f"'{path}' in {'geen project' if project is None else project.root}"
        for path, project in projects.items()
    )
    raise UsageError(
        f"geen project gevonden: er is geen map 'dossiers' in {here} of erboven, en de opgegeven "
        f"paden liggen niet in één project ({where}) (ga naar de projectmap, of geef alleen "
        "paden in één project)"
    )


def _project_above(start: Path) -> Project | None:
    """The project of ``start``: the nearest folder upward that holds ``dossiers/``."""
    for folder in (start, *start.parents):
        if (folder / "dossiers").is_dir():
            return Project(folder)
    return None
