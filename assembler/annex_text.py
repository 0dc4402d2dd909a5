"""The gate's facts of a PDF, the text of each annex kept by content, and the confidential
terms that text names.

Light on purpose (no pikepdf): a build in which nothing changed asks only what it found
before (see confidential.annexes_naming_confidential); the gate reads PDFs and fills these.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.fsutil import read_json, write_cache_text
from assembler.terms import Term, names

__all__ = [
    "ANNEX_FACTS_FOLDER",
    "FACTS_VERSION",
    "TEXT_FACTS_VERSION",
    "PdfFacts",
    "facts_from",
    "keep_annex_facts",
    "kept_annex_facts",
    "pages_facts_version",
    "terms_named",
    "text_facts_version",
]

ANNEX_FACTS_FOLDER = "bijlagetekst"
"""In ``build/.cache``: the gate's facts with text of each public annex PDF, one file per
content (its SHA-256), written by the annex intake's children (keep_annex_facts) so that
``check`` and ``build`` warn of a confidential kenmerk or title in it (see
confidential.annexes_naming_confidential), and an export's gate does not read it again."""

# Raised when gate.analyse_pdf makes other facts of the same bytes (what it reads, how it
# squashes; 2: quotation marks left out).
FACTS_VERSION = 2
# Raised when only the text it reads changes, so the pages kept are still used (2: the text
# of every appearance of every annotation, printed only, rollover, down).
TEXT_FACTS_VERSION = 2


@dataclass(frozen=True)
class PdfFacts:
    """What the gate needs to know about one PDF."""

    sha256: str
    embedded: tuple[str, ...]  # SHA-256 of each embedded file
    pages: tuple[frozenset[str], ...]  # the hashes of each page's parts
    # By where a reader finds it: "" for the pages' own text, then the bookmarks, the
    # document properties, annotations, form fields, links and page labels, embedded files
    # and every other text of the file's objects. Each squashed, and loosened (see
    # terms.loosen) where names and slugs are written, "" in running text.
    texts: tuple[tuple[str, str, str], ...]
    unread: tuple[str, ...] = ()  # what of its text could not be read: "pagina 3", …


def facts_from(digest: str, stored: Any) -> PdfFacts | None:
    """The facts of the file with ``digest`` as kept in JSON; None when broken."""
    if not isinstance(stored, dict):
        return None
    try:
        return PdfFacts(
            digest,
            tuple(str(sha) for sha in stored["embedded"]),
            tuple(frozenset(str(part) for part in parts) for parts in stored["pages"]),
            tuple((str(w), str(t), str(lo)) for w, t, lo in stored.get("texts", ())),
            tuple(str(part) for part in stored.get("unread", ())),
        )
    except (KeyError, TypeError, ValueError):
        return None


def pages_facts_version() -> str:
    """What the facts without text kept depend on besides the file: the gate's reading and
    pikepdf's."""
    from assembler import library_versions

    return f"{FACTS_VERSION}\n{library_versions('pikepdf')}"


def text_facts_version() -> str:
    """What the text facts kept depend on besides the file: the gate's reading, pikepdf's,
    pypdf's and poppler's."""
    from assembler import library_versions

    # The text is pypdf's and poppler's reading, besides what pikepdf reads.
    texts = f"text {TEXT_FACTS_VERSION}\n{library_versions('pypdf')}"
    return f"{pages_facts_version()}{texts}{_poppler()}"


@functools.lru_cache(maxsize=1)
def _poppler() -> str:
    """pdftotext's version line, for the keys of what it read; asked once per installed
    pdftotext (a build that changed nothing starts no process for it)."""
    binary = shutil.which("pdftotext")
    if binary is None:
        return "pdftotext -\n"
    real = os.path.realpath(binary)
    try:
        info = os.stat(real)
    except OSError:
        return "pdftotext -\n"
    # The name found on PATH, as the gate runs it, and the file it is: a wrapper's target.
    stamp = f"{binary}|{real}|{info.st_mtime_ns}:{info.st_size}"
    from assembler.convert import cache_root

    memo = cache_root() / "poppler-version.json"
    with contextlib.suppress(OSError, ValueError):
        kept = read_json(memo)
        if isinstance(kept, dict) and isinstance(kept.get(stamp), str):
            return str(kept[stamp])
    try:
        done = subprocess.run(
            [binary, "-v"], capture_output=True, timeout=10, check=False, text=True
        )
    except (OSError, subprocess.TimeoutExpired):
        return "pdftotext -\n"
    first = (done.stderr or done.stdout).strip().splitlines()
    line = f"{first[0] if first else 'pdftotext ?'}\n"
    # Only a working pdftotext's answer is kept: one that fails now (a library missing) reads
    # no text, and what it read must not pass for a working one's once it is mended.
    if done.returncode == 0 and line.startswith("pdftotext version "):
        with contextlib.suppress(OSError):
            write_cache_text(memo, json.dumps({stamp: line}))
    return line


def kept_annex_facts(cache: Path, digest: str, version: str) -> PdfFacts | None:
    """The facts with text kept of the annex with SHA-256 ``digest``; None when there are none
    of this ``version`` (see text_facts_version)."""
    try:
        data = read_json(cache / ANNEX_FACTS_FOLDER / f"{digest}.json")
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != version:
        return None
    return facts_from(digest, data.get("facts"))


def keep_annex_facts(cache: Path, facts: PdfFacts, version: str) -> None:
    """Keep the facts with text of an annex (see kept_annex_facts)."""
    stored = {
        "pages": [sorted(parts) for parts in facts.pages],
        "embedded": list(facts.embedded),
        "texts": [list(text) for text in facts.texts],
        "unread": list(facts.unread),
    }
    text = json.dumps({"version": version, "facts": stored}, sort_keys=True)
    write_cache_text(cache / ANNEX_FACTS_FOLDER / f"{facts.sha256}.json", text + "\n")


def terms_named(
    facts: PdfFacts, terms: Sequence[Term], meeting: str, *, anywhen: bool = False
) -> list[tuple[str, Term]]:
    """Each of ``terms`` the PDF of ``facts`` names on the public side of ``meeting``, once,
    with where a reader finds it first: as the audit finds it (see gate._file_leaks)."""
    named: list[tuple[str, Term]] = []
    said: set[str] = set()
    for where, text, loose in facts.texts:
        for term in terms:
            if term.text not in said and names(term, text, loose, meeting, anywhen=anywhen):
                named.append((where, term))
        said.update(term.text for _where, term in named)
    return named
