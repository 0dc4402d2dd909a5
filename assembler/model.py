"""The data contract: pydantic models of dossier.yaml, vergadering.yaml and organisatie.yaml.

YAML keys are Dutch (aliases, exactly as DESIGN §3 names them); Python names are English.
The loader hands every scalar over as text, so the types here decide what text means.
Validation messages are Dutch and end with what to write, because clerks read them.

A document kind is a subclass of :class:`Document` with a ``kind`` class variable equal to
its ``sjabloon`` value; defining the class registers it, and ``templates/<kind>.docx`` is its
template. Fields annotated with :data:`MarkdownText` are turned into Word paragraphs.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import os
import posixpath
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin
from urllib.parse import quote as url_quote
from urllib.parse import unquote, urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from assembler.source import CURLY, CURLY_QUOTES, between_curly_quotes

DEFAULT_REFERENCE_PATTERN = r"^\d{2}\.\d{7}$"
# Regio Gooi en Vechtstreek's own settings: what organisatie.yaml's keys mean when left out.
DEFAULT_NAME = "Regio Gooi en Vechtstreek"
DEFAULT_TOOI = "https://identifier.overheid.nl/tooi/id/so/so0006"
DEFAULT_PUBLICATION_URL = "https://www.regiogv.nl/stukken/"
MAX_REFERENCE_LENGTH = 40
MeetingType = Literal[
    "raadsvergadering",
    "commissievergadering",
    "presidium",
    "statenvergadering",
    "algemene_bestuursvergadering",
]
# Any C0/C1 control character except tab and newline, which multi-line text may hold; and
# U+FFFE/U+FFFF, which XML 1.0 cannot hold, so a document would silently lose them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_TIME_FORM = re.compile(r"^\d{2}:\d{2}$")
_LOOSE_TIME = re.compile(r"^(\d{1,2})[:.]([0-5]\d)$")
_FOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _fail(kind: str, message: str, **values: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, values)


# Characters that show nothing: soft hyphen, zero-width (non-)joiners and space, direction
# marks, embeddings, overrides and isolates, word joiner, invisible operators, byte order mark.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Bidi overrides: the letters after them are shown in the reverse order ("\u202e000.05 EUR"
# reads "RUE 50.000"), so the document says what the file does not. Isolates and embeddings
# (U+2066-U+2069, U+202A-U+202C) are how right-to-left words are set in a text; they order
# words, never the letters of one, and are kept.
_BIDI_OVERRIDE = re.compile("[\u202d\u202e]")


def invisible_characters(text: str) -> str | None:
    """'bevat een onzichtbaar teken (U+200B)' when ``text`` holds one, else None."""
    found = list(dict.fromkeys(_INVISIBLE.findall(text)))
    if not found:
        return None
    codes = ", ".join(f"U+{ord(char):04X}" for char in found)
    if len(found) == 1:
        return f"bevat een onzichtbaar teken ({codes})"
    return f"bevat onzichtbare tekens ({codes})"


def without_invisible(text: str) -> str:
    """``text`` as a message shows it: without its invisible characters, said by their code."""
    return _INVISIBLE.sub("", text)


def _refuse_invisible(text: str, advice: str) -> None:
    """Refuse a value the clerk cannot see is wrong: it holds an invisible character."""
    said = invisible_characters(text)
    if said:
        raise _fail("onzichtbaar", f"{_quote(text)} {said} (haal het weg; {advice})")


def _quote(value: object) -> str:
    # Shown without its invisible characters: a message says them by their code.
    text = _INVISIBLE.sub("", str(value))
    if len(text) > 60:
        text = text[:57] + "..."
    return "'" + text.replace("\n", "\\n") + "'"


def _field_as_typed(value: object) -> str | None:
    """The line 'Mededeling: stand van zaken' that YAML made the field ``value``, else None."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((key, text),) = value.items()
    if not isinstance(key, str) or not (text is None or isinstance(text, str)):
        return None
    return f"{key}: {text}" if text else f"{key}:"


def _quoting(key: str) -> tuple[str, str]:
    """How to quote a line that YAML read as the field ``key``, in words, and the line to type
    (up to its ':'): between double quotes, which take no '"' or '\\' in them; else single,
    in which a "'" is written twice."""
    if '"' not in key and "\\" not in key:
        return "aanhalingstekens", f'"{key}: …"'
    if "'" not in key:
        return "enkele aanhalingstekens", f"'{key}: …'"
    doubled = key.replace("'", "''")
    return "enkele aanhalingstekens, met elke ' erin dubbel", f"'{doubled}: …'"


def _curly_quoted_field(value: object) -> bool:
    """Whether ``value`` is text in curly quotes with a ':' in it, which YAML made a field."""
    typed = _field_as_typed(value)
    return typed is not None and between_curly_quotes(typed)


def _require_text(value: object) -> str:
    if value is None:  # `onderwerp:` with nothing behind it
        raise _fail("leeg", "is leeg (vul een waarde in)")
    if _curly_quoted_field(value):
        raise _fail("tekst", CURLY_QUOTES)
    typed = _field_as_typed(value)
    if typed is not None and any(char in CURLY for char in typed):
        # "- ’s-Graveland: aanpak": "between quotes" alone would be typed with Word's again.
        raise _fail(
            "tekst",
            f"{_quote(typed)} leest door de ':' als een veld (zet de hele tekst tussen rechte "
            'aanhalingstekens: "...")',
        )
    if isinstance(value, list):
        raise _fail(
            "tekst", "moet tekst zijn, geen lijst (schrijf de waarde achter de dubbele punt)"
        )
    if isinstance(value, dict):
        raise _fail("tekst", "moet tekst zijn, geen blok met velden (schrijf één waarde)")
    if not isinstance(value, str):
        raise _fail("tekst", "moet tekst zijn")
    return value


# Zero-width space, word joiner, byte order mark; and in a one-line text a soft hyphen too.
# (Zero-width joiners are kept: scripts and emoji need them. So are direction marks, U+200E and
# U+200F: they keep "Bewonersavond שלום 2023" in the order it was typed, and cannot hide text.)
_UNSEEN = re.compile("[\u200b\u2060\ufeff]")
_UNSEEN_IN_A_LINE = re.compile("[\u200b\u2060\ufeff\u00ad]")


def one_line(text: str) -> str:
    """``text`` without the unseen characters a one-line field leaves out (a soft hyphen)."""
    return _UNSEEN_IN_A_LINE.sub("", text)


def _text(max_length: int, *, multiline: bool, shorten: str = "kort de tekst in") -> Any:
    def check(value: object) -> str:
        if multiline and isinstance(value, list | dict) and not _curly_quoted_field(value):
            # Running text without '|' behind its key: a line ending in ':' or starting with
            # '- ' made YAML read the lines as fields or a list.
            raise _fail(
                "tekst",
                "moet doorlopende tekst zijn, maar staat er zonder '|': dan leest YAML een regel "
                "die op ':' eindigt of met '- ' begint als veld of lijst (zet '|' achter de "
                "dubbele punt, dan blijven kopjes, lijsten en lege regels zoals ze zijn)",
            )
        text = _require_text(value)
        match = _CONTROL.search(text)
        if match:
            raise _fail(
                "stuurteken",
                f"bevat een onzichtbaar stuurteken (U+{ord(match.group()):04X}) (verwijder het)",
            )
        if not multiline and ("\n" in text.strip() or "\t" in text):
            raise _fail("regel", "moet op één regel staan (haal regeleinden en tabs weg)")
        turning = _BIDI_OVERRIDE.search(text)
        if turning:
            raise _fail(
                "richting",
                f"bevat een onzichtbaar teken (U+{ord(turning.group()):04X}) dat de tekst in het "
                "document achterstevoren kan zetten (haal het weg; typ de tekst zo nodig opnieuw)",
                # Which line of a running text: said at that line.
                regel=text.count("\n", 0, turning.start()),
            )
        # Pasted along unseen; in a title they would go into bookmarks, file names and the
        # manifest, where an agenda system's search trips over them.
        text = (_UNSEEN.sub("", text) if multiline else one_line(text)).strip()
        if not text:
            raise _fail("leeg", "is leeg (vul een waarde in)")
        if len(text) > max_length:
            raise _fail(
                "te_lang",
                f"is te lang: {len(text)} tekens, maximaal {max_length} ({shorten})",
            )
        return text

    return BeforeValidator(check)


Line = Annotated[str, _text(200, multiline=False)]
LongLine = Annotated[str, _text(1000, multiline=False)]


def _decision_with_a_colon(value: object) -> object:
    # "- Van gedachten wisselen over X: concept" reads as a field: said as the colon it is, with
    # the quoted line to type, as an agenda item's is. Curly quotes are _require_text's to say.
    typed = _field_as_typed(value)
    if isinstance(value, dict) and typed is not None and not any(c in CURLY for c in typed):
        quotes, line = _quoting(str(next(iter(value))))
        raise _fail(
            "tekst",
            f"{_quote(typed)} leest door de ':' als een veld (zet de hele regel tussen {quotes}, "
            f"zoals - {line})",
        )
    return value


# One decision of a voorstel: a list item, so a ': ' in its text makes it a field.
Decision = Annotated[LongLine, BeforeValidator(_decision_with_a_colon)]


class MarkdownMarker:
    """Marks a field whose text is Markdown, to be rendered as Word paragraphs."""


MarkdownText = Annotated[str, _text(50_000, multiline=True), MarkdownMarker()]


# How clerks write a date: 26-5-2023, 26/05/2023, 26.5.2023, 26 mei 2023; 2023-5-26.
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/. ](\d{1,2}|[a-z]+\.?)[-/. ]\s*(\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def _as_iso(text: str) -> str | None:
    """``text`` as JJJJ-MM-DD when it is a date written otherwise, else None."""
    year_first = _YEAR_FIRST.match(text)
    found = _DAY_FIRST.match(text.lower())
    if year_first:
        year, month, day = year_first.groups()
    elif found:
        day, month, year = found.groups()
    else:
        return None
    if not month.isdigit():
        # Only on a date that is refused: Babel's locale data takes a while to load.
        from babel.dates import get_month_names

        months = get_month_names("wide", locale="nl")
        short = get_month_names("abbreviated", locale="nl")  # "mrt", "okt"
        month = month.rstrip(".")
        numbers = [
            n for n, name in months.items() if name.startswith(month[:3]) or short[n] == month
        ]
        if len(month) < 3 or len(set(numbers)) != 1:
            return None
        month = str(numbers[0])
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _refuse_curly_quotes(text: str, what: str, instead: str) -> None:
    """Refuse '“14:00”': Word's quotes, which YAML keeps as part of the value."""
    if between_curly_quotes(text):
        raise _fail(
            "aanhalingstekens",
            f"{_quote(text)} is geen {what}: YAML telt gekrulde aanhalingstekens niet als "
            f"aanhalingstekens, maar als deel van de waarde (typ {instead})",
        )


def _parse_date(value: object) -> date:
    text = _require_text(value).strip()
    _refuse_invisible(text, "schrijf JJJJ-MM-DD")
    _refuse_curly_quotes(text, "datum", f"de datum zonder aanhalingstekens: {text[1:-1].strip()}")
    if not _ISO_DATE.match(text):
        iso = _as_iso(text)
        example = iso if iso else "bijvoorbeeld 2023-04-11"
        raise _fail(
            "datum", f"{_quote(text)} is geen datum in de vorm JJJJ-MM-DD (schrijf {example})"
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(
            "datum", f"{_quote(text)} is geen bestaande datum (schrijf JJJJ-MM-DD)"
        ) from None


IsoDate = Annotated[date, BeforeValidator(_parse_date)]


def _parse_time(value: object) -> str:
    typed = _require_text(value).strip()
    _refuse_invisible(typed, 'schrijf bijvoorbeeld "14:00"')
    _refuse_curly_quotes(typed, "tijd", f'rechte aanhalingstekens: "{typed[1:-1].strip()}"')
    # "9:30" and "14.00" (as the agenda prints it) are clear enough: kept as "09:30", "14:00";
    # so is "9.30 uur", as a Dutch clerk writes a time (and as the agenda prints it).
    loose = _LOOSE_TIME.match(typed)
    text = f"{int(loose.group(1)):02d}:{loose.group(2)}" if loose else typed
    if not _TIME.match(text):
        text = _time_with_uur(typed) or text
    if not _TIME.match(text):
        # "25:00" is in the form: the time is what does not exist, as dates tell the two apart.
        what = "bestaande tijd" if _TIME_FORM.match(text) else "tijd in de vorm UU:MM"
        raise _fail("tijd", f'{_quote(typed)} is geen {what} (schrijf bijvoorbeeld "14:00")')
    return text


def _time_with_uur(typed: str) -> str | None:
    """The time '9.30 uur' or '14 uur' says, as UU:MM, as a Dutch clerk writes it (and as
    the agenda prints it); None for anything else."""
    bare = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:uur|u)\.?", typed, re.IGNORECASE)
    if bare is None:
        return None
    meant = f"{int(bare.group(1)):02d}:{bare.group(2) or '00'}"
    return meant if _TIME.match(meant) else None


ClockTime = Annotated[str, BeforeValidator(_parse_time)]


def written_time(typed: str) -> str:
    """A time as vergadering.yaml keeps it ('14.00 uur' as '14:00'); as typed when it is none,
    for validation to say so."""
    try:
        return _parse_time(typed)
    except PydanticCustomError:
        return typed


class Verspreiden(StrEnum):
    """Whether a document may be distributed: Ja (public) or Nee (confidential)."""

    JA = "Ja"
    NEE = "Nee"


def parse_verspreiden(value: object) -> Verspreiden:
    """The value of ``verspreiden`` (Ja or Nee, any case); PydanticCustomError otherwise."""
    if value is None:
        raise _fail("verspreiden", "is leeg (schrijf Ja of Nee)")
    text = _require_text(value)
    _refuse_invisible(text, "schrijf Ja of Nee")
    # Deliberately no strip(): "nee " is a sign of a typo, and the rule is "nothing around it".
    if text.lower() == "ja":
        return Verspreiden.JA
    if text.lower() == "nee":
        return Verspreiden.NEE
    if text.strip().lower() in ("ja", "nee"):
        raise _fail(
            "verspreiden",
            f"{_quote(text)} heeft een spatie ervoor of erachter (schrijf Ja of Nee, zonder "
            "spatie)",
        )
    _refuse_curly_quotes(text, "geldige waarde", "Ja of Nee, zonder aanhalingstekens")
    raise _fail("verspreiden", f"{_quote(text)} is geen geldige waarde (schrijf Ja of Nee)")


def says_public(value: object) -> bool:
    """Whether a ``verspreiden`` value plainly says Ja: anything else counts as confidential."""
    try:
        return parse_verspreiden(value) is Verspreiden.JA
    except PydanticCustomError:
        return False


VerspreidenField = Annotated[Verspreiden, BeforeValidator(parse_verspreiden)]


def _parse_yes(value: object) -> bool:
    # Written as verspreiden is, so a clerk meets one rule for Ja and Nee, with its messages.
    return parse_verspreiden(value) is Verspreiden.JA


# Ja or Nee in any case, as parse_verspreiden takes them; the enum gives an editor its
# suggestions, the pattern the other cases ("nee", "NEE").
JA_NEE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "anyOf": [{"enum": ["Ja", "Nee"]}, {"pattern": "^(?:[Jj][Aa]|[Nn][Ee][Ee])$"}],
}

# To an editor it is the words, as the clerk writes them, not a YAML boolean.
JaNee = Annotated[bool, BeforeValidator(_parse_yes), WithJsonSchema(JA_NEE_SCHEMA)]


@lru_cache(maxsize=1024)
def _normalised_email(text: str) -> str | None:
    # Cached: a meeting's dossiers share a handful of addresses, and each check takes 0.2 ms.
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _parse_email(value: object) -> str:
    # Pasted along unseen, as in every one-line text.
    text = _UNSEEN_IN_A_LINE.sub("", _require_text(value)).strip()
    _refuse_invisible(text, "schrijf bijvoorbeeld a.pols@regiogv.nl")
    normalised = _normalised_email(text)
    if normalised is None:
        _refuse_curly_quotes(
            text, "geldig e-mailadres", f"het adres zonder aanhalingstekens: {text[1:-1].strip()}"
        )
        raise _fail(
            "email",
            f"{_quote(text)} is geen geldig e-mailadres (schrijf bijvoorbeeld a.pols@regiogv.nl)",
        )
    return normalised


Email = Annotated[str, BeforeValidator(_parse_email)]


def _check_reference(value: str, info: ValidationInfo) -> str:
    pattern = DEFAULT_REFERENCE_PATTERN
    if isinstance(info.context, dict):
        pattern = info.context.get("kenmerkpatroon", pattern)
    _refuse_invisible(value, "typ het kenmerk zo nodig opnieuw")
    if not re.fullmatch(pattern, value):
        _refuse_curly_quotes(
            value, "geldig kenmerk", f'rechte aanhalingstekens: "{value[1:-1].strip()}"'
        )
        hint = (
            "schrijf twee cijfers van het jaar, een punt en zeven cijfers, bijvoorbeeld 23.0001772"
            if pattern == DEFAULT_REFERENCE_PATTERN
            # The pattern is the organisation's own: a changed one fails every old kenmerk,
            # and the clerk must know where it comes from.
            else f"schrijf een kenmerk volgens het kenmerkpatroon {pattern} uit "
            "dossiers/organisatie.yaml"
        )
        raise _fail("kenmerk", f"{_quote(value)} is geen geldig kenmerk ({hint})")
    return value


Kenmerk = Annotated[
    str, _text(MAX_REFERENCE_LENGTH, multiline=False), AfterValidator(_check_reference)
]


def _relative_in(folder: str, base: str | None = None) -> Callable[[str, ValidationInfo], str]:
    """A check that a path is relative and stays inside ``folder`` (as a clerk names it).

    ``base``: the key of the validation context that holds that folder's path, if any.
    """

    def check(value: str, info: ValidationInfo) -> str:
        _refuse_invisible(value, "typ de naam zo nodig opnieuw")
        # '“bijlage-1.pdf”' was said to be a '.pdf”' file, to be supplied as a PDF.
        _refuse_curly_quotes(
            value, "geldige bestandsnaam", f"de naam zonder aanhalingstekens: {value[1:-1].strip()}"
        )
        # 'file:///C:/x/kaart.pdf' is how a browser or Explorer's address bar shows a path.
        if value.startswith(("/", "\\")) or re.match(r"^(?:[A-Za-z]:|file:)", value, re.I):
            raise _fail(
                "pad",
                f"{_quote(value)} is een absoluut pad (schrijf de bestandsnaam in {folder})",
            )
        if ".." in re.split(r"[/\\]", value):
            inside = posixpath.normpath(value.replace("\\", "/"))
            if inside == ".." or inside.startswith("../"):
                raise _fail(
                    "pad",
                    f"{_quote(value)} verwijst buiten {folder} (zet het bestand in {folder})",
                )
            # It stays inside, but a path with '..' is not how a clerk names a file.
            raise _fail(
                "pad", f"{_quote(value)}: gebruik geen '..' in het pad (schrijf '{inside}')"
            )
        if "\\" in value:
            # As Windows writes a path; this one is read on a server where '\' is a letter.
            forward = value.replace("\\", "/")
            beside = _beside_instead(forward, info.context, base)
            if beside is not None:
                # 'bijlagen\\x.pdf' for the x.pdf beside dossier.yaml: told '/' first, the clerk
                # was told next that the folder part is wrong (see annex_files), in two rounds.
                raise _fail(
                    "pad",
                    f"{_quote(value)} staat niet in de map '{posixpath.dirname(forward)}', wel "
                    f"in {folder} zelf (schrijf '{beside}')",
                )
            raise _fail(
                "pad",
                f"{_quote(value)} heeft '\\' tussen map en bestand (schrijf '/': '{forward}')",
            )
        return value

    return check


def _beside_instead(forward: str, context: object, base: str | None) -> str | None:
    """The file of the folder in ``context[base]`` that ``forward`` names in a sub-folder that
    does not hold it: its last part, capitals aside; None when not so, or the folder unknown."""
    folder = context.get(base) if base is not None and isinstance(context, dict) else None
    name = posixpath.basename(forward)
    if not isinstance(folder, Path) or not name or not posixpath.dirname(forward):
        return None
    try:
        if (folder / forward).exists():
            return None
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:  # a folder without rights: the annex checks say so
        return None
    same = [n for n in names if n == name] or [n for n in names if n.casefold() == name.casefold()]
    return same[0] if same else None


# An annex: in its dossier's folder. The logo: under dossiers/, which organisatie.yaml is in.
# The dossier folder is known when a dossier is checked (validate passes it as "dossiermap").
RelativeFile = Annotated[
    str,
    _text(255, multiline=False),
    AfterValidator(_relative_in("de dossiermap", base="dossiermap")),
]
LogoFile = Annotated[
    str, _text(255, multiline=False), AfterValidator(_relative_in("de map dossiers/"))
]


def suggested_folder_name(value: str) -> str:
    """A folder name an agenda can hold, made of ``value``: 'Café Noël' gives 'cafe-noel'."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "dossier"


def _check_folder_name(value: str) -> str:
    if _FOLDER_NAME.match(value) and ".." not in value:
        return value
    _refuse_invisible(value, "schrijf alleen de naam van de dossiermap")
    # '“werklocaties”' was advised to rename its folder to 'werklocaties', its name already.
    _refuse_curly_quotes(
        value, "geldige mapnaam", f"de naam zonder aanhalingstekens: {value[1:-1].strip()}"
    )
    if "/" in value or "\\" in value or ".." in value:
        raise _fail(
            "map",
            f"{_quote(value)} is geen mapnaam in deze vergadering "
            "(schrijf alleen de naam van de dossiermap, zonder / of ..)",
        )
    suggested = suggested_folder_name(value)
    raise _fail(
        "map",
        f"{_quote(value)} kan niet op de agenda: de naam van een dossiermap mag alleen letters "
        "zonder accent, cijfers, punten en streepjes bevatten (hernoem de map, bijvoorbeeld naar "
        f"'{suggested}', en schrijf die naam hier)",
    )


# A folder's name is chosen, not written: "kort de tekst in" would not fit it.
FolderName = Annotated[
    str,
    _text(100, multiline=False, shorten="kies een kortere naam voor de map"),
    AfterValidator(_check_folder_name),
]


def schema_texts(title: str, description: str) -> ConfigDict:
    """The Dutch title and description an editor shows of a model, from its JSON Schema."""
    # Without them pydantic shows the class name and the docstring, which is for developers.
    return ConfigDict(title=title, json_schema_extra={"description": description})


class Record(BaseModel):
    """Base of every model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, validate_default=False
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_left_out(cls, data: Any) -> Any:
        """A key that may be left out and then means nothing (no value, no list), left blank
        (``""``, a ``|`` with nothing under it), is left out, as ``veld:`` with nothing after
        it is: the clerk prepared it and did not fill it in. Not a key whose default says
        something, such as the organisation's name: a blank there would quietly become the
        default's value."""
        if not isinstance(data, dict):
            return data
        optional = {
            info.alias or name
            for name, info in cls.model_fields.items()
            if not info.is_required() and info.default in (None, ())
        }
        return {
            key: value
            for key, value in data.items()
            if key not in optional
            or not (value is None or (isinstance(value, str) and not value.strip()))
        }


class Behandeling(Record):
    """One row of a proposal's treatment history or plan."""

    model_config = schema_texts(
        "Behandeling",
        "Eén regel van de behandeling van een voorstel: een eerder of gepland overleg.",
    )

    date: IsoDate | None = Field(
        None,
        alias="datum",
        description="Datum van het overleg (JJJJ-MM-DD); leeg als die nog niet bekend is",
    )
    meeting: Line = Field(
        alias="overleg", description="Naam van het overleg", examples=["Portefeuillehoudersoverleg"]
    )
    purpose: Line = Field(
        alias="doel", description="Doel van de behandeling", examples=["Vaststellen"]
    )
    conclusion: LongLine = Field(alias="conclusie", description="Conclusie of verwachte uitkomst")


class Bijlage(Record):
    """A numbered annex: a PDF or office file inside the dossier folder."""

    model_config = schema_texts(
        "Bijlage", "Een genummerde bijlage: een PDF- of kantoorbestand in de dossiermap."
    )

    description: Line = Field(
        alias="omschrijving",
        description="Omschrijving van de bijlage",
        examples=["Projectplan (oktober 2021)"],
    )
    file: RelativeFile = Field(
        alias="bestand",
        description="Bestandsnaam in de dossiermap (.pdf, .docx, .odt, .xlsx of .ods)",
        examples=["bijlage-1.pdf"],
    )


DOCUMENT_KINDS: dict[str, type[Document]] = {}

# The ODS Open Raadsinformatie values of Informatieobjecttype.
OdsType = Literal[
    "vraag",
    "antwoord",
    "motie",
    "besluitvormingsstuk",
    "ingekomen_stuk",
    "toezegging",
    "mededeling",
    "amendement",
    "voorstel",
]


class Document(Record):
    """Fields every document kind has; subclasses are the kinds (voorstel, memo, ...)."""

    kind: ClassVar[str] = ""
    # The order in which the examples and `assembler new` write the keys, where it is not the
    # order of the fields: a missing key is reported where it belongs in it.
    key_order: ClassVar[tuple[str, ...]] = ()
    # What the export tells agenda systems the document and its annexes are (ODS
    # informatieobjecttype). A kind that does not say is for information, so a new kind is
    # never filed as a proposal that asks for a decision.
    ods_type: ClassVar[OdsType] = "mededeling"
    ods_annex_type: ClassVar[OdsType] = "mededeling"

    template: str = Field(alias="sjabloon", description="Soort document: de naam van het sjabloon")
    subject: Line = Field(
        alias="onderwerp",
        description="Onderwerp (maximaal 200 tekens)",
        examples=["Aanpak actieplan Werklocaties"],
    )
    distribution: VerspreidenField = Field(
        alias="verspreiden",
        description="Ja of Nee; Nee betekent vertrouwelijk",
        examples=["Ja", "Nee"],
    )
    reference: Kenmerk = Field(
        alias="kenmerk", description="Kenmerk, uniek over alle dossiers", examples=["23.0001772"]
    )
    date: IsoDate = Field(
        alias="datum", description="Datum van het document (JJJJ-MM-DD)", examples=["2023-04-11"]
    )
    annexes: tuple[Bijlage, ...] = Field(
        (), alias="bijlagen", max_length=50, description="Genummerde bijlagen, in volgorde"
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.kind:
            DOCUMENT_KINDS[cls.kind] = cls

    @property
    def is_public(self) -> bool:
        """True when the document may be published (verspreiden: Ja)."""
        return self.distribution is Verspreiden.JA


class Voorstel(Document):
    """A proposal to a meeting of portfolio holders (the default kind)."""

    model_config = schema_texts(
        "Voorstel",
        "Een voorstel aan het portefeuillehoudersoverleg: de standaardsoort, ook zonder "
        "'sjabloon'.",
    )

    kind: ClassVar[str] = "voorstel"
    ods_type: ClassVar[OdsType] = "voorstel"
    ods_annex_type: ClassVar[OdsType] = "besluitvormingsstuk"
    key_order: ClassVar[tuple[str, ...]] = (
        "sjabloon",
        "onderwerp",
        "verspreiden",
        "portefeuillehouder",
        "contactpersoon",
        "eenheid",
        "email",
        "kenmerk",
        "datum",
        "voorstel",
        "behandeling",
        "toelichting",
        "bijlagen",
    )

    template: Literal["voorstel"] = Field(
        "voorstel", alias="sjabloon", description="voorstel (standaard)"
    )
    portfolio_holder: Line | None = Field(
        None,
        alias="portefeuillehouder",
        description="Portefeuillehouder; staat op de agenda",
        examples=["J. Jansen"],
    )
    contact: Line = Field(
        alias="contactpersoon", description="Naam van de contactpersoon", examples=["Anouk Pols"]
    )
    unit: Line = Field(
        alias="eenheid", description="Organisatie-eenheid", examples=["Beleid en bestuur"]
    )
    email: Email = Field(
        alias="email",
        title="E-mailadres",
        description="E-mailadres van de contactpersoon",
        examples=["a.pols@regiogv.nl"],
    )
    decisions: tuple[Decision, ...] = Field(
        alias="voorstel",
        min_length=1,
        max_length=100,
        description="De voorgestelde besluiten, genummerd als Voorstel 1., Voorstel 2., ...",
    )
    history: tuple[Behandeling, ...] = Field(
        (),
        alias="behandeling",
        max_length=500,
        description="Behandeling: eerdere en geplande overleggen, in volgorde",
    )
    explanation: MarkdownText = Field(
        alias="toelichting",
        description=(
            "Toelichting in Markdown: alinea's, ### kopjes, lijsten, **vet**, *cursief*, links"
        ),
    )


class Memo(Document):
    """A memo to portfolio holders, for information."""

    model_config = schema_texts("Memo", "Een memo aan portefeuillehouders, ter informatie.")

    kind: ClassVar[str] = "memo"
    key_order: ClassVar[tuple[str, ...]] = (
        "sjabloon",
        "aan",
        "van",
        "datum",
        "onderwerp",
        "kenmerk",
        "verspreiden",
        "tekst",
        "bijlagen",
    )

    template: Literal["memo"] = Field(alias="sjabloon", description="memo")
    to: Line = Field(
        alias="aan",
        description="Aan wie de memo gericht is",
        examples=["Portefeuillehouders Economie"],
    )
    sender: Line = Field(
        alias="van", description="Afzender", examples=["Anouk Pols, Beleid en bestuur"]
    )
    text: MarkdownText = Field(alias="tekst", description="Tekst van de memo in Markdown")


class AgendaDossier(Record):
    """An agenda entry that points at a dossier folder of the same meeting."""

    model_config = schema_texts(
        "Dossier op de agenda",
        "Een agendapunt met een dossier: de naam van een dossiermap in dezelfde vergadermap.",
    )

    folder: FolderName = Field(
        alias="dossier", description="Naam van de dossiermap in deze vergadermap"
    )


def _agenda_tag(value: object) -> str:
    # Read from YAML a dossier entry is a mapping; dumped, it is the model already.
    return "@dossier" if isinstance(value, dict | AgendaDossier) else "@punt"


def _text_with_a_colon(value: object) -> object:
    # "- Mededeling: stand van zaken" reads as a field "Mededeling": say it as the colon it is,
    # not as an unknown field and a missing 'dossier'.
    if _curly_quoted_field(value):
        raise _fail("punt", CURLY_QUOTES)
    if isinstance(value, dict) and len(value) == 1:
        ((key, text),) = value.items()
        # A typo of 'dossier' ("Dossier", "dosier") is said as an unknown field, with a guess.
        looks_like_dossier = difflib.SequenceMatcher(None, str(key).lower(), "dossier").ratio()
        if (
            isinstance(key, str)
            and looks_like_dossier < 0.75
            and (text is None or isinstance(text, str))
        ):
            shown = f"{key}: {text}" if text else f"{key}:"
            # "’s-Graveland: …": "between quotes" alone would be typed with Word's again.
            straight = " rechte" if any(char in CURLY for char in shown) else ""
            quotes, line = _quoting(key)
            raise _fail(
                "punt",
                f"{_quote(shown)} leest door de ':' als een veld (zet het hele agendapunt tussen"
                f"{straight} {quotes}, zoals - {line})",
            )
    return value


AgendaEntry = Annotated[
    Annotated[Line, Tag("@punt")] | Annotated[AgendaDossier, Tag("@dossier")],
    Discriminator(_agenda_tag),
    BeforeValidator(_text_with_a_colon),
]


class Vergadering(Record):
    """A meeting: its overleg, date, time, place and agenda."""

    model_config = schema_texts(
        "Vergadering",
        "Een vergadering (vergadering.yaml): het overleg, de datum, de aanvangstijd, de plaats "
        "en de agenda.",
    )

    meeting: Line = Field(
        alias="overleg",
        description="Naam van het overleg",
        examples=["Portefeuillehoudersoverleg Economie"],
    )
    date: IsoDate = Field(
        alias="datum", description="Datum van de vergadering (JJJJ-MM-DD)", examples=["2023-05-26"]
    )
    start: ClockTime = Field(
        alias="aanvang",
        description="Aanvangstijd (UU:MM, tussen aanhalingstekens)",
        examples=["14:00"],
    )
    location: Line = Field(
        alias="locatie",
        description="Plaats van de vergadering",
        examples=["Regiokantoor, Hilversum"],
    )
    agenda: tuple[AgendaEntry, ...] = Field(
        alias="agenda",
        min_length=1,
        max_length=200,
        description="De agenda in volgorde: losse punten als tekst, of 'dossier: mapnaam'",
    )
    cancelled: JaNee = Field(
        False,
        alias="geannuleerd",
        description=(
            "Ja als de vergadering niet doorgaat: de agenda's zeggen het en de export meldt "
            "het aan het vergadersysteem; zonder deze regel: Nee"
        ),
        examples=["Ja"],
        json_schema_extra={"default": "Nee"},
    )


# The organisation values of the list: read with a pattern, not parsed as XML, since this runs
# on every check and build and parsing the 630 kB schema took 30 ms of a 0.6-s no-op build. A
# test holds the pattern to what lxml reads from the same file.
_TOOI_VALUE = re.compile(
    r'<xs:enumeration\s+value="(https://identifier\.overheid\.nl/tooi/id/[^"<>&]+)"'
)


@lru_cache(maxsize=1)
def known_tooi_organisations() -> frozenset[str]:
    """The organisation URIs of the DiWoo value lists (diwoo-metadata-lijsten.xsd)."""
    xsd = resources.files("assembler") / "data" / "standards" / "diwoo-metadata-lijsten.xsd"
    return frozenset(_TOOI_VALUE.findall(xsd.read_text(encoding="utf-8")))


# An organisation's name in the same list, after its URI: what to suggest for a left-out tooi.
_TOOI_LABEL = re.compile(
    r'<xs:enumeration\s+value="(https://identifier\.overheid\.nl/tooi/id/[^"<>&]+)">\s*'
    r"<xs:annotation>\s*<xs:documentation>\s*<dita:p[^>]*>([^<]+)</dita:p>"
)


def tooi_of(name: str) -> tuple[str, str] | None:
    """(URI, name as listed) of the one organisation the DiWoo value lists call ``name``."""
    xsd = resources.files("assembler") / "data" / "standards" / "diwoo-metadata-lijsten.xsd"
    found = {
        (uri, label.strip())
        for uri, label in _TOOI_LABEL.findall(xsd.read_text(encoding="utf-8"))
        if _same_name(label, name)
    }
    return found.pop() if len(found) == 1 else None


def _check_tooi(value: str) -> str:
    if value not in known_tooi_organisations():
        _refuse_invisible(value, "typ de TOOI-URI zo nodig opnieuw")
        raise _fail(
            "tooi",
            f"{_quote(value)} staat niet in de TOOI-lijsten van DiWoo (schrijf de TOOI-URI van "
            f"de organisatie, bijvoorbeeld {DEFAULT_TOOI})",
        )
    return value


def _check_pattern(value: str) -> str:
    _refuse_invisible(value, "typ het patroon zo nodig opnieuw")
    try:
        re.compile(value)
    except re.error as error:
        # Python's own explanation is English; its position is what a clerk can use.
        where = f" bij teken {error.pos + 1}" if error.pos is not None else ""
        raise _fail(
            "patroon",
            f"{_quote(value)} is geen geldig patroon: het klopt niet{where} (controleer de "
            "haakjes, accolades en backslashes)",
        ) from None
    if _tries(_RE_PARSER.parse(value)) > _MAX_TRIES:
        raise _fail(
            "patroon",
            f"{_quote(value)} laat de controle vastlopen: een kenmerk dat niet past, wordt op te "
            "veel manieren geprobeerd (zet geen herhaling binnen een herhaling, zoals (a+)+, en "
            "niet veel * of + achter elkaar; of schrijf de groep atomair, als (?>...))",
        )
    return value


# Python's re backtracks: for a kenmerk that does not match, (a+)+ tries every way of cutting
# it into pieces, 2**39 for 40 characters, and the check hangs for hours. The number of tries
# is bounded from the pattern's parse tree, made by the parser re.compile itself uses: an upper
# bound over kenmerken of at most MAX_REFERENCE_LENGTH characters. Counted once per run, when
# organisatie.yaml is read, so the dossiers pay nothing. 10**7 refuses every nesting of
# repetitions that can grow, and five unbounded repetitions in a row; what it allows gives up on
# a kenmerk well within a second. Atomic groups and possessive repetitions, (?>...) and a++,
# never go back into what they matched, so they count as one try.
_MAX_TRIES = 10**7
_RE_PARSER: Any = importlib.import_module("re._parser")  # private, but re's own; from 3.11 on
_NO_WAY_BACK = {"ATOMIC_GROUP", "POSSESSIVE_REPEAT", "ASSERT", "ASSERT_NOT"}


def _tries(items: Any) -> int:
    """At most how many ways parsed ``items`` can try a kenmerk, capped just above the limit."""
    total = 1
    for op, argument in items:
        total = min(total * _item_tries(str(op), argument), _MAX_TRIES + 1)
    return total


def _item_tries(op: str, argument: Any) -> int:
    if op == "SUBPATTERN":  # (group, added flags, removed flags, content)
        return _tries(argument[3])
    if op == "BRANCH":  # (None, alternatives)
        return min(sum(_tries(branch) for branch in argument[1]), _MAX_TRIES + 1)
    if op == "GROUPREF_EXISTS":  # (group, yes, no)
        return _tries(argument[1]) + (_tries(argument[2]) if argument[2] else 1)
    if op in _NO_WAY_BACK:
        # One try from outside; but what is inside can still try too much each time.
        inner = argument if op == "ATOMIC_GROUP" else argument[-1]
        return 1 if _tries(inner) <= _MAX_TRIES else _MAX_TRIES + 1
    if op in ("MAX_REPEAT", "MIN_REPEAT"):  # (least, most, content), greedy or lazy
        least, most, body = argument
        each = _tries(body)
        most = min(most, MAX_REFERENCE_LENGTH // max(body.getwidth()[0], 1))
        ways, power = 0, 1
        for count in range(most + 1):
            if count >= least:
                ways = min(ways + power, _MAX_TRIES + 1)
            power = min(power * each, _MAX_TRIES + 1)
        return max(ways, 1)
    return 1  # a character, a set, an anchor, a back reference


# What RFC 3986 allows in an address (unreserved, reserved and '%'); '[' and ']' only frame an
# IPv6 host, which a website's address does not have.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]*")
_URL_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _check_url(value: str) -> str:
    """A website's folder the public package's files go in, with the scheme in lower case and
    a '/' at its end: the file names are appended to it in every manifest and sitemap."""
    _refuse_invisible(value, "typ het webadres zo nodig opnieuw")
    not_an_address = _fail(
        "url",
        f"{_quote(value)} is geen webadres (schrijf bijvoorbeeld https://www.regiogv.nl/stukken/)",
    )
    if not re.match(r"https?://", value, re.IGNORECASE):
        raise not_an_address
    allowed = _URL_CHARACTERS.match(value)
    if allowed is not None and allowed.end() < len(value):
        character = value[allowed.end()]
        raise _fail(
            "url",
            f"{_quote(value)} bevat '{character}', dat niet in een webadres mag (laat het weg, "
            f"of schrijf het als '{url_quote(character, safe='')}')",
        )
    if _URL_PERCENT.search(value):
        raise _fail(
            "url",
            f"{_quote(value)} heeft een '%' zonder twee cijfers of letters A-F erachter "
            "(schrijf '%25' voor een procentteken)",
        )
    parts = urlsplit(value)
    if "@" in parts.netloc:
        # Not quoted: the message would show the password once more.
        without = parts._replace(
            scheme=parts.scheme.lower(), netloc=parts.netloc.rpartition("@")[2]
        )
        raise _fail(
            "url",
            "zet geen gebruikersnaam of wachtwoord in het webadres (het adres komt in elk "
            f"openbaar pakket; schrijf '{_with_slash(urlunsplit(without))}')",
        )
    for sign, part, name in (("?", parts.query, " (een zoekvraag)"), ("#", parts.fragment, "")):
        if part or sign in value:
            raise _fail(
                "url",
                f"{_quote(value)} heeft een deel met '{sign}'{name}, en daarachter komen dan de "
                f"bestandsnamen (laat '{sign}' en wat erna komt weg)",
            )
    try:
        parts.port  # noqa: B018 - a port that is not a number, or out of range, raises here
    except ValueError:
        raise not_an_address from None
    host = parts.hostname or ""
    if "." not in host.strip(".") or not re.fullmatch(r"[A-Za-z0-9\-.]+", host):
        raise not_an_address
    if any(unquote(segment) in (".", "..") for segment in parts.path.split("/")):
        raise _fail(
            "url",
            f"{_quote(value)} heeft '..' of '.' als deel van het pad (schrijf het pad zonder, "
            "zoals de map op de website heet)",
        )
    return _with_slash(urlunsplit(parts._replace(scheme=parts.scheme.lower())))


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class Organisatie(Record):
    """Settings of the organisation (dossiers/organisatie.yaml); every key is optional."""

    model_config = schema_texts(
        "Organisatie",
        f"Instellingen van de organisatie (dossiers/organisatie.yaml). Elke sleutel mag weg: "
        f"dan geldt de waarde van {DEFAULT_NAME}, behalve voor logo. Een andere organisatie "
        "vult ook tooi en publicatie_url in, anders wordt er niet geëxporteerd of gepubliceerd.",
    )

    name: Line = Field(
        DEFAULT_NAME,
        alias="naam",
        description="Naam van de organisatie (kop van elk document)",
    )
    tooi: Annotated[str, _text(200, multiline=False), AfterValidator(_check_tooi)] = Field(
        DEFAULT_TOOI,
        alias="tooi",
        title="TOOI",
        description="TOOI-URI van de organisatie uit de DiWoo-waardelijsten",
    )
    reference_pattern: Annotated[
        str, _text(200, multiline=False), AfterValidator(_check_pattern)
    ] = Field(
        DEFAULT_REFERENCE_PATTERN,
        alias="kenmerkpatroon",
        description="Reguliere expressie waaraan elk kenmerk moet voldoen",
    )
    logo: LogoFile | None = Field(
        None,
        alias="logo",
        description="Pad naar het logo (PNG of JPEG), ten opzichte van dossiers/",
    )
    meeting_type: MeetingType = Field(
        "commissievergadering",
        alias="vergaderingstype",
        description="ODS-vergaderingstype voor de export",
    )
    publication_url: Annotated[str, _text(500, multiline=False), AfterValidator(_check_url)] = (
        Field(
            DEFAULT_PUBLICATION_URL,
            alias="publicatie_url",
            title="Publicatie-URL",
            description="Webadres waar gepubliceerde stukken komen te staan",
        )
    )
    duplex: JaNee = Field(
        False,
        alias="dubbelzijdig",
        description=(
            "Ja als de vergaderbundels dubbelzijdig worden afgedrukt: elk agendapunt begint dan "
            "op een rechterbladzijde (een nieuw vel), zo nodig na een lege bladzijde; zonder "
            "deze regel: Nee"
        ),
        examples=["Ja"],
        json_schema_extra={"default": "Nee"},
    )

    def borrowed_keys(self) -> list[str]:
        """The keys (tooi, publicatie_url) that are Regio Gooi en Vechtstreek's while naam is
        another organisation's: left out, or kept from the example organisatie.yaml."""
        # Their defaults, which the example writes out, are Regio Gooi en Vechtstreek's
        # identity: another organisation would publish under its TOOI-URI and link to its site.
        if _same_name(self.name, DEFAULT_NAME):
            return []
        borrowed = {
            "tooi": _same_tooi(self.tooi, DEFAULT_TOOI),
            "publicatie_url": _same_site(self.publication_url, DEFAULT_PUBLICATION_URL),
        }
        return [alias for alias, same in borrowed.items() if same]

    def left_out(self, alias: str) -> bool:
        """Whether the key ``alias`` (``publicatie_url``) is not in organisatie.yaml."""
        field = next(name for name, info in type(self).model_fields.items() if info.alias == alias)
        return field not in self.model_fields_set


def _same_tooi(one: str, other: str) -> bool:
    """Whether two TOOI-URIs are the same but for capitals and a closing '/'."""
    return one.casefold().rstrip("/") == other.casefold().rstrip("/")


def _same_site(url: str, other: str) -> bool:
    """Whether ``url`` is on the website of ``other`` (with or without 'www.', or below it)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    site = (urlsplit(other).hostname or "").removeprefix("www.")
    return host == site or host.endswith("." + site)


def _same_name(one: str, other: str) -> bool:
    """Whether two organisation names are the same but for capitals and spacing."""
    return " ".join(one.casefold().split()) == " ".join(other.casefold().split())


@functools.cache  # asked once per dossier; the answer is the class's
def markdown_fields(model: type[BaseModel]) -> list[str]:
    """Aliases of the fields of ``model`` that hold Markdown."""
    return [
        info.alias or name
        for name, info in model.model_fields.items()
        if any(isinstance(meta, MarkdownMarker) for meta in info.metadata)
        or _marked(info.annotation)
    ]


def _marked(annotation: Any) -> bool:
    """Whether ``annotation`` holds MarkdownText: pydantic keeps the marker of a plain
    ``MarkdownText`` field in its metadata, but of ``MarkdownText | None`` only in the type."""
    if get_origin(annotation) is Annotated:
        return any(isinstance(meta, MarkdownMarker) for meta in get_args(annotation)[1:])
    # Only a choice of types, not a container of texts (a tuple of MarkdownText is no text).
    if get_origin(annotation) in (Union, UnionType):
        return any(_marked(argument) for argument in get_args(annotation))
    return False
