"""Is a clerk-facing message Dutch? A check for library texts passed on in English."""

from __future__ import annotations

import re

# Words that only show up when a library's English message (libyaml, Jinja, pydantic,
# LibreOffice) was passed on instead of being said in Dutch.
_ENGLISH = re.compile(
    r"\b(the|was|were|is unsafe|expected|unexpected|found|could not|cannot|error|while|"
    r"looking|following|attribute|object|invalid|missing|not allowed|input should|"
    r"value error|field required)\b",
    re.IGNORECASE,
)


def english_words(message: str) -> list[str]:
    """The English words in ``message``, leaving out quoted values and quoted tool output."""
    # A tool's own words after "meldt:" are evidence for the helpdesk, and a quoted value is
    # what the clerk or the template wrote; the rest is ours and must be Dutch.
    said = re.sub(r"'[^']*'", "''", message.split(" meldt: ", 1)[0])
    return _ENGLISH.findall(said)
