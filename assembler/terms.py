"""Text as the confidentiality gate compares it, for the checks that warn before it runs.

Light on purpose: validation imports it, and the gate (with pikepdf) is loaded only to export.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MIN_TERM_CHARS", "searched", "squash"]

# Terms shorter than this (after squashing) match by accident in unrelated text; a kenmerk is
# always checked, whatever its length.
MIN_TERM_CHARS = 12

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)
_SPACE = re.compile(r"\s+", re.UNICODE)


def squash(text: str) -> str:
    """Text reduced for matching: NFKC, case-folded, plain dashes and quotes, no white space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_DASHES).translate(_QUOTES).replace("\u00ad", "")
    return _SPACE.sub("", text)


def searched(text: str, *, always: bool = False) -> bool:
    """Whether the gate looks for ``text``: long enough to mean something, or a kenmerk."""
    return bool(text) and (always or len(squash(text)) >= MIN_TERM_CHARS)
