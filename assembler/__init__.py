"""assembler: builds the proposal documents of a meeting of portfolio holders."""

# The one place the version is written (pyproject.toml reads it from here): asking the
# installed metadata instead costs every command 30 ms of imports.
__version__ = "0.1.0"

__all__ = ["__version__"]
