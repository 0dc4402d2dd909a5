"""Property and fuzz tests (issue 7, item 3): no input text or YAML mutation gets past unnoticed.

* Any Unicode text in any text field ends in one of two ways: a Dutch validation message that
  names the file, the line and the field, or a .docx whose every XML part parses and whose text
  holds the value as the model kept it.
* Random mutations of the example YAML (deleted, duplicated and swapped lines, values of the
  wrong type, random characters) never raise anything but an ``AssemblerError``, in process;
  and through the command line they never end in a traceback or an unexpected exit code.

Rendering is called as a library (no LibreOffice) so the examples stay fast.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from assembler.errors import AssemblerError, Problem
from assembler.inputs import Catalog
from assembler.project import Project
from assembler.render import build_context, document_properties, render_document
from assembler.validate import load_catalog
from tests.bad_inputs.language import english_words
from tests.conftest import CORPUS, copy_example

REPO = Path(__file__).resolve().parent.parent
ANNEX = CORPUS / "001-trivial--minimal-document.pdf"
MEETING = "2023-09-15-pfho-eigenschappen"
DOSSIER = f"dossiers/{MEETING}/voorstel/dossier.yaml"
W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
# ASSEMBLER_FUZZ=2000 runs a longer search (by hand, before a release); CI keeps it short, and
# draws the same examples each run (the profile in conftest.py).
SCALE = max(1, int(os.environ.get("ASSEMBLER_FUZZ", "60")) // 60)
SETTINGS = settings(
    max_examples=60 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

MEETING_YAML = """\
overleg: Portefeuillehoudersoverleg Eigenschappen
datum: 2023-09-15
aanvang: "10:00"
locatie: Regiokantoor, Hilversum
agenda:
  - Opening
  - dossier: voorstel
  - Rondvraag en sluiting
"""

# One line per field, so a field's line is its position in FIELDS (+1 for the comment).
FIELDS: list[tuple[str, str, str]] = [
    # (YAML text with {} for the value, field label in messages, example value)
    ("sjabloon: {}", "sjabloon", "voorstel"),
    ("onderwerp: {}", "onderwerp", "Regionale woningbouwafspraken"),
    ("verspreiden: {}", "verspreiden", "Ja"),
    ("portefeuillehouder: {}", "portefeuillehouder", "M. van der Linden"),
    ("contactpersoon: {}", "contactpersoon", "Sanne de Wit"),
    ("eenheid: {}", "eenheid", "Beleid en bestuur"),
    ("email: {}", "email", "s.dewit@regiogv.nl"),
    ("kenmerk: {}", "kenmerk", "23.0009001"),
    ("datum: {}", "datum", "2023-09-01"),
    ("voorstel:", "", ""),
    ("  - {}", "voorstel[1]", "Instemmen met de afspraken"),
    ("behandeling:", "", ""),
    ("  - datum: {}", "behandeling[1].datum", "2023-09-15"),
    ("    overleg: {}", "behandeling[1].overleg", "Portefeuillehoudersoverleg"),
    ("    doel: {}", "behandeling[1].doel", "Vaststellen"),
    ("    conclusie: {}", "behandeling[1].conclusie", "Afspraken vastgesteld"),
    ("toelichting: {}", "toelichting", "Het Rijk vraagt iedere regio om afspraken."),
    ("bijlagen:", "", ""),
    ("  - omschrijving: {}", "bijlagen[1].omschrijving", "Regionale afspraken"),
    ("    bestand: {}", "bijlagen[1].bestand", "bijlage-1.pdf"),
]
LABELS = [label for _, label, _ in FIELDS if label]
# Fields the voorstel template prints as they are; the others are typed (dates, Ja/Nee, e-mail,
# kenmerk), chosen from a list (sjabloon), shown elsewhere (portefeuillehouder: on the agenda),
# or Markdown (toelichting), and are checked for a well-formed document only.
PRINTED = {
    "onderwerp",
    "contactpersoon",
    "eenheid",
    "voorstel[1]",
    "behandeling[1].overleg",
    "behandeling[1].doel",
    "behandeling[1].conclusie",
    "bijlagen[1].omschrijving",
}


def dossier_yaml(values: dict[str, str]) -> str:
    lines = ["# Eigenschappen: één veld krijgt telkens een willekeurige waarde."]
    for template, label, example in FIELDS:
        if not label:
            lines.append(template)
            continue
        lines.append(template.format(values.get(label, example)))
    return "\n".join(lines) + "\n"


def line_of(label: str) -> int:
    return 2 + next(i for i, (_, name, _) in enumerate(FIELDS) if name == label)


# YAML's printable set (YAML 1.1, 5.1); anything else must be escaped in a double-quoted scalar.
def _printable(char: str) -> bool:
    code = ord(char)
    return (
        char in "\t\n\r"
        or 0x20 <= code <= 0x7E
        or code == 0x85
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back as exactly ``text``."""
    out = []
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif code in (0x85, 0x2028, 0x2029) or not _printable(char):
            # Line breaks of YAML would be folded; escape them to keep the value exact.
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@dataclass
class PropertyProject:
    root: Path

    @property
    def project(self) -> Project:
        return Project(self.root)

    def write(self, text: str | bytes, relative: str = DOSSIER) -> None:
        path = self.root / relative
        if isinstance(text, str):
            text = text.encode("utf-8")
        path.write_bytes(text)


@pytest.fixture(scope="module")
def prop_project(tmp_path_factory: pytest.TempPathFactory) -> PropertyProject:
    root = tmp_path_factory.mktemp("eigenschappen")
    copy_example(root, "templates", "dossiers/organisatie.yaml", "dossiers/huisstijl")
    dossiers = root / "dossiers"
    meeting = dossiers / MEETING
    (meeting / "voorstel").mkdir(parents=True)
    (meeting / "vergadering.yaml").write_text(MEETING_YAML, encoding="utf-8")
    shutil.copy(ANNEX, meeting / "voorstel" / "bijlage-1.pdf")
    project = PropertyProject(root)
    project.write(dossier_yaml({}))
    return project


def test_the_unchanged_property_dossier_is_valid(prop_project: PropertyProject) -> None:
    prop_project.write(dossier_yaml({}))
    catalog = load_catalog(prop_project.project)
    assert catalog.problems == []
    assert catalog.dossier_count == 1


def docx_texts(path: Path) -> str:
    texts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                root = etree.fromstring(archive.read(name))  # every part parses
                if name.startswith("word/"):
                    texts.extend(element.text or "" for element in root.iter(W_T))
    return "".join(texts)


def assert_clear_rejection(problems: list[Problem], label: str) -> None:
    """At least one problem; all of them at the planted line, in Dutch, for the dossier."""
    assert problems, "rejected without a message"
    for problem in problems:
        assert problem.bestand == DOSSIER, problem
        assert problem.regel == line_of(label), problem.format()
        # The field is named, unless the YAML itself could not be read (then the line says it).
        assert problem.veld in (label, ""), problem.format()
        assert problem.melding and not english_words(problem.melding), problem.format()
        assert problem.ernst == "fout"


def render_accepted(prop_project: PropertyProject, catalog: Catalog, out: Path) -> str:
    (dossier,) = catalog.meetings[0].dossiers
    document = dossier.document
    render_document(
        prop_project.project.template_for(document.kind),
        build_context(document, catalog.organisation, prop_project.root),
        out,
        document_properties(document, catalog.organisation, catalog.meetings[0].meeting.meeting),
    )
    return docx_texts(out)


def kept_value(catalog: Catalog, label: str) -> str:
    """The value of ``label`` as the validated model holds it."""
    (dossier,) = catalog.meetings[0].dossiers
    data = dossier.document.model_dump(by_alias=True)
    value: object = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", label):
        if part.startswith("["):
            assert isinstance(value, list | tuple)
            value = value[int(part[1:-1]) - 1]
        else:
            assert isinstance(value, dict)
            value = value[part]
    return str(value)


# Mostly anything, with a fair share of the characters that break documents and parsers.
NASTY = st.sampled_from(
    [
        *"&<>\"'{}%#*:-|!?@`\\\t\n\r\x00\x0b\x1f\x7f\x85\u00a0\u200b\u200f\u202e\u2028",
        *("\ufeff", "\ufffe", "\uffff", "{{", "{%", "&amp;", "]]>", "e\u0301", "👩🏽‍💼"),
    ]
)
ANY_TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=8), NASTY), max_size=12).map("".join)


@SETTINGS
@given(label=st.sampled_from(LABELS), value=ANY_TEXT, raw=st.booleans())
def test_any_text_in_any_field_is_refused_clearly_or_printed_literally(
    prop_project: PropertyProject, tmp_path: Path, label: str, value: str, raw: bool
) -> None:
    # Written raw (as typed, when YAML can hold it on one line) or escaped in double quotes.
    can_be_raw = "\n" not in value and "\r" not in value and all(map(_printable, value))
    escaped = not (raw and can_be_raw)
    scalar = double_quoted(value) if escaped else value
    prop_project.write(dossier_yaml({label: scalar}))
    try:
        catalog = load_catalog(prop_project.project)
    except AssemblerError as error:  # pragma: no cover - the organisation file is untouched
        pytest.fail(f"the whole project was refused: {error.message}")
    errors = [problem for problem in catalog.problems if problem.ernst == "fout"]
    if errors:
        assert_clear_rejection(errors, label)
        return
    for warning in catalog.problems:
        # An accepted value can warn elsewhere too (an emptied behandeling datum leaves no row
        # for the meeting's day): in Dutch, for the dossier, at a line of it.
        assert warning.bestand == DOSSIER and warning.regel is not None, warning.format()
        assert warning.melding and not english_words(warning.melding), warning.format()
    out = tmp_path / f"{abs(hash((label, value, raw)))}.docx"
    text = render_accepted(prop_project, catalog, out)
    if label in PRINTED:
        kept = kept_value(catalog, label)
        assert kept in text, (label, kept)
        if escaped:
            # Escaped input reaches the model exactly, up to the surrounding white space (a raw
            # value that starts with a quote is YAML's quoted text, not the quote itself) and
            # the unseen characters left out (a soft hyphen only from one-line texts).
            unseen = re.sub("[\u200b\u2060\ufeff]", "", value)
            assert kept in (unseen.strip(), unseen.replace("\u00ad", "").strip()), (kept, value)


MARKDOWN_SAFE = st.text(
    alphabet=st.characters(
        categories=["L", "M", "Nd", "Zs", "So"], exclude_characters="\u2028\u2029"
    ),
    min_size=1,
    max_size=60,
)


@SETTINGS
@given(value=MARKDOWN_SAFE)
def test_plain_words_in_the_toelichting_come_out_literally(
    prop_project: PropertyProject, tmp_path: Path, value: str
) -> None:
    # Text without Markdown syntax must read the same in Word (Markdown itself: test_markdown).
    assume(value.strip())
    prop_project.write(dossier_yaml({"toelichting": double_quoted(value)}))
    catalog = load_catalog(prop_project.project)
    # A warning (a pictograph no font has) leaves the text as it is.
    errors = [problem for problem in catalog.problems if problem.ernst == "fout"]
    if errors:
        assert_clear_rejection(errors, "toelichting")
        return
    text = render_accepted(prop_project, catalog, tmp_path / "toelichting.docx")
    assert kept_value(catalog, "toelichting") in text


# --------------------------------------------------------------------------- mutations

EXAMPLE_FILES = {
    "dossier": (
        REPO / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties" / "dossier.yaml",
        DOSSIER,
    ),
    "vergadering": (None, f"dossiers/{MEETING}/vergadering.yaml"),
    "organisatie": (REPO / "dossiers" / "organisatie.yaml", "dossiers/organisatie.yaml"),
}
WRONG_TYPES = [
    "[]",
    "{}",
    "[a, b]",
    "{a: b}",
    "\n  - een\n  - twee",
    "\n  sleutel: waarde",
    "",
    "~",
    '""',
    "12",
    "1.5e3",
    "yes",
    "2023-02-30",
    "!!str x",
    "!!binary aGFsbG8=",
    "&a x",
    "*a",
    "|\n  tekst",
    ">-\n  tekst",
    "'",
    '"',
    "x: y: z",
]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines = [""]
        index = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(["delete", "duplicate", "swap", "retype", "characters", "indent"])
        )
        line = lines[index]
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(draw(st.integers(0, len(lines))), line)
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
        elif kind == "retype" and ":" in line:
            key = line.split(":", 1)[0]
            lines[index] = f"{key}: {draw(st.sampled_from(WRONG_TYPES))}"
        elif kind == "characters":
            position = draw(st.integers(0, len(line)))
            noise = draw(st.one_of(st.text(max_size=4), NASTY))
            lines[index] = line[:position] + noise + line[position:]
        elif kind == "indent":
            lines[index] = draw(st.sampled_from(["", " ", "   ", "\t", "      "])) + line.lstrip()
    return "\n".join(lines)


def _example_text(name: str) -> str:
    source, _ = EXAMPLE_FILES[name]
    if source is None:
        return MEETING_YAML
    return source.read_text(encoding="utf-8")


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(sorted(EXAMPLE_FILES)))
    return name, draw(mutated(_example_text(name)))


def _restore(prop_project: PropertyProject) -> None:
    prop_project.write(dossier_yaml({}))
    prop_project.write(MEETING_YAML, EXAMPLE_FILES["vergadering"][1])
    prop_project.write(_example_text("organisatie"), EXAMPLE_FILES["organisatie"][1])


@settings(
    max_examples=150 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(change=mutation())
def test_mutated_yaml_never_raises_anything_but_an_assembler_error(
    prop_project: PropertyProject, change: tuple[str, str]
) -> None:
    name, text = change
    _restore(prop_project)
    prop_project.write(text, EXAMPLE_FILES[name][1])
    try:
        catalog = load_catalog(prop_project.project)
    except AssemblerError as error:
        problems = error.problems
        assert problems or error.message
    else:
        problems = catalog.problems
    for problem in problems:
        assert problem.bestand.startswith("dossiers/"), problem
        assert problem.melding and not english_words(problem.melding), problem.format()


# A handful through the real command line: exit code and stderr as a clerk gets them.
@pytest.mark.slow
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(change=mutation())
def test_mutated_yaml_through_the_command_line_ends_cleanly(
    prop_project: PropertyProject, change: tuple[str, str]
) -> None:
    name, text = change
    _restore(prop_project)
    prop_project.write(text, EXAMPLE_FILES[name][1])
    shutil.rmtree(prop_project.root / "build", ignore_errors=True)
    command = [str(Path(sys.executable).with_name("assembler")), "build", "--geen-pdf"]
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        command,
        cwd=prop_project.root,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), result.stderr
    if result.returncode:
        assert re.search(r"^(dossiers/\S+?(:\d+)?: |fout: )", result.stderr, re.M), result.stderr
