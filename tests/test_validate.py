"""Validation of dossiers, meetings and the organisation, as a clerk sees it in `check`."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import hostile_files
from tests.conftest import (
    CHECKED_EXAMPLE,
    CORPUS,
    ECONOMIE,
    REPO,
    WONEN,
    CliResult,
    archive,
    needs_shared,
    python_m,
)

RunCli = Callable[..., CliResult]
SEED = f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml"


def edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.MULTILINE), f"{old!r} not in {relative}"
    path.write_text(re.sub(old, lambda _: new, text, count=1, flags=re.MULTILINE), encoding="utf-8")


def line_of(project: Path, relative: str, prefix: str) -> int:
    lines = (project / relative).read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines) if line.startswith(prefix))


def cut_seed_at(project: Path, key: str) -> int:
    """Leave out the seed dossier's ``key`` and all after it; the number of its last line."""
    path = project / SEED
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index(key)], encoding="utf-8")
    return len(path.read_text(encoding="utf-8").splitlines())


def test_examples_validate_with_a_short_confirmation(
    example_project: Path, run_cli: RunCli
) -> None:
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(r"In orde: 2 vergaderingen, \d+ dossiers gecontroleerd\.\n", result.stdout)


def test_check_counts_errors_files_and_warnings_when_not_in_order(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^datum: 2023-04-11", "datum: 2023-02-30")
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: bijlage-een.pdf")
    memo = example_project / "dossiers" / WONEN / "memo-huisvestingsverordening" / "dossier.yaml"
    memo.write_text(memo.read_text().replace("kenmerk:", "kenmerk: x\nkenmerk_oud:", 1))
    folder = example_project / "dossiers" / WONEN / "snelfietsroutes"
    (folder / "vergeten.pdf").write_bytes(b"%PDF-1.4\n")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": waarschuwing: " not in line]
    assert len(errors) == 4, result.stderr
    assert result.stdout == (
        "Niet in orde: 4 fouten in 2 bestanden (1 waarschuwing); 4 dossiers in orde.\n"
    )

    # Once mended, only the warning is left; the confirmation says so.
    shutil.copy(REPO / SEED, example_project / SEED)
    shutil.copy(REPO / memo.relative_to(example_project), memo)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "In orde: 2 vergaderingen, 6 dossiers gecontroleerd (1 waarschuwing).\n"
    )


def test_check_works_from_a_subfolder(example_project: Path, run_cli: RunCli) -> None:
    result = run_cli("check", cwd=example_project / "dossiers" / ECONOMIE / "werklocaties")
    assert result.exit_code == 0, result.stderr


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def _attached_as_annex_4(wonen: Path) -> str:
    """Attach snelfietsroutes' bijlage-4-achtergrond.pdf; the warning when it is the
    confidential annex."""
    dossier = wonen / "snelfietsroutes" / "dossier.yaml"
    with dossier.open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Achtergrond\n    bestand: bijlage-4-achtergrond.pdf\n")
    line = len(dossier.read_text(encoding="utf-8").splitlines())  # its "bestand:"
    return (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:{line}: waarschuwing: "
        "bijlagen[4].bestand: is hetzelfde bestand als bijlage 1 van "
        f"dossiers/{WONEN}/mandaat-woningbouwimpuls, dat niet openbaar is: met dit dossier "
        "wordt het openbaar (haal het hier weg als het vertrouwelijk is)"
    )


def test_a_confidential_dossiers_annex_attached_to_a_public_one_is_said(
    example_project: Path, run_cli: RunCli
) -> None:
    """Allowed (a file a public dossier uses counts as public), but never unnoticed."""
    wonen = example_project / "dossiers" / WONEN
    shutil.copyfile(
        wonen / "mandaat-woningbouwimpuls" / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf",
        wonen / "snelfietsroutes" / "bijlage-4-achtergrond.pdf",
    )
    warning = _attached_as_annex_4(wonen)
    dossier = wonen / "snelfietsroutes" / "dossier.yaml"
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr
    # Once, at the line that makes it public: with both dossiers checked, not at the other's.
    assert checked.stderr.splitlines() == [warning]
    # Also when only the public dossier is checked.
    alone = run_cli("check", f"dossiers/{WONEN}/snelfietsroutes", cwd=example_project)
    assert warning in alone.stderr.splitlines(), alone.stderr
    # And when only the confidential one is: then at its own line, naming the public one.
    mandaat = f"dossiers/{WONEN}/mandaat-woningbouwimpuls"
    secret = run_cli("check", mandaat, cwd=example_project)
    assert secret.exit_code == 0, secret.stderr
    own_line = _line_of(example_project / mandaat / "dossier.yaml", "bijlage-1-aanvraag")
    assert secret.stderr.splitlines() == [
        f"{mandaat}/dossier.yaml:{own_line}: waarschuwing: bijlagen[1].bestand: is hetzelfde "
        f"bestand als bijlage 4 van dossiers/{WONEN}/snelfietsroutes, dat openbaar is: met dat "
        "dossier wordt het openbaar (haal het daar weg als het vertrouwelijk is)"
    ]
    built = run_cli("build", "--geen-pdf", cwd=example_project)
    assert built.exit_code == 0, built.stderr
    assert warning in built.stderr.splitlines()
    # A meeting held before the confidential dossier's published the file first: it keeps
    # it (revH H1), so a build of that meeting alone does not tell it to take it away; the
    # confidential dossier hears of it. The same file attached twice to one dossier is one
    # dossier.
    economie = example_project / "dossiers" / ECONOMIE / "werklocaties"
    shutil.copyfile(wonen / "snelfietsroutes" / "bijlage-4-achtergrond.pdf", economie / "b4.pdf")
    with (economie / "dossier.yaml").open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Achtergrond\n    bestand: b4.pdf\n")
    meeting = run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert meeting.exit_code == 0, meeting.stderr
    assert "mandaat-woningbouwimpuls" not in meeting.stderr, meeting.stderr
    with dossier.open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Nogmaals\n    bestand: bijlage-4-achtergrond.pdf\n")
    again = run_cli("check", mandaat, cwd=example_project)
    assert again.stderr.splitlines() == [
        f"{mandaat}/dossier.yaml:{own_line}: waarschuwing: bijlagen[1].bestand: is hetzelfde "
        f"bestand als bijlage 4 van dossiers/{ECONOMIE}/werklocaties, dat openbaar is op een "
        "vergadering die al gehouden of geëxporteerd is: daar is het al openbaar, dit dossier "
        "houdt het niet geheim",
        f"{mandaat}/dossier.yaml:{own_line}: waarschuwing: bijlagen[1].bestand: is hetzelfde "
        f"bestand als bijlagen 4 en 5 van dossiers/{WONEN}/snelfietsroutes, dat openbaar is: "
        "met dat dossier wordt het openbaar (haal het daar weg als het vertrouwelijk is)",
    ]


def _future_meeting(project: Path, day: str, dossier: str, *, kenmerk: str, public: bool) -> str:
    """A meeting ``day`` with a copy of the wonen meeting's snelfietsroutes as ``dossier``, as a
    clerk starts a new item from an old one; the copy's dossier.yaml as check names it."""
    folder = project / "dossiers" / f"{day}-pfho-ruimte-wonen"
    folder.mkdir()
    meeting = (project / "dossiers" / WONEN / "vergadering.yaml").read_text(encoding="utf-8")
    meeting = re.sub(r"(?m)^datum: .*", f"datum: {day}", meeting)
    meeting = re.sub(r"(?ms)^agenda:.*", f"agenda:\n  - Opening\n  - dossier: {dossier}\n", meeting)
    (folder / "vergadering.yaml").write_text(meeting, encoding="utf-8")
    shutil.copytree(project / "dossiers" / WONEN / "snelfietsroutes", folder / dossier)
    relative = f"dossiers/{folder.name}/{dossier}/dossier.yaml"
    edit(project, relative, r"^kenmerk: .*", f"kenmerk: {kenmerk}")
    edit(project, relative, r"^datum: .*", f"datum: {day}")
    if not public:
        edit(project, relative, r"^verspreiden: Ja", "verspreiden: Nee")
    return relative


def _told(run_cli: RunCli, project: Path, marker: str, *chosen: str) -> list[str]:
    """What ``check`` of ``chosen`` (default: everything) says in lines naming ``marker``."""
    result = run_cli("check", *chosen, cwd=project)
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stderr.splitlines() if marker in line]


def _told_only_at_the_new_dossier(
    run_cli: RunCli, project: Path, meeting: str, marker: str, expected: list[str]
) -> None:
    """A check of everything and one of the new ``meeting`` say ``expected`` in the lines
    naming ``marker`` (a field), and one of the held meeting says nothing of it."""
    for chosen in ((), (meeting,)):
        assert _told(run_cli, project, marker, *chosen) == expected, chosen
    held = run_cli("check", f"dossiers/{WONEN}", cwd=project)
    assert marker not in held.stderr, held.stderr


@pytest.mark.parametrize("settled", ["gehouden", "geëxporteerd"])
def test_a_new_confidential_dossier_reusing_a_settled_meetings_annex_is_told_alone(
    example_project: Path, run_cli: RunCli, settled: str
) -> None:
    """Was: the held (or exported) meeting's dossier was told "haal het hier weg", advice that
    would change what it published (clerk2 L1); the new dossier is where to act."""
    import datetime as dt

    year = dt.date.today().year + 1  # meetings still to come, whenever the test runs
    public = f"dossiers/{WONEN}/snelfietsroutes"
    if settled == "geëxporteerd":
        copy = _future_meeting(
            example_project, f"{year}-01-15", "snelfietsroutes", kenmerk="26.0000001", public=True
        )
        public = copy.removesuffix("/dossier.yaml")
        exported = run_cli("export", public.rsplit("/", 1)[0], cwd=example_project)
        assert exported.exit_code == 0, exported.stderr
    secret = _future_meeting(
        example_project, f"{year}-02-12", "fase2", kenmerk="26.0000002", public=False
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    told = [line for line in result.stderr.splitlines() if "bijlagen[" in line]
    lines = [_line_of(example_project / secret, f"bestand: bijlage-{n}") for n in (1, 2, 3)]
    if settled == "gehouden":
        where = (
            "bijlage {n} van " + public + ", dat openbaar is op een vergadering die al gehouden "
        )
        where += "of geëxporteerd is"
    else:  # the held one, and the exported one it was copied to
        where = f"bijlage {{n}} van dossiers/{WONEN}/snelfietsroutes en bijlage {{n}} van "
        where += (
            f"{public}, die openbaar zijn op vergaderingen die al gehouden of geëxporteerd zijn"
        )
    assert told == [
        f"{secret}:{line}: waarschuwing: bijlagen[{n}].bestand: is hetzelfde bestand als "
        f"{where.format(n=n)}: daar is het al openbaar, dit dossier houdt het niet geheim"
        for n, line in enumerate(lines, 1)
    ]


def test_the_new_confidential_dossier_is_still_told_after_its_own_export(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was (revH H1): once the new meeting was exported, both meetings counted as settled, and
    the held meeting's dossier was told "haal het hier weg" again, the new one nothing. The
    meeting that published the file first keeps it, whatever was exported since."""
    import datetime as dt

    day = f"{dt.date.today().year + 1}-02-12"
    secret = _future_meeting(example_project, day, "fase2", kenmerk="26.0000002", public=False)
    meeting = secret.rsplit("/", 2)[0]
    exported = run_cli("export", meeting, cwd=example_project)
    assert exported.exit_code == 0, exported.stderr
    public = f"dossiers/{WONEN}/snelfietsroutes"
    lines = [_line_of(example_project / secret, f"bestand: bijlage-{n}") for n in (1, 2, 3)]
    expected = [
        f"{secret}:{line}: waarschuwing: bijlagen[{n}].bestand: is hetzelfde bestand als "
        f"bijlage {n} van {public}, dat openbaar is op een vergadering die al gehouden of "
        "geëxporteerd is: daar is het al openbaar, dit dossier houdt het niet geheim"
        for n, line in enumerate(lines, 1)
    ]
    _told_only_at_the_new_dossier(run_cli, example_project, meeting, "bijlagen[", expected)


def test_a_new_confidential_dossier_titled_as_a_held_public_one_is_told_alone(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was (revH H2): the held meeting's public dossier was told to change its onderwerp, on
    every check of that meeting, and a check of the new meeting said nothing. What a held
    meeting published stays: the new confidential dossier is to get its own onderwerp."""
    import datetime as dt

    day = f"{dt.date.today().year + 1}-03-05"
    secret = _future_meeting(example_project, day, "vervolg", kenmerk="26.0000003", public=False)
    meeting = secret.rsplit("/", 2)[0]
    line = _line_of(example_project / secret, "onderwerp: ")
    expected = [
        f"{secret}:{line}: waarschuwing: onderwerp: is het onderwerp van "
        f"dossiers/{WONEN}/snelfietsroutes, dat al openbaar is op een vergadering die al "
        "gehouden of geëxporteerd is: zo zoekt de export er nergens naar (geef dit dossier een "
        "eigen onderwerp)"
    ]
    _told_only_at_the_new_dossier(run_cli, example_project, meeting, " onderwerp: ", expected)


def _text_pdf(path: Path, text: str) -> None:
    """A one-page PDF at ``path`` that shows ``text``."""
    import pikepdf

    with pikepdf.new() as pdf:
        page = pdf.add_blank_page()
        font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.contents_add(pdf.make_stream(f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET".encode()))
        pdf.save(path)


def test_what_is_added_today_to_an_exported_held_meeting_is_not_taken_for_published(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: a held meeting counted as having published whatever its dossiers have now, so a
    later meeting's confidential annex (or onderwerp) put in its public dossier today was
    said at neither dossier when that meeting was checked or built alone. Its export's
    publicatie.json says what it published: only that stays told at the new dossier."""
    import datetime as dt

    exported = run_cli("export", f"dossiers/{WONEN}", cwd=example_project)
    assert exported.exit_code == 0, exported.stderr
    day = f"{dt.date.today().year + 1}-02-12"
    secret = _future_meeting(example_project, day, "fase2", kenmerk="26.0000002", public=False)
    meeting = secret.rsplit("/", 2)[0]
    fase2 = secret.removesuffix("/dossier.yaml")
    title = "Raming van de meerkosten van de snelfietsroute Weesp Muiden Naarden na aanbesteding"
    edit(example_project, secret, r"^onderwerp: .*", f"onderwerp: {title}")
    _text_pdf(example_project / fase2 / "bijlage-4-raming.pdf", "Raming meerkosten Weesp")
    with (example_project / secret).open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Raming\n    bestand: bijlage-4-raming.pdf\n")
    # The clerk attaches it, and names an annex by its title, in the held meeting's dossier.
    public = f"dossiers/{WONEN}/snelfietsroutes"
    shutil.copyfile(
        example_project / fase2 / "bijlage-4-raming.pdf",
        example_project / public / "bijlage-4-raming.pdf",
    )
    edit(
        example_project,
        f"{public}/dossier.yaml",
        r"omschrijving: Notitie criteria prioritering snelfietsroutes",
        f"omschrijving: {title}",
    )
    with (example_project / public / "dossier.yaml").open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Achtergrond\n    bestand: bijlage-4-raming.pdf\n")
    public_yaml = example_project / public / "dossier.yaml"
    described = _line_of(public_yaml, f"omschrijving: {title}")
    attached = _line_of(public_yaml, "bestand: bijlage-4-raming.pdf")
    at_public = [
        f"{public}/dossier.yaml:{described}: waarschuwing: bijlagen[3].omschrijving: is het "
        f"onderwerp van {fase2}, dat niet openbaar is: zo staat het in de openbare stukken, en "
        "zoekt de export er nergens meer naar (haal het hier weg, of geef de bijlage een "
        "andere omschrijving)",
        f"{public}/dossier.yaml:{attached}: waarschuwing: bijlagen[4].bestand: is hetzelfde "
        f"bestand als bijlage 4 van {fase2}, dat niet openbaar is: met dit dossier wordt het "
        "openbaar (haal het hier weg als het vertrouwelijk is)",
    ]
    marker = f"{public}/dossier.yaml:"
    assert _told(run_cli, example_project, marker, f"dossiers/{WONEN}") == at_public
    built = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert built.exit_code == 0, built.stderr
    assert [line for line in built.stderr.splitlines() if marker in line] == at_public
    # What the held meeting did publish (annexes 1 to 3 of the copy) is still told at the new
    # dossier alone; what it did not, with everything checked, at the held one alone.
    lines = [_line_of(example_project / secret, f"bestand: bijlage-{n}") for n in (1, 2, 3, 4)]
    published = [
        f"{secret}:{line}: waarschuwing: bijlagen[{n}].bestand: is hetzelfde bestand als "
        f"bijlage {n} van {public}, dat openbaar is op een vergadering die al gehouden of "
        "geëxporteerd is: daar is het al openbaar, dit dossier houdt het niet geheim"
        for n, line in enumerate(lines[:3], 1)
    ]
    assert _told(run_cli, example_project, "].bestand: ") == [at_public[1], *published]
    assert _told(run_cli, example_project, "onderwerp") == [at_public[0]]
    assert _told(run_cli, example_project, "].bestand: ", meeting) == [
        *published,
        f"{secret}:{lines[3]}: waarschuwing: bijlagen[4].bestand: is hetzelfde bestand als "
        f"bijlage 4 van {public}, dat openbaar is: met dat dossier wordt het openbaar (haal "
        "het daar weg als het vertrouwelijk is)",
    ]


def test_a_confidential_annex_saved_anew_into_a_public_dossier_is_said(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other bytes, the same pages (saved anew by a PDF program): the gate lets a page a
    public dossier uses pass, so the clerk hears of it before, as of the same file."""
    import pikepdf

    from assembler import gate

    wonen = example_project / "dossiers" / WONEN
    mandaat = f"dossiers/{WONEN}/mandaat-woningbouwimpuls"
    secret = example_project / mandaat / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    copy = wonen / "snelfietsroutes" / "bijlage-4-achtergrond.pdf"
    with pikepdf.open(secret) as pdf:
        pdf.save(copy, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert copy.read_bytes() != secret.read_bytes()
    warning = (
        _attached_as_annex_4(wonen)
        .replace("is hetzelfde bestand als", "heeft dezelfde pagina's als")
        .replace(
            "wordt het openbaar (haal het hier weg als het vertrouwelijk is)",
            "worden die openbaar (haal de bijlage hier weg als ze vertrouwelijk zijn)",
        )
    )
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.splitlines() == [warning]
    own_line = _line_of(example_project / mandaat / "dossier.yaml", "bijlage-1-aanvraag")
    alone = run_cli("check", mandaat, cwd=example_project)
    assert alone.stderr.splitlines() == [
        f"{mandaat}/dossier.yaml:{own_line}: waarschuwing: bijlagen[1].bestand: heeft dezelfde "
        f"pagina's als bijlage 4 van dossiers/{WONEN}/snelfietsroutes, dat openbaar is: met "
        "dat dossier worden die openbaar (haal de bijlage daar weg als ze vertrouwelijk zijn)"
    ]
    # The pages of each annex are kept by its content: a build that changed nothing reads
    # no annex for them.
    monkeypatch.setattr(gate, "pdf_pages", lambda data: pytest.fail("an annex was read"))
    built = run_cli("build", "--geen-pdf", cwd=example_project)
    assert built.exit_code == 0, built.stderr
    assert warning in built.stderr.splitlines()
    monkeypatch.undo()

    # Some of its pages: the confidential annex gets a second page, the public one keeps one.
    with pikepdf.open(secret, allow_overwriting_input=True) as pdf:
        page = pdf.add_blank_page()
        # A page that shows text: a page without any says nothing of what an annex is about.
        page.obj.Resources = pikepdf.Dictionary(Font=pdf.pages[0].obj.Resources.Font)
        font = next(iter(pdf.pages[0].obj.Resources.Font.keys()))
        shown = f"BT {font} 12 Tf 72 700 Td (Grondprijzen en ondergrens) Tj ET ".encode()
        page.contents_add(pdf.make_stream(shown * 4))
        pdf.save(secret)
    checked = run_cli("check", cwd=example_project)
    assert checked.stderr.splitlines() == [
        warning.replace("heeft dezelfde pagina's als", "heeft pagina's van")
    ]


def test_a_page_without_text_shared_with_a_confidential_annex_is_not_said(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review: a blank page under the organisation's letterhead in both a public and a
    confidential annex was warned about as the confidential annex's pages made public."""
    import pikepdf

    wonen = example_project / "dossiers" / WONEN
    secret = wonen / "mandaat-woningbouwimpuls" / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    letterhead = b"q 0.1 0.3 0.6 rg 36 790 523 20 re f 0 0 0 rg 36 40 523 1 re f Q " * 8
    with pikepdf.open(secret, allow_overwriting_input=True) as pdf:
        pdf.add_blank_page().contents_add(pdf.make_stream(letterhead))
        pdf.save(secret)
    with pikepdf.new() as pdf:
        pdf.add_blank_page().contents_add(pdf.make_stream(letterhead))
        pdf.save(wonen / "snelfietsroutes" / "bijlage-4-achtergrond.pdf")
    _attached_as_annex_4(wonen)
    checked = run_cli("check", cwd=example_project)
    assert (checked.exit_code, checked.stderr) == (0, "")


def test_an_annex_the_intake_refused_is_not_opened_to_compare_its_pages(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: every public annex was decoded in the build's own process to compare its pages
    with the confidential annexes', a decompression bomb too, outside the intake's limits."""
    from assembler import gate
    from tests.hostile_files import decompression_bomb

    wonen = example_project / "dossiers" / WONEN
    bomb = decompression_bomb()
    (wonen / "snelfietsroutes" / "bijlage-4-achtergrond.pdf").write_bytes(bomb)
    _attached_as_annex_4(wonen)
    read: list[bytes] = []
    pages = gate.pdf_pages
    monkeypatch.setattr(gate, "pdf_pages", lambda data: read.append(data) or pages(data))
    checked = run_cli("check", cwd=example_project)
    assert checked.exit_code == 1
    assert "decompressiebom" in checked.stderr
    assert read and bomb not in read


@needs_shared
def test_a_dossier_refused_by_the_annex_check_is_not_counted_in_order(
    example_project: Path, run_cli: RunCli
) -> None:
    """Its dossier.yaml validates; the annex with a password makes it not in order."""
    locked = CORPUS
    (password_pdf,) = locked.glob("005-*password*.pdf")
    annex = example_project / SEED.replace(
        "dossier.yaml", "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf"
    )
    shutil.copyfile(password_pdf, annex)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stdout == "Niet in orde: 1 fout in 1 bestand; 5 dossiers in orde.\n"
    assert result.stderr.startswith(f"{SEED}:"), result.stderr


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            r"^verspreiden: Ja",
            "verspreiden: No",
            "verspreiden",
            "'No' is geen geldige waarde (schrijf Ja of Nee)",
        ),
        (
            r"^verspreiden: Ja",
            "verspreiden: Off",
            "verspreiden",
            "'Off' is geen geldige waarde (schrijf Ja of Nee)",
        ),
        (
            r"^verspreiden: Ja",
            "verspreiden: true",
            "verspreiden",
            "'true' is geen geldige waarde (schrijf Ja of Nee)",
        ),
        (
            r"^verspreiden: Ja",
            'verspreiden: "nee "',
            "verspreiden",
            "'nee ' heeft een spatie ervoor of erachter (schrijf Ja of Nee, zonder spatie)",
        ),
        (r"^verspreiden: Ja", "verspreiden:", "verspreiden", "is leeg (schrijf Ja of Nee)"),
        (r"^onderwerp: .*", 'onderwerp: ""', "onderwerp", "is leeg (vul een waarde in)"),
        # Was: "'None' is geen toegestane waarde (kies uit: 'voorstel')", and eight more.
        (
            r"^sjabloon: voorstel",
            "sjabloon:",
            "sjabloon",
            "is leeg (kies uit: memo, voorstel; zonder deze regel is het een voorstel)",
        ),
        (
            r"^sjabloon: voorstel",
            'sjabloon: " "',
            "sjabloon",
            "is leeg (kies uit: memo, voorstel; zonder deze regel is het een voorstel)",
        ),
        (
            r"^kenmerk: 23.0001772",
            "kenmerk: 23.00017720",
            "kenmerk",
            "'23.00017720' is geen geldig kenmerk (schrijf twee cijfers van het jaar, een punt en "
            "zeven cijfers, bijvoorbeeld 23.0001772)",
        ),
        (r"^kenmerk: 23.0001772", "kenmerk: 012", "kenmerk", "'012' is geen geldig kenmerk"),
        (r"^kenmerk: 23.0001772", "kenmerk: 12:30", "kenmerk", "'12:30' is geen geldig kenmerk"),
        (
            r"^datum: 2023-04-11",
            "datum: 2023-02-30",
            "datum",
            "'2023-02-30' is geen bestaande datum (schrijf JJJJ-MM-DD)",
        ),
        (
            r"^datum: 2023-04-11",
            "datum: 11-04-2023",
            "datum",
            "'11-04-2023' is geen datum in de vorm JJJJ-MM-DD (schrijf 2023-04-11)",
        ),
        (
            r"^datum: 2023-04-11",
            "datum: 2023-4-11",
            "datum",
            "'2023-4-11' is geen datum in de vorm JJJJ-MM-DD",
        ),
        (
            r"^email: .*",
            "email: a.pols@",
            "email",
            "'a.pols@' is geen geldig e-mailadres (schrijf bijvoorbeeld a.pols@regiogv.nl)",
        ),
        (
            r"^contactpersoon: .*",
            'contactpersoon: "A\\x0bP"',
            "contactpersoon",
            "bevat een onzichtbaar stuurteken (U+000B) (verwijder het)",
        ),
        (
            r"^contactpersoon: .*",
            'contactpersoon: "A\\x00P"',
            "contactpersoon",
            "bevat een onzichtbaar stuurteken (U+0000) (verwijder het)",
        ),
        (
            r"^onderwerp: .*",
            "onderwerp: " + "x" * 10_000,
            "onderwerp",
            "is te lang: 10000 tekens, maximaal 200 (kort de tekst in)",
        ),
        (
            r"^verspreiden: Ja",
            "verspreidne: Ja",
            "verspreidne",
            "is geen bekend veld (bedoelt u 'verspreiden'?)",
        ),
        (
            r"^sjabloon: voorstel",
            "sjabloon: brief",
            "sjabloon",
            "'brief' is geen bekend sjabloon (kies uit: memo, voorstel)",
        ),
        (
            r"^voorstel:\n  - .*",
            "voorstel: []",
            "voorstel",
            "moet minstens 1 punt bevatten (schrijf elk punt op een regel met '- ')",
        ),
        (
            r"^  - datum: 2022-09-16",
            "  - datum: 2022-09-31",
            "behandeling[2].datum",
            "'2022-09-31' is geen bestaande datum (schrijf JJJJ-MM-DD)",
        ),
    ],
)
def test_bad_field_gives_file_line_field_message(
    example_project: Path, run_cli: RunCli, old: str, new: str, field: str, message: str
) -> None:
    edit(example_project, SEED, old, new)
    line = line_of(example_project, SEED, new.split("\n")[0])
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stdout == "Niet in orde: 1 fout in 1 bestand; 5 dossiers in orde.\n"
    assert result.stderr.startswith(f"{SEED}:{line}: {field}: {message}"), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_an_optional_key_left_blank_is_left_out(example_project: Path, run_cli: RunCli) -> None:
    """Was: 'is leeg (vul een waarde in)' for `portefeuillehouder: ""`, while `portefeuillehouder:`
    passed."""
    edit(example_project, SEED, r"^portefeuillehouder: .*", 'portefeuillehouder: ""')
    edit(example_project, SEED, r"^  - datum: 2021-11-12", '  - datum: ""')
    # The last annex taken away, its key left: no list, as no key (review: refused).
    memo = f"dossiers/{WONEN}/memo-huisvestingsverordening"
    edit(example_project, f"{memo}/dossier.yaml", r"^bijlagen:(.|\n)*", "bijlagen:\n")
    (example_project / memo / "bijlage-1-overzicht-wijzigingen.pdf").unlink()
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_setting_left_blank_is_not_the_default_s_value(
    example_project: Path, run_cli: RunCli
) -> None:
    """A blank name or TOOI must not quietly become Regio Gooi en Vechtstreek's."""
    settings = "dossiers/organisatie.yaml"
    edit(example_project, settings, r"^naam: .*", 'naam: ""')
    edit(example_project, settings, r"^vergaderingstype: .*", "vergaderingstype:")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"{settings}:3: naam: is leeg (vul een waarde in)",
        f"{settings}:7: vergaderingstype: is leeg (kies uit: 'raadsvergadering', "
        "'commissievergadering', 'presidium', 'statenvergadering', "
        "'algemene_bestuursvergadering')",
    ]


def test_neE_in_capitals_is_accepted_as_nee(example_project: Path, run_cli: RunCli) -> None:
    edit(example_project, SEED, r"^verspreiden: Ja", "verspreiden: NEE")
    assert run_cli("check", cwd=example_project).exit_code == 0


def test_unquoted_kenmerk_is_kept_as_text(example_project: Path, run_cli: RunCli) -> None:
    from assembler.project import Project
    from assembler.validate import load_catalog

    catalog = load_catalog(Project(example_project))
    (item,) = [i for i in catalog.meetings[0].items if i.dossier is not None]
    assert item.dossier is not None
    assert item.dossier.document.reference == "23.0001772"
    assert item.number == 2


@pytest.mark.parametrize(
    "key",
    ["onderwerp", "verspreiden", "contactpersoon", "eenheid", "email", "kenmerk", "datum"],
)
def test_each_required_field_missing_is_named(
    example_project: Path, run_cli: RunCli, key: str
) -> None:
    line = line_of(example_project, SEED, f"{key}:")
    edit(example_project, SEED, rf"^{key}: .*\n", "")
    # Said where the key belongs: above the next key, which moved up into its line.
    following = (example_project / SEED).read_text(encoding="utf-8").splitlines()[line - 1]
    above = following.split(":")[0]
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    # verspreiden is a choice: both are given, neither suggested.
    hint = "'verspreiden: Ja' of 'verspreiden: Nee')" if key == "verspreiden" else "bijvoorbeeld "
    assert result.stderr.startswith(
        f"{SEED}:{line}: {key}: ontbreekt boven '{above}:' (schrijf {hint}"
    ), result.stderr


def test_a_missing_key_that_comes_last_is_said_at_the_end(
    example_project: Path, run_cli: RunCli
) -> None:
    last = cut_seed_at(example_project, "toelichting:")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{SEED}:{last}: toelichting: ontbreekt aan het eind van het bestand (vul in: "
    ), result.stderr


def test_a_missing_key_of_a_meeting_is_said_where_it_belongs(
    example_project: Path, run_cli: RunCli
) -> None:
    line = line_of(example_project, MEETING, "locatie:")
    edit(example_project, MEETING, r"^locatie: .*\n", "")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{MEETING}:{line}: locatie: ontbreekt boven 'agenda:' (schrijf bijvoorbeeld "
        "'locatie: Regiokantoor, Hilversum')"
    ), result.stderr


def test_all_problems_of_a_file_at_once_sorted_by_line(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^datum: 2023-04-11", "datum: 2023-13-01")
    edit(example_project, SEED, r"^verspreiden: Ja", "verspreiden: misschien")
    edit(example_project, SEED, r"^eenheid: .*", "eenhied: Beleid")
    result = run_cli("check", cwd=example_project)
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["verspreiden", "eenhied", "datum"]
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == sorted(numbers)


def test_json_output_lists_problems(example_project: Path, run_cli: RunCli) -> None:
    edit(example_project, SEED, r"^verspreiden: Ja", "verspreiden: No")
    result = run_cli("check", "--json", cwd=example_project)
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert problems == [
        {
            "bestand": SEED,
            "regel": line_of(example_project, SEED, "verspreiden"),
            "veld": "verspreiden",
            "melding": "'No' is geen geldige waarde (schrijf Ja of Nee)",
            "ernst": "fout",
        }
    ]


def test_a_key_written_twice_does_not_hide_the_other_problems_of_the_file(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review spec S3: only the duplicate was said; the bad date and e-mail address a round
    later. The first value of the key twice ('misschien') is not judged: one of the two goes."""
    edit(example_project, SEED, r"^verspreiden: Ja$", "verspreiden: misschien\nverspreiden: Ja")
    edit(example_project, SEED, r"^datum: 2023-04-11", "datum: 2023-02-30")
    edit(example_project, SEED, r"^email: .*", "email: a.pols@@regiogv")
    result = run_cli("check", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert result.exit_code == 1
    twice = line_of(example_project, SEED, "verspreiden: Ja")
    email = line_of(example_project, SEED, "email:")
    datum = line_of(example_project, SEED, "datum:")
    assert result.stderr.splitlines() == [
        f"{SEED}:{twice}: verspreiden: staat twee keer in het bestand, op regel {twice - 1} en "
        f"{twice} (houd er één over)",
        f"{SEED}:{email}: email: 'a.pols@@regiogv' is geen geldig e-mailadres (schrijf "
        "bijvoorbeeld a.pols@regiogv.nl)",
        f"{SEED}:{datum}: datum: '2023-02-30' is geen bestaande datum (schrijf JJJJ-MM-DD)",
    ]
    assert result.stdout == "Niet in orde: 3 fouten in 1 bestand; 0 dossiers in orde.\n"


def test_a_label_does_not_hide_the_other_problems_of_the_file(
    example_project: Path, run_cli: RunCli
) -> None:
    # The labelled value is left out: not also said to be empty or missing.
    edit(example_project, SEED, r"^onderwerp: ", "onderwerp: !Belangrijk ")
    edit(example_project, SEED, r"^datum: 2023-04-11", "datum: 2023-02-30")
    result = run_cli("check", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert result.exit_code == 1
    onderwerp = line_of(example_project, SEED, "onderwerp:")
    datum = line_of(example_project, SEED, "datum:")
    assert result.stderr.splitlines() == [
        f"{SEED}:{onderwerp}: onderwerp: de tekst begint met '!', en dan leest YAML "
        "'!Belangrijk' als een label, niet als tekst (zet de hele tekst tussen "
        'aanhalingstekens: "!Belangrijk Aanpak actieplan Werklocaties")',
        f"{SEED}:{datum}: datum: '2023-02-30' is geen bestaande datum (schrijf JJJJ-MM-DD)",
    ]


def test_a_key_twice_in_a_meeting_or_the_settings_does_not_hide_their_other_problems(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^overleg: .*", "overleg: Pfho Economie\noverleg: Pfho")
    edit(example_project, meeting, r"^aanvang: .*", 'aanvang: "25:00"')
    result = run_cli("check", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert result.exit_code == 1
    aanvang = line_of(example_project, meeting, "aanvang:")
    assert result.stderr.splitlines() == [
        f"{meeting}:3: overleg: staat twee keer in het bestand, op regel 2 en 3 (houd er één over)",
        f"{meeting}:{aanvang}: aanvang: '25:00' is geen bestaande tijd (schrijf "
        'bijvoorbeeld "14:00")',
    ]
    settings = "dossiers/organisatie.yaml"
    shutil.copyfile(REPO / meeting, example_project / meeting)
    edit(example_project, settings, r"^naam: .*", "naam: Regio\nnaam: Regio Gooi")
    edit(example_project, settings, r"^vergaderingstype: .*", "vergaderingstype: feest")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    naam = line_of(example_project, settings, "naam: Regio Gooi")
    soort = line_of(example_project, settings, "vergaderingstype:")
    assert result.stderr.splitlines()[:2] == [
        f"{settings}:{naam}: naam: staat twee keer in het bestand, op regel {naam - 1} en "
        f"{naam} (houd er één over)",
        f"{settings}:{soort}: vergaderingstype: 'feest' is geen toegestane waarde (kies uit: "
        "'raadsvergadering', 'commissievergadering', 'presidium', 'statenvergadering', "
        "'algemene_bestuursvergadering')",
    ]


def test_a_kenmerk_copied_into_a_later_meeting_refuses_only_the_copy(
    example_project: Path, run_cli: RunCli
) -> None:
    # The earlier meeting may have been held and published: its dossier keeps its kenmerk.
    copy = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"
    edit(example_project, copy, r"^kenmerk: .*", "kenmerk: 23.0001772")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{copy}:{line_of(example_project, copy, 'kenmerk:')}: kenmerk: '23.0001772' is al het "
        f"kenmerk van {SEED}, op een eerdere vergadering (geef dit dossier een eigen kenmerk, "
        "het eerstvolgende vrije is 23.0002151; een uitgesteld punt verplaatst u met "
        "'assembler verplaats', niet met een kopie)\n"
    )
    assert SEED not in result.stderr.replace(f"kenmerk van {SEED}", "")
    economie = run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert economie.exit_code == 0, economie.stderr


def test_a_dossier_copied_out_of_the_archive_keeps_a_taken_kenmerk_and_is_refused(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was "In orde": only the meetings directly in dossiers/ were among the claims."""
    archive(example_project, ECONOMIE)
    archived = f"dossiers/archief/{ECONOMIE}/werklocaties/dossier.yaml"
    shutil.copytree(
        example_project / "dossiers" / "archief" / ECONOMIE / "werklocaties",
        example_project / "dossiers" / WONEN / "werklocaties",
    )
    meeting = example_project / "dossiers" / WONEN / "vergadering.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "  - dossier: werklocaties\n")
    copy = f"dossiers/{WONEN}/werklocaties/dossier.yaml"
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"{copy}:{line_of(example_project, copy, 'kenmerk:')}: kenmerk: '23.0001772' is al het "
        f"kenmerk van {archived}, op een gearchiveerde vergadering (geef dit dossier een eigen "
        "kenmerk, het eerstvolgende vrije is 23.0002151; een kenmerk blijft bezet als zijn "
        "vergadering gearchiveerd is)\n"
    ) in result.stderr
    assert result.stdout.startswith("Niet in orde: 1 fout in 1 bestand")
    built = run_cli("build", "--geen-pdf", "--json", cwd=example_project)
    assert built.exit_code == 1
    summary = json.loads(built.stdout)
    failed = [d["dossier"] for d in summary["dossiers"] if d["status"] == "mislukt"]
    assert failed == ["werklocaties"]


def test_a_kenmerk_an_archived_dossier_holds_is_refused_also_when_written_otherwise(
    example_project: Path, run_cli: RunCli
) -> None:
    # Quoted in the archive, unquoted here; and the archive is any folder inside dossiers/.
    archived = f"dossiers/oud/2022/{ECONOMIE}/werklocaties/dossier.yaml"
    (example_project / "dossiers" / "oud" / "2022").mkdir(parents=True)
    (example_project / "dossiers" / ECONOMIE).rename(
        example_project / "dossiers" / "oud" / "2022" / ECONOMIE
    )
    edit(example_project, archived, r"^kenmerk: .*", "kenmerk: '23.0001772'  # vorig jaar")
    taken = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"
    edit(example_project, taken, r"^kenmerk: .*", "kenmerk: 23.0001772")
    result = run_cli("check", f"dossiers/{WONEN}", cwd=example_project)
    assert result.exit_code == 1
    assert f"{taken}:" in result.stderr
    assert f"is al het kenmerk van {archived}, op een gearchiveerde vergadering" in result.stderr


def test_a_kenmerk_twice_in_one_meeting_refuses_both(
    example_project: Path, run_cli: RunCli
) -> None:
    # Neither came first: which one is the copy only the clerk knows.
    first = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"
    second = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml"
    edit(example_project, first, r"^kenmerk: .*", "kenmerk: 23.0009999")
    edit(example_project, second, r"^kenmerk: .*", "kenmerk: 23.0009999")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    # Both are told that one of the two is to change, and the same kenmerk assembler new
    # would hand out in that meeting (clerk walk: each was told to change, to another one).
    assert result.stderr.splitlines() == [
        f"{first}:{line_of(example_project, first, 'kenmerk:')}: kenmerk: '23.0009999' is ook "
        f"het kenmerk van {second} (geef één van beide dossiers een eigen kenmerk, het "
        "eerstvolgende vrije is 23.0010000; het andere houdt dit kenmerk)",
        f"{second}:{line_of(example_project, second, 'kenmerk:')}: kenmerk: '23.0009999' is ook "
        f"het kenmerk van {first} (geef één van beide dossiers een eigen kenmerk, het "
        "eerstvolgende vrije is 23.0010000; het andere houdt dit kenmerk)",
    ]
    # Of three, two are to change: each told another free kenmerk, so that following every
    # message makes no new twins (revH H7).
    third = f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml"
    edit(example_project, third, r"^kenmerk: .*", "kenmerk: 23.0009999")
    result = run_cli("check", cwd=example_project)
    told = [line.partition(": kenmerk: ")[2] for line in result.stderr.splitlines()]
    assert [said for said in told if said] == [
        f"'23.0009999' is ook het kenmerk van {b} en {c} (geef alle dossiers op één na een "
        f"eigen kenmerk, het eerstvolgende vrije is {free}; dat ene houdt dit kenmerk)"
        for b, c, free in (
            (first, second, "23.0010000"),  # said at the third, the first file by name
            (third, second, "23.0010001"),
            (third, first, "23.0010002"),
        )
    ], result.stderr


COPIED = f"dossiers/{WONEN}/res-voortgang-2/dossier.yaml"
ORIGINAL = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"


def _copy_res_voortgang(project: Path) -> None:
    """Copy res-voortgang into its own meeting as a start for a new item, and put it on the
    agenda, as a new clerk does (clerk2 M3)."""
    meeting = project / "dossiers" / WONEN
    shutil.copytree(meeting / "res-voortgang", meeting / "res-voortgang-2")
    edit(
        project,
        f"dossiers/{WONEN}/vergadering.yaml",
        r"^  - Rondvraag en sluiting",
        "  - dossier: res-voortgang-2\n  - Rondvraag en sluiting",
    )


def _said(result: CliResult) -> list[str]:
    """What a build says on stderr, without the lines that say what it makes."""
    progress = ("dossier: ", "bundel: ")
    return [line for line in result.stderr.splitlines() if not line.startswith(progress)]


@pytest.mark.parametrize("before", ["build", "export"])
def test_a_dossier_copied_in_its_meeting_refuses_only_the_copy_when_the_original_was_made(
    example_project: Path, run_cli: RunCli, before: str
) -> None:
    """Was: both refused, so the meeting's real item failed too, and no free kenmerk named."""
    made = run_cli(before, f"dossiers/{WONEN}", cwd=example_project)
    assert made.exit_code == 0, made.stderr
    if before == "export":
        # The package's record alone says so: the build folder may have been cleared.
        shutil.rmtree(example_project / "build")
    _copy_res_voortgang(example_project)
    result = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert result.exit_code == 1
    how = "gebouwd" if before == "build" else "geëxporteerd"
    line = line_of(example_project, COPIED, "kenmerk:")
    said = _said(result)
    agendas = "bijgewerkt" if before == "build" else "gemaakt"  # the build folder was cleared
    assert said[:2] == [
        f"{COPIED}:{line}: kenmerk: '23.0002117' is al het kenmerk van {ORIGINAL}, dat al "
        f"{how} is (geef dit dossier een eigen kenmerk, het eerstvolgende vrije is 23.0002151)",
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de agenda's zijn niet {agendas} "
        "omdat het agendapunt voor res-voortgang-2 is afgekeurd (zie de meldingen bij dat "
        "agendapunt)",
    ]
    # The meeting's real item is not refused with it: built, or unchanged since its build.
    counts = "0 gebouwd, 5 ongewijzigd" if before == "build" else "5 gebouwd, 0 ongewijzigd"
    assert said[2].startswith(f"Klaar: {counts}, 1 mislukt in ")


def test_a_copy_made_before_the_original_was_built_is_told_with_the_original(
    example_project: Path, run_cli: RunCli
) -> None:
    """Neither built before, or both: which one is the copy only the clerk knows."""
    _copy_res_voortgang(example_project)
    line = line_of(example_project, COPIED, "kenmerk:")
    # One of the two is to change (clerk walk: both were told to, each to another kenmerk).
    expected = [
        f"{ORIGINAL}:{line}: kenmerk: '23.0002117' is ook het kenmerk van {COPIED} (geef één "
        "van beide dossiers een eigen kenmerk, het eerstvolgende vrije is 23.0002151; het "
        "andere houdt dit kenmerk)",
        f"{COPIED}:{line}: kenmerk: '23.0002117' is ook het kenmerk van {ORIGINAL} (geef één "
        "van beide dossiers een eigen kenmerk, het eerstvolgende vrije is 23.0002151; het "
        "andere houdt dit kenmerk)",
    ]
    result = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert result.exit_code == 1
    assert sorted(line for line in _said(result) if ": kenmerk: " in line) == sorted(expected)
    assert ", 2 mislukt in " in result.stderr
    # Both built before, each under a kenmerk of its own, then given the same one.
    edit(example_project, COPIED, r"^kenmerk: .*", "kenmerk: 23.0002151")
    built = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert built.exit_code == 0, built.stderr
    edit(example_project, COPIED, r"^kenmerk: .*", "kenmerk: 23.0002117")
    result = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert result.exit_code == 1
    assert sorted(line for line in _said(result) if ": kenmerk: " in line) == sorted(expected)


def test_a_kenmerk_twice_is_said_in_the_round_that_refuses_another_field_of_the_file(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: said only once the date beside it was mended, a round later."""
    first = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"
    second = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml"
    edit(example_project, first, r"^kenmerk: .*", "kenmerk: 23.0009999")
    edit(example_project, second, r"^kenmerk: .*", "kenmerk: 23.0009999")
    edit(example_project, second, r"^datum: .*", "datum: 26-05-2023")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    kenmerk = line_of(example_project, second, "kenmerk:")
    datum = line_of(example_project, second, "datum:")
    assert f"{second}:{datum}: datum: '26-05-2023' is geen datum" in result.stderr
    assert f"{second}:{kenmerk}: kenmerk: '23.0009999' is ook het kenmerk van {first}" in (
        result.stderr
    )
    assert f"{first}:" in result.stderr and f"is ook het kenmerk van {second}" in result.stderr


def test_the_organisations_kenmerkpatroon_is_what_kenmerken_are_checked_against(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(
        example_project,
        "dossiers/organisatie.yaml",
        r"^kenmerkpatroon: .*",
        "kenmerkpatroon: '^RGV-[0-9]{4}$'",
    )
    edit(example_project, SEED, r"^kenmerk: .*", "kenmerk: RGV-0042")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    refused = [line for line in result.stderr.splitlines() if ": kenmerk: " in line]
    # Every example dossier but the seed keeps its old kenmerk, which no longer fits.
    assert len(refused) == 5, result.stderr
    assert not any(line.startswith(f"{SEED}:") for line in refused)
    assert refused[0].endswith(
        "is geen geldig kenmerk (schrijf een kenmerk volgens het kenmerkpatroon ^RGV-[0-9]{4}$ "
        "uit dossiers/organisatie.yaml)"
    )


def _annex_line(project: Path) -> int:
    return line_of(project, SEED, "    bestand: bijlage-1")


def test_an_annex_named_with_another_number_than_its_place_is_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    # The bundle numbers annexes by their place in the list; the file names say otherwise.
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    seed = folder / "dossier.yaml"
    text = seed.read_text(encoding="utf-8")
    first = "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    second = "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf"
    seed.write_text(
        text.replace(first, "\0").replace(second, first).replace("\0", second), encoding="utf-8"
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    line = line_of(example_project, SEED, "    bestand: ")
    assert result.stderr == (
        f"{SEED}:{line}: waarschuwing: bijlagen[1].bestand: '{second}' heet bijlage 2, maar "
        "wordt bijlage 1 in de bundel (zet de bijlagen in de volgorde van hun nummers, of "
        "hernoem het bestand)\n"
        f"{SEED}:{line + 2}: waarschuwing: bijlagen[2].bestand: '{first}' heet bijlage 1, maar "
        "wordt bijlage 2 in de bundel (zet de bijlagen in de volgorde van hun nummers, of "
        "hernoem het bestand)\n"
    )


@pytest.mark.parametrize(
    ("bestand", "message"),
    [
        (
            "ontbreekt.pdf",
            "'ontbreekt.pdf' bestaat niet in de dossiermap (controleer de naam; "
            "aanwezig: bijlage-1-",
        ),
        (
            "/etc/passwd.pdf",
            "'/etc/passwd.pdf' is een absoluut pad (schrijf de bestandsnaam in de dossiermap)",
        ),
        ("../../x/geheim.pdf", "'../../x/geheim.pdf' verwijst buiten de dossiermap"),
        (
            "x/../geheim.pdf",
            "'x/../geheim.pdf': gebruik geen '..' in het pad (schrijf 'geheim.pdf')",
        ),
        (
            "notities.txt",
            "'notities.txt' is een .txt-bestand, en dat kan geen bijlage zijn (lever een PDF "
            "aan, of .docx, .odt, .xlsx of .ods)",
        ),
        (
            "Begroting 2024.DOC",
            "'Begroting 2024.DOC' is een .doc-bestand, en dat kan geen bijlage zijn (open het en "
            "bewaar het in Word als .docx of als PDF)",
        ),
        (
            "kaart",
            "'kaart' heeft geen extensie zoals .pdf, en dat kan geen bijlage zijn (lever een "
            "PDF aan, of .docx, .odt, .xlsx of .ods)",
        ),
        (
            # Windows hides the extension the file has.
            "bijlage-1-voorstel-aanpak-actieplan-werklocaties",
            "'bijlage-1-voorstel-aanpak-actieplan-werklocaties' heeft geen extensie zoals .pdf, "
            "en dat kan geen bijlage zijn (bedoelt u "
            "'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf'?)",
        ),
        (
            "stukken\\kaart.pdf",
            "'stukken\\kaart.pdf' heeft '\\' tussen map en bestand (schrijf '/': "
            "'stukken/kaart.pdf')",
        ),
    ],
)
def test_annex_path_rules(
    example_project: Path, run_cli: RunCli, bestand: str, message: str
) -> None:
    line = _annex_line(example_project)
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", f"    bestand: {bestand}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    expected = f"{SEED}:{line}: bijlagen[1].bestand: {message}"
    assert any(shown.startswith(expected) for shown in result.stderr.splitlines()), result.stderr
    # The file the entry was meant to name is not also warned about as forgotten.
    assert "ligt in de dossiermap maar staat niet bij de bijlagen" not in result.stderr


def test_a_refused_annex_entry_hides_only_the_file_it_meant_from_the_forgotten_warning(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: one refused entry ('../bijlage-1-….pdf') kept every file of the folder from the
    warning, so the clerk heard of 'los-bestand.pdf' a round later (review revA, L3)."""
    folder = example_project / "dossiers" / WONEN / "snelfietsroutes"
    (folder / "los-bestand.pdf").write_bytes(b"%PDF-1.4\n")
    dossier = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml"
    edit(example_project, dossier, r"^email: .*", "email: x")
    edit(
        example_project,
        dossier,
        r"^    bestand: bijlage-1-",
        "    bestand: ../bijlage-1-",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"{dossier}:{line_of(example_project, dossier, 'bijlagen:')}: waarschuwing: bijlagen: "
        "'los-bestand.pdf' ligt in de dossiermap maar staat niet bij de bijlagen (voeg het toe "
        "als bijlage, of haal het weg)"
    ) in result.stderr.splitlines(), result.stderr
    # The file the refused entry meant is not said to be forgotten.
    assert "'bijlage-1-kaart-snelfietsroutes.pdf' ligt in" not in result.stderr


FIRST_ANNEX = "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"


def test_an_annex_name_cut_short_at_a_number_sign_is_refused_saying_so(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: 'bijlage-1' has no extension (supply a PDF), and below it, as a warning, that
    '#3 plan.pdf' fell away: the warning was what helped."""
    folder = example_project / SEED.rsplit("/", 1)[0]
    (folder / FIRST_ANNEX).rename(folder / "bijlage-1 #3 plan.pdf")
    typed = "    bestand: bijlage-1 #3 plan.pdf"
    edit(example_project, SEED, rf"^    bestand: {FIRST_ANNEX}", typed)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{SEED}:{_annex_line(example_project)}: bijlagen[1].bestand: 'bijlage-1' is niet de "
        "hele naam: de tekst vanaf '#3 plan.pdf' valt weg, want YAML leest ' #' als het begin "
        'van een opmerking (zet de hele naam tussen aanhalingstekens: "bijlage-1 #3 plan.pdf")'
    ]


@pytest.mark.parametrize("note", [" # volgt nog van Rho", "  #TODO"])
def test_a_whole_annex_name_with_a_note_after_it_is_said_as_its_own_fault(
    example_project: Path, run_cli: RunCli, note: str
) -> None:
    """A missing 'x.pdf # volgt nog' was said to be no whole name, with advice to quote the
    note into the name, which failed again (review revD R2)."""
    line = _annex_line(example_project)
    edit(
        example_project,
        SEED,
        rf"^    bestand: {FIRST_ANNEX}",
        f"    bestand: bijlage-4-monitor.pdf{note}",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "bijlagen[1].bestand" in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(
        f"{SEED}:{line}: bijlagen[1].bestand: 'bijlage-4-monitor.pdf' "
        "bestaat niet in de dossiermap (controleer de naam; aanwezig: "
    ), result.stderr


@pytest.mark.parametrize(
    ("renamed", "message"),
    [
        (
            FIRST_ANNEX + ".lnk",
            f"'{FIRST_ANNEX}.lnk' is een snelkoppeling naar het bestand, niet het bestand zelf "
            "(kopieer het bestand zelf in de dossiermap, en haal de snelkoppeling weg)",
        ),
        (
            FIRST_ANNEX + ".pdf",
            f"het bestand heet '{FIRST_ANNEX}.pdf', met de extensie twee keer: Windows verbergt "
            f"de laatste (schrijf '{FIRST_ANNEX}.pdf', of hernoem het bestand naar "
            f"'{FIRST_ANNEX[:-4]}')",
        ),
        (
            FIRST_ANNEX + " ",
            f"het bestand heet '{FIRST_ANNEX} ', met een spatie aan het begin of eind (hernoem "
            f"het bestand naar '{FIRST_ANNEX}')",
        ),
        # The name Windows gives a new shortcut, in Dutch and English, and without the hidden
        # extension.
        *(
            (
                shortcut,
                f"'{shortcut}' is een snelkoppeling naar het bestand, niet het bestand zelf "
                "(kopieer het bestand zelf in de dossiermap, en haal de snelkoppeling weg)",
            )
            for shortcut in (
                f"{FIRST_ANNEX} - Snelkoppeling.lnk",
                f"{FIRST_ANNEX} - Shortcut (2).lnk",
                f"{FIRST_ANNEX[:-4]} - Snelkoppeling.lnk",
            )
        ),
    ],
    ids=[
        "snelkoppeling",
        "dubbele-extensie",
        "spatie-aan-het-eind",
        "snelkoppeling-van-windows",
        "shortcut-2",
        "snelkoppeling-zonder-extensie",
    ],
)
def test_an_annex_as_explorer_leaves_it_is_said_as_what_it_is(
    example_project: Path, run_cli: RunCli, renamed: str, message: str
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / FIRST_ANNEX).rename(folder / renamed)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{SEED}:{_annex_line(example_project)}: bijlagen[1].bestand: '{FIRST_ANNEX}' bestaat "
        f"niet in de dossiermap: {message}"
    ]


def test_a_present_name_with_a_space_at_its_end_is_quoted(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    for path in folder.glob("bijlage-*.pdf"):
        path.unlink()
    (folder / "kaart.pdf ").write_bytes(b"%PDF-1.4\n")
    line = _annex_line(example_project)
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: bijlage-een.pdf")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"{SEED}:{line}: bijlagen[1].bestand: 'bijlage-een.pdf' bestaat "
        "niet in de dossiermap (controleer de naam; aanwezig: 'kaart.pdf ')"
    ) in result.stderr.splitlines(), result.stderr


THIRD_ANNEX = "bijlage-3-advies-ruimte-voor-werk-nieuw-instrumentarium.pdf"
# What is said of a file name with the byte 0xE9 that is no UTF-8, as of a meeting folder's.
NOT_UTF8_FILE = (
    "is geen UTF-8: byte 0xE9 is geen teken dat te lezen is (hier getoond als \ufffd; komt het "
    "bestand uit een zip van Windows?) (hernoem het bestand en typ de letter op die plek opnieuw"
)


def test_an_annex_file_whose_name_is_no_utf_8_is_said_to_be_that(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review uni U4: 'bijlage-3-café.pdf' typed for the file a Windows zip named with the
    byte 0xE9 was said not to exist, with 'bijlage-3-caf\ufffd.pdf' among those present and no
    word of why; a folder with such a name was explained."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / THIRD_ANNEX).rename(folder / os.fsdecode(b"bijlage-3-caf\xe9.pdf"))
    (folder / FIRST_ANNEX).rename(folder / os.fsdecode(b"Kaart v2 \xe9.pdf"))
    line = _annex_line_of(example_project, THIRD_ANNEX)
    edit(example_project, SEED, rf"^    bestand: {THIRD_ANNEX}", "    bestand: bijlage-3-café.pdf")
    edit(example_project, SEED, rf"^    bestand: {FIRST_ANNEX}", "    bestand: bijlage-een.pdf")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    listed = line_of(example_project, SEED, "bijlagen:")
    assert result.stderr.splitlines() == [
        f"{SEED}:{_annex_line_of(example_project, 'bijlage-een.pdf')}: bijlagen[1].bestand: "
        "'bijlage-een.pdf' bestaat niet in de dossiermap (controleer de naam; aanwezig: "
        "Kaart v2 \ufffd.pdf, bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf, "
        "bijlage-3-caf\ufffd.pdf); de naam van 'Kaart v2 \ufffd.pdf' " + NOT_UTF8_FILE + ")",
        f"{SEED}:{line}: bijlagen[3].bestand: 'bijlage-3-café.pdf' bestaat niet in de "
        "dossiermap, 'bijlage-3-caf\ufffd.pdf' wel, maar de naam van dat bestand "
        + NOT_UTF8_FILE
        + ")",
    ]
    # The annex named again: the other file is one no annex names.
    edit(example_project, SEED, r"^    bestand: bijlage-een.pdf", f"    bestand: {FIRST_ANNEX}")
    (folder / os.fsdecode(b"Kaart v2 \xe9.pdf")).rename(folder / FIRST_ANNEX)
    shutil.copy(folder / FIRST_ANNEX, folder / os.fsdecode(b"Kaart v2 \xe9.pdf"))
    result = run_cli("check", cwd=example_project)
    assert result.stderr.splitlines()[0] == (
        f"{SEED}:{listed}: waarschuwing: bijlagen: 'Kaart v2 \ufffd.pdf' ligt in de dossiermap "
        "maar staat niet bij de bijlagen, en de naam van het bestand "
        + NOT_UTF8_FILE
        + "; voeg het dan toe als bijlage, of haal het weg)"
    )


def _annex_line_of(project: Path, name: str) -> int:
    return line_of(project, SEED, f"    bestand: {name}")


# What is said of a name that differs from another only in capitals, but for the advice.
CASE_TWIN = (
    "Windows en veel gedeelde mappen zien dat als dezelfde naam, en in een kopie daar "
    "overschrijft {} (hernoem een van beide {})"
)


def test_a_dossier_folder_name_too_long_for_the_agenda_is_said_to_be_renamed(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review uni U9: 'kort de tekst in' was said, but the agenda line names a folder: the
    folder is what has to get a shorter name."""
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    long_name = "werklocaties-" + "x" * 140
    edit(example_project, meeting, r"^  - dossier: werklocaties$", f"  - dossier: {long_name}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, meeting, f"  - dossier: {long_name}")
    assert (
        f"{meeting}:{line}: agenda[2].dossier: is te lang: 153 tekens, maximaal 100 (hernoem de "
        "dossiermap naar een kortere naam, en schrijf die naam hier)"
    ) in result.stderr.splitlines(), result.stderr


def test_annex_files_whose_names_differ_only_in_capitals_are_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review uni U8: 'Bijlage-3.PDF' and 'bijlage-3.pdf', both annexes, passed check; a copy
    on Windows, macOS or a shared drive keeps one of them, and an annex is lost."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / THIRD_ANNEX).rename(folder / "Bijlage-3.PDF")
    shutil.copy(folder / FIRST_ANNEX, folder / "bijlage-3.pdf")
    edit(example_project, SEED, rf"^    bestand: {THIRD_ANNEX}", "    bestand: Bijlage-3.PDF")
    text = (example_project / SEED).read_text(encoding="utf-8").rstrip("\n")
    (example_project / SEED).write_text(
        text + "\n  - omschrijving: Kaart\n    bestand: bijlage-3.pdf\n", encoding="utf-8"
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    line = _annex_line_of(example_project, "bijlage-3.pdf")
    assert (
        f"{SEED}:{line}: waarschuwing: bijlagen[4].bestand: 'bijlage-3.pdf' verschilt alleen in "
        "hoofdletters en kleine letters van bijlage 3 ('Bijlage-3.PDF'): "
        + CASE_TWIN.format("het ene bestand het andere", "bestanden")
    ) in result.stderr.splitlines(), result.stderr


def test_dossier_and_meeting_folders_whose_names_differ_only_in_capitals_are_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review uni U8: 'Werklocaties/' beside 'werklocaties/', both on the agenda, passed check
    (a copy on Windows keeps one dossier); meeting folders so were refused by export only."""
    dossiers = example_project / "dossiers"
    shutil.copytree(dossiers / ECONOMIE / "werklocaties", dossiers / ECONOMIE / "Werklocaties")
    edit(
        example_project,
        f"dossiers/{ECONOMIE}/Werklocaties/dossier.yaml",
        r"^kenmerk: .*",
        "kenmerk: 23.0009999",
    )
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(
        example_project,
        meeting,
        r"^  - dossier: werklocaties$",
        "  - dossier: werklocaties\n  - dossier: Werklocaties",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    line = line_of(example_project, meeting, "  - dossier: Werklocaties")
    assert result.stderr.splitlines() == [
        f"{meeting}:{line}: waarschuwing: agenda[3].dossier: 'Werklocaties' verschilt alleen in "
        "hoofdletters en kleine letters van dossiermap 'werklocaties' (agendapunt 2): "
        + CASE_TWIN.format("de ene map de andere", "mappen, en de regel op de agenda")
    ]
    shutil.rmtree(dossiers / ECONOMIE / "Werklocaties")
    edit(example_project, meeting, r"^  - dossier: Werklocaties\n", "")
    shutil.copytree(dossiers / ECONOMIE, dossiers / "2023-05-26-PFHO-Economie")
    for path in (dossiers / "2023-05-26-PFHO-Economie").glob("*/dossier.yaml"):
        shutil.rmtree(path.parent)
    edit(
        example_project,
        "dossiers/2023-05-26-PFHO-Economie/vergadering.yaml",
        r"^  - dossier: .*\n",
        "",
    )
    result = run_cli("check", cwd=example_project)
    assert result.stderr.splitlines() == [
        f"dossiers/{ECONOMIE}: waarschuwing: '{ECONOMIE}' verschilt alleen in hoofdletters en "
        "kleine letters van vergadermap '2023-05-26-PFHO-Economie': "
        + CASE_TWIN.format("de ene map de andere", "mappen; export weigert ze zo")
    ]


def test_a_dossier_with_a_bad_field_also_has_its_annex_files_checked(
    example_project: Path, run_cli: RunCli
) -> None:
    # All problems of a file at once: the clerk mends the date and the annex in one round.
    line = _annex_line(example_project)
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: bijlage-een.pdf")
    edit(example_project, SEED, r"^datum: 2023-04-11", "datum: 2023-02-30")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    date_line = line_of(example_project, SEED, "datum: 2023-02-30")
    assert result.stderr.splitlines() == [
        f"{SEED}:{date_line}: datum: '2023-02-30' is geen bestaande datum (schrijf JJJJ-MM-DD)",
        f"{SEED}:{line}: bijlagen[1].bestand: 'bijlage-een.pdf' bestaat niet in de dossiermap "
        "(controleer de naam; aanwezig: bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf, "
        "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf, "
        "bijlage-3-advies-ruimte-voor-werk-nieuw-instrumentarium.pdf)",
    ]


def test_an_empty_annex_and_a_forgotten_pdf_are_both_said(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf").write_bytes(b"")
    (folder / "vergeten.pdf").write_bytes(b"%PDF-1.4\n")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert "is leeg (0 bytes)" in result.stderr
    assert "'vergeten.pdf' ligt in de dossiermap maar staat niet bij de bijlagen" in result.stderr


def test_forgotten_office_annexes_are_said_and_lock_files_are_not(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    for name in ("begroting.XLSX", "notitie.odt", "~$notitie.docx", ".~lock.notitie.odt#"):
        (folder / name).write_bytes(b"PK\x03\x04")
    # The Word file a listed PDF annex was saved from is its source, kept beside it.
    (folder / "bijlage-1-voorstel-aanpak-actieplan-werklocaties.docx").write_bytes(b"PK\x03\x04")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    said = [line.split(": bijlagen: ")[1] for line in result.stderr.splitlines()]
    assert said == [
        f"'{name}' ligt in de dossiermap maar staat niet bij de bijlagen (voeg het toe als "
        "bijlage, of haal het weg)"
        for name in ("begroting.XLSX", "notitie.odt")
    ]


def test_an_annex_link_that_leads_nowhere_is_said_and_the_rest_is_checked(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    os.symlink("lus.pdf", folder / "lus.pdf")  # a link to itself
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr  # not an annex: nothing to say

    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: lus.pdf")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, SEED, "    bestand: lus.pdf")
    assert result.stderr.splitlines() == [
        f"{SEED}:{line - 2}: waarschuwing: bijlagen: "
        "'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf' ligt in de dossiermap maar "
        "staat niet bij de bijlagen (voeg het toe als bijlage, of haal het weg)",
        f"{SEED}:{line}: bijlagen[1].bestand: 'lus.pdf' is een snelkoppeling die nergens heen "
        "leidt (zet het bestand zelf in de dossiermap)",
    ]
    assert (
        result.stdout == "Niet in orde: 1 fout in 1 bestand (1 waarschuwing); 5 dossiers in orde.\n"
    )


def test_invalid_annex_entries_are_reported_once_not_checked_as_files(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: ''")
    edit(example_project, SEED, r"^datum: 2023-04-11", "datum: 2023-02-30")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    annex_lines = [line for line in result.stderr.splitlines() if "bijlagen[1]" in line]
    assert len(annex_lines) == 1, result.stderr


def test_a_pdf_that_no_annex_names_is_warned_about_once(
    example_project: Path, run_cli: RunCli
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    for name in ("oud-concept.pdf", "._oud-concept.pdf", "aantekeningen.txt"):
        (folder / name).write_bytes(b"%PDF-1.4\n")
    (folder / "map.pdf").mkdir()
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    line = line_of(example_project, SEED, "bijlagen:")
    # Hidden files, other types and folders are not annexes a clerk forgot.
    assert result.stderr.splitlines() == [
        f"{SEED}:{line}: waarschuwing: bijlagen: 'oud-concept.pdf' ligt in de dossiermap maar "
        "staat niet bij de bijlagen (voeg het toe als bijlage, of haal het weg)"
    ]


def test_pdfs_without_any_bijlagen_are_warned_about_where_bijlagen_goes(
    example_project: Path, run_cli: RunCli
) -> None:
    last = cut_seed_at(example_project, "bijlagen:")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    warned = result.stderr.splitlines()
    assert len(warned) == 3, result.stderr
    assert all(
        line.startswith(f"{SEED}:{last}: waarschuwing: bijlagen: 'bijlage-") for line in warned
    ), result.stderr


def test_annex_symlink_out_of_the_folder_is_refused(
    example_project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    outside = tmp_path / "elders.pdf"
    outside.write_bytes(b"%PDF-1.4\n")
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    os.symlink(outside, folder / "link.pdf")
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: link.pdf")
    result = run_cli("check", cwd=example_project)
    assert "'link.pdf' verwijst naar een bestand buiten de dossiermap" in result.stderr


def test_an_annex_that_is_a_pipe_is_said_to_be_no_regular_file(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was 'is geen bestand (lever een bestand aan, geen map)': it is no folder."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    os.mkfifo(folder / "pijp.pdf")
    (folder / "map.pdf").mkdir()
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: pijp.pdf")
    edit(example_project, SEED, r"^    bestand: bijlage-2.*", "    bestand: map.pdf")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert (
        "bijlagen[1].bestand: 'pijp.pdf' is geen gewoon bestand maar een pipe of apparaat "
        "(vervang het door het bestand zelf)\n"
    ) in result.stderr
    assert (
        "bijlagen[2].bestand: 'map.pdf' is geen bestand (lever een bestand aan, geen map)\n"
    ) in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "'b.pdf' is leeg (0 bytes) (lever het volledige bestand aan)"),
        (b"<!DOCTYPE html><html></html>", "'b.pdf' is een webpagina (HTML) met de naam .pdf"),
        (b"PK\x03\x04rest", "'b.pdf' is een Office-bestand (zip) met de naam .pdf"),
        (
            # A PDF reader opens it; a web server or browser that sniffs it runs the script.
            b"<html><script>alert(document.domain)</script>\n%PDF-1.4\n",
            "'b.pdf' begint niet met %PDF- maar met '<html><script>alert(document.domain)</sc…' "
            "(sla de PDF opnieuw op, bijvoorbeeld door hem af te drukken als PDF, en lever die "
            "aan)",
        ),
        (
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n",
            "'b.pdf' begint niet met %PDF- maar met 'Content-Type: application/pdf\\r\\n\\r\\n' ",
        ),
    ],
)
def test_annex_that_is_not_a_pdf(
    example_project: Path, run_cli: RunCli, content: bytes, message: str
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / "b.pdf").write_bytes(content)
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: b.pdf")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert message in result.stderr


def test_corrupt_office_annex(example_project: Path, run_cli: RunCli) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / "b.docx").write_bytes(b"not a zip at all")
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: b.docx")
    result = run_cli("check", cwd=example_project)
    assert "'b.docx' is geen geldig .docx-bestand (open en bewaar het opnieuw)" in result.stderr


UNLINK_IN_WORD = (
    "sla het document op met de afbeeldingen en objecten erin (in Word: Bestand › Info › "
    "Koppelingen naar bestanden bewerken › Koppeling verbreken)"
)
UNLINK_IN_LIBREOFFICE = (
    "sla het document op met de afbeeldingen en objecten erin (in LibreOffice: Bewerken › "
    "Koppelingen naar externe bestanden › Koppeling verbreken)"
)


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        (
            "b.docx",
            lambda: hostile_files.docx_linking("file:///home/griffie/handtekening.png"),
            "bevat een gekoppelde afbeelding, van buiten het document "
            f"('file:///home/griffie/handtekening.png'); {UNLINK_IN_WORD}",
        ),
        (
            "b.docx",
            lambda: hostile_files.docx_linking("http://intranet/x.emf", kind="oleObject"),
            "bevat een gekoppeld object, van buiten het document ('http://intranet/x.emf'); "
            f"{UNLINK_IN_WORD}",
        ),
        (
            "b.odt",
            lambda: hostile_files.odt_linking("Pictures/1.png", "http://127.0.0.1:9/t.png"),
            "bevat een gekoppelde afbeelding, van buiten het document "
            f"('http://127.0.0.1:9/t.png'); {UNLINK_IN_LIBREOFFICE}",
        ),
        (
            "b.odt",
            lambda: hostile_files.odt_linking("../geheim/scan.png"),
            "bevat een gekoppelde afbeelding, van buiten het document ('../geheim/scan.png'); "
            f"{UNLINK_IN_LIBREOFFICE}",
        ),
        (
            "b.odt",
            lambda: hostile_files.odt_linking("file:///etc/hostname", element="draw:object"),
            "bevat een gekoppeld object, van buiten het document ('file:///etc/hostname'); "
            f"{UNLINK_IN_LIBREOFFICE}",
        ),
    ],
)
def test_an_office_annex_with_a_linked_picture_or_object_is_refused_at_its_line(
    example_project: Path, run_cli: RunCli, name: str, make: Callable[[], bytes], said: str
) -> None:
    """LibreOffice reads or fetches what such an annex links to while converting it, and
    puts it in the (public) bundles: a file of the build machine, an intranet page."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / name).write_bytes(make())
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", f"    bestand: {name}")
    line = line_of(example_project, SEED, f"    bestand: {name}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert f"{SEED}:{line}: bijlagen[1].bestand: '{name}' {said}\n" in result.stderr


def test_an_office_annex_with_hyperlinks_and_a_template_is_accepted(
    example_project: Path, run_cli: RunCli
) -> None:
    """A hyperlink is followed by a reader, a Word template named, not read: both are fine."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / "b.docx").write_bytes(
        hostile_files.docx_with_hyperlink_and_template("https://www.example.org/")
    )
    (folder / "c.odt").write_bytes(hostile_files.odt_linking("Pictures/1.png"))
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: b.docx")
    edit(
        example_project,
        SEED,
        r"^  - omschrijving:",
        "  - omschrijving: Tekst\n    bestand: c.odt\n  - omschrijving:",
    )
    result = run_cli("check", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project)
    assert "b.docx" not in result.stderr
    assert "c.odt" not in result.stderr


def test_an_office_annex_that_is_a_zip_bomb_is_refused_at_its_line(
    example_project: Path, run_cli: RunCli
) -> None:
    """LibreOffice took 3.5 GB for such a file until its time ran out; check said nothing."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / "b.docx").write_bytes(hostile_files.docx_bomb())
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", "    bestand: b.docx")
    line = line_of(example_project, SEED, "    bestand: b.docx")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"{SEED}:{line}: bijlagen[1].bestand: 'b.docx' lijkt een decompressiebom: het onderdeel "
        "'word/document.xml' pakt uit tot 251,6 MB, "
    ) in result.stderr
    assert "keer zo groot als ingepakt (lever de bijlage als PDF aan)\n" in result.stderr


@needs_shared
@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_pdf_named_as_an_office_annex_is_said_to_be_a_pdf(
    example_project: Path, run_cli: RunCli, suffix: str
) -> None:
    """Was 'is geen geldig .docx-bestand (open en bewaar het opnieuw)'."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    shutil.copy(CORPUS / "001-trivial--minimal-document.pdf", folder / f"pdf-als{suffix}")
    edit(example_project, SEED, r"^    bestand: bijlage-1.*", f"    bestand: pdf-als{suffix}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"bijlagen[1].bestand: 'pdf-als{suffix}' is een PDF met de naam {suffix} (hernoem het "
        "bestand naar 'pdf-als.pdf' en schrijf hier 'pdf-als.pdf')\n"
    ) in result.stderr
    assert "open en bewaar" not in result.stderr


MEETING = f"dossiers/{ECONOMIE}/vergadering.yaml"


def test_dossier_folder_not_on_the_agenda(example_project: Path, run_cli: RunCli) -> None:
    edit(example_project, MEETING, r"^  - dossier: werklocaties\n", "")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, MEETING, "agenda:")
    assert result.stderr.startswith(
        f"{MEETING}:{line}: agenda: dossiermap 'werklocaties' staat niet op de agenda "
        "(voeg '- dossier: werklocaties' toe; is het uitgesteld: 'assembler verplaats "
        f"dossiers/{ECONOMIE}/werklocaties VERGADERMAP'; is het ingetrokken: haal de map uit "
        "dossiers/)"
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "  - werklocaties",
            "agenda[2]: 'werklocaties' is de naam van een dossiermap, maar staat hier als losse "
            "tekst (schrijf '- dossier: werklocaties')",
        ),
        (
            "  - Werklocaties",
            "agenda[2]: 'Werklocaties' is de naam van een dossiermap, maar staat hier als losse "
            "tekst (schrijf '- dossier: werklocaties')",
        ),
        (
            "  - Dossier: werklocaties",
            "agenda[2].Dossier: is geen bekend veld (bedoelt u 'dossier'?)",
        ),
        (
            "  - Dossier: Werklocaties",
            "agenda[2].Dossier: is geen bekend veld (bedoelt u 'dossier'?)",
        ),
    ],
)
def test_a_folder_named_as_plain_agenda_text_is_said_at_its_line_alone(
    example_project: Path, run_cli: RunCli, typed: str, message: str
) -> None:
    """Was: an error at 'agenda:' that the folder is not on it, with advice to add
    '- dossier: werklocaties', which would put it there twice (clerk review 9)."""
    edit(example_project, MEETING, r"^  - dossier: werklocaties", typed)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == f"{MEETING}:{line_of(example_project, MEETING, typed)}: {message}\n"


def test_a_dossier_folder_moved_by_hand_to_another_meeting_is_said_from_both_sides(
    example_project: Path, run_cli: RunCli
) -> None:
    wonen = f"dossiers/{WONEN}"
    shutil.move(
        example_project / wonen / "snelfietsroutes", example_project / "dossiers" / ECONOMIE
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    moved = (
        "(is de map verplaatst? zet hem terug; 'assembler verplaats' zet een punt op een andere "
        "vergadering en past beide agenda's aan)"
    )
    agenda_line = line_of(example_project, MEETING, "agenda:")
    item_line = line_of(example_project, f"{wonen}/vergadering.yaml", "  - dossier: snelfiets")
    # Not the new meeting's purpose warning: the agenda is what to mend first.
    assert result.stderr == (
        f"{MEETING}:{agenda_line}: agenda: dossiermap 'snelfietsroutes' staat niet op de agenda, "
        f"wel op die van {WONEN} {moved}\n"
        f"{wonen}/vergadering.yaml:{item_line}: agenda[5].dossier: er is geen dossiermap "
        f"'snelfietsroutes' met een dossier.yaml in {wonen}, wel in dossiers/{ECONOMIE} {moved}\n"
    )


def test_a_document_dated_after_its_meeting_is_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^datum: 2023-04-11", "datum: 2023-06-01")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{SEED}:{line_of(example_project, SEED, 'datum:')}: waarschuwing: datum: 2023-06-01 "
        "ligt na de vergadering van 2023-05-26 (controleer de datum van het stuk)\n"
    )


@pytest.mark.parametrize("typed", ["0023-04-11", "2013-04-11"])
def test_a_document_dated_years_before_its_meeting_is_warned_about(
    example_project: Path, run_cli: RunCli, typed: str
) -> None:
    """The review of odd inputs: '0023-04-11' (a year typed short) passed without a word."""
    edit(example_project, SEED, r"^datum: 2023-04-11", f"datum: {typed}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{SEED}:{line_of(example_project, SEED, 'datum:')}: waarschuwing: datum: {typed} "
        "ligt meer dan twee jaar voor de vergadering van 2023-05-26 (controleer het jaartal)\n"
    )


@pytest.mark.parametrize(
    ("folder", "named"),
    [
        ("PFHO Economie 23 mei", "2031-05-23-pfho-economie-23-mei"),
        ("23-5-2031-pfho-economie", "2031-05-23-pfho-economie"),
        ("2031_05_23 pfho economie", "2031-05-23-pfho-economie"),
        ("23-05-2031", "2031-05-23-overleg"),
    ],
)
def test_a_meeting_folder_named_by_hand_without_its_date_is_warned_about(
    example_project: Path, run_cli: RunCli, folder: str, named: str
) -> None:
    """Review clerk3 C2: 'assembler vergadering' refuses these names, but a folder made by
    hand passed in silence; its date in the name is how vergadering and verplaats know it.
    Not of a meeting held or exported: its folder's name is in what was published."""
    dossiers = example_project / "dossiers"
    (dossiers / folder).mkdir()
    agenda = (dossiers / ECONOMIE / "vergadering.yaml").read_text(encoding="utf-8")
    agenda = re.sub(r"(?m)^  - dossier: .*\n", "", agenda).replace("2023-05-26", "2031-05-23")
    (dossiers / folder / "vergadering.yaml").write_text(agenda, encoding="utf-8")
    (dossiers / ECONOMIE).rename(dossiers / "PFHO Economie 26 mei 2023")

    result = run_cli("check", cwd=example_project)

    assert result.exit_code == 0, result.stderr
    line = line_of(example_project, f"dossiers/{folder}/vergadering.yaml", "datum:")
    assert result.stderr == (
        f"dossiers/{folder}/vergadering.yaml:{line}: waarschuwing: datum: de naam van de "
        f"vergadermap, '{folder}', begint niet met de datum van de vergadering in de vorm "
        f"JJJJ-MM-DD (hernoem de map naar {named})\n"
    )


def test_a_copy_of_a_meeting_under_another_name_is_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review clerk3 C2: a meeting folder copied under another name was exported as a second
    meeting of the same overleg on the same day; a cancelled one may have its day taken."""
    dossiers = example_project / "dossiers"
    copy = dossiers / f"{ECONOMIE}-kopie"
    copy.mkdir()
    agenda = (dossiers / ECONOMIE / "vergadering.yaml").read_text(encoding="utf-8")
    (copy / "vergadering.yaml").write_text(
        re.sub(r"(?m)^  - dossier: .*\n", "", agenda), encoding="utf-8"
    )
    line = line_of(example_project, f"dossiers/{ECONOMIE}-kopie/vergadering.yaml", "datum:")

    result = run_cli("check", cwd=example_project)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"dossiers/{ECONOMIE}-kopie/vergadering.yaml:{line}: waarschuwing: datum: hetzelfde "
        f"overleg op dezelfde dag en tijd als dossiers/{ECONOMIE}: is deze vergadermap een "
        "kopie? (haal de kopie weg, of geef deze vergadering haar eigen datum, aanvang of "
        "overleg)\n"
    )
    # Two sessions of one overleg on one day: not a copy.
    later = agenda.replace('aanvang: "14:00"', 'aanvang: "19:30"')
    (copy / "vergadering.yaml").write_text(re.sub(r"(?m)^  - dossier: .*\n", "", later), "utf-8")
    assert run_cli("check", cwd=example_project).stderr == ""
    (copy / "vergadering.yaml").write_text(
        re.sub(r"(?m)^  - dossier: .*\n", "", agenda) + "geannuleerd: Ja\n", encoding="utf-8"
    )
    assert run_cli("check", cwd=example_project).stderr == ""
    # Said at the one not exported, whatever its name.
    (copy / "vergadering.yaml").write_text(
        re.sub(r"(?m)^  - dossier: .*\n", "", agenda), encoding="utf-8"
    )
    (copy / "publicatie.json").write_text('{"documenten": {}}', encoding="utf-8")
    line = line_of(example_project, f"dossiers/{ECONOMIE}/vergadering.yaml", "datum:")
    assert run_cli("check", cwd=example_project).stderr == (
        f"dossiers/{ECONOMIE}/vergadering.yaml:{line}: waarschuwing: datum: hetzelfde "
        f"overleg op dezelfde dag en tijd als dossiers/{ECONOMIE}-kopie: is deze vergadermap een "
        "kopie? (haal de kopie weg, of geef deze vergadering haar eigen datum, aanvang of "
        "overleg)\n"
    )


def test_a_meeting_date_other_than_its_folder_name_says_is_warned_about_once(
    example_project: Path, run_cli: RunCli
) -> None:
    # Not only each dossier's missing behandeling row: the meeting's date is the likely typo.
    edit(example_project, MEETING, r"^datum: 2023-05-26", "datum: 2023-06-02")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    date_line = line_of(example_project, MEETING, "datum:")
    rows_line = line_of(example_project, SEED, "behandeling:")
    assert result.stderr == (
        f"{MEETING}:{date_line}: waarschuwing: datum: 2023-06-02 is een andere dag dan de naam "
        f"van de vergadermap noemt (2023-05-26) (controleer de datum, of hernoem de map)\n"
        f"{SEED}:{rows_line}: waarschuwing: behandeling: geen regel met de datum van de "
        "vergadering (2023-06-02); de agenda zet er 'ter besluitvorming' bij (er is wel een "
        "regel van 2023-05-26, de dag in de naam van de vergadermap: controleer de datum in "
        "vergadering.yaml)\n"
    )


@pytest.mark.parametrize("typed", ["2023-05-27", "2023-05-23"])
def test_a_behandeling_row_a_few_days_off_the_meeting_is_named(
    example_project: Path, run_cli: RunCli, typed: str
) -> None:
    """Was: "vul bij die regel datum: 2023-05-26 in", not saying which row (clerk review 8)."""
    edit(example_project, SEED, r"^  - datum: 2023-05-26", f"  - datum: {typed}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    rows_line = line_of(example_project, SEED, "behandeling:")
    row_line = line_of(example_project, SEED, f"  - datum: {typed}")
    assert result.stderr == (
        f"{SEED}:{rows_line}: waarschuwing: behandeling: geen regel met de datum van de "
        "vergadering (2023-05-26); de agenda zet er 'ter besluitvorming' bij (behandeling[6] op "
        f"regel {row_line} heeft datum {typed}: bedoelt u 2023-05-26?)\n"
    )

    # A week off may be another meeting's row: not guessed.
    edit(example_project, SEED, rf"^  - datum: {typed}", "  - datum: 2023-06-02")
    result = run_cli("check", cwd=example_project)
    assert result.stderr.endswith("(vul bij die regel datum: 2023-05-26 in)\n"), result.stderr


SNELFIETS = f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml"


def test_a_row_of_another_overleg_a_few_days_off_is_not_named_but_an_undated_row_is(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: "behandeling[2] ... heeft datum 2023-06-20: bedoelt u 2023-06-23?" of the
    ambtelijk vooroverleg's row, whose real date the clerk would lose (review revA, M3)."""
    edit(
        example_project,
        SNELFIETS,
        r"^  - datum: 2023-06-23\n    overleg: Portefeuillehoudersoverleg\n",
        "  - datum: 2023-06-20\n    overleg: Ambtelijk vooroverleg\n",
    )
    edit(
        example_project,
        SNELFIETS,
        r"^  - overleg: Portefeuillehoudersoverleg\n    doel: Vaststellen\n",
        "  - overleg: Portefeuillehoudersoverleg\n    doel: Bespreken\n    conclusie: Route\n"
        "  - overleg: Portefeuillehoudersoverleg\n    doel: Vaststellen\n",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    rows_line = line_of(example_project, SNELFIETS, "behandeling:")
    undated_line = line_of(example_project, SNELFIETS, "  - overleg: Portefeuillehoudersoverleg")
    assert result.stderr == (
        f"{SNELFIETS}:{rows_line}: waarschuwing: behandeling: geen regel met de datum van de "
        "vergadering (2023-06-23); de agenda zet er 'ter besluitvorming' bij (vul bij "
        f"behandeling[3] op regel {undated_line} datum: 2023-06-23 in)\n"
    )

    # No undated row of this overleg: the general advice, still not the other overleg's row.
    edit(
        example_project,
        SNELFIETS,
        r"^  - overleg: Portefeuillehoudersoverleg\n",
        "  - overleg: BOT\n",
    )
    edit(
        example_project,
        SNELFIETS,
        r"^  - overleg: Portefeuillehoudersoverleg\n",
        "  - overleg: BOT\n",
    )
    result = run_cli("check", cwd=example_project)
    assert result.stderr.endswith("(vul bij die regel datum: 2023-06-23 in)\n"), result.stderr

    # A row of this overleg a few days off is a typo in its date, also beside a planned row.
    edit(
        example_project,
        SNELFIETS,
        r"^    overleg: Ambtelijk vooroverleg",
        "    overleg: PORTEFEUILLEHOUDERSOVERLEG",
    )
    edit(
        example_project,
        SNELFIETS,
        r"^  - overleg: BOT\n",
        "  - overleg: Portefeuillehoudersoverleg\n",
    )
    result = run_cli("check", cwd=example_project)
    near_line = line_of(example_project, SNELFIETS, "  - datum: 2023-06-20")
    assert result.stderr.endswith(
        f"(behandeling[2] op regel {near_line} heeft datum 2023-06-20: bedoelt u 2023-06-23?)\n"
    ), result.stderr


def test_agenda_naming_a_missing_folder(example_project: Path, run_cli: RunCli) -> None:
    edit(example_project, MEETING, r"^  - dossier: werklocaties", "  - dossier: werklocatie")
    result = run_cli("check", cwd=example_project)
    line = line_of(example_project, MEETING, "  - dossier: werklocatie")
    assert f"{MEETING}:{line}: agenda[3].dossier: er is geen dossiermap 'werklocatie'" in (
        result.stderr
    ) or f"{MEETING}:{line}: agenda[2].dossier: er is geen dossiermap 'werklocatie'" in (
        result.stderr
    )


def test_a_loose_agenda_item_with_a_colon_is_said_as_the_colon_it_is(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(
        example_project,
        MEETING,
        r"^  - dossier: werklocaties\n",
        "  - dossier: werklocaties\n  - Mededeling: stand van zaken Bloemendalerpolder\n",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, MEETING, "  - Mededeling:")
    assert result.stderr == (
        f"{MEETING}:{line}: agenda[3]: 'Mededeling: stand van zaken Bloemendalerpolder' "
        "leest door de ':' als een veld (zet het hele agendapunt tussen aanhalingstekens, zoals "
        '- "Mededeling: …")\n'
    )

    edit(example_project, MEETING, r"^  - Mededeling: (.*)$", '  - "Mededeling: stand van zaken"')
    assert run_cli("check", cwd=example_project).exit_code == 0


@pytest.mark.parametrize(
    ("text", "warned"),
    [
        ("Aankoop Bloemendalerpolder (vertrouwelijk)", True),
        ("Personeel: NIET-OPENBAAR", True),
        ("Geheime stukken", True),
        ("Vertrouwelijke mededelingen", True),
        ("Overzicht niet-vertrouwelijke stukken", False),
        ("Geen geheime stukken", False),
        ("Vertrouwelijkheid van stukken", False),  # a topic
        # Said of something else than the item (review revA, L1):
        ("Benoeming voorzitter (geheime stemming)", False),
        ("Verslag: wel of niet openbaar maken", False),
        ("Woo-besluit: niet-openbaar gemaakte delen", False),
        ("Vaststellen verslag zonder vertrouwelijke bijlagen", False),
    ],
)
def test_a_loose_agenda_item_that_says_confidential_is_warned_about(
    example_project: Path, run_cli: RunCli, text: str, warned: bool
) -> None:
    # A loose item has no verspreiden: it stands on the public agenda as typed. Also inflected
    # ("Vertrouwelijke mededelingen"): an agenda item is named so, an annex not (below).
    edit(
        example_project,
        MEETING,
        r"^  - dossier: werklocaties\n",
        f'  - dossier: werklocaties\n  - "{text}"\n',
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    line = line_of(example_project, MEETING, f'  - "{text}"')
    assert result.stderr == (
        f"{MEETING}:{line}: waarschuwing: agenda[3]: een los agendapunt staat met zijn tekst op de "
        "openbare agenda, ook als die 'vertrouwelijk' of 'niet openbaar' zegt (maak er een "
        "dossier van met verspreiden: Nee, of laat dat woord weg)\n"
        if warned
        else ""
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1. Opening", "1."),
        ("3) Terugblik", "3)"),
        ("12.\tRondvraag", "12."),
        ("4a. Mededelingen", "4a."),  # review revD R3
        ("4b) Ingekomen stukken", "4b)"),
    ],
)
def test_a_loose_agenda_item_numbered_by_hand_is_said(text: str, number: str) -> None:
    from assembler.validate import hand_numbered

    rest = text[len(number) :].strip()
    assert hand_numbered(text, 4) == (
        f"de agenda nummert de punten zelf, dus komt dit punt er als '4. {text}' op (haal "
        f"'{number}' weg: '{rest}')"
    )


@pytest.mark.parametrize(
    "text",
    [
        "5G-netwerk in de regio",
        "2023: terugblik",
        "2030-visie",
        "3 moties",
        "2.5 miljoen voor fietsparkeren",
        "1.1 Opening",
        "2023. Jaarverslag",
        "Opening",
        "Punt 1. Opening",
    ],
)
def test_a_loose_agenda_item_that_starts_with_a_number_is_not_said_numbered(text: str) -> None:
    from assembler.validate import hand_numbered

    assert hand_numbered(text, 1) is None


def test_check_warns_at_agenda_items_numbered_by_hand(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: '- 1. Opening' printed as '1. 1. Opening' without a word (review input R8)."""
    edit(example_project, MEETING, r"^  - Opening", "  - 1. Opening")
    edit(example_project, MEETING, r"^  - Rondvraag", "  - 4) Rondvraag")
    edit(example_project, MEETING, r"^  - Terugblik", "  - 5G-netwerk en terugblik")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    first = line_of(example_project, MEETING, "  - 1. Opening")
    last = line_of(example_project, MEETING, "  - 4) Rondvraag")
    assert result.stderr.splitlines() == [
        f"{MEETING}:{first}: waarschuwing: agenda[1]: de agenda nummert de punten zelf, dus komt "
        "dit punt er als '1. 1. Opening en vaststellen agenda' op (haal '1.' weg: 'Opening en "
        "vaststellen agenda')",
        f"{MEETING}:{last}: waarschuwing: agenda[4]: de agenda nummert de punten zelf, dus komt "
        "dit punt er als '4. 4) Rondvraag en sluiting' op (haal '4)' weg: 'Rondvraag en "
        "sluiting')",
    ]


def test_a_loose_item_that_is_a_confidential_title_is_warned_about_as_the_gate_sees_it(
    example_project: Path, run_cli: RunCli
) -> None:
    """Also a confidential annex's description; a long title also from another meeting, where
    the dossier cannot go on this agenda, a short one only in its own; dashes and quotes as
    the gate compares them."""
    mandaat = example_project / "dossiers" / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    text = mandaat.read_text(encoding="utf-8")
    text = text.replace(
        "Aanvraagformulier Woningbouwimpuls (vertrouwelijk)", "Aanvraag – Woningbouwimpuls"
    )
    mandaat.write_text(text, encoding="utf-8")
    loose = (
        "  - Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls\n"
        "  - Aanvraag - woningbouwimpuls\n"
    )
    edit(
        example_project,
        MEETING,
        r"^  - dossier: werklocaties\n",
        "  - dossier: werklocaties\n" + loose,
    )
    home = f"dossiers/{WONEN}/vergadering.yaml"
    edit(example_project, home, r"^agenda:\n", "agenda:\n" + loose)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    line = line_of(example_project, MEETING, "  - Onderhandelingsmandaat")
    here = line_of(example_project, home, "  - Onderhandelingsmandaat")
    where = f"dossiers/{WONEN}/mandaat-woningbouwimpuls, dat niet openbaar is: als los agendapunt"
    instead = (
        "; een vertrouwelijk dossier komt op de agenda als '- dossier: mandaat-woningbouwimpuls'"
    )
    assert result.stderr.splitlines() == [
        f"{MEETING}:{line}: waarschuwing: agenda[3]: is het onderwerp van {where} staat het zo "
        "op de openbare agenda (haal de regel weg)",
        f"{home}:{here}: waarschuwing: agenda[1]: is het onderwerp van {where} staat het zo "
        f"op de openbare agenda (haal de regel weg{instead})",
        f"{home}:{here + 1}: waarschuwing: agenda[2]: is de omschrijving van bijlage 1 van "
        f"{where} staat het zo op de openbare agenda (haal de regel weg{instead})",
    ]


def test_a_meetings_locatie_or_overleg_naming_a_confidential_dossier_is_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    """They head the public agenda, the meeting bundle and the manifest. Was: no word from
    check or build, only the export stopped (leak review 6)."""
    home = f"dossiers/{WONEN}/vergadering.yaml"
    edit(
        example_project,
        home,
        r"^locatie: .*",
        'locatie: "Regiokantoor, zaal 2 (na 11.00 uur besloten deel over 23.0002150)"',
    )
    edit(
        example_project,
        MEETING,
        r"^overleg: .*",
        "overleg: Portefeuillehoudersoverleg Onderhandelingsmandaat provinciale bijdrage "
        "Woningbouwimpuls",
    )
    mandaat = f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml"
    secret = f"van {mandaat}, dat niet openbaar is: zo komt het in de openbare stukken en stopt"
    expected = [
        f"{MEETING}:{line_of(example_project, MEETING, 'overleg:')}: waarschuwing: overleg: "
        f"noemt het onderwerp 'Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls' "
        f"{secret} de export (haal het hier weg, of maak, als het een gangbare titel is, het "
        "onderwerp van het vertrouwelijke dossier specifieker)",
        f"{home}:{line_of(example_project, home, 'locatie:')}: waarschuwing: locatie: noemt het "
        f"kenmerk '23.0002150' {secret} de export (haal het hier weg)",
    ]
    for command in (["check"], ["build", "--geen-pdf"]):
        result = run_cli(*command, cwd=example_project)
        assert result.exit_code == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if ": waarschuwing: " in line]
        assert warnings == expected, result.stderr


@pytest.mark.parametrize(
    ("description", "said"),
    [
        ("Financiële onderbouwing (vertrouwelijk)", "vertrouwelijk"),
        ("NIET OPENBAAR - taxatierapport", "NIET OPENBAAR"),
        ("Vertrouwelijk: taxatie", "Vertrouwelijk"),
        ("Geheim: notulen", "Geheim"),
        ("Overzicht niet-vertrouwelijke stukken", None),
        ("Protocol vertrouwelijkheid", None),
        # Descriptions of public annexes, in Woo practice (review revA, L1):
        ("Notitie criteria, openbare versie (vertrouwelijke passages weggelakt)", None),
        ("Openbare versie zonder vertrouwelijke bijlagen", None),
        ("Geheime stemming: uitslag", None),
        ("Wel of niet openbaar: afwegingskader", None),
        ("Toelichting Woo-verzoek: niet-openbaar gemaakte delen", None),
    ],
)
def test_a_public_dossiers_annex_said_to_be_confidential_is_warned_about(
    example_project: Path, run_cli: RunCli, description: str, said: str | None
) -> None:
    """It is published with the dossier. Was: not a word (leak review 9). A confidential
    dossier's annex says so freely (the example's mandaat does)."""
    dossier = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"
    edit(
        example_project,
        dossier,
        r"^  - omschrijving: Invulformulier .*",
        f'  - omschrijving: "{description}"',
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    if said is None:
        assert result.stderr == ""
        return
    line = line_of(example_project, dossier, f'  - omschrijving: "{description}"')
    assert result.stderr == (
        f"{dossier}:{line}: waarschuwing: bijlagen[2].omschrijving: zegt '{said}', maar het "
        "dossier is openbaar (verspreiden: Ja), dus wordt deze bijlage gepubliceerd (zet de "
        "bijlage in een dossier met verspreiden: Nee, zet hier verspreiden: Nee, of pas de "
        "omschrijving aan)\n"
    )


_KENMERK_NAMED = "noemt het kenmerk '23.0002150'"
_SUBJECT_NAMED = (
    "noemt het onderwerp 'Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls'"
)


@pytest.mark.parametrize(
    ("item", "said", "stopped"),
    [
        ("Zaak 23-0002150", _KENMERK_NAMED, _KENMERK_NAMED),
        ("Zaak 230002150", _KENMERK_NAMED, _KENMERK_NAMED),
        # A non-breaking hyphen (U+2011), and a Cyrillic у that prints as the Latin letter.
        (
            "Onderhandelings\u2011mandaat provinciale bijdrage Woningbouwimpuls",
            _SUBJECT_NAMED,
            _SUBJECT_NAMED,
        ),
        (
            "Onderhandelingsmandaat provinciale bijdrage Woningbouwimp\u0443ls",
            "is het onderwerp",
            _SUBJECT_NAMED,
        ),
        # A Greek lunate sigma prints as c; NFKC alone makes it a final sigma, ς.
        (
            "Onderhandelingsmandaat provin\u03f2iale bijdrage Woningbouwimpuls",
            "is het onderwerp",
            _SUBJECT_NAMED,
        ),
        ("Investering € 230.002.150", None, None),  # an amount, no kenmerk
        ("Onderhandelingsmandaat provinciale", None, None),  # a part of a title
    ],
)
def test_check_and_the_gate_agree_on_how_a_loose_item_names_a_confidential_dossier(
    example_project: Path, run_cli: RunCli, item: str, said: str | None, stopped: str | None
) -> None:
    """What check warns of is what the gate stops on, in the agenda's bookmarks and the
    manifest, where the item is a name; and what it lets pass check does not warn of."""
    from assembler import gate
    from assembler.project import Project
    from assembler.terms import confidential_terms
    from assembler.validate import load_catalog

    home = f"dossiers/{WONEN}/vergadering.yaml"
    edit(example_project, home, r"^agenda:\n", f'agenda:\n  - "{item}"\n')
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": agenda[1]: " in line]
    line = line_of(example_project, home, "  - ")
    assert [warning.split(" van dossiers/")[0] for warning in warnings] == (
        [] if said is None else [f"{home}:{line}: waarschuwing: agenda[1]: {said}"]
    )
    project = Project(example_project)
    audit = gate.Audit(
        public_texts=[gate.PublicText(item, "manifest.json", WONEN)],
        confidential_terms=confidential_terms(project, load_catalog(project).meetings),
    )
    leaks = [leak.message.split(" van het")[0] for leak in gate.find_leaks(audit)]
    assert leaks == ([] if stopped is None else [stopped])


@pytest.mark.parametrize("name", ["../2023-06-23-pfho-ruimte-wonen/res-voortgang", "a/b", ".."])
def test_agenda_entry_with_a_path(example_project: Path, run_cli: RunCli, name: str) -> None:
    edit(example_project, MEETING, r"^  - dossier: werklocaties", f'  - dossier: "{name}"')
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert f"'{name}' is geen mapnaam in deze vergadering" in result.stderr


def test_meeting_folder_without_vergadering(example_project: Path, run_cli: RunCli) -> None:
    (example_project / MEETING).unlink()
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"dossiers/{ECONOMIE}: map met dossiers maar zonder vergadering.yaml"
    )
    # Was "in 1 bestand", for an error at a folder.
    assert result.stdout == "Niet in orde: 1 fout in 1 map; 5 dossiers in orde.\n"


def test_unknown_tooi_is_a_configuration_error(example_project: Path, run_cli: RunCli) -> None:
    edit(
        example_project,
        "dossiers/organisatie.yaml",
        r"^tooi: .*",
        "tooi: https://identifier.overheid.nl/tooi/id/so/so9999",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    line = line_of(example_project, "dossiers/organisatie.yaml", "tooi:")
    assert result.stderr.startswith(
        f"dossiers/organisatie.yaml:{line}: tooi: 'https://identifier.overheid.nl/tooi/id/so/"
        "so9999' staat niet in de TOOI-lijsten van DiWoo"
    )


# What check and build say, and export and publish refuse with, when another organisation
# leaves out the keys whose defaults are Regio Gooi en Vechtstreek's identity.
BORROWED_TOOI = (
    "tooi: ontbreekt; zonder zou de export de TOOI-URI van Regio Gooi en Vechtstreek dragen "
    "(https://identifier.overheid.nl/tooi/id/so/so0006), dus wordt er niet geëxporteerd of "
    "gepubliceerd (vul de TOOI-URI van uw organisatie in, uit de DiWoo-waardelijsten, zoals "
    "https://identifier.overheid.nl/tooi/id/gemeente/gm0363 voor gemeente Amsterdam)"
)
BORROWED_URL = (
    "publicatie_url: ontbreekt; zonder zouden de links in de export naar "
    "https://www.regiogv.nl/stukken/ van Regio Gooi en Vechtstreek wijzen, dus wordt er niet "
    "geëxporteerd of gepubliceerd (vul het webadres in waar uw organisatie de gepubliceerde "
    "stukken zet, zoals https://www.voorbeeld.nl/stukken/)"
)


def test_another_organisation_is_warned_that_it_would_export_as_regio_gv(
    example_project: Path, run_cli: RunCli
) -> None:
    """Left out, tooi and publicatie_url are Regio GV's: not another organisation's export."""
    settings = example_project / "dossiers" / "organisatie.yaml"
    settings.write_text("naam: Gemeente Voorbeeld\nlogo: huisstijl/logo.png\n", encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"dossiers/organisatie.yaml: waarschuwing: {BORROWED_URL}",
        f"dossiers/organisatie.yaml: waarschuwing: {BORROWED_TOOI}",
    ]
    assert result.stdout == (
        "In orde: 2 vergaderingen, 6 dossiers gecontroleerd (2 waarschuwingen).\n"
    )
    said = json.loads(run_cli("check", "--json", cwd=example_project).stdout)
    assert [(p["bestand"], p["regel"], p["veld"], p["ernst"]) for p in said] == [
        ("dossiers/organisatie.yaml", None, "publicatie_url", "waarschuwing"),
        ("dossiers/organisatie.yaml", None, "tooi", "waarschuwing"),
    ]


# What check and build say, and export and publish refuse with, when another organisation
# copies the example organisatie.yaml and changes its naam alone.
KEPT_TOOI = (
    "tooi: 'https://identifier.overheid.nl/tooi/id/so/so0006' is de TOOI-URI van Regio Gooi en "
    "Vechtstreek uit het voorbeeld, dus wordt er niet geëxporteerd of gepubliceerd (vul de "
    "TOOI-URI van uw organisatie in, uit de DiWoo-waardelijsten, zoals "
    "https://identifier.overheid.nl/tooi/id/gemeente/gm0363 voor gemeente Amsterdam)"
)
KEPT_URL = (
    "publicatie_url: 'https://www.regiogv.nl/stukken/' is de website van Regio Gooi en "
    "Vechtstreek uit het voorbeeld, dus wordt er niet geëxporteerd of gepubliceerd (vul het "
    "webadres in waar uw organisatie de gepubliceerde stukken zet, zoals "
    "https://www.voorbeeld.nl/stukken/)"
)


def test_the_example_settings_renamed_alone_are_warned_as_regio_gvs_identity(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: no word, and export published under Regio GV's TOOI with links to regiogv.nl
    (messages review M-M4): copying the example is how an organisation likely starts."""
    settings = example_project / "dossiers" / "organisatie.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace("naam: Regio Gooi en Vechtstreek", "naam: Regio Utrecht"), encoding="utf-8"
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    url_line = line_of(example_project, "dossiers/organisatie.yaml", "publicatie_url:")
    tooi_line = line_of(example_project, "dossiers/organisatie.yaml", "tooi:")
    # Each pointed at by its line, where the clerk changes it (review M-M4).
    assert result.stderr.splitlines() == [
        f"dossiers/organisatie.yaml:{tooi_line}: waarschuwing: {KEPT_TOOI}",
        f"dossiers/organisatie.yaml:{url_line}: waarschuwing: {KEPT_URL}",
    ]
    # Its own site's address and TOOI: no word.
    settings.write_text(
        text.replace("naam: Regio Gooi en Vechtstreek", "naam: Regio Utrecht")
        .replace("https://www.regiogv.nl/stukken/", "https://www.regioutrecht.nl/regiogv.nl/")
        .replace("so/so0006", "gemeente/gm0344"),
        encoding="utf-8",
    )
    assert run_cli("check", cwd=example_project).stderr == ""


@pytest.mark.parametrize(
    "url", ["https://regiogv.nl/", "http://WWW.REGIOGV.NL/andere/", "https://stukken.regiogv.nl/"]
)
def test_a_publicatie_url_anywhere_on_the_examples_site_is_warned(
    example_project: Path, run_cli: RunCli, url: str
) -> None:
    settings = example_project / "dossiers" / "organisatie.yaml"
    settings.write_text(
        "naam: Regio Utrecht\ntooi: https://identifier.overheid.nl/tooi/id/gemeente/gm0344\n"
        f"publicatie_url: {url}\n",
        encoding="utf-8",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"dossiers/organisatie.yaml:3: waarschuwing: {KEPT_URL}".replace(
            "https://www.regiogv.nl/stukken/", url
        )
    ]


def test_the_repositorys_own_example_settings_are_said_nothing_of(
    example_project: Path, run_cli: RunCli
) -> None:
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr, result.stdout) == (0, "", CHECKED_EXAMPLE)


def test_a_left_out_tooi_is_suggested_from_the_diwoo_lists_by_the_name(
    example_project: Path, run_cli: RunCli
) -> None:
    settings = example_project / "dossiers" / "organisatie.yaml"
    settings.write_text(
        "naam: Gemeente  Amsterdam\npublicatie_url: https://www.amsterdam.nl/stukken/\n",
        encoding="utf-8",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "dossiers/organisatie.yaml: waarschuwing: tooi: ontbreekt; zonder zou de export de "
        "TOOI-URI van Regio Gooi en Vechtstreek dragen (https://identifier.overheid.nl/tooi/id/"
        "so/so0006), dus wordt er niet geëxporteerd of gepubliceerd (vul de TOOI-URI van uw "
        "organisatie in; volgens de DiWoo-waardelijsten is die van gemeente Amsterdam: "
        "https://identifier.overheid.nl/tooi/id/gemeente/gm0363)"
    ]


@pytest.mark.parametrize(
    "name",
    ["", "naam: Regio Gooi en Vechtstreek\n", "naam: regio gooi en  Vechtstreek\n"],
    ids=["naam-weggelaten", "naam-van-regio-gv", "andere-hoofdletters"],
)
def test_regio_gv_leaves_out_its_own_tooi_and_publicatie_url_without_a_word(
    example_project: Path, run_cli: RunCli, name: str
) -> None:
    settings = example_project / "dossiers" / "organisatie.yaml"
    settings.write_text(f"{name}logo: huisstijl/logo.png\n", encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "In orde: 2 vergaderingen, 6 dossiers gecontroleerd.\n"


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (
            "/etc/logo.png",
            "'/etc/logo.png' is een absoluut pad (schrijf de bestandsnaam in de map dossiers/)",
        ),
        (
            "../logo.png",
            "'../logo.png' verwijst buiten de map dossiers/ (zet het bestand in de map dossiers/)",
        ),
        (
            # Stays inside, but '..' is refused all the same; was: "verwijst buiten".
            "huisstijl/../huisstijl/logo.png",
            "'huisstijl/../huisstijl/logo.png': gebruik geen '..' in het pad (schrijf "
            "'huisstijl/logo.png')",
        ),
        (
            "huisstijl",
            "'huisstijl' is een map, geen bestand (schrijf het pad naar het logo zelf, "
            "bijvoorbeeld huisstijl/logo.png)",
        ),
        (
            "huisstijl\\logo.png",
            "'huisstijl\\logo.png' heeft '\\' tussen map en bestand (schrijf '/': "
            "'huisstijl/logo.png')",
        ),
        (
            "Huisstijl/Logo.png",
            "'Huisstijl/Logo.png' bestaat niet, 'huisstijl/logo.png' wel: hoofdletters en kleine "
            "letters tellen mee (schrijf de naam precies zo)",
        ),
    ],
    ids=["absoluut", "erbuiten", "erbinnen-met-puntjes", "een-map", "backslash", "hoofdletters"],
)
def test_a_logo_path_is_said_from_the_folder_organisatie_yaml_is_in(
    example_project: Path, run_cli: RunCli, logo: str, message: str
) -> None:
    edit(example_project, "dossiers/organisatie.yaml", r"^logo: .*", f"logo: {logo}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    line = line_of(example_project, "dossiers/organisatie.yaml", "logo:")
    assert result.stderr.splitlines()[0] == f"dossiers/organisatie.yaml:{line}: logo: {message}"


def test_a_script_reads_why_nothing_was_checked(example_project: Path, run_cli: RunCli) -> None:
    edit(example_project, "dossiers/organisatie.yaml", r"^tooi: .*", "tooi: x")
    result = run_cli("check", "--json", cwd=example_project)
    assert result.exit_code == 2
    said = json.loads(result.stdout)
    assert said[0]["veld"] == "tooi" and said[0]["bestand"] == "dossiers/organisatie.yaml"
    # Review spec S5: at the file, as every other entry (was: an empty bestand, the file's
    # name inside the melding).
    assert said[-1] == {
        "bestand": "dossiers/organisatie.yaml",
        "regel": None,
        "veld": "",
        "melding": "ongeldige instellingen, daarom is niets gecontroleerd of gemaakt (verbeter "
        "eerst dit bestand)",
        "ernst": "fout",
    }


def test_a_check_stopped_by_the_settings_ends_with_a_count(
    example_project: Path, run_cli: RunCli
) -> None:
    """Review spec S5: stdout was empty, where README promises a count."""
    edit(example_project, "dossiers/organisatie.yaml", r"^tooi: .*", "tooi: x")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    assert result.stdout == "Niet in orde: 1 fout in 1 bestand; niets gecontroleerd.\n"
    assert result.stderr.splitlines()[-1] == (
        "fout: dossiers/organisatie.yaml: ongeldige instellingen, daarom is niets gecontroleerd "
        "of gemaakt (verbeter eerst dit bestand)"
    )
    (example_project / "dossiers" / "organisatie.yaml").rename(
        example_project / "dossiers" / "Organisatie.yaml"
    )
    misnamed = run_cli("check", cwd=example_project)
    assert misnamed.exit_code == 2
    assert misnamed.stdout == "Niet in orde: 1 fout in 1 bestand; niets gecontroleerd.\n"


def test_tooi_organisations_are_the_organisation_values_of_the_diwoo_lists() -> None:
    # The check reads the list with a pattern, for speed; an XML parser must read the same.
    from lxml import etree

    from assembler.model import known_tooi_organisations

    xsd = REPO / "assembler" / "data" / "standards" / "diwoo-metadata-lijsten.xsd"
    values = etree.parse(str(xsd)).xpath(
        "//xs:enumeration/@value", namespaces={"xs": "http://www.w3.org/2001/XMLSchema"}
    )
    prefix = "https://identifier.overheid.nl/tooi/id/"
    parsed = {str(value) for value in values if str(value).startswith(prefix)}
    assert len(parsed) > 1000
    assert known_tooi_organisations() == parsed
    assert "https://identifier.overheid.nl/tooi/id/gemeente/gm0402" in parsed  # Hilversum


def test_one_bad_dossier_leaves_the_others_valid(example_project: Path) -> None:
    from assembler.project import Project
    from assembler.validate import load_catalog

    edit(example_project, SEED, r"^verspreiden: Ja", "verspreiden: No")
    catalog = load_catalog(Project(example_project))
    assert len(catalog.errors) == 1
    economie = next(m for m in catalog.meetings if m.name == ECONOMIE)
    assert economie.dossiers == []
    wonen = next(m for m in catalog.meetings if m.name == WONEN)
    assert len(wonen.dossiers) >= 4


def test_check_of_one_dossier_reports_only_that_dossier(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^verspreiden: Ja", "verspreiden: No")
    other = f"dossiers/{WONEN}"
    assert run_cli("check", other, cwd=example_project).exit_code == 0
    assert run_cli("check", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project).exit_code == 1


def test_no_project_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("fout: geen project gevonden")


def test_a_cancelled_meeting_with_dossiers_on_its_agenda_is_warned_of(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    path = example_project / meeting
    path.write_text(path.read_text(encoding="utf-8") + "geannuleerd: ja\n", encoding="utf-8")
    line = line_of(example_project, meeting, "geannuleerd:")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{meeting}:{line}: waarschuwing: geannuleerd: de vergadering gaat niet door, maar er "
        "staat nog 1 dossier op de agenda (zet het op een volgende vergadering met 'assembler "
        "verplaats', of laat het staan: dan blijft het bij deze vergadering)"
    ]
    edit(example_project, meeting, r"^geannuleerd: ja", "geannuleerd: misschien")
    refused = run_cli("check", cwd=example_project)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"{meeting}:{line}: geannuleerd: 'misschien' is geen geldige waarde (schrijf Ja of Nee)"
    ]
    edit(example_project, meeting, r"^geannuleerd: misschien", "geannuleerd: Nee")
    assert run_cli("check", cwd=example_project).stderr == ""


def test_check_inside_a_dossiers_folder_reached_through_a_link_finds_its_project(
    example_project: Path, tmp_path: Path
) -> None:
    """Was: inside dossiers/ linked to a shared drive, the system's name of the working
    folder is on that drive: "geen project gevonden", or the drive's folder as the project
    (every template missing)."""
    shared = tmp_path / "schijf"
    shared.mkdir()
    shutil.move(example_project / "dossiers", shared / "dossiers")
    (example_project / "dossiers").symlink_to(shared / "dossiers", target_is_directory=True)
    (shared / "templates").mkdir()  # a look-alike project on the drive is not taken
    edit(example_project, SEED, r"^kenmerk: .*", 'kenmerk: ""')
    inside = example_project / "dossiers" / ECONOMIE
    result = python_m(inside, "check", ".", environment={"PWD": str(inside)}, text=True)
    assert result.returncode == 1, result.stderr
    line = line_of(example_project, SEED, "kenmerk:")
    assert result.stderr.splitlines() == [f"{SEED}:{line}: kenmerk: is leeg (vul een waarde in)"]
    whole = python_m(inside.parent, "check", environment={"PWD": str(inside.parent)}, text=True)
    assert whole.stdout == "Niet in orde: 1 fout in 1 bestand; 5 dossiers in orde.\n", whole.stderr


@pytest.mark.parametrize(
    ("doel", "expected"),
    [
        ("Vaststellen", "ter besluitvorming"),
        ("Ter besluitvorming", "ter besluitvorming"),
        ("ter  Bespreking", "ter bespreking"),
        ("Opiniërend", "ter bespreking"),
        ("Kennisname", "ter informatie"),
        ("Ter kennisgeving aannemen", None),
        # Every other word of the README's table, with the purpose it gives it.
        ("Besluiten", "ter besluitvorming"),
        ("Besluitvorming", "ter besluitvorming"),
        ("Instemmen", "ter besluitvorming"),
        ("Bespreken", "ter bespreking"),
        ("Adviseren", "ter bespreking"),
        ("Advies", "ter bespreking"),
        ("Opinievorming", "ter bespreking"),
        ("Informeren", "ter informatie"),
        ("Informatie", "ter informatie"),
        ("Kennisnemen", "ter informatie"),
    ],
)
def test_a_doel_is_read_as_one_of_the_agendas_three_purposes(
    doel: str, expected: str | None
) -> None:
    from assembler.inputs import agenda_purpose

    assert agenda_purpose(doel) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(a+)+$",
        r"(\w+\s?)*$",
        r"^(?:a|aa)*$",
        r"(.*a){20}",
        r"\d*\d*\d*\d*\d*x",
        r"^(?=(a+)+$)\d+$",
        r"(?>(\d+)*)x",
    ],
)
def test_a_kenmerkpatroon_that_backtracks_without_end_is_refused(pattern: str) -> None:
    from pydantic import ValidationError

    from assembler.model import Organisatie

    with pytest.raises(ValidationError) as caught:
        Organisatie.model_validate({"kenmerkpatroon": pattern})
    (error,) = caught.value.errors()
    assert error["loc"] == ("kenmerkpatroon",)
    assert "laat de controle vastlopen" in error["msg"]


def test_the_atomic_group_the_refusal_suggests_is_accepted() -> None:
    from assembler.model import Organisatie

    # The catalogue's refused pattern, written as the message says: (?>...) for its group.
    accepted = Organisatie.model_validate({"kenmerkpatroon": r"(?>\w+\s?)*$"})
    assert accepted.reference_pattern == r"(?>\w+\s?)*$"


@pytest.mark.parametrize(
    "pattern",
    [
        r"^\d{2}\.\d{7}$",
        r"^\d{4}-\d{6}$",
        r"^[A-Z]{2,5}/\d{4}/\d+$",
        r"^(RGV|GV)-\d{4}/\d+$",
        r"^[A-Z]+-\d+-\d+-\d+$",
        r"^(\d{1,3}\.){3}\d{1,3}$",
        r"^(?>\w+\s?)*$",
        r"^(\w++)+$",
    ],
)
def test_a_kenmerkpatroon_that_gives_up_quickly_is_accepted(pattern: str) -> None:
    from assembler.model import Organisatie

    assert Organisatie.model_validate({"kenmerkpatroon": pattern}).reference_pattern == pattern


LOOSE_TEXT = (
    "de tekst onder 'toelichting:' staat er zonder '|': dan lopen de regels in elkaar over en "
    "vallen regels die met # beginnen weg (zet '|' achter 'toelichting:', dan blijven kopjes, "
    "lijsten en lege regels zoals ze zijn)"
)


def _write_toelichting(project: Path, block: str) -> int:
    """Replace the seed's toelichting with ``block``; return the line of 'toelichting:'."""
    path = project / SEED
    text = path.read_text(encoding="utf-8")
    start, end = text.index("toelichting: |"), text.index("bijlagen:")
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return text[:start].count("\n") + 1


@pytest.mark.parametrize(
    ("block", "exit_code", "severity"),
    [
        # Still reads: the heading is taken for a comment and dropped, the paragraphs joined.
        (
            "toelichting:\n  ### Aanleiding\n\n  De regio wil fietsen.\n\n  Tweede alinea.\n",
            0,
            "waarschuwing: ",
        ),
        # Still reads: the list becomes part of the sentence.
        (
            "toelichting:\n  De regio wil meer fietsparkeren.\n  - punt een\n  - punt twee\n",
            0,
            "waarschuwing: ",
        ),
        # A second heading ends the text as a comment would, and the next line breaks the file.
        ("toelichting:\n  ### Aanleiding\n\n  Fietsen.\n\n  ### Geld\n\n  Er is geld.\n", 1, ""),
        ("toelichting: De regio wil\n  ### Kop\n  meer fietsparkeren.\n", 1, ""),
        # '*' (or '&') anywhere in the file has it read for anchors first, which said only
        # that the line below did not fit.
        (
            "toelichting:\n  Inleiding.\n\n  ### Aanleiding\n\n  De regio wil **meer** fietsen.\n",
            1,
            "",
        ),
    ],
)
def test_running_text_without_a_bar_is_said_as_such(
    example_project: Path, run_cli: RunCli, block: str, exit_code: int, severity: str
) -> None:
    line = _write_toelichting(example_project, block)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == exit_code, result.stderr
    assert result.stderr == f"{SEED}:{line}: {severity}toelichting: {LOOSE_TEXT}\n"


@pytest.mark.parametrize(
    ("block", "warned"),
    [
        ("toelichting: >\n  ### Aanleiding\n  De regio wil fietsen.\n", True),
        ("toelichting: >-\n  De regio wil:\n  - meer fietsparkeren\n  - snelfietsroutes\n", True),
        # Folding a wrapped paragraph is what '>' is for; a blank line keeps paragraphs apart.
        (
            "toelichting: >\n  De regio wil meer\n  fietsparkeren.\n\n  ### Geld\n\n  Er is.\n",
            False,
        ),
        # '3.' does not start a list below a paragraph line, with '|' neither; a comment below
        # the text is not part of it.
        ("toelichting: >\n  Zie punt\n  3. van de agenda.\n# Bijlagen\n", False),
        # One blank line folds to one line break: two paragraphs become one.
        ("toelichting: >\n  Eerste alinea.\n\n  Tweede alinea.\n", True),
        ("toelichting: >\n  Eerste alinea.\n\n\n  Tweede alinea.\n", False),
        # A dash that opens an aside closed on its line, and a hashtag line, are text.
        (
            "toelichting: >\n  Er wachten 187 jongeren\n  - 42 van hen lang - op hulp.\n"
            "  #regiowerkt\n  en meer.\n",
            False,
        ),
    ],
)
def test_running_text_folded_with_a_greater_than_sign_is_said_where_it_joins(
    example_project: Path, run_cli: RunCli, block: str, warned: bool
) -> None:
    line = _write_toelichting(example_project, block)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    folded = (
        f"{SEED}:{line}: waarschuwing: toelichting: de tekst onder 'toelichting: >' loopt in "
        "elkaar over: alinea's, kopjes en punten van een lijst komen achter de regel erboven "
        "(zet '|' in plaats van '>' achter 'toelichting:')\n"
    )
    assert result.stderr == (folded if warned else "")


def test_running_text_read_as_a_list_says_to_add_the_bar(
    example_project: Path, run_cli: RunCli
) -> None:
    block = "toelichting:\n  De regio wil meer fietsparkeren:\n\n  - punt een\n  - punt twee\n"
    line = _write_toelichting(example_project, block)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{SEED}:{line}: toelichting: moet doorlopende tekst zijn, maar staat er zonder '|': "
        "dan leest YAML een regel die op ':' eindigt of met '- ' begint als veld of lijst (zet "
        "'|' achter de dubbele punt, dan blijven kopjes, lijsten en lege regels zoals ze zijn)\n"
    )


def test_a_placeholder_left_in_running_text_is_said_at_its_own_line(
    example_project: Path, run_cli: RunCli
) -> None:
    # As `assembler new` writes it: the '...' two lines below 'toelichting: |', not at the key.
    block = "toelichting: |\n  ### Beknopte toelichting\n\n  De regio wil ...\n"
    line = _write_toelichting(example_project, block)
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (
        0,
        f"{SEED}:{line + 3}: waarschuwing: toelichting: bevat nog '...' uit het nieuwe dossier "
        "(vul de tekst in)\n",
    )


def test_a_list_item_without_its_dash_is_still_said_as_such(
    example_project: Path, run_cli: RunCli
) -> None:
    # voorstel is a list, not running text: its first item lost its dash, not a '|'.
    edit(
        example_project,
        SEED,
        r"^  - Instemmen met bijgaand voorstel aanpak actieplan Werklocaties",
        "  Instemmen met bijgaand voorstel\n  - Kennisnemen van het actieplan",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert "'|'" not in result.stderr
    assert "met '- '" in result.stderr, result.stderr


def test_what_the_new_checks_leave_alone(example_project: Path, run_cli: RunCli) -> None:
    # A wrapped paragraph without '|' comes out as Markdown would join it anyway; a public
    # item about secrecy is no confidential item; 'bijlage-1a' is not 'bijlage 1'.
    path = example_project / SEED
    text = path.read_text(encoding="utf-8")
    start, end = text.index("toelichting: |"), text.index("bijlagen:")
    wrapped = "toelichting:\n  De regio wil meer\n  fietsparkeren bij stations.\n"
    path.write_text(text[:start] + wrapped + text[end:], encoding="utf-8")
    edit(
        example_project,
        MEETING,
        r"^  - dossier: werklocaties\n",
        "  - dossier: werklocaties\n  - Bekrachtiging geheimhouding\n",
    )
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    first = "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    (folder / first).rename(folder / "bijlage-2a-voorstel.pdf")  # listed first: no '2'
    edit(example_project, SEED, re.escape(first), "bijlage-2a-voorstel.pdf")
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_misspelt_dossier_key_on_the_agenda_is_said_as_a_misspelling(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, MEETING, r"^  - dossier: werklocaties", "  - Dossier: werklocaties")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert "leest door de ':'" not in result.stderr
    assert "bedoelt u 'dossier'?" in result.stderr, result.stderr


def test_a_public_dossier_naming_a_confidential_one_is_warned_about_at_the_line(
    example_project: Path, run_cli: RunCli
) -> None:
    """As the export's gate would stop on it: a kenmerk from any meeting, a short title only
    from the dossier's own meeting (a common title in another meeting is not its leak)."""
    mandaat = f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml"
    edit(example_project, mandaat, r"^onderwerp: .*$", "onderwerp: Stand van zaken")
    edit(
        example_project,
        SEED,
        r"^  - Instemmen met bijgaand voorstel aanpak actieplan Werklocaties$",
        "  - Instemmen met bijgaand voorstel aanpak actieplan Werklocaties (zie 23.0002150 en "
        "de stand van zaken)",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    secret = f"van {mandaat}, dat niet openbaar is: zo komt het in de openbare stukken en stopt"
    common = (
        "(haal het hier weg, of maak, als het een gangbare titel is, het onderwerp van het "
        "vertrouwelijke dossier specifieker)"
    )
    memo = f"dossiers/{WONEN}/memo-huisvestingsverordening/dossier.yaml"
    res = f"dossiers/{WONEN}/res-voortgang/dossier.yaml"
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, '  - Instemmen')}: waarschuwing: "
        f"voorstel[1]: noemt het kenmerk '23.0002150' {secret} de export (haal het hier weg)",
        f"{memo}:{line_of(example_project, memo, 'onderwerp:')}: waarschuwing: onderwerp: "
        f"noemt het onderwerp 'Stand van zaken' {secret} de export {common}",
        f"{res}:{line_of(example_project, res, '  ### Stand van zaken')}: waarschuwing: "
        f"toelichting: noemt het onderwerp 'Stand van zaken' {secret} de export {common}",
    ]


def test_a_confidential_title_in_bold_or_with_an_invisible_space_is_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    """The gate reads the printed PDF, where '**' is gone and a zero-width space unseen."""
    edit(
        example_project,
        SEED,
        r"^  - Instemmen met bijgaand voorstel aanpak actieplan Werklocaties$",
        "  - Instemmen, zie 23.000\u200b2150 en het **Onderhandelingsmandaat** provinciale "
        "bijdrage Woningbouwimpuls",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    said = [line.split(": noemt ")[1].split(" van ")[0] for line in result.stderr.splitlines()]
    assert said == [
        "het kenmerk '23.0002150'",
        "het onderwerp 'Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls'",
    ]


def test_a_confidential_title_retyped_without_its_quotation_marks_is_warned_about(
    example_project: Path, run_cli: RunCli
) -> None:
    """Clerk walk: the gate (and check) found the title only with its quotes where they were."""
    mandaat = f"dossiers/{WONEN}/mandaat-woningbouwimpuls/dossier.yaml"
    title = "Onderhandelingsmandaat \u201cProvinciale bijdrage\u201d Woningbouwimpuls"
    edit(example_project, mandaat, r"^onderwerp: .*$", f"onderwerp: {title}")
    edit(
        example_project,
        SEED,
        r"^  ### Beknopte toelichting$",
        "  ### Beknopte toelichting\n\n  Zie het Onderhandelingsmandaat provinciale bijdrage "
        "woningbouwimpuls.",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    line = line_of(example_project, SEED, "  Zie het Onderhandelingsmandaat")
    assert result.stderr.startswith(
        f"{SEED}:{line}: waarschuwing: toelichting: noemt het onderwerp '{title}' van {mandaat}, "
        "dat niet openbaar is"
    ), result.stderr


def test_a_confidential_title_wrapped_over_two_lines_is_warned_about_where_it_begins(
    example_project: Path, run_cli: RunCli
) -> None:
    """Clerk walk: a title the editor wrapped was warned about at 'toelichting: |', the
    field's first line, not at the line of the toelichting that names it."""
    edit(
        example_project,
        SEED,
        r"^  ### Beknopte toelichting$",
        "  ### Beknopte toelichting\n\n  Dit hangt samen met het Onderhandelingsmandaat\n"
        "  provinciale bijdrage Woningbouwimpuls van juni.",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    line = line_of(example_project, SEED, "  Dit hangt samen")
    assert [said.split(": waarschuwing: ")[0] for said in result.stderr.splitlines()] == [
        f"{SEED}:{line}"
    ], result.stderr
    assert "toelichting: noemt het onderwerp 'Onderhandelingsmandaat" in result.stderr


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "datum: 26-5-2023",
            "'26-5-2023' is geen datum in de vorm JJJJ-MM-DD (schrijf 2023-05-26)",
        ),
        (
            "datum: 26 mei 2023",
            "'26 mei 2023' is geen datum in de vorm JJJJ-MM-DD (schrijf 2023-05-26)",
        ),
        (
            "datum: 31-2-2023",
            "'31-2-2023' is geen datum in de vorm JJJJ-MM-DD (schrijf bijvoorbeeld 2023-04-11)",
        ),
        (
            "verspreiden: 'Ja '",
            "'Ja ' heeft een spatie ervoor of erachter (schrijf Ja of Nee, zonder spatie)",
        ),
    ],
)
def test_a_date_or_value_written_otherwise_is_said_with_what_to_write(
    example_project: Path, run_cli: RunCli, typed: str, said: str
) -> None:
    key = typed.split(":")[0]
    edit(example_project, SEED, rf"^{key}: .*$", typed)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, SEED, f"{key}:")
    assert f"{SEED}:{line}: {key}: {said}" in result.stderr.splitlines(), result.stderr


# "9.30 uur" too: what it means is as certain (revH H10).
@pytest.mark.parametrize("typed", ["9:30", "09.30", '"9.30"', "9.30 uur", "9:30 uur"])
def test_a_start_time_as_the_agenda_prints_it_is_understood(
    example_project: Path, run_cli: RunCli, typed: str
) -> None:
    edit(
        example_project, f"dossiers/{WONEN}/vergadering.yaml", r"^aanvang: .*$", f"aanvang: {typed}"
    )
    result = run_cli("build", "--geen-pdf", f"dossiers/{WONEN}", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    document = (example_project / "build" / WONEN / "agenda.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        assert "09.30 uur" in archive.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ('"25:00"', "'25:00' is geen bestaande tijd (schrijf bijvoorbeeld \"14:00\")"),
        ("14.75", "'14.75' is geen tijd in de vorm UU:MM (schrijf bijvoorbeeld \"14:00\")"),
        ("half tien", "'half tien' is geen tijd in de vorm UU:MM (schrijf bijvoorbeeld \"14:00\")"),
    ],
)
def test_a_start_time_that_does_not_exist_is_told_from_one_in_another_form(
    example_project: Path, run_cli: RunCli, typed: str, said: str
) -> None:
    """Was: "'25:00' is geen tijd in de vorm UU:MM", which it is (messages review M-L6)."""
    meeting = f"dossiers/{WONEN}/vergadering.yaml"
    edit(example_project, meeting, r"^aanvang: .*$", f"aanvang: {typed}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{meeting}:4: aanvang: {said}"]


def test_a_start_time_option_that_does_not_exist_is_said_so(
    example_project: Path, run_cli: RunCli
) -> None:
    result = run_cli(
        "vergadering",
        "dossiers/2024-03-22-pfho-zorg",
        *("--overleg", "Pfho Zorg", "--aanvang", "25:00", "--locatie", "Hilversum"),
        cwd=example_project,
    )
    assert (result.exit_code, result.stderr) == (
        2,
        "fout: er is geen vergadering gemaakt: --aanvang: '25:00' is geen bestaande tijd "
        '(schrijf bijvoorbeeld "14:00")\n',
    )


def test_the_summary_says_which_meetings_dossiers_it_did_not_count(
    example_project: Path, run_cli: RunCli
) -> None:
    """A refused vergadering.yaml leaves its dossiers out of '… in orde': said so, not hidden."""
    edit(
        example_project,
        f"dossiers/{WONEN}/vergadering.yaml",
        r"^aanvang: .*$",
        "aanvang: half tien",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        f"Niet in orde: 1 fout in 1 bestand; 1 dossier in orde (zonder de dossiers van {WONEN}: "
        "die vergadering.yaml is afgekeurd)."
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            f"dossiers\\{ECONOMIE}",
            f"dossiers\\{ECONOMIE}: bestaat niet: '\\' staat tussen de mappen, waar '/' hoort "
            f"(schrijf 'dossiers/{ECONOMIE}')",
        ),
        (
            # The space would not show: the path is quoted.
            f"{ECONOMIE} ",
            f"'{ECONOMIE} ': bestaat niet: een naam heeft een spatie aan het begin of eind "
            f"(schrijf '{ECONOMIE}')",
        ),
        (
            f"dossiers/{ECONOMIE}/werklocatie",
            f"dossiers/{ECONOMIE}/werklocatie: bestaat niet (bedoelt u "
            f"'dossiers/{ECONOMIE}/werklocaties'?)",
        ),
        (ECONOMIE.upper(), f"{ECONOMIE.upper()}: bestaat niet (bedoelt u '{ECONOMIE}'?)"),
        ("nergens", "nergens: bestaat niet (geef een vergadermap of dossiermap op)"),
    ],
)
def test_a_path_to_check_that_does_not_exist_gets_the_hints_an_annex_name_gets(
    example_project: Path, run_cli: RunCli, typed: str, said: str
) -> None:
    """Was 'bestaat niet' alone: for a Windows path, and with a space at its end unseen."""
    result = run_cli("check", typed, cwd=example_project)
    assert (result.exit_code, result.stderr) == (2, f"fout: {said}\n")


def test_text_cut_short_at_a_number_sign_is_said(example_project: Path, run_cli: RunCli) -> None:
    """YAML takes ' #' for a comment: 'plan #3 en ...' silently loses all after 'plan'."""
    edit(example_project, SEED, r"^  - Instemmen met", "  - Instemmen met plan #3 en")
    edit(example_project, SEED, r"^eenheid: .*", "eenheid: Beleid   # zoals in de ondertekening")
    edit(example_project, SEED, r"^datum: .*", "datum: 2023-04-11 #gewijzigd")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - Opening.*", "  - Verslag #3 en actielijst")
    # A comment after a value, as in the examples of the docs, or after a date, is left alone.
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    decision = line_of(example_project, SEED, "  - Instemmen met plan")
    item = line_of(example_project, meeting, "  - Verslag")
    cut = (
        "valt weg: YAML leest ' #' als het begin van een opmerking "
        '(zet de hele tekst tussen aanhalingstekens: "...")'
    )
    assert result.stderr.splitlines() == [
        f"{meeting}:{item}: waarschuwing: agenda[1]: de tekst vanaf '#3 en actielijst' {cut}",
        f"{SEED}:{decision}: waarschuwing: voorstel[1]: de tekst vanaf "
        f"'#3 en bijgaand voorstel aanpak actieplan…' {cut}",
    ]


def test_single_quotes_around_a_dutch_name_with_an_apostrophe_are_said(
    example_project: Path, run_cli: RunCli
) -> None:
    """'s-Graveland, gemeentehuis' closed with the same quote, as a message once advised: YAML
    drops the apostrophe and the agenda said 's-Graveland' without it, without a word."""
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^locatie: .*", "locatie: 's-Graveland, gemeentehuis'")
    # Double quotes keep it; so does a name in the middle of the text.
    edit(example_project, SEED, r"^onderwerp: .*", 'onderwerp: "\'s-Hertogenbosch: aanpak"')
    edit(example_project, SEED, r"^eenheid: .*", "eenheid: 'Beleid, regio ''s-Graveland'")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    place = line_of(example_project, meeting, "locatie:")
    assert result.stderr.splitlines() == [
        f"{meeting}:{place}: waarschuwing: locatie: YAML leest de ' aan het begin en het eind "
        'als aanhalingstekens en laat ze weg, dus komt er "s-Graveland, gemeentehuis" in het '
        "document, zonder apostrof; bedoelt u 's-Graveland? (zet de tekst dan tussen dubbele "
        'aanhalingstekens: "\'s-Graveland, gemeentehuis")'
    ]


def test_text_cut_short_at_a_number_sign_with_a_space_is_said(
    example_project: Path, run_cli: RunCli
) -> None:
    """'regeling # 2 werklocaties' loses '# 2 werklocaties' as much as 'regeling #2' does."""
    edit(example_project, SEED, r"^onderwerp: .*", "onderwerp: Wijziging regeling # 2 werklocaties")
    edit(example_project, SEED, r"^  - Instemmen met", "  - Instemmen met plan # 3 en")
    # A one-word value with a note after it cuts nothing off; nor does a note on its own line,
    # nor one where the value would be (quoted, as the advice says, it would be the value).
    edit(example_project, SEED, r"^verspreiden: Ja", "verspreiden: Ja # openbaar")
    edit(example_project, SEED, r"^portefeuillehouder: .*", "portefeuillehouder: # nog niet bekend")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - dossier: werklocaties", "  - dossier: werklocaties # zie")
    edit(example_project, meeting, r"^locatie: .*", "locatie: Regiokantoor # tweede verdieping")
    # The organisation's name heads every document.
    edit(example_project, "dossiers/organisatie.yaml", r"^naam: .*", "naam: Regio # 2")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    subject = line_of(example_project, SEED, "onderwerp:")
    decision = line_of(example_project, SEED, "  - Instemmen met plan")
    place = line_of(example_project, meeting, "locatie:")
    name = line_of(example_project, "dossiers/organisatie.yaml", "naam:")
    # It may be a note meant as one: the advice says how to keep it one too.
    cut = (
        "valt weg: YAML leest ' #' als het begin van een opmerking "
        "(zet de hele tekst tussen aanhalingstekens: \"...\", of zet twee spaties voor '#' als "
        "het een opmerking is)"
    )
    assert result.stderr.splitlines() == [
        f"dossiers/organisatie.yaml:{name}: waarschuwing: naam: de tekst vanaf '# 2' {cut}",
        # 'Regio' is not Regio Gooi en Vechtstreek, whose tooi and publicatie_url it keeps.
        f"dossiers/organisatie.yaml:{name + 1}: waarschuwing: {KEPT_TOOI}",
        f"dossiers/organisatie.yaml:{name + 5}: waarschuwing: {KEPT_URL}",
        f"{meeting}:{place}: waarschuwing: locatie: de tekst vanaf '# tweede verdieping' {cut}",
        f"{SEED}:{subject}: waarschuwing: onderwerp: de tekst vanaf '# 2 werklocaties' {cut}",
        f"{SEED}:{decision}: waarschuwing: voorstel[1]: de tekst vanaf "
        f"'# 3 en bijgaand voorstel aanpak…' {cut}",
    ]


def test_a_dossier_folder_with_a_space_or_accent_is_said_once_with_a_name_to_use(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    folder = example_project / "dossiers" / ECONOMIE
    (folder / "werklocaties").rename(folder / "Café Plan")
    edit(example_project, meeting, r"^  - dossier: werklocaties", "  - dossier: Café Plan")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  - dossier: Café')}: agenda[2].dossier: "
        "'Café Plan' kan niet op de agenda: de naam van een dossiermap mag alleen letters zonder "
        "accent, cijfers, punten en streepjes bevatten (hernoem de map, bijvoorbeeld naar "
        "'cafe-plan', en schrijf die naam hier)"
    ]


@pytest.mark.parametrize("name", ["dossier.yml", "Dossier.yaml", "dossier.yaml.txt"])
def test_a_dossier_file_under_another_name_is_said_with_its_name(
    example_project: Path, run_cli: RunCli, name: str
) -> None:
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    (folder / "dossier.yaml").rename(folder / name)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith(
        f": de map bevat '{name}' (hernoem dat bestand naar dossier.yaml)"
    ), result.stderr


@pytest.mark.parametrize("name", ["vergadering.yml", "Vergadering.yaml", "vergadering.yaml.txt"])
def test_a_meeting_file_under_another_name_is_said_with_its_name(
    example_project: Path, run_cli: RunCli, name: str
) -> None:
    (example_project / MEETING).rename(example_project / "dossiers" / ECONOMIE / name)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"dossiers/{ECONOMIE}: map zonder vergadering.yaml: de map bevat '{name}' (hernoem dat "
        "bestand naar vergadering.yaml)"
    ]


@pytest.mark.parametrize(
    "name", ["organisatie.yml", "Organisatie.yaml", "organisatie.yaml.txt", "organisatie.txt"]
)
def test_an_organisation_file_under_another_name_stops_everything(
    example_project: Path, run_cli: RunCli, name: str
) -> None:
    """Read under no name, its settings would give way to the defaults in every document."""
    dossiers = example_project / "dossiers"
    (dossiers / "organisatie.yaml").rename(dossiers / name)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"fout: dossiers/{name}: heet niet organisatie.yaml, dus worden de instellingen niet "
        "gelezen en is niets gecontroleerd of gemaakt (hernoem het bestand naar organisatie.yaml)",
    ]


def test_a_copy_kept_aside_is_no_misnamed_settings_file(
    example_project: Path, run_cli: RunCli
) -> None:
    """'organisatie.yaml.bak' is a backup: without organisatie.yaml the defaults hold."""
    dossiers = example_project / "dossiers"
    (dossiers / "organisatie.yaml").rename(dossiers / "organisatie.yaml.bak")
    folder = dossiers / ECONOMIE / "werklocaties"
    (folder / "dossier.yaml").rename(folder / "dossier.yaml.oud")
    (dossiers / WONEN / "vergadering.yaml").rename(dossiers / WONEN / "vergadering.yaml.bak")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  - dossier: werklocaties')}: "
        f"agenda[2].dossier: er is geen dossiermap 'werklocaties' met een dossier.yaml in "
        f"dossiers/{ECONOMIE} (controleer de mapnaam; is het dossier weggehaald, haal dan ook "
        "deze regel van de agenda)",
        f"dossiers/{WONEN}: map met dossiers maar zonder vergadering.yaml (is het een "
        "vergadering: maak vergadering.yaml aan met overleg, datum, aanvang, locatie en agenda; "
        "zijn het ingetrokken dossiers: zet ze buiten dossiers/)",
    ]
    assert result.stdout.startswith("Niet in orde: 2 fouten in 1 bestand en 1 map; ")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# yaml-language-server: $schema=../schemas/organisatie.schema.json\n"
        "# Instellingen van de organisatie; elke sleutel mag weg (dan geldt de standaardwaarde).\n",
        "---\n",
        # YAML's own words for nothing (the review of e94f057: refused as loose text).
        "~\n",
        "null\n",
    ],
    ids=["leeg", "alleen-commentaar", "alleen-streepjes", "tilde", "null"],
)
def test_a_settings_file_without_a_key_means_the_defaults(
    example_project: Path, run_cli: RunCli, text: str
) -> None:
    """Its own comment and the README say every key may go: so may all of them."""
    (example_project / "dossiers" / "organisatie.yaml").write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "In orde: 2 vergaderingen, 6 dossiers gecontroleerd.\n"


def test_an_empty_dossier_yaml_is_still_refused_beside_empty_settings(
    example_project: Path, run_cli: RunCli
) -> None:
    (example_project / "dossiers" / "organisatie.yaml").write_text("", encoding="utf-8")
    (example_project / SEED).write_text("# nog invullen\n", encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{SEED}:1: het bestand is leeg (vul de velden in)"


def test_a_settings_file_that_is_a_pipe_is_refused_without_waiting(example_project: Path) -> None:
    """Read, a named pipe waits for a writer: the check would hang."""
    settings = example_project / "dossiers" / "organisatie.yaml"
    settings.unlink()
    os.mkfifo(settings)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "assembler"), "check"],
        cwd=example_project,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "dossiers/organisatie.yaml: is geen gewoon bestand maar een pipe of apparaat (vervang "
        "het door een gewoon YAML-bestand)",
        "fout: dossiers/organisatie.yaml: ongeldige instellingen, daarom is niets gecontroleerd "
        "of gemaakt (verbeter eerst dit bestand)",
    ]


@pytest.mark.parametrize(
    ("where", "command"),
    [
        ("2023-05-26-pfho-economie/werklocaties/dossier.yaml", "check"),
        ("2023-05-26-pfho-economie/werklocaties/dossier.yaml", "build"),
        ("2023-05-26-pfho-economie/vergadering.yaml", "check"),
        ("2023-05-26-pfho-economie/vergadering.yaml", "build"),
    ],
)
def test_a_dossier_or_meeting_file_that_is_a_pipe_is_said_to_be_one(
    example_project: Path, where: str, command: str
) -> None:
    """Was: said to be missing ('er is geen dossiermap … met een dossier.yaml', 'map met
    dossiers maar zonder vergadering.yaml'), sending the clerk to look for a file that is there."""
    path = example_project / "dossiers" / where
    path.unlink()
    os.mkfifo(path)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "assembler"),
            command,
            "dossiers/2023-05-26-pfho-economie",
        ],
        cwd=example_project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    said = [line for line in result.stderr.splitlines() if ": waarschuwing: " not in line]
    assert said[0] == (
        f"dossiers/{where}: is geen gewoon bestand maar een pipe of apparaat (vervang het door "
        "een gewoon YAML-bestand)"
    )
    assert "geen dossiermap" not in result.stderr and "zonder vergadering.yaml" not in result.stderr


def test_a_dossier_file_made_a_pipe_after_a_build_does_not_hang_the_next(
    example_project: Path,
) -> None:
    """Was a hang: with outputs of an earlier build, the build opened the pipe to see whether
    it could be read, which waits for a writer."""
    command = [
        str(Path(sys.executable).parent / "assembler"),
        "build",
        "--geen-pdf",
        f"dossiers/{WONEN}",
    ]
    first = subprocess.run(command, cwd=example_project, capture_output=True, check=False)
    assert first.returncode == 0, first.stderr
    path = example_project / "dossiers" / WONEN / "snelfietsroutes" / "dossier.yaml"
    path.unlink()
    os.mkfifo(path)
    result = subprocess.run(
        command, cwd=example_project, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 1
    assert (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml: is geen gewoon bestand maar een pipe of "
        "apparaat (vervang het door een gewoon YAML-bestand)"
    ) in result.stderr.splitlines()


def test_a_settings_file_beside_one_named_otherwise_is_said_when_they_differ(
    example_project: Path, run_cli: RunCli
) -> None:
    """On Windows one of the two is hidden or seen as the same: the clerk may edit the other."""
    dossiers = example_project / "dossiers"
    other = (dossiers / "organisatie.yaml").read_text(encoding="utf-8")
    (dossiers / "Organisatie.yaml").write_text(other.replace("naam: Regio", "naam: De Regio"))
    folder = dossiers / ECONOMIE / "werklocaties"
    shutil.copy(folder / "dossier.yaml", folder / "dossier.yml")
    edit(example_project, f"{SEED[: -len('.yaml')]}.yml", r"^onderwerp: .*", "onderwerp: Anders")
    # The same content in both is no matter: whichever is read says the same.
    shutil.copy(example_project / MEETING, dossiers / ECONOMIE / "vergadering.yml")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "dossiers/organisatie.yaml: waarschuwing: naast dit bestand staat 'Organisatie.yaml' met "
        "een andere inhoud, en dat wordt niet gelezen (haal 'Organisatie.yaml' weg, of zet wat "
        "erin hoort in organisatie.yaml)",
        f"{SEED}: waarschuwing: naast dit bestand staat 'dossier.yml' met een andere inhoud, en "
        "dat wordt niet gelezen (haal 'dossier.yml' weg, of zet wat erin hoort in dossier.yaml)",
    ]


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("snelfietroutes", "(bedoelt u '- dossier: snelfietsroutes'?)"),
        (
            "Snelfietsroutes",
            ": hoofdletters en kleine letters tellen mee (schrijf '- dossier: snelfietsroutes')",
        ),
        # Review clerk3 C4: too far apart by letters, but the only folder that begins with it.
        ("snelfiets", "(bedoelt u '- dossier: snelfietsroutes'?)"),
        ("snelfietsroutes-gooi-en-vecht", "(bedoelt u '- dossier: snelfietsroutes'?)"),
    ],
    ids=["typo", "capitals", "beginning", "longer"],
)
def test_an_agenda_entry_typed_otherwise_than_its_folder_is_said_once_with_the_name(
    example_project: Path, run_cli: RunCli, typed: str, advice: str
) -> None:
    """A clerk's walkthrough: two messages, one advising to postpone or withdraw the folder."""
    meeting = f"dossiers/{WONEN}/vergadering.yaml"
    edit(example_project, meeting, r"^  - dossier: snelfietsroutes$", f"  - dossier: {typed}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, meeting, f"  - dossier: {typed}")
    assert [said for said in result.stderr.splitlines() if "vergadering.yaml" in said] == [
        f"{meeting}:{line}: agenda[5].dossier: er is geen dossiermap '{typed}' met een "
        f"dossier.yaml in dossiers/{WONEN}, wel 'snelfietsroutes'"
        + (advice if advice.startswith(":") else " " + advice)
    ]


@pytest.mark.parametrize(
    ("typed", "hinted"),
    [("wm0", True), ("mwo", True), ("wmoo", True), ("abc", False)],
    ids=["mistyped", "swapped", "added", "other"],
)
def test_a_short_agenda_entry_one_slip_from_its_folder_is_told_the_name(
    example_project: Path, run_cli: RunCli, typed: str, hinted: bool
) -> None:
    """A clerk's walk: '- dossier: wm0' for the folder 'wmo' was told to check the folder's
    name, the folder itself only as not on the agenda: three letters are too few for likeness
    by their share."""
    meeting = f"dossiers/{WONEN}/vergadering.yaml"
    folder = example_project / "dossiers" / WONEN / "snelfietsroutes"
    folder.rename(folder.with_name("wmo"))
    edit(example_project, meeting, r"^  - dossier: snelfietsroutes$", f"  - dossier: {typed}")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, meeting, f"  - dossier: {typed}")
    said = f"{meeting}:{line}: agenda[5].dossier: er is geen dossiermap '{typed}' met een "
    said += f"dossier.yaml in dossiers/{WONEN}"
    lines = result.stderr.splitlines()
    if hinted:
        assert f"{said}, wel 'wmo' (bedoelt u '- dossier: wmo'?)" in lines, result.stderr
        assert "staat niet op de agenda" not in result.stderr
    else:
        assert any(line.startswith(f"{said} (controleer de mapnaam") for line in lines)
        assert "dossiermap 'wmo' staat niet op de agenda" in result.stderr


def test_a_meeting_refused_for_its_date_still_compares_its_agenda_with_its_folders(
    example_project: Path, run_cli: RunCli
) -> None:
    """Guide walk: an agenda typo was said only once the wrong date was mended, a second
    round for what one check could say."""
    meeting = f"dossiers/{WONEN}/vergadering.yaml"
    edit(example_project, meeting, r"^datum: .*$", "datum: 2023-06-31")
    edit(example_project, meeting, r"^  - dossier: snelfietsroutes$", "  - dossier: snelfietroutes")
    edit(example_project, meeting, r"^  - dossier: res-voortgang\n", "")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if line.startswith(meeting)]
    assert said == [
        f"{meeting}:{line_of(example_project, meeting, 'datum:')}: datum: '2023-06-31' is geen "
        "bestaande datum (schrijf JJJJ-MM-DD)",
        f"{meeting}:{line_of(example_project, meeting, 'agenda:')}: agenda: dossiermap "
        "'res-voortgang' staat niet op de agenda (voeg '- dossier: res-voortgang' toe; is het "
        f"uitgesteld: 'assembler verplaats dossiers/{WONEN}/res-voortgang VERGADERMAP'; is het "
        "ingetrokken: haal de map uit dossiers/)",
        f"{meeting}:{line_of(example_project, meeting, '  - dossier: snelfietroutes')}: "
        "agenda[4].dossier: er is geen dossiermap 'snelfietroutes' met een dossier.yaml in "
        f"dossiers/{WONEN}, wel 'snelfietsroutes' (bedoelt u '- dossier: snelfietsroutes'?)",
    ]


def test_a_spoken_item_indented_under_the_one_above_refuses_the_meeting_saying_so(
    example_project: Path, run_cli: RunCli
) -> None:
    """A clerk's walk: '    - Mededelingen' under '  - Verslag ...' made one agenda item of
    the two, without a word."""
    meeting = f"dossiers/{WONEN}/vergadering.yaml"
    above = "Verslag en actielijst van het overleg van 12 mei 2023"
    edit(example_project, meeting, f"^  - {above}$", f"  - {above}\n    - Mededelingen")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, meeting, "    - Mededelingen")
    assert result.stderr.splitlines()[0] == (
        f"{meeting}:{line}: agenda[2]: '- Mededelingen' is verder ingesprongen dan het punt "
        f"erboven en wordt eraan vastgeplakt: '{above} - Mededelingen' (is het een eigen punt: "
        "zet de '-' recht onder die van het punt erboven; hoort het erbij: zet het op dezelfde "
        "regel)"
    )


@pytest.mark.parametrize(
    ("first", "second", "apart"),
    [
        ("wmo", "wm0", True),
        ("abcd", "acbd", True),
        ("wmo", "wo", True),
        ("wmo", "wmo", False),
        ("abcd", "badc", False),
        ("ab", "abcd", False),
    ],
)
def test_one_slip_is_one_character_mistyped_added_left_out_or_swapped(
    first: str, second: str, apart: bool
) -> None:
    from assembler.validate import _one_slip_apart

    assert _one_slip_apart(first, second) is apart
    assert _one_slip_apart(second, first) is apart


def test_an_entry_whose_folder_is_there_with_its_file_misnamed_is_no_typo(
    example_project: Path, run_cli: RunCli
) -> None:
    # The review of 13c820d: told to name a sibling folder, the advice to rename lost.
    folder = example_project / "dossiers" / WONEN / "snelfietsroutes"
    shutil.copytree(folder, folder.with_name("snelfietsroutes-2"))
    (folder / "dossier.yaml").rename(folder / "Dossier.yaml")
    result = run_cli("check", cwd=example_project)
    assert (
        "agenda[5].dossier: er is geen dossiermap 'snelfietsroutes' met een dossier.yaml in "
        f"dossiers/{WONEN}: de map bevat 'Dossier.yaml' (hernoem dat bestand naar dossier.yaml)"
    ) in result.stderr
    assert "bedoelt u" not in result.stderr


def test_two_entries_alike_to_one_folder_are_not_both_sent_to_it(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = f"dossiers/{WONEN}/vergadering.yaml"
    edit(example_project, meeting, r"^  - dossier: snelfietsroutes$", "  - dossier: snelfietroutes")
    edit(example_project, meeting, r"^  - dossier: res-voortgang$", "  - dossier: snelfietsroute")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert "bedoelt u '- dossier: snelfietsroutes'" not in result.stderr
    assert "dossiermap 'snelfietsroutes' staat niet op de agenda" in result.stderr


def test_a_dossier_entry_without_a_space_is_said_and_makes_no_agenda(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - dossier: werklocaties", "  - dossier:werklocaties")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, meeting, "  - dossier:werklocaties")
    said = result.stderr.splitlines()
    assert (
        f"{meeting}: waarschuwing: de agenda's zijn niet gemaakt omdat agendapunt 2 ongeldig is"
    ) in said
    assert (
        f"{meeting}:{line}: agenda[2]: 'dossier:werklocaties' is geen dossier maar tekst (zet een "
        "spatie na de dubbele punt: '- dossier: werklocaties')"
    ) in said
    assert not any("staat niet op de agenda" in line for line in said)
    assert not (example_project / "build" / ECONOMIE / "agenda.docx").exists()


def test_a_dossier_entry_with_a_no_break_space_is_said_as_that(
    example_project: Path, run_cli: RunCli
) -> None:
    """Pasted from Word or Outlook: it looks like a space, but YAML reads one word."""
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - dossier: werklocaties", "  - dossier:\u00a0werklocaties")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, meeting, "  - dossier:\u00a0werklocaties")
    assert result.stderr.splitlines() == [
        f"{meeting}:{line}: agenda[2]: 'dossier:\u00a0werklocaties' is geen dossier maar tekst: "
        "na de dubbele punt staat een vaste spatie (U+00A0), en YAML leest die niet als spatie "
        "(typ daar een gewone spatie: '- dossier: werklocaties')"
    ]


def test_a_no_break_space_after_a_key_is_said_at_its_line(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^kenmerk: .*", "kenmerk:\u00a023.0001772")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, SEED, "kenmerk:")
    assert result.stderr.splitlines() == [
        f"{SEED}:{line}: bevat een vaste spatie (U+00A0) na 'kenmerk:', en YAML leest die niet "
        "als spatie (typ daar een gewone spatie)"
    ]


def test_no_break_spaces_in_a_list_or_before_a_colon_are_said_at_their_line(
    example_project: Path, run_cli: RunCli
) -> None:
    """The clerk sees '- ' and 'kenmerk :'; YAML reads the no-break space as a letter."""
    edit(example_project, SEED, r"^  - Instemmen met", "  -\u00a0Instemmen met")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - dossier: werklocaties", "  -\u00a0dossier: werklocaties")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    dash = (
        "deze regel begint met '-' en een vaste spatie (U+00A0), en YAML leest die niet als "
        "spatie, dus is het geen punt van een lijst (typ na '-' een gewone spatie)"
    )
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  -' + chr(0xA0) + 'dossier')}: {dash}",
        f"{SEED}:{line_of(example_project, SEED, '  -' + chr(0xA0))}: voorstel: {dash}",
    ]
    shutil.copy(REPO / SEED, example_project / SEED)
    shutil.copy(REPO / meeting, example_project / meeting)
    edit(example_project, SEED, r"^kenmerk: ", "kenmerk\u00a0: ")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, 'kenmerk')}: kenmerk: bevat een vaste spatie "
        "(U+00A0) in de naam van het veld 'kenmerk', en YAML leest die niet als spatie (typ daar "
        "een gewone spatie)",
    ]


def test_invisible_characters_are_said_by_their_code(
    example_project: Path, run_cli: RunCli
) -> None:
    """Pasted from mail or the web: the value looks right, so the message names what is there."""
    edit(example_project, SEED, r"^verspreiden: Ja", "verspreiden: Ja\u200b")
    edit(example_project, SEED, r"^contactpersoon: ", "contactpersoon: \u202e")
    edit(example_project, SEED, r"^eenheid:", "\u200beenheid:")
    edit(example_project, SEED, r"^kenmerk: 23.0001772", "kenmerk: 23.0001772\u200d")
    # The zero-width space is dropped, as in every one-line text; a direction mark is kept in
    # texts (right-to-left words need it), so it is said in an address.
    edit(example_project, SEED, r"^email: .*", "email: a.pols@regiogv.nl\u200b\u200e")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1

    def at(prefix: str) -> int:
        return line_of(example_project, SEED, prefix)

    zwsp = "\u200b"

    assert result.stderr.splitlines() == [
        f"{SEED}:{at('verspreiden:')}: verspreiden: 'Ja' bevat een onzichtbaar teken (U+200B) "
        "(haal het weg; schrijf Ja of Nee)",
        f"{SEED}:{at('contactpersoon:')}: contactpersoon: bevat een onzichtbaar teken (U+202E) "
        "dat de tekst in het document achterstevoren kan zetten (haal het weg; typ de tekst zo "
        "nodig opnieuw)",
        f"{SEED}:{at(zwsp + 'eenheid:')}: {zwsp}eenheid: bevat een onzichtbaar teken (U+200B) in "
        "de naam van het veld 'eenheid' (haal het weg; typ de regel opnieuw)",
        f"{SEED}:{at('email:')}: email: 'a.pols@regiogv.nl' bevat een onzichtbaar teken (U+200E) "
        "(haal het weg; schrijf bijvoorbeeld a.pols@regiogv.nl)",
        f"{SEED}:{at('kenmerk:')}: kenmerk: '23.0001772' bevat een onzichtbaar teken (U+200D) "
        "(haal het weg; typ het kenmerk zo nodig opnieuw)",
    ]


def test_direction_marks_are_kept_in_texts_and_said_in_plain_values(
    example_project: Path, run_cli: RunCli
) -> None:
    """A direction mark keeps right-to-left words in the order typed; a kenmerk needs none."""
    from docx import Document

    edit(example_project, SEED, r"^onderwerp: .*$", "onderwerp: Bewonersavond שלום\u200e 2023")
    result = run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    agenda = Document(str(example_project / "build" / ECONOMIE / "agenda.docx"))
    # The item's heading hangs after its number at a tab stop.
    titles = [p.text.replace("\t", " ") for p in agenda.paragraphs if p.text.startswith("2.\t")]
    assert titles == ["2. Bewonersavond שלום\u200e 2023"]

    edit(example_project, SEED, r"^kenmerk: .*", "kenmerk: 23.0001772\u200f")
    edit(example_project, SEED, r"^sjabloon: .*", "sjabloon: voorstel\u200e")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, 'sjabloon:')}: sjabloon: 'voorstel' bevat een "
        "onzichtbaar teken (U+200E) (haal het weg; kies uit: memo, voorstel)",
    ]
    edit(example_project, SEED, r"^sjabloon: .*", "sjabloon: voorstel")
    result = run_cli("check", cwd=example_project)
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, 'kenmerk:')}: kenmerk: '23.0001772' bevat een "
        "onzichtbaar teken (U+200F) (haal het weg; typ het kenmerk zo nodig opnieuw)",
    ]


def test_a_bidi_override_is_refused_in_running_text_at_its_line(
    example_project: Path, run_cli: RunCli
) -> None:
    """U+202E shows '000.05 EUR' as 'RUE 50.000': the document would say what the file does not."""
    edit(
        example_project,
        SEED,
        r"^  De ambitie om",
        "  Het budget is \u202e000.05 EUR\u202c.\n  De ambitie om",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, '  Het budget')}: toelichting: bevat een "
        "onzichtbaar teken (U+202E) dat de tekst in het document achterstevoren kan zetten (haal "
        "het weg; typ de tekst zo nodig opnieuw)",
    ]


def test_bidi_isolates_and_embeddings_around_right_to_left_words_are_accepted(
    example_project: Path, run_cli: RunCli
) -> None:
    """The recommended way to set a Hebrew or Arabic word in Dutch text; no letter is turned."""
    edit(
        example_project,
        SEED,
        r"^onderwerp: .*$",
        "onderwerp: Bewonersavond \u2067שלום\u2069 2023 en \u202bمرحبا\u202c",
    )
    edit(example_project, SEED, r"^contactpersoon: .*$", "contactpersoon: \u2068Anouk Pols\u2069")
    edit(example_project, SEED, r"^  De ambitie om", "  Zie \u2067שלום\u2069. De ambitie om")
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (0, "")


def test_direction_marks_in_the_organisations_settings_are_said(
    example_project: Path, run_cli: RunCli
) -> None:
    settings = "dossiers/organisatie.yaml"
    edit(example_project, settings, r"^publicatie_url: .*", "publicatie_url: https://a.nl/\u200e")
    edit(example_project, settings, r"^vergaderingstype: .*", "vergaderingstype: presidium\u200f")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        f"{settings}:{line_of(example_project, settings, 'vergaderingstype:')}: vergaderingstype: "
        "'presidium' bevat een onzichtbaar teken (U+200F) (haal het weg; kies uit: "
        "'raadsvergadering', 'commissievergadering', 'presidium', 'statenvergadering', "
        "'algemene_bestuursvergadering')",
        f"{settings}:{line_of(example_project, settings, 'publicatie_url:')}: publicatie_url: "
        "'https://a.nl/' bevat een onzichtbaar teken (U+200E) (haal het weg; typ het webadres "
        "zo nodig opnieuw)",
    ]


CURLY = (
    "de tekst staat tussen gekrulde aanhalingstekens, en die telt YAML niet als "
    "aanhalingstekens, dus leest het de ':' erin als een veld (typ rechte aanhalingstekens: "
    "\"...\" of '...')"
)


def test_text_in_curly_quotes_with_a_colon_is_said_as_that(
    example_project: Path, run_cli: RunCli
) -> None:
    """Word makes '“' of '"': the clerk did quote the ':', but not as YAML reads quotes."""
    edit(example_project, SEED, r"^onderwerp: .*", "onderwerp: “Aanpak: actieplan werklocaties”")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    line = line_of(example_project, SEED, "onderwerp:")
    assert result.stderr.splitlines() == [f"{SEED}:{line}: ongeldige YAML: {CURLY}"]


def test_a_list_item_in_curly_quotes_with_a_colon_is_said_as_that(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^  - Instemmen met (.*)$", r"  - ‘Instemmen: met \1’")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - Opening.*", "  - “Mededeling: stand van zaken”")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  - “')}: agenda[1]: {CURLY}",
        f"{SEED}:{line_of(example_project, SEED, '  - ‘')}: voorstel[1]: {CURLY}",
    ]


def test_an_annex_file_or_agenda_folder_in_curly_quotes_is_said_as_that(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: '“x.pdf”' is a '.pdf”' file (supply a PDF); rename '“werklocaties”' to
    'werklocaties', its name; and that folder was also said to be off the agenda."""
    edit(example_project, SEED, rf"^    bestand: {FIRST_ANNEX}", f"    bestand: “{FIRST_ANNEX}”")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - dossier: werklocaties", "  - dossier: “werklocaties”")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    curly = (
        "YAML telt gekrulde aanhalingstekens niet als aanhalingstekens, maar als deel van de "
        "waarde (typ de naam zonder aanhalingstekens:"
    )
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  - dossier: “')}: agenda[2].dossier: "
        f"'“werklocaties”' is geen geldige mapnaam: {curly} werklocaties)",
        f"{SEED}:{line_of(example_project, SEED, '    bestand: “')}: bijlagen[1].bestand: "
        f"'“{FIRST_ANNEX}”' is geen geldige bestandsnaam: {curly} {FIRST_ANNEX})",
    ]


def test_a_list_item_with_an_apostrophe_before_its_colon_asks_for_straight_quotes(
    example_project: Path, run_cli: RunCli
) -> None:
    """'’s-Graveland' is no curly-quoted text: the ':' is to be quoted, with straight quotes."""
    edit(example_project, SEED, r"^  - Instemmen met .*$", "  - ’s-Graveland: instemmen met plan")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^  - Opening.*", "  - ’s-Graveland: stand van zaken")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  - ’')}: agenda[1]: '’s-Graveland: "
        "stand van zaken' leest door de ':' als een veld (zet het hele agendapunt tussen rechte "
        'aanhalingstekens, zoals - "’s-Graveland: …")',
        f"{SEED}:{line_of(example_project, SEED, '  - ’')}: voorstel[1]: '’s-Graveland: "
        "instemmen met plan' leest door de ':' als een veld (zet de hele tekst tussen rechte "
        'aanhalingstekens: "...")',
    ]


@pytest.mark.parametrize(
    ("typed", "quotes", "line"),
    [
        (
            'Instemmen met het "Plan"',
            "enkele aanhalingstekens",
            """'Instemmen met het "Plan": …'""",
        ),
        (
            'Instemmen met \'t "Plan"',
            "enkele aanhalingstekens, met elke ' erin dubbel",
            "'Instemmen met ''t \"Plan\": …'",
        ),
        (
            "Notulen uit C:\\Stukken",
            "enkele aanhalingstekens",
            "'Notulen uit C:\\Stukken: …'",
        ),
    ],
)
def test_a_line_with_a_double_quote_before_its_colon_is_to_be_put_in_single_quotes(
    example_project: Path, run_cli: RunCli, typed: str, quotes: str, line: str
) -> None:
    """'- "Instemmen met het "Plan": …"' would be no YAML: the line shown is one that is."""
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, SEED, r"^  - Instemmen met .*$", f"  - {typed}: concept")
    edit(example_project, meeting, r"^  - Opening.*", f"  - {typed}: stand van zaken")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  - ' + typed)}: agenda[1]: "
        f"'{typed}: stand van zaken' leest door de ':' als een veld (zet het hele agendapunt "
        f"tussen {quotes}, zoals - {line})",
        f"{SEED}:{line_of(example_project, SEED, '  - ' + typed)}: voorstel[1]: '{typed}: "
        f"concept' leest door de ':' als een veld (zet de hele regel tussen {quotes}, zoals - "
        f"{line})",
    ]

    # The line as shown, with the rest of the text where the '…' is, is taken.
    typed_line = "^" + re.escape(f"  - {typed}: ") + ".*$"
    edit(example_project, SEED, typed_line, "  - " + line.replace("…", "concept"))
    edit(example_project, meeting, typed_line, "  - " + line.replace("…", "x"))
    assert run_cli("check", cwd=example_project).exit_code == 0


def test_a_time_or_date_in_curly_quotes_names_them(example_project: Path, run_cli: RunCli) -> None:
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^aanvang: .*", "aanvang: “14:00”")
    edit(example_project, SEED, r"^datum: .*", "datum: „2023-04-11”")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    curly = "YAML telt gekrulde aanhalingstekens niet als aanhalingstekens, maar als deel van de"
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, 'aanvang:')}: aanvang: '“14:00”' is geen "
        f'tijd: {curly} waarde (typ rechte aanhalingstekens: "14:00")',
        f"{SEED}:{line_of(example_project, SEED, 'datum:')}: datum: '„2023-04-11”' is geen datum: "
        f"{curly} waarde (typ de datum zonder aanhalingstekens: 2023-04-11)",
    ]


def test_a_kenmerk_email_or_verspreiden_in_curly_quotes_names_them(
    example_project: Path, run_cli: RunCli
) -> None:
    """Word's AutoCorrect turns "23.0002401" into “23.0002401”: the digits look right."""
    edit(example_project, SEED, r"^kenmerk: .*", "kenmerk: “23.0002401”")
    edit(example_project, SEED, r"^email: .*", "email: “a.pols@regiogv.nl”")
    edit(example_project, SEED, r"^verspreiden: .*", "verspreiden: “Ja”")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    curly = "YAML telt gekrulde aanhalingstekens niet als aanhalingstekens, maar als deel van de"

    def said(key: str) -> str:
        return f"{SEED}:{line_of(example_project, SEED, key + ':')}: {key}: "

    assert sorted(result.stderr.splitlines()) == sorted(
        [
            f"{said('verspreiden')}'“Ja”' is geen geldige waarde: {curly} waarde (typ Ja of Nee, "
            "zonder aanhalingstekens)",
            f"{said('email')}'“a.pols@regiogv.nl”' is geen geldig e-mailadres: {curly} waarde "
            "(typ het adres zonder aanhalingstekens: a.pols@regiogv.nl)",
            f"{said('kenmerk')}'“23.0002401”' is geen geldig kenmerk: {curly} waarde (typ "
            'rechte aanhalingstekens: "23.0002401")',
        ]
    )


def test_emoji_that_no_font_has_are_said_at_their_line(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a machine with DejaVu and no emoji font, whatever this one has: the pictographs
    # (U+2300 on) and the keycap missing but for ✓ and ☺, Dutch letters and dashes there.
    monkeypatch.setattr(
        "assembler.text_warnings.has_glyph",
        lambda char: char in "✓☺" or (char < "\u2300" and char != "\u20e3"),
    )
    edit(example_project, SEED, r"^onderwerp: .*$", "onderwerp: Aanpak actieplan 🎉 ✓")
    # A skin tone, a joined emoji ('🧑' '⚖' joined: a judge), a flag and a keycap (was not
    # said: its digit is in every font, its enclosing keycap in none here) are said whole.
    edit(
        example_project,
        SEED,
        r"^  De ambitie om",
        "  De 👍🏽 ambitie om 🚲 🧑\u200d⚖\ufe0f 🇳🇱 1\ufe0f\u20e3",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    font = "in geen lettertype op deze computer:"
    # What LibreOffice does beside such a character: 'A. emoji 🚲 en ✓' printed ✓ over 'en'.
    beside = "en de tekens ernaast kunnen verschoven of over elkaar heen komen te staan"
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, 'onderwerp:')}: waarschuwing: onderwerp: het "
        f"teken 🎉 staat {font} het komt als een leeg vakje in het document, {beside} (haal "
        "het weg, of schrijf het in woorden)",
        f"{SEED}:{line_of(example_project, SEED, '  De 👍')}: waarschuwing: toelichting: de "
        f"tekens 👍🏽 🚲 🧑\u200d⚖\ufe0f 🇳🇱 1\ufe0f\u20e3 staan {font} ze komen als lege vakjes "
        f"in het document, {beside} (haal ze weg, of schrijf ze in woorden)",
    ]


def test_bullets_from_a_symbol_font_are_said_whatever_the_fonts(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Word's Symbol bullet U+F0B7 means a bullet only in Symbol: elsewhere a box."""
    monkeypatch.setattr("assembler.text_warnings.has_glyph", lambda char: True)
    edit(example_project, SEED, r"^onderwerp: .*$", "onderwerp: \uf0b7 Aanpak actieplan")
    edit(example_project, SEED, r"^  - Instemmen met", "  - \uf0a7\uf0b7 Instemmen met")
    edit(example_project, SEED, r"^  De ambitie om", "  \uf0b7\tDe ambitie om")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    one = (
        "bevat het teken U+F0B7 uit een symboollettertype, waarschijnlijk een opsommingsteken "
        "uit Word; het komt als een leeg vakje of een ander teken in het document (haal het weg)"
    )
    decision = line_of(example_project, SEED, "  - \uf0a7")
    text = line_of(example_project, SEED, "  \uf0b7")
    # In Markdown, at a line's start: a bullet, said as a pasted '•' is (review input R4).
    bullet = (
        "bevat het teken U+F0B7 uit een symboollettertype, waarschijnlijk een opsommingsteken "
        "uit Word; het komt als een leeg vakje of een ander teken in het document, en de regel "
        "die ermee begint wordt geen punt van een lijst maar gewone tekst (begin de regel met "
        "'- ' in plaats van U+F0B7)"
    )
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, 'onderwerp:')}: waarschuwing: onderwerp: {one}",
        f"{SEED}:{decision}: waarschuwing: voorstel[1]: "
        "bevat de tekens U+F0A7 U+F0B7 uit een symboollettertype, waarschijnlijk "
        "opsommingstekens uit Word; ze komen als lege vakjes of andere tekens in het document "
        "(haal ze weg)",
        f"{SEED}:{text}: waarschuwing: toelichting: {bullet}",
    ]


@pytest.mark.parametrize(
    ("text", "markdown", "advice"),
    [
        (
            "\uf0b7\tEerste punt",
            True,
            "de regel die ermee begint wordt geen punt van een lijst maar gewone tekst (begin "
            "de regel met '- ' in plaats van U+F0B7)",
        ),
        (
            "Wij vragen u:\n\n  \uf0b7\tEen\n  \uf0b7\tTwee",
            True,
            "de regels die ermee beginnen worden geen punten van een lijst maar gewone tekst "
            "(begin die regels met '- ' in plaats van U+F0B7)",
        ),
        ("\uf0b7 Punt", False, "(haal het weg)"),
        ("Een \uf0b7 midden in de regel", True, "(haal het weg)"),
        ("- \uf0b7\tal een punt", True, "(haal het weg)"),
    ],
    ids=["markdown-line", "markdown-lines", "plain-field", "mid-line", "after-a-dash"],
)
def test_a_symbol_font_bullet_at_a_line_start_is_said_as_a_bullet(
    text: str, markdown: bool, advice: str
) -> None:
    """Word's U+F0B7 and a tab: taking the character away leaves a paragraph or code, so its
    line gets the advice a pasted '•' gets (review input R4)."""
    from assembler.text_warnings import _private_use_message

    assert _private_use_message(["\uf0b7"], text, markdown).endswith(advice)


def test_symbol_font_bullets_and_other_signs_are_said_apart() -> None:
    from assembler.text_warnings import _private_use_message

    assert _private_use_message(["\uf0b7", "\uf0e0"], "\uf0b7\tPunt met \uf0e0", True) == (
        "bevat de tekens U+F0B7 U+F0E0 uit een symboollettertype, waarschijnlijk "
        "opsommingstekens uit Word; ze komen als lege vakjes of andere tekens in het document, "
        "en de regel die ermee begint wordt geen punt van een lijst maar gewone tekst (begin de "
        "regel met '- ' in plaats van U+F0B7, en haal U+F0E0 weg)"
    )


def test_a_dossier_once_read_as_ansi_is_warned_about_once_at_its_first_line(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: a file opened as ANSI and saved again as UTF-8 ('Ã©n', 'â€“') was printed as it
    stood, without a word (review input R5)."""
    path = example_project / SEED
    text = path.read_text(encoding="utf-8")
    garbled = "".join(
        bytes([byte]).decode("cp1252", "ignore") or chr(byte) for byte in text.encode("utf-8")
    )
    path.write_text(garbled, encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    # The first is an en dash in a conclusion; 'Ã©n' and 'geÃ¯mplementeerd' come below it.
    line = next(i + 1 for i, typed in enumerate(garbled.split("\n")) if "â€“" in typed)
    assert line == line_of(example_project, SEED, "    conclusie: Advies Ruimte voor werk")
    count = garbled.count("Ã") + garbled.count("â€") + garbled.count("Â")
    assert result.stderr.splitlines() == [
        f"{SEED}:{line}: waarschuwing: behandeling[2].conclusie: 'â€“' staat waarschijnlijk "
        "voor '–': het "
        "bestand lijkt als ANSI geopend en weer als UTF-8 opgeslagen, en zo komt elk teken met "
        "een accent (of een teken als '–' of '’') als twee of drie vreemde tekens in het "
        f"document; zulke tekens staan {count} keer in het bestand (typ die tekens opnieuw, of "
        "sla het oorspronkelijke bestand opnieuw op als UTF-8)"
    ]


def test_a_machine_without_fontconfig_warns_about_no_emoji(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assembler import text_warnings

    def missing(*_args: object, **_kwargs: object) -> None:
        raise FileNotFoundError("fc-list")

    text_warnings.has_glyph.cache_clear()
    text_warnings._font_coverage.cache_clear()
    monkeypatch.setattr(text_warnings.subprocess, "run", missing)
    monkeypatch.setattr(text_warnings, "_FONTCONFIG_WORKS", True)
    assert text_warnings.has_glyph("🎉")
    assert text_warnings.has_glyph("中")
    assert not text_warnings._FONTCONFIG_WORKS  # not asked again
    text_warnings.has_glyph.cache_clear()
    text_warnings._font_coverage.cache_clear()


def test_unseen_characters_pasted_into_a_title_are_left_out(
    example_project: Path, run_cli: RunCli
) -> None:
    """A zero-width space or soft hyphen in an onderwerp went into bookmarks and the manifest."""
    from docx import Document

    edit(
        example_project,
        SEED,
        r"^onderwerp: .*$",
        "onderwerp: Aanpak\u200b actieplan Werk\u00adlocaties\ufeff",
    )
    result = run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    agenda = Document(str(example_project / "build" / ECONOMIE / "agenda.docx"))
    # The item's heading hangs after its number at a tab stop.
    titles = [p.text.replace("\t", " ") for p in agenda.paragraphs if p.text.startswith("2.\t")]
    assert titles == ["2. Aanpak actieplan Werklocaties"]


def test_an_address_in_angle_brackets_is_no_html(example_project: Path, run_cli: RunCli) -> None:
    """As Outlook pastes it: 'Pieter de Jong <p.dejong@regiogv.nl>' becomes a link."""
    edit(
        example_project,
        SEED,
        r"^  De ambitie om",
        "  Pieter de Jong <p.dejong@regiogv.nl> en <a.bakker@regiogv.nl>. De ambitie om",
    )
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (0, "")
    edit(example_project, SEED, r"^  Pieter de Jong", "  Zie <b>dit</b>. Pieter de Jong")
    result = run_cli("check", cwd=example_project)
    assert "HTML zoals '<b>' komt letterlijk in het document" in result.stderr


def test_pictographs_outside_the_emoji_blocks_are_looked_up_too(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assembler.text_warnings.has_glyph", lambda char: False)
    edit(example_project, SEED, r"^onderwerp: .*$", "onderwerp: Aanpak ⭐ ⏰ Ⓜ")
    result = run_cli("check", cwd=example_project)
    assert "de tekens ⭐ ⏰ Ⓜ staan in geen lettertype" in result.stderr


# Said of the characters no font on this machine has, after what they are.
_NO_FONT_BESIDE = (
    "in het document, en de tekens ernaast kunnen verschoven of over elkaar heen komen te staan"
)
_NO_FONT_ADVICE = (
    "zet de tekst met deze tekens in een bijlage die elders als PDF is gemaakt, of vraag de "
    "beheerder om een lettertype met deze tekens op deze computer te installeren)"
)


def _no_font_for_chinese_or_ethiopic(char: str) -> bool:
    """As on this machine (DejaVu, Liberation): no Chinese or Ethiopic, no emoji."""
    return not (
        "\u4e00" <= char <= "\u9fff" or "\u1200" <= char <= "\u137f" or char >= "\U0001f000"
    )


def test_characters_of_a_script_no_font_has_are_said_with_their_script(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: only emoji were looked up; Chinese, Tigrinya, Korean, Devanagari and Thai printed
    as empty boxes, the ✓ beside them drawn over one, without a word (review uni U1)."""
    monkeypatch.setattr("assembler.text_warnings.has_glyph", _no_font_for_chinese_or_ethiopic)
    edit(example_project, SEED, r"^onderwerp: .*$", "onderwerp: Aanpak actieplan 中文 ✓")
    edit(example_project, SEED, r"^  - Instemmen met", "  - ሰላም 🚲 en 中 Instemmen met")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    decision = line_of(example_project, SEED, "  - ሰላም")
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, 'onderwerp:')}: waarschuwing: onderwerp: de "
        "tekens 中 文 (Chinees schrift) staan in geen lettertype op deze computer: ze komen als "
        f"lege vakjes {_NO_FONT_BESIDE} (laat ze weg, {_NO_FONT_ADVICE}",
        # The emoji said as ever, the other characters apart: their advice is another.
        f"{SEED}:{decision}: waarschuwing: voorstel[1]: de tekens ሰ ላ ም 中 (Ethiopisch en "
        "Chinees schrift) staan in geen lettertype op deze computer: ze komen als lege vakjes "
        f"{_NO_FONT_BESIDE} (laat ze weg, {_NO_FONT_ADVICE}",
        f"{SEED}:{decision}: waarschuwing: voorstel[1]: het teken 🚲 staat in geen lettertype op "
        f"deze computer: het komt als een leeg vakje {_NO_FONT_BESIDE} (haal het weg, of "
        "schrijf het in woorden)",
    ]
    assert result.stdout == (
        "In orde: 2 vergaderingen, 6 dossiers gecontroleerd (3 waarschuwingen).\n"
    )


def test_a_long_text_in_a_script_no_font_has_names_eight_characters_and_a_count() -> None:
    from assembler.text_warnings import _glyphless_message

    said = _glyphless_message(list("一二三四五六七八九十"))
    assert said.startswith(
        "de tekens 一 二 三 四 五 六 七 八 en nog 2 andere (Chinees schrift) staan in geen "
    )
    # One character, and a combining mark shown on a dotted circle; no script for a symbol.
    assert _glyphless_message(["\u0e31"]).startswith(
        "het teken \u25cc\u0e31 (Thais schrift) staat in geen lettertype op deze computer: het "
        "komt als een leeg vakje in het document"
    )
    assert _glyphless_message(["\u2a0c"]).startswith("het teken \u2a0c staat in geen lettertype")


def test_the_fonts_are_asked_once_for_every_character_they_have(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One fc-list for the run, not one per character: a Chinese text has hundreds."""
    from assembler import text_warnings

    asked: list[list[str]] = []

    def fc_list(command: list[str], **_kwargs: object) -> subprocess.CompletedProcess[str]:
        asked.append(command)
        charsets = "20-7e a0-17f 2013-2014\n20-7e 1200-1248 4e00-4e2c 4e2e\n\n"
        return subprocess.CompletedProcess(command, 0, charsets, "")

    text_warnings.has_glyph.cache_clear()
    text_warnings._font_coverage.cache_clear()
    monkeypatch.setattr(text_warnings.subprocess, "run", fc_list)
    monkeypatch.setattr(text_warnings, "_FONTCONFIG_WORKS", True)
    try:
        has = [text_warnings.has_glyph(char) for char in "ëĳ–ሀ一丁中丮丯😀\u0180"]
    finally:
        text_warnings.has_glyph.cache_clear()
        text_warnings._font_coverage.cache_clear()
    assert has == [True, True, True, True, True, True, False, True, False, False, False]
    assert asked == [["fc-list", "--format", "%{family}\t%{charset}\n"]]


def test_meeting_texts_are_warned_of_what_will_not_print(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: an emoji in the overleg, Word's bullet in an agenda item and Korean in the locatie
    printed as boxes in every agenda's header and footer and the meeting bundle's title, and
    check said "In orde" (review uni U2)."""
    monkeypatch.setattr("assembler.text_warnings.has_glyph", lambda char: char < "\u2300")
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml"
    edit(example_project, meeting, r"^overleg: .*$", "overleg: Portefeuillehoudersoverleg 📈")
    edit(example_project, meeting, r"^locatie: ", "locatie: 서울, ")
    edit(example_project, meeting, r"^  - Rondvraag", '  - "\uf0b7 Rondvraag')
    edit(example_project, meeting, r"en sluiting$", 'en sluiting"')
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    bullet = line_of(example_project, meeting, '  - "')
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, 'overleg:')}: waarschuwing: overleg: het "
        "teken 📈 staat in geen lettertype op deze computer: het komt als een leeg vakje "
        f"{_NO_FONT_BESIDE} (haal het weg, of schrijf het in woorden)",
        f"{meeting}:{line_of(example_project, meeting, 'locatie:')}: waarschuwing: locatie: de "
        "tekens 서 울 (Koreaans schrift) staan in geen lettertype op deze computer: ze komen als "
        f"lege vakjes {_NO_FONT_BESIDE} (laat ze weg, {_NO_FONT_ADVICE}",
        f"{meeting}:{bullet}: waarschuwing: agenda[4]: "
        "bevat het teken U+F0B7 uit een symboollettertype, waarschijnlijk een opsommingsteken "
        "uit Word; het komt als een leeg vakje of een ander teken in het document (haal het weg)",
    ]


def test_the_organisation_s_name_is_warned_of_what_will_not_print(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The naam heads every document (review uni U2)."""
    monkeypatch.setattr("assembler.text_warnings.has_glyph", lambda char: char < "\u2300")
    settings = "dossiers/organisatie.yaml"
    edit(example_project, settings, r"^naam: .*$", "naam: Regio Gooi en Vechtstreek 中文")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    # Another name beside the example's tooi and publicatie_url is warned of too (M-M4).
    assert [line for line in result.stderr.splitlines() if ": naam: " in line] == [
        f"{settings}:{line_of(example_project, settings, 'naam:')}: waarschuwing: naam: de "
        "tekens 中 文 (Chinees schrift) staan in geen lettertype op deze computer: ze komen als "
        f"lege vakjes {_NO_FONT_BESIDE} (laat ze weg, {_NO_FONT_ADVICE}",
    ]


def _onderwerp_of(length: int) -> str:
    """An onderwerp of ``length`` characters as the clerk sees them, with four accents."""
    text = "Coördinatie van de reünie, de ideeën en de financiële bijdrage" + " werklocaties" * 20
    text = text[:length]
    assert len(text) == length and not text.endswith(" ")
    return text


def test_accents_pasted_decomposed_count_as_the_letters_the_clerk_sees(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: 200 letters pasted from macOS ('e' and U+0308 for 'ë') were refused as 204
    (review uni U7)."""
    import unicodedata

    onderwerp = unicodedata.normalize("NFD", _onderwerp_of(200))
    assert len(onderwerp) == 204
    edit(example_project, SEED, r"^onderwerp: .*$", f"onderwerp: {onderwerp}")
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (0, "")
    edit(example_project, SEED, r"^onderwerp: .*$", f"onderwerp: {onderwerp}s")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{SEED}:{line_of(example_project, SEED, 'onderwerp:')}: onderwerp: is te lang: 201 "
        "tekens, maximaal 200 (kort de tekst in)"
    ]


def test_a_logo_named_on_a_mac_is_found_though_its_name_is_read_composed(
    example_project: Path, run_cli: RunCli
) -> None:
    """Text is read as NFC ('ó' one letter); the logo's file, named on a Mac, may keep 'o' and
    an accent, as its name in organisatie.yaml does: found all the same, as an annex is."""
    import unicodedata

    name = unicodedata.normalize("NFD", "logó.png")
    folder = example_project / "dossiers" / "huisstijl"
    (folder / "logo.png").rename(folder / name)
    edit(example_project, "dossiers/organisatie.yaml", r"^logo: .*$", f"logo: huisstijl/{name}")
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (0, "")


# --------------------------------------------------------------------------- meeting folder names


@pytest.mark.parametrize(
    ("raw", "shown", "message"),
    [
        (
            os.fsdecode(b"2023-05-26-pfho-\xe9conomie"),
            "2023-05-26-pfho-\ufffdconomie",
            "de naam van deze vergadermap is geen UTF-8: byte 0xE9 is geen teken dat te lezen is "
            "(hier getoond als \ufffd; komt de map uit een zip van Windows?) (hernoem de map en "
            "typ de letter op die plek opnieuw)",
        ),
        (
            "2023-05-26-pfho-econ\x01omie",
            "2023-05-26-pfho-econ\\x01omie",
            "de naam van deze vergadermap bevat een onzichtbaar stuurteken (U+0001) (hernoem de "
            "map: typ de naam opnieuw)",
        ),
        (
            # Printed raw, U+202E turned the rest of the line around in the terminal.
            "2023-05-26 pfho \u202eeimonoce",
            "2023-05-26 pfho \\u202eeimonoce",
            "de naam van deze vergadermap bevat een onzichtbaar teken (U+202E) dat de tekst in "
            "het document achterstevoren kan zetten (hernoem de map: typ de naam opnieuw)",
        ),
    ],
    ids=["geen-utf8", "stuurteken", "richting"],
)
def test_a_meeting_folder_name_that_cannot_be_used_is_refused_and_the_others_are_checked(
    example_project: Path, run_cli: RunCli, raw: str, shown: str, message: str
) -> None:
    """A Windows zip's byte or a control character went into tracebacks (key_of, lxml)."""
    dossiers = example_project / "dossiers"
    (dossiers / ECONOMIE).rename(dossiers / raw)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"dossiers/{shown}: {message}"]
    assert "5 dossiers in orde" in result.stdout


@pytest.mark.parametrize("linked", ["de dossiermap", "dossier.yaml", "het logo"])
def test_a_link_to_outside_the_project_is_refused(
    example_project: Path, run_cli: RunCli, tmp_path: Path, linked: str
) -> None:
    """Was: accepted in silence, a dossier (with its annexes) or logo from elsewhere built and
    exported; a copy of the project would not build the same."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    outside = tmp_path / "elders"
    outside.mkdir()
    if linked == "de dossiermap":
        target = outside / "werklocaties"
        shutil.move(folder, target)
        folder.symlink_to(target, target_is_directory=True)
    elif linked == "dossier.yaml":
        target = outside / "dossier.yaml"
        shutil.move(folder / "dossier.yaml", target)
        (folder / "dossier.yaml").symlink_to(target)
    else:
        logo = example_project / "dossiers" / "huisstijl" / "logo.png"
        target = outside / "logo.png"
        shutil.move(logo, target)
        logo.symlink_to(target)
    result = run_cli("check", cwd=example_project)
    said = (
        f"{linked} is een snelkoppeling naar {target.resolve()}, buiten de map dossiers/ (zet een "
        "kopie in het project in plaats van een snelkoppeling)"
    )
    if linked == "het logo":
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == f"dossiers/organisatie.yaml:6: logo: {said}"
    else:
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == f"{SEED}: {said}"


def test_a_link_inside_the_project_is_used(example_project: Path, run_cli: RunCli) -> None:
    huisstijl = example_project / "dossiers" / "huisstijl"
    (huisstijl / "logo.png").rename(huisstijl / "logo-2023.png")
    (huisstijl / "logo.png").symlink_to("logo-2023.png")
    assert run_cli("check", cwd=example_project).exit_code == 0


def test_direction_controls_in_a_message_are_shown_by_their_escape() -> None:
    """Marks, embeddings, overrides and isolates would reorder the Dutch line; letters stay."""
    from assembler.errors import Problem

    controls = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    problem = Problem(f"dossiers/a{controls}b", 3, "onderwerp", "Café ‘ë’ שלום مرحبا")
    assert problem.format() == (
        "dossiers/a\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068"
        "\\u2069b:3: onderwerp: Café ‘ë’ שלום مرحبا"
    )


MEMO = f"dossiers/{WONEN}/memo-huisvestingsverordening/dossier.yaml"


def test_a_memo_without_its_sjabloon_line_is_said_to_be_a_memo_once(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: eight messages, read as a voorstel, to delete aan, van and tekst (the memo's text)
    and to add a voorstel's fields (clerk review, finding 2)."""
    edit(example_project, MEMO, r"^sjabloon: memo\n", "")
    first = line_of(example_project, MEMO, "aan:")
    result = run_cli("check", f"dossiers/{WONEN}/memo-huisvestingsverordening", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{MEMO}:{first}: sjabloon: ontbreekt, maar dit lijkt een memo (aan, van, tekst) (zet "
        "'sjabloon: memo' bovenaan)\n"
    )

    # What else is wrong is said in the same round, as a memo's problems.
    edit(example_project, MEMO, r"^datum: 2023-06-09", "datum: 09-06-2023")
    result = run_cli("check", f"dossiers/{WONEN}/memo-huisvestingsverordening", cwd=example_project)
    assert result.stderr.splitlines()[1:] == [
        f"{MEMO}:{line_of(example_project, MEMO, 'datum:')}: datum: '09-06-2023' is geen datum in "
        "de vorm JJJJ-MM-DD (schrijf 2023-06-09)"
    ]


def test_a_memo_without_its_sjabloon_line_and_with_a_typo_is_still_said_to_be_a_memo(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: the eight messages of a voorstel again, to delete aan, tekst and vanaf and to add
    a voorstel's fields, since 'vanaf' is no key of a memo either (review revA, L2)."""
    edit(example_project, MEMO, r"^sjabloon: memo\n", "")
    edit(example_project, MEMO, r"^van: ", "vanaf: ")
    result = run_cli("check", f"dossiers/{WONEN}/memo-huisvestingsverordening", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{MEMO}:{line_of(example_project, MEMO, 'aan:')}: sjabloon: ontbreekt, maar dit lijkt "
        "een memo (aan, tekst) (zet 'sjabloon: memo' bovenaan)",
        f"{MEMO}:{line_of(example_project, MEMO, 'vanaf:')}: vanaf: is geen bekend veld "
        "(bedoelt u 'van'?)",
    ]


def test_a_voorstel_with_a_stray_memo_key_is_not_taken_for_a_memo(
    example_project: Path, run_cli: RunCli
) -> None:
    edit(example_project, SEED, r"^sjabloon: voorstel\n", "")
    edit(example_project, SEED, r"^onderwerp:", "aan: Portefeuillehouders\nonderwerp:")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{SEED}:{line_of(example_project, SEED, 'aan:')}: aan: is geen bekend veld (haal het weg; "
    ), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_a_sjabloon_or_vergaderingstype_with_capitals_is_said_with_the_one_meant(
    example_project: Path, run_cli: RunCli
) -> None:
    """A choice of a list is taken as written, as the template's file name and the editors'
    schema take it; one typed with capitals says which one it is (clerk review, finding 2)."""
    edit(example_project, MEMO, r"^sjabloon: memo", "sjabloon: Memo")
    edit(example_project, MEMO, r"^datum: 2023-06-09", "datum: 09-06-2023")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{MEMO}:{line_of(example_project, MEMO, 'sjabloon:')}: sjabloon: 'Memo' is geen bekend "
        "sjabloon, 'memo' wel: hoofdletters en kleine letters tellen mee (schrijf "
        "'sjabloon: memo')",
        f"{MEMO}:{line_of(example_project, MEMO, 'datum:')}: datum: '09-06-2023' is geen datum in "
        "de vorm JJJJ-MM-DD (schrijf 2023-06-09)",
    ]

    settings = "dossiers/organisatie.yaml"
    edit(example_project, settings, r"^vergaderingstype: .*", "vergaderingstype: Presidium")
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    assert (
        f"{settings}:{line_of(example_project, settings, 'vergaderingstype:')}: vergaderingstype: "
        "'Presidium' is geen toegestane waarde, 'presidium' wel: hoofdletters en kleine letters "
        "tellen mee (schrijf 'vergaderingstype: presidium')"
    ) in result.stderr.splitlines(), result.stderr


_NOT_AN_ADDRESS = "is geen webadres (schrijf bijvoorbeeld https://www.regiogv.nl/stukken/)"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "https://user:geheim@x.nl/stukken/",
            "zet geen gebruikersnaam of wachtwoord in het webadres (het adres komt in elk "
            "openbaar pakket; schrijf 'https://x.nl/stukken/')",
        ),
        (
            "https://x.nl/a?b=1",
            "'https://x.nl/a?b=1' heeft een deel met '?' (een zoekvraag), en daarachter komen "
            "dan de bestandsnamen (laat '?' en wat erna komt weg)",
        ),
        (
            "https://x.nl/stukken/#top",
            "'https://x.nl/stukken/#top' heeft een deel met '#', en daarachter komen dan de "
            "bestandsnamen (laat '#' en wat erna komt weg)",
        ),
        (
            "https://x.nl/../../",
            "'https://x.nl/../../' heeft '..' of '.' als deel van het pad (schrijf het pad "
            "zonder, zoals de map op de website heet)",
        ),
        (
            "HTTPS://X.NL/%2e%2e/",
            "'HTTPS://X.NL/%2e%2e/' heeft '..' of '.' als deel van het pad (schrijf het pad "
            "zonder, zoals de map op de website heet)",
        ),
        (
            'https://x.nl/"><script>/',
            "'https://x.nl/\"><script>/' bevat '\"', dat niet in een webadres mag (laat het "
            "weg, of schrijf het als '%22')",
        ),
        (
            "https://x.nl/vergader stukken/",
            "'https://x.nl/vergader stukken/' bevat ' ', dat niet in een webadres mag (laat het "
            "weg, of schrijf het als '%20')",
        ),
        (
            "https://x.nl/stukken/één/",
            "'https://x.nl/stukken/één/' bevat 'é', dat niet in een webadres mag (laat het "
            "weg, of schrijf het als '%C3%A9')",
        ),
        (
            "https://x.nl/100%/",
            "'https://x.nl/100%/' heeft een '%' zonder twee cijfers of letters A-F erachter "
            "(schrijf '%25' voor een procentteken)",
        ),
        ("https://x.nl:99999/", f"'https://x.nl:99999/' {_NOT_AN_ADDRESS}"),
        ("ftp://x.nl/", f"'ftp://x.nl/' {_NOT_AN_ADDRESS}"),
        ("https://localhost/", f"'https://localhost/' {_NOT_AN_ADDRESS}"),
    ],
)
def test_a_publication_address_that_is_no_folder_on_a_website_is_refused(
    typed: str, message: str
) -> None:
    """Was: a user name and password, a query, a fragment, '..' and '"<>' went into every
    manifest and sitemap of the public package, and 'HTTPS://' was refused."""
    from pydantic import ValidationError

    from assembler.model import Organisatie

    with pytest.raises(ValidationError) as caught:
        Organisatie.model_validate({"publicatie_url": typed})
    assert [error["msg"] for error in caught.value.errors()] == [message]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("HTTPS://www.regiogv.nl/stukken", "https://www.regiogv.nl/stukken/"),
        ("Http://x.nl:8080/a-b_c~d/%C3%A9/", "http://x.nl:8080/a-b_c~d/%C3%A9/"),
        ("https://x.nl", "https://x.nl/"),
    ],
)
def test_a_publication_address_takes_its_scheme_in_any_case(typed: str, kept: str) -> None:
    from assembler.model import Organisatie

    assert Organisatie.model_validate({"publicatie_url": typed}).publication_url == kept


def test_a_password_in_the_publication_address_is_refused_at_its_line(
    example_project: Path, run_cli: RunCli
) -> None:
    settings = "dossiers/organisatie.yaml"
    edit(
        example_project,
        settings,
        r"^publicatie_url: .*",
        "publicatie_url: https://user:geheim@www.regiogv.nl/stukken/",
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{settings}:{line_of(example_project, settings, 'publicatie_url:')}: publicatie_url: "
        "zet geen gebruikersnaam of wachtwoord in het webadres (het adres komt in elk openbaar "
        "pakket; schrijf 'https://www.regiogv.nl/stukken/')"
    )
    assert "geheim" not in result.stderr


def test_an_office_annex_with_a_damaged_or_encrypted_part_is_refused_not_a_crash() -> None:
    """Reading its parts for links raised zlib.error and RuntimeError out of the check."""
    from assembler.office_files import office_problem

    def packed(encrypted: bool, damage: bool) -> zipfile.ZipFile:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/_rels/document.xml.rels", "<Relationships/>" * 100)
        data = bytearray(buffer.getvalue())
        if encrypted:  # the flag in the central directory's entry of the part
            entry = data.rindex(b"PK\x01\x02")
            data[entry + 8] |= 0x1
        if damage:
            start = data.rindex(b"word/_rels/document.xml.rels", 0, len(data) // 2) + 28
            data[start + 5 : start + 15] = b"\xff" * 10
        return zipfile.ZipFile(io.BytesIO(bytes(data)))

    assert office_problem(packed(False, damage=True), ".docx", "b.docx") == (
        "'b.docx' is beschadigd (open en bewaar het opnieuw)"
    )
    assert office_problem(packed(True, damage=False), ".docx", "b.docx") == (
        "'b.docx' is beveiligd of onleesbaar ingepakt (open en bewaar het opnieuw)"
    )


def test_a_meeting_date_other_than_its_folder_name_is_warned_about_by_check_and_build(
    example_project: Path, run_cli: RunCli
) -> None:
    """'assembler vergadering' refuses such a meeting; a datum edited afterwards is warned
    about at its line, by check and by build alike (review incr I3)."""
    meeting = f"dossiers/{WONEN}/vergadering.yaml"
    edit(example_project, meeting, r"^datum: 2023-06-23", "datum: 2023-06-22")
    line = next(
        number
        for number, text in enumerate(
            (example_project / meeting).read_text(encoding="utf-8").splitlines(), start=1
        )
        if text.startswith("datum:")
    )
    said = (
        f"{meeting}:{line}: waarschuwing: datum: 2023-06-22 is een andere dag dan de naam van "
        "de vergadermap noemt (2023-06-23) (controleer de datum, of hernoem de map)"
    )
    for command in (["check"], ["build", "--geen-pdf"]):
        result = run_cli(*command, cwd=example_project)
        assert result.exit_code == 0, result.stderr
        assert said in result.stderr.splitlines(), result.stderr


# Names OneDrive/SharePoint ('-<computer>'), Windows Explorer (' (1)', ' - Kopie', ' - Copy')
# and Dropbox give a copy of a file beside it, by the stem of the file copied.
_COPY_NAMES = [
    "{}-DESKTOP-AB12.yaml",
    "{} (1).yaml",
    "{} - Kopie.yaml",
    "{} - Copy (2).yaml",
    "{} (Anouk's conflicted copy 2023-06-01).yaml",
]


def _copy_said(display: str, name: str, meant: str) -> str:
    return (
        f"{display}: waarschuwing: naast dit bestand staat '{name}', een kopie ervan met een "
        "andere inhoud (zoals OneDrive of Dropbox die maakt als het bestand op twee plaatsen "
        "tegelijk is bewaard, of Windows bij kopiëren), en die wordt niet gelezen (vergelijk de "
        f"twee, zet wat erin hoort in {meant} en haal '{name}' weg)"
    )


@pytest.mark.parametrize("pattern", _COPY_NAMES)
def test_a_sync_conflict_copy_beside_a_dossier_or_meeting_file_is_said_when_it_differs(
    example_project: Path, run_cli: RunCli, pattern: str
) -> None:
    """Windows review W3: OneDrive keeps the clerk's latest edit in 'dossier-DESKTOP-AB12.yaml'
    when two saved at once; such copies passed in silence, while 'dossier.yml' was said."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    dossier_copy = pattern.format("dossier")
    text = (folder / "dossier.yaml").read_text(encoding="utf-8")
    (folder / dossier_copy).write_text(text.replace("Anouk Pols", "Q. Jansen"), encoding="utf-8")
    meeting_copy = pattern.format("vergadering")
    meeting_text = (example_project / MEETING).read_text(encoding="utf-8")
    (example_project / "dossiers" / ECONOMIE / meeting_copy).write_text(
        meeting_text.replace('"14:00"', '"15:00"'), encoding="utf-8"
    )
    # The same content in the copies of the other meeting is no matter.
    wonen = example_project / "dossiers" / WONEN
    shutil.copy(wonen / "vergadering.yaml", wonen / meeting_copy)
    shutil.copy(wonen / "res-voortgang" / "dossier.yaml", wonen / "res-voortgang" / dossier_copy)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        _copy_said(MEETING, meeting_copy, "vergadering.yaml"),
        _copy_said(SEED, dossier_copy, "dossier.yaml"),
    ]


@pytest.mark.parametrize("pattern", _COPY_NAMES[:3])
def test_a_sync_conflict_copy_without_its_file_is_said_to_be_renamed(
    example_project: Path, run_cli: RunCli, pattern: str
) -> None:
    """Windows review W3: with only 'dossier (1).yaml' left, the agenda's line said 'controleer
    de mapnaam; is het dossier weggehaald ...' instead of naming it, as for 'dossier.yml'."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    name = pattern.format("dossier")
    (folder / "dossier.yaml").rename(folder / name)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    meeting = MEETING
    assert result.stderr.splitlines() == [
        f"{meeting}:{line_of(example_project, meeting, '  - dossier: werklocaties')}: "
        "agenda[2].dossier: er is geen dossiermap 'werklocaties' met een dossier.yaml in "
        f"dossiers/{ECONOMIE}: de map bevat '{name}' (hernoem dat bestand naar dossier.yaml)"
    ]


@pytest.mark.parametrize("name", ["dossier-oud.yaml", "dossier.yaml.bak", "dossier-2.yaml"])
def test_a_copy_the_clerk_kept_aside_is_no_conflict_copy(
    example_project: Path, run_cli: RunCli, name: str
) -> None:
    """A copy a clerk named to keep aside is not taken for one a sync program made."""
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    text = (folder / "dossier.yaml").read_text(encoding="utf-8")
    (folder / name).write_text(text.replace("Anouk Pols", "Q. Jansen"), encoding="utf-8")
    result = run_cli("check", cwd=example_project)
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize("suffix", [" - Kopie", " (2)", " - Copy"])
def test_a_meeting_folder_copied_in_explorer_is_said_to_be_the_copy(
    example_project: Path, run_cli: RunCli, suffix: str
) -> None:
    """Windows review W8: a copy '2023-05-26-pfho-economie - Kopie' of a meeting not built
    yet made its real dossier fail too, and told the clerk to give that one a new kenmerk,
    one sent out already."""
    dossiers = example_project / "dossiers"
    copy = f"{ECONOMIE}{suffix}"
    shutil.copytree(dossiers / ECONOMIE, dossiers / copy)
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"dossiers/{copy}/werklocaties/dossier.yaml:{line_of(example_project, SEED, 'kenmerk:')}:"
        f" kenmerk: '23.0001772' is al het kenmerk van {SEED}: de vergadermap '{copy}' is een "
        f"kopie van '{ECONOMIE}' (haal de kopie weg; is het een nieuwe vergadering, geef de map "
        "dan een eigen naam en dit dossier een eigen kenmerk, het eerstvolgende vrije is "
        "23.0002151)"
    ]
    real = run_cli("check", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert (real.exit_code, real.stderr) == (0, "")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("misschien", "'misschien' is geen geldige waarde (schrijf Ja of Nee)"),
        ("yes", "'yes' is geen geldige waarde (schrijf Ja of Nee)"),
    ],
)
def test_dubbelzijdig_takes_ja_or_nee_and_says_so_in_dutch(
    example_project: Path, run_cli: RunCli, written: str, said: str
) -> None:
    settings = example_project / "dossiers" / "organisatie.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + f"dubbelzijdig: {written}\n", encoding="utf-8"
    )
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"dossiers/organisatie.yaml:9: dubbelzijdig: {said}"
