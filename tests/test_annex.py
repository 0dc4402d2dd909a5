"""Annex intake: the real-world corpus and the annex rows of the bad-input catalogue (issue 7)."""

from __future__ import annotations

import json
import resource
import shutil
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from assembler.annex import AnnexLimits, AnnexReport, inspect_annex, pdf_named_as_office
from assembler.errors import Problem
from tests.conftest import CHECKED_EXAMPLE, CORPUS, CliResult, needs_shared, python_m
from tests.hostile_files import (
    decompression_bomb,
    encrypted,
    minimal_docx,
    outline_loop,
    pdf_with_pages,
    with_active_content,
    with_links_elsewhere,
)

PASSWORD_FILE = CORPUS / "005-libreoffice-writer-password--libreoffice-writer-password.pdf"
# Every bad input must be decided within this many CPU seconds (a whole check of a corpus file
# takes about 0.1). The default timeout (30 s wall-clock) is the hard bound; a check it stops
# is refused with its own reason, which each test's assertion on the reasons would show.
QUICK = 5.0


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.pdf"))


def declared_pages() -> dict[str, int]:
    data = json.loads((CORPUS / "files.json").read_text())["data"]
    return {item["path"].replace("/", "--"): item["pages"] for item in data}


def cpu_seconds() -> float:
    """CPU time used so far by this process and its reaped children (the checking ones)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(path: Path, limits: AnnexLimits | None = None) -> tuple[AnnexReport, float]:
    """The report and the CPU seconds the check took, in this process and its child. Not
    wall-clock time: on a shared machine (LibreOffice and other tests running) that grows
    with the load, while the work a check does, which these limits are about, does not."""
    started = cpu_seconds()
    report = inspect_annex(path, limits or AnnexLimits())
    return report, cpu_seconds() - started


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# --- the corpus ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:40])
def test_corpus_file_is_accepted_or_refused_clearly(path: Path) -> None:
    report, seconds = timed(path)
    assert seconds < QUICK
    if path == PASSWORD_FILE:
        assert not report.ok
        assert report.reasons == (
            "is beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)",
        )
        return
    assert report.ok, report.reasons
    assert report.pages == declared_pages()[path.name]
    assert report.size == path.stat().st_size


def test_password_file_really_has_a_user_password() -> None:
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(PASSWORD_FILE)
    with pikepdf.open(PASSWORD_FILE, password="openpassword") as pdf:
        assert pdf.user_password_matched and not pdf.owner_password_matched
        assert len(pdf.pages) == 1


@needs_shared
def test_pages_too_small_to_read_are_warned_about() -> None:
    """ImageMagick's PDFs of a few pixels: 3.84 points a side, a page that is all mark."""
    one = inspect_annex(CORPUS / "007-imagemagick-images--imagemagick-lzw.pdf")
    assert one.ok and one.warnings == (
        "heeft een pagina van maar 1,4 × 1,4 mm (pagina 1): op papier en op het scherm "
        "nauwelijks te zien (lever een versie op A4 aan)",
    )
    several = inspect_annex(CORPUS / "007-imagemagick-images--imagemagick-images.pdf")
    assert several.ok and several.warnings == (
        f"heeft {several.pages} pagina's kleiner dan 2,5 cm (pagina 1: 1,4 × 1,4 mm): op papier "
        "en op het scherm nauwelijks te zien (lever een versie op A4 aan)",
    )


@pytest.mark.parametrize("box", [[0, 0, 100], [0, 0, "x", 100]], ids=["three", "a-name"])
def test_an_odd_crop_box_is_no_reason_to_refuse(tmp_path: Path, box: list[object]) -> None:
    """The page-size warning read every page's box where a failure refuses the file."""
    path = tmp_path / "bijlage.pdf"
    with pikepdf.open(CORPUS / "001-trivial--minimal-document.pdf") as pdf:
        values = [pikepdf.Name("/X") if v == "x" else v for v in box]
        pdf.pages[0].obj.CropBox = pikepdf.Array(values)
        pdf.save(path)
    report = inspect_annex(path)
    assert report.ok, report.reasons


@needs_shared
def test_corpus_features_are_reported() -> None:
    forms = inspect_annex(CORPUS / "010-pdflatex-forms--pdflatex-forms.pdf")
    outline = inspect_annex(CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf")
    plain = inspect_annex(CORPUS / "001-trivial--minimal-document.pdf")
    assert forms.has_forms and not forms.has_outline
    assert outline.has_outline and not outline.has_forms
    assert not plain.has_forms and not plain.has_outline and plain.warnings == ()


# --- bad inputs ----------------------------------------------------------------------------


def make_bomb(path: Path, *, as_content: bool = False) -> Path:
    path.write_bytes(decompression_bomb(as_content=as_content))
    return path


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    source = (CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf").read_bytes()
    (folder / "leeg.pdf").write_bytes(b"")
    (folder / "half.pdf").write_bytes(source[: len(source) // 2])
    (folder / "pagina.pdf").write_text(
        "<!DOCTYPE html>\n<html><head><title>Downloaden</title></head></html>"
    )
    (folder / "map.pdf").mkdir()
    # A file that starts well but whose objects are garbage: qpdf cannot find any page.
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    with pikepdf.open(CORPUS / "001-trivial--minimal-document.pdf") as pdf:
        pdf.save(folder / "wachtwoord.pdf", encryption=pikepdf.Encryption(owner="x", user="y"))
    (folder / "word.pdf").write_bytes(minimal_docx())
    (folder / "rechten.pdf").write_bytes(encrypted(user=""))
    (folder / "tienduizend.pdf").write_bytes(pdf_with_pages(10_000))
    (folder / "kring.pdf").write_bytes(outline_loop())
    return {
        "ontbreekt": folder / "ontbreekt.pdf",
        "map": folder / "map.pdf",
        "docx": folder / "word.pdf",
        "html": folder / "pagina.pdf",
        "leeg": folder / "leeg.pdf",
        "half": folder / "half.pdf",
        "kapot": folder / "kapot.pdf",
        "wachtwoord": folder / "wachtwoord.pdf",
        "rechten": folder / "rechten.pdf",
        "bom": make_bomb(folder / "bom.pdf"),
        "pagina's": folder / "tienduizend.pdf",
        "kring": folder / "kring.pdf",
    }


REFUSED = {
    "ontbreekt": "bestaat niet (controleer de bestandsnaam en de map)",
    "map": "is een map en geen bestand (noem een PDF-bestand)",
    "docx": "is geen PDF (het bestand begint niet met %PDF-; het is een Office-bestand zoals "
    ".docx, .xlsx of .odt; geef het de juiste extensie of lever een PDF aan)",
    "html": "is geen PDF (het bestand begint niet met %PDF-; het is een webpagina (HTML); "
    "sla de pagina op als PDF of download het echte bestand)",
    "leeg": "is leeg (0 bytes; lever de bijlage opnieuw aan)",
    "half": "is afgebroken of beschadigd (het einde van het PDF-bestand ontbreekt; "
    "lever de bijlage opnieuw aan)",
    "kapot": "is beschadigd",
    "wachtwoord": "is beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)",
    "bom": "is een decompressiebom: een onderdeel pakt uit tot meer dan 256,0 MB "
    "(lever een normale PDF aan)",
    "pagina's": "heeft te veel pagina's (10.000; de grens is 2.000; "
    "splits het bestand in meer bijlagen)",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_annex_is_refused_in_dutch_in_bounded_time(bad: dict[str, Path], case: str) -> None:
    report, seconds = timed(bad[case])
    assert not report.ok
    assert len(report.reasons) == 1
    assert report.reasons[0].startswith(REFUSED[case])
    assert seconds < QUICK, f"{case} took {seconds:.2f} s"


def test_permissions_only_is_accepted_with_a_warning(bad: dict[str, Path]) -> None:
    report = inspect_annex(bad["rechten"])
    assert report.ok and report.permissions_only and report.pages == 4
    assert report.warnings == (
        "is beveiligd met beperkingen (zonder openingswachtwoord); de bijlage wordt opgenomen "
        "en de bundel wordt niet beveiligd",
    )


def test_outline_loop_is_accepted_with_a_warning_and_does_not_hang(bad: dict[str, Path]) -> None:
    report, seconds = timed(bad["kring"])
    assert report.ok and report.has_outline and report.pages == 2
    assert report.warnings == (
        "heeft bladwijzers die in een kring naar zichzelf verwijzen; alleen de bladwijzers "
        "buiten de kring worden overgenomen",
    )
    assert seconds < QUICK


def test_limits_are_configurable(bad: dict[str, Path]) -> None:
    # Generous in time too: 10,000 pages take seconds, more on a busy machine.
    generous = AnnexLimits(max_pages=20_000, timeout_seconds=600.0)
    assert inspect_annex(bad["pagina's"], generous).pages == 10_000
    small = AnnexLimits(max_file_bytes=10_000)
    report = inspect_annex(CORPUS / "003-pdflatex-image--pdflatex-image.pdf", small)
    assert report.reasons == (
        "is te groot (0,1 MB; de grens is 0,0 MB; verklein het bestand of splits het in meer "
        "bijlagen)",
    )


@needs_shared
def test_timeout_refuses_instead_of_waiting() -> None:
    trivial = CORPUS / "001-trivial--minimal-document.pdf"
    whole, whole_seconds = timed(trivial)
    assert whole.ok
    report, seconds = timed(trivial, AnnexLimits(timeout_seconds=0.01))
    assert report.reasons == (
        "kon niet binnen 0.01 seconden worden gecontroleerd (het bestand is te ingewikkeld of "
        "beschadigd; lever een eenvoudiger PDF aan)",
    )
    # Stopped, not waited for: the child was killed before it could do what a whole check
    # does (about 0.03 against 0.12 CPU seconds here). A busy machine gives the child less
    # CPU in its 0.01 s, never more, so this does not fail at random as a wall-clock bound may.
    assert seconds < whole_seconds / 2, (seconds, whole_seconds)


def test_memory_limit_stops_a_bomb_the_stream_count_would_let_through(tmp_path: Path) -> None:
    # With the decoded-size caps switched off, decoding the 512 MB page content runs into the
    # child's address-space limit: the child dies, the parent refuses, nothing else happens.
    bomb = make_bomb(tmp_path / "inhoud.pdf", as_content=True)
    limits = AnnexLimits(
        max_stream_bytes=2**40, max_decoded_bytes=2**40, memory_bytes=400 * 1024 * 1024
    )
    report, seconds = timed(bomb, limits)
    assert report.reasons == (
        "vraagt te veel geheugen om te lezen (mogelijk een decompressiebom; lever een normale "
        "PDF aan)",
    )
    assert seconds < QUICK


def test_checks_stay_within_memory(bad: dict[str, Path]) -> None:
    """The measured bound behind the module docstring: child peak RSS on every hostile input."""
    for path in bad.values():
        inspect_annex(path)
    assert children_peak_mb() < 400


@needs_shared
@pytest.mark.parametrize("suffix", [".docx", ".odt", ".xlsx", ".ods"])
def test_a_pdf_named_as_an_office_file_is_said_to_be_one(suffix: str) -> None:
    """Was 'is geen geldig .docx-bestand (open en bewaar het opnieuw)': Word would make a
    document of the PDF."""
    head = (CORPUS / "001-trivial--minimal-document.pdf").read_bytes()[:1024]
    assert pdf_named_as_office(head, suffix, f"Nota{suffix.upper()}") == (
        f"'Nota{suffix.upper()}' is een PDF met de naam {suffix} (hernoem het bestand naar "
        "'Nota.pdf' en schrijf hier 'Nota.pdf')"
    )
    assert pdf_named_as_office(b"\xef\xbb\xbf\n" + head, suffix, f"a{suffix}") is not None
    assert pdf_named_as_office(minimal_docx(), suffix, f"a{suffix}") is None
    assert pdf_named_as_office(b"not a zip at all", suffix, f"a{suffix}") is None


def test_messages_read_well_after_the_dossier_prefix(bad: dict[str, Path]) -> None:
    report = inspect_annex(bad["wachtwoord"])
    where = ("dossiers/2023/werklocaties/dossier.yaml", 23, "bijlagen[2].bestand")
    problems = report.problems(*where, "bijlage-2.pdf")
    assert [p.format() for p in problems] == [
        "dossiers/2023/werklocaties/dossier.yaml:23: bijlagen[2].bestand: 'bijlage-2.pdf' is "
        "beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)"
    ]
    warned = inspect_annex(bad["rechten"]).problems("d.yaml", 4, "bijlagen[1].bestand")
    assert warned == [
        Problem(
            "d.yaml",
            4,
            "bijlagen[1].bestand",
            "is beveiligd met beperkingen (zonder openingswachtwoord); de bijlage wordt "
            "opgenomen en de bundel wordt niet beveiligd",
            "waarschuwing",
        )
    ]


def test_the_file_is_never_changed(bad: dict[str, Path]) -> None:
    path = bad["rechten"]
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    inspect_annex(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@needs_shared
def test_batch_isolates_a_file_that_kills_the_shared_child(tmp_path: Path) -> None:
    # A bomb between good files: the shared child dies on it, the bomb alone is refused,
    # and the files before and after it are still checked in order.
    from assembler.annex import inspect_annexes

    bomb = make_bomb(tmp_path / "inhoud.pdf", as_content=True)
    limits = AnnexLimits(
        max_stream_bytes=2**40, max_decoded_bytes=2**40, memory_bytes=400 * 1024 * 1024
    )
    good = corpus_files()[:3]
    paths = [good[0], bomb, good[1], tmp_path / "ontbreekt.pdf", good[2]]
    reports = inspect_annexes(paths, limits)
    assert [report.path for report in reports] == paths
    assert [report.ok for report in reports] == [True, False, True, False, True]
    assert reports[1].reasons[0].startswith("vraagt te veel geheugen")
    assert reports[3].reasons[0].startswith("bestaat niet")
    assert all(report.pages > 0 for report in (reports[0], reports[2], reports[4]))


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The annex files the intake sends to its checking child, in order."""
    from assembler import intake

    paths_checked: list[Path] = []
    real = intake.inspect_annexes

    def counting(
        paths: list[Path],
        limits: AnnexLimits,
        *,
        every_page: Collection[Path] = (),
        **options: Any,
    ) -> list[AnnexReport]:
        paths_checked.extend(paths)
        return real(paths, limits, every_page=every_page, **options)

    monkeypatch.setattr(intake, "inspect_annexes", counting)
    return paths_checked


def test_the_same_file_under_two_names_is_checked_once(
    example_project: Path, checked: list[Path]
) -> None:
    from assembler.check import check_project
    from assembler.project import find_project

    wonen = example_project / "dossiers" / "2023-06-23-pfho-ruimte-wonen"
    original = wonen / "snelfietsroutes" / "bijlage-1-kaart-snelfietsroutes.pdf"
    copy = wonen / "woningbouwafspraken" / "bijlage-2-woningbouwmonitor-2022.pdf"
    shutil.copyfile(original, copy)
    catalog = check_project(find_project(example_project))

    assert not catalog.errors
    assert len(checked) == len(set(checked))
    assert (original.resolve() in checked) != (copy.resolve() in checked)
    pdfs = list((example_project / "dossiers").glob("*/*/*.pdf"))
    assert len(checked) == len(pdfs) - 1


def test_check_says_every_annex_of_a_dossier_refused_for_one_in_one_round(
    example_project: Path,
) -> None:
    """A clerk's walkthrough: with one annex that is no PDF, the password and the attached
    file of two others were said only once it was mended, a round later."""
    from assembler.check import check_project
    from assembler.project import find_project

    folder = example_project / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties"
    shutil.copyfile(PASSWORD_FILE, folder / "bijlage-4-beveiligd.pdf")
    shutil.copyfile(CORPUS / "025-attachment--with-attachment.pdf", folder / "bijlage-5-extra.pdf")
    (folder / "bijlage-6-kapot.pdf").write_text("dit is geen pdf\n", encoding="utf-8")
    with (folder / "dossier.yaml").open("a", encoding="utf-8") as dossier:
        for number, name in ((4, "beveiligd"), (5, "extra"), (6, "kapot")):
            dossier.write(f"  - omschrijving: Bijlage {number}\n")
            dossier.write(f"    bestand: bijlage-{number}-{name}.pdf\n")
    catalog = check_project(find_project(example_project))
    said = {(p.veld, p.ernst, p.melding.split(" (")[0]) for p in catalog.problems}
    assert said == {
        (
            "bijlagen[4].bestand",
            "fout",
            "'bijlage-4-beveiligd.pdf' is beveiligd met een wachtwoord",
        ),
        (
            "bijlagen[5].bestand",
            "waarschuwing",
            "'bijlage-5-extra.pdf' bevat een bijgevoegd bestand",
        ),
        (
            "bijlagen[6].bestand",
            "fout",
            "'bijlage-6-kapot.pdf' is geen PDF: het begint niet met %PDF-",
        ),
    }


def _with_password_annex(folder: Path) -> None:
    """Replace the dossier's first annex with the corpus's password-protected PDF."""
    first = sorted(folder.glob("bijlage-1-*.pdf"))[0]
    shutil.copyfile(PASSWORD_FILE, first)


PASSWORD_SAID = "bijlagen[1].bestand: 'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf' is "
PASSWORD_SAID += "beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)"


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_annex_is_judged_in_the_round_that_refuses_a_field_of_its_dossier(
    example_project: Path, run_cli: Callable[..., CliResult], command: str
) -> None:
    """The password on an annex was said only once the empty kenmerk beside it was mended."""
    folder = example_project / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties"
    _with_password_annex(folder)
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("kenmerk: 23.0001772", 'kenmerk: ""'), encoding="utf-8")

    result = run_cli(command, "dossiers/2023-05-26-pfho-economie/werklocaties", cwd=example_project)

    where = "dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml"
    assert result.exit_code == 1
    assert f"{where}:10: kenmerk: is leeg (vul een waarde in)" in result.stderr
    assert f"{where}:53: {PASSWORD_SAID}" in result.stderr


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (
            "    bestand: ../snelfietsroutes/kaart.pdf",
            "bijlagen[4].bestand: '../snelfietsroutes/kaart.pdf' verwijst buiten de dossiermap",
        ),
        (
            "    bestand: /tmp/kaart.pdf",
            "bijlagen[4].bestand: '/tmp/kaart.pdf' is een absoluut pad",
        ),
        ("", "bijlagen[4].bestand: ontbreekt"),
    ],
)
def test_an_annex_entry_refused_keeps_no_other_annex_from_being_judged(
    example_project: Path, run_cli: Callable[..., CliResult], entry: str, said: str
) -> None:
    """The password on annex 1 went unsaid while another entry named a file outside the folder,
    or none: the annexes were judged only when every entry was valid."""
    folder = example_project / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties"
    _with_password_annex(folder)
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8").rstrip("\n")
    added = "  - omschrijving: Kaart uit een ander dossier" + (f"\n{entry}" if entry else "")
    dossier.write_text(f"{text}\n{added}\n", encoding="utf-8")

    result = run_cli("check", "dossiers/2023-05-26-pfho-economie/werklocaties", cwd=example_project)

    where = "dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml"
    assert result.exit_code == 1
    assert f"{where}:53: {PASSWORD_SAID}" in result.stderr
    assert said in result.stderr
    assert result.stdout.startswith("Niet in orde: 2 fouten in 1 bestand")
    assert "niet genoemd" not in result.stderr  # no file warned about as forgotten meanwhile


_SNELFIETS = "dossiers/2023-06-23-pfho-ruimte-wonen/snelfietsroutes"
_LEFT_OUT = "dat bestand ligt in de dossiermap en staat nog niet bij de bijlagen"


@pytest.mark.parametrize(
    ("emptied", "added", "said"),
    [
        # The file of the entry whose 'bestand:' was left out lies in the folder, unnamed.
        (
            {57: None},
            {},
            [
                f"56: bijlagen[3].bestand: ontbreekt (schrijf 'bestand: "
                f"bijlage-3-notitie-criteria-prioritering.pdf': {_LEFT_OUT})"
            ],
        ),
        (
            {57: "    bestand:"},
            {},
            [
                f"57: bijlagen[3].bestand: is leeg (schrijf 'bestand: "
                f"bijlage-3-notitie-criteria-prioritering.pdf': {_LEFT_OUT})"
            ],
        ),
        # Numbered as its entry is, a file is that entry's; then the one file left is the
        # other's.
        (
            {55: None, 57: None},
            {"bijlage-2-kaartbeeld-knelpunten.pdf": "kaart.pdf"},
            [
                f"54: bijlagen[2].bestand: ontbreekt (schrijf 'bestand: kaart.pdf': {_LEFT_OUT})",
                f"55: bijlagen[3].bestand: ontbreekt (schrijf 'bestand: "
                f"bijlage-3-notitie-criteria-prioritering.pdf': {_LEFT_OUT})",
            ],
        ),
        # Which is which cannot be told: both are named to both entries.
        (
            {55: None, 57: None},
            {
                "bijlage-2-kaartbeeld-knelpunten.pdf": "kaart.pdf",
                "bijlage-3-notitie-criteria-prioritering.pdf": "notitie.pdf",
            },
            [
                f"{line}: bijlagen[{number}].bestand: ontbreekt (schrijf 'bestand:' met de naam "
                "van het bestand; nog niet bij de bijlagen staan: kaart.pdf, notitie.pdf)"
                for line, number in ((54, 2), (55, 3))
            ],
        ),
        # No file left over: the example of how to write it.
        (
            {57: None},
            {"bijlage-3-notitie-criteria-prioritering.pdf": None},
            ["56: bijlagen[3].bestand: ontbreekt (schrijf bijvoorbeeld 'bestand: bijlage-1.pdf')"],
        ),
    ],
)
def test_an_annex_without_its_file_is_told_the_file_of_the_folder_it_meant(
    example_project: Path,
    run_cli: Callable[..., CliResult],
    emptied: dict[int, str | None],
    added: dict[str, str | None],
    said: list[str],
) -> None:
    """Was: 'ontbreekt (schrijf bijvoorbeeld 'bestand: bijlage-1.pdf')' with the file meant
    lying in the folder, said nowhere."""
    folder = example_project / _SNELFIETS
    dossier = folder / "dossier.yaml"
    lines = dossier.read_text(encoding="utf-8").split("\n")
    assert lines[56].strip() == "bestand: bijlage-3-notitie-criteria-prioritering.pdf"
    for number, replacement in sorted(emptied.items(), reverse=True):
        if replacement is None:
            del lines[number - 1]
        else:
            lines[number - 1] = replacement
    dossier.write_text("\n".join(lines), encoding="utf-8")
    for name, renamed in added.items():
        if renamed is None:
            (folder / name).unlink()
        else:
            (folder / name).rename(folder / renamed)

    result = run_cli("check", _SNELFIETS, cwd=example_project)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{_SNELFIETS}/dossier.yaml:{line}" for line in said]


def test_an_annex_of_a_dossier_refused_for_a_kenmerk_used_twice_is_judged_too(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    meeting = example_project / "dossiers" / "2023-05-26-pfho-economie"
    folder = meeting / "werklocaties"
    _with_password_annex(folder)
    shutil.copytree(folder, meeting / "werklocaties-kopie")
    agenda = meeting / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace(
            "  - dossier: werklocaties\n",
            "  - dossier: werklocaties\n  - dossier: werklocaties-kopie\n",
        ),
        encoding="utf-8",
    )

    result = run_cli("check", cwd=example_project)

    assert result.exit_code == 1
    for name in ("werklocaties", "werklocaties-kopie"):
        where = f"dossiers/2023-05-26-pfho-economie/{name}/dossier.yaml"
        assert f"{where}:53: {PASSWORD_SAID}" in result.stderr
    assert "kenmerk" in result.stderr


@needs_shared
def test_a_check_stopped_by_ctrl_c_is_no_verdict_and_is_not_remembered(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal
    import sys

    from assembler import annex
    from assembler.check import check_project
    from assembler.project import find_project

    def stopped_child(paths: list[Path], limits: AnnexLimits) -> tuple[list[str], dict[str, str]]:
        # What Ctrl-C does to the checking child: it reaches the whole process group.
        kill = f"import os; os.kill(os.getpid(), {int(signal.SIGINT)})"
        return [sys.executable, "-c", kill], {}

    monkeypatch.setattr(annex, "_child_command", stopped_child)
    report = inspect_annex(CORPUS / "001-trivial--minimal-document.pdf")
    assert (report.ok, report.final) == (False, False)
    assert report.reasons == (annex.CHECK_STOPPED,)
    stopped = check_project(find_project(example_project))
    assert any(annex.CHECK_STOPPED in p.melding for p in stopped.errors)

    # The next check decides for itself; nothing of the stopped one was kept.
    monkeypatch.undo()
    assert not check_project(find_project(example_project)).errors


@needs_shared
def test_attached_files_are_named_in_a_warning() -> None:
    report = inspect_annex(CORPUS / "025-attachment--with-attachment.pdf")
    assert report.ok
    assert report.warnings == (
        "bevat een bijgevoegd bestand (image.png) dat ongezien meegaat in de bundel "
        "(controleer of het erin mag, of lever de PDF aan zonder bijgevoegd bestand)",
    )


SCRIPTS_LEFT_OUT = (
    ": de bundels laten dat weg, maar het exportpakket geeft de bijlage ongewijzigd door "
    "(vraag de afzender om een versie zonder scripts en acties als de bijlage zo niet openbaar "
    "mag)"
)


@pytest.mark.parametrize(
    ("made", "named"),
    [
        (with_active_content, "JavaScript en een actie die een programma of bestand opent"),
        # A page that opens a PDF on a Windows share hands the share the reader's credentials.
        (with_links_elsewhere, "een link of actie naar een ander bestand of een andere computer"),
    ],
)
def test_scripts_and_other_actions_are_named_in_a_warning(
    tmp_path: Path, made: Callable[[], bytes], named: str
) -> None:
    annex = tmp_path / "bijlage.pdf"
    annex.write_bytes(made())
    report = inspect_annex(annex)
    assert report.ok and report.pages == 4
    assert report.warnings == ("bevat " + named + SCRIPTS_LEFT_OUT,)


@pytest.mark.parametrize(
    "address",
    [
        "FILE:///etc/passwd",
        "\\\\host\\share",
        " \\\\host\\share",
        "<file:///etc/passwd>",
        "../x.pdf",
        "pagina.html",
        "ftp://x.nl",
        "javascript:alert(1)",
        "smb://host/share",
    ],
)
def test_every_link_but_a_web_or_mail_address_is_named(tmp_path: Path, address: str) -> None:
    assert inspect_annex(_minimal_with(tmp_path, _linked(address))).warnings == (
        "bevat een link of actie naar een ander bestand of een andere computer" + SCRIPTS_LEFT_OUT,
    )


@pytest.mark.parametrize(
    "address",
    [
        " https://www.example.nl/c",
        "\nhttps://www.example.nl/g",
        "https://www.example.nl/d ",
        "<https://www.example.nl/f>",
        "www.example.nl/e",
        "WWW.EXAMPLE.NL",
        "tel:+31201234567",
        "MAILTO:a@b.nl",
    ],
)
def test_a_web_address_with_spaces_brackets_or_no_scheme_is_no_link_elsewhere(
    tmp_path: Path, address: str
) -> None:
    assert inspect_annex(_minimal_with(tmp_path, _linked(address))).warnings == ()


def _linked(address: str) -> Callable[[pikepdf.Pdf], None]:
    """A change that puts a link to ``address`` on the first page."""

    def link(pdf: pikepdf.Pdf) -> None:
        action = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(address))
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 99, 99]),
            A=action,
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annot)])

    return link


def test_a_script_the_document_runs_when_opened_is_named_too(tmp_path: Path) -> None:
    annex = tmp_path / "bijlage.pdf"
    with pikepdf.open(CORPUS / "001-trivial--minimal-document.pdf") as pdf:
        script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.beep(0);"))
        pdf.Root.OpenAction = pdf.make_indirect(script)
        pdf.save(annex)
    assert inspect_annex(annex).warnings == ("bevat JavaScript" + SCRIPTS_LEFT_OUT,)


def test_actions_chained_in_a_ring_are_judged_without_hanging(tmp_path: Path) -> None:
    annex = tmp_path / "bijlage.pdf"
    with pikepdf.open(CORPUS / "001-trivial--minimal-document.pdf") as pdf:
        first = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Named, N=pikepdf.Name.NextPage))
        second = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("x.exe"), Next=first)
        )
        first.Next = second
        pdf.Root.OpenAction = first
        pdf.save(annex)
    report, seconds = timed(annex)
    assert seconds < QUICK
    launch = "bevat een actie die een programma of bestand opent"
    assert report.warnings == (launch + SCRIPTS_LEFT_OUT,)


def _minimal_with(tmp_path: Path, change: Callable[[pikepdf.Pdf], None]) -> Path:
    annex = tmp_path / "bijlage.pdf"
    with pikepdf.open(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf") as pdf:
        change(pdf)
        pdf.save(annex)
    return annex


def _script(text: str) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(text))


def test_a_script_hidden_among_many_repeats_is_still_found(tmp_path: Path) -> None:
    def pad(pdf: pikepdf.Pdf) -> None:
        target = pikepdf.Array([pdf.pages[1].obj, pikepdf.Name.Fit])
        goto = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=target))
        chain = pikepdf.Array([_script("app.alert(1)"), *([goto] * 100_000)])
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 99, 99]),
            A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=target, Next=chain),
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))

    report, seconds = timed(_minimal_with(tmp_path, pad))
    assert seconds < QUICK
    assert report.warnings == ("bevat JavaScript" + SCRIPTS_LEFT_OUT,)


def test_an_array_that_holds_itself_is_walked_once(tmp_path: Path) -> None:
    def ring(pdf: pikepdf.Pdf) -> None:
        ring = pdf.make_indirect(pikepdf.Array())
        for _ in range(1000):
            ring.append(ring)
        target = pikepdf.Array([pdf.pages[1].obj, pikepdf.Name.Fit])
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 99, 99]),
            A=pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=target, Next=ring),
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(link)])

    report, seconds = timed(_minimal_with(tmp_path, ring))
    assert seconds < QUICK
    assert report.ok and report.warnings == ()


def test_acrobats_own_format_scripts_are_no_warning(tmp_path: Path) -> None:
    def formatted(pdf: pikepdf.Pdf) -> None:
        field = pdf.make_indirect(
            pikepdf.Dictionary(
                FT=pikepdf.Name.Tx,
                T=pikepdf.String("bedrag"),
                AA=pikepdf.Dictionary(
                    F=_script('AFNumber_Format(2, 0, 0, 0, "€ ", true);'),
                    K=_script('AFNumber_Keystroke(2, 0, 0, 0, "€ ", true);'),
                    C=_script('AFSimple_Calculate("SUM", new Array ("a", "b"));'),
                ),
            )
        )
        widget = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                Rect=pikepdf.Array([72, 72, 200, 92]),
                Parent=field,
            )
        )
        field.Kids = pikepdf.Array([widget])
        pdf.pages[0].obj.Annots = pikepdf.Array([widget])
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))

    assert inspect_annex(_minimal_with(tmp_path, formatted)).warnings == ()


def test_a_structure_nested_too_deep_to_copy_is_refused(tmp_path: Path) -> None:
    # qpdf runs out of stack copying it: here that ends the checking child, not the build.
    def nested(pdf: pikepdf.Pdf) -> None:
        node = pdf.make_indirect(pikepdf.Dictionary(Einde=True))
        for _ in range(100_000):
            node = pdf.make_indirect(pikepdf.Dictionary(Dieper=node))
        pdf.pages[0].obj.PieceInfo = node

    report = inspect_annex(_minimal_with(tmp_path, nested))
    assert not report.ok
    assert report.reasons == (
        "is beschadigd: het bestand is zo diep genest dat het niet kan worden gelezen (lever de "
        "bijlage opnieuw aan, bijvoorbeeld opnieuw afgedrukt als PDF)",
    )


def test_no_corpus_file_carries_scripts_and_a_send_button_is_not_warned_about() -> None:
    # 010 has a form button that sends its data to a web address: the bundles leave that
    # out too, unsaid, as many a received form has one.
    for path in corpus_files():
        if path != PASSWORD_FILE:
            warnings = inspect_annex(path).warnings
            assert not any(w.endswith(SCRIPTS_LEFT_OUT) for w in warnings), path.name


def test_every_page_of_a_public_annex_is_judged_at_its_top_and_bottom(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every page of an annex gets a mark now ("Bijlage 1 bij … – pagina 2 van 4"), in a public
    # dossier too: the checking child judges the top band of every page, and the bottom band of
    # every page after the first (where a later page's mark goes when its top has ink).
    from assembler import intake
    from assembler.check import check_project
    from assembler.project import find_project

    folder = example_project / "dossiers" / "2023-06-23-pfho-ruimte-wonen" / "woningbouwafspraken"
    annex = folder / "bijlage-1-regionale-woningbouwafspraken-2023-2030.pdf"
    shutil.copyfile(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", annex)
    checked: list[list[Path]] = []
    real = intake.inspect_annexes

    def counting(
        paths: list[Path],
        limits: AnnexLimits,
        *,
        every_page: Collection[Path] = (),
        **options: Any,
    ) -> list[AnnexReport]:
        checked.append([path for path in paths if path in every_page])
        return real(paths, limits, every_page=every_page, **options)

    monkeypatch.setattr(intake, "inspect_annexes", counting)
    check_project(find_project(example_project))

    assert annex.resolve() in [path for paths in checked for path in paths]
    records = sorted((example_project / "build" / ".cache" / "bijlagen").glob("*.json"))
    reports = [json.loads(record.read_text()) for record in records]
    assert any(r["pages"] == 4 for r in reports)
    # Page 1's bottom is not asked about: its mark goes at the top, in a strip if need be.
    assert all(r["bottom_bands_blank"][0] is False for r in reports)
    assert all(len(r["bottom_bands_blank"]) == r["pages"] for r in reports)
    assert all(len(r["bands_blank"]) == r["pages"] for r in reports)


def test_an_annex_is_judged_again_after_an_upgrade_of_the_libraries_that_judge_it(
    example_project: Path, checked: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import metadata

    from assembler.check import check_project
    from assembler.project import find_project

    project = find_project(example_project)
    assert not check_project(project).errors
    annexes = len(checked)
    assert annexes > 0
    checked.clear()
    check_project(project)
    assert checked == [], "the reports of unchanged annexes are kept"

    installed = metadata.version
    for library in ("pypdfium2", "pikepdf"):

        def upgraded(name: str, library: str = library) -> str:
            return "99.0" if name == library else installed(name)

        monkeypatch.setattr(metadata, "version", upgraded)
        checked.clear()
        check_project(project)
        assert len(checked) == annexes, library


def test_an_annex_just_over_the_size_limit_is_refused_in_the_megabytes_it_is_said_in(
    tmp_path: Path,
) -> None:
    """The limit was 100 × 1024² bytes, said as "100,0 MB", while the export summary counts a
    megabyte as a million bytes: a 100,4 MB annex went through a limit of "100,0 MB"."""
    annex = tmp_path / "bijlage.pdf"
    with open(annex, "wb") as handle:
        handle.truncate(100_400_000)  # sparse: costs no disk
    assert inspect_annex(annex).reasons == (
        "is te groot (100,4 MB; de grens is 100,0 MB; verklein het bestand of splits het in "
        "meer bijlagen)",
    )
    # Over by a few hundred bytes, it is still larger in what is shown (revH H9: "100,0 MB; de
    # grens is 100,0 MB").
    with open(annex, "r+b") as handle:
        handle.truncate(100_000_500)
    assert inspect_annex(annex).reasons == (
        "is te groot (100,1 MB; de grens is 100,0 MB; verklein het bestand of splits het in "
        "meer bijlagen)",
    )


def test_an_annex_over_the_size_limit_is_refused_without_being_read(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An 8 GB file was hashed whole (39 s; a 1 TB one 20 minutes) before its size refused it."""
    from assembler import build_cache, digests, intake
    from assembler.check import check_project
    from assembler.project import find_project

    folder = example_project / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties"
    annex = folder / "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    with open(annex, "r+b") as handle:
        handle.truncate(8 * 1024**3)  # sparse: costs no disk
    read: list[str] = []
    for module in (intake, digests, build_cache):
        real = module.digest_stream

        def reading(handle: Any, digest: Any, real: Any = real) -> Any:
            read.append(str(handle.name))
            if Path(handle.name).resolve() == annex.resolve():
                raise AssertionError("the oversized annex was read")
            return real(handle, digest)

        monkeypatch.setattr(module, "digest_stream", reading)
    project = find_project(example_project)
    catalog = check_project(project)
    problems = catalog.errors
    # Nor does a build read it to key the dossier's outputs.
    dossier = next(
        d
        for d in [*(d for m in catalog.meetings for d in m.dossiers), *catalog.set_aside]
        if d.folder == folder
    )
    files = digests.FileDigests(example_project / "build" / ".cache" / "bestanden.json")
    build_cache.dossier_keys(project, "", dossier, "Overleg", files)
    assert [p.melding for p in problems if annex.name in p.melding] == [
        f"'{annex.name}' is te groot (8590,0 MB; de grens is 100,0 MB; verklein het bestand of "
        "splits het in meer bijlagen)"
    ]


def test_a_session_memory_limit_below_the_checks_is_kept_not_a_traceback(
    example_project: Path,
) -> None:
    """Environment review: under 'ulimit -v 900000' (a terminal server's limits.conf) the
    annex checks' child could not raise its hard limit to theirs, and every check and build
    ended in a traceback before a single annex was checked."""
    limit = 900 * 1024 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = python_m(example_project, "check", text=True, preexec_fn=limited)
    assert (done.returncode, done.stdout, done.stderr) == (0, CHECKED_EXAMPLE, "")


def test_an_annex_gone_or_unreadable_when_checked_is_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moved away with its folder while the build ran (a dossier withdrawn meanwhile): it was
    said to be 'beschadigd', which sends the clerk to deliver it again (review incr I2)."""
    import errno

    from assembler.annex import _check_pdf

    gone = "bestaat niet meer: verplaatst of verwijderd terwijl de build liep (bouw opnieuw)"
    assert _check_pdf(tmp_path / "weg" / "bijlage.pdf", AnnexLimits()).reasons == [gone]
    (tmp_path / "bestand").write_bytes(b"")
    assert _check_pdf(tmp_path / "bestand" / "bijlage.pdf", AnnexLimits()).reasons == [gone]

    def refused(*_args: Any, **_keywords: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(pikepdf, "open", refused)
    assert _check_pdf(tmp_path / "bijlage.pdf", AnnexLimits()).reasons == [
        "kan niet gelezen worden: geen leesrechten (controleer de rechten)"
    ]


@pytest.mark.parametrize(
    ("bestand", "said"),
    [
        (
            "bijlagen/bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf",
            "'bijlagen/bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf' staat niet in de map "
            "'bijlagen', wel in de dossiermap zelf (schrijf "
            "'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf')",
        ),
        (
            "Stukken/2023/Bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf",
            "'Stukken/2023/Bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf' staat niet in de "
            "map 'Stukken/2023', wel in de dossiermap zelf (schrijf "
            "'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf')",
        ),
        (
            "'file:///C:/Temp/kaart.pdf'",
            "'file:///C:/Temp/kaart.pdf' is een absoluut pad (schrijf de bestandsnaam in de "
            "dossiermap)",
        ),
    ],
)
def test_an_annex_named_in_a_folder_or_by_a_file_address_is_told_so_not_about_capitals(
    example_project: Path, run_cli: Callable[..., CliResult], bestand: str, said: str
) -> None:
    """The folder part of 'bijlagen/x.pdf' and a pasted 'file:///C:/…' address were blamed on
    capital letters: "hoofdletters en kleine letters tellen mee" (review windows W5)."""
    where = "dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml"
    dossier = example_project / where
    lines = dossier.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("    bestand: bijlage-1"))
    lines[line - 1] = f"    bestand: {bestand}"
    dossier.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert result.stderr == f"{where}:{line}: bijlagen[1].bestand: {said}\n"
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("in_folder", "said"),
    [
        (
            False,
            "'bijlagen\\bijlage-1-voorstel-aanpak-actieplan-werklocaties...' staat niet in de "
            "map 'bijlagen', wel in de dossiermap zelf (schrijf "
            "'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf')",
        ),
        (
            True,
            "'bijlagen\\bijlage-1-voorstel-aanpak-actieplan-werklocaties...' heeft '\\' tussen "
            "map en bestand (schrijf '/': "
            "'bijlagen/bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf')",
        ),
    ],
)
def test_an_annex_path_with_a_backslash_is_told_its_folder_part_in_one_round(
    example_project: Path, run_cli: Callable[..., CliResult], in_folder: bool, said: str
) -> None:
    """'bijlagen\\x.pdf' for the x.pdf beside dossier.yaml was told to become 'bijlagen/x.pdf',
    and only then that the folder part was wrong (review I2); in bijlagen/ it is told '/'."""
    where = "dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml"
    dossier = example_project / where
    name = "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    if in_folder:
        (dossier.parent / "bijlagen").mkdir()
        (dossier.parent / name).rename(dossier.parent / "bijlagen" / name)
    lines = dossier.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("    bestand: bijlage-1"))
    lines[line - 1] = f"    bestand: bijlagen\\{name}"
    dossier.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert result.stderr == f"{where}:{line}: bijlagen[1].bestand: {said}\n"
    assert result.exit_code == 1


def _with_note(source: Path, target: Path, note: str, author: str) -> None:
    """``source`` with a sticky note by ``author`` on page 1, as Acrobat leaves it."""
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        popup = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Popup)
        )
        popup.Rect = pikepdf.Array([100, 600, 300, 700])
        text = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=pikepdf.Array([72, 720, 92, 740]),
            Contents=pikepdf.String(note),
            T=pikepdf.String(author),
            Popup=popup,
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(text), popup])
        pdf.save(target)


def test_comments_in_an_annex_are_warned_about_at_its_line(
    example_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Review W3: a sticky note "INTERN: …" in a public annex passed `check` with "In orde"
    and went into the public bundle, author and all; in a confidential dossier's bundle too."""
    economie = example_project / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties"
    annex = economie / "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    _with_note(
        annex, annex, "INTERN: bedrag nog niet afgestemd met wethouder, niet delen", "j.jansen"
    )
    wonen = example_project / "dossiers" / "2023-06-23-pfho-ruimte-wonen"
    secret = wonen / "mandaat-woningbouwimpuls" / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    shutil.copyfile(CORPUS / "024-annotations--annotated_pdf.pdf", secret)
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines()[:2] == [
        "dossiers/2023-05-26-pfho-economie/werklocaties/dossier.yaml:53: waarschuwing: "
        "bijlagen[1].bestand: 'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf' bevat een "
        "opmerking (aantekening) van j.jansen die in de openbare bundel meegaat: 'INTERN: "
        "bedrag nog niet…' (verwijder die in de PDF-lezer, of vraag de afzender om "
        "een versie zonder opmerkingen)",
        # The corpus file's highlight and ink carry a text, one of them an author.
        "dossiers/2023-06-23-pfho-ruimte-wonen/mandaat-woningbouwimpuls/dossier.yaml:46: "
        "waarschuwing: bijlagen[1].bestand: 'bijlage-1-aanvraagformulier-woningbouwimpuls.pdf' "
        "bevat 3 opmerkingen (aantekeningen) onder meer van Lucas die in de bundel meegaan: "
        "'This is a text annotation.' (verwijder ze in de PDF-lezer, of vraag de afzender om "
        "een versie zonder opmerkingen)",
    ]
    assert "In orde" not in checked.stderr


@needs_shared
def test_no_corpus_file_but_the_annotated_one_is_said_to_have_comments() -> None:
    said = {path.name for path in corpus_files() if inspect_annex(path).comments}
    assert said == {"024-annotations--annotated_pdf.pdf"}
