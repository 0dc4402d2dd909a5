"""The bad-input catalogue (issue 7): one row per hostile input, through the real `assembler build`.

Every row plants one bad input in the catalogue project (see conftest.py), runs the command line,
and asserts four things: the exit code; the exact Dutch message lines (file:line: veld: melding);
that nothing was written for the spoiled dossier (no output folder, no cache record, no temporary
file anywhere under build/); and that the other dossiers of the meeting were built. README.md holds
the same table for readers.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pikepdf
import pytest

from tests.hostile_files import (
    WEB_LINKS,
    actions_in,
    decompression_bomb,
    encrypted,
    minimal_docx,
    outline_loop,
    pdf_with_pages,
    truncated_pdf,
    with_active_content,
    with_attachments,
    with_links_elsewhere,
)

from .conftest import (
    AGENDA,
    DOEL,
    ECONOMIE,
    GEHEIM,
    MEETING,
    MEETING_DIR,
    MEMO,
    ORGANISATIE,
    OUTPUT,
    Catalogue,
    Run,
    add_split_tag,
    add_template_paragraph,
    docx_text,
    pdf_text,
)
from .language import english_words

Plant = Callable[[Catalogue], None]
Check = Callable[[Catalogue, Run], None]

# The lines a build prints besides problems: progress and the summary.
_CHATTER = re.compile(
    r"^(dossier|bundel): |^Klaar: |^Agenda's (en vergaderbundels )?van |^Niet alles is gemaakt: "
    # The summary's count of the agendas' own problems, below the counts of dossiers.
    r"|^\d+ (agendaregels? afgekeurd|dossiermap(pen)? niet op de agenda)( en \d+ dossiermap(pen)? "
    r"niet op de agenda)? \(zie de meldingen hierboven\)\.$"
)
WERKLOCATIES = f"{ECONOMIE}/02-23.0001772-werklocaties"
# The last line when organisatie.yaml is refused: the problems above say where.
SETTINGS_REFUSED = (
    "fout: dossiers/organisatie.yaml: ongeldige instellingen, daarom is niets gecontroleerd of "
    "gemaakt (verbeter eerst dit bestand)"
)


def _skipped_bundle(item: str) -> str:
    """The warning of a meeting whose bundle waits for ``item``, which could not be made."""
    return (
        f"{AGENDA}: waarschuwing: agenda en vergaderbundel zijn niet gemaakt omdat het "
        f"agendapunt voor {item} niet gemaakt kon worden (zie de meldingen bij dat agendapunt)"
    )


def _rejected(item: str) -> str:
    return f"het agendapunt voor {item} is afgekeurd (zie de meldingen bij dat agendapunt)"


def _without_folder(item: str) -> str:
    return f"het agendapunt voor {item} geen dossiermap heeft (zie de meldingen bij dat agendapunt)"


# The annex rows spoil the annex of the dossier "doel": its agenda item cannot be made.
UNFINISHED = (
    "het agendapunt voor doel niet gemaakt kon worden (zie de meldingen bij dat agendapunt)"
)

# The parts of a row's expectations, checked by _verify.
Aspect = Literal["gebouwd", "niets-geschreven", "nederlands"]


@dataclass(frozen=True)
class Case:
    """One row of the catalogue."""

    id: str
    plant: Plant
    exit_code: int
    # Every problem line the command prints on stderr, exactly; no other problem line may appear.
    messages: tuple[str, ...] | Callable[[Catalogue], tuple[str, ...]]
    # Dossier folders of the catalogue meeting that must have nothing under build/.
    absent: tuple[str, ...] = ("doel",)
    # Output folders (relative to build/) that must hold a complete build.
    built: tuple[str, ...] = (f"{MEETING}/{OUTPUT['memo']}", f"{MEETING}/{OUTPUT['geheim']}")
    paths: tuple[str, ...] = (MEETING_DIR,)
    pdf: bool = False
    check: Check | None = None
    # A row that rejects input (exit code 1) without PDFs also gets a warning that the
    # catalogue meeting's agendas were not brought up to date, and why; None: no such
    # warning. Rows with PDFs list that warning in their messages.
    agendas_kept_because: str | None = _rejected("doel")


def _line(relative: str, number: int, new: str) -> Plant:
    return lambda c: c.replace_line(relative, number, new)


def _doel(number: int, new: str) -> Plant:
    return _line(DOEL, number, new)


def _delete(relative: str, number: int) -> Plant:
    return lambda c: c.delete_line(relative, number)


def _delete_lines(relative: str, first: int, last: int) -> Plant:
    def plant(c: Catalogue) -> None:
        for _ in range(first, last + 1):
            c.delete_line(relative, first)

    return plant


def _write(relative: str, data: str | bytes) -> Plant:
    return lambda c: c.write(relative, data)


def _annex(name: str, data: bytes | None = None) -> Plant:
    def plant(c: Catalogue) -> None:
        c.set_annex(name, data)

    return plant


def _msg(line: int | None, field: str, text: str, file: str = DOEL) -> str:
    where = file if line is None else f"{file}:{line}"
    return f"{where}: {field}: {text}" if field else f"{where}: {text}"


# Every output of the catalogue meeting: what a row that only warns must leave built.
EVERY_OUTPUT = tuple(f"{MEETING}/{o}" for o in OUTPUT.values())


def _warned(id: str, plant: Plant, line: int, field: str, text: str, **extra: Any) -> Case:
    """A row whose input is allowed with one warning at ``line``: everything is built."""
    message = _msg(line, "waarschuwing: " + field, text)
    return Case(id, plant, 0, (message,), absent=(), built=EVERY_OUTPUT, **extra)


ANNEX = "bijlagen[1].bestand"


# --------------------------------------------------------------------------- YAML

ALIAS_BOMB = 'bom: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"bom{level}: &{level} [*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    for prev, level in zip("abcdefgh", "bcdefghi", strict=True)
)


def _big_file(c: Catalogue) -> None:
    c.append(DOEL, "  " + ("x" * 98 + "\n  ") * 21_000)


MISSING_DASH = (
    "hier begint een nieuw punt van de lijst zonder '- ' (begin de regel met '- ' en spring in "
    "zoals het punt op regel {})"
)

YAML_CASES = [
    Case(
        "syntaxfout",
        _doel(3, "onderwerp: [Regionale woningbouwafspraken"),
        1,
        (
            _msg(
                3,
                "",
                "ongeldige YAML: de lijst die hier met '[' begint, wordt niet met ']' gesloten of "
                "mist een komma (sluit de lijst, of zet de tekst tussen aanhalingstekens)",
            ),
        ),
    ),
    Case(
        "tab-inspringing",
        _doel(16, "\toverleg: Portefeuillehoudersoverleg"),
        1,
        (_msg(16, "", "tab gebruikt om in te springen (gebruik spaties)"),),
    ),
    Case(
        "geen-utf8",
        lambda c: c.write(
            DOEL, c.path(DOEL).read_text().replace("2030", "2030 café").encode("latin-1")
        ),
        1,
        (
            _msg(
                1,
                "",
                "is geen UTF-8: op deze regel staat het eerste teken dat niet te lezen is (sla "
                "het bestand op als UTF-8)",
            ),
        ),
    ),
    Case(
        "leeg-bestand",
        _write(DOEL, ""),
        1,
        (_msg(1, "", "het bestand is leeg (vul de velden in)"),),
    ),
    Case(
        "lijst-bovenaan",
        _write(DOEL, "- onderwerp: x\n- kenmerk: y\n"),
        1,
        (
            _msg(
                1,
                "",
                "het bestand bevat een lijst; verwacht velden als 'onderwerp: ...' "
                "(sleutel: waarde)",
            ),
        ),
    ),
    Case(
        "tekst-bovenaan",
        _write(DOEL, "Regionale woningbouwafspraken\n"),
        1,
        (
            _msg(
                1,
                "",
                "het bestand bevat losse tekst; verwacht velden als 'onderwerp: ...' "
                "(sleutel: waarde)",
            ),
        ),
    ),
    Case(
        "twee-documenten",
        lambda c: c.append(DOEL, "---\nonderwerp: nog een\n"),
        1,
        (_msg(32, "", "bevat meer dan één document (verwijder de regel '---' en wat erna komt)"),),
    ),
    Case(
        "python-tag",
        _doel(7, "eenheid: !!python/object/apply:os.system ['touch /tmp/gehackt']"),
        1,
        (
            _msg(
                7,
                "eenheid",
                "label 'tag:yaml.org,2002:python/object/apply:os.system' is niet toegestaan "
                "(laat het label weg)",
            ),
        ),
    ),
    Case(
        "alias-bom",
        lambda c: c.append(DOEL, ALIAS_BOMB),
        1,
        (),
        check=lambda c, run: _check_alias_bomb(run),
    ),
    Case(
        "nesting-1000",
        lambda c: c.append(DOEL, "extra: " + "[" * 1000 + "]" * 1000 + "\n"),
        1,
        (_msg(32, "", "is dieper genest dan 20 niveaus (maak het platter)"),),
    ),
    Case(
        "dubbele-sleutel",
        _doel(10, "datum: 2023-09-01\nonderwerp: Nog een onderwerp"),
        1,
        (
            _msg(
                11,
                "onderwerp",
                "staat twee keer in het bestand, op regel 3 en 11 (houd er één over)",
            ),
        ),
    ),
    # The rest of the file is checked in the same round: 'on' is unknown; 'no', written
    # twice, is not judged until one of the two is left.
    Case(
        "dubbele-sleutel-no-on",
        lambda c: c.append(DOEL, "no: 1\non: 2\nno: 3\n"),
        1,
        (
            _msg(
                33,
                "on",
                "is geen bekend veld (haal het weg; bekende velden: sjabloon, onderwerp, "
                "verspreiden, portefeuillehouder, contactpersoon, eenheid, email, kenmerk, "
                "datum, voorstel, behandeling, toelichting, bijlagen)",
            ),
            _msg(34, "no", "staat twee keer in het bestand, op regel 32 en 34 (houd er één over)"),
        ),
    ),
    # A list item that lost its '- ': said at the line that needs it, not at the next item's
    # dash or as a key to delete.
    Case(
        "bijlage-zonder-streepje",
        _doel(30, "    omschrijving: Woningbouwmonitor 2022"),
        1,
        (_msg(30, "bijlagen", MISSING_DASH.format(28)),),
    ),
    Case(
        "bijlage-zonder-streepje-uitgelijnd",
        _doel(30, "  omschrijving: Woningbouwmonitor 2022\n  bestand: bijlage-2-monitor.pdf"),
        1,
        (_msg(30, "bijlagen", MISSING_DASH.format(28)),),
    ),
    Case(
        # Only the two characters taken out: the next line keeps its indentation.
        "bijlage-zonder-streepje-eerste",
        _doel(28, "  omschrijving: Regionale woningbouwafspraken 2023-2030"),
        1,
        (_msg(28, "bijlagen", MISSING_DASH.format(30)),),
    ),
    Case(
        "behandeling-zonder-streepje",
        _doel(15, "    datum: 2023-05-12"),
        1,
        (_msg(15, "behandeling", MISSING_DASH.format(19)),),
    ),
    Case(
        "onbekende-sleutel",
        _doel(5, "wethouder: M. van der Linden"),
        1,
        (
            _msg(
                5,
                "wethouder",
                "is geen bekend veld (haal het weg; bekende velden: sjabloon, onderwerp, "
                "verspreiden, portefeuillehouder, contactpersoon, eenheid, email, kenmerk, "
                "datum, voorstel, behandeling, toelichting, bijlagen)",
            ),
        ),
    ),
    Case(
        "typfout-sleutel",
        _doel(4, "verspreidne: Ja"),
        1,
        (_msg(4, "verspreidne", "is geen bekend veld (bedoelt u 'verspreiden'?)"),),
    ),
]

# A missing key is reported where it belongs: above the key that follows it in the usual order,
# which after the deletion stands on the deleted key's line.
REQUIRED = {
    "onderwerp": (3, "verspreiden", "bijvoorbeeld 'onderwerp: Aanpak actieplan Werklocaties'"),
    # A choice: neither is suggested over the other.
    "verspreiden": (4, "portefeuillehouder", "'verspreiden: Ja' of 'verspreiden: Nee'"),
    "contactpersoon": (6, "eenheid", "bijvoorbeeld 'contactpersoon: Anouk Pols'"),
    "eenheid": (7, "email", "bijvoorbeeld 'eenheid: Beleid en bestuur'"),
    "email": (8, "kenmerk", "bijvoorbeeld 'email: a.pols@regiogv.nl'"),
    "kenmerk": (9, "datum", "bijvoorbeeld 'kenmerk: 23.0001772'"),
    "datum": (10, "voorstel", "bijvoorbeeld 'datum: 2023-04-11'"),
}
for key, (number, above, hint) in REQUIRED.items():
    YAML_CASES.append(
        Case(
            f"ontbreekt-{key}",
            _delete(DOEL, number),
            1,
            (_msg(number, key, f"ontbreekt boven '{above}:' (schrijf {hint})"),),
        )
    )
YAML_CASES += [
    Case(
        "ontbreekt-voorstel",
        _delete_lines(DOEL, 11, 13),
        1,
        (
            _msg(
                11,
                "voorstel",
                "ontbreekt boven 'behandeling:' (vul in: de voorgestelde besluiten, genummerd als "
                "Voorstel 1., Voorstel 2., ...)",
            ),
        ),
    ),
    Case(
        "ontbreekt-toelichting",
        _delete_lines(DOEL, 23, 26),
        1,
        (
            _msg(
                23,
                "toelichting",
                "ontbreekt boven 'bijlagen:' (vul in: toelichting in Markdown: alinea's, ### "
                "kopjes, lijsten, **vet**, *cursief*, links)",
            ),
        ),
    ),
    Case(
        "ontbreekt-behandeling-overleg",
        _delete(DOEL, 16),
        1,
        (
            _msg(
                15,
                "behandeling[1].overleg",
                "ontbreekt (schrijf bijvoorbeeld 'overleg: Portefeuillehoudersoverleg')",
            ),
        ),
    ),
    Case(
        "ontbreekt-bijlage-bestand",
        _delete(DOEL, 29),
        1,
        (
            _msg(
                28,
                "bijlagen[1].bestand",
                "ontbreekt (schrijf 'bestand: bijlage-1-afspraken.pdf': dat bestand ligt in de "
                "dossiermap en staat nog niet bij de bijlagen)",
            ),
        ),
    ),
]
# The memo's own required fields (lines of the example memo: aan 4, van 5, tekst 10-30).
MEMO_REQUIRED = {
    "aan": (
        _delete(MEMO, 4),
        4,
        "ontbreekt boven 'van:' (schrijf bijvoorbeeld 'aan: Portefeuillehouders Economie')",
    ),
    "van": (
        _delete(MEMO, 5),
        5,
        "ontbreekt boven 'datum:' (schrijf bijvoorbeeld 'van: Anouk Pols, Beleid en bestuur')",
    ),
    "tekst": (
        _delete_lines(MEMO, 10, 30),
        10,
        "ontbreekt boven 'bijlagen:' (vul in: tekst van de memo in Markdown)",
    ),
}
for key, (plant, number, text) in MEMO_REQUIRED.items():
    YAML_CASES.append(
        Case(
            f"ontbreekt-memo-{key}",
            plant,
            1,
            (_msg(number, key, text, MEMO),),
            absent=("memo",),
            built=(f"{MEETING}/{OUTPUT['doel']}", f"{MEETING}/{OUTPUT['geheim']}"),
            agendas_kept_because=_rejected("memo"),
        )
    )

KENMERK_HINT = (
    "is geen geldig kenmerk (schrijf twee cijfers van het jaar, een punt en zeven cijfers, "
    "bijvoorbeeld 23.0001772)"
)


def _kenmerk_kept(c: Catalogue, run: Run) -> None:
    folder = c.build_dir / MEETING / "02-23.0009010-doel"
    assert folder.is_dir(), sorted(p.name for p in (c.build_dir / MEETING).iterdir())
    assert "23.0009010" in docx_text(folder / "voorstel.docx")


def _no_link_to_a_file(c: Catalogue, run: Run) -> None:
    # The link's text is in the voorstel, and no link: the document has no link at all.
    with zipfile.ZipFile(c.output("doel") / "voorstel.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
        relations = docx.read("word/_rels/document.xml.rels").decode("utf-8")
    assert "Zie de stukken van de regio." in re.sub(r"<[^>]+>", "", body)
    assert "etc/passwd" not in body + relations


def _nee_accepted(c: Catalogue, run: Run) -> None:
    text = docx_text(c.output("doel") / "voorstel.docx")
    assert "Verspreiden" in text and "Nee" in text


YAML_CASES += [
    Case(
        "kenmerk-ongequote-float",
        _doel(9, "kenmerk: 23.0009010"),
        0,
        (),
        absent=(),
        built=(f"{MEETING}/02-23.0009010-doel", f"{MEETING}/{OUTPUT['memo']}"),
        check=_kenmerk_kept,
    ),
    Case(
        "kenmerk-23.00017720",
        _doel(9, "kenmerk: 23.00017720"),
        1,
        (_msg(9, "kenmerk", f"'23.00017720' {KENMERK_HINT}"),),
    ),
    Case(
        "kenmerk-012", _doel(9, "kenmerk: 012"), 1, (_msg(9, "kenmerk", f"'012' {KENMERK_HINT}"),)
    ),
    Case(
        "kenmerk-12:30",
        _doel(9, "kenmerk: 12:30"),
        1,
        (_msg(9, "kenmerk", f"'12:30' {KENMERK_HINT}"),),
    ),
]
for value, shown in (("No", "No"), ("Off", "Off"), ("true", "true"), ('"nee "', "nee ")):
    YAML_CASES.append(
        Case(
            f"verspreiden-{shown.strip()}-{'spatie' if shown.endswith(' ') else 'woord'}",
            _doel(4, f"verspreiden: {value}"),
            1,
            (
                _msg(
                    4,
                    "verspreiden",
                    f"'{shown}' heeft een spatie ervoor of erachter (schrijf Ja of Nee, zonder "
                    "spatie)"
                    if shown.endswith(" ")
                    else f"'{shown}' is geen geldige waarde (schrijf Ja of Nee)",
                ),
            ),
        )
    )
YAML_CASES += [
    Case(
        "verspreiden-leeg",
        _doel(4, "verspreiden:"),
        1,
        (_msg(4, "verspreiden", "is leeg (schrijf Ja of Nee)"),),
    ),
    Case(
        # Said like `onderwerp: ""`, not as a wrong type ("moet tekst zijn").
        "onderwerp-leeg",
        _doel(3, "onderwerp:"),
        1,
        (_msg(3, "onderwerp", "is leeg (vul een waarde in)"),),
    ),
    Case(
        "voorstel-leeg",
        _delete_lines(DOEL, 12, 13),
        1,
        (_msg(11, "voorstel", "is leeg (schrijf elk punt op een eigen regel met '- ')"),),
    ),
    # A public dossier's annex is published: a wrong verspreiden, or an annex gone astray.
    _warned(
        "bijlage-vertrouwelijk-in-openbaar-dossier",
        _doel(28, "  - omschrijving: Financiële onderbouwing (vertrouwelijk)"),
        28,
        "bijlagen[1].omschrijving",
        "zegt 'vertrouwelijk', maar het dossier is openbaar (verspreiden: Ja), dus wordt deze "
        "bijlage gepubliceerd (zet de bijlage in een dossier met verspreiden: Nee, zet hier "
        "verspreiden: Nee, of pas de omschrijving aan)",
    ),
    # CommonMark has no tables: allowed, but the clerk should know how it will look.
    _warned(
        "toelichting-tabel",
        _doel(26, "  | Jaar | Bedrag |\n  |------|--------|\n  | 2024 | 1,2 mln |"),
        26,
        "toelichting",
        "een tabel wordt niet als tabel opgemaakt, maar komt als tekst met |-tekens in het "
        "document (zet de tabel in een bijlage, of schrijf de rijen als lijst met '- ')",
    ),
    _warned(
        "toelichting-html",
        _doel(26, "  Het Rijk vraagt <b>iedere regio</b> om afspraken."),
        26,
        "toelichting",
        "HTML zoals '<b>' komt letterlijk in het document (gebruik **vet**, *cursief* of een "
        "lijst met '- ')",
    ),
    # Word gives a table copied as text as lines with tabs: one paragraph with gaps.
    _warned(
        "toelichting-tabs-tabel",
        _doel(26, "  Gemeente\tHectare\tStatus\n  Hilversum\t12,5\tIn ontwikkeling"),
        26,
        "toelichting",
        "deze regels met tabs lijken een tabel die uit Word is geplakt: ze worden samen één "
        "alinea, met gaten op wisselende plekken (zet de tabel in een bijlage, of schrijf elke "
        "rij als punt van een lijst met '- ')",
    ),
    _warned(
        "toelichting-tab",
        _doel(26, "  Het Rijk vraagt\tom afspraken."),
        26,
        "toelichting",
        "een tab midden in de tekst wordt een gat op een wisselende plek (zet er een spatie voor "
        "in de plaats)",
    ),
    # The documents number the decisions themselves: "Voorstel 1. 1) Instemmen …".
    _warned(
        "voorstel-eigen-nummer",
        _doel(12, "  - 1) Instemmen met de regionale afspraken"),
        12,
        "voorstel[1]",
        "begint met '1)', maar de documenten nummeren de voorstellen zelf (Voorstel 1.) (haal "
        "'1)' weg)",
    ),
    # LibreOffice would make the relative link one to /etc/passwd on the build machine.
    _warned(
        "toelichting-link-naar-bestand",
        _doel(26, "  Zie [de stukken](../../../etc/passwd) van de regio."),
        26,
        "toelichting",
        "de link '../../../etc/passwd' wordt geen link in het document, alleen de tekst 'de "
        "stukken' (alleen een adres dat begint met https://, http://, www. of mailto: wordt een "
        "link)",
        check=_no_link_to_a_file,
    ),
    # What `assembler new` writes where the clerk is to fill in the text.
    _warned(
        "voorstel-nog-invullen",
        _doel(12, "  - Instemmen met ..."),
        12,
        "voorstel[1]",
        "bevat nog '...' uit het nieuwe dossier (vul de tekst in)",
    ),
    Case(
        # YAML reads "text: more text" in a list as a field: said with the line to type.
        "voorstel-dubbele-punt",
        _doel(12, "  - Van gedachten wisselen over de RES 2.0: concept"),
        1,
        (
            _msg(
                12,
                "voorstel[1]",
                "'Van gedachten wisselen over de RES 2.0: concept' leest door "
                "de ':' als een veld (zet de hele regel tussen aanhalingstekens, zoals - "
                '"Van gedachten wisselen over de RES 2.0: …")',
            ),
        ),
    ),
    Case(
        "verspreiden-NEE",
        _doel(4, "verspreiden: NEE"),
        0,
        (),
        absent=(),
        built=EVERY_OUTPUT,
        check=_nee_accepted,
    ),
    Case(
        "datum-2023-02-30",
        _doel(10, "datum: 2023-02-30"),
        1,
        (_msg(10, "datum", "'2023-02-30' is geen bestaande datum (schrijf JJJJ-MM-DD)"),),
    ),
    Case(
        "datum-11-04-2023",
        _doel(10, "datum: 11-04-2023"),
        1,
        (
            _msg(
                10,
                "datum",
                "'11-04-2023' is geen datum in de vorm JJJJ-MM-DD (schrijf 2023-04-11)",
            ),
        ),
    ),
    Case(
        "datum-2023-4-11",
        _doel(10, "datum: 2023-4-11"),
        1,
        (
            _msg(
                10,
                "datum",
                "'2023-4-11' is geen datum in de vorm JJJJ-MM-DD (schrijf 2023-04-11)",
            ),
        ),
    ),
    Case(
        "stuurteken-x0b",
        _doel(6, 'contactpersoon: "Sanne\\x0bde Wit"'),
        1,
        (_msg(6, "contactpersoon", "bevat een onzichtbaar stuurteken (U+000B) (verwijder het)"),),
    ),
    Case(
        "stuurteken-x00",
        _doel(6, 'contactpersoon: "Sanne\\x00de Wit"'),
        1,
        (_msg(6, "contactpersoon", "bevat een onzichtbaar stuurteken (U+0000) (verwijder het)"),),
    ),
    Case(
        "stuurteken-rauw",
        _doel(6, "contactpersoon: Sanne\x0bde Wit"),
        1,
        (_msg(6, "", "bevat een onzichtbaar stuurteken (U+000B) (verwijder het)"),),
    ),
    # Found by the property tests (tests/test_properties.py):
    Case(
        "regeleinde-u2028",
        _doel(6, "contactpersoon: Sanne\u2028de Wit"),
        1,
        (
            _msg(
                6,
                "",
                "bevat een onzichtbaar regeleinde (U+2028) (verwijder het, of begin een gewone "
                "nieuwe regel)",
            ),
        ),
    ),
    Case(
        "teken-ufffe",
        _doel(6, 'contactpersoon: "Sanne\\ufffede Wit"'),
        1,
        (_msg(6, "contactpersoon", "bevat een onzichtbaar stuurteken (U+FFFE) (verwijder het)"),),
    ),
    Case(
        "accolade-niet-gesloten",
        _doel(10, "datum: {2023-09-01"),
        1,
        (
            _msg(
                10,
                "",
                "ongeldige YAML: het blok dat hier met '{' begint, wordt niet met '}' gesloten of "
                "mist een komma (sluit het blok, of zet de tekst tussen aanhalingstekens)",
            ),
        ),
    ),
    Case("bestand-2mb", _big_file, 1, (), check=lambda c, run: _check_big_file(c, run)),
    Case(
        "onderwerp-10000-tekens",
        _doel(3, "onderwerp: " + "x" * 10_000),
        1,
        (_msg(3, "onderwerp", "is te lang: 10000 tekens, maximaal 200 (kort de tekst in)"),),
    ),
    Case(
        "kenmerk-dubbel",
        _doel(9, "kenmerk: 23.0002150"),
        1,
        (
            _msg(
                9,
                "kenmerk",
                f"'23.0002150' is ook het kenmerk van {GEHEIM} (geef één van beide dossiers een "
                "eigen kenmerk, het eerstvolgende vrije is 23.0002151; het andere houdt dit "
                "kenmerk)",
            ),
            _msg(
                10,
                "kenmerk",
                f"'23.0002150' is ook het kenmerk van {DOEL} (geef één van beide dossiers een "
                "eigen kenmerk, het eerstvolgende vrije is 23.0002151; het andere houdt dit "
                "kenmerk)",  # one of the two changes: the same free one
                file=GEHEIM,
            ),
            f"{AGENDA}: waarschuwing: agenda en vergaderbundel zijn niet gemaakt omdat de "
            "agendapunten voor doel en geheim zijn afgekeurd (zie de meldingen bij die "
            "agendapunten)",
        ),
        absent=("doel", "geheim"),
        built=(f"{MEETING}/{OUTPUT['memo']}",),
        pdf=True,
    ),
    # Files from Word, Outlook and mail (the tester's round of Windows, macOS and e-mail input):
    _warned(
        "onderwerp-hekje-spatie",
        _doel(3, "onderwerp: Wijziging regeling # 2 woningbouw"),
        3,
        "onderwerp",
        "de tekst vanaf '# 2 woningbouw' valt weg: YAML leest ' #' als het begin van een "
        'opmerking (zet de hele tekst tussen aanhalingstekens: "...", of zet twee spaties voor '
        "'#' als het een opmerking is)",
    ),
    Case(
        "kenmerk-vaste-spatie",
        _doel(9, "kenmerk:\u00a023.0009001"),
        1,
        (
            _msg(
                9,
                "",
                "bevat een vaste spatie (U+00A0) na 'kenmerk:', en YAML leest die niet als "
                "spatie (typ daar een gewone spatie)",
            ),
        ),
    ),
    Case(
        "onderwerp-gekrulde-aanhalingstekens",
        _doel(3, "onderwerp: “Regionale afspraken: woningbouw 2023-2030”"),
        1,
        (
            _msg(
                3,
                "",
                "ongeldige YAML: de tekst staat tussen gekrulde aanhalingstekens, en die telt "
                "YAML niet als aanhalingstekens, dus leest het de ':' erin als een veld (typ "
                "rechte aanhalingstekens: \"...\" of '...')",
            ),
        ),
    ),
    Case(
        "verspreiden-onzichtbaar-teken",
        _doel(4, "verspreiden: Nee\u200b"),
        1,
        (
            _msg(
                4,
                "verspreiden",
                "'Nee' bevat een onzichtbaar teken (U+200B) (haal het weg; schrijf Ja of Nee)",
            ),
        ),
    ),
    Case(
        "contactpersoon-richtingteken",
        _doel(6, "contactpersoon: \u202eSanne de Wit"),
        1,
        (
            _msg(
                6,
                "contactpersoon",
                "bevat een onzichtbaar teken (U+202E) dat de tekst in het document "
                "achterstevoren kan zetten (haal het weg; typ de tekst zo nodig opnieuw)",
            ),
        ),
    ),
]


def _check_alias_bomb(run: Run) -> None:
    problems = [line for line in run.lines if line.startswith(DOEL)]
    assert problems[0] == _msg(32, "", "anker &a is niet toegestaan (schrijf de waarde gewoon uit)")
    assert (
        _msg(33, "", "verwijzing *a is niet toegestaan (schrijf de waarde gewoon uit)") in problems
    )
    assert len(problems) <= 20


def _check_big_file(c: Catalogue, run: Run) -> None:
    size = c.path(DOEL).stat().st_size
    assert size > 2_000_000
    expected = _msg(
        None,
        "",
        f"bestand is te groot: {size} bytes, maximaal 1000000 (kort de tekst in of zet lange "
        "stukken in een bijlage)",
    )
    assert expected in run.lines


# --------------------------------------------------------------------------- content

CONTENT = {
    "ampersand": "Wonen & Werken",
    "kleiner-dan": "Minder dan <10% sociale huur",
    "groter-dan": "Meer dan >30% betaalbaar",
    "aanhalingsteken": 'Het "Programma Woningbouw"',
    "jinja-expressie": "Uitkomst {{ 7*7 }} woningen",
    "jinja-tag": "Als {% if true %}ja{% endif %} dan",
    "al-ge-escaped": "Wonen &amp; Werken",
    "rechts-naar-links": "Bewonersinformatie مرحبا بكم שלום",
    "emoji": "Woningbouw 🏠 en 👩🏽‍💼 team",
    "combinerende-tekens": "Zoe\u0308 en e\u0301en A\u030a",
}
PDF_CONTENT = {"jinja-expressie", "al-ge-escaped"}


def _plant_content(value: str, *, plain: bool = True, markdown: bool = True) -> Plant:
    def plant(c: Catalogue) -> None:
        quoted = "'" + value.replace("'", "''") + "'"
        if plain:
            c.replace_line(DOEL, 3, f"onderwerp: {quoted}")
            c.replace_line(DOEL, 12, f"  - {quoted}")
            c.replace_line(DOEL, 28, f"  - omschrijving: {quoted}")
        if markdown:
            c.replace_line(DOEL, 26, f"  Toelichting: {value} (einde)")

    return plant


def _content_check(value: str, *, plain: bool = True, markdown: bool = True, pdf: bool) -> Check:
    # Accents typed as a letter and a combining mark (as macOS pastes them) are printed as the
    # one letter they show (review uni U7); all else as typed.
    value = unicodedata.normalize("NFC", value)

    def check(c: Catalogue, run: Run) -> None:
        text = docx_text(c.output("doel") / "voorstel.docx")  # every XML part parses
        assert "49" not in text
        if plain:
            # Table cells follow their label without a separator in the joined w:t text.
            for shown in (f"Onderwerp{value}", f"Voorstel 1.{value}", f"Bijlage 1.{value}"):
                assert shown in text, (shown, text)
        if markdown:
            assert f"Toelichting: {value} (einde)" in text, text
        if pdf:
            flat = " ".join(pdf_text(c.output("doel") / "voorstel.pdf").split())
            assert value in flat, flat

    return check


def _content_case(name: str, value: str, *, plain: bool = True, markdown: bool = True) -> Case:
    pdf = name in PDF_CONTENT and plain
    return Case(
        f"inhoud-{name}",
        _plant_content(value, plain=plain, markdown=markdown),
        0,
        (),
        absent=(),
        built=EVERY_OUTPUT,
        pdf=pdf,
        check=_content_check(value, plain=plain, markdown=markdown, pdf=pdf),
    )


CONTENT_CASES = [_content_case(name, value) for name, value in CONTENT.items()]


# --------------------------------------------------------------------------- annexes


def _symlink_out(c: Catalogue) -> None:
    outside = c.root.parent / "elders.pdf"
    outside.write_bytes((c.doel / "bijlage-1-afspraken.pdf").read_bytes())
    os.symlink(outside, c.doel / "link.pdf")
    c.set_annex("link.pdf")


def _absolute(c: Catalogue) -> None:
    c.set_annex(str(c.doel / "bijlage-1-afspraken.pdf"))


def _shortened(value: str) -> str:
    """How messages quote a long value: at most 60 characters."""
    return "'" + (value if len(value) <= 60 else value[:57] + "...") + "'"


def _unprotected_bundle(c: Catalogue, run: Run) -> None:
    with pikepdf.open(c.output("doel") / "bundel.pdf") as bundle:
        assert not bundle.is_encrypted
        assert len(bundle.pages) > 4


def _attachments_travel_along(c: Catalogue, run: Run) -> None:
    # What the warning says is true: the files are in the bundle.
    with pikepdf.open(c.output("doel") / "bundel.pdf") as bundle:
        assert sorted(bundle.attachments) == ["deelnemers.xlsx", "notitie.docx"]
        annots = [a for page in bundle.pages for a in page.obj.get("/Annots") or []]
        assert any(a.get("/Subtype") == "/FileAttachment" for a in annots)


def _scripts_left_out(c: Catalogue, run: Run) -> None:
    # What the warning says is true: the bundle has none of it, and still has the annex's pages.
    with pikepdf.open(c.output("doel") / "bundel.pdf") as bundle:
        assert len(bundle.pages) > 4
        for obj in bundle.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert pikepdf.Name.JS not in obj
                assert obj.get(pikepdf.Name.S) not in (
                    pikepdf.Name.Launch,
                    pikepdf.Name.SubmitForm,
                    pikepdf.Name.ImportData,
                )


def _links_elsewhere_left_out(c: Catalogue, run: Run) -> None:
    # The item's bundle and the public meeting bundle reach no other file or computer, and
    # keep the annex's web and e-mail links.
    for path in (c.output("doel") / "bundel.pdf", c.build_dir / MEETING / "vergaderbundel.pdf"):
        with pikepdf.open(path) as bundle:
            kinds = {str(a.S) for a in actions_in(bundle) if "/F" in a or a.S == "/GoToR"}
            assert not kinds & {"/GoToR", "/Thread"}, path
            uris = {str(a.URI) for a in actions_in(bundle) if a.S == "/URI"}
            assert set(WEB_LINKS) <= uris, path
            assert all(u.startswith(("https://", "mailto:")) for u in uris), path


def _bundle_without_hang(c: Catalogue, run: Run) -> None:
    with pikepdf.open(c.output("doel") / "bundel.pdf") as bundle:
        assert len(bundle.pages) >= 2 + 4


def _corrupt_docx_zip(c: Catalogue) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00\xff kapot \x00" * 50)
    c.set_annex("bijlage.docx", buffer.getvalue())


UNNAMED = (
    "'{}' ligt in de dossiermap maar staat niet bij de bijlagen (voeg het toe als bijlage, of "
    "haal het weg)"
)

ANNEX_CASES = [
    Case(
        # Allowed (the build goes on), but far more often a copied line than meant.
        "bijlage-twee-keer",
        _doel(31, "    bestand: bijlage-1-afspraken.pdf"),
        0,
        (
            _msg(
                31,
                "waarschuwing: bijlagen[2].bestand",
                "'bijlage-1-afspraken.pdf' is ook bijlage 1, dus komt twee keer in de bundel "
                "(verwijs naar het juiste bestand, of haal deze bijlage weg)",
            ),
            # and the file it most likely meant:
            _msg(27, "waarschuwing: bijlagen", UNNAMED.format("bijlage-2-monitor.pdf")),
        ),
        absent=(),
        built=EVERY_OUTPUT,
        pdf=True,
    ),
    # The same file saved twice under two names (a download repeated, a copy not replaced).
    _warned(
        "bijlage-kopie",
        lambda c: shutil.copy(c.doel / "bijlage-1-afspraken.pdf", c.doel / "bijlage-2-monitor.pdf"),
        31,
        "bijlagen[2].bestand",
        "'bijlage-2-monitor.pdf' heeft dezelfde inhoud als bijlage 1 ('bijlage-1-afspraken.pdf'), "
        "dus komt twee keer in de bundel (verwijs naar het juiste bestand, of haal deze bijlage "
        "weg)",
    ),
    # A file in the folder that no annex names: forgotten in the list, or left behind.
    _warned(
        "bijlage-niet-genoemd",
        lambda c: shutil.copy(c.doel / "bijlage-1-afspraken.pdf", c.doel / "Kaart regio.PDF"),
        27,
        "bijlagen",
        UNNAMED.format("Kaart regio.PDF"),
    ),
    Case(
        "bijlage-ontbreekt",
        _annex("ontbreekt.pdf"),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'ontbreekt.pdf' bestaat niet in de dossiermap (controleer de naam; aanwezig: "
                "bijlage-1-afspraken.pdf, bijlage-2-monitor.pdf)",
            ),
        ),
    ),
    Case(
        # Found on the clerk's Windows or Mac, not on the server that builds.
        "bijlage-hoofdletters",
        _annex("Bijlage-1-Afspraken.pdf"),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'Bijlage-1-Afspraken.pdf' bestaat niet in de dossiermap, "
                "'bijlage-1-afspraken.pdf' wel: hoofdletters en kleine letters tellen mee "
                "(schrijf de naam precies zo)",
            ),
        ),
    ),
    Case(
        "bijlage-zonder-extensie",
        _doel(29, "    bestand: bijlage-1-afspraken"),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage-1-afspraken' heeft geen extensie zoals .pdf, en dat kan geen bijlage "
                "zijn (bedoelt u 'bijlage-1-afspraken.pdf'?)",
            ),
        ),
    ),
    Case(
        "bijlage-backslash",
        _doel(29, "    bestand: stukken\\bijlage-1-afspraken.pdf"),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'stukken\\bijlage-1-afspraken.pdf' staat niet in de map 'stukken', wel in de "
                "dossiermap zelf (schrijf 'bijlage-1-afspraken.pdf')",
            ),
        ),
    ),
    Case(
        "bijlage-absoluut-pad",
        _absolute,
        1,
        lambda c: (
            _msg(
                29,
                ANNEX,
                f"{_shortened(str(c.doel / 'bijlage-1-afspraken.pdf'))} is een absoluut pad "
                "(schrijf de bestandsnaam in de dossiermap)",
            ),
        ),
    ),
    Case(
        "bijlage-dotdot-vertrouwelijk",
        _annex("../geheim/bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'../geheim/bijlage-1-aanvraagformulier-woningbouwimpuls.pdf' verwijst buiten de "
                "dossiermap (zet het bestand in de dossiermap)",
            ),
        ),
    ),
    Case(
        "bijlage-symlink-naar-buiten",
        _symlink_out,
        1,
        (
            _msg(
                29,
                ANNEX,
                "'link.pdf' verwijst naar een bestand buiten de dossiermap (zet een kopie van het "
                "bestand in de dossiermap)",
            ),
        ),
    ),
    Case(
        "bijlage-docx-als-pdf",
        _annex("bijlage.pdf", minimal_docx()),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage.pdf' is een Office-bestand (zip) met de naam .pdf "
                "(sla het op als echte PDF)",
            ),
        ),
    ),
    Case(
        "bijlage-html-als-pdf",
        _annex(
            "bijlage.pdf", b"<!DOCTYPE html>\n<html><head><title>Downloaden</title></head></html>"
        ),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage.pdf' is een webpagina (HTML) met de naam .pdf (sla het op als echte PDF)",
            ),
        ),
    ),
    Case(
        "bijlage-0-bytes",
        _annex("bijlage.pdf", b""),
        1,
        (_msg(29, ANNEX, "'bijlage.pdf' is leeg (0 bytes) (lever het volledige bestand aan)"),),
    ),
    Case(
        "bijlage-afgebroken",
        lambda c: c.set_annex("bijlage.pdf", truncated_pdf()),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage.pdf' "
                "is afgebroken of beschadigd (het einde van het PDF-bestand ontbreekt; lever de "
                "bijlage opnieuw aan)",
            ),
        ),
        agendas_kept_because=UNFINISHED,
    ),
    Case(
        "bijlage-wachtwoord",
        lambda c: c.set_annex("bijlage.pdf", encrypted(user="geheim")),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage.pdf' "
                "is beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)",
            ),
        ),
        agendas_kept_because=UNFINISHED,
    ),
    Case(
        "bijlage-alleen-rechten",
        lambda c: c.set_annex("bijlage.pdf", encrypted(user="")),
        0,
        (
            _msg(
                29,
                "waarschuwing: " + ANNEX,
                "'bijlage.pdf' "
                "is beveiligd met beperkingen (zonder openingswachtwoord); de bijlage wordt "
                "opgenomen en de bundel wordt niet beveiligd",
            ),
        ),
        absent=(),
        built=EVERY_OUTPUT,
        pdf=True,
        check=_unprotected_bundle,
    ),
    # Allowed, but nobody sees attached files on the pages: they could be published unseen.
    _warned(
        "bijlage-met-bijgevoegde-bestanden",
        lambda c: c.set_annex("bijlage.pdf", with_attachments()),
        29,
        ANNEX,
        "'bijlage.pdf' "
        "bevat 3 bijgevoegde bestanden (deelnemers.xlsx, notitie.docx, concept.txt) die "
        "ongezien meegaan in de bundel (controleer of ze erin mogen, of lever de PDF aan "
        "zonder bijgevoegde bestanden)",
        pdf=True,
        check=_attachments_travel_along,
    ),
    # Allowed too: the bundles show the pages as received, without what would run.
    _warned(
        "bijlage-met-scripts",
        lambda c: c.set_annex("bijlage.pdf", with_active_content()),
        29,
        ANNEX,
        "'bijlage.pdf' "
        "bevat JavaScript en een actie die een programma of bestand opent: de bundels laten dat "
        "weg, maar het exportpakket geeft de bijlage ongewijzigd door (vraag de afzender om een "
        "versie zonder scripts en acties als de bijlage zo niet openbaar mag)",
        pdf=True,
        check=_scripts_left_out,
    ),
    # A page that opens a PDF on a Windows share hands the share the reader's credentials.
    _warned(
        "bijlage-met-links-naar-buiten",
        lambda c: c.set_annex("bijlage.pdf", with_links_elsewhere()),
        29,
        ANNEX,
        "'bijlage.pdf' "
        "bevat een link of actie naar een ander bestand of een andere computer: de bundels laten "
        "dat weg, maar het exportpakket geeft de bijlage ongewijzigd door (vraag de afzender om "
        "een versie zonder scripts en acties als de bijlage zo niet openbaar mag)",
        pdf=True,
        check=_links_elsewhere_left_out,
    ),
    Case(
        "bijlage-decompressiebom",
        lambda c: c.set_annex("bijlage.pdf", decompression_bomb()),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage.pdf' "
                "is een decompressiebom: een onderdeel pakt uit tot meer dan 256,0 MB (lever een "
                "normale PDF aan)",
            ),
        ),
        agendas_kept_because=UNFINISHED,
    ),
    Case(
        "bijlage-10000-paginas",
        lambda c: c.set_annex("bijlage.pdf", pdf_with_pages(10_000)),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage.pdf' "
                "heeft te veel pagina's (10.000; de grens is 2.000; splits het bestand in meer "
                "bijlagen)",
            ),
        ),
        agendas_kept_because=UNFINISHED,
    ),
    Case(
        "bijlage-bladwijzers-in-kring",
        _annex("bijlage.pdf", outline_loop()),
        0,
        (
            _msg(
                29,
                "waarschuwing: " + ANNEX,
                "'bijlage.pdf' "
                "heeft bladwijzers die in een kring naar zichzelf verwijzen; alleen de "
                "bladwijzers buiten de kring worden overgenomen",
            ),
        ),
        absent=(),
        built=EVERY_OUTPUT,
        pdf=True,
        check=_bundle_without_hang,
    ),
    Case(
        "bijlage-docx-geen-zip",
        _annex("bijlage.docx", b"dit is geen Word-bestand"),
        1,
        (
            _msg(
                29,
                ANNEX,
                "'bijlage.docx' is geen geldig .docx-bestand (open en bewaar het opnieuw)",
            ),
        ),
    ),
    Case(
        "bijlage-docx-kapotte-inhoud",
        _corrupt_docx_zip,
        1,
        (
            # Which part cannot be read, said by the check before LibreOffice tries.
            _msg(
                29,
                "waarschuwing: " + ANNEX,
                "'bijlage.docx' heeft een onderdeel dat niet te lezen is ('word/document.xml'): "
                "de controle op bijgehouden wijzigingen, koppelingen en knoppen heeft het "
                "overgeslagen, en LibreOffice laat het mogelijk weg uit de PDF (open en bewaar het "
                "bestand opnieuw en kijk de PDF na)",
            ),
            _msg(
                29,
                ANNEX,
                "'bijlage.docx' kon niet naar PDF worden omgezet: LibreOffice gaf geen PDF; "
                "controleer of het document in Word of LibreOffice opent",
            ),
            _skipped_bundle("doel"),
        ),
        pdf=True,
    ),
]


# --------------------------------------------------------------------------- templates

MEMO_TEMPLATE = "templates/memo.docx"
VOORSTELLEN = (f"{MEETING}/{OUTPUT['doel']}", f"{MEETING}/{OUTPUT['geheim']}")


def _template_text(text: str) -> Plant:
    return lambda c: add_template_paragraph(c.path(MEMO_TEMPLATE), text)


def _split_tag(c: Catalogue) -> None:
    add_split_tag(
        c.path(MEMO_TEMPLATE), [("Kort: {{ onder", False), ("werp", True), (" }}", False)]
    )


def _split_tag_rendered(c: Catalogue, run: Run) -> None:
    text = docx_text(c.output("memo") / "memo.docx")
    assert "Kort: Stand van zaken regionale huisvestingsverordening 2024" in text


def _template_case(case_id: str, plant: Plant, message: str) -> Case:
    # A broken memo template fails the memo only: the voorstellen are built, the meeting's
    # agenda and bundles keep their previous version, and say it is for the template.
    return Case(
        case_id,
        plant,
        2,
        (
            message,
            f"{AGENDA}: waarschuwing: agenda en vergaderbundel zijn niet gemaakt omdat het "
            f"sjabloon {MEMO_TEMPLATE} niet gebruikt kon worden (zie de melding daarover)",
        ),
        absent=("memo",),
        built=VOORSTELLEN,
        pdf=True,
    )


TEMPLATE_CASES = [
    _template_case(
        "sjabloon-jinja-syntaxfout",
        _template_text("Let op: {% if onderwerp %} zonder einde"),
        f"{MEMO_TEMPLATE}: fout in de sjablooncode bij 'Let op: {{% if onderwerp %}} "
        "zonder einde': het sjabloon houdt op terwijl {% if %} nog open staat (sluit het af "
        "zoals het begint: met {% endif %} in dezelfde alinea, {%p endif %} op een eigen regel "
        "of {%tr endif %} in een tabelrij)",
    ),
    _template_case(
        "sjabloon-onbekende-variabele",
        _template_text("Portefeuille: {{ portefeuilehouder }}"),
        f"{MEMO_TEMPLATE}: {{{{ portefeuilehouder }}}}: 'portefeuilehouder' bestaat niet in het "
        "model memo (haal {{ portefeuilehouder }} weg of kies een bestaand veld: aan, bijlagen, "
        "datum, kenmerk, niet_openbaar, onderwerp, organisatie, sjabloon, tekst, van, "
        "verspreiden)",
    ),
    Case(
        "sjabloon-tag-over-runs",
        _split_tag,
        0,
        (),
        absent=(),
        built=EVERY_OUTPUT,
        pdf=True,
        check=_split_tag_rendered,
    ),
    _template_case(
        "sjabloon-sandbox",
        _template_text("{{ ''.__class__.__mro__ }}"),
        f"{MEMO_TEMPLATE}: {{{{ ''.__class__.__mro__ }}}}: '__class__' is geen veld en is in een "
        "sjabloon niet toegestaan (gebruik alleen velden, if en for)",
    ),
    _template_case(
        "sjabloon-rekenfout",
        _template_text("Aan: {{ aan }} {{ datum + 1 }}"),
        f"{MEMO_TEMPLATE}: {{{{ aan }}}} {{{{ datum + 1 }}}}: de code rekent met waarden die niet "
        f"samengaan, zoals tekst en een getal, bij het invullen van {MEMO} (verbeter de code of "
        "haal hem weg)",
    ),
    _template_case(
        "sjabloon-te-lange-reeks",
        _template_text("{{ range(10000000)|list|length }}"),
        f"{MEMO_TEMPLATE}: {{{{ range(10000000)|list|length }}}}: de code maakt een te lange "
        f"reeks (range), bij het invullen van {MEMO} (verbeter de code of haal hem weg)",
    ),
    Case(
        "sjabloon-onbekend-in-dossier",
        _line(MEMO, 3, "sjabloon: brief"),
        1,
        (_msg(3, "sjabloon", "'brief' is geen bekend sjabloon (kies uit: memo, voorstel)", MEMO),),
        absent=("memo",),
        built=VOORSTELLEN,
        agendas_kept_because=_rejected("memo"),
    ),
    Case(
        "sjabloon-hoofdletter",
        _line(MEMO, 3, "sjabloon: Memo"),
        1,
        (
            _msg(
                3,
                "sjabloon",
                "'Memo' is geen bekend sjabloon, 'memo' wel: hoofdletters en kleine letters "
                "tellen mee (schrijf 'sjabloon: memo')",
                MEMO,
            ),
        ),
        absent=("memo",),
        built=VOORSTELLEN,
        agendas_kept_because=_rejected("memo"),
    ),
    Case(
        "sjabloon-ontbreekt-in-memo",
        _delete(MEMO, 3),
        1,
        (
            _msg(
                3,
                "sjabloon",
                "ontbreekt, maar dit lijkt een memo (aan, van, tekst) (zet 'sjabloon: memo' "
                "bovenaan)",
                MEMO,
            ),
        ),
        absent=("memo",),
        built=VOORSTELLEN,
        agendas_kept_because=_rejected("memo"),
    ),
    _template_case(
        "sjabloon-bestand-ontbreekt",
        lambda c: c.path(MEMO_TEMPLATE).unlink(),
        f"{MEMO_TEMPLATE}: sjabloon voor 'memo' bestaat niet (kopieer het uit de map templates/ "
        "die bij assembler hoort; had u er een eigen versie van, zet die dan terug uit een "
        "reservekopie)",
    ),
    _template_case(
        "sjabloon-geen-docx",
        _write(MEMO_TEMPLATE, "dit is geen Word-document"),
        f"{MEMO_TEMPLATE}: is geen Word-document (.docx) (sla het sjabloon in Word op als .docx)",
    ),
]


# --------------------------------------------------------------------------- meetings

EVERY_DOSSIER = ("doel", "memo", "geheim")


def _bad_agenda_entry(name: str) -> tuple[str, ...]:
    return (
        _msg(
            7,
            "agenda[2].dossier",
            f"'{name}' is geen mapnaam in deze vergadering (schrijf alleen de naam van de "
            "dossiermap, zonder / of ..)",
            AGENDA,
        ),
        _msg(
            5,
            "agenda",
            "dossiermap 'doel' staat niet op de agenda (voeg '- dossier: doel' toe; is het "
            f"uitgesteld: 'assembler verplaats {MEETING_DIR}/doel VERGADERMAP'; is het "
            "ingetrokken: haal de map uit dossiers/)",
            AGENDA,
        ),
    )


def _backtracking_pattern(c: Catalogue) -> None:
    c.replace_line(ORGANISATIE, 5, "kenmerkpatroon: '(\\w+\\s?)*$'")
    # Short enough for the old check to refuse in a fraction of a second; each character more
    # about doubled that, to hours at 40.
    c.replace_line(DOEL, 9, 'kenmerk: "2300090012300090012!"')


MEETING_CASES = [
    Case(
        # The agenda and the ODS manifest know three purposes; the agenda printed "ter ter …"
        # and the export failed in English before.
        "behandeling-doel-onbekend",
        _doel(21, "    doel: Ter kennisgeving aannemen"),
        1,
        (
            _msg(
                21,
                "behandeling[2].doel",
                "'Ter kennisgeving aannemen' zegt niet waarvoor het punt op de agenda van "
                "2023-09-15 staat (schrijf Vaststellen, Bespreken of Informeren)",
            ),
        ),
    ),
    # Allowed (a new dossier has no date yet), but the agenda's purpose is then a guess.
    _warned(
        "behandeling-zonder-vergaderdatum",
        _doel(19, "  - datum: 2023-09-22"),
        14,
        "behandeling",
        "geen regel met de datum van de vergadering (2023-09-15); de agenda zet er "
        "'ter besluitvorming' bij (vul bij die regel datum: 2023-09-15 in)",
    ),
    _warned(
        "behandeling-datum-dag-ernaast",
        _doel(19, "  - datum: 2023-09-16"),
        14,
        "behandeling",
        "geen regel met de datum van de vergadering (2023-09-15); de agenda zet er "
        "'ter besluitvorming' bij (behandeling[2] op regel 19 heeft datum 2023-09-16: bedoelt "
        "u 2023-09-15?)",
    ),
    Case(
        # Once built twice, the second copy's bundle then blamed as a damaged annex.
        "agenda-dossier-twee-keer",
        _line(AGENDA, 8, "  - dossier: memo\n  - dossier: doel"),
        1,
        (
            _msg(
                9,
                "agenda[4].dossier",
                "dossier 'doel' staat twee keer op de agenda (haal één van beide weg)",
                AGENDA,
            ),
            f"{AGENDA}: waarschuwing: agenda en vergaderbundel zijn niet gemaakt omdat het "
            "agendapunt voor doel is afgekeurd (zie de meldingen bij dat agendapunt)",
        ),
        absent=(),
        built=(
            f"{MEETING}/{OUTPUT['doel']}",
            f"{MEETING}/{OUTPUT['memo']}",
            f"{MEETING}/05-23.0002150-geheim",
        ),
        pdf=True,
    ),
    Case(
        "agenda-noemt-ontbrekende-map",
        _line(AGENDA, 8, "  - dossier: memo\n  - dossier: bestaat-niet"),
        1,
        (
            _msg(
                9,
                "agenda[4].dossier",
                f"er is geen dossiermap 'bestaat-niet' met een dossier.yaml in {MEETING_DIR} "
                "(controleer de mapnaam; is het dossier weggehaald, haal dan ook deze regel van "
                "de agenda)",
                AGENDA,
            ),
        ),
        absent=(),
        built=(
            f"{MEETING}/{OUTPUT['doel']}",
            f"{MEETING}/{OUTPUT['memo']}",
            f"{MEETING}/05-23.0002150-geheim",
        ),
        agendas_kept_because=_without_folder("bestaat-niet"),
    ),
    Case(
        "map-niet-op-agenda",
        _delete(AGENDA, 7),
        1,
        (
            _msg(
                5,
                "agenda",
                "dossiermap 'doel' staat niet op de agenda (voeg '- dossier: doel' toe; is het "
                f"uitgesteld: 'assembler verplaats {MEETING_DIR}/doel VERGADERMAP'; is het "
                "ingetrokken: haal de map uit dossiers/)",
                AGENDA,
            ),
        ),
        built=(f"{MEETING}/02-23.0002142-memo", f"{MEETING}/03-23.0002150-geheim"),
        agendas_kept_because=None,
    ),
    Case(
        # Was: the folder said to be off the agenda, at 'agenda:', with advice to add it twice.
        "agenda-mapnaam-als-tekst",
        _line(AGENDA, 7, "  - doel"),
        1,
        (
            _msg(
                7,
                "agenda[2]",
                "'doel' is de naam van een dossiermap, maar staat hier als losse tekst (schrijf "
                "'- dossier: doel')",
                AGENDA,
            ),
        ),
        agendas_kept_because="agendapunt 2 ongeldig is",
    ),
    Case(
        "agenda-pad-met-slash",
        _line(AGENDA, 7, "  - dossier: doel/../doel"),
        1,
        _bad_agenda_entry("doel/../doel"),
        agendas_kept_because=_rejected("doel/../doel"),
    ),
    Case(
        "agenda-pad-met-dotdot",
        _line(AGENDA, 7, f"  - dossier: ../{ECONOMIE}/werklocaties"),
        1,
        _bad_agenda_entry(f"../{ECONOMIE}/werklocaties"),
        agendas_kept_because=_rejected(f"../{ECONOMIE}/werklocaties"),
    ),
    Case(
        "vergadering-zonder-vergadering-yaml",
        lambda c: c.path(AGENDA).unlink(),
        1,
        (
            f"{MEETING_DIR}: map met dossiers maar zonder vergadering.yaml (is het een "
            "vergadering: maak vergadering.yaml aan met overleg, datum, aanvang, locatie en "
            "agenda; zijn het ingetrokken dossiers: zet ze buiten dossiers/)",
        ),
        absent=EVERY_DOSSIER,
        built=(WERKLOCATIES,),
        paths=(),
        agendas_kept_because=None,
    ),
    Case(
        "vergadering-yaml-andere-naam",
        lambda c: c.path(AGENDA).rename(c.path(MEETING_DIR) / "Vergadering.yaml"),
        1,
        (
            f"{MEETING_DIR}: map zonder vergadering.yaml: de map bevat 'Vergadering.yaml' "
            "(hernoem dat bestand naar vergadering.yaml)",
        ),
        absent=EVERY_DOSSIER,
        built=(WERKLOCATIES,),
        paths=(),
        agendas_kept_because=None,
    ),
    Case(
        "organisatie-yaml-andere-naam",
        lambda c: c.path(ORGANISATIE).rename(c.path("dossiers") / "organisatie.yaml.txt"),
        2,
        (
            "fout: dossiers/organisatie.yaml.txt: heet niet organisatie.yaml, dus worden de "
            "instellingen niet gelezen en is niets gecontroleerd of gemaakt (hernoem het bestand "
            "naar organisatie.yaml)",
        ),
        absent=EVERY_DOSSIER,
        built=(),
    ),
    Case(
        "organisatie-onbekende-tooi",
        _line(ORGANISATIE, 4, "tooi: https://identifier.overheid.nl/tooi/id/so/so9999"),
        2,
        (
            _msg(
                4,
                "tooi",
                "'https://identifier.overheid.nl/tooi/id/so/so9999' staat niet in de TOOI-lijsten "
                "van DiWoo (schrijf de TOOI-URI van de organisatie, bijvoorbeeld "
                "https://identifier.overheid.nl/tooi/id/so/so0006)",
                ORGANISATIE,
            ),
            SETTINGS_REFUSED,
        ),
        absent=EVERY_DOSSIER,
        built=(),
    ),
    Case(
        "organisatie-kenmerkpatroon-ongeldig",
        _line(ORGANISATIE, 5, 'kenmerkpatroon: "^(\\\\d{2"'),
        2,
        (
            _msg(
                5,
                "kenmerkpatroon",
                "'^(\\d{2' is geen geldig patroon: het klopt niet bij teken 2 (controleer de "
                "haakjes, accolades en backslashes)",
                ORGANISATIE,
            ),
            SETTINGS_REFUSED,
        ),
        absent=EVERY_DOSSIER,
        built=(),
    ),
    Case(
        # Python's re backtracks: with this pattern, a 40-character kenmerk that does not fit
        # took hours to refuse. It is refused when organisatie.yaml is read, before any dossier.
        "organisatie-kenmerkpatroon-traag",
        _backtracking_pattern,
        2,
        (
            _msg(
                5,
                "kenmerkpatroon",
                "'(\\w+\\s?)*$' laat de controle vastlopen: een kenmerk dat niet past, wordt op te "
                "veel manieren geprobeerd (zet geen herhaling binnen een herhaling, zoals (a+)+, "
                "en niet veel * of + achter elkaar; of schrijf de groep atomair, als (?>...))",
                ORGANISATIE,
            ),
            SETTINGS_REFUSED,
        ),
        absent=EVERY_DOSSIER,
        built=(),
    ),
    Case(
        "logo-geen-afbeelding",
        lambda c: c.path(LOGO).write_text("geen plaatje\n", encoding="utf-8"),
        2,
        (
            _msg(
                6,
                "logo",
                "'huisstijl/logo.png' is geen afbeelding (gebruik een PNG- of JPEG-bestand)",
                ORGANISATIE,
            ),
            SETTINGS_REFUSED,
        ),
        absent=EVERY_DOSSIER,
        built=(),
    ),
    Case(
        # A PNG's signature with nothing readable behind it: only the render can tell, and
        # it looks up the line of the logo setting then.
        "logo-beschadigd",
        lambda c: c.path(LOGO).write_bytes(c.path(LOGO).read_bytes()[:40]),
        2,
        (
            "fout: "
            + _msg(
                6,
                "logo",
                "'huisstijl/logo.png' kan niet in een Word-document worden gezet (sla het "
                "logo opnieuw op als PNG-bestand)",
                ORGANISATIE,
            ),
        ),
        absent=EVERY_DOSSIER,
        built=(),
    ),
]

LOGO = "dossiers/huisstijl/logo.png"

CASES = YAML_CASES + CONTENT_CASES + ANNEX_CASES + TEMPLATE_CASES + MEETING_CASES


def _params() -> list[object]:
    params: list[object] = []
    for case in CASES:
        marks: list[pytest.MarkDecorator] = []
        if case.pdf:
            marks.append(pytest.mark.slow)
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def _problem_lines(run: Run) -> list[str]:
    return [line for line in run.lines if line and not _CHATTER.match(line)]


def _matches(line: str, expected: str) -> bool:
    if expected.endswith("…"):
        return line.startswith(expected[:-1])
    return line == expected


def _verify(catalogue: Catalogue, case: Case, run: Run, aspects: set[str]) -> None:
    """Assert the row's expectations; ``aspects`` picks which parts to check."""
    assert "Traceback" not in run.stderr, run.stderr
    problems = _problem_lines(run)
    if "basis" in aspects:
        assert run.exit_code == case.exit_code, run.stderr
        expected = case.messages(catalogue) if callable(case.messages) else case.messages
        if expected and case.exit_code == 1 and not case.pdf and case.agendas_kept_because:
            expected = (
                *expected,
                f"{AGENDA}: waarschuwing: de agenda's zijn niet gemaakt omdat "
                f"{case.agendas_kept_because}",
            )
        if expected:
            assert len(problems) == len(expected), run.stderr
            for wanted in expected:
                assert any(_matches(line, wanted) for line in problems), (wanted, run.stderr)
        for line in problems:
            # Every problem says where: a file of the project, or "fout:" for the whole run.
            assert re.match(r"^(dossiers|templates)/\S+?(:\d+)?: |^fout: ", line), line
        assert catalogue.temp_files() == []
        if case.check is not None:
            case.check(catalogue, run)
    if "nederlands" in aspects:
        for line in problems:
            assert not english_words(line), line
    if "niets-geschreven" in aspects:
        for folder in case.absent:
            assert catalogue.written_for(folder) == [], folder
    if "gebouwd" in aspects:
        for relative in case.built:
            _assert_built(catalogue, relative, case.pdf)


ASPECTS = {"basis", "nederlands", "niets-geschreven", "gebouwd"}


@pytest.mark.parametrize("case", _params())
def test_bad_input(catalogue: Catalogue, case: Case) -> None:
    case.plant(catalogue)
    run = catalogue.build(*case.paths, pdf=case.pdf)
    _verify(catalogue, case, run, ASPECTS)


def _assert_built(catalogue: Catalogue, relative: str, pdf: bool) -> None:
    folder = catalogue.build_dir / relative
    assert folder.is_dir(), f"{relative} not built"
    names = sorted(p.name for p in folder.iterdir())
    kind = "memo" if folder.name.endswith("-memo") else "voorstel"
    expected = [f"{kind}.docx"] + (["bundel.pdf", f"{kind}.pdf"] if pdf else [])
    assert sorted(names) == sorted(expected), (relative, names)
    meeting, name = relative.split("/")
    dossier = name.split("-", 2)[2]
    assert (catalogue.build_dir / ".cache" / meeting / f"{dossier}.json").is_file()


def test_catalogue_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def _readme_messages() -> dict[str, str]:
    """Each README row's message column, by id, as printed (Markdown escapes undone)."""
    readme = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    rows: dict[str, str] = {}
    for line in readme.splitlines():
        found = re.match(r"^\| `([^`]+)` \|", line)
        if found:
            cells = re.split(r"(?<!\\) \| ", line.strip().strip("|"))
            rows[found.group(1)] = re.sub(r"\\([|*<_`])", r"\1", cells[3])
    return rows


# Rows whose messages the README sums up instead of quoting: one line per anchor, a size.
SUMMED_UP = ("alias-bom", "bestand-2mb")


def test_readme_has_a_row_for_every_case() -> None:
    assert set(_readme_messages()) == {case.id for case in CASES}


def test_readme_quotes_each_case_s_messages() -> None:
    """The table is what a reader checks a message against: it must not drift from the test."""
    rows = _readme_messages()
    for case in CASES:
        if callable(case.messages) or case.id in SUMMED_UP:
            continue
        quoted = [m.replace(MEETING_DIR + "/", "…/") for m in case.messages]
        if quoted:
            assert rows[case.id] == "<br>".join(quoted), case.id
        else:
            assert rows[case.id].startswith("—"), case.id  # "— (gebouwd; …)": no message


# --------------------------------------------------------------------------- previous output

# Rows whose spoiled dossier had been built before: its previous good output must survive.
SURVIVORS = (
    "datum-2023-02-30",
    "bijlage-wachtwoord",
    "sjabloon-onbekende-variabele",
    "bijlage-docx-kapotte-inhoud",
)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case.id) for case in CASES if case.id in SURVIVORS],
)
def test_previous_good_output_survives(catalogue: Catalogue, case: Case) -> None:
    first = catalogue.build(MEETING_DIR, pdf=True)
    assert first.exit_code == 0, first.stderr
    before = {folder: _snapshot(catalogue.output(folder)) for folder in case.absent}
    case.plant(catalogue)
    run = catalogue.build(MEETING_DIR, pdf=True)
    assert run.exit_code == case.exit_code, run.stderr
    assert catalogue.temp_files() == []
    for folder, files in before.items():
        assert _snapshot(catalogue.output(folder)) == files, folder
