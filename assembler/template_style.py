"""What a Word template carries unseen into every document: hidden text, and fonts not here.

The template check (``assembler templates check``, and every build's kept answer) adds these
warnings to what :mod:`assembler.lint` finds in the template's codes:

* hidden text (``w:vanish``, typed as such or through a style): it is not in the PDF, but it is
  in every Word file made from the template, the public ones too, where anyone can show it;
* a font the template's text is set in that this machine does not have: LibreOffice then
  takes another one without a word, and the PDF looks otherwise than the house style (and a
  fixed-width table may break its words). Which fonts are installed, and what replaces one
  that is not, is fontconfig's answer, asked as :mod:`assembler.text_warnings` asks it.

Both read the template's XML only; no document is rendered.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from lxml import etree

from assembler.errors import Problem
from assembler.ooxml import W as _W
from assembler.text_warnings import font_substitute, installed_font_families

__all__ = [
    "HIDDEN_TEXT",
    "Styles",
    "font_not_here",
    "fonts_not_here",
    "style_warnings",
    "used_fonts",
]

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_PARSER = etree.XMLParser(recover=False, huge_tree=True, resolve_entities=False)
# The parts whose text reaches a document, and how messages name them (as lint.py does).
_CONTENT = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
_PLACES = {"header": "in de koptekst: ", "footer": "in de voettekst: ", "footnotes": ""}
HIDDEN_TEXT = "verborgen tekst komt in elk Word-document mee, ook in de openbare"
# The styles the Markdown text (toelichting, tekst) is set in: used by every document, though
# the template's own text never names them (see markdown.py).
_MARKDOWN_STYLES = frozenset(
    {"heading 2", "heading 3", "heading 4", "list bullet", "list number", "list continue"}
    | {"quote", "broncode", "hyperlink"}
)
# Fonts with a free twin of the same measures that fontconfig puts in their place: the PDF
# has the same line and page breaks, so a missing original is not worth a warning.
_METRIC_TWINS = {
    "arial": "liberation sans",
    "helvetica": "liberation sans",
    "arial narrow": "liberation sans narrow",
    "times new roman": "liberation serif",
    "times": "liberation serif",
    "courier new": "liberation mono",
    "courier": "liberation mono",
    "calibri": "carlito",
    "cambria": "caladea",
}
_SHOWN = 60  # characters of hidden text quoted in a message


def style_warnings(path: Path, label: str) -> list[Problem]:
    """Warnings about ``path``'s hidden text and missing fonts; ``label`` names the file.
    Nothing for a file that is no readable .docx: lint.lint_template says that."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            parts = {
                name: etree.fromstring(archive.read(name), _PARSER)
                for name in names
                if _CONTENT.fullmatch(name) or name in ("word/styles.xml", "word/theme/theme1.xml")
            }
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError):
        return []
    styles = Styles(parts.get("word/styles.xml"))
    content = {name: root for name, root in parts.items() if _CONTENT.fullmatch(name)}
    problems = _hidden_text(content, styles, label)
    problems += _missing_fonts(content, styles, parts.get("word/theme/theme1.xml"), label)
    return problems


# --------------------------------------------------------------------------- styles


def _on(holder: etree._Element | None, tag: str) -> bool | None:
    """Whether a toggle property (``w:vanish``) is on in ``holder``; None when not set."""
    if holder is None:
        return None
    element = holder.find(_W + tag)
    if element is None:
        return None
    return element.get(_W + "val", "true").lower() not in ("0", "false", "off")


class Styles:
    """A Word document's styles: names, what each is based on, and their own run properties."""

    def __init__(self, root: etree._Element | None) -> None:
        self.names: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.run_properties: dict[str, etree._Element] = {}
        self.defaults: list[str] = []  # the default paragraph and character styles
        self.default_paragraph = ""  # what a paragraph without a style of its own is in
        self.document_default: etree._Element | None = None
        if root is None:
            return
        self.document_default = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        for style in root.iter(_W + "style"):
            style_id = style.get(_W + "styleId", "")
            name = style.find(_W + "name")
            self.names[style_id] = name.get(_W + "val", style_id) if name is not None else style_id
            based = style.find(_W + "basedOn")
            if based is not None:
                self.based_on[style_id] = based.get(_W + "val", "")
            properties = style.find(_W + "rPr")
            if properties is not None:
                self.run_properties[style_id] = properties
            kind = style.get(_W + "type")
            if style.get(_W + "default") in ("1", "true") and kind in ("paragraph", "character"):
                self.defaults.append(style_id)
                if kind == "paragraph":
                    self.default_paragraph = style_id

    def chain(self, style_id: str) -> Iterator[str]:
        """``style_id`` and the styles it is based on, nearest first."""
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.names:
            seen.add(style_id)
            yield style_id
            style_id = self.based_on.get(style_id, "")

    def hides(self, style_id: str) -> bool:
        """Whether text in ``style_id`` is hidden (by it, a style it is based on, or the
        document's defaults)."""
        for ancestor in self.chain(style_id):
            said = _on(self.run_properties.get(ancestor), "vanish")
            if said is not None:
                return said
        return bool(_on(self.document_default, "vanish"))

    def by_name(self, names: Iterable[str]) -> list[str]:
        wanted = {name.lower() for name in names}
        return [style_id for style_id, name in self.names.items() if name.lower() in wanted]


def _paragraph_style(paragraph: etree._Element) -> str:
    found = paragraph.find(f"{_W}pPr/{_W}pStyle")
    return found.get(_W + "val", "") if found is not None else ""


def _place(name: str) -> str:
    kind = re.sub(r"\d*\.xml$", "", name.removeprefix("word/"))
    return _PLACES.get(kind, "")


# --------------------------------------------------------------------------- hidden text


def _hidden_text(
    content: Mapping[str, etree._Element], styles: Styles, label: str
) -> list[Problem]:
    """A warning per part for text hidden as typed, and per style that hides text."""
    problems: list[Problem] = []
    for name, root in sorted(content.items()):
        typed: list[str] = []
        by_style: dict[str, list[str]] = {}
        for run in root.iter(_W + "r"):
            text = "".join(t.text or "" for t in run.iterchildren(_W + "t"))
            if not text.strip():
                continue
            paragraph = next(run.iterancestors(_W + "p"), None)
            paragraph_style = (
                _paragraph_style(paragraph) if paragraph is not None else ""
            ) or styles.default_paragraph
            properties = run.find(_W + "rPr")
            said = _on(properties, "vanish")
            if said is not None:
                if said:
                    typed.append(text)
                continue
            style_element = properties.find(_W + "rStyle") if properties is not None else None
            run_style = style_element.get(_W + "val", "") if style_element is not None else ""
            for style in (run_style, paragraph_style):
                if style and styles.hides(style):
                    by_style.setdefault(style, []).append(text)
                    break
            else:
                if not run_style and not paragraph_style and styles.hides(""):
                    by_style.setdefault("", []).append(text)
        where = _place(name)
        if typed:
            problems.append(
                Problem(
                    label,
                    None,
                    "",
                    f"{where}{HIDDEN_TEXT}, al toont de PDF haar niet: {_quoted(typed)} (haal de "
                    "tekst weg, of maak haar zichtbaar: in Word via Lettertype, vinkje "
                    "Verborgen uit; Start › ¶ toont verborgen tekst)",
                    "waarschuwing",
                )
            )
        for style, texts in by_style.items():
            named = f"de opmaakstijl '{styles.names[style]}'" if style else "de standaardopmaak"
            problems.append(
                Problem(
                    label,
                    None,
                    "",
                    f"{where}{HIDDEN_TEXT}, al toont de PDF haar niet: {named} verbergt "
                    f"{_quoted(texts)} (zet in Word bij de stijl Wijzigen › Opmaak › Lettertype "
                    "het vinkje Verborgen uit, of haal de tekst weg)",
                    "waarschuwing",
                )
            )
    return problems


def _quoted(texts: list[str]) -> str:
    text = " ".join("".join(texts).split())
    return f"'{text[:_SHOWN]}…'" if len(text) > _SHOWN else f"'{text}'"


# --------------------------------------------------------------------------- fonts


def _fonts_of(properties: etree._Element | None, theme: Mapping[str, str]) -> Iterator[str]:
    """The Latin fonts a run's properties name (ascii, hAnsi), themes resolved."""
    if properties is None:
        return
    fonts = properties.find(_W + "rFonts")
    if fonts is None:
        return
    for kind in ("ascii", "hAnsi"):
        themed = fonts.get(f"{_W}{kind}Theme")
        if themed:
            font = theme.get("major" if themed.startswith("major") else "minor", "")
        else:
            font = fonts.get(_W + kind, "")
        if font:
            yield font


def _theme_fonts(root: etree._Element | None) -> dict[str, str]:
    """The theme's Latin heading (major) and body (minor) fonts."""
    found: dict[str, str] = {}
    if root is None:
        return found
    for kind in ("major", "minor"):
        latin = root.find(f".//{_A}{kind}Font/{_A}latin")
        if latin is not None and latin.get("typeface"):
            found[kind] = str(latin.get("typeface"))
    return found


def used_fonts(
    styles: Styles,
    theme_root: etree._Element | None,
    used_styles: Iterable[str],
    run_properties: Iterable[etree._Element],
) -> list[str]:
    """The Latin fonts a Word document's text is set in: named in its ``run_properties``
    (w:rPr), in the ``used_styles`` (by id) and their bases, and its default styles."""
    theme = _theme_fonts(theme_root)
    fonts: dict[str, None] = {}
    for properties in run_properties:
        fonts.update(dict.fromkeys(_fonts_of(properties, theme)))
    for style in sorted(set(styles.defaults) | set(used_styles)):
        for ancestor in styles.chain(style):
            fonts.update(dict.fromkeys(_fonts_of(styles.run_properties.get(ancestor), theme)))
    fonts.update(dict.fromkeys(_fonts_of(styles.document_default, theme)))
    return list(fonts)


def fonts_not_here(fonts: Iterable[str]) -> list[tuple[str, str | None]]:
    """Of ``fonts``, those this machine lacks and has no twin of the same measures for, each
    with what fontconfig prints instead (None: it cannot say which); none when fontconfig
    cannot say what is installed."""
    fonts = list(dict.fromkeys(fonts))
    if not fonts:
        return []
    installed = installed_font_families()
    if installed is None:  # fontconfig cannot say: nothing to warn about with certainty
        return []
    missing: list[tuple[str, str | None]] = []
    for font in fonts:
        if font.strip().lower() in installed:
            continue  # 'Liberation Sans ' with a space typed after it is that font
        substitute = font_substitute(font)
        if substitute is not None and substitute.lower() in {
            font.strip().lower(),
            _METRIC_TWINS.get(font.strip().lower()),
        }:
            continue
        missing.append((font, substitute))
    return missing


def font_not_here(font: str, substitute: str | None, made: str) -> str:
    """What is said of a font that is not here, after its name: ``made`` names what is
    printed without it ("de documenten", "de PDF")."""
    verb = "gebruiken" if made.endswith("en") else "gebruikt"
    instead = (
        f"{made} {verb} in plaats daarvan {substitute}"
        if substitute
        else f"{made} {verb} in plaats daarvan een ander lettertype"
    )
    return (
        f"is niet geïnstalleerd op deze computer: {instead}, en tekst kan anders over de regels "
        "en pagina's lopen"
    )


def _missing_fonts(
    content: Mapping[str, etree._Element],
    styles: Styles,
    theme_root: etree._Element | None,
    label: str,
) -> list[Problem]:
    """A warning per font the template's text is set in that this machine does not have."""
    roots = [root for _name, root in sorted(content.items())]
    used_styles = [
        element.get(_W + "val", "")
        for root in roots
        for element in root.iter(_W + "pStyle", _W + "rStyle", _W + "tblStyle")
    ]
    fonts = used_fonts(
        styles,
        theme_root,
        [*used_styles, *styles.by_name(_MARKDOWN_STYLES)],
        [properties for root in roots for properties in root.iter(_W + "rPr")],
    )
    return [
        Problem(
            label,
            None,
            font,
            f"het lettertype '{font}' "
            + font_not_here(font, substitute, "de documenten")
            + " (laat de beheerder het lettertype installeren, of kies in het sjabloon een "
            "lettertype dat er wel is)",
            "waarschuwing",
        )
        for font, substitute in fonts_not_here(fonts)
    ]
