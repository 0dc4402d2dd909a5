"""assembler: builds the proposal documents of a meeting of portfolio holders."""

# The one place the version is written (pyproject.toml reads it from here): asking the
# installed metadata instead costs every command 30 ms of imports.
__version__ = "0.1.0"

# The time the documents' dates are in, whatever the time zone of the machine that builds:
# a build server often runs in UTC.
LOCAL_TIME_ZONE = "Europe/Amsterdam"

__all__ = ["LOCAL_TIME_ZONE", "__version__", "library_versions"]


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
