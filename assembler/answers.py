"""Answers a build keeps for the next one, for checks it would otherwise repeat on the same text.

A build reads and checks every dossier, also the ones that did not change; a few checks cost
more than the reading (parsing each Markdown text, comparing each field of a public dossier with
the confidential titles: together half a second for 300 dossiers). Within
:func:`remembered`, :func:`recall` answers from the store what the last build answered for the
same question, and the store keeps this build's answers, for the questions it asked, for the
next. ``check`` and ``export`` read every meeting too and use the same store; outside it every
answer is worked out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assembler.fsutil import read_json, write_cache_text

__all__ = ["STORE_NAME", "key_of", "recall", "remembered"]

# Raised when an answer's form changes; each question also names the version of its check.
STORE_VERSION = 1
# The store in build/.cache, shared by build, check and export.
STORE_NAME = "controles.json"

T = TypeVar("T")


@dataclass
class _Answers:
    """The last build's answers, by question, and this build's."""

    before: dict[str, Any]
    now: dict[str, Any] = field(default_factory=dict)


_ANSWERS: ContextVar[_Answers | None] = ContextVar("assembler_answers", default=None)


@contextmanager
def remembered(store: Path, *, keep: bool = True) -> Iterator[None]:
    """Within: questions asked by the last build are answered from ``store``; after: this
    build's answers are kept there (when they differ), for the questions it asked, unless not
    to ``keep`` them (an export, which writes nothing when its gate refuses)."""
    before: dict[str, Any] = {}
    with suppress(OSError, ValueError, KeyError, TypeError):
        kept = read_json(store)
        if kept["versie"] == STORE_VERSION and isinstance(kept["antwoorden"], dict):
            before = kept["antwoorden"]
    answers = _Answers(before)
    token = _ANSWERS.set(answers)
    try:
        yield
    finally:
        _ANSWERS.reset(token)
    if keep and answers.now != answers.before:
        kept = {"versie": STORE_VERSION, "antwoorden": answers.now}
        write_cache_text(store, json.dumps(kept, ensure_ascii=False) + "\n")


def key_of(*parts: str) -> str:
    """A question's key: the hash of everything its answer depends on."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def recall(
    key: str,
    work_out: Callable[[], T],
    to_json: Callable[[T], Any],
    from_json: Callable[[Any], T],
) -> T:
    """The answer to question ``key``: the last build's if it is kept, else worked out."""
    answers = _ANSWERS.get()
    if answers is None:
        return work_out()
    if key in answers.before:
        kept = answers.before[key]
        try:
            answer = from_json(kept)
        except (ValueError, TypeError, KeyError):
            answer = work_out()  # a damaged store only means: work it out again
            kept = to_json(answer)
    else:
        answer = work_out()
        kept = to_json(answer)
    answers.now[key] = kept
    return answer
