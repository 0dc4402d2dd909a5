#!/usr/bin/env python3
"""Generate the example annexes of the seed dossier and the example logo.

Writes, relative to the project root:

- ``dossiers/2023-05-26-pfho-economie/werklocaties/bijlage-{1,2,3}-*.pdf``: three short
  Dutch PDFs whose titles are the seed's annex descriptions (text is real text in an
  embedded Liberation Sans subset; bijlage 1 and 2 carry an outline);
- ``dossiers/huisstijl/logo.png``: a neutral wordmark used as the example house-style logo.

Output is deterministic (reportlab ``invariant=1``, fixed creation date, fixed PNG
settings), so running the script twice gives byte-identical files. Run it with the
project's virtual environment::

    .venv/bin/python tools/make_example_annexes.py
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

rl_config.invariant = 1

ROOT = Path(__file__).resolve().parent.parent
DOSSIER = ROOT / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties"
LOGO = ROOT / "dossiers" / "huisstijl" / "logo.png"

FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
FONTS = {
    "Liberation": "LiberationSans-Regular.ttf",
    "Liberation-Bold": "LiberationSans-Bold.ttf",
    "Liberation-Italic": "LiberationSans-Italic.ttf",
    "Liberation-BoldItalic": "LiberationSans-BoldItalic.ttf",
}
ORGANISATIE = "Regio Gooi en Vechtstreek"
HUISKLEUR = colors.HexColor("#1F5F7A")


def register_fonts() -> None:
    for name, file in FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        "Liberation",
        normal="Liberation",
        bold="Liberation-Bold",
        italic="Liberation-Italic",
        boldItalic="Liberation-BoldItalic",
    )


def styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName="Liberation",
        fontSize=10.5,
        leading=14.5,
        spaceAfter=7,
        alignment=TA_LEFT,
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName="Liberation-Bold",
            fontSize=20,
            leading=25,
            textColor=HUISKLEUR,
            spaceAfter=4,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=body,
            fontName="Liberation-Italic",
            fontSize=11.5,
            leading=15,
            textColor=colors.HexColor("#444444"),
            spaceAfter=16,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName="Liberation-Bold",
            fontSize=13.5,
            leading=17,
            textColor=HUISKLEUR,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Liberation-Bold",
            fontSize=11,
            leading=14,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12, spaceAfter=0),
    }


class Heading(Paragraph):  # type: ignore[misc]  # reportlab has no type hints
    """A paragraph that becomes an outline entry (bookmark) of the given level."""

    def __init__(self, text: str, style: ParagraphStyle, level: int) -> None:
        super().__init__(text, style)
        self.outline_level = level
        self.outline_text = text


class AnnexDoc(SimpleDocTemplate):  # type: ignore[misc]
    def __init__(self, path: Path, *, title: str, subject: str, outline: bool) -> None:
        super().__init__(
            str(path),
            pagesize=A4,
            leftMargin=25 * mm,
            rightMargin=25 * mm,
            topMargin=28 * mm,
            bottomMargin=22 * mm,
            title=title,
            author=ORGANISATIE,
            subject=subject,
            creator="assembler tools/make_example_annexes.py",
            lang="nl-NL",
            invariant=1,
        )
        self.annex_title = title
        self.with_outline = outline
        self._seq = 0

    def afterFlowable(self, flowable: Any) -> None:
        if self.with_outline and isinstance(flowable, Heading):
            self._seq += 1
            key = f"h{self._seq}"
            canvas = self.canv
            canvas.bookmarkPage(key)
            canvas.addOutlineEntry(
                flowable.outline_text, key, level=flowable.outline_level, closed=False
            )


def decorate(title: str):  # type: ignore[no-untyped-def]
    def on_page(canvas: Any, doc: Any) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(HUISKLEUR)
        canvas.rect(25 * mm, height - 16 * mm, 6 * mm, 6 * mm, stroke=0, fill=1)
        canvas.setFont("Liberation-Bold", 9)
        canvas.drawString(33 * mm, height - 14.6 * mm, ORGANISATIE)
        canvas.setFont("Liberation", 8.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(25 * mm, 12 * mm, title)
        canvas.drawRightString(width - 25 * mm, 12 * mm, f"Pagina {doc.page}")
        canvas.restoreState()

    return on_page


def bullets(items: list[str], st: dict[str, ParagraphStyle], numbered: bool = False) -> Any:
    return ListFlowable(
        [ListItem(Paragraph(text, st["body"]), leftIndent=14) for text in items],
        bulletType="1" if numbered else "bullet",
        bulletFontName="Liberation",
        bulletFontSize=10,
        leftIndent=14,
        start="1" if numbered else "•",
    )


def table(rows: list[list[str]], st: dict[str, ParagraphStyle], widths: list[float]) -> Table:
    data = [[Paragraph(cell, st["cell"]) for cell in row] for row in rows]
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE8EE")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AAFB9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return result


@dataclass(frozen=True)
class Annex:
    file: str
    title: str
    subtitle: str
    outline: bool
    created: dt.datetime


ANNEXES = [
    Annex(
        "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf",
        "Voorstel aanpak actieplan Werklocaties",
        "Portefeuillehoudersoverleg Economie, 26 mei 2023",
        True,
        dt.datetime(2023, 4, 11, 9, 0, tzinfo=dt.UTC),
    ),
    Annex(
        "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf",
        "Projectplan instrumenten ruimte voor werklocaties (oktober 2021)",
        "Vastgesteld in het portefeuillehoudersoverleg Economie & Innovatie, november 2021",
        True,
        dt.datetime(2021, 10, 25, 9, 0, tzinfo=dt.UTC),
    ),
    Annex(
        "bijlage-3-advies-ruimte-voor-werk-nieuw-instrumentarium.pdf",
        "Advies Ruimte voor werk – nieuw instrumentarium (juli 2022)",
        "Advies in opdracht van de regio, juli 2022",
        False,
        dt.datetime(2022, 7, 14, 9, 0, tzinfo=dt.UTC),
    ),
]


def story_aanpak(st: dict[str, ParagraphStyle]) -> list[Any]:
    h1, h2, p = st["h1"], st["h2"], st["body"]
    return [
        Heading("1. Aanleiding", h1, 0),
        Paragraph(
            "De regio Gooi en Vechtstreek streeft naar een optimale woon-werkbalans. Die balans "
            "is nu negatief: er wonen meer werkenden in de regio dan er banen zijn, en bij "
            "ongewijzigd beleid neemt het tekort aan ruimte voor werk verder toe. Bestaande "
            "bedrijventerreinen staan onder druk door transformatie naar wonen, terwijl nieuwe "
            "locaties schaars zijn.",
            p,
        ),
        Paragraph(
            "In november 2021 is het projectplan instrumenten ruimte voor werklocaties "
            "vastgesteld. De fasen 1 en 2 daarvan zijn uitgewerkt in het advies "
            "<i>Ruimte voor werk – nieuw instrumentarium</i> (juli 2022). Dit voorstel beschrijft "
            "hoe fase 3, het Actieplan werklocaties, wordt aangepakt.",
            p,
        ),
        Heading("2. Doel van het actieplan", h1, 0),
        Paragraph(
            "Het actieplan bepaalt welke beschikbare instrumenten en activiteiten effectief zijn "
            "om ruimte voor werklocaties te borgen, en waar aanvulling nodig is. Het accent ligt "
            "op instrumenten die regionaal kunnen worden ingezet. Concreet levert het actieplan "
            "op:",
            p,
        ),
        bullets(
            [
                "een overzicht van de regionale opgave per type werklocatie;",
                "een selectie van instrumenten met per instrument de verwachte werking;",
                "afspraken over de rolverdeling tussen regio en gemeenten;",
                "een planning voor de implementatie op gemeentelijk niveau.",
            ],
            st,
        ),
        Heading("3. Aanpak en planning", h1, 0),
        Heading("3.1 Werkwijze", h2, 1),
        Paragraph(
            "Een ambtelijke werkgroep met vertegenwoordigers van alle deelnemende gemeenten "
            "stelt het actieplan op, ondersteund door de eenheid Beleid en bestuur. Ondernemers, "
            "de Ontwikkelingsmaatschappij Metropoolregio Amsterdam en de provincie Noord-Holland "
            "worden via twee werksessies betrokken.",
            p,
        ),
        Heading("3.2 Planning", h2, 1),
        table(
            [
                ["Periode", "Activiteit", "Overleg"],
                ["juni 2023", "Start werkgroep, inventarisatie instrumenten", "–"],
                ["september 2023", "Werksessies met ondernemers en partners", "–"],
                ["november 2023", "Concept Actieplan werklocaties", "Bespreken in het PHO"],
                ["januari 2024", "Definitief Actieplan werklocaties", "Vaststellen in het PHO"],
            ],
            st,
            [32 * mm, 88 * mm, 40 * mm],
        ),
        Spacer(1, 8),
        Heading("4. Kosten en dekking", h1, 0),
        Paragraph(
            "Voor externe ondersteuning en de werksessies is een budget van € 40.000 nodig. Dit "
            "wordt gedekt uit het restant van het Transformatiefonds Werklandschappen. Er is geen "
            "aanvullende bijdrage van de gemeenten nodig.",
            p,
        ),
        Heading("5. Besluitvorming", h1, 0),
        Paragraph(
            "Het portefeuillehoudersoverleg wordt gevraagd in te stemmen met deze aanpak. Het "
            "concept-actieplan komt in het najaar van 2023 ter bespreking terug; het definitieve "
            "actieplan wordt ter vaststelling voorgelegd.",
            p,
        ),
    ]


def story_projectplan(st: dict[str, ParagraphStyle]) -> list[Any]:
    h1, p = st["h1"], st["body"]
    return [
        Heading("Samenvatting", h1, 0),
        Paragraph(
            "Dit projectplan beschrijft hoe de regio komt tot een herijkt instrumentarium om "
            "ruimte voor werklocaties te behouden en te ontwikkelen. Het bestaande "
            "Transformatiefonds Werklandschappen sluit niet meer aan bij de opgave: de "
            "behoefte verschuift van transformatie naar behoud en intensivering.",
            p,
        ),
        Heading("1. Opgave", h1, 0),
        Paragraph(
            "Uit de regionale monitor werklocaties blijkt dat het aanbod aan bedrijventerreinen "
            "en kantoorlocaties de komende tien jaar niet toereikend is. Tegelijk worden "
            "werklocaties getransformeerd naar woningbouw. Zonder regionale afstemming dreigt "
            "verdringing van bedrijvigheid die voor de regio van belang is, zoals de "
            "mediasector en de maakindustrie.",
            p,
        ),
        Heading("2. Fasering", h1, 0),
        bullets(
            [
                "<b>Fase 1</b> – gebiedsspecifieke uitdagingen en generieke kansen in beeld "
                "brengen;",
                "<b>Fase 2</b> – mogelijke instrumenten in kaart brengen, zowel juridisch als "
                "financieel en organisatorisch;",
                "<b>Fase 3</b> – bepalen welke instrumenten effectief zijn en waar aanvulling "
                "nodig is (actieplan);",
                "<b>Fase 4</b> – implementatie op gemeentelijk niveau.",
            ],
            st,
        ),
        Heading("3. Organisatie", h1, 0),
        Paragraph(
            "De portefeuillehouder Economie is bestuurlijk opdrachtgever. Een ambtelijke "
            "begeleidingsgroep stuurt het externe onderzoeksbureau aan. Over de voortgang wordt "
            "het portefeuillehoudersoverleg Economie & Innovatie per fase geïnformeerd.",
            p,
        ),
        Heading("4. Budget", h1, 0),
        table(
            [
                ["Onderdeel", "Bedrag"],
                ["Fase 1 en 2: extern onderzoek", "€ 65.000"],
                ["Fase 3: actieplan en werksessies", "€ 40.000"],
                ["Onvoorzien", "€ 10.000"],
                ["<b>Totaal</b>", "<b>€ 115.000</b>"],
            ],
            st,
            [110 * mm, 40 * mm],
        ),
    ]


def story_advies(st: dict[str, ParagraphStyle]) -> list[Any]:
    h1, p = st["h1"], st["body"]
    return [
        Heading("Inleiding", h1, 0),
        Paragraph(
            "In opdracht van de regio Gooi en Vechtstreek zijn de uitdagingen rond werklocaties "
            "per deelgebied onderzocht en is een overzicht gemaakt van instrumenten die de ruimte "
            "voor werk beter kunnen borgen. Dit advies bundelt de uitkomsten van fase 1 en 2 van "
            "het projectplan.",
            p,
        ),
        Heading("Bevindingen", h1, 0),
        Paragraph(
            "De vraag naar bedrijfsruimte is groter dan het aanbod, vooral voor kleinschalige "
            "bedrijvigheid en de bouw- en installatiesector. Functiemenging op bestaande "
            "terreinen biedt kansen, maar vraagt om heldere afspraken over milieuzonering.",
            p,
        ),
        Heading("Aanbevolen instrumenten", h1, 0),
        bullets(
            [
                "een regionaal afsprakenkader voor transformatie van werklocaties, met compensatie "
                "bij verlies van bedrijfsruimte;",
                "een revolverend fonds voor herstructurering en intensivering;",
                "parkmanagement en bedrijveninvesteringszones op bestaande terreinen;",
                "een regionale werklocatiemonitor die jaarlijks wordt geactualiseerd.",
            ],
            st,
            numbered=True,
        ),
        Heading("Vervolg", h1, 0),
        Paragraph(
            "Geadviseerd wordt om in een actieplan te bepalen welke van deze instrumenten "
            "regionaal worden ingezet, en de implementatie op gemeentelijk niveau daarna per "
            "gemeente uit te werken.",
            p,
        ),
    ]


STORIES = [story_aanpak, story_projectplan, story_advies]


def make_annex(annex: Annex, story: Any, st: dict[str, ParagraphStyle]) -> Path:
    path = DOSSIER / annex.file
    # reportlab takes CreationDate/ModDate from SOURCE_DATE_EPOCH: a fixed date per annex.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(annex.created.timestamp()))
    doc = AnnexDoc(path, title=annex.title, subject=annex.subtitle, outline=annex.outline)
    flow = [Paragraph(annex.title, st["title"]), Paragraph(annex.subtitle, st["subtitle"])]
    flow += story(st)
    page = decorate(annex.title)
    doc.build(flow, onFirstPage=page, onLaterPages=page)
    return path


def make_logo() -> Path:
    LOGO.parent.mkdir(parents=True, exist_ok=True)
    width, height = 600, 150
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONT_DIR / "LiberationSans-Bold.ttf"), 46)
    regular = ImageFont.truetype(str(FONT_DIR / "LiberationSans-Regular.ttf"), 30)
    colour = (0x1F, 0x5F, 0x7A)
    draw.rectangle((20, 30, 110, 120), fill=colour)
    draw.rectangle((42, 52, 88, 98), fill="white")
    draw.rectangle((55, 65, 75, 85), fill=colour)
    draw.text((135, 28), "Regio", font=bold, fill=colour)
    draw.text((135, 84), "Gooi en Vechtstreek", font=regular, fill=(0x33, 0x33, 0x33))
    image.save(LOGO, format="PNG", optimize=False, dpi=(300, 300))
    return LOGO


def main() -> None:
    register_fonts()
    st = styles()
    DOSSIER.mkdir(parents=True, exist_ok=True)
    for annex, story in zip(ANNEXES, STORIES, strict=True):
        print(make_annex(annex, story, st).relative_to(ROOT))
    print(make_logo().relative_to(ROOT))


if __name__ == "__main__":
    main()
