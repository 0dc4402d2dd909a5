"""assembler: builds the proposal documents of a meeting of portfolio holders."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("assembler")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
