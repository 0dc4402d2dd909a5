"""Text as the confidentiality gate compares it, for the checks that warn before it runs.

Light on purpose: validation imports it, and the gate (with pikepdf) is loaded only to export.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assembler.project import DOSSIER_FILE, Project

if TYPE_CHECKING:
    from assembler.inputs import MeetingInput
    from assembler.references import ArchivedSecret

__all__ = [
    "MIN_TERM_CHARS",
    "MIN_TERM_CHARS_ELSEWHERE",
    "Term",
    "archived_terms",
    "confidential_terms",
    "loosen",
    "names",
    "public_words",
    "searched",
    "squash",
]

# Terms shorter than this (after squashing) match by accident in unrelated text; a kenmerk is
# always checked, whatever its length.
MIN_TERM_CHARS = 12
# A title at least this long (after squashing) is searched in every meeting; a shorter one
# ("Stand van zaken", "Begroting 2025") only from its dossier's time on (see confidential_terms).
MIN_TERM_CHARS_ELSEWHERE = 30

# Character classes, not translate tables: a regular expression skips text without them at C
# speed, where str.translate looks up every character (three times slower over a dossier).
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
# Quotation marks and apostrophes of any kind: a title retyped without its quotes, or with
# them moved ("Grondbeleid “De Zuidpoort”" as Grondbeleid De Zuidpoort), is the title.
_QUOTES = re.compile("[\"'`\u00ab\u00b4\u00bb\u2018-\u201f\u2032\u2033\u2039\u203a]")
# And soft hyphens, zero-width spaces and joiners, direction marks, word joiners and BOMs:
# pasted text carries them unseen, and a PDF's text often lacks them.
_SPACE = re.compile(r"[\s\u00ad\u200b-\u200f\u2060\ufeff]+", re.UNICODE)


# Cyrillic and Greek letters that print as Latin ones: "Woningbouwimpуls" with a Cyrillic у
# reads, on a printed agenda, as the confidential title. The table is Unicode's confusables of
# Cyrillic and Greek letters that are one Latin letter, a-z or A-Z; case by case before
# case-folding, since a capital and its small letter may look like different Latin letters (Н
# is H, н is not h). Where Unicode says l for a capital I-stroke (І, Ӏ, Ι) it is I here, and
# Cyrillic у is u (as it is transliterated, and as it reads in a Dutch word; ү is y). Not
# folded: what Unicode does not list (the small capitals к, м, н, т), letters that look like two
# (Ы as bl), letters of other scripts (Armenian ս, Cherokee) and Latin letters that look like
# others (ɑ, dotless ı, small capitals).
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХУІЈЅҮӀԌԚԜѴЬаеорсхуіјѕԁһԛԝүӏѵѡгҽꙇ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹͿϜϺαικνορτυχγσϲϳᴦ",  # Greek
    "ABEKMHOPCTXYIJSYIGQWVbaeopcxuijsdhqwylvwrei"  # Cyrillic
    "ABEZHIKMNOPTYXCJFMaikvoptuxyocjr",  # Greek
)
# NFKC makes the lunate sigmas ϲ and Ϲ the sigmas ς and Σ, which print as neither c nor C: they
# are read first.
_LUNATE_SIGMAS = str.maketrans("\u03f2\u03f9", "cC")
# And such a letter with an accent or diaeresis (Cyrillic ё, ї, ӧ; Greek ό, ϊ) prints as the
# Latin one with it (ë, ï, ö, ó), which Dutch words have: read apart, folded, put together.
_ACCENTED = "".join(
    char
    for char in map(chr, [*range(0x0370, 0x0530), *range(0x1F00, 0x2000)])
    if len(decomposed := unicodedata.normalize("NFD", char)) > 1
    and ord(decomposed[0]) in _LOOKALIKES
)
_LOOKALIKE = re.compile("[" + "".join(chr(code) for code in _LOOKALIKES) + _ACCENTED + "]")


def squash(text: str) -> str:
    """Text reduced for matching: NFKC, Latin look-alikes folded, case-folded, plain dashes,
    no quotation marks, no white space."""
    if "\u03f2" in text or "\u03f9" in text:  # a string search: all but free
        text = text.translate(_LUNATE_SIGMAS)
    text = unicodedata.normalize("NFKC", text)
    if _LOOKALIKE.search(text):  # rarely: translating every text costs three times as much
        folded = unicodedata.normalize("NFD", text).translate(_LOOKALIKES)
        text = unicodedata.normalize("NFC", folded)
    text = text.casefold()
    text = _DASHES.sub("-", text)
    text = _QUOTES.sub("", text)
    return _SPACE.sub("", text)


# Squashed text without its punctuation: a title written as a file name or a slug
# ("onderhandelingsmandaat-provinciale-bijdrage") is the title all the same.
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
# A term shorter than this without its punctuation ("Z/23/1234" as z231234) would turn up by
# accident among the numbers and names a PDF's objects hold.
MIN_LOOSE_CHARS = 9


def loosen(squashed: str) -> str:
    """Squashed text without punctuation, for names and metadata; "" for a term too short."""
    loose = _PUNCTUATION.sub("", squashed)
    return loose if len(loose) >= MIN_LOOSE_CHARS else ""


@functools.lru_cache(maxsize=4096)
def _loose_key(key: str) -> str:
    """loosen of a term's key, kept: asked for every text searched."""
    return loosen(key)


def searched(text: str, *, always: bool = False) -> bool:
    """Whether the gate looks for ``text``: long enough to mean something, or a kenmerk."""
    return bool(text) and (always or len(squash(text)) >= MIN_TERM_CHARS)


@dataclass(frozen=True)
class Term:
    """A confidential dossier's kenmerk, onderwerp or annex description: not for the public."""

    text: str
    what: str  # "het kenmerk", "het onderwerp", "de omschrijving van bijlage 2"
    source: str  # the dossier's dossier.yaml, as a project path
    # The meetings whose public side must not show it; None: every meeting's.
    meetings: frozenset[str] | None = None
    always: bool = False  # checked whatever its length (kenmerk)
    # Whether its dossier.yaml is there to reword: a withdrawn dossier's is gone (its titles
    # come from publicatie.json), so a common title of it cannot be made more specific.
    rewordable: bool = True

    def advice(self, mend: str = "haal die tekst uit de openbare stukken") -> str:
        """How to mend a public text that shows it: a common title may be the wrong one."""
        if self.always or not self.rewordable:
            return mend
        return (
            f"{mend}, of maak, als het een gangbare titel is, {self.what} van het "
            "vertrouwelijke dossier specifieker"
        )

    def shared_with(self, public: Collection[str]) -> bool:
        """Whether a public dossier's kenmerk, onderwerp or annex description (squashed, see
        public_words) is this term word for word: then it is public, and not searched for.

        Never a kenmerk: it names one dossier only, so a public field that is the kenmerk is
        the leak itself, not a title both dossiers happen to share.
        """
        return not self.always and self.key in public

    def searched_in(self, meeting: str) -> bool:
        """Whether the public side of ``meeting`` is searched for this term."""
        return self.meetings is None or meeting in self.meetings

    @functools.cached_property
    def key(self) -> str:
        """The text squashed, as it is searched (see squash)."""
        # Kept: a build searches every public annex's texts for every term (names).
        return squash(self.text)


def names(term: Term, squashed: str, loose: str, meeting: str, *, anywhen: bool = False) -> bool:
    """Whether a text (squashed, and loosened where names are written) shows ``term``, as the
    gate finds it; what warns before the export asks the same. ``anywhen``: the text is
    written now, whatever its meeting, so a short title is searched in it too."""
    if not (anywhen or term.searched_in(meeting)):
        return False
    key = term.key
    if key in squashed:
        return True
    if term.always:
        # A kenmerk with another separator between its parts ("zaak-23-0002150.pdf") or a
        # space (squashed away), but not inside a longer number: an amount (230.002.150) has
        # its separators elsewhere. Its longest part is looked for first, at C speed: a
        # build asks this of every public annex's text for every confidential kenmerk.
        found = separated(key)
        return found is not None and found[1] in squashed and found[0].search(squashed) is not None
    wanted = _loose_key(key)
    if not (loose and wanted) or wanted not in loose:
        return False
    if wanted[0].isdigit() or wanted[-1].isdigit():
        # "Begroting 2025" is not in "begroting20251": a number is not part of a longer one.
        return re.search(rf"(?<!\d){re.escape(wanted)}(?!\d)", loose) is not None
    return True


@functools.lru_cache(maxsize=1024)
def separated(key: str) -> tuple[re.Pattern[str], str] | None:
    """A kenmerk's parts with one separator or none between them, not inside a longer number,
    and its longest part (in every text it matches).

    Not across two strings: the gate joins them with a NUL, which is no separator here.
    """
    parts = [part for part in re.split(r"[\W_]+", key) if part]
    if len(parts) < 2:
        return None
    separator = r"(?:[^\w\x00]|_)?"
    pattern = re.compile(r"(?<!\d)" + separator.join(map(re.escape, parts)) + r"(?!\d)")
    return pattern, max(parts, key=len)


def confidential_terms(project: Project, meetings: Sequence[MeetingInput]) -> list[Term]:
    """What the public side must not show of each confidential dossier in ``meetings``.

    A kenmerk is one dossier's alone, so it is searched in every meeting; so is a long title.
    A short onderwerp or annex description ("Stand van zaken", "Begroting 2025") is searched
    in its own meeting and every meeting on or after the day the dossier's document is dated
    (or its meeting, if earlier): only what was written once it existed can name it. An
    unrelated public document of years before, already published, may well carry the same
    common words, and no clerk can mend that.
    """
    days = [(meeting.name, meeting.meeting.date) for meeting in meetings]
    terms: list[Term] = []
    for meeting in meetings:
        for dossier in meeting.dossiers:
            document = dossier.document
            if document.is_public:
                continue
            label = project.display(dossier.folder / DOSSIER_FILE)
            terms.append(Term(document.reference, "het kenmerk", label, None, always=True))
            since = min(document.date, meeting.meeting.date)
            later = frozenset(name for name, day in days if day >= since) | {meeting.name}
            titles = [("het onderwerp", document.subject)]
            titles += [
                (f"de omschrijving van bijlage {n}", annex.description)
                for n, annex in enumerate(document.annexes, start=1)
            ]
            for what, text in titles:
                everywhere = len(squash(text)) >= MIN_TERM_CHARS_ELSEWHERE
                terms.append(Term(text, what, label, None if everywhere else later))
    return [term for term in terms if searched(term.text, always=term.always)]


def archived_terms(
    project: Project, secrets: Sequence[ArchivedSecret], meetings: Sequence[MeetingInput]
) -> list[Term]:
    """What the public side must not show of each confidential dossier of an archived meeting
    (or of one withdrawn, see confidential.withdrawn_secrets): as of one that is not archived
    (see confidential_terms), a short title from its day on."""
    from pathlib import Path

    terms: list[Term] = []
    for secret in secrets:
        label = secret.label or project.display(Path(secret.path))
        terms += [Term(text, "het kenmerk", label, always=True) for text in secret.references]
        later = frozenset(
            meeting.name
            for meeting in meetings
            if secret.since and meeting.meeting.date.isoformat() >= secret.since
        )
        rewordable = not secret.label  # a withdrawn dossier is named by its record
        for what, text in secret.titles:
            if len(squash(text)) >= MIN_TERM_CHARS_ELSEWHERE:
                terms.append(Term(text, what, label, rewordable=rewordable))
            elif secret.since:
                terms.append(Term(text, what, label, later, rewordable=rewordable))
    return [term for term in terms if searched(term.text, always=term.always)]


def public_words(meetings: Iterable[MeetingInput]) -> set[str]:
    """The kenmerken, onderwerpen and annex descriptions of public dossiers, squashed.

    A confidential title that is one of these word for word is public (a description both
    annexes carry; see Term.shared_with); one that a public title merely contains is not.
    """
    words: set[str] = set()
    for meeting in meetings:
        for dossier in meeting.dossiers:
            document = dossier.document
            if document.is_public:
                words.update(squash(t) for t in (document.reference, document.subject))
                words.update(squash(annex.description) for annex in document.annexes)
    return words
