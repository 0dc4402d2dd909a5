"""Warnings about text that validates but will not look as meant in the documents.

What every YAML file is warned of (file_warnings: text cut at a ' #', an apostrophe YAML took
for a quote, text once read as ANSI) and what a dossier's texts are (content_warnings: emoji
no font has, Word's symbol-font bullets, HTML, tables, a '...' left from the new dossier, the
Markdown check). Also where in its file a field's text, or a line of it, is (text_line,
line_saying, texts_of), which the other checks use to say a message at its line.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache

from assembler.errors import Problem
from assembler.markdown_check import TABLE_RULE, markdown_mistakes, quoted
from assembler.source import (
    FieldPath,
    Source,
    YamlValue,
    field_label,
    folded_text_message,
    loose_text_message,
    lost_apostrophe_message,
    misread_as_ansi,
)
from assembler.terms import squash

# Markdown's emphasis and code marks: "het **Onderhandelingsmandaat** provinciale ..." prints,
# and reaches the gate, without them.
MARKUP = re.compile(r"[*_`]")

# Said at text that still holds the '...' 'assembler new' wrote: the export refuses it.
PLACEHOLDER_LEFT = "bevat nog '...' uit het nieuwe dossier (vul de tekst in)"


def line_saying(source: Source, path: FieldPath, text: str, squashed: str) -> int | None:
    """The line within a field's (multi-line) text that says ``squashed``; else the key's."""
    lines = text.split("\n")
    offset = next(
        (i for i, line in enumerate(lines) if squashed in squash(MARKUP.sub("", line))), None
    )
    return text_line(source, path, text, offset)


def text_line(source: Source, path: FieldPath, text: str, offset: int | None) -> int | None:
    """The file's line of line ``offset`` of a field's text: below the key for a '|' block,
    where the file shows that line as typed; else (folded or joined text) the key's line."""
    first = source.line_of(path)
    if first is None or offset is None or len(text.split("\n")) == 1:
        return first
    below = source.text.split("\n")[first + offset : first + offset + 1]
    if [typed.strip() for typed in below] == [text.split("\n")[offset].strip()]:
        return first + 1 + offset
    return first


def texts_of(value: YamlValue, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every text in a YAML value, with its field path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from texts_of(element, (*path, index))
    elif isinstance(value, dict):
        for key, element in value.items():
            yield from texts_of(element, (*path, key))


# Tags clerks paste from web pages and mail; raw HTML is shown as typed, never interpreted.
_HTML_TAG = re.compile(
    r"</?(b|i|u|em|strong|br|p|div|span|a|table|tr|td|ul|ol|li|h[1-6])(?=[\s/>])[^>]*>",
    re.IGNORECASE,
)


# Fields whose value is one word or a checked form: a note after it ("verspreiden: Ja # intern")
# cuts nothing off, and a value it did cut short is refused by its own check.
_COMPLETE_VALUES = frozenset(
    {"sjabloon", "verspreiden", "kenmerk", "datum", "doel", "email", "aanvang", "dossier"}
    | {"bestand", "logo", "tooi", "kenmerkpatroon", "vergaderingstype", "publicatie_url"}
)


def file_warnings(
    source: Source, display: str, cuts_said: Collection[FieldPath] = ()
) -> list[Problem]:
    """What every YAML file is warned of: text cut at a '#' (but the cuts ``cuts_said``
    already), an apostrophe taken for a quote, and text misread as ANSI."""
    return (
        comment_cuts(source, display, cuts_said)
        + lost_apostrophes(source, display)
        + misread_warning(source, display)
    )


def misread_warning(source: Source, display: str) -> list[Problem]:
    """A warning at the first line of a file that was once opened as ANSI and saved again as
    UTF-8: every accent became two or three other characters ('Ã©'), which are printed."""
    found = misread_as_ansi(source.text)
    if found is None:
        return []
    line, typed, meant, count = found
    # The field is the text that holds the line: the one whose line it is, else the last one
    # above it that holds the characters (a text joined from its lines is at its key's line).
    label, nearest = "", 0
    for path, text in texts_of(source.data):
        offset = next((i for i, part in enumerate(text.split("\n")) if typed in part), None)
        if offset is None:
            continue
        at = text_line(source, path, text, offset) or 0
        if at == line or nearest < at <= line:
            label, nearest = field_label(path), at
            if at == line:
                break
    more = f"; zulke tekens staan {count} keer in het bestand" if count > 1 else ""
    return [
        Problem(
            display,
            line,
            label,
            f"'{typed}' staat waarschijnlijk voor '{meant}': het bestand lijkt als ANSI geopend "
            "en weer als UTF-8 opgeslagen, en zo komt elk teken met een accent (of een teken "
            f"als '–' of '’') als twee of drie vreemde tekens in het document{more} (typ die "
            "tekens opnieuw, of sla het oorspronkelijke bestand opnieuw op als UTF-8)",
            "waarschuwing",
        )
    ]


def comment_cuts(source: Source, display: str, said: Collection[FieldPath] = ()) -> list[Problem]:
    """A warning for each text that YAML cut short at a '#' the clerk meant as text, but
    those ``said`` already."""
    problems: list[Problem] = []
    for path, (line, cut) in source.cut_by_comment.items():
        spaced = cut[1:2].isspace()  # "# 2", not "#2"
        if (spaced and _last_key(path) in _COMPLETE_VALUES) or path in said:
            continue
        # "R. Verhoeven # wethouder" may be a note meant as one: said how to keep it one too.
        note = ", of zet twee spaties voor '#' als het een opmerking is" if spaced else ""
        problems.append(
            Problem(
                display,
                line,
                field_label(path),
                f"de tekst vanaf {quoted(cut, count=6)} valt weg: YAML leest ' #' als het begin "
                f'van een opmerking (zet de hele tekst tussen aanhalingstekens: "..."{note})',
                "waarschuwing",
            )
        )
    return problems


def lost_apostrophes(source: Source, display: str) -> list[Problem]:
    """A warning for each text between single quotes that lost the apostrophe of a Dutch name
    ('s-Graveland, gemeentehuis'), which YAML took for its opening quote."""
    problems: list[Problem] = []
    for path, line in source.lost_apostrophe.items():
        value: YamlValue = source.data
        for part in path:
            value = value[part] if isinstance(value, dict | list) else None  # type: ignore[index]
        if isinstance(value, str):
            message = lost_apostrophe_message(value)
            problems.append(Problem(display, line, field_label(path), message, "waarschuwing"))
    return problems


def _last_key(path: FieldPath) -> str | None:
    """The name of the field ``path`` is in: 'voorstel' for a decision ('voorstel', 0)."""
    return next((part for part in reversed(path) if isinstance(part, str)), None)


# Emoji and pictographs: most fonts have none of them, some a few (DejaVu has ☺ and ✓). Skin
# tones (U+1F3FB-1F3FF), variation selectors and emoji joined to it (U+200D: '🧑‍⚖️') are part
# of the emoji before them, and said with it.
_ONE_SYMBOL = (
    "[\u2300-\u23ff\u2460-\u24ff\u2600-\u27bf\u2b00-\u2bff"
    "\U0001f000-\U0001f3fa\U0001f400-\U0001faff]"
)
# A flag is two regional indicators ('🇳🇱'), or a black flag with tag letters (Scotland's); a
# keycap ('1️⃣') a digit, # or * with the enclosing keycap (U+20E3), the part a font may lack.
_SYMBOL = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"
    "|[0-9#*]\ufe0f?\u20e3"
    f"|{_ONE_SYMBOL}(?:[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
    f"|\u200d{_ONE_SYMBOL})*"
)
_SYMBOL_ITSELF = re.compile(f"{_ONE_SYMBOL}|\u20e3")


# Characters of the Private Use Area: what they look like is up to one font. Word writes its
# Symbol and Wingdings bullets (U+F0B7, U+F0A7) as these; in any other font they are an empty
# box or some other sign, whether or not a font on this machine happens to have the code.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


# Such a character at a line's start in Markdown: Word's bullet pasted as text ('\uf0b7\tpunt').
_PRIVATE_USE_BULLET = re.compile("^[ \t]*([\ue000-\uf8ff])", re.MULTILINE)


def _private_use_message(found: list[str], text: str, markdown: bool) -> str:
    """What to say of the characters ``found`` in ``text``; in Markdown, those that start a
    line are bullets, said as a pasted '•' is: the line is no list item, whatever is removed."""
    codes = _codes(found)
    what = (
        f"het teken {codes} uit een symboollettertype, waarschijnlijk een opsommingsteken uit "
        "Word; het komt als een leeg vakje of een ander teken in het document"
        if len(found) == 1
        else f"de tekens {codes} uit een symboollettertype, waarschijnlijk opsommingstekens uit "
        "Word; ze komen als lege vakjes of andere tekens in het document"
    )
    starts = [hit.group(1) for hit in _PRIVATE_USE_BULLET.finditer(text)] if markdown else []
    if not starts:
        return f"bevat {what} (haal {'het' if len(found) == 1 else 'ze'} weg)"
    bullets = list(dict.fromkeys(starts))
    rest = [char for char in found if char not in bullets]
    also = f", en haal {_codes(rest)} weg" if rest else ""
    if len(starts) == 1:
        return (
            f"bevat {what}, en de regel die ermee begint wordt geen punt van een lijst maar "
            f"gewone tekst (begin de regel met '- ' in plaats van {_codes(bullets)}{also})"
        )
    return (
        f"bevat {what}, en de regels die ermee beginnen worden geen punten van een lijst maar "
        f"gewone tekst (begin die regels met '- ' in plaats van {_codes(bullets)}{also})"
    )


def _codes(chars: list[str]) -> str:
    """Characters by their code points: 'U+F0A7 U+F0B7'."""
    return " ".join(f"U+{ord(char):04X}" for char in chars)


@lru_cache(maxsize=256)
def has_glyph(char: str) -> bool:
    """Whether a font on this machine has ``char``: LibreOffice takes it from any of them."""
    global _FONTCONFIG_WORKS
    if not _FONTCONFIG_WORKS:
        return True
    try:
        found = subprocess.run(
            ["fc-list", f":charset={ord(char):x}", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        found = None
    if found is None or found.returncode != 0:
        # No fontconfig to ask, or one that fails: nothing to warn about with certainty, and
        # not asked again in this run.
        _FONTCONFIG_WORKS = False
        return True
    return bool(found.stdout.strip())


_FONTCONFIG_WORKS = True


def content_warnings(
    source: Source, display: str, markdown: Sequence[str], cuts_said: Collection[FieldPath] = ()
) -> list[Problem]:
    """Text that validates but will not look as meant: placeholders left, tables, HTML.

    ``cuts_said``: fields cut short at a '#' whose error says so already.
    """
    problems: list[Problem] = []
    data = source.data
    if not isinstance(data, dict):
        return problems

    def warn(path: FieldPath, message: str) -> None:
        problems.append(
            Problem(display, source.line_of(path), field_label(path), message, "waarschuwing")
        )

    problems += file_warnings(source, display, cuts_said)

    def warn_at(name: str, value: str, at: int, message: str) -> None:
        # At the line of the text's character ``at``, where the file shows the text as typed.
        line = text_line(source, (name,), value, value.count("\n", 0, at))
        problems.append(Problem(display, line, name, message, "waarschuwing"))

    if _SYMBOL.search(source.text):
        for path, text in texts_of(data):
            missing = [
                sequence
                for sequence in dict.fromkeys(_SYMBOL.findall(text))
                if not all(has_glyph(char) for char in _SYMBOL_ITSELF.findall(sequence))
            ]
            if missing:
                chars = " ".join(missing)
                said = (
                    f"het teken {chars} staat in geen lettertype op deze computer en komt als een "
                    "leeg vakje in het document (haal het weg, of schrijf het in woorden)"
                    if len(missing) == 1
                    else f"de tekens {chars} staan in geen lettertype op deze computer en komen "
                    "als lege vakjes in het document (haal ze weg, of schrijf ze in woorden)"
                )
                problems.append(
                    Problem(
                        display,
                        line_saying(source, path, text, missing[0]),
                        field_label(path),
                        said,
                        "waarschuwing",
                    )
                )
    if _PRIVATE_USE.search(source.text):
        marked = {(name,) for name in markdown}
        for path, text in texts_of(data):
            found = list(dict.fromkeys(_PRIVATE_USE.findall(text)))
            if found:
                problems.append(
                    Problem(
                        display,
                        line_saying(source, path, text, found[0]),
                        field_label(path),
                        _private_use_message(found, text, path in marked),
                        "waarschuwing",
                    )
                )
    # Every build reads every dossier: the walk only when the file has a '...' at all.
    for path, text in texts_of(data) if "..." in source.text else ():
        lines = [line.strip() for line in text.split("\n")]
        left = next(
            (i for i, line in enumerate(lines) if line == "..." or line.endswith(" ...")), None
        )
        if left is not None:  # at the '...' itself, not at the key above a '|' text
            problems.append(
                Problem(
                    display,
                    text_line(source, path, text, left),
                    field_label(path),
                    PLACEHOLDER_LEFT,
                    "waarschuwing",
                )
            )
    for name in markdown:
        value = data.get(name)
        if not isinstance(value, str):
            continue
        if source.loses_text((name,)):
            warn((name,), loose_text_message(name))
        elif source.folds_blocks((name,)):
            warn((name,), folded_text_message(name))

        table = TABLE_RULE.search(value) if "---" in value else None
        if table:
            warn_at(
                name,
                value,
                value.rfind("\n", 0, max(table.start() - 1, 0)) + 1,  # the header row's line
                "een tabel wordt niet als tabel opgemaakt, maar komt als tekst met |-tekens in "
                "het document (zet de tabel in een bijlage, of schrijf de rijen als lijst met "
                "'- ')",
            )
        tag = _HTML_TAG.search(value) if "<" in value else None
        if tag:
            warn_at(
                name,
                value,
                tag.start(),
                f"HTML zoals '{tag.group()}' komt letterlijk in het document (gebruik **vet**, "
                "*cursief* of een lijst met '- ')",
            )
        for offset, message in markdown_mistakes(value):
            line = text_line(source, (name,), value, offset)
            problems.append(Problem(display, line, name, message, "waarschuwing"))
    return problems
