"""What the clerk is told of annexes that are protected, packed or padded in ways found in
practice (annex review 2): bookmarks with actions, rights management and certificates,
password-protected office files, PDF portfolios, padding after %%EOF; and which items keep a
meeting's agenda from being made."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, OutlineItem, String

from assembler.annex import TRAILER_WINDOW
from assembler.bundle import BundleMeta, MergePart, merge_documents
from assembler.errors import PartRejected
from tests.conftest import CORPUS, ECONOMIE, WONEN, CliResult, needs_shared

DATA = Path(__file__).parent / "data" / "annexes"
FOUR_PAGES = CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf"
PASSWORD_FILE = CORPUS / "005-libreoffice-writer-password--libreoffice-writer-password.pdf"
WERKLOCATIES = Path("dossiers") / ECONOMIE / "werklocaties"
DOSSIER = f"{WERKLOCATIES}/dossier.yaml"
FIRST = "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
SCRIPTS_LEFT_OUT = (
    ": de bundels laten dat weg, maar het exportpakket geeft de bijlage ongewijzigd door "
    "(vraag de afzender om een versie zonder scripts en acties als de bijlage zo niet openbaar "
    "mag)"
)
PASSWORD = "is beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)"
RIGHTS = (
    "is beveiligd met rechtenbeheer (zoals een vertrouwelijkheidslabel van Microsoft Purview) "
    "of met een certificaat (vraag de afzender om een versie zonder beveiliging)"
)
PORTFOLIO = (
    "is een PDF-portfolio: de bundel toont alleen het voorblad (lever de documenten als losse "
    "PDF's of als één samengevoegde PDF aan)"
)
META = BundleMeta(title="Bundel", author="Regio", kenmerk="23.0001772")


def _first_annex(project: Path, data: bytes, name: str = FIRST) -> None:
    """Make ``data`` the werklocaties dossier's first annex, named ``name``."""
    folder = project / WERKLOCATIES
    (folder / FIRST).unlink()
    (folder / name).write_bytes(data)
    if name != FIRST:
        dossier = folder / "dossier.yaml"
        text = dossier.read_text(encoding="utf-8")
        dossier.write_text(text.replace(f"bestand: {FIRST}", f"bestand: {name}"), "utf-8")


def _said(name: str, text: str, kind: str = "") -> str:
    """The line the CLI writes of the first annex, at line 53 of the dossier."""
    return f"{DOSSIER}:53: {kind}bijlagen[1].bestand: '{name}' {text}\n"


# --- A1: bookmarks ---------------------------------------------------------------------------


def _with_bookmarks(path: Path) -> Path:
    """A 4-page PDF whose bookmarks go to a page, open a web page, run a script, start a
    program, open a file on a share (file: and a UNC path) and open a PDF on a share."""
    with pikepdf.open(FOUR_PAGES) as pdf:

        def uri(address: str) -> Dictionary:
            return Dictionary(S=Name.URI, URI=String(address))

        with pdf.open_outline() as outline:
            outline.root.clear()
            outline.root.extend(
                [
                    OutlineItem("Naar pagina 2", 1),
                    OutlineItem("Website", action=uri(" https://www.regiogv.nl/ ")),
                    OutlineItem(
                        "Script",
                        action=Dictionary(S=Name.JavaScript, JS=String("app.alert('x');")),
                    ),
                ]
            )
            hidden = OutlineItem("Verder", 2)
            hidden.children = [
                OutlineItem(
                    "Rekenmachine",
                    action=Dictionary(S=Name.Launch, F=String("C:\\Windows\\System32\\calc.exe")),
                ),
                OutlineItem("Notulen", action=uri("file://fileserver/gedeeld/notulen.docx")),
                OutlineItem(
                    "Ander",
                    action=Dictionary(
                        S=Name.GoToR,
                        F=String("\\\\fileserver\\gedeeld\\ander.pdf"),
                        D=Array([0, Name.Fit]),
                    ),
                ),
            ]
            outline.root.append(hidden)
        pdf.save(path)
    return path


def _outline(path: Path) -> list[tuple[int, str, str]]:
    """The bookmarks of ``path``: depth, title, and where each goes (page number or address)."""
    found: list[tuple[int, str, str]] = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}

        def walk(items: list[OutlineItem], depth: int) -> None:
            for item in items:
                if item.destination is not None:
                    where = f"pagina {pages[item.destination[0].objgen]}"
                else:
                    action = item.action
                    where = str(action.URI) if action is not None else "-"
                found.append((depth, item.title, where))
                walk(item.children, depth + 1)

        with pdf.open_outline() as outline:
            walk(outline.root, 0)
    return found


@needs_shared
def test_bookmarks_that_run_or_reach_elsewhere_are_warned_about_like_links(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """The export ships an annex as received: a script, a program start and links to a share
    in its bookmarks went out unsaid, while the same on a link was warned about."""
    _first_annex(example_project, _with_bookmarks(tmp_path / "b.pdf").read_bytes())
    result = run_cli("check", str(WERKLOCATIES), cwd=example_project)
    assert result.exit_code == 0, result.stderr
    named = (
        "bevat JavaScript, een actie die een programma of bestand opent en een link of actie "
        "naar een ander bestand of een andere computer"
    )
    assert result.stderr == _said(FIRST, named + SCRIPTS_LEFT_OUT, "waarschuwing: ")


@needs_shared
def test_a_bundle_keeps_a_bookmark_to_a_web_address_and_leaves_out_the_others(
    tmp_path: Path,
) -> None:
    """Links to a web address stay in a bundle; a bookmark to one was dropped with the
    scripts. Kept through a dossier's bundle into a meeting bundle, in its place."""
    annex = _with_bookmarks(tmp_path / "b.pdf")
    bundle = merge_documents([MergePart(annex, "Bijlage 1")], META, tmp_path / "bundel.pdf")
    meeting = merge_documents([MergePart(bundle, "Dossier")], META, tmp_path / "vergadering.pdf")
    assert _outline(bundle) == [
        (0, "Bijlage 1", "pagina 1"),
        (1, "Naar pagina 2", "pagina 2"),
        (1, "Website", "https://www.regiogv.nl/"),
        (1, "Verder", "pagina 3"),
    ]
    assert _outline(meeting) == [
        (0, "Dossier", "pagina 1"),
        (1, "Bijlage 1", "pagina 1"),
        (2, "Naar pagina 2", "pagina 2"),
        (2, "Website", "https://www.regiogv.nl/"),
        (2, "Verder", "pagina 3"),
    ]
    with pikepdf.open(meeting) as pdf:
        assert not pdf.get_warnings()
        # No stand-in destination is left anywhere in the file.
        assert not [
            o
            for o in pdf.objects
            if isinstance(o, Array) and len(o) == 3 and o[2] == String("assembler-webadres-0")
        ]


# --- A2: rights management and certificates ---------------------------------------------------


def _other_handler(path: Path, handler: bytes) -> bytes:
    """A 4-page PDF encrypted with the security handler ``handler`` (not the standard one):
    encrypted as by the standard one, which is then renamed, with a new cross-reference table."""
    plain = path.with_suffix(".standaard.pdf")
    with pikepdf.open(FOUR_PAGES) as pdf:
        pdf.save(
            plain,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            encryption=pikepdf.Encryption(owner="geheim", user="", R=4, aes=True),
        )
    data = plain.read_bytes().replace(b"/Filter /Standard", b"/Filter " + handler, 1)
    body = data[: data.rfind(b"\nxref\n") + 1]
    offsets = {int(m[1]): m.start() for m in re.finditer(rb"(?m)^(\d+) 0 obj", body)}
    count = max(offsets) + 1
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % count
    xref += b"".join(b"%010d 00000 n \n" % offsets.get(i, 0) for i in range(1, count))
    trailer = data[data.find(b"trailer", len(body)) : data.find(b"startxref", len(body))]
    return body + xref + trailer + b"startxref\n%d\n%%%%EOF\n" % len(body)


@needs_shared
@pytest.mark.parametrize("handler", [b"/MicrosoftIRMServices", b"/Adobe.PubSec"])
def test_a_pdf_protected_by_rights_management_or_a_certificate_is_said_to_be(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path, handler: bytes
) -> None:
    """Purview's sensitivity labels and certificate security were called damage: the clerk
    asked for the file again, and got the same protected file."""
    data = _other_handler(tmp_path / "a.pdf", handler)
    _first_annex(example_project, data)
    result = run_cli("check", str(WERKLOCATIES), cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == _said(FIRST, RIGHTS)
    # The bundle says the same of a file that became so after the check.
    (tmp_path / "a.pdf").write_bytes(data)
    with pytest.raises(PartRejected) as refused:
        merge_documents([MergePart(tmp_path / "a.pdf", "Bijlage 1")], META, tmp_path / "b.pdf")
    assert refused.value.reason == RIGHTS


# --- A3: office files with a password ---------------------------------------------------------


@pytest.mark.parametrize("name", ["wachtwoord.docx", "wachtwoord.odt"])
def test_an_office_file_with_a_password_is_said_to_have_one(
    example_project: Path, run_cli: Callable[..., CliResult], name: str
) -> None:
    """A .docx with a password was 'geen geldig .docx-bestand (open en bewaar het opnieuw)',
    which Word does with the password; an .odt with one passed the check and failed the build."""
    shown = f"bijlage-1-{name}"
    _first_annex(example_project, (DATA / name).read_bytes(), shown)
    result = run_cli("check", str(WERKLOCATIES), cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == _said(shown, PASSWORD)


# --- A4: portfolios -------------------------------------------------------------------------


@needs_shared
def test_a_pdf_portfolio_is_refused_for_showing_only_its_cover(
    example_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """A portfolio's bundle page was its cover ('open this portfolio in Acrobat'), and the
    warning about its attached files advised sending it without them: only the cover."""
    with pikepdf.open(CORPUS / "001-trivial--minimal-document.pdf") as pdf:
        pdf.attachments["stuk.pdf"] = pikepdf.AttachedFileSpec(pdf, FOUR_PAGES.read_bytes())
        pdf.Root.Collection = Dictionary(Type=Name.Collection, View=Name.D)
        pdf.save(tmp_path / "portfolio.pdf")
    _first_annex(example_project, (tmp_path / "portfolio.pdf").read_bytes())
    result = run_cli("check", str(WERKLOCATIES), cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == _said(FIRST, PORTFOLIO)


# --- A5: padding ----------------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("padding", [b"\0" * 4096, b"\r\n" * 3000 + b"\0" * 100])
def test_padding_after_the_end_of_a_pdf_is_no_damage(
    example_project: Path, run_cli: Callable[..., CliResult], padding: bytes
) -> None:
    """NULs some transfer tools add after %%EOF: refused as cut off, though every viewer
    opens the file."""
    _first_annex(example_project, FOUR_PAGES.read_bytes() + padding)
    result = run_cli("check", str(WERKLOCATIES), cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_more_padding_than_is_looked_past_is_still_a_file_cut_off(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    pdf = (example_project / WERKLOCATIES / FIRST).read_bytes()
    _first_annex(example_project, pdf + b"\0" * (1024 * 1024 + TRAILER_WINDOW))
    result = run_cli("check", str(WERKLOCATIES), cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == _said(
        FIRST,
        "is afgebroken of beschadigd (het einde van het PDF-bestand ontbreekt; lever de "
        "bijlage opnieuw aan)",
    )


# --- A6: what blocks a meeting's agenda ---------------------------------------------------------


@needs_shared
def test_the_agenda_warning_names_items_refused_by_the_checks_and_those_failed_in_the_build(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Only the items the checks refused were named: with those mended, the agenda was still
    not made, for the item whose annex the build refused."""
    meeting = example_project / "dossiers" / WONEN
    seed = meeting / "snelfietsroutes" / "dossier.yaml"
    seed.write_text(seed.read_text().replace("datum: 2023-06-07", "datum: 2023-06-31"))
    shutil.copyfile(
        PASSWORD_FILE, meeting / "res-voortgang" / "bijlage-1-voortgangsrapportage-res-2023.pdf"
    )
    result = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de agenda's zijn niet gemaakt omdat "
        "het agendapunt voor snelfietsroutes is afgekeurd (zie de meldingen bij dat agendapunt) "
        "en het agendapunt voor res-voortgang niet gemaakt kon worden (zie de meldingen bij dat "
        "agendapunt)\n"
    ) in result.stderr
