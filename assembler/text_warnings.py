"""Warnings about text that validates but will not look as meant in the documents.

What every YAML file is warned of (file_warnings: text cut at a ' #', an apostrophe YAML took
for a quote, text once read as ANSI), what every text that reaches a document is
(glyph_warnings: characters no font on this machine has, emoji or any other script, and Word's
symbol-font bullets; for dossiers, meetings and the organisation's name) and what a dossier's
texts are besides (content_warnings: HTML, tables, a '...' left from the new dossier, the
Markdown check). Also where in its file a field's text, or a line of it, is (text_line,
line_saying, texts_of), which the other checks use to say a message at its line.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from assembler.errors import Problem, dutch_list
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

# A line with a tab between its words: what Word gives for a table copied as text. Markdown
# joins the lines of a paragraph, so its rows become one paragraph with gaps. Not a tab after
# a pasted list's bullet or number alone ("\uf0b7<tab>Tekst", "1.<tab>Tekst"): said as a list.
_TABBED_LINE = re.compile(
    r"^(?![ \t]*(?:\W|\d{1,2}[.)]|[a-zA-Z][.)])[ \t]*\t)[^\n]*\S[ \t]*\t[ \t]*\S[^\n]*$",
    re.MULTILINE,
)
_PASTED_TABLE = (
    "deze regels met tabs lijken een tabel die uit Word is geplakt: ze worden samen één "
    "alinea, met gaten op wisselende plekken (zet de tabel in een bijlage, of schrijf elke rij "
    "als punt van een lijst met '- ')"
)
_TAB_IN_TEXT = (
    "een tab midden in de tekst wordt een gat op een wisselende plek (zet er een spatie voor "
    "in de plaats)"
)
# A decision typed with its own number or letter: the documents number them ("Voorstel 2.").
_OWN_NUMBER = re.compile(r"\(?(?:\d{1,2}[.)]|[a-zA-Z]\))(?=\s)")


def line_saying(source: Source, path: FieldPath, text: str, squashed: str) -> int | None:
    """The line within a field's (multi-line) text where ``squashed`` begins, also when it goes
    on in the next line (a long title wrapped by the clerk's editor); else the key's."""
    # Squashed text has no white space: the squashed lines, end to end, are the squashed text.
    ends = []
    said = ""
    for line in text.split("\n"):
        said += squash(MARKUP.sub("", line))
        ends.append(len(said))
    found = said.find(squashed)
    offset = bisect_right(ends, found) if found >= 0 else None
    return text_line(source, path, text, offset)


def text_line(source: Source, path: FieldPath, text: str, offset: int | None) -> int | None:
    """The file's line of line ``offset`` of a field's text: below the key for a '|' block,
    where the file shows that line as typed; else (folded or joined text) the key's line."""
    first = source.line_of(path)
    if first is None or offset is None or len(text.split("\n")) == 1:
        return first
    below = source.text.split("\n")[first + offset : first + offset + 1]
    # The text is read as NFC (see source.py), the file may hold it decomposed (macOS).
    if [unicodedata.normalize("NFC", typed.strip()) for typed in below] == [
        text.split("\n")[offset].strip()
    ]:
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


@lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """Whether a font on this machine has ``char``: LibreOffice takes it from any of them."""
    if not _FONTCONFIG_WORKS:
        return True
    covered = _font_coverage()
    if covered is None:
        return True
    at = bisect_right(covered.starts, ord(char)) - 1
    return at >= 0 and ord(char) <= covered.ends[at]


class _Fonts(NamedTuple):
    """What fontconfig says of the fonts on this machine."""

    starts: tuple[int, ...]  # the characters they have together, as sorted ranges: firsts
    ends: tuple[int, ...]  # and lasts
    families: frozenset[str]  # their family names, in lower case ('dejavu sans')


def installed_font_families() -> frozenset[str] | None:
    """The family names of the fonts on this machine, in lower case; None when fontconfig
    cannot say. For the template check: a font a template names that is not here."""
    if not _FONTCONFIG_WORKS:
        return None
    fonts = _font_coverage()
    return None if fonts is None else fonts.families


# fontconfig's pattern syntax gives these characters a meaning: a font name escapes them.
_PATTERN_SPECIAL = re.compile(r"([\\\-:,])")


@lru_cache(maxsize=64)
def font_substitute(family: str) -> str | None:
    """The installed font fontconfig gives for ``family`` ('DejaVu Sans' for 'Gotham Book'),
    which LibreOffice then prints with; None when fontconfig cannot say."""
    if not _FONTCONFIG_WORKS:
        return None
    try:
        found = subprocess.run(
            ["fc-match", "--format", "%{family}", _PATTERN_SPECIAL.sub(r"\\\1", family)],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    name = found.stdout.split(",")[0].strip() if found.returncode == 0 else ""
    return name or None


@lru_cache(maxsize=1)
def _font_coverage() -> _Fonts | None:
    """The characters the fonts on this machine have together, as sorted ranges, and the
    fonts' family names; None when fontconfig cannot say.

    One question to fontconfig for every character of a run (some 30 ms), not one per
    character: a text in Chinese has hundreds of them. The template check's question which
    fonts are installed is answered by the same one.
    """
    global _FONTCONFIG_WORKS
    try:
        found = subprocess.run(
            ["fc-list", "--format", "%{family}\t%{charset}\n"],
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
        return None
    ranges: list[tuple[int, int]] = []
    families: set[str] = set()
    for line in found.stdout.splitlines():  # "DejaVu Sans,DejaVu Sans Light\t20-7e a0-17f ..."
        names, _, charset = line.rpartition("\t")
        families.update(name.strip().lower() for name in names.split(",") if name.strip())
        for part in charset.split():
            low, _, high = part.partition("-")
            try:
                ranges.append((int(low, 16), int(high or low, 16)))
            except ValueError:
                continue
    if not ranges:
        # No font at all, or a fontconfig that does not know '%{charset}': not certain.
        _FONTCONFIG_WORKS = False
        return None
    ranges.sort()
    merged = [list(ranges[0])]
    for first, last in ranges[1:]:
        if first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return _Fonts(tuple(r[0] for r in merged), tuple(r[1] for r in merged), frozenset(families))


_FONTCONFIG_WORKS = True


def _may_lack(char: str) -> bool:
    """Whether ``char`` is one a font must have to print it: not ASCII (every font has it),
    not one that prints as nothing (a space, a zero-width joiner, a variation selector, a
    soft hyphen, a control character) and not one of the Private Use Area (said apart)."""
    if char.isascii():
        return False
    kind = unicodedata.category(char)
    if kind[0] == "Z" or kind in ("Cc", "Cf", "Co", "Cs"):
        return False
    return not ("\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef")


# A script's name for the characters a font lacks, by the first word of their Unicode name.
_SCRIPTS = {
    "CJK": "Chinees",
    "IDEOGRAPHIC": "Chinees",
    "BOPOMOFO": "Chinees",
    "HIRAGANA": "Japans",
    "KATAKANA": "Japans",
    "HANGUL": "Koreaans",
    "ETHIOPIC": "Ethiopisch",
    "DEVANAGARI": "Devanagari",
    "BENGALI": "Bengaals",
    "GURMUKHI": "Gurmukhi",
    "GUJARATI": "Gujarati",
    "ORIYA": "Odia",
    "TAMIL": "Tamil",
    "TELUGU": "Telugu",
    "KANNADA": "Kannada",
    "MALAYALAM": "Malayalam",
    "SINHALA": "Singalees",
    "THAI": "Thais",
    "LAO": "Laotiaans",
    "TIBETAN": "Tibetaans",
    "MYANMAR": "Birmaans",
    "KHMER": "Khmer",
    "GEORGIAN": "Georgisch",
    "ARMENIAN": "Armeens",
    "MONGOLIAN": "Mongools",
    "ARABIC": "Arabisch",
    "HEBREW": "Hebreeuws",
    "SYRIAC": "Syrisch",
    "THAANA": "Thaana",
    "TIFINAGH": "Tifinagh",
}

# At most this many of the characters a font lacks are named; a text in Chinese has hundreds.
_SHOWN_CHARACTERS = 8


def _glyphless_message(chars: list[str]) -> str:
    """What to say of the characters ``chars`` (not emoji) that no font on this machine has."""
    shown = " ".join(
        # A combining mark on its own is shown on a dotted circle, as character maps show it.
        f"\u25cc{char}" if unicodedata.category(char).startswith("M") else char
        for char in chars[:_SHOWN_CHARACTERS]
    )
    if len(chars) > _SHOWN_CHARACTERS:
        shown += f" en nog {len(chars) - _SHOWN_CHARACTERS} andere"
    scripts = list(
        dict.fromkeys(
            script
            for char in chars
            if (script := _SCRIPTS.get(unicodedata.name(char, "").split(" ")[0])) is not None
        )
    )
    if scripts:
        shown += f" ({dutch_list(scripts)} schrift)"
    if len(chars) == 1:
        return (
            f"het teken {shown} staat in geen lettertype op deze computer: het komt als een leeg "
            f"vakje in het document, en {_NEIGHBOURS} (laat het weg, zet de tekst met dit teken "
            "in een bijlage die elders als PDF is gemaakt, of vraag de beheerder om een "
            "lettertype met dit teken op deze computer te installeren)"
        )
    return (
        f"de tekens {shown} staan in geen lettertype op deze computer: ze komen als lege vakjes "
        f"in het document, en {_NEIGHBOURS} (laat ze weg, zet de tekst met deze tekens in een "
        "bijlage die elders als PDF is gemaakt, of vraag de beheerder om een lettertype met "
        "deze tekens op deze computer te installeren)"
    )


# What a character no font has does beside it: LibreOffice sets the characters around it
# apart, and puts one over another ('A. emoji 🚲 en ✓' printed '✓' over 'en').
_NEIGHBOURS = "de tekens ernaast kunnen verschoven of over elkaar heen komen te staan"


def glyph_warnings(
    source: Source,
    display: str,
    markdown: Collection[str] = (),
    fields: Collection[str] | None = None,
) -> list[Problem]:
    """A warning for each text of a YAML file (or of its top-level ``fields``) with characters
    that will not print as typed: emoji and any other character no font on this machine has
    (an empty box), and Word's symbol-font bullets. ``markdown``: fields with Markdown, whose
    bullets at a line's start are said as such."""
    data = source.data
    if not isinstance(data, dict) or source.text.isascii():
        return []
    # Every build reads every dossier: its texts are walked only when the file has such a
    # character at all (its comments too), each character looked up once in a run. As the
    # texts are read: NFC ('ᄒ' 'ᅡ' typed, the one '하' printed).
    used = set(unicodedata.normalize("NFC", source.text))
    lacking = {char for char in used if _may_lack(char) and not has_glyph(char)}
    private = _PRIVATE_USE.search(source.text) is not None
    if not lacking and not private:
        return []
    texts = [
        (path, text)
        for path, text in texts_of(data)
        if fields is None or (path and path[0] in fields)
    ]
    problems: list[Problem] = []

    def warn(path: FieldPath, text: str, first: str, message: str) -> None:
        line = line_saying(source, path, text, squash(first) or first)
        problems.append(Problem(display, line, field_label(path), message, "waarschuwing"))

    for path, text in texts if lacking else ():
        symbols = [
            sequence
            for sequence in dict.fromkeys(_SYMBOL.findall(text))
            if not all(has_glyph(char) for char in _SYMBOL_ITSELF.findall(sequence))
        ]
        if symbols:
            chars = " ".join(symbols)
            said = (
                f"het teken {chars} staat in geen lettertype op deze computer: het komt als een "
                f"leeg vakje in het document, en {_NEIGHBOURS} (haal het weg, of schrijf het in "
                "woorden)"
                if len(symbols) == 1
                else f"de tekens {chars} staan in geen lettertype op deze computer: ze komen als "
                f"lege vakjes in het document, en {_NEIGHBOURS} (haal ze weg, of schrijf ze in "
                "woorden)"
            )
            warn(path, text, symbols[0], said)
        # Other characters, outside emoji and what goes with them: a script no font here has.
        others = [char for char in dict.fromkeys(_SYMBOL.sub("", text)) if char in lacking]
        if others:
            warn(path, text, others[0], _glyphless_message(others))
    if private:
        marked = {(name,) for name in markdown}
        for path, text in texts:
            found = list(dict.fromkeys(_PRIVATE_USE.findall(text)))
            if found:
                warn(path, text, found[0], _private_use_message(found, text, path in marked))
    return problems


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

    problems += glyph_warnings(source, display, markdown)
    decisions = data.get("voorstel")
    for index, decision in enumerate(decisions if isinstance(decisions, list) else []):
        numbered = _OWN_NUMBER.match(decision.lstrip()) if isinstance(decision, str) else None
        if numbered:
            warn(
                ("voorstel", index),
                f"begint met '{numbered.group()}', maar de documenten nummeren de voorstellen "
                f"zelf (Voorstel {index + 1}.) (haal '{numbered.group()}' weg)",
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
        tabbed = _TABBED_LINE.search(value) if "\t" in value else None
        if tabbed:
            below = value[tabbed.end() + 1 :].split("\n", 1)[0]
            rows = _TABBED_LINE.fullmatch(below) is not None  # two, one under the other
            warn_at(name, value, tabbed.start(), _PASTED_TABLE if rows else _TAB_IN_TEXT)
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
