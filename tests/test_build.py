"""`assembler build` end to end with real LibreOffice: outputs, cache, failures, cleanup."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest

from tests.conftest import CORPUS, ECONOMIE, REPO, WONEN, CliResult, needs_bridge

RunCli = Callable[..., CliResult]
pytestmark = pytest.mark.slow

ITEM = f"build/{ECONOMIE}/02-23.0001772-werklocaties"
SEED_ANNEX = (
    f"dossiers/{ECONOMIE}/werklocaties/bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
)


@pytest.fixture
def small_project(example_project: Path) -> Path:
    """The example project with only the first meeting (one dossier, three annexes)."""
    shutil.rmtree(example_project / "dossiers" / WONEN)
    return example_project


def pdftext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def outline_titles(path: Path) -> list[tuple[int, str]]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        found: list[tuple[int, str]] = []

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                found.append((depth, str(item.title)))
                walk(list(item.children), depth + 1)

        walk(list(outline.root), 0)
        return found


def test_a_confidential_voorstels_title_says_it_is_not_public(
    small_project: Path, run_cli: RunCli
) -> None:
    """Review (a11y M1): its "NIET OPENBAAR" is a header artifact, which a screen reader skips;
    the title it announces on opening now says so, in the voorstel and its bundle."""
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")

    result = run_cli("build", cwd=small_project)

    assert result.exit_code == 0, result.stderr
    title = "Aanpak actieplan Werklocaties (niet openbaar)"
    folder = small_project / "build" / ECONOMIE / "02-23.0001772-werklocaties"
    for name in ("voorstel.pdf", "bundel.pdf"):
        with pikepdf.open(folder / name) as pdf:
            assert str(pdf.docinfo["/Title"]) == title, name
            assert pdf.open_metadata()["dc:title"] == title, name


@pytest.mark.parametrize("epoch", [None, "1685000000"])
def test_a_pdfs_xmp_says_exactly_what_its_info_says(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, epoch: str | None
) -> None:
    """LibreOffice 7.4 escapes the XMP text twice: readers that prefer it showed auto&apos;s."""
    subject = "Parkeerbeleid voor auto's in 's-Graveland & \"De Vecht\""
    organisation = "Omgevingsdienst Flevoland & Gooi en Vechtstreek"
    settings = small_project / "dossiers" / "organisatie.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        re.sub(r"(?m)^naam: .*$", f"naam: {json.dumps(organisation)}", text), encoding="utf-8"
    )
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(
        re.sub(r"(?m)^onderwerp: .*$", f"onderwerp: {json.dumps(subject)}", text),
        encoding="utf-8",
    )
    # In UTC LibreOffice also wrote its creation date as D:…Z', which no reader accepts.
    monkeypatch.setenv("TZ", "UTC")
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)

    result = run_cli("build", cwd=small_project)

    assert result.exit_code == 0, result.stderr
    folder = small_project / "build" / ECONOMIE
    for path in (folder / "02-23.0001772-werklocaties" / "voorstel.pdf", folder / "agenda.pdf"):
        with pikepdf.open(path) as pdf:
            info, xmp = pdf.docinfo, pdf.open_metadata()
            assert str(info["/Author"]) == organisation
            assert xmp["dc:creator"] == [organisation]
            assert xmp["dc:title"] == str(info["/Title"])
            assert xmp["dc:description"] == str(info["/Subject"])
            assert xmp["pdf:Keywords"] == str(info["/Keywords"])
            assert re.fullmatch(r"D:\d{14}(Z|[+-]\d\d'\d\d'?)", str(info["/CreationDate"]))
    with pikepdf.open(folder / "02-23.0001772-werklocaties" / "voorstel.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == subject
        assert pdf.open_metadata()["dc:title"] == subject


def test_a_build_on_a_utc_machine_dates_its_pdfs_in_dutch_time(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build server often runs in UTC: LibreOffice then wrote D:…Z', which every PDF had to
    be rewritten for; it converts in Dutch time, as the bundles are dated."""
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = run_cli("build", cwd=small_project)
    assert result.exit_code == 0, result.stderr
    voorstel = small_project / "build" / ECONOMIE / "02-23.0001772-werklocaties" / "voorstel.pdf"
    with pikepdf.open(voorstel) as pdf:
        assert re.fullmatch(r"D:\d{14}\+0[12]'00'", str(pdf.docinfo["/CreationDate"]))


def test_a_kenmerk_with_a_slash_gives_one_output_folder(
    small_project: Path, run_cli: RunCli
) -> None:
    """An organisation's own kenmerkpatroon may allow "RGV/12": its outputs stay together."""
    organisation = small_project / "dossiers" / "organisatie.yaml"
    text = organisation.read_text(encoding="utf-8")
    organisation.write_text(
        text.replace("kenmerkpatroon: '^\\d{2}\\.\\d{7}$'", "kenmerkpatroon: '^RGV/\\d+$'"),
        encoding="utf-8",
    )
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(re.sub(r"(?m)^kenmerk: .*$", 'kenmerk: "RGV/12"', text), encoding="utf-8")
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 0, result.stderr
    folder = small_project / "build" / ECONOMIE / "02-RGV-12-werklocaties"
    assert sorted(p.name for p in folder.iterdir()) == ["voorstel.docx"]
    again = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in again.stderr, again.stderr


@pytest.mark.parametrize("home", ["/dev/null", None], ids=["home-dev-null", "no-home"])
def test_a_cron_job_without_a_home_folder_builds_everything(
    small_project: Path, tmp_path: Path, home: str | None
) -> None:
    # A cron job's or service user's HOME=/dev/null once failed every bundle: reportlab read
    # ~/.reportlab_mods on import ("Not a directory"). The LibreOffice profile is then kept
    # in the temporary folder (here one of the test's own); without HOME, in the home folder
    # the user database names.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    }
    environment |= {"PYTHONPATH": str(REPO), "TMPDIR": str(tmp_path)}
    if home is not None:
        environment["HOME"] = home
    done = subprocess.run(
        [sys.executable, "-m", "assembler", "build"],
        cwd=small_project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in done.stderr
    item = small_project / ITEM
    assert sorted(p.name for p in item.iterdir()) == ["bundel.pdf", "voorstel.docx", "voorstel.pdf"]
    assert "Bijlage 1 bij 23.0001772" in pdftext(item / "bundel.pdf")
    assert (small_project / "build" / ECONOMIE / "vergaderbundel.pdf").is_file()
    if home == "/dev/null":
        assert [path.name for path in tmp_path.glob("assembler-cache-*")] == [
            f"assembler-cache-{os.getuid()}"
        ]


def test_build_writes_word_pdf_and_bundle(small_project: Path, run_cli: RunCli) -> None:
    result = run_cli("build", cwd=small_project)
    assert result.exit_code == 0, result.stderr
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in result.stderr
    item = small_project / ITEM
    assert sorted(p.name for p in item.iterdir()) == ["bundel.pdf", "voorstel.docx", "voorstel.pdf"]
    text = " ".join(pdftext(item / "voorstel.pdf").split())
    for expected in (
        "Aanpak actieplan Werklocaties",
        "23.0001772",
        "11 april 2023",
        "Voorstel 1.",
        "Bijlage 3.",
    ):
        assert expected in text
    with pikepdf.open(item / "voorstel.pdf") as voorstel:
        voorstel_pages = len(voorstel.pages)
    with pikepdf.open(item / "bundel.pdf") as bundle:
        annex_pages = 0
        for annex in sorted((small_project / "dossiers" / ECONOMIE / "werklocaties").glob("*.pdf")):
            with pikepdf.open(annex) as pdf:
                annex_pages += len(pdf.pages)
        assert len(bundle.pages) == voorstel_pages + annex_pages
    top = [title for depth, title in outline_titles(item / "bundel.pdf") if depth == 0]
    assert top == [
        "Voorstel",
        "Bijlage 1 – Voorstel aanpak actieplan Werklocaties",
        "Bijlage 2 – Projectplan instrumenten ruimte voor werklocaties (oktober 2021)",
        "Bijlage 3 – Advies Ruimte voor werk – nieuw instrumentarium (juli 2022)",
    ]
    assert "Bijlage 1 bij 23.0001772" in pdftext(item / "bundel.pdf")
    # Colleagues open the outputs from a shared drive: every one gets the mode of a new file.
    umask = os.umask(0o022)
    os.umask(umask)
    outputs = [*item.iterdir(), *(small_project / "build" / ECONOMIE).glob("*.pdf")]
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in outputs} == {
        p.name: 0o666 & ~umask for p in outputs
    }


def test_unchanged_dossier_is_skipped_and_changes_rebuild(
    small_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("build", cwd=small_project).exit_code == 0
    pdf = small_project / ITEM / "voorstel.pdf"
    stamp = pdf.stat().st_mtime_ns

    again = run_cli("build", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in again.stderr
    assert pdf.stat().st_mtime_ns == stamp

    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties"
    touched = [
        (dossier / "dossier.yaml", b"\n# opmerking\n"),
        (dossier / "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf", b"\n"),
        (small_project / "templates" / "voorstel.docx", None),
        (small_project / "dossiers" / "organisatie.yaml", b"\n# opmerking\n"),
    ]
    # A comment in organisatie.yaml changes no setting; a new name does.
    organisation = small_project / "dossiers" / "organisatie.yaml"
    for path, extra in touched:
        if extra is None:
            data = path.read_bytes()
            path.write_bytes(data)  # same bytes: a template save that changed nothing
            unchanged = run_cli("build", "--geen-pdf", cwd=small_project)
            assert "0 gebouwd, 1 ongewijzigd" in unchanged.stderr, path
            _change_template(path)
        else:
            with open(path, "ab") as handle:
                handle.write(extra)
        rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)
        if path.name == "dossier.yaml":
            # A comment makes nothing again, also the first Word-only build after one with
            # PDFs (which made every dossier again, the key saying whether PDFs were made).
            assert "Klaar: 0 gebouwd, 1 ongewijzigd" in rebuilt.stderr
            path.write_text(path.read_text().replace("onderwerp: Aanpak", "onderwerp: De aanpak"))
            rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)
        if path == organisation:
            assert "Klaar: 0 gebouwd, 1 ongewijzigd" in rebuilt.stderr
            # Nor does a setting that only the export uses.
            organisation.write_text(
                organisation.read_text().replace(
                    "publicatie_url: https://www.regiogv.nl/stukken/",
                    "publicatie_url: https://www.regiogv.nl/vergaderstukken/",
                )
            )
            rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)
            assert "Klaar: 0 gebouwd, 1 ongewijzigd" in rebuilt.stderr
            organisation.write_text(
                organisation.read_text().replace("naam: Regio", "naam: De Regio")
            )
            rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)
        assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr, path


def _logo_in(word: Path) -> bytes:
    """The one picture a built Word document holds: the organisation's logo in its header."""
    with zipfile.ZipFile(word) as archive:
        (media,) = [name for name in archive.namelist() if name.startswith("word/media/")]
        return archive.read(media)


def test_a_new_logo_under_the_same_file_name_makes_the_documents_again(
    small_project: Path, run_cli: RunCli
) -> None:
    """organisatie.yaml still says huisstijl/logo.png; only the picture's bytes are new."""
    from PIL import Image as Picture

    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    voorstel = small_project / ITEM / "voorstel.docx"
    logo = small_project / "dossiers" / "huisstijl" / "logo.png"
    old = _logo_in(voorstel)
    # Under print resolution for its 12 mm: the document holds the file's bytes as they are.
    Picture.new("RGB", (400, 100), (200, 30, 40)).save(logo)
    assert logo.read_bytes() != old

    rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr, rebuilt.stderr
    assert _logo_in(voorstel) == logo.read_bytes()


def _converted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the documents the build hands to LibreOffice, from now on."""
    from assembler.convert import ConversionService

    names: list[str] = []
    submit = ConversionService.submit

    def recording(self: ConversionService, job: Any) -> None:
        names.append(job.source.name)
        submit(self, job)

    monkeypatch.setattr(ConversionService, "submit", recording)
    return names


def test_a_replaced_annex_makes_new_bundles_around_the_kept_voorstel_and_agendas(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("build", cwd=small_project).exit_code == 0
    meeting = small_project / "build" / ECONOMIE
    kept = [small_project / ITEM / "voorstel.pdf", small_project / ITEM / "voorstel.docx"]
    kept += [
        meeting / f"{name}.{suffix}"
        for name in ("agenda", "agenda-niet-openbaar")
        for suffix in ("pdf", "docx")
    ]
    before = {path: (path.stat().st_ino, path.read_bytes()) for path in kept}
    with pikepdf.open(meeting / "vergaderbundel.pdf") as pdf:
        pages_before = len(pdf.pages)
    annex = small_project / SEED_ANNEX
    with pikepdf.open(annex) as pdf:
        replaced_pages = len(pdf.pages)
    shutil.copyfile(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", annex)
    converted = _converted(monkeypatch)

    rebuilt = run_cli("build", cwd=small_project)

    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in rebuilt.stderr
    assert converted == []  # LibreOffice made nothing: the documents did not change
    for path, (inode, data) in before.items():
        assert (path.stat().st_ino, path.read_bytes()) == (inode, data), path
    # The bundles hold the new annex, stamped, in place of the old one.
    bundle = small_project / ITEM / "bundel.pdf"
    text = pdftext(bundle)
    assert "Hello, here is some text without a meaning" in text
    assert "Bijlage 1 bij 23.0001772" in text
    with pikepdf.open(meeting / "vergaderbundel.pdf") as pdf:
        assert len(pdf.pages) == pages_before - replaced_pages + 4
    assert "Hello, here is some text without a meaning" in pdftext(meeting / "vergaderbundel.pdf")

    # A change to the dossier's text makes its document and the agendas again.
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace(
            "onderwerp: Aanpak", "onderwerp: Herziene aanpak", 1
        ),
        encoding="utf-8",
    )
    again = run_cli("build", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in again.stderr, again.stderr
    assert sorted(converted) == ["agenda-niet-openbaar.docx", "agenda.docx", "voorstel.docx"]
    assert "Herziene aanpak" in pdftext(small_project / ITEM / "voorstel.pdf")
    assert "Herziene aanpak" in pdftext(meeting / "agenda.pdf")


def test_a_changed_voorstel_template_leaves_the_agendas_as_they_are(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An agenda shows what the dossiers say, not how their template lays it out."""
    assert run_cli("build", cwd=small_project).exit_code == 0
    agenda = small_project / "build" / ECONOMIE / "agenda.pdf"
    before = agenda.read_bytes()
    _change_template(small_project / "templates" / "voorstel.docx")
    converted = _converted(monkeypatch)

    rebuilt = run_cli("build", cwd=small_project)

    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in rebuilt.stderr, rebuilt.stderr
    assert converted == ["voorstel.docx"]
    assert agenda.read_bytes() == before


def test_a_template_put_back_as_it_was_finds_the_kept_documents_made(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: a build that failed for a broken template forgot what the kept documents were
    made of, and the one after it, with the template restored byte for byte, made 5 again."""
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    template = example_project / "templates" / "voorstel.docx"
    original = template.read_bytes()
    template.write_text("geen Word-document\n", encoding="utf-8")
    broken = run_cli("build", "--geen-pdf", cwd=example_project)
    assert broken.exit_code == 2
    assert "Klaar: 0 gebouwd, 1 ongewijzigd, 5 mislukt" in broken.stderr, broken.stderr
    template.write_bytes(original)
    again = run_cli("build", "--geen-pdf", cwd=example_project)
    assert again.exit_code == 0, again.stderr
    assert "Klaar: 0 gebouwd, 6 ongewijzigd, 0 mislukt" in again.stderr, again.stderr


def test_an_edit_the_agenda_does_not_show_leaves_the_agendas_as_they_are(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: a word changed in the toelichting converted both agendas again, as their key was
    the whole dossier.yaml; an annex's description, which they show, still remakes them."""
    assert run_cli("build", cwd=small_project).exit_code == 0
    agenda = small_project / "build" / ECONOMIE / "agenda.pdf"
    before = agenda.read_bytes()
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    assert "toelichting: |\n" in text
    dossier.write_text(
        text.replace("toelichting: |\n", "toelichting: |\n  Een nieuwe eerste zin.\n\n", 1),
        encoding="utf-8",
    )
    converted = _converted(monkeypatch)

    rebuilt = run_cli("build", cwd=small_project)

    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in rebuilt.stderr, rebuilt.stderr
    assert converted == ["voorstel.docx"]
    assert agenda.read_bytes() == before
    assert "Een nieuwe eerste zin." in pdftext(small_project / ITEM / "voorstel.pdf")

    described = dossier.read_text(encoding="utf-8").replace(
        "omschrijving: ", "omschrijving: Herziene versie ", 1
    )
    dossier.write_text(described, encoding="utf-8")
    again = run_cli("build", cwd=small_project)
    assert again.exit_code == 0, again.stderr
    assert sorted(converted[1:]) == ["agenda-niet-openbaar.docx", "agenda.docx", "voorstel.docx"]
    assert "Herziene versie" in pdftext(agenda)


@pytest.mark.parametrize("then", ["removed", "saved"])
def test_a_kept_voorstel_and_agenda_changed_after_the_plan_are_made_again(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, then: str
) -> None:
    """Removed or saved from Word between the plan and the run (a clerk's tidy-up or a
    correction at the wrong moment): what is passed on is made by the build, not kept."""
    from assembler import build

    assert run_cli("build", cwd=small_project).exit_code == 0
    annex = small_project / SEED_ANNEX
    shutil.copyfile(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", annex)
    converted = _converted(monkeypatch)
    # Looked up in build, where the run takes kept outputs (_run, _Renderer.reuse).
    keep_files = build.keep_files

    def meanwhile(kept: Any, staging: Path, names: Any) -> bool:
        word = kept.folder / names[0]
        if then == "removed":
            word.unlink()
        else:
            _correct(word)
        return keep_files(kept, staging, names)

    monkeypatch.setattr(build, "keep_files", meanwhile)

    rebuilt = run_cli("build", cwd=small_project)

    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in rebuilt.stderr
    assert sorted(converted) == ["agenda-niet-openbaar.docx", "agenda.docx", "voorstel.docx"]
    assert "Hello, here is some text without a meaning" in pdftext(
        small_project / ITEM / "bundel.pdf"
    )
    assert "23.0001772" in pdftext(small_project / ITEM / "voorstel.pdf")
    for word in (
        small_project / ITEM / "voorstel.docx",
        small_project / f"build/{ECONOMIE}/agenda.docx",
    ):
        text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
        assert "Mijn correctie" not in text


def test_outputs_being_replaced_are_recorded_without_keys(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped while the files move, the folder holds some of each version: the record may
    not name either, or a build of the old inputs would keep the new files (and back)."""
    from assembler import build_cache, meeting_bundles
    from assembler.layout import dossier_record, meeting_record
    from assembler.project import Project

    assert run_cli("build", cwd=small_project).exit_code == 0
    project = Project(small_project)
    records = {
        "voorstel.pdf": dossier_record(project, ECONOMIE, "werklocaties"),
        "agenda.pdf": meeting_record(project, ECONOMIE),
    }
    seen: dict[str, dict[str, Any]] = {}
    move = build_cache.move

    def watching(source: Path, target: Path) -> None:
        if target.name in records and target.name not in seen:
            seen[target.name] = json.loads(records[target.name].read_text(encoding="utf-8"))
        move(source, target)

    # A dossier's outputs are moved by build_cache.install, a meeting's by meeting_bundles.
    monkeypatch.setattr(build_cache, "move", watching)
    monkeypatch.setattr(meeting_bundles, "move", watching)
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace(
            "onderwerp: Aanpak", "onderwerp: Herziene aanpak", 1
        ),
        encoding="utf-8",
    )
    assert run_cli("build", cwd=small_project).exit_code == 0
    assert set(seen) == set(records)
    for name, record in seen.items():
        assert not {"key", "document", "agendas"} & set(record), (name, record)
        assert "openbaar" in record, name  # the withdrawals still read it
    for record in records.values():
        assert {"key", "openbaar"} <= set(json.loads(record.read_text(encoding="utf-8")))


def test_a_renamed_overleg_rebuilds_the_bundles_that_name_it(
    small_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("build", cwd=small_project).exit_code == 0
    meeting = small_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text + "# alleen een opmerking\n", encoding="utf-8")
    unchanged = run_cli("build", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in unchanged.stderr

    assert "overleg: Portefeuillehoudersoverleg Economie" in text
    meeting.write_text(
        text.replace("overleg: Portefeuillehoudersoverleg Economie", "overleg: PHO Economie"),
        encoding="utf-8",
    )
    rebuilt = run_cli("build", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr, rebuilt.stderr
    # The voorstel and its bundle say the same (the voorstel said the organisation's name).
    for name in ("voorstel.pdf", "bundel.pdf"):
        with pikepdf.open(small_project / ITEM / name) as pdf:
            assert str(pdf.docinfo["/Subject"]) == "Voorstel PHO Economie", name


def test_a_comment_or_other_quoting_in_the_yaml_makes_nothing_again(
    small_project: Path, run_cli: RunCli
) -> None:
    """What a dossier.yaml or vergadering.yaml says is the key, not how it is written."""
    assert run_cli("build", cwd=small_project).exit_code == 0
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    meeting = small_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    text = dossier.read_text(encoding="utf-8")
    assert "\nkenmerk: 23.0001772\n" in text
    dossier.write_text(
        "# nagekeken door de griffie\n"
        + text.replace("\nkenmerk: 23.0001772\n", "\nkenmerk: '23.0001772'  # uit Corsa\n"),
        encoding="utf-8",
    )
    meeting.write_text(meeting.read_text(encoding="utf-8") + "# nagekeken\n", encoding="utf-8")
    unchanged = run_cli("build", cwd=small_project)
    assert unchanged.exit_code == 0, unchanged.stderr
    assert "Klaar: 0 gebouwd, 1 ongewijzigd, 0 mislukt" in unchanged.stderr, unchanged.stderr
    assert "Agenda's en vergaderbundels" not in unchanged.stderr, unchanged.stderr

    dossier.write_text(text.replace("\nkenmerk: 23.0001772\n", "\nkenmerk: 23.0001773\n"), "utf-8")
    rebuilt = run_cli("build", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in rebuilt.stderr, rebuilt.stderr
    assert f"Agenda's en vergaderbundels van {ECONOMIE} opnieuw gemaakt" in rebuilt.stderr


def test_an_annex_the_bundle_cannot_read_is_said_at_its_entry(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An annex the intake read and the bundle could not (saved again while the build ran)
    was said by the absolute path the bundle opened, under dossier.yaml without a line."""
    import assembler.bundle

    real = assembler.bundle.strip_active_content

    def unreadable(pdf: pikepdf.Pdf) -> Any:
        if Path(pdf.filename).name.startswith("bijlage-1-"):
            raise pikepdf.PdfError("damaged since the intake read it")
        return real(pdf)

    monkeypatch.setattr(assembler.bundle, "strip_active_content", unreadable)
    result = run_cli("build", cwd=small_project)
    assert result.exit_code == 1, result.stderr
    said = (
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:53: bijlagen[1].bestand: "
        "'bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf' is beschadigd: de pagina's "
        "kunnen niet worden gelezen (lever de bijlage opnieuw aan)"
    )
    assert said in result.stderr.splitlines(), result.stderr
    assert str(small_project) not in result.stderr


def test_a_kept_annex_warning_is_said_at_the_line_its_entry_has_now(
    small_project: Path, run_cli: RunCli
) -> None:
    """Comments added above 'bijlagen:' make nothing again, and the annex warnings said again
    for the kept outputs named the line the entry had when they were made (review revD R1)."""
    annex = small_project / SEED_ANNEX
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        restricted = pikepdf.Permissions(extract=False)
        pdf.save(annex, encryption=pikepdf.Encryption(owner="x", user="", allow=restricted))
    assert run_cli("build", cwd=small_project).exit_code == 0
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(
        text.replace("\nbijlagen:", "\n# Aangeleverd door Economie,\n# nagekeken.\nbijlagen:"),
        encoding="utf-8",
    )
    line = 1 + dossier.read_text(encoding="utf-8").split("\n").index(
        "    bestand: bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    )
    kept = run_cli("build", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in kept.stderr, kept.stderr
    said = [w for w in kept.stderr.splitlines() if "beveiligd met beperkingen" in w]
    prefix = f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:{line}: waarschuwing: bijlagen[1]"
    assert len(said) == 1 and said[0].startswith(prefix), kept.stderr
    checked = run_cli("check", cwd=small_project)
    assert said[0] in checked.stderr.splitlines(), checked.stderr


def test_an_upgraded_library_that_writes_outputs_means_a_rebuild(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import metadata

    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert "0 gebouwd, 1 ongewijzigd" in run_cli("build", "--geen-pdf", cwd=small_project).stderr
    installed = metadata.version

    def upgraded(name: str) -> str:
        return "99.0" if name == "python-docx" else installed(name)

    monkeypatch.setattr(metadata, "version", upgraded)
    rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr, rebuilt.stderr


def test_a_font_installed_for_libreoffice_means_a_rebuild(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A newer Liberation font in ~/.fonts changed every PDF of a clean build, while the
    incremental one said 'ongewijzigd' and kept the old bytes."""
    data_home = tmp_path / "data"
    (data_home / "fonts").mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    assert run_cli("build", cwd=small_project).exit_code == 0
    assert "0 gebouwd, 1 ongewijzigd" in run_cli("build", cwd=small_project).stderr

    font = next(Path("/usr/share/fonts").rglob("*.ttf"))
    shutil.copyfile(font, data_home / "fonts" / font.name)
    rebuilt = run_cli("build", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr, rebuilt.stderr
    assert "0 gebouwd, 1 ongewijzigd" in run_cli("build", cwd=small_project).stderr


def test_the_font_key_follows_linked_font_folders_as_fontconfig_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A font added in a folder linked into ~/.local/share/fonts was listed by fc-list but
    left the key as it was (review revF F1); a link back up must not walk for ever."""
    from assembler.build_cache import fonts_fingerprint

    data_home = tmp_path / "data"
    shared = tmp_path / "gedeeld"
    shared.mkdir()
    (data_home / "fonts").mkdir(parents=True)
    (data_home / "fonts" / "gedeeld").symlink_to(shared)
    (shared / "rond").symlink_to(data_home / "fonts")
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    before = fonts_fingerprint()
    (shared / "Nieuw.ttf").write_bytes(b"font")
    assert fonts_fingerprint() != before


def test_a_no_op_build_reads_no_annex_but_sees_one_replaced_in_place(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assembler import digests
    from tests.test_digests import rewrite_in_place, spy_on_reading

    # Files written in the last seconds are read every time; these were copied just now.
    monkeypatch.setattr(digests, "SETTLED_SECONDS", 0.0)
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    annex = (
        small_project
        / "dossiers"
        / ECONOMIE
        / "werklocaties"
        / "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    )
    read = spy_on_reading(monkeypatch)
    unchanged = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in unchanged.stderr, unchanged.stderr
    assert read == []

    # Another version of the same size, with the old time kept (as some copy tools do): the
    # kernel's change time still shows it.
    data = annex.read_bytes()
    assert b"ReportLab Generated PDF" in data[:60]
    rewrite_in_place(annex, data.replace(b"ReportLab", b"ReportLAB", 1))
    rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr, rebuilt.stderr
    assert read == [str(annex)]


def _change_template(path: Path) -> None:
    """Save the template again with one extra (invisible) document property changed."""
    import docx

    document = docx.Document(str(path))
    document.core_properties.comments = "gewijzigd"
    document.save(str(path))


def test_bad_dossier_is_reported_and_the_rest_is_built(
    example_project: Path, run_cli: RunCli
) -> None:
    seed = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    seed.write_text(seed.read_text().replace("verspreiden: Ja", "verspreiden: No"))
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    assert "dossier.yaml:" in result.stderr and "verspreiden: 'No'" in result.stderr
    # The refused dossier counts as failed, as one refused for its annex or template does.
    assert "Klaar: 5 gebouwd, 0 ongewijzigd, 1 mislukt" in result.stderr
    assert not (example_project / ITEM).exists()
    built = list((example_project / "build" / WONEN).glob("*/*.docx"))
    assert len(built) >= 4
    summary = json.loads(run_cli("build", "--geen-pdf", "--json", cwd=example_project).stdout)
    assert (summary["gebouwd"], summary["ongewijzigd"], summary["mislukt"]) == (0, 5, 1)
    refused = [d for d in summary["dossiers"] if d["status"] == "mislukt"]
    assert refused == [
        {
            "vergadering": ECONOMIE,
            "dossier": "werklocaties",
            "agendapunt": 2,
            "status": "mislukt",
            "uitvoer": [],
        }
    ]
    # The meetings too: where a script finds each agenda, and which could not be made.
    assert summary["vergaderingen"] == [
        {"vergadering": ECONOMIE, "status": "niet gemaakt", "uitvoer": []},
        {
            "vergadering": WONEN,
            "status": "ongewijzigd",
            "uitvoer": [f"build/{WONEN}/agenda.docx", f"build/{WONEN}/agenda-niet-openbaar.docx"],
        },
    ]


def test_a_rejected_annex_fails_its_dossier_and_the_rest_is_built(
    example_project: Path, run_cli: RunCli
) -> None:
    # Rendering does not wait for the annex checks; a dossier whose annex is refused must
    # still end with nothing published, and its rendering must not reach a bundle.
    folder = example_project / "dossiers" / ECONOMIE / "werklocaties"
    annex = folder / "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf"
    # Refused by the intake, yet merging it would work: only the intake can stop it.
    with pikepdf.open(annex, allow_overwriting_input=True) as pdf:
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pikepdf.Array())
        pdf.Root.NeedsRendering = True
        pdf.save(annex)
    result = run_cli("build", cwd=example_project)
    assert result.exit_code == 1, result.stderr
    assert "werklocaties/dossier.yaml:55: bijlagen[2].bestand:" in result.stderr
    assert "dynamisch XFA-formulier" in result.stderr
    assert "Klaar: 5 gebouwd, 0 ongewijzigd, 1 mislukt" in result.stderr
    assert not (example_project / ITEM).exists()
    assert not list((example_project / "build").rglob(".tmp-assembler-*"))
    # An incomplete meeting gets no meeting bundle, and says so: "made", as this is the
    # first build (after an earlier one, "updated": see the --geen-pdf test).
    assert (
        f"dossiers/{ECONOMIE}/vergadering.yaml: waarschuwing: agenda en vergaderbundel zijn "
        "niet gemaakt omdat het agendapunt voor werklocaties niet gemaakt kon worden (zie de "
        "meldingen bij dat agendapunt)"
    ) in result.stderr
    assert not (example_project / "build" / ECONOMIE / "vergaderbundel.pdf").exists()
    assert (example_project / "build" / WONEN / "vergaderbundel.pdf").is_file()


def docx_lines(path: Path) -> list[str]:
    document = docx.Document(str(path))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    # The agenda's item headings hang after their number at a tab stop: read as a space.
    return [line.replace("\t", " ") for line in lines if line.strip()]


def _removed_pdfs(count: int) -> str:
    """The summary's last line after a Word-only build removed ``count`` PDFs."""
    files, matched = ("PDF", "paste") if count == 1 else ("PDF's", "pasten")
    return (
        f"{count} {files} weggehaald die niet meer {matched} bij wat deze build opnieuw maakte "
        "(een build met --geen-pdf maakt alleen Word-documenten; bouw zonder --geen-pdf om ze "
        "weer te maken).\n"
    )


def test_a_forced_word_only_build_makes_both_agendas_and_drops_the_meeting_pdfs(
    example_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("build", cwd=example_project).exit_code == 0
    meeting = example_project / "build" / WONEN
    assert (meeting / "vergaderbundel.pdf").is_file()
    made = list((example_project / "build").glob("*/*.pdf"))
    made += (example_project / "build").glob("*/*/*.pdf")
    assert len(made) >= 20  # 6 dossiers × 2, 2 meetings × 4
    kept = {path: path.read_bytes() for path in made}

    # Everything is made again, so no PDF of the build before matches any more.
    result = run_cli("build", "--geen-pdf", "--force", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(_removed_pdfs(len(made)))
    assert not any(path.exists() for path in made)
    # A script is told the same.
    for path, data in kept.items():
        path.write_bytes(data)
    scripted = run_cli("build", "--geen-pdf", "--force", "--json", cwd=example_project)
    assert json.loads(scripted.stdout)["pdfs_weggehaald"] == len(made)
    assert not any(path.exists() for path in made)
    # As a dossier's PDFs go, so do the meeting's: they would not match the new agendas.
    files = sorted(path.name for path in meeting.iterdir() if path.is_file())
    assert files == ["agenda-niet-openbaar.docx", "agenda.docx"]
    public = docx_lines(meeting / "agenda.docx")
    assert "3. Regionale woningbouwafspraken 2023-2030" in public
    assert "7. Niet openbaar" in public
    assert not any("Woningbouwimpuls" in line or "23.0002150" in line for line in public)
    full = docx_lines(meeting / "agenda-niet-openbaar.docx")
    assert "7. Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls (niet openbaar)" in full

    again = run_cli("build", "--geen-pdf", cwd=example_project)
    assert "Klaar: 0 gebouwd, 6 ongewijzigd, 0 mislukt" in again.stderr
    assert "weggehaald" not in again.stderr
    assert sorted(path.name for path in meeting.iterdir() if path.is_file()) == files

    # A rejected item keeps the previous agendas, and the clerk is told.
    before = (meeting / "agenda.docx").read_bytes()
    seed = example_project / "dossiers" / WONEN / "snelfietsroutes" / "dossier.yaml"
    seed.write_text(seed.read_text().replace("datum: 2023-06-07", "datum: 2023-06-31"))
    refused = run_cli("build", "--geen-pdf", cwd=example_project)
    assert refused.exit_code == 1, refused.stderr
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de agenda's zijn niet bijgewerkt "
        "omdat het agendapunt voor snelfietsroutes is afgekeurd (zie de meldingen bij dat "
        "agendapunt)"
    ) in refused.stderr
    assert (meeting / "agenda.docx").read_bytes() == before

    # With PDFs asked for, the warning names the meeting bundle: the Word-only builds made
    # none, so there is none to find; after a complete build there is, and it stays.
    bundle_warning = (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: agenda en vergaderbundel zijn niet "
        "{} omdat het agendapunt voor snelfietsroutes is afgekeurd (zie de meldingen bij dat "
        "agendapunt)"
    )
    refused = run_cli("build", cwd=example_project)
    assert bundle_warning.format("gemaakt") in refused.stderr, refused.stderr
    seed.write_text(seed.read_text().replace("datum: 2023-06-31", "datum: 2023-06-07"))
    assert run_cli("build", cwd=example_project).exit_code == 0
    made = (meeting / "vergaderbundel.pdf").read_bytes()
    seed.write_text(seed.read_text().replace("datum: 2023-06-07", "datum: 2023-06-31"))
    refused = run_cli("build", cwd=example_project)
    assert bundle_warning.format("bijgewerkt") in refused.stderr, refused.stderr
    assert (meeting / "vergaderbundel.pdf").read_bytes() == made


def _outputs(root: Path) -> dict[str, tuple[str, int]]:
    """Every file the build put in build/ (not its cache): its SHA-256 and modification time."""
    return {
        path.relative_to(root).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in (root / "build").rglob("*")
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(root).parts)
    }


def test_a_word_only_build_of_an_unchanged_project_keeps_every_output(
    example_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clerk looks at the Word documents quickly with --geen-pdf. Was: every dossier made
    again ("6 gebouwd"), all 20 PDFs removed, and the next build converted everything again."""
    assert run_cli("build", cwd=example_project).exit_code == 0
    before = _outputs(example_project)
    assert len([name for name in before if name.endswith(".pdf")]) == 20

    result = run_cli("build", "--geen-pdf", cwd=example_project)

    assert result.exit_code == 0, result.stderr
    assert "Klaar: 0 gebouwd, 6 ongewijzigd, 0 mislukt" in result.stderr
    assert "weggehaald" not in result.stderr
    assert _outputs(example_project) == before  # the same bytes, not written again
    # A script is told the same.
    summary = json.loads(run_cli("build", "--geen-pdf", "--json", cwd=example_project).stdout)
    assert summary["pdfs_weggehaald"] == 0
    assert {d["status"] for d in summary["dossiers"]} == {"ongewijzigd"}
    assert {m["status"] for m in summary["vergaderingen"]} == {"ongewijzigd"}
    seed = next(d for d in summary["dossiers"] if d["dossier"] == "werklocaties")
    names = ["bundel.pdf", "voorstel.docx", "voorstel.pdf"]
    assert sorted(seed["uitvoer"]) == [f"{ITEM}/{name}" for name in names]
    wonen = next(m for m in summary["vergaderingen"] if m["vergadering"] == WONEN)
    assert len(wonen["uitvoer"]) == 6  # its agendas, their PDFs and the meeting bundles
    # Nor is anything converted again by the next build with PDFs.
    converted = _converted(monkeypatch)
    again = run_cli("build", cwd=example_project)
    assert "Klaar: 0 gebouwd, 6 ongewijzigd, 0 mislukt" in again.stderr, again.stderr
    assert converted == []
    assert _outputs(example_project) == before


@pytest.mark.parametrize("field", ["onderwerp", "toelichting"])
def test_a_word_only_build_removes_only_the_pdfs_that_no_longer_match(
    example_project: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    field: str,
) -> None:
    """One dossier changed: its PDFs go, and its meeting's bundles (and agendas' PDFs when
    the agendas show the change); the rest stays. The next build with PDFs converts only
    what went, and the outputs are a clean build's."""
    assert run_cli("build", cwd=example_project).exit_code == 0
    before = _outputs(example_project)
    seed = example_project / "dossiers" / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = seed.read_text(encoding="utf-8")
    if field == "onderwerp":  # shown on the agendas
        changed = text.replace("onderwerp: Prioritering", "onderwerp: Herziene prioritering")
    else:  # not shown there
        changed = text.replace("toelichting: |\n", "toelichting: |\n  Een nieuwe alinea.\n\n")
    assert changed != text
    seed.write_text(changed, encoding="utf-8")
    meeting = f"build/{WONEN}"
    item = f"{meeting}/05-23.0002131-snelfietsroutes"
    gone = {f"{item}/voorstel.pdf", f"{item}/bundel.pdf"}
    gone |= {f"{meeting}/vergaderbundel.pdf", f"{meeting}/vergaderbundel-niet-openbaar.pdf"}
    remade = {f"{item}/voorstel.docx"}
    if field == "onderwerp":
        gone |= {f"{meeting}/agenda.pdf", f"{meeting}/agenda-niet-openbaar.pdf"}
        remade |= {f"{meeting}/agenda.docx", f"{meeting}/agenda-niet-openbaar.docx"}

    result = run_cli("build", "--geen-pdf", cwd=example_project)

    assert result.exit_code == 0, result.stderr
    assert "Klaar: 1 gebouwd, 5 ongewijzigd, 0 mislukt" in result.stderr
    assert result.stderr.endswith(_removed_pdfs(len(gone))), result.stderr
    after = _outputs(example_project)
    assert set(after) == set(before) - gone
    assert {n for n in after if after[n] != before[n]} == remade
    if field == "onderwerp":
        agenda = docx_lines(example_project / meeting / "agenda.docx")
        assert "5. Herziene prioritering regionale snelfietsroutes en cofinanciering" in agenda
    summary = json.loads(run_cli("build", "--geen-pdf", "--json", cwd=example_project).stdout)
    assert summary["pdfs_weggehaald"] == 0  # said once, by the build that removed them
    assert {d["status"] for d in summary["dossiers"]} == {"ongewijzigd"}
    assert _outputs(example_project) == after

    # The next build with PDFs converts what is missing, and only that.
    converted = _converted(monkeypatch)
    rebuilt = run_cli("build", cwd=example_project)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert "Klaar: 1 gebouwd, 5 ongewijzigd, 0 mislukt" in rebuilt.stderr, rebuilt.stderr
    assert f"Agenda's en vergaderbundels van {WONEN} opnieuw gemaakt." in rebuilt.stderr
    assert sorted(converted) == sorted(Path(name).name for name in remade)
    built = _outputs(example_project)
    assert set(built) == set(before)
    kept = set(before) - gone - remade - {f"{item}/voorstel.docx"}
    assert {n: built[n] for n in kept} == {n: before[n] for n in kept}
    # A Word-only build after it keeps everything.
    word_only = run_cli("build", "--geen-pdf", cwd=example_project)
    assert "Klaar: 0 gebouwd, 6 ongewijzigd, 0 mislukt" in word_only.stderr
    assert "weggehaald" not in word_only.stderr
    assert _outputs(example_project) == built

    # What it made is what a clean build makes of the same inputs.
    clean = tmp_path / "schoon"
    for folder in ("dossiers", "templates"):
        shutil.copytree(example_project / folder, clean / folder)
    assert run_cli("build", cwd=clean).exit_code == 0
    assert set(_outputs(clean)) == set(built)
    for name in built:
        if name.endswith(".pdf"):
            assert pdftext(example_project / name) == pdftext(clean / name), name
        else:
            assert docx_lines(example_project / name) == docx_lines(clean / name), name


def test_a_word_only_build_keeps_the_voorstel_pdf_when_only_an_annex_changed(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The voorstel and the agendas do not show an annex's pages: their PDFs still match and
    stay; the bundles that hold the annex go. The next build converts nothing."""
    assert run_cli("build", cwd=small_project).exit_code == 0
    before = _outputs(small_project)
    shutil.copyfile(
        CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", small_project / SEED_ANNEX
    )
    meeting = f"build/{ECONOMIE}"
    gone = {f"{ITEM}/bundel.pdf", f"{meeting}/vergaderbundel.pdf"}
    gone |= {f"{meeting}/vergaderbundel-niet-openbaar.pdf"}

    result = run_cli("build", "--geen-pdf", cwd=small_project)

    assert result.exit_code == 0, result.stderr
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in result.stderr
    assert result.stderr.endswith(_removed_pdfs(3)), result.stderr
    after = _outputs(small_project)
    assert set(after) == set(before) - gone
    assert {n: after[n] for n in after} == {n: before[n] for n in after}
    converted = _converted(monkeypatch)
    rebuilt = run_cli("build", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt" in rebuilt.stderr, rebuilt.stderr
    assert converted == []
    assert "Hello, here is some text without a meaning" in pdftext(
        small_project / ITEM / "bundel.pdf"
    )
    built = _outputs(small_project)
    assert set(built) == set(before)
    assert {n: built[n] for n in after} == {n: before[n] for n in after}


def test_when_several_exit_codes_apply_the_highest_wins(
    example_project: Path, run_cli: RunCli
) -> None:
    # A rejected dossier (1) and a broken template (2) in one run: 2, and both are said.
    seed = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    seed.write_text(seed.read_text().replace("verspreiden: Ja", "verspreiden: Misschien"))
    (example_project / "templates" / "memo.docx").write_bytes(b"geen Word-document")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 2, result.stderr
    assert "werklocaties/dossier.yaml:5: verspreiden: 'Misschien'" in result.stderr
    assert "templates/memo.docx: is geen Word-document (.docx)" in result.stderr


def test_failed_dossier_keeps_its_previous_good_output(
    small_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    docx = small_project / ITEM / "voorstel.docx"
    before = docx.read_bytes()
    seed = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    seed.write_text(seed.read_text().replace("datum: 2023-04-11", "datum: 2023-02-30"))
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 1
    assert docx.read_bytes() == before


def public_withdrawn(meeting: str, item: str, why: str, *, bundle: bool = True) -> str:
    """The warning that a meeting's public agenda (and meeting bundle) were withdrawn, as
    ``item`` ``why`` is not public ('is nu niet openbaar')."""
    what = "de openbare agenda en de vergaderbundel" if bundle else "de openbare agenda"
    return (
        f"dossiers/{meeting}/vergadering.yaml: waarschuwing: {what} "
        f"{'zijn' if bundle else 'is'} weggehaald: daarin stond {item} als openbaar agendapunt, "
        f"en dat agendapunt {why} ({what} {'komen' if bundle else 'komt'} terug zodra de hele "
        "vergadering weer gebouwd kan worden)"
    )


REFUSED = "is afgekeurd en zegt niet 'verspreiden: Ja'"


DOSSIER_WITHDRAWN = (
    "dossiers/{meeting}/{item}/dossier.yaml: waarschuwing: de eerder gemaakte stukken van dit "
    "dossier zijn weggehaald: ze waren openbaar, en het dossier is nu niet openbaar of "
    "afgekeurd (ze komen terug zodra het dossier weer gebouwd kan worden)"
)


def test_a_refused_dossier_turned_confidential_takes_its_public_outputs_along(
    small_project: Path, run_cli: RunCli
) -> None:
    # Kept outputs show it in full; a clerk mailing them from build/ would pass it on.
    assert run_cli("build", cwd=small_project).exit_code == 0
    meeting = small_project / "build" / ECONOMIE
    public = ["agenda.docx", "agenda.pdf", "vergaderbundel.pdf"]
    confidential = [
        "agenda-niet-openbaar.docx",
        "agenda-niet-openbaar.pdf",
        "vergaderbundel-niet-openbaar.pdf",
    ]
    assert all((meeting / name).is_file() for name in public + confidential)
    seed = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = seed.read_text(encoding="utf-8")
    confidential_text = text.replace("verspreiden: Ja", "verspreiden: Nee")
    seed.write_text(confidential_text.replace("datum: 2023-04-11", "datum: 2023-02-30"))

    refused = run_cli("build", cwd=small_project)
    assert refused.exit_code == 1
    assert public_withdrawn(ECONOMIE, "werklocaties", REFUSED) in refused.stderr
    assert DOSSIER_WITHDRAWN.format(meeting=ECONOMIE, item="werklocaties") in refused.stderr
    assert [name for name in public if (meeting / name).exists()] == []
    assert not (small_project / ITEM).exists()
    assert all((meeting / name).is_file() for name in confidential)
    assert not list(meeting.glob(".tmp-*"))

    seed.write_text(confidential_text)
    mended = run_cli("build", cwd=small_project)
    assert mended.exit_code == 0, mended.stderr
    assert "weggehaald" not in mended.stderr
    agenda = " ".join(pdftext(meeting / "agenda.pdf").split())
    assert "Niet openbaar" in agenda
    assert "Werklocaties" not in agenda
    assert "NIET OPENBAAR" in pdftext(small_project / ITEM / "bundel.pdf")


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_cache_record_naming_a_folder_outside_build_removes_nothing_there(
    small_project: Path, run_cli: RunCli, tmp_path: Path, where: str
) -> None:
    """A project copied with its build/ (a colleague's, a shared drive's) brings its records:
    a record's folder name sends no removal outside the meeting's outputs."""
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "sub" / "keep.txt").write_text("precious", encoding="utf-8")
    record_file = small_project / "build" / ".cache" / ECONOMIE / "werklocaties.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    outputs = small_project / "build" / ECONOMIE / record["dir"]
    record["dir"] = str(victim) if where == "absolute" else os.path.relpath(victim, outputs.parent)
    record_file.write_text(json.dumps(record), encoding="utf-8")
    seed = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    seed.write_text(seed.read_text(encoding="utf-8").replace("verspreiden: Ja", "verspreiden: X"))

    refused = run_cli("build", "--geen-pdf", cwd=small_project)
    assert refused.exit_code == 1
    assert (victim / "sub" / "keep.txt").read_text(encoding="utf-8") == "precious"
    # The dossier's own outputs are found by their number and name, and withdrawn.
    assert DOSSIER_WITHDRAWN.format(meeting=ECONOMIE, item="werklocaties") in refused.stderr
    assert not outputs.exists()


@pytest.fixture
def wonen_built(example_project: Path, run_cli: RunCli) -> tuple[Path, Path]:
    """The example project built without PDFs: the WONEN meeting's build and dossier folders."""
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    return example_project / "build" / WONEN, example_project / "dossiers" / WONEN


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_refused_settings_still_withdraw_what_shows_an_item_no_longer_public(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    """Was: exit 2 and nothing removed, so the public agenda still showed the item in full."""
    meeting, dossiers = wonen_built
    (snelfietsroutes,) = meeting.glob("*-snelfietsroutes")
    rewrite(dossiers / "snelfietsroutes" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")
    organisation = example_project / "dossiers" / "organisatie.yaml"
    rewrite(organisation, "tooi: https://", "tooi: x-https://")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 2, result.stderr
    assert not (meeting / "agenda.docx").exists()
    assert (meeting / "agenda-niet-openbaar.docx").is_file()
    assert not snelfietsroutes.exists()
    lines = result.stderr.splitlines()
    assert lines[-1] == (
        "fout: dossiers/organisatie.yaml: ongeldige instellingen, daarom is niets gecontroleerd "
        "of gemaakt (verbeter eerst dit bestand)"
    )
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de openbare agenda is weggehaald: "
        "daarin stond snelfietsroutes als openbaar agendapunt, en dat agendapunt is nu niet "
        "openbaar (de openbare agenda komt terug zodra de hele vergadering weer gebouwd kan "
        "worden)" in lines
    )
    # The other meeting shows nothing confidential: its outputs stay.
    assert (example_project / "build" / ECONOMIE / "agenda.docx").is_file()


def test_refused_settings_withdraw_nothing_that_is_still_public(
    example_project: Path, run_cli: RunCli
) -> None:
    """An organisation with its own kenmerkpatroon: read with the default one, every dossier
    was refused, so every public output went (and the export with them) for a typo."""
    organisation = example_project / "dossiers" / "organisatie.yaml"
    rewrite(organisation, "kenmerkpatroon: '^", "kenmerkpatroon: '^Z")
    for dossier in (example_project / "dossiers").glob("*/*/dossier.yaml"):
        rewrite(dossier, "kenmerk: 23.", "kenmerk: Z23.")
    exported = run_cli("export", cwd=example_project)
    assert exported.exit_code == 0, exported.stderr
    before = sorted(p.relative_to(example_project) for p in (example_project / "build").rglob("*"))
    assert any("export" in p.parts for p in before)
    rewrite(organisation, "tooi: https://", "tooi: x-https://")
    result = run_cli("build", cwd=example_project)
    assert result.exit_code == 2, result.stderr
    assert "weggehaald" not in result.stderr
    after = sorted(p.relative_to(example_project) for p in (example_project / "build").rglob("*"))
    assert after == before


def test_a_public_item_made_confidential_beside_a_refused_one_withdraws_the_public_agenda(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    meeting, dossiers = wonen_built
    rewrite(dossiers / "res-voortgang" / "dossier.yaml", "datum: 2023-06-05", "datum: 2023-06-31")

    # An item that was confidential already is shown only as "Niet openbaar": all stays.
    refused = run_cli("build", "--geen-pdf", cwd=example_project)
    assert refused.exit_code == 1
    assert "weggehaald" not in refused.stderr
    assert (meeting / "agenda.docx").is_file()
    res_outputs = sorted(meeting.glob("*-res-voortgang"))
    assert res_outputs  # refused, but still verspreiden: Ja: its last good outputs stay

    rewrite(dossiers / "snelfietsroutes" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")
    withdrawn = run_cli("build", "--geen-pdf", cwd=example_project)
    assert withdrawn.exit_code == 1
    assert "Klaar: 1 gebouwd, 4 ongewijzigd, 1 mislukt" in withdrawn.stderr
    assert (
        public_withdrawn(WONEN, "snelfietsroutes", "is nu niet openbaar", bundle=False)
        in withdrawn.stderr
    )
    assert "dossier zijn weggehaald" not in withdrawn.stderr  # its own were made anew
    assert not (meeting / "agenda.docx").exists()
    assert (meeting / "agenda-niet-openbaar.docx").is_file()
    assert sorted(meeting.glob("*-res-voortgang")) == res_outputs


def test_without_the_meetings_cache_record_its_kept_public_outputs_go_for_any_item_not_public(
    example_project: Path, run_cli: RunCli
) -> None:
    """build/.cache deleted (or damaged): what the kept agenda and bundle show is not known,
    so any item of the meeting may be in them, and one confidential now takes them along."""
    assert run_cli("build", cwd=example_project).exit_code == 0
    meeting = example_project / "build" / WONEN
    dossiers = example_project / "dossiers" / WONEN
    shutil.rmtree(example_project / "build" / ".cache")
    # Refused: the meeting cannot be made anew, so its last outputs would be kept.
    rewrite(dossiers / "res-voortgang" / "dossier.yaml", "datum: 2023-06-05", "datum: 2023-06-31")
    rewrite(dossiers / "snelfietsroutes" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")
    result = run_cli("build", cwd=example_project)
    assert result.exit_code == 1, result.stderr
    assert not (meeting / "agenda.pdf").exists()
    assert not (meeting / "agenda.docx").exists()
    assert not (meeting / "vergaderbundel.pdf").exists()
    assert (meeting / "vergaderbundel-niet-openbaar.pdf").is_file()
    # Not known what they showed: every item not public now is named, the confidential one
    # that the agenda showed only as "Niet openbaar" as well, so it is said as what may be so.
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de openbare agenda en de "
        "vergaderbundel zijn weggehaald: daarin kunnen mandaat-woningbouwimpuls en "
        "snelfietsroutes als openbare agendapunten staan, en die agendapunten zijn nu niet "
        "openbaar "
        "(de openbare agenda en de vergaderbundel komen terug zodra de hele vergadering weer "
        "gebouwd kan worden)"
    ) in result.stderr.splitlines(), result.stderr


def test_a_dossier_folder_taken_away_is_said_at_its_agenda_line_and_counted_there(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    """Its public outputs go (it is no longer known to be public), said where it still stands:
    the agenda line, which is also what to mend. A line naming no folder is the agenda's
    problem, not a failed dossier (docs/build-json.md; review spec S4: was "mislukt")."""
    meeting, dossiers = wonen_built
    (output,) = meeting.glob("*-snelfietsroutes")
    shutil.rmtree(dossiers / "snelfietsroutes")
    result = run_cli("build", "--geen-pdf", "--json", cwd=example_project)
    assert result.exit_code == 1
    agenda = f"dossiers/{WONEN}/vergadering.yaml"
    line = next(
        number
        for number, text in enumerate((dossiers / "vergadering.yaml").read_text().splitlines(), 1)
        if text == "  - dossier: snelfietsroutes"
    )
    summary = json.loads(result.stdout)
    said = [(m["bestand"], m["regel"], m["veld"], m["melding"]) for m in summary["meldingen"]]
    assert (
        agenda,
        line,
        "agenda[5]",
        f"de eerder gemaakte stukken van snelfietsroutes in build/{WONEN}/{output.name} zijn "
        "weggehaald: ze waren openbaar, en er is geen snelfietsroutes/dossier.yaml meer (ze "
        "komen terug zodra het dossier weer gebouwd kan worden)",
    ) in said
    assert (
        agenda,
        line,
        "agenda[5].dossier",
        f"er is geen dossiermap 'snelfietsroutes' met een dossier.yaml in dossiers/{WONEN} "
        "(controleer de mapnaam; is het dossier weggehaald, haal dan ook deze regel van de "
        "agenda)",
    ) in said
    # Nothing is said at the dossier.yaml that is not there.
    assert not any(where.endswith("snelfietsroutes/dossier.yaml") for where, *_ in said)
    assert (summary["gebouwd"], summary["mislukt"], summary["agendaregels_afgekeurd"]) == (0, 0, 1)
    assert not [d for d in summary["dossiers"] if d["dossier"] == "snelfietsroutes"]
    assert not output.exists()


def test_a_withdrawal_that_fails_part_way_still_says_what_it_withdrew(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path], tmp_path: Path
) -> None:
    """The public agenda went before a dossier folder could not be removed (a link here, a
    file locked on a share in real life): the stop says both."""
    meeting, dossiers = wonen_built
    (output,) = meeting.glob("*-snelfietsroutes")
    elsewhere = tmp_path / "elders"
    output.rename(elsewhere)
    output.symlink_to(elsewhere, target_is_directory=True)
    shutil.rmtree(dossiers / "snelfietsroutes")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 3
    said = result.stderr.splitlines()
    assert public_withdrawn(WONEN, "snelfietsroutes", "is niet te vinden", bundle=False) in said, (
        said
    )
    assert not (meeting / "agenda.docx").exists()
    assert said[-1].startswith(f"fout: build/{WONEN}/{output.name}: kan niet schrijven"), said


def test_a_misspelt_agenda_entry_is_the_agendas_error_not_a_failed_dossier(
    example_project: Path, run_cli: RunCli
) -> None:
    agenda = example_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    rewrite(agenda, "agenda:\n", "agenda:\n  - dosier: iets\n")
    result = run_cli("build", "--geen-pdf", "--json", cwd=example_project)
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["mislukt"] == 0
    assert all(d["status"] == "gebouwd" for d in summary["dossiers"]), summary["dossiers"]
    said = [(m["bestand"], m["veld"], m["melding"]) for m in summary["meldingen"]]
    where = f"dossiers/{ECONOMIE}/vergadering.yaml"
    assert said == [
        (where, "", "de agenda's zijn niet gemaakt omdat agendapunt 1 ongeldig is"),
        (where, "agenda[1].dosier", "is geen bekend veld (bedoelt u 'dossier'?)"),
    ]
    # For a person reading the job's log, as docs/build-json.md says (was: nothing).
    assert [line.split(": ", 1)[1] for line in result.stderr.splitlines()] == [
        "waarschuwing: de agenda's zijn niet gemaakt omdat agendapunt 1 ongeldig is",
        "agenda[1].dosier: is geen bekend veld (bedoelt u 'dossier'?)",
    ]


def test_two_items_made_confidential_are_named_together(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    meeting, dossiers = wonen_built
    rewrite(dossiers / "res-voortgang" / "dossier.yaml", "datum: 2023-06-05", "datum: 2023-06-31")
    assert (meeting / "agenda.docx").is_file()
    for name in ("snelfietsroutes", "woningbouwafspraken"):
        rewrite(dossiers / name / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de openbare agenda is weggehaald: "
        "daarin stonden snelfietsroutes en woningbouwafspraken als openbare agendapunten, en "
        "die agendapunten zijn nu niet openbaar (de openbare agenda komt terug zodra de hele "
        "vergadering weer gebouwd kan worden)"
    ) in result.stderr.splitlines(), result.stderr


def test_items_withdrawn_for_different_reasons_get_a_sentence_each(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    """Was one sentence chaining "en ... en ..." over both items and their reasons (clerk2
    L7): now what happened, then each item, then what comes back when."""
    meeting, dossiers = wonen_built
    shutil.rmtree(dossiers / "snelfietsroutes")  # moved out, its agenda line left in
    rewrite(
        dossiers / "woningbouwafspraken" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee"
    )
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de openbare agenda is weggehaald: "
        "daarin stonden snelfietsroutes en woningbouwafspraken als openbare agendapunten. "
        "Agendapunt snelfietsroutes is niet te vinden. Agendapunt woningbouwafspraken is nu "
        "niet openbaar. De openbare agenda komt terug zodra de hele vergadering weer gebouwd "
        "kan worden."
    ) in result.stderr.splitlines(), result.stderr
    assert not (meeting / "agenda.docx").exists()
    # The meeting was read, its dossiers counted: the summary leaves none out.
    assert "zonder de dossiers van" not in result.stderr


def test_a_missing_template_is_named_as_why_the_agendas_were_not_made(
    example_project: Path, run_cli: RunCli
) -> None:
    """Its dossiers have no message of their own: the meeting's warning points at the template."""
    (example_project / "templates" / "voorstel.docx").unlink()
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 2
    said = result.stderr.splitlines()
    assert (
        "templates/voorstel.docx: sjabloon voor 'voorstel' bestaat niet (kopieer het uit de map "
        "templates/ die bij assembler hoort; had u er een eigen versie van, zet die dan terug "
        "uit een reservekopie)" in said
    )
    for meeting in (ECONOMIE, WONEN):
        assert (
            f"dossiers/{meeting}/vergadering.yaml: waarschuwing: de agenda's zijn niet gemaakt "
            "omdat het sjabloon templates/voorstel.docx niet gebruikt kon worden (zie de melding "
            "daarover)"
        ) in said, said


def test_a_meeting_that_does_not_load_still_withdraws_what_is_no_longer_public(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    meeting, dossiers = wonen_built
    items = sorted(p.name for p in meeting.glob("[0-9][0-9]-*"))
    rewrite(dossiers / "snelfietsroutes" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")
    rewrite(dossiers / "vergadering.yaml", "datum: 2023-06-23", "datum: 2023-06-31")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    # Only its dossier.yaml is read: of the meeting, nothing is known.
    assert (
        public_withdrawn(WONEN, "snelfietsroutes", "zegt niet 'verspreiden: Ja'", bundle=False)
        in result.stderr
    )
    assert not (meeting / "agenda.docx").exists()
    assert (meeting / "agenda-niet-openbaar.docx").is_file()
    # The item's own public outputs go, with a word; the other items keep theirs.
    assert (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml: waarschuwing: de eerder gemaakte "
        "stukken van dit dossier zijn weggehaald" in result.stderr
    )
    assert sorted(p.name for p in meeting.glob("[0-9][0-9]-*")) == [
        name for name in items if not name.endswith("-snelfietsroutes")
    ]


def test_a_meeting_whose_vergadering_yaml_is_gone_still_withdraws_what_is_no_longer_public(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    """Renamed to vergadering.yml: not a meeting now, but its build folder stays."""
    meeting, dossiers = wonen_built
    rewrite(dossiers / "snelfietsroutes" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")
    (dossiers / "vergadering.yaml").rename(dossiers / "vergadering.yml")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert DOSSIER_WITHDRAWN.format(meeting=WONEN, item="snelfietsroutes") in result.stderr
    assert not list(meeting.glob("*-snelfietsroutes"))
    assert not (meeting / "agenda.docx").exists()


def test_a_typo_in_vergadering_yaml_keeps_the_meetings_outputs(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    """Its dossiers are not removed, moved or renumbered: only the meeting could not be read."""
    meeting, dossiers = wonen_built
    before = sorted(p.relative_to(meeting) for p in meeting.rglob("*"))
    rewrite(dossiers / "vergadering.yaml", "datum: 2023-06-23", "datum: 2023-02-30")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    assert f"dossiers/{WONEN}/vergadering.yaml:" in result.stderr
    assert "weggehaald" not in result.stderr
    assert sorted(p.relative_to(meeting) for p in meeting.rglob("*")) == before


def test_kept_outputs_that_show_nothing_confidential_stay(
    example_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    meeting = example_project / "build" / WONEN
    # A record that does not say what the public agenda shows (an older build's) of a meeting
    # that is unchanged: its outputs match its items, whatever the record lacks.
    record = example_project / "build" / ".cache" / WONEN / "_vergadering.json"
    complete = record.read_text()
    assert json.loads(complete)["openbaar"] == [
        "woningbouwafspraken",
        "res-voortgang",
        "snelfietsroutes",
        "memo-huisvestingsverordening",
    ]
    record.write_text(json.dumps({"key": json.loads(complete)["key"]}))
    unchanged = run_cli("build", "--geen-pdf", cwd=example_project)
    assert "weggehaald" not in unchanged.stderr
    assert (meeting / "agenda.docx").is_file()
    record.write_text(complete)

    # A confidential dossier whose rebuild fails keeps its last outputs: they are NIET OPENBAAR.
    confidential = example_project / "dossiers" / WONEN / "mandaat-woningbouwimpuls"
    kept = sorted(meeting.glob("*-mandaat-woningbouwimpuls"))
    assert kept
    annex = confidential / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    annex.write_bytes(b"%PDF-1.7\n% afgebroken bij het downloaden\n")
    failed = run_cli("build", "--geen-pdf", cwd=example_project)
    assert failed.exit_code == 1
    assert "1 mislukt" in failed.stderr
    assert "weggehaald" not in failed.stderr
    assert sorted(meeting.glob("*-mandaat-woningbouwimpuls")) == kept
    assert (meeting / "agenda.docx").is_file()


ANNEX_1 = "bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"


def test_an_annex_warning_is_said_again_by_every_build(
    small_project: Path, run_cli: RunCli
) -> None:
    # As validation's warnings are: the clerk who missed it once sees it on the next build.
    folder = small_project / "dossiers" / ECONOMIE / "werklocaties"
    shutil.copyfile(CORPUS / "025-attachment--with-attachment.pdf", folder / ANNEX_1)
    warning = (
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:53: waarschuwing: bijlagen[1].bestand: "
        f"'{ANNEX_1}' bevat een bijgevoegd bestand (image.png) dat ongezien meegaat in de bundel"
    )
    first = run_cli("build", "--geen-pdf", cwd=small_project)
    assert first.exit_code == 0, first.stderr
    assert "Klaar: 1 gebouwd" in first.stderr
    assert warning in first.stderr
    again = run_cli("build", "--geen-pdf", "--json", cwd=small_project)
    summary = json.loads(again.stdout)
    assert summary["ongewijzigd"] == 1
    assert [m["melding"] for m in summary["meldingen"] if m["veld"] == "bijlagen[1].bestand"] == [
        f"'{ANNEX_1}' bevat een bijgevoegd bestand (image.png) dat ongezien meegaat in de bundel "
        "(controleer of het erin mag, of lever de PDF aan zonder bijgevoegd bestand)"
    ]
    plain = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in plain.stderr
    assert warning in plain.stderr
    # The export builds first: the file that goes out unseen is named there too, every time.
    for _ in range(2):
        exported = run_cli("export", cwd=small_project)
        assert exported.exit_code == 0, exported.stderr
        assert warning in exported.stderr


def test_removed_dossier_outputs_are_removed(small_project: Path, run_cli: RunCli) -> None:
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    meeting = small_project / "dossiers" / ECONOMIE
    shutil.rmtree(meeting / "werklocaties")
    agenda = meeting / "vergadering.yaml"
    agenda.write_text(agenda.read_text().replace("  - dossier: werklocaties\n", ""))
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 0, result.stderr
    assert not (small_project / ITEM).exists()


def test_renumbered_item_moves_its_output(small_project: Path, run_cli: RunCli) -> None:
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    agenda = small_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    agenda.write_text(
        agenda.read_text().replace(
            "  - Opening en vaststellen agenda\n", "  - Opening\n  - Vaststellen agenda\n"
        )
    )
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert not (small_project / ITEM).exists()
    assert (small_project / f"build/{ECONOMIE}/03-23.0001772-werklocaties/voorstel.docx").is_file()


EDITED_IN_BUILD = (
    "{}: waarschuwing: is veranderd na de vorige build; de build maakt het opnieuw (wat in "
    "build/ staat, wordt gemaakt uit de dossiermap: breng wijzigingen daar aan)"
)
"""What the build says of an output in build/ changed since it installed it."""


def test_an_output_changed_in_build_is_made_anew_with_a_warning(
    small_project: Path, run_cli: RunCli
) -> None:
    """A clerk who corrects a typo in build/ loses it at the next build: said, not silent."""
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    corrected = [
        small_project / ITEM / "voorstel.docx",
        small_project / f"build/{ECONOMIE}/agenda.docx",
    ]
    for path in corrected:
        _correct(path)

    rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)

    assert rebuilt.exit_code == 0, rebuilt.stderr
    for path in corrected:
        assert EDITED_IN_BUILD.format(path.relative_to(small_project)) in rebuilt.stderr, path
        assert "Mijn correctie" not in "\n".join(
            p.text for p in docx.Document(str(path)).paragraphs
        )
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr
    assert f"Agenda's van {ECONOMIE} opnieuw gemaakt." in rebuilt.stderr
    again = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in again.stderr
    assert "waarschuwing" not in again.stderr
    # Removed is not changed: made again without a word.
    (small_project / ITEM / "voorstel.docx").unlink()
    remade = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in remade.stderr
    assert "waarschuwing" not in remade.stderr


def test_an_output_edited_in_build_without_changing_its_size_is_made_anew_with_a_warning(
    small_project: Path, run_cli: RunCli
) -> None:
    """A letter replaced by another keeps the size: a new time and the same size is what a
    copied project shows as well, so the bytes decide."""
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    voorstel = small_project / ITEM / "voorstel.docx"
    made = voorstel.read_bytes()
    # The first entry's time in the zip's first local header: still a valid Word document.
    edited = made[:10] + bytes([made[10] ^ 0x01]) + made[11:]
    assert len(edited) == len(made) and edited != made
    voorstel.write_bytes(edited)
    docx.Document(str(voorstel))  # a document Word opens

    rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)

    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert EDITED_IN_BUILD.format(f"{ITEM}/voorstel.docx") in rebuilt.stderr.splitlines(), (
        rebuilt.stderr
    )
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in rebuilt.stderr
    assert voorstel.read_bytes() != edited


@pytest.mark.parametrize("times", ["new", "whole-seconds"])
def test_a_copied_project_keeps_its_outputs(
    small_project: Path, run_cli: RunCli, tmp_path: Path, times: str
) -> None:
    """Copied without its times (cp -r, a sync tool) or with whole seconds (tar, zip): the
    outputs are what was installed, and nothing is made again or warned about."""
    assert run_cli("build", cwd=small_project).exit_code == 0
    copy = tmp_path / "kopie"

    def copy_file(source: str, target: str) -> None:
        shutil.copyfile(source, target)
        if times == "whole-seconds":
            seconds = int(os.stat(source).st_mtime)
            os.utime(target, (seconds, seconds))

    shutil.copytree(small_project, copy, copy_function=copy_file)

    again = run_cli("build", cwd=copy)

    assert again.exit_code == 0, again.stderr
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in again.stderr
    assert "waarschuwing" not in again.stderr
    assert f"van {ECONOMIE}" not in again.stderr  # the meeting's outputs are kept too


def _correct(word: Path) -> None:
    """What a clerk does who corrects a Word file in build/: a paragraph added, saved."""
    document = docx.Document(str(word))
    document.add_paragraph("Mijn correctie")
    document.save(str(word))


def _built_and_corrected(project: Path, run_cli: RunCli) -> None:
    assert run_cli("build", "--geen-pdf", cwd=project).exit_code == 0
    _correct(project / ITEM / "voorstel.docx")


def test_a_changed_output_is_warned_about_until_it_is_made_anew(
    small_project: Path, run_cli: RunCli
) -> None:
    """Not made anew because the dossier failed: the next build still says it."""
    _built_and_corrected(small_project, run_cli)
    annex = small_project / SEED_ANNEX
    good = annex.read_bytes()
    annex.write_bytes(b"%PDF-1.4\nkapot\n")
    said = f"{ITEM}/voorstel.docx: waarschuwing: is veranderd na de vorige build"

    failed = run_cli("build", "--geen-pdf", cwd=small_project)

    assert failed.exit_code == 1
    assert "1 mislukt" in failed.stderr and said in failed.stderr
    annex.write_bytes(good)
    fixed = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 1 gebouwd" in fixed.stderr and said in fixed.stderr, fixed.stderr


def test_a_changed_output_of_a_renumbered_dossier_is_warned_about_in_its_old_folder(
    small_project: Path, run_cli: RunCli
) -> None:
    _built_and_corrected(small_project, run_cli)
    agenda = small_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    agenda.write_text(
        agenda.read_text().replace(
            "  - Opening en vaststellen agenda\n", "  - Opening\n  - Vaststellen agenda\n"
        )
    )
    shutil.copyfile(
        CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", small_project / SEED_ANNEX
    )

    rebuilt = run_cli("build", "--geen-pdf", cwd=small_project)

    assert f"{ITEM}/voorstel.docx: waarschuwing: is veranderd na de vorige build" in rebuilt.stderr
    assert (small_project / f"build/{ECONOMIE}/03-23.0001772-werklocaties/voorstel.docx").is_file()


def test_corrupted_or_deleted_cache_means_rebuild(small_project: Path, run_cli: RunCli) -> None:
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    cache = small_project / "build" / ".cache" / ECONOMIE / "werklocaties.json"
    cache.write_bytes(b"\x00{not json")
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 0 and "1 gebouwd" in result.stderr
    shutil.rmtree(small_project / "build" / ".cache")
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 0 and "1 gebouwd" in result.stderr
    # A record whose warnings are damaged is no record either.
    record = json.loads(cache.read_text())
    for damaged in ([{"bestand": 3}], [{"bestand": "x", "veld": "", "melding": "m"}], "x"):
        cache.write_text(json.dumps({**record, "meldingen": damaged}))
        result = run_cli("build", "--geen-pdf", cwd=small_project)
        assert result.exit_code == 0 and "1 gebouwd" in result.stderr, damaged
    assert "0 gebouwd, 1 ongewijzigd" in run_cli("build", "--geen-pdf", cwd=small_project).stderr


@pytest.fixture
def catalogs_read(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The project of every time a build read and validated the dossiers.

    Files are taken as settled at once, by the kept report and by the file digests (or a
    no-op on a slow machine remembers the digests it could not before, and so changes the
    tree): on this machine's file system a change within the same tick shows in the change
    time; test_a_file_written_just_now_keeps_no_answer shows the wait where that is not so.
    """
    from assembler import digests, unchanged, validate

    monkeypatch.setattr(unchanged, "SETTLED_SECONDS", 0.0)
    monkeypatch.setattr(digests, "SETTLED_SECONDS", 0.0)
    reads: list[Path] = []
    real = validate.load_catalog

    def counted(project: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(project.root)
        return real(project, *args, **kwargs)

    monkeypatch.setattr(validate, "load_catalog", counted)
    return reads


def _without_time(said: str) -> str:
    return re.sub(r" in \d+,\d s\.", " in ... s.", said)


def test_a_build_that_finds_what_a_build_that_changed_nothing_left_answers_without_reading(
    small_project: Path, run_cli: RunCli, catalogs_read: list[Path]
) -> None:
    """Agenda automation builds every few minutes; most runs find nothing changed. A run after
    one that changed nothing says what that one said, warnings and summary, and reads no
    dossier."""
    seed = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    seed.write_text(seed.read_text().replace("onderwerp: Aanpak", "onderwerp: \u00e2\u20ac\u201c"))
    assert run_cli("build", cwd=small_project).exit_code == 0
    # The first build after one that made something reads all, and finds nothing to make.
    read = run_cli("build", cwd=small_project)
    assert len(catalogs_read) == 2
    warning = (
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:4: waarschuwing: onderwerp: "
        "'\u00e2\u20ac\u201c' staat waarschijnlijk voor '\u2013'"
    )
    assert warning in read.stderr
    assert "Klaar: 0 gebouwd, 1 ongewijzigd, 0 mislukt in" in read.stderr
    answered, answered_json = (
        run_cli("build", *extra, cwd=small_project) for extra in ((), ("--json",))
    )
    assert len(catalogs_read) == 2
    assert answered.exit_code == answered_json.exit_code == 0
    assert _without_time(answered.stderr) == _without_time(read.stderr)
    # What a script reads is what the build that reads the dossiers says.
    (small_project / "build" / ".cache" / "ongewijzigd.json").unlink()
    read_json = run_cli("build", "--json", cwd=small_project)
    assert len(catalogs_read) == 3
    assert answered_json.stderr == read_json.stderr
    assert warning in read_json.stderr
    summary, summary_read = json.loads(answered_json.stdout), json.loads(read_json.stdout)
    assert summary.pop("seconden") >= 0 and summary_read.pop("seconden") >= 0
    assert summary == summary_read
    assert summary["ongewijzigd"] == 1 and len(summary["meldingen"]) == 1


def test_a_file_written_just_now_keeps_no_answer(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a share that keeps times in steps of seconds, a file saved in the same step as the
    build looked at it would not show its change: a build finding such a file keeps nothing."""
    from assembler import unchanged

    monkeypatch.setattr(unchanged, "SETTLED_SECONDS", 3600.0)
    for _ in range(3):
        assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert not (small_project / "build" / ".cache" / "ongewijzigd.json").exists()
    monkeypatch.setattr(unchanged, "SETTLED_SECONDS", 0.0)
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert (small_project / "build" / ".cache" / "ongewijzigd.json").is_file()


def _edit_with_times_put_back(project: Path, _: pytest.MonkeyPatch) -> str:
    path = project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    info = path.stat()
    path.write_text(path.read_text().replace("onderwerp: Aanpak", "onderwerp: Aanpaq"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    return "Klaar: 1 gebouwd, 0 ongewijzigd"


def _output_removed(project: Path, _: pytest.MonkeyPatch) -> str:
    (project / ITEM / "voorstel.docx").unlink()
    return "Klaar: 1 gebouwd, 0 ongewijzigd"


def _template_saved_again(project: Path, _: pytest.MonkeyPatch) -> str:
    template = project / "templates" / "voorstel.docx"
    template.write_bytes(template.read_bytes())
    return "Klaar: 0 gebouwd, 1 ongewijzigd"


def _annex_replaced(project: Path, _: pytest.MonkeyPatch) -> str:
    shutil.copyfile(
        CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf",
        project / SEED_ANNEX,
    )
    return "Klaar: 1 gebouwd, 0 ongewijzigd"


def _another_day(_: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("assembler.unchanged._today", lambda: "2099-01-01")
    return "Klaar: 0 gebouwd, 1 ongewijzigd"


def _another_environment(_: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSEMBLER_PROEF", "1")
    return "Klaar: 0 gebouwd, 1 ongewijzigd"


def _record_damaged(project: Path, _: pytest.MonkeyPatch) -> str:
    (project / "build" / ".cache" / "ongewijzigd.json").write_text('{"fingerprint": ')
    return "Klaar: 0 gebouwd, 1 ongewijzigd"


@pytest.mark.parametrize(
    "change",
    [
        _edit_with_times_put_back,
        _output_removed,
        _template_saved_again,
        _annex_replaced,
        _another_day,
        _another_environment,
        _record_damaged,
    ],
)
def test_a_build_after_any_change_reads_and_builds_again(
    small_project: Path,
    run_cli: RunCli,
    catalogs_read: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path, pytest.MonkeyPatch], str],
) -> None:
    for _ in range(3):  # makes, finds nothing to make, answers as that one did
        assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert len(catalogs_read) == 2
    summary = change(small_project, monkeypatch)
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 0, result.stderr
    assert summary in result.stderr
    assert len(catalogs_read) == 3
    assert (small_project / ITEM / "voorstel.docx").is_file()
    # Once a build found nothing to make again, the next answers without reading.
    run_cli("build", "--geen-pdf", cwd=small_project)
    read = len(catalogs_read)
    answered = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in answered.stderr
    assert len(catalogs_read) == read


def test_another_libreoffice_or_the_other_options_read_again(
    small_project: Path, run_cli: RunCli, catalogs_read: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        assert run_cli("build", cwd=small_project).exit_code == 0
    assert len(catalogs_read) == 2
    word_only = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in word_only.stderr
    forced = run_cli("build", "--geen-pdf", "--force", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in forced.stderr
    assert len(catalogs_read) == 4
    for _ in range(3):  # makes the PDFs again, finds nothing to make, answers
        assert run_cli("build", cwd=small_project).exit_code == 0
    assert len(catalogs_read) == 6
    from assembler import convert

    monkeypatch.setattr(convert, "libreoffice_version", lambda *_: "LibreOffice 99.1 proef")
    upgraded = run_cli("build", cwd=small_project)
    assert "Klaar: 1 gebouwd, 0 ongewijzigd" in upgraded.stderr
    assert len(catalogs_read) == 7


def test_a_tree_with_a_linked_folder_inside_is_read_every_time(
    small_project: Path, run_cli: RunCli, catalogs_read: list[Path], tmp_path: Path
) -> None:
    """Files under a linked folder are not walked: the build cannot vouch for them unread."""
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    (small_project / "templates" / "gedeeld").symlink_to(elsewhere, target_is_directory=True)
    for _ in range(3):
        assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert len(catalogs_read) == 3
    assert not (small_project / "build" / ".cache" / "ongewijzigd.json").exists()


def test_a_build_that_said_an_error_or_met_an_unreadable_file_is_not_answered_again(
    small_project: Path,
    run_cli: RunCli,
    catalogs_read: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refusal may come from a share that did not answer (EIO, a timeout), and a read
    failure may be said as a warning: the next build looks again, a minute later."""
    from assembler import source

    seed = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    real_read = Path.read_bytes
    stalled: list[Path] = []

    def share_stalls_once(path: Path) -> bytes:
        if path == seed and not stalled:
            stalled.append(path)
            raise OSError(errno.EIO, "Input/output error")
        return real_read(path)

    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    monkeypatch.setattr(source.Path, "read_bytes", share_stalls_once)
    stalled_run = run_cli("build", "--geen-pdf", cwd=small_project)
    assert stalled_run.exit_code == 1
    assert "dossier.yaml: kan niet gelezen worden: leesfout van de schijf" in stalled_run.stderr
    again = run_cli("build", "--geen-pdf", cwd=small_project)
    assert again.exit_code == 0 and "Klaar: 0 gebouwd, 1 ongewijzigd" in again.stderr
    assert len(catalogs_read) == 3
    # Kept by the last one, unless it made the agendas the stalled one withdrew.
    (small_project / "build" / ".cache" / "ongewijzigd.json").unlink(missing_ok=True)

    # A read failure said as no error at all keeps nothing either.
    from assembler import fsutil, validate

    loading = validate.load_catalog

    def said_unreadable(*args: Any, **kwargs: Any) -> Any:
        fsutil.unreadable(OSError(errno.ETIMEDOUT, "Connection timed out"))
        return loading(*args, **kwargs)

    monkeypatch.setattr(validate, "load_catalog", said_unreadable)
    for _ in range(2):
        assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    monkeypatch.setattr(validate, "load_catalog", loading)
    for _ in range(2):  # keeps, then answers
        assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert len(catalogs_read) == 6


def test_a_rejected_dossier_is_read_again_by_every_build_and_its_mending_is_seen(
    small_project: Path, run_cli: RunCli, catalogs_read: list[Path]
) -> None:
    seed = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    good = seed.read_text()
    seed.write_text(good.replace("datum: 2023-04-11", "datum: 2023-02-30"))
    said = [run_cli("build", "--geen-pdf", cwd=small_project) for _ in range(3)]
    assert [result.exit_code for result in said] == [1, 1, 1]
    assert _without_time(said[2].stderr) == _without_time(said[1].stderr)
    assert "2023-02-30" in said[2].stderr
    assert len(catalogs_read) == 3
    seed.write_text(good)
    mended = run_cli("build", "--geen-pdf", cwd=small_project)
    assert mended.exit_code == 0 and "Klaar: 1 gebouwd" in mended.stderr


def test_a_meeting_named_through_a_link_is_followed_where_the_link_points_now(
    example_project: Path, run_cli: RunCli, catalogs_read: list[Path]
) -> None:
    """A link beside dossiers/ is not in the walked tree; where it leads is in the digest."""
    link = example_project / "volgende"
    link.symlink_to(Path("dossiers") / ECONOMIE, target_is_directory=True)
    for _ in range(3):
        built = run_cli("build", "--geen-pdf", "volgende", cwd=example_project)
        assert built.exit_code == 0, built.stderr
    assert len(catalogs_read) == 2
    link.unlink()
    link.symlink_to(Path("dossiers") / WONEN, target_is_directory=True)
    moved_on = run_cli("build", "--geen-pdf", "volgende", cwd=example_project)
    assert len(catalogs_read) == 3
    assert moved_on.exit_code == 0, moved_on.stderr
    assert "Klaar: 5 gebouwd, 0 ongewijzigd" in moved_on.stderr
    assert list((example_project / "build" / WONEN).glob("*/voorstel.docx"))


def test_a_kept_report_gives_back_every_field_of_the_report(tmp_path: Path) -> None:
    from assembler import unchanged
    from assembler.build_report import BuildReport, DossierResult, MeetingResult
    from assembler.errors import Problem
    from assembler.project import Project

    odd = "punt-\udcff"  # a name that is no UTF-8, as os.fsdecode gives it
    report = BuildReport(
        results=[DossierResult("m", odd, 3, tmp_path / odd, "mislukt", [tmp_path / odd / "a.pdf"])],
        meetings=[MeetingResult("m", "niet bijgewerkt", [tmp_path / "m" / "agenda.pdf"])],
        problems=[Problem(odd, 4, "veld", "melding", "waarschuwing"), Problem("b", None, "", "x")],
        environment_failed=True,
        template_failed=True,
        seconds=0.0,
        pdfs_removed=2,
        agenda_lines_refused=3,
        folders_off_agenda=4,
    )
    record = {"fingerprint": "f", "report": dataclasses.asdict(report)}
    project = Project(tmp_path)
    project.cache.mkdir(parents=True)
    text = json.dumps(record, default=unchanged._path_text)
    (project.cache / unchanged.RECORD_NAME).write_text(text)
    kept = unchanged.kept_report(project, unchanged.Seen("f", True, 0))
    assert kept == report
    assert unchanged.kept_report(project, unchanged.Seen("g", True, 0)) is None
    with pytest.raises(TypeError, match="set in a build report"):
        json.dumps({"x": {1}}, default=unchanged._path_text)


def test_temporary_files_of_a_killed_build_are_cleared_by_the_next(
    small_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    build = small_project / "build"
    # Where a build killed half-way leaves its temporary files: beside each kind of output.
    strays = [
        build / ".cache" / ".tmp-assembler-1.last-build",
        build / ".cache" / ECONOMIE / ".tmp-assembler-2.json",
        build / ".cache" / "bijlagen" / ".tmp-assembler-5.json",
        build / ECONOMIE / ".tmp-assembler-3.pdf",
        small_project / ITEM / ".tmp-assembler-4.docx",
    ]
    for stray in strays:
        stray.write_bytes(b"half")
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 0 and "0 gebouwd, 1 ongewijzigd" in result.stderr
    assert [s for s in strays if s.exists()] == []


def test_second_build_at_the_same_time_exits_3(small_project: Path, run_cli: RunCli) -> None:
    import fcntl

    (small_project / "build").mkdir()
    with open(small_project / "build" / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 3
    assert result.stderr == (
        "fout: er loopt al een build van dit project (wacht tot die klaar is en probeer het "
        "opnieuw)\n"
    )
    # A script gets the summary's shape here too, not a bare list of problems.
    with open(small_project / "build" / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        scripted = run_cli("build", "--geen-pdf", "--json", cwd=small_project)
    assert scripted.exit_code == 3
    summary = json.loads(scripted.stdout)
    assert summary["afsluitcode"] == 3
    assert (summary["gebouwd"], summary["mislukt"], summary["dossiers"]) == (0, 0, [])
    (problem,) = summary["meldingen"]
    assert problem["ernst"] == "fout"
    assert problem["melding"].startswith("er loopt al een build van dit project")


def test_with_wacht_a_build_waits_for_the_one_that_runs_and_then_builds(
    small_project: Path, run_cli: RunCli
) -> None:
    """Review ops: a cron job that met a clerk's build failed with exit 3; with --wacht it runs
    once the other is done, and says that it waits (with --json too, on stderr)."""
    import fcntl

    (small_project / "build").mkdir()
    handle = open(small_project / "build" / ".lock", "a+")  # noqa: SIM115 - closed by the timer
    fcntl.flock(handle, fcntl.LOCK_EX)
    handle.write("export")
    handle.flush()
    done = threading.Timer(1.0, handle.close)  # the other command ends a second from now
    done.start()
    started = time.monotonic()
    try:
        result = run_cli("build", "--geen-pdf", "--json", "--wacht", "1", cwd=small_project)
    finally:
        done.join()
    ran = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["gebouwd"] == 1
    # Its time is the build's, not the wait's (revH H11: a cron log could not tell them apart).
    assert summary["seconden"] <= ran - 0.8, (summary["seconden"], ran)
    assert result.stderr == (
        "Er loopt al een export van dit project; er wordt gewacht tot die klaar is (hoogstens "
        "1 minuut).\n"
    )


def test_a_wait_for_the_lock_ends_with_what_to_do(small_project: Path) -> None:
    """A holder that does not finish within --wacht: exit 3, saying how long was waited and
    what to look at; the waiting is said once."""
    import fcntl

    from assembler.build_report import build_lock
    from assembler.errors import BuildLocked
    from assembler.project import Project

    (small_project / "build").mkdir()
    said: list[str] = []
    with open(small_project / "build" / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write("publish")
        handle.flush()
        started = time.monotonic()
        with (
            pytest.raises(BuildLocked) as refused,
            build_lock(Project(small_project), wait=1.0, waiting=said.append),
        ):
            pass
        waited = time.monotonic() - started
    assert refused.value.exit_code == 3
    assert refused.value.message == (
        "er loopt al een publicatie van dit project naar een vergadersysteem, ook na 1 seconde "
        "wachten (kijk of die vastzit, of geef --wacht meer minuten)"
    )
    assert said == [
        "Er loopt al een publicatie van dit project naar een vergadersysteem; er wordt gewacht "
        "tot die klaar is (hoogstens 1 seconde)."
    ]
    assert waited >= 1.0


def test_the_lock_is_taken_again_by_what_its_holder_runs_and_by_no_other_thread(
    small_project: Path,
) -> None:
    """Publish holds the lock and exports, and export builds: each takes it again without
    waiting for itself. Another thread is refused, as another process is, by the holder's name."""
    from assembler.build_report import build_lock
    from assembler.errors import BuildLocked
    from assembler.project import Project

    project = Project(small_project)
    refused: list[str] = []

    def another() -> None:
        try:
            with build_lock(project):
                refused.append("")
        except BuildLocked as error:
            refused.append(error.message)

    with build_lock(project, "publish"), build_lock(project, "export"), build_lock(project):
        thread = threading.Thread(target=another)
        thread.start()
        thread.join()
    assert refused == [
        "er loopt al een publicatie van dit project naar een vergadersysteem (wacht tot die "
        "klaar is en probeer het opnieuw)"
    ]
    assert (small_project / "build" / ".lock").read_text() == "publish"
    with build_lock(project):  # free again
        pass


def test_json_summary(small_project: Path, run_cli: RunCli) -> None:
    result = run_cli("build", "--geen-pdf", "--json", cwd=small_project)
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["gebouwd"] == 1 and summary["mislukt"] == 0
    (item,) = summary["dossiers"]
    assert item["agendapunt"] == 2
    assert item["uitvoer"] == [f"{ITEM}/voorstel.docx"]
    meeting = f"build/{ECONOMIE}"
    assert summary["vergaderingen"] == [
        {
            "vergadering": ECONOMIE,
            "status": "gebouwd",
            "uitvoer": [f"{meeting}/agenda.docx", f"{meeting}/agenda-niet-openbaar.docx"],
        }
    ]
    # A build that cannot start has the same shape: no meetings.
    from assembler.build_report import failure_json
    from assembler.errors import BuildLocked

    assert json.loads(failure_json(BuildLocked("x")))["vergaderingen"] == []
    # Refused settings: their problems, then what came of them, as the text output says.
    organisation = small_project / "dossiers" / "organisatie.yaml"
    organisation.write_text(organisation.read_text().replace("tooi: ", "tooi: x"))
    result = run_cli("build", "--geen-pdf", "--json", cwd=small_project)
    refused = json.loads(result.stdout)
    assert refused["afsluitcode"] == 2
    # A person reading the job's log sees which field, too (was: only the last line).
    said = result.stderr.splitlines()
    assert said[0].startswith("dossiers/organisatie.yaml:") and ": tooi: " in said[0], said
    assert said[-1].startswith("fout: dossiers/organisatie.yaml: ongeldige instellingen")
    assert refused["meldingen"][0]["veld"] == "tooi"
    # At the file, as every other entry (review spec S5: was an empty bestand).
    assert refused["meldingen"][-1]["bestand"] == "dossiers/organisatie.yaml"
    assert refused["meldingen"][-1]["melding"].startswith(
        "ongeldige instellingen, daarom is niets gecontroleerd of gemaakt"
    )


def test_agenda_lines_that_name_no_folder_are_counted_as_the_agendas_not_as_dossiers(
    small_project: Path, run_cli: RunCli
) -> None:
    """Review spec S4: a line naming a missing folder was a failed dossier, lines refused for
    their form and a folder off the agenda were not counted at all. Now one rule: a dossier
    is a folder that exists; the agenda's own problems are counted apart, in both outputs."""
    meeting = small_project / "dossiers" / ECONOMIE
    agenda = meeting / "vergadering.yaml"
    agenda.write_text(
        agenda.read_text(encoding="utf-8")
        + "  - dossier: bestaatniet\n  - dossier: ../elders/snelfietsroutes\n"
        + "  - dossier: werklocaties/\n"
        + "  - dossier: werklocaties\n",  # a second line for one folder
        encoding="utf-8",
    )
    shutil.copytree(meeting / "werklocaties", meeting / "extra")
    extra = meeting / "extra" / "dossier.yaml"
    extra.write_text(
        extra.read_text(encoding="utf-8").replace("23.0001772", "23.0009991"), encoding="utf-8"
    )
    result = run_cli("build", "--geen-pdf", "--json", cwd=small_project)
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["afsluitcode"] == 1
    assert (summary["gebouwd"], summary["mislukt"]) == (1, 0)
    assert [d["dossier"] for d in summary["dossiers"]] == ["werklocaties"]
    assert (summary["agendaregels_afgekeurd"], summary["niet_op_agenda"]) == (4, 1)
    errors = [m for m in summary["meldingen"] if m["ernst"] == "fout"]
    assert {m["bestand"] for m in errors} == {f"dossiers/{ECONOMIE}/vergadering.yaml"}
    assert len(errors) == 5
    said = run_cli("build", "--geen-pdf", cwd=small_project)
    assert said.exit_code == 1
    assert (
        "Klaar: 0 gebouwd, 1 ongewijzigd, 0 mislukt in " in said.stderr
        and "\n4 agendaregels afgekeurd en 1 dossiermap niet op de agenda (zie de meldingen "
        "hierboven).\n"
        in said.stderr
    )


def _on_a_terminal(project: Path, *args: str, columns: int = 100, exit_code: int = 0) -> str:
    """What ``assembler build ARGS`` shows on a real pseudo-terminal, without its
    escape codes: what a clerk sees, not what a pipe gets."""
    import sys

    leader, follower = os.openpty()
    command = [str(Path(sys.executable).parent / "assembler"), "build", *args]
    process = subprocess.Popen(
        command,
        cwd=project,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm", "COLUMNS": str(columns)},
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end closed: the build is done
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=300) == exit_code
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))


@pytest.mark.parametrize("pdf", [True, False], ids=["met-pdf", "geen-pdf"])
def test_a_terminal_gets_progress_bars_and_a_summary_table(small_project: Path, pdf: bool) -> None:
    shown = _on_a_terminal(small_project, "--force", *([] if pdf else ["--geen-pdf"]))
    # Counted against their total once it is known.
    assert "Dossiers" in shown and "1 van 1" in shown
    # Conversions get a bar of their own, unless there are none to make; so does the writing
    # of the meeting bundles, when the other bars stand still.
    assert ("PDF's" in shown) is pdf
    assert ("Vergaderbundels" in shown) is pdf
    assert "Resultaat" in shown and "gebouwd" in shown and "ongewijzigd" in shown
    # The table counts dossiers; what the clerk passes on is said below it.
    made = "Agenda's en vergaderbundels" if pdf else "Agenda's"
    assert f"{made} van {ECONOMIE} opnieuw gemaakt." in shown
    assert "Klaar:" not in shown  # the plain line is for pipes and logs


def test_a_narrow_terminal_gets_the_plain_line_not_a_table_cut_to_geb_and_misl(
    small_project: Path,
) -> None:
    shown = _on_a_terminal(small_project, "--force", "--geen-pdf", columns=30)
    assert "Resultaat" not in shown and "…" not in shown
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt in" in " ".join(shown.split())


def test_a_meeting_refused_for_its_vergadering_yaml_is_named_below_the_counts(
    example_project: Path, run_cli: RunCli
) -> None:
    """A line per outcome, the README says: one not loaded has an outcome too."""
    meeting = example_project / "dossiers" / WONEN / "vergadering.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace('aanvang: "09:30"', 'aanvang: "25:00"'), encoding="utf-8")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-3:] == [
        f"Agenda's van {ECONOMIE} opnieuw gemaakt.",
        f"Agenda's van {WONEN} niet opnieuw gemaakt: de vergadering.yaml is afgekeurd (zie de "
        "meldingen hierboven).",
        f"Niet alles is gemaakt: 1 fout in dossiers/{WONEN}/vergadering.yaml (zie de meldingen "
        "hierboven).",
    ]


def test_the_readme_lists_every_file_in_a_dossiers_build_folder_the_converted_annex_too(
    small_project: Path, run_cli: RunCli
) -> None:
    """A clerk who found bijlage-4.pdf beside the bundle did not know whether to send it on
    (clerk2 L8): the README's list of what build makes names it."""
    from tests.conftest import REPO
    from tests.test_convert import make_docx

    folder = small_project / "dossiers" / ECONOMIE / "werklocaties"
    make_docx(folder / "notitie.docx", "Notitie bij het actieplan")
    with (folder / "dossier.yaml").open("a", encoding="utf-8") as text:
        text.write("  - omschrijving: Notitie\n    bestand: notitie.docx\n")
    result = run_cli("build", cwd=small_project)
    assert result.exit_code == 0, result.stderr
    (output,) = (small_project / "build" / ECONOMIE).glob("*-werklocaties")
    made = sorted(path.name for path in output.iterdir())
    assert made == ["bijlage-4.pdf", "bundel.pdf", "voorstel.docx", "voorstel.pdf"]
    build_row = next(
        line
        for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `assembler build")
    )
    for name in made:
        assert f"`{name.replace('4', 'N')}`" in build_row, name
    assert "`bijlage-N.pdf` (an office annex as it goes into the bundle" in build_row


def test_the_counts_say_which_meetings_dossiers_they_leave_out_for_its_vergadering_yaml(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was "Klaar: 0 gebouwd, 0 ongewijzigd, 0 mislukt", as if the meeting had no dossiers
    (clerk2 L4); check said it already."""
    meeting = example_project / "dossiers" / WONEN / "vergadering.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace('aanvang: "09:30"', "aanvang: 9.3"), encoding="utf-8")
    result = run_cli("build", "--geen-pdf", WONEN, cwd=example_project)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        rf"Klaar: 0 gebouwd, 0 ongewijzigd, 0 mislukt \(zonder de dossiers van {WONEN}: die "
        r"vergadering\.yaml is afgekeurd\) in \d+,\d s\.",
        lines[1],
    ), lines
    assert lines[2:] == [
        f"Agenda's van {WONEN} niet opnieuw gemaakt: de vergadering.yaml is afgekeurd (zie de "
        "meldingen hierboven).",
        f"Niet alles is gemaakt: 1 fout in dossiers/{WONEN}/vergadering.yaml (zie de meldingen "
        "hierboven).",
    ]
    # --json keeps its shape (docs/build-json.md): the refusal is among its meldingen.
    as_json = json.loads(
        run_cli("build", "--geen-pdf", "--json", WONEN, cwd=example_project).stdout
    )
    assert (as_json["gebouwd"], as_json["dossiers"], as_json["vergaderingen"]) == (0, [], [])
    assert [m["veld"] for m in as_json["meldingen"]] == ["aanvang"]
    # On a terminal the table counts; the line below it says the same.
    shown = " ".join(_on_a_terminal(example_project, "--geen-pdf", WONEN, exit_code=1).split())
    assert (
        f"Zonder de dossiers van {WONEN}: die vergadering.yaml is afgekeurd. Agenda's van {WONEN}"
        in shown
    )


def test_the_summary_counts_folders_with_errors_as_folders(
    example_project: Path, run_cli: RunCli
) -> None:
    """Two meeting folders without their vergadering.yaml are two mappen, as check says."""
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    for meeting, name in (("2023-07-07-pfho-x", "een"), ("2023-07-14-pfho-y", "twee")):
        folder = example_project / "dossiers" / meeting / name
        folder.mkdir(parents=True)
        shutil.copy(dossier, folder / "dossier.yaml")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Niet alles is gemaakt: 2 fouten in 2 mappen (zie de meldingen hierboven)."
    )


def test_a_dossier_only_build_shows_no_bar_for_the_meeting_bundles(small_project: Path) -> None:
    """It writes none: a bar at "0 van 0" flashed by."""
    shown = _on_a_terminal(small_project, "--force", f"dossiers/{ECONOMIE}/werklocaties")
    assert "PDF's" in shown
    assert "Vergaderbundels" not in shown
    assert "0 van 0" not in shown


def test_a_build_that_only_replaced_an_annex_shows_no_bar_for_pdfs(
    small_project: Path, run_cli: RunCli
) -> None:
    """It converts none: the kept voorstel and agendas are bundled anew."""
    assert run_cli("build", cwd=small_project).exit_code == 0
    shutil.copyfile(
        CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf", small_project / SEED_ANNEX
    )
    shown = _on_a_terminal(small_project)
    assert "Dossiers" in shown and "1 van 1" in shown
    assert "PDF's" not in shown
    assert "Vergaderbundels" in shown
    assert "0 van 0" not in shown


def test_build_of_one_dossier_path(example_project: Path, run_cli: RunCli) -> None:
    result = run_cli(
        "build", "--geen-pdf", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project
    )
    assert result.exit_code == 0, result.stderr
    assert (example_project / ITEM / "voorstel.docx").is_file()
    assert not (example_project / "build" / WONEN).exists()
    meeting = f"dossiers/{ECONOMIE}/vergadering.yaml: waarschuwing: de agenda's zijn niet"
    rebuild = f"(bouw de vergadermap om ze {{}}: assembler build dossiers/{ECONOMIE})"
    assert (
        f"{meeting} gemaakt: alleen het dossier werklocaties is gebouwd "
        + rebuild.format("te maken")
    ) in result.stderr.splitlines()

    # Once the meeting is built, a dossier built alone after a change leaves it behind.
    assert (
        run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=example_project).exit_code == 0
    )
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    dossier.write_text(dossier.read_text().replace("Aanpak actieplan", "Aanpak van het actieplan"))
    for _ in range(2):  # and says so until the meeting is built
        result = run_cli(
            "build", "--geen-pdf", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project
        )
        assert result.exit_code == 0, result.stderr
        assert (
            f"{meeting} bijgewerkt: het dossier werklocaties is veranderd "
            + rebuild.format("bij te werken")
        ) in result.stderr.splitlines()
    result = run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert "waarschuwing" not in result.stderr
    result = run_cli(
        "build", "--geen-pdf", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project
    )
    assert "waarschuwing" not in result.stderr
    # A full build makes a dossier's documents after the agendas: not "changed" for that.
    shutil.rmtree(example_project / "build")
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    result = run_cli(
        "build", "--geen-pdf", f"dossiers/{ECONOMIE}/werklocaties", cwd=example_project
    )
    assert "waarschuwing" not in result.stderr, result.stderr


def test_rendering_in_two_processes_gives_the_same_documents(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assembler import build, build_report
    from assembler.project import Project

    project = Project(example_project)
    options = build_report.BuildOptions(pdf=False, source_date_epoch=1685000000)
    serial = build.build_project(project, options)
    assert serial.exit_code == 0
    first = {p: p.read_bytes() for r in serial.results for p in r.outputs}
    assert len(first) >= 6

    monkeypatch.setattr(build._Renderer, "PARALLEL_FROM", 1)
    memo = example_project / "templates" / "memo.docx"
    memo.write_bytes(b"geen docx")
    parallel = build.build_project(
        project, build_report.BuildOptions(**{**options.__dict__, "force": True})
    )
    # The broken memo template fails the memo only; every voorstel is rendered as before.
    assert parallel.exit_code == 2
    assert [p.bestand for p in parallel.problems if p.ernst == "fout"] == ["templates/memo.docx"]
    for result in parallel.results:
        for path in result.outputs:
            assert path.read_bytes() == first[path]
    assert parallel.count("gebouwd") == len(first) - 1
    assert parallel.count("mislukt") == 1


@needs_bridge
def test_libreoffice_warming_up_on_the_template_changes_no_output(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assembler import build, build_report, convert
    from assembler.convert import ConversionJob
    from assembler.project import Project

    # The same soffice converts the template and then the documents: nothing of the first
    # may show in the others (styles, numbering, fonts LibreOffice keeps between documents).
    warmed: list[Path] = []
    started = threading.Event()
    real_warm_up = convert._UnoWorker._warm_up
    real_submit = convert.ConversionService.submit

    def counted(worker: convert._UnoWorker, source: Path) -> None:
        warmed.append(source)
        started.set()
        real_warm_up(worker, source)

    def after_the_warm_up(service: convert.ConversionService, job: ConversionJob) -> None:
        # In this process nothing is left to import, so documents could be waiting before
        # LibreOffice is up (and then it rightly skips the warm-up): they wait for it here.
        assert started.wait(60), "no LibreOffice worker warmed up"
        real_submit(service, job)

    monkeypatch.setattr(convert._UnoWorker, "_warm_up", counted)
    monkeypatch.setattr(convert.ConversionService, "submit", after_the_warm_up)
    project = Project(example_project)
    options = build_report.BuildOptions(source_date_epoch=1685000000)
    warm = build.build_project(project, options)
    assert warm.exit_code == 0, warm.problems
    # A later worker warms up too, should it find no document waiting.
    assert set(warmed) == {example_project / "templates" / "voorstel.docx"}
    first = {p: p.read_bytes() for r in warm.results for p in r.outputs}
    assert len(first) >= 12

    monkeypatch.setattr(convert.ConversionService, "submit", real_submit)
    monkeypatch.setattr(convert._UnoWorker, "_warm_up", lambda worker, source: None)
    cold = build.build_project(
        project, build_report.BuildOptions(**{**options.__dict__, "force": True})
    )
    assert cold.exit_code == 0, cold.problems
    assert {p: p.read_bytes() for r in cold.results for p in r.outputs} == first


def test_libreoffice_starts_early_only_when_files_changed_since_the_last_build(
    small_project: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assembler import build
    from assembler.build import _inputs_newer_than_last_build
    from assembler.project import Project

    scratch = tmp_path / "scratch"  # the conversion workspace, named in soffice's arguments
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    speculated: list[bool] = []
    original = build._speculative_service

    def spy(*args: Any) -> Any:
        service = original(*args)
        speculated.append(service is not None)
        return service

    monkeypatch.setattr(build, "_speculative_service", spy)

    project = Project(small_project)
    assert _inputs_newer_than_last_build(project)  # never built
    assert run_cli("build", cwd=small_project).exit_code == 0
    assert not _inputs_newer_than_last_build(project)

    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    dossier.write_bytes(dossier.read_bytes())  # saved again, nothing changed
    assert _inputs_newer_than_last_build(project)
    # The guess was wrong: the LibreOffice started for it is stopped, nothing is rebuilt.
    again = run_cli("build", cwd=small_project)
    assert again.exit_code == 0
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in again.stderr
    assert speculated == [True, True]
    assert not _inputs_newer_than_last_build(project)
    assert soffice_processes_under(scratch) == []
    run_cli("build", cwd=small_project)
    assert speculated == [True, True, False]  # nothing changed: LibreOffice not started
    run_cli("build", "--geen-pdf", cwd=small_project)
    assert speculated == [True, True, False, False]

    # A PDF annex goes into bundles only: LibreOffice has nothing to do for it.
    annex = small_project / SEED_ANNEX
    annex.write_bytes(annex.read_bytes())
    assert not _inputs_newer_than_last_build(project)
    template = small_project / "templates" / "voorstel.docx"
    template.write_bytes(template.read_bytes())
    assert _inputs_newer_than_last_build(project)
    # A build of only some paths leaves the guess for the next full build alone.
    run_cli("build", f"dossiers/{ECONOMIE}/werklocaties", cwd=small_project)
    assert _inputs_newer_than_last_build(project)


def soffice_processes_under(scratch: Path) -> list[int]:
    """soffice processes still running with a profile in ``scratch``."""
    from tests.processes import processes

    return [p.pid for p in processes() if p.running and str(scratch) in p.command]


def test_a_file_where_a_build_folder_belongs_is_the_machine_not_the_template(
    small_project: Path, run_cli: RunCli
) -> None:
    # Was: "templates/voorstel.docx: …: kan niet schrijven: Not a directory", exit 2.
    (small_project / "build").mkdir()
    (small_project / "build" / ECONOMIE).write_text("")
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 3, result.stderr
    problem = result.stderr.splitlines()[-1]
    # Shown from the project root, as every other path in a message is (DESIGN §2).
    assert problem.startswith(f"fout: build/{ECONOMIE}/")
    assert problem.endswith(
        "kan niet schrijven: er staat een bestand waar een map hoort (verwijder of hernoem dat "
        "bestand)"
    )
    assert "templates/" not in result.stderr and "Traceback" not in result.stderr
    assert str(small_project) not in result.stderr

    from_inside = run_cli("build", "--geen-pdf", "--json", cwd=small_project / "dossiers")
    assert from_inside.exit_code == 3
    [melding] = [p["melding"] for p in json.loads(from_inside.stdout)["meldingen"]]
    assert melding.startswith(f"build/{ECONOMIE}/"), melding


@pytest.mark.parametrize("value", ["1700000000000", "gisteren", "²"])
def test_a_source_date_epoch_that_is_no_time_is_said_before_anything_is_made(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    # Was, for milliseconds: "ValueError: year 58882 is out of range", exit 1; for text: ignored.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    said = (
        f"SOURCE_DATE_EPOCH={value}: is geen tijdstip in seconden sinds 1 januari 1970 (zet het "
        "zoals 'date +%s' het geeft, of haal de variabele weg)"
    )
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [f"fout: {said}"]
    as_json = run_cli("build", "--json", cwd=small_project)
    assert as_json.exit_code == 2
    assert [p["melding"] for p in json.loads(as_json.stdout)["meldingen"]] == [said]
    assert not list((small_project / "build").rglob("*.docx"))


def test_a_source_date_epoch_past_what_a_zip_holds_is_said_before_anything_is_made(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2108 passed the check and ended writing the .docx in a struct.error traceback."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4354819200")  # 2108-01-01
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [
        "fout: SOURCE_DATE_EPOCH=4354819200: ligt op of na 31 december 2107, en een "
        "Word-document of zip-bestand kan niet later gedateerd zijn dan 2107 (zet een tijdstip "
        "vóór 31 december 2107, of haal de variabele weg)"
    ]
    assert not list((small_project / "build").rglob("*.docx"))
    # The last day that is taken still builds.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4354732799")
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0


def test_a_folder_where_an_output_belongs_is_named_with_what_to_do(
    small_project: Path, run_cli: RunCli
) -> None:
    # Was: "build/<meeting>: kan niet schrijven: Is a directory (controleer de map)".
    (small_project / "build" / ECONOMIE / "agenda.docx").mkdir(parents=True)
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 3, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"fout: build/{ECONOMIE}/agenda.docx: kan niet schrijven: er staat een map waar dit "
        "bestand hoort (verwijder of hernoem die map)"
    )


def test_a_new_meeting_format_remakes_the_agendas_and_no_dossier(
    small_project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assembler.build

    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    agenda = small_project / "build" / ECONOMIE / "agenda.docx"
    voorstel = small_project / ITEM / "voorstel.docx"
    before = agenda.stat().st_ino, voorstel.stat().st_ino
    # What an upgrade that changes the meeting bundles (not their inputs) does. Defined in
    # build_cache, but looked up in build, whose _meeting_plans keys the meetings.
    monkeypatch.setattr(assembler.build, "MEETING_FORMAT", assembler.build.MEETING_FORMAT + 1)
    again = run_cli("build", "--geen-pdf", cwd=small_project)
    assert "Klaar: 0 gebouwd, 1 ongewijzigd" in again.stderr
    assert agenda.stat().st_ino != before[0]  # written anew (renamed into place)
    assert voorstel.stat().st_ino == before[1]


def test_a_build_that_remakes_a_meeting_says_its_export_package_is_old(
    small_project: Path, run_cli: RunCli
) -> None:
    exported = run_cli("export", cwd=small_project)
    assert exported.exit_code == 0, exported.stderr
    stale = (
        f"dossiers/{ECONOMIE}/vergadering.yaml: waarschuwing: het exportpakket in "
        f"build/{ECONOMIE}/export hoort nog bij de vorige stukken (maak het opnieuw met "
        f"'assembler export dossiers/{ECONOMIE}')"
    )
    assert stale not in exported.stderr
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    onderwerp = "onderwerp: Aanpak actieplan Werklocaties"
    dossier.write_text(text.replace(onderwerp, f"{onderwerp} 2023"), encoding="utf-8")
    rebuilt = run_cli("build", cwd=small_project)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert stale in rebuilt.stderr.splitlines()
    # Said by every build until the package is made anew.
    assert stale in run_cli("build", cwd=small_project).stderr.splitlines()
    # The export, which remakes the meeting and packages it anew, does not say so; nor does a
    # build that remakes nothing.
    dossier.write_text(text.replace(onderwerp, f"{onderwerp} 2024"), encoding="utf-8")
    again = run_cli("export", cwd=small_project)
    assert again.exit_code == 0, again.stderr
    assert stale not in again.stderr
    manifest = small_project / "build" / ECONOMIE / "export" / "openbaar" / "manifest.json"
    assert "Aanpak actieplan Werklocaties 2024" in manifest.read_text(encoding="utf-8")
    unchanged = run_cli("build", cwd=small_project)
    assert stale not in unchanged.stderr


def test_an_export_package_is_old_only_when_what_it_holds_changed(
    small_project: Path, run_cli: RunCli
) -> None:
    """A forced build, or a comment in vergadering.yaml, writes the same outputs anew: the
    package still holds them. A setting the package shows makes it old."""
    assert run_cli("export", cwd=small_project).exit_code == 0
    stale = (
        f"dossiers/{ECONOMIE}/vergadering.yaml: waarschuwing: het exportpakket in "
        f"build/{ECONOMIE}/export hoort nog bij de vorige stukken (maak het opnieuw met "
        f"'assembler export dossiers/{ECONOMIE}')"
    )
    forced = run_cli("build", "--force", cwd=small_project)
    assert forced.exit_code == 0, forced.stderr
    assert stale not in forced.stderr
    shutil.rmtree(small_project / "build" / ".cache")  # "safe to delete"
    uncached = run_cli("build", cwd=small_project)
    assert uncached.exit_code == 0 and stale not in uncached.stderr, uncached.stderr
    meeting = small_project / "dossiers" / ECONOMIE / "vergadering.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "# nagekeken\n", encoding="utf-8")
    commented = run_cli("build", cwd=small_project)
    assert commented.exit_code == 0 and stale not in commented.stderr, commented.stderr
    assert stale not in run_cli("build", cwd=small_project).stderr
    settings = small_project / "dossiers" / "organisatie.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + "# alleen een opmerking\n", encoding="utf-8")
    assert stale not in run_cli("build", cwd=small_project).stderr
    settings.write_text(text.replace("Regio Gooi en Vechtstreek", "Regio Gooi & Vecht"), "utf-8")
    renamed = run_cli("build", cwd=small_project)
    assert renamed.exit_code == 0, renamed.stderr
    # Said as what changed: not "de vorige stukken" at the vergadering.yaml alone.
    assert stale.replace(
        "de vorige stukken", "de vorige instellingen in dossiers/organisatie.yaml"
    ) in (renamed.stderr.splitlines())


def test_a_meeting_folder_gone_says_its_package_went_with_it(
    small_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("export", cwd=small_project).exit_code == 0
    dossiers = small_project / "dossiers"
    (dossiers / ECONOMIE).rename(dossiers / "2023-05-25-pfho-economie")
    said = (
        f"dossiers/{ECONOMIE}: waarschuwing: de vergadermap bestaat niet meer, dus zijn de "
        f"stukken en het exportpakket in build/{ECONOMIE} weggehaald (is de map hernoemd, maak "
        "het pakket dan opnieuw met 'assembler export' en de nieuwe vergadermap; wat het "
        "vergadersysteem al heeft, werkt 'assembler publish' daarna bij; gaat de vergadering "
        "niet door en was zij gepubliceerd, zet de map dan terug, schrijf 'geannuleerd: Ja' in "
        "de vergadering.yaml en publiceer haar opnieuw)"
    )
    moved = run_cli("build", cwd=small_project)
    assert said in moved.stderr.splitlines(), moved.stderr
    assert not (small_project / "build" / ECONOMIE).exists()
    assert said not in run_cli("build", cwd=small_project).stderr  # said once


@pytest.mark.parametrize("archive", ["archief", "archief/2023"])
@pytest.mark.parametrize("exported", [False, True], ids=["built", "exported"])
def test_an_archived_meeting_says_once_that_its_outputs_went(
    small_project: Path, run_cli: RunCli, archive: str, exported: bool
) -> None:
    """Review docs D12: without an export the outputs went without a word; with one the build
    said the folder was gone and gave advice for a renamed one."""
    first = run_cli("export" if exported else "build", cwd=small_project)
    assert first.exit_code == 0, first.stderr
    place = small_project / "dossiers" / archive
    place.mkdir(parents=True)
    (small_project / "dossiers" / ECONOMIE).rename(place / ECONOMIE)
    package = " en het exportpakket" if exported else ""
    said = (
        f"dossiers/{ECONOMIE}: waarschuwing: de vergadermap is gearchiveerd (staat nu in "
        f"dossiers/{archive}/{ECONOMIE}), dus zijn de stukken{package} in build/{ECONOMIE} "
        "weggehaald"
    )
    archived = run_cli("build", cwd=small_project)
    assert archived.exit_code == 0, archived.stderr
    assert [line for line in archived.stderr.splitlines() if "weggehaald" in line] == [said]
    assert not (small_project / "build" / ECONOMIE).exists()
    assert "weggehaald" not in run_cli("build", cwd=small_project).stderr  # said once


def test_a_meeting_folder_gone_without_an_export_says_its_outputs_went(
    small_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    shutil.rmtree(small_project / "dossiers" / ECONOMIE)
    gone = run_cli("build", "--geen-pdf", cwd=small_project)
    assert gone.exit_code == 0, gone.stderr
    assert [line for line in gone.stderr.splitlines() if "weggehaald" in line] == [
        f"dossiers/{ECONOMIE}: waarschuwing: de vergadermap bestaat niet meer, dus zijn de "
        f"stukken in build/{ECONOMIE} weggehaald"
    ]
    assert "weggehaald" not in run_cli("build", "--geen-pdf", cwd=small_project).stderr


def test_a_build_of_one_dossier_keeps_a_package_that_shows_the_others_rightly(
    example_project: Path, run_cli: RunCli
) -> None:
    """The others were not read by this build, but they validate and are public: the
    package is behind (said), not wrong about them (removed)."""
    assert run_cli("export", f"dossiers/{WONEN}", cwd=example_project).exit_code == 0
    dossier = example_project / "dossiers" / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("onderwerp: ", "onderwerp: Nieuw - ", 1), encoding="utf-8")
    one = run_cli("build", f"dossiers/{WONEN}/snelfietsroutes", cwd=example_project)
    assert one.exit_code == 0, one.stderr
    assert "exportpakket is weggehaald" not in one.stderr, one.stderr
    assert (example_project / "build" / WONEN / "export" / "openbaar").is_dir()
    assert "hoort nog bij de vorige stukken" in one.stderr


def test_an_export_package_stays_when_a_public_dossier_is_refused(
    example_project: Path, run_cli: RunCli
) -> None:
    """A clerk's walkthrough: one broken annex in a 'verspreiden: Ja' dossier took the package
    away, while the public agenda and bundle that show the same item stayed (README: only
    what is no longer public, or refused without saying verspreiden: Ja, goes)."""
    assert run_cli("export", f"dossiers/{WONEN}", cwd=example_project).exit_code == 0
    folder = example_project / "dossiers" / WONEN / "snelfietsroutes"
    annex = next(folder.glob("bijlage-1-*.pdf"))
    annex.write_text("dit is geen pdf\n", encoding="utf-8")
    refused = run_cli("build", f"dossiers/{WONEN}", cwd=example_project)
    assert refused.exit_code == 1, refused.stderr
    assert "is geen PDF" in refused.stderr
    assert "exportpakket is weggehaald" not in refused.stderr, refused.stderr
    assert (example_project / "build" / WONEN / "export" / "openbaar" / "manifest.json").is_file()
    assert (example_project / "build" / WONEN / "vergaderbundel.pdf").is_file()


def package_withdrawn(shown: str, why: str) -> str:
    """The warning that the wonen meeting's export package was removed: it showed ``shown``
    as public, and ``why`` ('dat is nu niet openbaar') that is not known to be public now."""
    return (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: het exportpakket is weggehaald: het "
        f"toonde {shown} als openbaar, en {why} (maak het opnieuw met 'assembler export "
        f"dossiers/{WONEN}')"
    )


def test_an_export_package_that_shows_an_item_now_confidential_is_removed(
    example_project: Path, run_cli: RunCli
) -> None:
    assert run_cli("export", f"dossiers/{WONEN}", cwd=example_project).exit_code == 0
    package = example_project / "build" / WONEN / "export"
    dossier = example_project / "dossiers" / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    # The meeting is made anew and its public agenda and bundle leave the item out; the old
    # package still had it on its public side, and a clerk could pass that on.
    rebuilt = run_cli("build", f"dossiers/{WONEN}", cwd=example_project)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert not package.exists()
    assert (
        package_withdrawn("snelfietsroutes", "dat is nu niet openbaar")
        in rebuilt.stderr.splitlines()
    )
    again = run_cli("export", f"dossiers/{WONEN}", cwd=example_project)
    assert again.exit_code == 0, again.stderr
    assert "weggehaald" not in again.stderr
    # What the package holds, and what the agenda system is to take down, is said.
    said = again.stdout.splitlines()
    assert said[0] == f"Exportpakket: build/{WONEN}/export"
    assert re.fullmatch(
        rf"  openbaar: \d+ documenten, {WONEN}-openbaar\.zip \(\d+,\d MB\)", said[1]
    ), said
    assert re.fullmatch(
        rf"  niet-openbaar: \d+ documenten, {WONEN}-niet-openbaar\.zip \(\d+,\d MB\)",
        said[2],
    ), said
    # Named by the terminal, which is not published, but not by the package.
    assert len(said) == 7, said
    for line in said[3:]:
        assert re.fullmatch(
            r"  ingetrokken uit openbaar: 05_23\.0002131_\S+\.pdf \(niet meer openbaar\)", line
        ), said
    assert "23.0002131" not in (package / "openbaar" / "manifest.json").read_text()


def test_a_removed_export_package_names_each_item_by_its_folder_with_its_reason(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was: 'het toonde 23.0002117 en woningbouwafspraken als openbaar, en woningbouwafspraken
    is nu niet openbaar, 23.0002117 afgekeurd of niet te vinden', for an item withdrawn; then
    (revH H5) both items and reasons chained with "en ... en ...": now a sentence per item, as
    the agendas and bundles withdrawn are told."""
    assert run_cli("export", f"dossiers/{WONEN}", cwd=example_project).exit_code == 0
    dossiers = example_project / "dossiers" / WONEN
    rewrite(
        dossiers / "woningbouwafspraken" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee"
    )
    # Withdrawn as the README says: off the agenda, its folder out of dossiers/.
    rewrite(dossiers / "vergadering.yaml", "  - dossier: snelfietsroutes\n", "")
    shutil.move(dossiers / "snelfietsroutes", example_project / "archief")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert not (example_project / "build" / WONEN / "export").exists()
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: het exportpakket is weggehaald: het "
        "toonde snelfietsroutes en woningbouwafspraken als openbaar. Agendapunt snelfietsroutes "
        "staat niet meer op de agenda. Agendapunt woningbouwafspraken is nu niet openbaar. Maak "
        f"het opnieuw met 'assembler export dossiers/{WONEN}'."
    ) in result.stderr.splitlines(), result.stderr


def test_an_export_package_naming_a_kenmerk_no_dossier_has_is_removed_without_publicatie_json(
    example_project: Path, run_cli: RunCli
) -> None:
    """Without the meeting's publicatie.json a kenmerk of the package cannot be traced to its
    folder: a dossier taken away is then named by its kenmerk, and its package still goes."""
    assert run_cli("export", f"dossiers/{WONEN}", cwd=example_project).exit_code == 0
    package = example_project / "build" / WONEN / "export"
    assert "23.0002131" in (package / "openbaar" / "manifest.json").read_text(encoding="utf-8")
    dossiers = example_project / "dossiers" / WONEN
    (dossiers / "publicatie.json").unlink()
    rewrite(dossiers / "vergadering.yaml", "  - dossier: snelfietsroutes\n", "")
    shutil.move(dossiers / "snelfietsroutes", example_project / "archief")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert not package.exists()
    said = package_withdrawn("het dossier met kenmerk 23.0002131", "dat is niet te vinden")
    assert said in result.stderr.splitlines(), result.stderr


@pytest.mark.filterwarnings("ignore::pikepdf.PageCopyWarning")  # the set-up's own
def test_a_librarys_warning_in_english_does_not_reach_the_clerk(example_project: Path) -> None:
    """The review of outputs: an annex whose form fields are cut loose from its form made
    every build print pikepdf's PageCopyWarning, in English, with a source path."""
    folder = example_project / "dossiers" / WONEN / "mandaat-woningbouwimpuls"
    annex = folder / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf"
    with pikepdf.open(annex) as source:
        loose = pikepdf.new()
        loose.pages.append(source.pages[0])  # the widgets, without the form that holds them
        loose.save(example_project / "los.pdf")
    shutil.move(example_project / "los.pdf", annex)
    # As a clerk runs it: the command itself, not the library in pytest's hands.
    assembler = Path(sys.executable).parent / "assembler"
    result = subprocess.run(
        [str(assembler), "build", f"dossiers/{WONEN}"],
        cwd=example_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    assert (example_project / "build" / WONEN / "vergaderbundel-niet-openbaar.pdf").is_file()


def test_plain_progress_names_each_dossier_with_its_meeting(
    example_project: Path, run_cli: RunCli
) -> None:
    """In a log of a build of several meetings, each line says which meeting's dossier it is."""
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("dossier: ")]
    assert f"dossier: {ECONOMIE}/werklocaties" in progress
    assert len(progress) == 6 and all(
        line.startswith((f"dossier: {ECONOMIE}/", f"dossier: {WONEN}/")) for line in progress
    ), progress


def test_a_broken_agenda_template_is_given_as_the_reason(
    small_project: Path, run_cli: RunCli
) -> None:
    (small_project / "templates" / "agenda.docx").write_text("geen Word-document\n")
    result = run_cli("build", "--geen-pdf", cwd=small_project)
    assert result.exit_code == 2, result.stderr
    said = [line for line in result.stderr.splitlines() if not line.startswith("dossier: ")]
    # The cause first, then what follows from it; every dossier was made, so the reason is
    # the agenda, not "niet alle stukken".
    assert said[:2] == [
        "templates/agenda.docx: is geen Word-document (.docx) (sla het sjabloon in Word op als "
        ".docx)",
        f"dossiers/{ECONOMIE}/vergadering.yaml: waarschuwing: de agenda's zijn niet gemaakt "
        "omdat het agendasjabloon niet gebruikt kon worden (zie de melding over "
        "templates/agenda.docx)",
    ], said
    assert re.fullmatch(r"Klaar: 1 gebouwd, 0 ongewijzigd, 0 mislukt in \d+,\d s\.", said[2])
    # The counts are of dossiers: what became of the agendas, and where it went wrong, follow.
    assert said[3:] == [
        f"Agenda's van {ECONOMIE} niet gemaakt (zie de meldingen hierboven).",
        "Niet alles is gemaakt: 1 fout in templates/agenda.docx (zie de meldingen hierboven).",
    ]
    assert (small_project / ITEM / "voorstel.docx").is_file()


def test_a_meeting_is_taken_by_its_bare_name_as_new_takes_it(
    example_project: Path, run_cli: RunCli
) -> None:
    """Was 'bestaat niet' for a meeting that exists: check, build and export took only a path."""
    whole = run_cli("check", f"dossiers/{WONEN}", cwd=example_project)
    named = run_cli("check", WONEN, cwd=example_project)
    assert (named.exit_code, named.stdout, named.stderr) == (0, whole.stdout, whole.stderr)
    assert whole.stdout.startswith("In orde: ")
    one = run_cli("build", "--geen-pdf", f"{WONEN}/snelfietsroutes", cwd=example_project)
    assert one.exit_code == 0, one.stderr
    assert "dossier: " + f"{WONEN}/snelfietsroutes" in one.stderr
    assert not (example_project / "build" / ECONOMIE).exists()


def test_a_path_to_build_that_is_not_a_meeting_is_named_from_the_project_root(
    small_project: Path, run_cli: RunCli
) -> None:
    missing = run_cli("build", "--geen-pdf", "nergens", cwd=small_project / "dossiers")
    assert missing.exit_code == 2
    assert missing.stderr == (
        "fout: dossiers/nergens: bestaat niet (geef een vergadermap of dossiermap op)\n"
    )
    outside = run_cli("build", "--geen-pdf", "templates", cwd=small_project)
    assert outside.exit_code == 2
    assert outside.stderr == (
        "fout: templates: ligt niet in dossiers (geef een vergadermap of dossiermap op)\n"
    )


@pytest.mark.parametrize(
    "path", ["dossiers/huisstijl", "dossiers/huisstijl/logo.png", "dossiers/organisatie.yaml"]
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_path_that_is_no_meeting_or_dossier_is_refused_not_called_in_order(
    small_project: Path, run_cli: RunCli, command: str, path: str
) -> None:
    # Checking the house style or the settings alone would check nothing and say "In orde".
    result = run_cli(command, path, cwd=small_project)
    assert result.exit_code == 2
    assert result.stderr == (
        f"fout: {path}: is geen vergadermap of dossiermap (geef een vergadermap of dossiermap "
        "op, of niets voor alle vergaderingen)\n"
    )


def test_a_file_in_a_dossier_selects_its_dossier(small_project: Path, run_cli: RunCli) -> None:
    annex = f"dossiers/{ECONOMIE}/werklocaties/bijlage-1-voorstel-aanpak-actieplan-werklocaties.pdf"
    result = run_cli("check", annex, cwd=small_project)
    assert result.exit_code == 0
    assert result.stdout == "In orde: 1 vergadering, 1 dossier gecontroleerd.\n"
    subfolder = small_project / "dossiers" / ECONOMIE / "oud"
    subfolder.mkdir()
    refused = run_cli("check", f"dossiers/{ECONOMIE}/oud", cwd=small_project)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"fout: dossiers/{ECONOMIE}/oud: is geen dossiermap, er staat geen dossier.yaml in "
        "(geef een vergadermap of dossiermap op)\n"
    )


@pytest.mark.parametrize("how", ["misnamed", "gone"])
def test_a_dossier_folder_given_whose_dossier_yaml_is_misnamed_or_gone_gets_the_agendas_advice(
    small_project: Path, run_cli: RunCli, how: str
) -> None:
    # The review of the paths commit: exit 2, "is geen dossiermap", the advice to rename lost.
    folder = small_project / "dossiers" / ECONOMIE / "werklocaties"
    if how == "misnamed":
        (folder / "dossier.yaml").rename(folder / "dossier.yaml.txt")
    else:
        (folder / "dossier.yaml").unlink()
    result = run_cli("check", f"dossiers/{ECONOMIE}/werklocaties", cwd=small_project)
    assert result.exit_code == 1, result.stderr
    advice = (
        ": de map bevat 'dossier.yaml.txt' (hernoem dat bestand naar dossier.yaml)"
        if how == "misnamed"
        else " (controleer de mapnaam; is het dossier weggehaald, haal dan ook deze regel van "
        "de agenda)"
    )
    assert result.stderr.endswith(
        "agenda[2].dossier: er is geen dossiermap 'werklocaties' met een dossier.yaml in "
        f"dossiers/{ECONOMIE}{advice}\n"
    ), result.stderr


def test_a_dossier_folder_that_is_a_link_is_checked_by_its_path(
    small_project: Path, run_cli: RunCli
) -> None:
    """The README lets a dossier folder be a link within dossiers/: given by its path, it was
    taken for where the link leads, no dossier of any meeting ('In orde: 0 dossiers')."""
    meeting = small_project / "dossiers" / ECONOMIE
    shared = small_project / "dossiers" / ".gedeeld"
    shared.mkdir()
    (meeting / "werklocaties").rename(shared / "werklocaties")
    (meeting / "werklocaties").symlink_to(Path("..") / ".gedeeld" / "werklocaties")
    seed = shared / "werklocaties" / "dossier.yaml"
    seed.write_text(re.sub(r"(?m)^onderwerp: .*$", "onderwerp:", seed.read_text("utf-8")), "utf-8")
    result = run_cli("check", f"dossiers/{ECONOMIE}/werklocaties", cwd=small_project)
    assert result.exit_code == 1, result.stderr
    assert "onderwerp: is leeg" in result.stderr


def test_export_refuses_a_path_that_is_no_meeting_or_dossier(
    small_project: Path, run_cli: RunCli
) -> None:
    # It exported every meeting, where check and build refuse the path.
    result = run_cli("export", "dossiers/organisatie.yaml", cwd=small_project)
    assert result.exit_code == 2
    assert result.stderr == (
        "fout: dossiers/organisatie.yaml: is geen vergadermap of dossiermap (geef een "
        "vergadermap op, of niets voor alle vergaderingen)\n"
    )
    assert not (small_project / "build" / ECONOMIE / "export").exists()


NOT_READ = (
    "(zet {who} direct in dossiers/ om hem te controleren of te maken; een map in dossiers/ "
    "met vergadermappen erin is een archief)"
)


@pytest.mark.parametrize("archive", ["archief", "2024", "archief/2023"])
@pytest.mark.parametrize("command", ["check", "build", "export"])
def test_a_meeting_folder_path_not_directly_in_dossiers_is_refused(
    small_project: Path, run_cli: RunCli, command: str, archive: str
) -> None:
    """Review year R3: check and build said "In orde: 0 vergaderingen, 0 dossiers" (exit 0) of
    a meeting moved into dossiers/archief/, and export named the folder above it."""
    place = small_project / "dossiers" / archive
    place.mkdir(parents=True)
    (small_project / "dossiers" / ECONOMIE).rename(place / ECONOMIE)
    meeting = f"dossiers/{archive}/{ECONOMIE}"
    result = run_cli(command, meeting, cwd=small_project)
    assert result.exit_code == 2, result.stdout
    assert result.stderr == (
        f"fout: {meeting}: deze vergadermap ligt niet direct in dossiers/ en wordt daarom niet "
        f"gelezen {NOT_READ.format(who='hem')}\n"
    )
    for inside in (f"{meeting}/werklocaties", f"{meeting}/vergadering.yaml"):
        refused = run_cli(command, inside, cwd=small_project)
        assert refused.exit_code == 2, refused.stdout
        assert refused.stderr == (
            f"fout: {inside}: ligt in de vergadermap {meeting}, die niet direct in dossiers/ "
            f"ligt en daarom niet gelezen wordt {NOT_READ.format(who='die vergadermap')}\n"
        )
    assert not (small_project / "build").exists() or not any(
        (small_project / "build").glob(f"*{ECONOMIE}*")
    )


def test_a_meeting_folder_path_in_dossiers_is_read_as_before_by_its_name_and_from_dossiers(
    small_project: Path, run_cli: RunCli
) -> None:
    # The refusal above looks only deeper than dossiers/<meeting>: these stay as they were.
    for path, cwd in (
        (f"dossiers/{ECONOMIE}", small_project),
        (f"dossiers/{ECONOMIE}/werklocaties", small_project),
        (ECONOMIE, small_project),
        (f"{ECONOMIE}/werklocaties", small_project / "dossiers"),
    ):
        result = run_cli("check", path, cwd=cwd)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "In orde: 1 vergadering, 1 dossier gecontroleerd.\n"


@pytest.mark.parametrize(
    "paths",
    [
        (f"dossiers/{ECONOMIE}", f"dossiers/{ECONOMIE}/werklocaties"),
        (f"dossiers/{ECONOMIE}/werklocaties", f"dossiers/{ECONOMIE}"),
        (f"dossiers/{ECONOMIE}/vergadering.yaml",),
    ],
    ids=["meeting-and-its-dossier", "dossier-and-its-meeting", "vergadering-yaml"],
)
def test_a_meeting_given_with_one_of_its_dossiers_or_by_its_file_is_built_whole(
    small_project: Path, run_cli: RunCli, paths: tuple[str, ...]
) -> None:
    result = run_cli("build", "--geen-pdf", *paths, cwd=small_project)
    assert result.exit_code == 0, result.stderr
    assert "waarschuwing" not in result.stderr
    assert (small_project / "build" / ECONOMIE / "agenda.docx").is_file()
    assert (small_project / "build" / ECONOMIE / "agenda-niet-openbaar.docx").is_file()


def test_a_file_named_build_is_named_from_the_root_also_from_a_subfolder(
    small_project: Path, run_cli: RunCli
) -> None:
    (small_project / "build").write_text("")
    result = run_cli("build", "--geen-pdf", cwd=small_project / "dossiers" / ECONOMIE)
    assert result.exit_code == 3
    assert result.stderr == (
        "fout: build: kan niet schrijven: er staat een bestand waar een map hoort (verwijder of "
        "hernoem dat bestand)\n"
    )


def test_an_annex_name_with_accents_stored_the_mac_way_is_found(
    small_project: Path, run_cli: RunCli
) -> None:
    import unicodedata

    folder = small_project / "dossiers" / ECONOMIE / "werklocaties"
    written = "bijlage-2-projectplan-één.pdf"  # as the clerk's editor writes it
    stored = unicodedata.normalize("NFD", written)  # as macOS stores the file's name
    assert stored != written
    (folder / "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf").rename(
        folder / stored
    )
    dossier = folder / "dossier.yaml"
    dossier.write_text(
        dossier.read_text().replace(
            "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf", written
        )
    )
    result = run_cli("build", cwd=small_project)
    assert result.exit_code == 0, result.stderr  # was: "'…één.pdf' bestaat niet"
    titles = [title for _depth, title in outline_titles(small_project / ITEM / "bundel.pdf")]
    assert any(title.startswith("Bijlage 2 ") for title in titles), titles
    assert "Bijlage 2 bij 23.0001772" in pdftext(small_project / ITEM / "bundel.pdf")


def test_progress_reports_each_dossier_as_it_is_finished(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dossier is reported done when it is published, not all at the end of the build."""
    import threading

    from assembler import build, build_report
    from assembler.check import check_project
    from assembler.project import Project

    events: list[tuple[str, str]] = []
    in_call = threading.Lock()
    published: dict[str, bool] = {}
    first_done = threading.Event()

    def progress(event: str, label: str) -> None:
        assert in_call.acquire(blocking=False), "two progress calls at once"
        try:
            events.append((event, label))
            if event == "klaar":
                first_done.set()
                # Its outputs are in place when a dossier is reported done.
                meeting, folder = label.split("/")
                published[label] = any(
                    (p / "bundel.pdf").is_file()
                    for p in (example_project / "build" / meeting).glob(f"*-{folder}")
                )
        finally:
            in_call.release()

    # LibreOffice may convert the last document before a bundle is made: held back until one
    # dossier is reported done (or a minute), a build that reports them only once LibreOffice is
    # done fails, and one that reports them as they come always passes. A check first keeps the
    # template check's answer, which the bundler threads would otherwise wait for behind it.
    landed = 0
    held = threading.Event()
    real_landed = build._Conversions._landed

    def land(self: Any, target: Path) -> None:
        nonlocal landed
        landed += 1
        if landed == self.expected:
            held.set()
            first_done.wait(timeout=60)
        real_landed(self, target)

    check_project(Project(example_project))
    monkeypatch.setattr(build._Conversions, "_landed", land)
    report = build.build_project(Project(example_project), build_report.BuildOptions(), progress)
    assert report.exit_code == 0
    assert held.is_set()
    # Named with their meeting: two meetings may each have a punt-01.
    names = sorted(f"{r.meeting}/{r.folder}" for r in report.results)
    assert sorted(label for event, label in events if event == "klaar") == names
    assert sorted(label for event, label in events if event == "bundel") == names
    assert all(published.values()) and len(published) == len(names)
    kinds = [event for event, _label in events]
    # The meetings come last: every dossier was reported before them.
    assert kinds.index("vergadering") > max(i for i, k in enumerate(kinds) if k == "klaar")
    # Reported while LibreOffice was still converting: some dossier is done before the last
    # conversion (the example has 6 dossiers and 2 meetings of 2 agendas each).
    last_conversion = max(i for i, k in enumerate(kinds) if k == "conversie")
    assert kinds.index("klaar") < last_conversion


def test_an_interrupted_build_publishes_nothing_it_was_still_bundling(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal
    import threading

    from assembler import build, build_report
    from assembler.project import Project

    real_bundle = build._bundle
    real_stop = build._stop_bundling
    interrupted = threading.Event()
    stopping_seen = threading.Event()

    first = threading.Lock()

    def bundle_then_interrupt(*args: Any, **kwargs: Any) -> Path:
        bundle = real_bundle(*args, **kwargs)
        # Ctrl-C arrives as the first dossier's bundle is made, before it is published: it
        # may have been made with a helper program that the same Ctrl-C ended.
        with first:
            sends = not interrupted.is_set()
            interrupted.set()
        if sends:
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        # This bundle and any other made meanwhile: until the main thread has begun to stop
        # (a fixed pause was too short on a busy machine: a bundle was installed before the
        # build knew of the Ctrl-C).
        assert stopping_seen.wait(60)
        return bundle

    def stop_seen(bundler: Any, stopping: threading.Event) -> None:
        stopping.set()
        stopping_seen.set()
        real_stop(bundler, stopping)

    monkeypatch.setattr(build, "_bundle", bundle_then_interrupt)
    monkeypatch.setattr(build, "_stop_bundling", stop_seen)
    with pytest.raises(KeyboardInterrupt):
        build.build_project(Project(example_project), build_report.BuildOptions())
    assert interrupted.is_set()
    # Nothing was published, and no cache record claims a dossier is up to date.
    assert list((example_project / "build").glob("*/*/bundel.pdf")) == []
    records = (example_project / "build" / ".cache").glob("*/*.json")
    # The annex checks' reports and texts may stay: kept by content, they claim no dossier.
    assert [r for r in records if r.parent.name not in {"bijlagen", "bijlagetekst"}] == []
    assert not list((example_project / "build").rglob(".tmp-assembler-*"))


def test_a_broken_template_is_reported_once_not_per_dossier(
    example_project: Path, run_cli: RunCli
) -> None:
    import zipfile

    template = example_project / "templates" / "voorstel.docx"
    with zipfile.ZipFile(template) as original:
        parts = {info: original.read(info.filename) for info in original.infolist()}
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as broken:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ eenheid }}", b"{{ eenhied }}")
            broken.writestr(info, data)
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 2
    # As `templates check` says it, with what was meant.
    problem = (
        "templates/voorstel.docx: {{ eenhied }}: 'eenhied' bestaat niet in het model voorstel "
        "(bedoelt u 'eenheid'?)"
    )
    assert result.stderr.count(problem) == 1, result.stderr
    assert "Klaar: 1 gebouwd, 0 ongewijzigd, 5 mislukt" in result.stderr


def test_the_build_never_renders_an_annex_in_its_own_process(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Annexes are third-party files: their pages are rendered only in the intake's checking
    # child, under its memory and time limits, including every page of a confidential
    # dossier's annexes, which get NIET OPENBAAR.
    from assembler import build, build_report, bundle
    from assembler.project import Project

    rendered: list[Path] = []
    real = bundle.top_bands_blank

    def recording(pdf: Path, first: int = 0, last: int | None = None) -> dict[int, bool]:
        rendered.append(Path(pdf))
        return real(pdf, first, last)

    folder = example_project / "dossiers" / WONEN / "mandaat-woningbouwimpuls"
    four_pages = CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf"
    shutil.copyfile(four_pages, folder / "bijlage-1-aanvraagformulier-woningbouwimpuls.pdf")
    monkeypatch.setattr(bundle, "top_bands_blank", recording)
    report = build.build_project(Project(example_project), build_report.BuildOptions())

    assert report.exit_code == 0
    confidential = next((example_project / "build" / WONEN).glob("*-mandaat-woningbouwimpuls"))
    with pikepdf.open(confidential / "bundel.pdf") as pdf:
        assert len(pdf.pages) == 2 + 4
    pages = pdftext(confidential / "bundel.pdf").split("\f")
    assert all("NIET OPENBAAR" in page for page in pages[2:6]), "an annex page is not marked"
    dossiers = (example_project / "dossiers").resolve()
    assert [path for path in rendered if path.resolve().is_relative_to(dossiers)] == []


def test_a_new_kenmerk_leaves_one_output_folder_and_a_refused_dossier_keeps_its_last(
    example_project: Path, run_cli: RunCli
) -> None:
    meeting = example_project / "build" / ECONOMIE
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    assert [p.name for p in meeting.glob("*-werklocaties")] == ["02-23.0001772-werklocaties"]

    rewrite(dossier, "kenmerk: 23.0001772", "kenmerk: 23.0009999")
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    assert [p.name for p in meeting.glob("*-werklocaties")] == ["02-23.0009999-werklocaties"]

    # Refused with yet another kenmerk: its last good outputs stay, under the old one.
    rewrite(dossier, "kenmerk: 23.0009999", "kenmerk: 23.0001772")
    rewrite(dossier, "datum: 2023-04-11", "datum: 2023-04-31")
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 1
    assert [p.name for p in meeting.glob("*-werklocaties")] == ["02-23.0009999-werklocaties"]

    rewrite(dossier, "datum: 2023-04-31", "datum: 2023-04-11")
    assert run_cli("build", "--geen-pdf", cwd=example_project).exit_code == 0
    assert [p.name for p in meeting.glob("*-werklocaties")] == ["02-23.0001772-werklocaties"]


def test_a_dossier_saved_while_the_build_reads_it_is_made_again_by_the_next(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outputs are kept under the text the build read, not under the file saved since."""
    from assembler import build, build_report
    from assembler.project import Project

    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    plan = build._plan

    def saved_meanwhile(*args: Any, **kwargs: Any) -> Any:
        rewrite(dossier, "onderwerp: Aanpak actieplan Werklocaties", "onderwerp: Later opgeslagen")
        return plan(*args, **kwargs)

    project = Project(example_project)
    options = build_report.BuildOptions(pdf=False)
    with monkeypatch.context() as patched:
        patched.setattr(build, "_plan", saved_meanwhile)
        assert build.build_project(project, options).exit_code == 0
    again = build.build_project(project, options)
    [result] = [r for r in again.results if r.folder == "werklocaties"]
    assert result.status == "gebouwd"
    docx = next((example_project / "build" / ECONOMIE).glob("*-werklocaties")) / "voorstel.docx"
    assert "Later opgeslagen" in zipfile.ZipFile(docx).read("word/document.xml").decode()


def test_public_outputs_are_recorded_as_public_before_they_are_installed(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build stopped between installing and recording must not hide public outputs."""
    from assembler import build, build_report
    from assembler.project import Project

    project = Project(example_project)
    options = build_report.BuildOptions(pdf=False)
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    rewrite(dossier, "verspreiden: Ja", "verspreiden: Nee")
    assert build.build_project(project, options).exit_code == 0

    rewrite(dossier, "verspreiden: Nee", "verspreiden: Ja")

    def stop(*_args: Any, **_keywords: Any) -> None:
        raise KeyboardInterrupt  # after its outputs are in place, before their record

    with monkeypatch.context() as patched:
        # Looked up in build, whose _install_dossier records the outputs.
        patched.setattr(build, "remember", stop)
        with pytest.raises(KeyboardInterrupt):
            build.build_project(project, options)
    (item,) = (example_project / "build" / ECONOMIE).glob("*-werklocaties")
    assert (
        "NIET OPENBAAR"
        not in zipfile.ZipFile(item / "voorstel.docx").read("word/header1.xml").decode()
    )  # the public one is installed

    # Confidential again, and refused: its public outputs must go.
    rewrite(dossier, "verspreiden: Ja", "verspreiden: Nee")
    rewrite(dossier, "datum: 2023-04-11", "datum: 2023-04-31")
    report = build.build_project(project, options)
    assert report.exit_code == 1
    assert not item.exists()


def test_a_deleted_dossier_still_on_the_agenda_is_named_as_missing_not_refused(
    example_project: Path, run_cli: RunCli, wonen_built: tuple[Path, Path]
) -> None:
    _meeting, dossiers = wonen_built
    shutil.rmtree(dossiers / "memo-huisvestingsverordening")
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 1
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: de agenda's zijn niet bijgewerkt "
        "omdat het agendapunt voor memo-huisvestingsverordening geen dossiermap heeft (zie de "
        "meldingen bij dat agendapunt)"
    ) in result.stderr.splitlines(), result.stderr


def test_a_build_stopped_with_ctrl_c_says_what_it_withdrew(
    example_project: Path,
    run_cli: RunCli,
    wonen_built: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assembler import build

    meeting, dossiers = wonen_built
    rewrite(dossiers / "snelfietsroutes" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")

    def interrupted(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C while the agendas are made

    monkeypatch.setattr(build, "_render_agendas", interrupted)
    result = run_cli("build", "--geen-pdf", cwd=example_project)
    assert result.exit_code == 130
    said = result.stderr.splitlines()
    assert said[-1] == (
        "afgebroken: niets is half geschreven (voer de opdracht opnieuw uit om af te maken)"
    )
    assert public_withdrawn(WONEN, "snelfietsroutes", "is nu niet openbaar", bundle=False) in said
    assert not (meeting / "agenda.docx").exists()


def test_a_comment_in_a_template_is_left_out_and_the_pdf_is_made(
    example_project: Path, run_cli: RunCli
) -> None:
    """LibreOffice's conversion stopped on a document with a comment (exit 3), and the
    editor's note went into every voorstel.docx."""
    from docx import Document

    template = example_project / "templates" / "voorstel.docx"
    document = Document(str(template))
    heading = next(p for p in document.paragraphs if p.text.strip() == "Toelichting")
    document.add_comment(heading.runs, text="Hier de naam invullen?", author="Communicatie")
    document.save(str(template))
    result = run_cli("build", f"dossiers/{ECONOMIE}", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    item = example_project / ITEM
    with zipfile.ZipFile(item / "voorstel.docx") as archive:
        assert not [name for name in archive.namelist() if "comment" in name]
        assert b"commentReference" not in archive.read("word/document.xml")
    assert "Toelichting" in pdftext(item / "voorstel.pdf")


def test_a_full_build_removes_records_nothing_reads_again(
    small_project: Path, run_cli: RunCli
) -> None:
    """A year of builds must not pile up the records of deleted dossiers and of every annex
    version ever checked; a build of one path leaves them."""
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    cache = small_project / "build" / ".cache"
    record = cache / ECONOMIE / "werklocaties.json"
    reports = sorted((cache / "bijlagen").glob("*.json"))
    assert record.is_file() and reports
    old, recent = reports[0], cache / "bijlagen" / ("0" * 64 + ".json")
    recent.write_text("{}\n", encoding="utf-8")
    ninety_one_days = time.time() - 91 * 24 * 3600
    os.utime(old, (ninety_one_days, ninety_one_days))
    # Page records as an earlier version kept them, a file each: no build reads them now.
    (cache / "paginas").mkdir()
    (cache / "paginas" / ("0" * 64 + ".json")).write_text("{}\n", encoding="utf-8")
    meeting = small_project / "dossiers" / ECONOMIE
    assert run_cli("build", "--geen-pdf", f"dossiers/{ECONOMIE}", cwd=small_project).exit_code == 0
    assert old.is_file()  # a partial build leaves the cache as it is
    shutil.rmtree(meeting / "werklocaties")
    agenda = meeting / "vergadering.yaml"
    agenda.write_text(agenda.read_text().replace("  - dossier: werklocaties\n", ""))
    assert run_cli("build", "--geen-pdf", cwd=small_project).exit_code == 0
    assert not record.exists()
    assert not old.exists() and recent.is_file()
    assert not (cache / "paginas").exists()
    assert (cache / ECONOMIE / "_vergadering.json").is_file()


def test_a_markdown_link_to_anything_but_a_web_or_mail_address_is_no_link_in_the_pdf(
    small_project: Path, run_cli: RunCli
) -> None:
    """LibreOffice resolved such links against its work folder: ``file:///etc/passwd``,
    ``file://evil.example/x``, or a link into its temporary folder (which also made the PDF
    differ between builds)."""
    dossier = small_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    links = (
        "  Zie [rel](../../../etc/passwd), [proto](//evil.example/x), [ctl](%01javascript:x),\n"
        "  [unc](\\\\server\\share\\x.exe), [smb](smb://evil/share), [launch](launch:cmd.exe),\n"
        "  [web](https://www.regiogv.nl/) en [mail](mailto:griffie@regiogv.nl).\n\n"
    )
    heading = "  ### Beknopte toelichting\n\n"
    dossier.write_text(text.replace(heading, heading + links, 1), encoding="utf-8")
    result = run_cli("build", cwd=small_project)
    assert result.exit_code == 0, result.stderr
    assert (
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:48: waarschuwing: toelichting: de link "
        "'../../../etc/passwd' wordt geen link in het document, alleen de tekst 'rel' (alleen "
        "een adres dat begint met https://, http://, www. of mailto: wordt een link)"
    ) in result.stderr.splitlines()
    assert result.stderr.count(": de link '") == 6, result.stderr
    voorstel = small_project / ITEM / "voorstel.pdf"
    with pikepdf.open(voorstel) as pdf:
        targets = sorted(
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.obj.get("/Annots") or []
            if annot.get("/Subtype") == "/Link"
        )
    assert targets == ["https://www.regiogv.nl/", "mailto:griffie@regiogv.nl"]
    shown = " ".join(pdftext(voorstel).split())
    assert "Zie rel, proto, ctl, unc, smb, launch, web en mail." in shown


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def _build_meanwhile(project: Path, actions: dict[tuple[str, str], Callable[[], None]]) -> Any:
    """Build ``project`` in this process, running each action at its progress event."""
    from assembler import build, build_report
    from assembler.project import Project

    def progress(event: str, label: str) -> None:
        action = actions.pop((event, label), None)
        if action is not None:
            action()

    report = build.build_project(Project(project), build_report.BuildOptions(), progress)
    assert not actions, actions  # every action ran
    return report


def test_an_annex_changed_and_changed_back_during_a_build_is_made_again(
    small_project: Path,
) -> None:
    """Replaced after the plan and put back once its dossier was installed (an undo in the
    PDF editor, a sync client's conflict copy): the bundle was made of the other file, under
    the key of the one now there. Every later build kept it as unchanged (review incr I1)."""
    annex = small_project / SEED_ANNEX
    original = annex.read_bytes()
    other = annex.parent / "bijlage-2-projectplan-instrumenten-ruimte-voor-werklocaties.pdf"
    assert _pages(annex) == 2 and _pages(other) == 1
    label = f"{ECONOMIE}/werklocaties"
    report = _build_meanwhile(
        small_project,
        {
            ("dossiers-totaal", "1"): lambda: shutil.copyfile(other, annex),
            ("bundel", label): lambda: annex.write_bytes(original),
        },
    )
    assert report.exit_code == 0
    meeting = small_project / "build" / ECONOMIE
    voorstel = _pages(small_project / ITEM / "voorstel.pdf")
    assert _pages(small_project / ITEM / "bundel.pdf") == voorstel + 1 + 1 + 1  # the other one
    said = [p.format() for p in report.problems if "terwijl de build liep" in p.melding]
    line = next(
        number
        for number, text in enumerate(
            (annex.parent / "dossier.yaml").read_text(encoding="utf-8").splitlines(), start=1
        )
        if annex.name in text
    )
    assert said == [
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:{line}: waarschuwing: "
        f"bijlagen[1].bestand: '{annex.name}' is veranderd terwijl de build liep; het dossier "
        "wordt bij de volgende build opnieuw gemaakt (bouw opnieuw als het bestand klaar is)"
    ]

    again = _build_meanwhile(small_project, {})
    assert [r.status for r in again.results] == ["gebouwd"]
    assert not [p for p in again.problems if "terwijl de build liep" in p.melding]
    assert _pages(small_project / ITEM / "bundel.pdf") == voorstel + 2 + 1 + 1
    agendas = _pages(meeting / "agenda.pdf")
    assert _pages(meeting / "vergaderbundel.pdf") == agendas + voorstel + 2 + 1 + 1
    assert [r.status for r in _build_meanwhile(small_project, {}).results] == ["ongewijzigd"]


def test_a_template_changed_and_changed_back_during_a_build_is_made_again(
    small_project: Path,
) -> None:
    """A template saved between the plan and the render and put back before the record: the
    voorstel said the other template's text under the key of the one now there."""
    template = small_project / "templates" / "voorstel.docx"
    original = template.read_bytes()
    other = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(other, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/header1.xml":
                assert b"<w:t>Voorstel</w:t>" in data
                data = data.replace(b"<w:t>Voorstel</w:t>", b"<w:t>Voorstel ANDERS</w:t>")
            target.writestr(info, data)
    label = f"{ECONOMIE}/werklocaties"
    report = _build_meanwhile(
        small_project,
        {
            ("dossiers-totaal", "1"): lambda: template.write_bytes(other.getvalue()),
            ("dossier", label): lambda: template.write_bytes(original),
        },
    )
    assert report.exit_code == 0
    assert "Voorstel ANDERS" in pdftext(small_project / ITEM / "voorstel.pdf")
    assert [p.format() for p in report.problems if "terwijl de build liep" in p.melding] == [
        "templates/voorstel.docx: waarschuwing: is veranderd terwijl de build liep; wat ermee "
        "gemaakt is, wordt bij de volgende build opnieuw gemaakt (bouw opnieuw als het bestand "
        "klaar is)"
    ]

    again = _build_meanwhile(small_project, {})
    assert [r.status for r in again.results] == ["gebouwd"]
    assert "Voorstel ANDERS" not in pdftext(small_project / ITEM / "voorstel.pdf")
    assert "Voorstel ANDERS" not in pdftext(small_project / f"build/{ECONOMIE}/vergaderbundel.pdf")
    assert [r.status for r in _build_meanwhile(small_project, {}).results] == ["ongewijzigd"]


def test_an_annex_moved_away_during_a_build_is_said_to_be_gone_not_damaged(
    small_project: Path,
) -> None:
    """Its folder moved away after the intake read the annex (review incr I2)."""
    annex = small_project / SEED_ANNEX
    report = _build_meanwhile(
        small_project,
        {("dossier", f"{ECONOMIE}/werklocaties"): lambda: annex.rename(annex.parent.parent / "x")},
    )
    assert report.exit_code == 1
    line = next(
        number
        for number, text in enumerate(
            (annex.parent / "dossier.yaml").read_text(encoding="utf-8").splitlines(), start=1
        )
        if annex.name in text
    )
    assert [p.format() for p in report.problems if p.ernst == "fout"] == [
        f"dossiers/{ECONOMIE}/werklocaties/dossier.yaml:{line}: bijlagen[1].bestand: "
        f"'{annex.name}' bestaat niet meer: verplaatst of verwijderd terwijl de build liep "
        "(bouw opnieuw)"
    ]
