"""assembler: builds the proposal documents of a meeting of portfolio holders."""

# The one place the version is written (pyproject.toml reads it from here): asking the
# installed metadata instead costs every command 30 ms of imports. Raise the minor version
# whenever a kept file's form, an output or what a clerk sees changes (README.md, "For
# developers", "Versions").
__version__ = "0.31.0"

# The time the documents' dates are in, whatever the time zone of the machine that builds:
# a build server often runs in UTC.
LOCAL_TIME_ZONE = "Europe/Amsterdam"

__all__ = ["LOCAL_TIME_ZONE", "__version__", "library_versions", "version_line"]


def library_versions(*names: str) -> str:
    """A line "name version" per installed distribution ("-" when missing), for cache keys."""
    from importlib import metadata

    lines = []
    for name in names:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        lines.append(f"{name} {version}\n")
    return "".join(lines)


def version_line() -> str:
    """``assembler 0.31.0 (ee43c4e)``: the version, and the commit when the package runs from
    a git checkout (an editable install from the repository); the plain version when git or
    the checkout is not there. Asks git, so only for ``--version``."""
    import subprocess
    from pathlib import Path

    line = f"assembler {__version__}"
    root = Path(__file__).resolve().parent.parent
    # The repository's own top: not a git repository around an installed copy (a .venv in
    # a checkout holds one in site-packages).
    if not (root / ".git").exists() or not (root / "pyproject.toml").is_file():
        return line
    try:
        found = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return line
    commit = found.stdout.strip()
    if found.returncode != 0 or not commit.isalnum():
        return line
    return f"{line} ({commit})"
