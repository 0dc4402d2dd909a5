"""The YAML loader: text only, line numbers, and the risky YAML features refused."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
import yaml

from assembler.errors import InputRejected
from assembler.fsutil import not_writable, unreadable
from assembler.source import (
    MAX_BYTES,
    field_label,
    load_yaml,
    lost_apostrophe_message,
    misread_as_ansi,
    parse_yaml,
)


def load(text: str | bytes) -> object:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_yaml(raw, Path("d.yaml"), "d.yaml").data


def messages(text: str | bytes) -> list[str]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(InputRejected) as caught:
        parse_yaml(raw, Path("d.yaml"), "d.yaml")
    return [problem.format() for problem in caught.value.problems]


def test_scalars_stay_the_text_the_clerk_typed() -> None:
    data = load(
        "kenmerk: 23.0001772\nander: 23.00017720\nnul: 012\nverspreiden: Nee\nnee: No\n"
        "uit: Off\nwaar: true\naanvang: 14:00\ndatum: 2023-04-11\n"
    )
    assert data == {
        "kenmerk": "23.0001772",
        "ander": "23.00017720",
        "nul": "012",
        "verspreiden": "Nee",
        "nee": "No",
        "uit": "Off",
        "waar": "true",
        "aanvang": "14:00",
        "datum": "2023-04-11",
    }


def test_empty_values_are_none_but_quoted_empty_text_is_text() -> None:
    assert load("a:\nb: ~\nc: ''\n") == {"a": None, "b": None, "c": ""}


@pytest.mark.parametrize("text", ["naam: Regio\n?", "?", "a: b\n? x"])
def test_a_question_mark_key_at_the_very_end_is_read_as_it_is_with_a_line_end(text: str) -> None:
    # YAML places the end of the empty value on the line after the last one: found by the
    # property test of mutated YAML (an IndexError, not an assembler error).
    assert load(text) == load(text + "\n")


def test_every_field_path_has_its_line() -> None:
    source = parse_yaml(
        b"# comment\nonderwerp: x\nbehandeling:\n  - overleg: a\n    doel: b\n  - overleg: c\n",
        Path("d.yaml"),
        "d.yaml",
    )
    assert source.lines[("onderwerp",)] == 2
    assert source.lines[("behandeling", 0, "doel")] == 5
    assert source.lines[("behandeling", 1)] == 6
    assert source.line_of(("behandeling", 1, "datum")) == 6
    assert field_label(("behandeling", 1, "datum")) == "behandeling[2].datum"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: 1\nb: [1, 2\nc: 3\n",
            "d.yaml:2: ongeldige YAML: de lijst die hier met '[' begint, wordt niet met ']' "
            "gesloten of mist een komma (sluit de lijst, of zet de tekst tussen aanhalingstekens)",
        ),
        ("a:\n\tb: 1\n", "d.yaml:2: tab gebruikt om in te springen (gebruik spaties)"),
        (
            "toelichting: |\n  Eerste alinea.\n\nGeplakt zonder inspringen.\n\n  Verder.\n"
            "bijlagen: []\n",
            "d.yaml:4: toelichting: deze regel staat niet ingesprongen, dus hoort hij niet meer "
            "bij de tekst onder 'toelichting: |' (spring hem in met twee spaties, zoals de regels "
            "erboven)",
        ),
        (
            "toelichting: >\n  Tekst.\n- meer fietsparkeren\n  Verder.\nbijlagen: []\n",
            "d.yaml:3: toelichting: deze regel staat niet ingesprongen, dus hoort hij niet meer "
            "bij de tekst onder 'toelichting: >' (spring hem in met twee spaties, zoals de regels "
            "erboven)",
        ),
        # The empty list `assembler new` writes, kept with the annexes added below it; was
        # "deze regel past niet in de opbouw" at the first annex (guide walk B).
        *(
            (
                f"onderwerp: a\nbijlagen: []   # - omschrijving: ...\n{items}",
                "d.yaml:2: bijlagen: ongeldige YAML: 'bijlagen: []' is een lege lijst, maar "
                "eronder staan punten (haal '[]' weg, zodat de regel 'bijlagen:' is en de punten "
                "eronder bij 'bijlagen' horen)",
            )
            for items in (
                "  - omschrijving: Rapport\n    bestand: bijlage-1.pdf\n",
                "\n- omschrijving: Rapport\n  bestand: bijlage-1.pdf\n",
            )
        ),
        (
            # A spoken item without its '- ' after a dossier's item; was "een regel mist ':'" at
            # the next line (guide walk C).
            "agenda:\n  - Opening\n  - dossier: wmo\n  Terugblik werkbezoek\n  - Rondvraag\n",
            "d.yaml:4: agenda: hier begint een nieuw punt van de lijst zonder '- ' (begin de "
            "regel met '- ' en spring in zoals het punt op regel 2)",
        ),
        ("", "d.yaml:1: het bestand is leeg (vul de velden in)"),
        ("---\n", "d.yaml:1: het bestand is leeg (vul de velden in)"),
        ("# alleen een opmerking\n---\n...\n", "d.yaml:1: het bestand is leeg (vul de velden in)"),
        (
            "- a\n- b\n",
            "d.yaml:1: het bestand bevat een lijst; verwacht velden als 'onderwerp: ...' "
            "(sleutel: waarde)",
        ),
        (
            "gewoon tekst\n",
            "d.yaml:1: het bestand bevat losse tekst; verwacht velden als 'onderwerp: ...' "
            "(sleutel: waarde)",
        ),
        (
            "a: 1\n---\nb: 2\n",
            "d.yaml:2: bevat meer dan één document (verwijder de regel '---' en wat erna komt)",
        ),
        (
            "a: !!python/object/apply:os.system ['echo']\n",
            "d.yaml:1: a: label 'tag:yaml.org,2002:python/object/apply:os.system' is niet "
            "toegestaan (laat het label weg)",
        ),
        (
            "onderwerp: a\nverspreiden: Ja\nonderwerp: b\n",
            "d.yaml:3: onderwerp: staat twee keer in het bestand, op regel 1 en 3 "
            "(houd er één over)",
        ),
        ("no: 1\non: 2\nno: 3\n", "d.yaml:3: no: staat twee keer in het bestand, op regel 1 en 3"),
        ("a: x\x0by\n", "d.yaml:1: bevat een onzichtbaar stuurteken (U+000B) (verwijder het)"),
        (
            # Accented letters before it used to shift the line down by one.
            "a: één café\n" * 10 + "b: x\x07y\n",
            "d.yaml:11: bevat een onzichtbaar stuurteken (U+0007) (verwijder het)",
        ),
        (
            # Was: the generic "ongeldige YAML (controleer de inspringing, ...)".
            'onderwerp: "Feest \\ud83d\\ude00 in de regio"\n',
            "d.yaml:1: ongeldige YAML: '\\ud83d' is een half teken (surrogaat), en YAML leest "
            "geen halve tekens (typ het teken zelf: '\U0001f600', of schrijf '\\U0001F600')",
        ),
        (
            'agenda:\n  - "Rondvraag\\x1b\\ud800"\n',
            "d.yaml:2: ongeldige YAML: '\\ud800' is een half teken (surrogaat), en YAML leest "
            "geen halve tekens (typ het teken zelf in plaats van de code met \\)",
        ),
        (
            "a: " + "[" * 1000 + "]" * 1000 + "\n",
            "d.yaml:1: is dieper genest dan 20 niveaus (maak het platter)",
        ),
    ],
)
def test_refused_yaml_has_a_dutch_message_with_line(text: str, expected: str) -> None:
    found = messages(text)
    assert any(message.startswith(expected) for message in found), found


def test_text_that_starts_with_an_exclamation_mark_is_advised_quotes_not_deletion() -> None:
    """'label … (laat het label weg)' had the clerk delete the title's first word."""
    assert messages("verspreiden: Ja\nonderwerp: !Belangrijk: aanpak werklocaties # x\n") == [
        "d.yaml:2: onderwerp: de tekst begint met '!', en dan leest YAML '!Belangrijk:' als een "
        "label, niet als tekst (zet de hele tekst tussen aanhalingstekens: "
        '"!Belangrijk: aanpak werklocaties")'
    ]


@pytest.mark.parametrize(("typed", "sign"), [("| Dit is de", "|"), (">-Dit", ">"), ("|2 Dit", "|")])
def test_text_on_the_line_of_a_bar_is_said_to_go_below_it(typed: str, sign: str) -> None:
    text = f"onderwerp: Plan\ntoelichting: {typed} toelichting\n  Meer tekst.\n"
    assert messages(text) == [
        f"d.yaml:2: toelichting: ongeldige YAML: achter 'toelichting: {sign}' staat tekst op "
        f"dezelfde regel (zet de tekst op de regels onder '{sign}', ingesprongen)"
    ]


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quote_left_open_is_said_where_it_opens_not_where_yaml_gives_up(quote: str) -> None:
    """The next quoted value closes it: YAML fails lines later, at text that is fine."""
    text = (
        f"onderwerp: {quote}Regionale aanpak\nverspreiden: Ja\nportefeuillehouder:\n"
        f"contactpersoon: {quote}K{quote}\neenheid: {quote}S{quote}\n"
    )
    assert messages(text) == [
        "d.yaml:1: ongeldige YAML: het aanhalingsteken dat hier begint, wordt pas op regel 4 "
        "gesloten (zet aan het eind van deze tekst hetzelfde aanhalingsteken)"
    ]


@pytest.mark.parametrize(
    ("value", "name", "advised"),
    [
        ("'s-Graveland, gemeentehuis", "'s-Graveland", "'s-Graveland, gemeentehuis"),
        ("'t Gooi # nog bevestigen", "'t Gooi", "'t Gooi"),
        (
            "'s-Hertogenbosch, provinciehuis, zaal 3 op de tweede verdieping",
            "'s-Hertogenbosch",
            "'s-Hertogenbosch, provinciehuis, zaal 3 op de …",
        ),
    ],
)
def test_a_dutch_name_that_starts_with_an_apostrophe_is_advised_double_quotes(
    value: str, name: str, advised: str
) -> None:
    """'s-Graveland: the same quote at its end, as said of other text, drops the apostrophe."""
    assert messages(f"overleg: PFHO\nlocatie: {value}\n") == [
        "d.yaml:2: ongeldige YAML: het aanhalingsteken dat hier begint, wordt nergens gesloten; "
        f'bedoelt u {name}? (zet de tekst dan tussen dubbele aanhalingstekens: "{advised}")'
    ]
    assert messages(f"locatie: {value}\noverleg: PFHO\naanvang: '14:00'\n") == [
        "d.yaml:1: ongeldige YAML: het aanhalingsteken dat hier begint, wordt pas op regel 3 "
        f"gesloten; bedoelt u {name}? (zet de tekst dan tussen dubbele aanhalingstekens: "
        f'"{advised}")'
    ]


def _advised(message: str) -> str:
    """The text between double quotes that ``message`` advises, as its last words."""
    return message.split("aanhalingstekens: ", 1)[1].removesuffix(")")


@pytest.mark.parametrize(
    "value",
    ['\'t Gooi: "Bespreken" van de routes', '\'s-Graveland\\zaal "3"', "'t Gooi \\n"],
)
def test_the_double_quotes_advised_for_a_dutch_name_keep_its_quotes_and_backslashes(
    value: str,
) -> None:
    """Was: '"'t Gooi: "Bespreken" van de routes"' advised, itself no YAML at all."""
    (message,) = messages(f"overleg: PFHO\nlocatie: {value}\n")
    advised = _advised(message)
    assert yaml.safe_load(f"locatie: {advised}\n") == {"locatie": value}
    assert load(f"overleg: PFHO\nlocatie: {advised}\n") == {"overleg": "PFHO", "locatie": value}


def test_the_advice_for_single_quotes_that_took_an_apostrophe_keeps_the_texts_quotes() -> None:
    """The warning for a name closed in single quotes advises the same double quotes."""
    source = parse_yaml(
        b"locatie: 't Gooi: \"Bespreken\" van de routes'\n", Path("d.yaml"), "d.yaml"
    )
    assert source.lost_apostrophe == {("locatie",): 1}
    value = source.data["locatie"] if isinstance(source.data, dict) else None
    assert isinstance(value, str)
    message = lost_apostrophe_message(value)
    assert message.endswith(
        "bedoelt u 't Gooi? (zet de tekst dan tussen dubbele aanhalingstekens: "
        '"\'t Gooi: \\"Bespreken\\" van de routes")'
    )
    advised = _advised(message)
    assert load(f"locatie: {advised}\n") == {"locatie": '\'t Gooi: "Bespreken" van de routes'}


def test_the_quotes_advised_for_text_that_starts_with_an_exclamation_mark_are_yaml() -> None:
    (message,) = messages('onderwerp: !Belangrijk aanpak "x" van C:\\werk\n')
    advised = _advised(message)
    assert load(f"onderwerp: {advised}\n") == {"onderwerp": '!Belangrijk aanpak "x" van C:\\werk'}


def test_single_quotes_that_took_a_dutch_names_apostrophe_are_noted() -> None:
    source = parse_yaml(
        b"locatie: 's-Graveland, gemeentehuis'\nplaats: 't Gooi'\nkop: 's avonds'\n"
        b"gewoon: 'Plan: s-bocht'\nook: 'S-bocht'\nleeg: ''\nwel: \"'s-Graveland\"\n"
        b"nee: s-Graveland\n",
        Path("d.yaml"),
        "d.yaml",
    )
    assert source.lost_apostrophe == {("locatie",): 1, ("plaats",): 2, ("kop",): 3}


@pytest.mark.parametrize("quote", ['"', "'"])
def test_text_after_a_closed_quote_over_two_lines_is_not_a_quote_left_open(quote: str) -> None:
    text = f"onderwerp: {quote}Aanpak actieplan\n  Werklocaties{quote} (concept)\nverspreiden: Ja\n"
    (message,) = messages(text)
    assert message.startswith("d.yaml:2: ongeldige YAML: deze regel past niet"), message


def test_a_quoted_text_over_two_lines_is_fine() -> None:
    assert load('onderwerp: "Regionale\n  aanpak"\nverspreiden: Ja\n') == {
        "onderwerp": "Regionale aanpak",
        "verspreiden": "Ja",
    }


def test_nesting_deeper_than_twenty_is_refused_at_its_line() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(25)) + "  " * 25 + "x\n"
    (message,) = messages(text)
    assert message.startswith("d.yaml:22: k0.k1.")
    assert message.endswith("is dieper genest dan 20 niveaus (maak het platter)")


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous},*{previous},*{previous},*{previous},*{previous}]\n"
    assert len(bomb.encode()) < 500
    found = messages(bomb)
    assert found[0] == "d.yaml:1: anker &a is niet toegestaan (schrijf de waarde gewoon uit)"
    assert "d.yaml:2: verwijzing *a is niet toegestaan (schrijf de waarde gewoon uit)" in found


def test_not_utf8_is_said_at_the_line_of_the_first_unreadable_character(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes("sjabloon: memo\nonderwerp: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputRejected) as caught:
        load_yaml(path, "d.yaml")
    (problem,) = caught.value.problems
    assert problem.format() == (
        "d.yaml:2: is geen UTF-8: op deze regel staat het eerste teken dat niet te lezen is (sla "
        "het bestand op als UTF-8)"
    )


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        # Notepad's names for it: 'Unicode' and 'Unicode big endian' before Windows 10 1903.
        ("utf-16-le", "'UTF-16 LE' (in oudere versies 'Unicode')"),
        ("utf-16-be", "'UTF-16 BE' (in oudere versies 'Unicode big endian')"),
    ],
)
def test_a_file_saved_as_utf16_is_said_as_such(tmp_path: Path, encoding: str, named: str) -> None:
    path = tmp_path / "d.yaml"
    text = "sjabloon: memo\nonderwerp: café\n"
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff"
    path.write_bytes(bom + text.encode(encoding))
    with pytest.raises(InputRejected) as caught:
        load_yaml(path, "d.yaml")
    (problem,) = caught.value.problems
    assert problem.format() == (
        f"d.yaml: is opgeslagen als UTF-16 (in Kladblok heet dat {named}; sla het bestand op "
        "als UTF-8: Opslaan als, Codering: UTF-8)"
    )


def test_an_unreadable_file_is_explained_in_dutch(tmp_path: Path) -> None:
    # A link to itself cannot be read even by root; the system's words were English.
    path = tmp_path / "d.yaml"
    path.symlink_to(path)
    with pytest.raises(InputRejected) as caught:
        load_yaml(path, "d.yaml")
    assert caught.value.problems[0].format() == (
        "d.yaml: kan niet gelezen worden: een snelkoppeling die naar zichzelf verwijst "
        "(vervang die door het bestand)"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "geen leesrechten"),
        (OSError(errno.EIO, "Input/output error"), "leesfout van de schijf"),
        (OSError(errno.ENAMETOOLONG, "File name too long"), "de naam of het pad is te lang"),
        (OSError(errno.ENOTTY, "Inappropriate ioctl for device"), "Inappropriate ioctl"),
    ],
)
def test_why_a_file_cannot_be_read(error: OSError, expected: str) -> None:
    assert unreadable(error).startswith(expected)
    assert unreadable(error).endswith(")")


def test_why_an_output_cannot_be_written() -> None:
    too_long = OSError(errno.ENAMETOOLONG, "File name too long")
    assert not_writable(Path("build/x.pdf"), too_long).message == (
        "build/x.pdf: kan niet schrijven: de naam of het pad is te lang (kies kortere namen voor "
        "de mappen)"
    )


def test_file_over_one_megabyte_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("toelichting: |\n" + ("  " + "x" * 98 + "\n") * 21_000)
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(InputRejected) as caught:
        load_yaml(path, "d.yaml")
    assert caught.value.problems[0].melding.startswith("bestand is te groot:")


def test_utf8_bom_is_accepted() -> None:
    assert load("\ufeffonderwerp: x\n".encode()) == {"onderwerp": "x"}


def _as_ansi(text: str) -> str:
    """``text`` as a file read as ANSI and saved again as UTF-8 holds it; Windows keeps the
    five bytes ANSI does not use as the C1 controls of the same number."""
    return "".join(
        bytes([byte]).decode("cp1252", "ignore") or chr(byte) for byte in text.encode("utf-8")
    )


@pytest.mark.parametrize(
    ("text", "typed", "meant"),
    [
        ("Over én", "Ã©", "é"),
        ("geïmplementeerd", "Ã¯", "ï"),
        ("financiën", "Ã«", "ë"),
        ("CAFÉ", "Ã‰", "É"),
        ("Álvarez", "Ã\x81", "Á"),  # 0x81: unused in ANSI, kept as U+0081
        ("werk – nieuw", "â€“", "–"),
        ("“quote", "â€œ", "“"),
        ("’s middags", "â€™", "’"),
        ("20\u00a0km", "Â\u00a0", "\u00a0"),
        ("€ 5", "â‚¬", "€"),
        ("fiets 🚲", "ðŸš²", "🚲"),
    ],
)
def test_text_once_read_as_ansi_is_found_with_what_it_stood_for(
    text: str, typed: str, meant: str
) -> None:
    """Was: 'Ã©n', 'geÃ¯mplementeerd' and 'â€“' printed without a word (review input R5)."""
    file = "sjabloon: memo\n\nonderwerp: " + _as_ansi(text) + " en " + _as_ansi("é") + "\n"
    assert misread_as_ansi(file) == (3, typed, meant, 2)


@pytest.mark.parametrize(
    "text",
    [
        "SÃO PAULO en Ação",  # Portuguese: a real 'Ã' before a letter
        "pâte, château, â la carte",
        "Ðe ð en café… en CAFÉ’s",
        "een 'Ã' alleen, of Â en een spatie",
        "geïmplementeerd – “quote” ’s 20\u00a0km € 🚲",
    ],
)
def test_real_text_is_not_taken_for_text_read_as_ansi(text: str) -> None:
    assert misread_as_ansi(text) is None


def _dash(line: int, example: int, label: str = "behandeling") -> str:
    """The message, for lines counted from the first line after 'behandeling:' (line 3)."""
    line, example = line + 2, example + 2
    return (
        f"d.yaml:{line}: {label}: hier begint een nieuw punt van de lijst zonder '- ' (begin de "
        f"regel met '- ' en spring in zoals het punt op regel {example})"
    )


ROW = "  - datum: 2023-01-01\n    overleg: a\n    doel: b\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # merged into the row above: its keys come twice
        (ROW + "    datum: 2023-02-02\n    overleg: c\n    doel: d\n", _dash(4, 1)),
        # the row above has no datum, this one has: it begins at datum, not at the first repeat
        (
            "  - overleg: a\n    doel: b\n    datum: 2023-02-02\n    overleg: c\n" + ROW,
            _dash(3, 1),
        ),
        # where the dash stood
        (ROW + "  datum: 2023-02-02\n  overleg: c\n  doel: d\n", _dash(4, 1)),
        # the first row: noticed by libyaml only at the next row's dash
        ("    datum: 2023-02-02\n    overleg: c\n    doel: d\n" + ROW, _dash(1, 4)),
        ("  datum: 2023-02-02\n  overleg: c\n  doel: d\n" + ROW, _dash(1, 4)),
        # ... or at its own second line, when only the dash was taken out
        ("  datum: 2023-02-02\n    overleg: c\n    doel: d\n" + ROW, _dash(1, 4)),
        # a list of text
        ("  - een\n  twee\n  - drie\n", _dash(2, 1)),
    ],
)
def test_a_list_item_without_its_dash_is_refused_at_its_line(text: str, expected: str) -> None:
    assert messages("onderwerp: x\nbehandeling:\n" + text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One space too many: the line reads as the rest of the value above.
        (
            "bijlagen:\n  - omschrijving: Kaart\n     bestand: kaart.pdf\n",
            "d.yaml:3: ongeldige YAML: 'bestand:' springt verder in dan 'omschrijving:' op regel "
            "2 (laat 'bestand:' recht onder 'omschrijving:' beginnen, met spaties)",
        ),
        # One too few: a block that fits nowhere.
        (
            "bijlagen:\n  - omschrijving: Kaart\n   bestand: kaart.pdf\n",
            "d.yaml:3: ongeldige YAML: 'bestand:' springt minder ver in dan 'omschrijving:' op "
            "regel 2, maar niet zo ver terug als een sleutel daarboven (laat 'bestand:' recht "
            "onder de sleutel beginnen waar het bij hoort, met spaties)",
        ),
        (
            "onderwerp: x\neenheid: Beleid\n  email: a@b.nl\n",
            "d.yaml:3: ongeldige YAML: 'email:' springt verder in dan 'eenheid:' op regel 2 "
            "(laat 'email:' recht onder 'eenheid:' beginnen, met spaties)",
        ),
    ],
)
def test_a_key_a_few_spaces_off_is_said_as_indentation(text: str, expected: str) -> None:
    assert messages(text) == [expected]


def test_a_key_with_a_colon_too_many_is_not_said_as_indentation() -> None:
    # The line above opens a block: its deeper lines are its content, not misaligned keys.
    assert messages("onderwerp:\n  x: y: z\n") == [
        "d.yaml:2: ongeldige YAML: een regel mist ':' of heeft een ':' te veel (schrijf "
        "'sleutel: waarde'; zet tekst met ':' tussen aanhalingstekens)"
    ]


HARD_SPACE = (
    "bevat een vaste spatie (U+00A0) na '{}:', en YAML leest die niet als spatie (typ daar een "
    "gewone spatie)"
)


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        # libyaml stops at the line below, or at the line itself when it is the file's last.
        ("onderwerp: Aanpak\nkenmerk:\u00a023.0001772\ndatum: 2023-04-11\n", 2, "kenmerk"),
        ("onderwerp: Aanpak\nkenmerk:\u00a023.0001772\n", 2, "kenmerk"),
        ("behandeling:\n  - datum:\u00a02023-04-11\n    overleg: PHO\n", 2, "datum"),
        ("kenmerk:\u00a023.0001772\n", 1, "kenmerk"),  # the whole file one word of text
    ],
    ids=["boven", "laatste-regel", "in-een-lijst", "enige-regel"],
)
def test_a_no_break_space_after_a_key_is_said_at_its_line(text: str, line: int, key: str) -> None:
    assert messages(text) == [f"d.yaml:{line}: {HARD_SPACE.format(key)}"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # A clerk's walk: a spoken item indented under the one above became part of it.
        (
            "agenda:\n  - Verslag\n    - Mededelingen\n  - Rondvraag\n",
            "d.yaml:3: agenda[1]: '- Mededelingen' is verder ingesprongen dan het punt erboven "
            "en wordt eraan vastgeplakt: 'Verslag - Mededelingen'",
        ),
        # A sub-item under a decision, the item wrapped over two lines first.
        (
            "voorstel:\n  - Instemmen met het plan\n    van aanpak\n    -\n",
            "d.yaml:4: voorstel[1]: '-' is verder ingesprongen dan het punt erboven en wordt "
            "eraan vastgeplakt: 'Instemmen met het plan -'",
        ),
    ],
    ids=["agenda", "voorstel"],
)
def test_a_dash_line_indented_under_a_plain_item_is_said_where_it_is_joined(
    text: str, said: str
) -> None:
    advice = (
        " (is het een eigen punt: zet de '-' recht onder die van het punt erboven; hoort het "
        "erbij: zet het op dezelfde regel)"
    )
    assert messages(text) == [said + advice]


@pytest.mark.parametrize(
    "text",
    [
        "voorstel:\n  - Instemmen met het plan\n    van aanpak - fase 2\n",
        "voorstel:\n  - |\n    Instemmen met:\n    - het plan\n",
        "toelichting: Tekst\n  - punt\n",
    ],
    ids=["streepje-in-de-regel", "blok", "geen-lijst"],
)
def test_a_dash_inside_a_wrapped_item_or_a_block_is_no_joined_item(text: str) -> None:
    assert parse_yaml(text.encode(), Path("d.yaml"), "d.yaml").data


HARD_DASH = (
    "deze regel begint met '-' en een vaste spatie (U+{:04X}), en YAML leest die niet als spatie, "
    "dus is het geen punt van een lijst (typ na '-' een gewone spatie)"
)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # The only item: YAML reads the list as one text.
        ("voorstel:\n  -\u00a0Instemmen met plan\n", "d.yaml:2: voorstel: {}"),
        # After an item: the scanner fails inside it, at the line below.
        ("voorstel:\n  - Eerste\n  -\u00a0Tweede\nbehandeling: x\n", "d.yaml:3: {}"),
        # The first item, failing two lines on.
        ("agenda:\n  -\u202fOpening\n  # vast\n  - dossier: x\n", "d.yaml:2: {}"),
        ("agenda:\n  - Opening\n  -\u2007dossier: x\n  - Rondvraag\n", "d.yaml:3: {}"),
    ],
    ids=["enige-punt", "tweede-punt", "eerste-punt", "dossier"],
)
def test_a_dash_with_a_no_break_space_is_said_at_its_line(text: str, said: str) -> None:
    space = next(char for char in text if char in "\u00a0\u2007\u202f")
    assert messages(text) == [said.format(HARD_DASH.format(ord(space)))]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("onderwerp: Aanpak\nvoorstel:\n\u00a0\u00a0- Instemmen met plan\nbehandeling: x\n", 3),
        ("voorstel:\n  - Eerste\n\u00a0 - Tweede\n", 3),
        # One item pasted into the middle of a list: the error comes two lines on.
        ("voorstel:\n\u00a0\u00a0- A\n  - B\n  - C\nbehandeling: x\n", 2),
        ("voorstel:\n  - A\n\u00a0\u00a0- B\n  - C\nbehandeling: x\n", 3),
        # All items pasted: said at the first.
        ("voorstel:\n\u00a0\u00a0- A\n\u00a0\u00a0- B\n\u00a0\u00a0- C\nbehandeling: x\n", 2),
    ],
    ids=["twee-vaste-spaties", "een-vaste-spatie", "eerste-van-drie", "midden", "alle"],
)
def test_indentation_of_no_break_spaces_is_said_at_its_line(text: str, line: int) -> None:
    assert messages(text) == [
        f"d.yaml:{line}: deze regel springt in met een vaste spatie (U+00A0), en YAML leest die "
        "niet als spatie (spring in met gewone spaties)"
    ]


def test_a_dash_with_a_no_break_space_in_running_text_is_markdown() -> None:
    # In a '|' block it is a Markdown list's marker, which the renderer reads as a space.
    source = parse_yaml(
        "toelichting: |\n  -\u00a0punt\n  -\u00a0punt\n".encode(), Path("d.yaml"), "d.yaml"
    )
    assert source.data == {"toelichting": "-\u00a0punt\n-\u00a0punt\n"}


@pytest.mark.parametrize(
    "text",
    [
        "sjabloon: memo\nonderwerp: “Aanpak: actieplan”\nverspreiden: Ja\n",
        "sjabloon: memo\nonderwerp: „Aanpak: actieplan”\n",
        "sjabloon: memo\nonderwerp: ‘Aanpak: actieplan’\n",
    ],
    ids=["engels", "nederlands", "enkel"],
)
def test_text_in_curly_quotes_with_a_colon_asks_for_straight_quotes(text: str) -> None:
    assert messages(text) == [
        "d.yaml:2: ongeldige YAML: de tekst staat tussen gekrulde aanhalingstekens, en die telt "
        "YAML niet als aanhalingstekens, dus leest het de ':' erin als een veld (typ rechte "
        "aanhalingstekens: \"...\" of '...')"
    ]


@pytest.mark.parametrize(
    "text",
    [
        # A Dutch apostrophe opens no quote; quotes that close before the ':' do not hold it.
        "sjabloon: memo\nonderwerp: ’s-Graveland: aanpak werklocaties\n",
        "sjabloon: memo\nonderwerp: “Ruimte voor werk”: aanpak werklocaties\n",
        "sjabloon: memo\nonderwerp: “Ruimte”: “werk”\n",
    ],
    ids=["apostrof", "dubbele-punt-erbuiten", "twee-paren"],
)
def test_a_colon_outside_curly_quotes_asks_to_quote_the_whole_text_with_straight_ones(
    text: str,
) -> None:
    assert messages(text) == [
        "d.yaml:2: ongeldige YAML: een regel mist ':' of heeft een ':' te veel (schrijf "
        "'sleutel: waarde'; zet de hele tekst tussen rechte aanhalingstekens: \"...\")"
    ]


def test_a_curly_quoted_text_with_an_apostrophe_or_a_note_is_said_as_curly_quoted() -> None:
    for text in (
        "sjabloon: memo\nonderwerp: ‘Gemeente ’s-Graveland: aanpak’\n",
        "sjabloon: memo\nonderwerp: “Aanpak: werklocaties” # zie memo\n",
    ):
        assert messages(text) == [
            "d.yaml:2: ongeldige YAML: de tekst staat tussen gekrulde aanhalingstekens, en die "
            "telt YAML niet als aanhalingstekens, dus leest het de ':' erin als een veld (typ "
            "rechte aanhalingstekens: \"...\" of '...')"
        ]


def test_text_that_yaml_cuts_at_a_number_sign_is_kept_for_a_warning() -> None:
    source = parse_yaml(
        b"onderwerp: #3 Aanpak\nagenda:\n  - Verslag #3 en actielijst\ndatum: 2023-04-11 #oud\n",
        Path("d.yaml"),
        "d.yaml",
    )
    assert source.cut_by_comment == {
        ("onderwerp",): (1, "#3 Aanpak"),  # nothing before it: YAML reads an empty value
        ("agenda", 0): (3, "#3 en actielijst"),
        # A date with a note after it is not text that falls away.
    }


def test_text_that_yaml_cuts_at_a_number_sign_and_a_space_is_kept_for_a_warning() -> None:
    source = parse_yaml(
        b"onderwerp: Regeling # 2 werklocaties\neenheid: Beleid   # zoals ondertekend\n"
        b"agenda:\n  - Verslag # 3\n  # een opmerking\nportefeuillehouder: # nog niet bekend\n",
        Path("d.yaml"),
        "d.yaml",
    )
    assert source.cut_by_comment == {
        ("onderwerp",): (1, "# 2 werklocaties"),
        ("agenda", 0): (4, "# 3"),
        # A note set apart by more than one space is a comment, as in the documentation; so is
        # one where the value would be: nothing is cut off.
    }


def test_a_no_break_space_in_a_text_block_is_not_blamed_for_an_error_further_down() -> None:
    """In a `|` block a line may start with a no-break space: that is text, and an indentation
    error under bijlagen: is said where it is."""
    text = (
        "onderwerp: Aanpak\n"
        "toelichting: |\n"
        "  Eerste alinea.\n"
        "  \u00a0\u00a0\u00a0Let op: de planning is indicatief.\n"
        "  Tweede alinea.\n"
        "  Derde alinea.\n"
        "bijlagen:\n"
        "  - omschrijving: Kaart\n"
        "    bestand: kaart.pdf\n"
        " bijlagen_extra: x\n"
    )
    (said,) = messages(text)
    assert said.startswith("d.yaml:10: ongeldige YAML:"), said
    assert "vaste spatie" not in said


@pytest.mark.parametrize(
    "path",
    [("onderwerp",), ("bijlagen", 0, "bestand"), ("behandeling", 11, "datum"), ("agenda", 2)],
)
def test_a_field_label_is_read_back_as_its_path(path: tuple[str | int, ...]) -> None:
    from assembler.source import field_label, field_path

    assert field_path(field_label(path)) == path


@pytest.mark.parametrize("label", ["", "[1]", "[1]x", "a..b", "a[0]", "a[1", "a b]"])
def test_a_label_field_label_cannot_have_written_is_no_path(label: str) -> None:
    from assembler.source import field_path

    assert field_path(label) is None


def _yaml_scans(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The Loader of each yaml.scan from here on (libyaml's, or PyYAML's pure-Python one)."""
    loaders: list[object] = []
    real_scan = yaml.scan

    def counted(*args: object, **kwargs: object) -> object:
        loaders.append(kwargs.get("Loader"))
        return real_scan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml, "scan", counted)
    return loaders


def test_deep_nesting_is_refused_without_scanning_the_text_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Was: after libyaml gave up at its depth limit, the heuristics re-tokenised the text with
    PyYAML's pure-Python scanner, which is quadratic in the depth: a 200 kB dossier.yaml of
    nested '[' took a minute to refuse."""
    scans = _yaml_scans(monkeypatch)
    depth = 100_000
    text = "onderwerp: x\nextra: " + "[" * depth + "]" * depth + "\n"
    assert messages(text) == ["d.yaml:2: is dieper genest dan 20 niveaus (maak het platter)"]
    assert scans == []


def test_a_syntax_error_after_deep_brackets_is_explained_by_the_fast_scanner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The heuristics that explain a syntax error tokenise with libyaml's scanner: PyYAML's
    pure-Python one walks every open bracket for every token."""
    loaders = _yaml_scans(monkeypatch)
    # Within libyaml's depth limit and not closed: libyaml gives up at the end of the file.
    text = "onderwerp: x\u00a0y\nextra: " + "[" * 900 + "a, " * 20_000 + "\n"
    found = messages(text)
    assert found == [
        "d.yaml:2: ongeldige YAML: de lijst die hier met '[' begint, wordt niet met ']' "
        "gesloten of mist een komma (sluit de lijst, of zet de tekst tussen aanhalingstekens)"
    ], found
    assert loaders and all(loader is yaml.CSafeLoader for loader in loaders), loaders


@pytest.mark.parametrize(
    ("raw", "newline", "bom"),
    [
        (b"a: 1\nb: 2\n", "\n", False),
        (b"\xef\xbb\xbfa: 1\r\nb: 2\r\n", "\r\n", True),
        (b"a: 1\rb: 2\r", "\r", False),
        (b"a: 1\r\nb: 2\r\nc: 3\n", "\r\n", False),  # mixed: as most lines end
    ],
)
def test_a_file_remembers_its_line_ends_and_bom_to_be_written_back_with(
    raw: bytes, newline: str, bom: bool
) -> None:
    source = parse_yaml(raw, Path("d.yaml"), "d.yaml")
    assert (source.newline, source.bom) == (newline, bom)
    assert "\r" not in source.text and not source.text.startswith("\ufeff")
    again = source.in_own_form(source.text + "d: 4\n")
    assert (
        again == ("\ufeff" if bom else "") + source.text.replace("\n", newline) + f"d: 4{newline}"
    )
