"""Benchmark of the LibreOffice conversion pool against the naive way and the LibreOffice floor.

In one run, on the same 50 rendered proposals (every file named ``voorstel.docx``, one folder
per dossier, as in a build):

  (a) naive: one ``soffice --convert-to`` process per document, one after the other;
  (b) ``assembler.convert.convert_to_pdf`` with its defaults (a worker per CPU): long-running
      workers where LibreOffice's Python bridge is installed; (b'') the same forced to
      one-shot batches (``ASSEMBLER_UNO=0``);
  (c) the floor: a plain batch per worker, all at once, on files already staged under
      unique names, with the same PDF/A options and nothing checked or moved afterwards.

Targets on 2 cores: a/b >= 6 and b/c <= 1.2. Run from the repository root:

    .venv/bin/python benchmarks/convert.py [--documents 50] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine  # noqa: E402

from assembler.convert import (  # noqa: E402
    PDF_EXPORT_FILTER,
    ConversionJob,
    convert_to_pdf,
    find_soffice,
    libreoffice_version,
)

SEED = ROOT / "dossiers" / "2023-05-26-pfho-economie" / "werklocaties" / "dossier.yaml"

EXTRA = [
    "### Financiële consequenties\n\nDe kosten van de uitwerking worden gedekt uit het "
    "programmabudget Economie. Voor {n} is een bedrag van € {k}.000 geraamd; de deelnemende "
    "gemeenten dragen naar rato van het aantal inwoners bij.",
    "### Communicatie\n\nNa besluitvorming worden de colleges en de gemeenteraden via een "
    "raadsinformatiebrief geïnformeerd. De resultaten worden gedeeld met ondernemers, "
    "vastgoedeigenaren en de provincie.",
    "### Vervolgstappen\n\n- Ambtelijke uitwerking in de werkgroep werklocaties\n"
    "- Bespreking in het bestuurlijk overleg\n- Besluitvorming in het "
    "portefeuillehoudersoverleg\n- Implementatie per gemeente",
    "### Risico's\n\nDe belangrijkste risico's zijn **vertraging** door capaciteitsgebrek en "
    "*onvoldoende draagvlak* bij de gemeenten. Beide worden beperkt door vroegtijdige "
    "afstemming en een heldere planning.",
]


def make_documents(folder: Path, count: int) -> tuple[list[Path], str]:
    """Write ``count`` proposals of 2-3 pages, each as <folder>/dNN/voorstel.docx."""
    try:
        return _render_from_template(folder, count), "templates/voorstel.docx via assembler.render"
    except Exception as error:  # the renderer is another module's; fall back, but say so
        print(f"renderen via het sjabloon lukte niet ({error!r}); python-docx gebruikt")
        return _python_docx(folder, count), "python-docx (fallback)"


def _render_from_template(folder: Path, count: int) -> list[Path]:
    import yaml

    from assembler.model import Organisatie, Voorstel
    from assembler.render import build_context, document_properties, render_document

    base = yaml.load(SEED.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    organisation = yaml.load(
        (ROOT / "dossiers" / "organisatie.yaml").read_text(encoding="utf-8"),
        Loader=yaml.BaseLoader,
    )
    organisatie = Organisatie.model_validate(organisation)
    paths = []
    for number in range(1, count + 1):
        data = dict(base)
        data["onderwerp"] = f"{base['onderwerp']} – deelgebied {number}"
        data["kenmerk"] = f"23.{number:07d}"
        extra = [part.format(n=2024 + number % 3, k=40 + number) for part in EXTRA]
        data["toelichting"] = base["toelichting"] + "\n\n" + "\n\n".join(extra[: 2 + number % 3])
        document = Voorstel.model_validate(data)
        output = folder / f"d{number:02d}" / "voorstel.docx"
        render_document(
            ROOT / "templates" / "voorstel.docx",
            build_context(document, organisatie, ROOT),
            output,
            document_properties(document, organisatie, "Portefeuillehoudersoverleg"),
        )
        paths.append(output)
    return paths


def _python_docx(folder: Path, count: int) -> list[Path]:
    import docx

    paths = []
    for number in range(1, count + 1):
        document = docx.Document()
        document.add_heading(f"Aanpak actieplan Werklocaties – deelgebied {number}", 1)
        table = document.add_table(rows=8, cols=4)
        for row in table.rows:
            for cell in row.cells:
                cell.text = "Portefeuillehoudersoverleg – Vaststellen"
        for part in EXTRA * 3:
            for line in part.format(n=2024, k=40 + number).split("\n\n"):
                document.add_paragraph(line.lstrip("#- "))
            document.add_paragraph("De ambitie om ruimte voor werklocaties te borgen. " * 25)
        output = folder / f"d{number:02d}" / "voorstel.docx"
        output.parent.mkdir(parents=True)
        document.save(str(output))
        paths.append(output)
    return paths


def _soffice_command(soffice: str, profile: Path, outdir: Path, files: list[Path]) -> list[str]:
    return [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        PDF_EXPORT_FILTER,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]


def naive(soffice: str, sources: list[Path], work: Path) -> None:
    """(a) What a user writes first: one soffice per document."""
    profile = work / "profile-naive"
    for source in sources:
        outdir = work / "naive" / source.parent.name
        subprocess.run(
            _soffice_command(soffice, profile, outdir, [source]),
            check=True,
            capture_output=True,
        )


def floor(soffice: str, staged: list[Path], work: Path, workers: int) -> None:
    """(c) A plain batch per worker, started together, results left where soffice puts them."""
    shutil.rmtree(work / "floor", ignore_errors=True)
    share = -(-len(staged) // workers)
    processes = []
    for number in range(workers):
        files = staged[number * share : (number + 1) * share]
        if files:
            command = _soffice_command(
                soffice, work / f"profile-floor-{number}", work / "floor", files
            )
            processes.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
    for process in processes:
        process.wait()
    produced = len(list((work / "floor").glob("*.pdf")))
    assert produced == len(staged), f"floor produced {produced} of {len(staged)}"


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5, help="runs of (b) and (c); median")
    parser.add_argument("--skip-naive", action="store_true", help="skip (a), the slow one")
    args = parser.parse_args()

    soffice = find_soffice()
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="assembler-bench-") as temp:
        work = Path(temp)
        sources, origin = make_documents(work / "dossiers", args.documents)
        staged = []
        for source in sources:
            unique = work / "staged" / f"{source.parent.name}.docx"
            unique.parent.mkdir(exist_ok=True)
            os.link(source, unique)
            staged.append(unique)

        print(f"machine:     {machine()}")
        print(f"LibreOffice: {libreoffice_version()}, Python {platform.python_version()}")
        print(f"documents:   {len(sources)} from {origin}, workers {workers}")

        # Warm the page cache and fontconfig once, so no variant pays for being first.
        floor(soffice, staged[:2], work, 1)

        jobs = [ConversionJob(s, work / "build" / s.parent.name / "voorstel.pdf") for s in sources]
        epoch = 1_681_171_200
        b_times: list[float] = []
        b_epoch_times: list[float] = []
        b_batch_times: list[float] = []
        c_times: list[float] = []
        variants: list[tuple[list[float], Callable[[], object]]] = [
            (c_times, lambda: floor(soffice, staged, work, workers)),
            (b_times, lambda: _checked(convert_to_pdf(jobs))),
            (b_epoch_times, lambda: _checked(convert_to_pdf(jobs, source_date_epoch=epoch))),
            (b_batch_times, lambda: _checked(_batches(lambda: convert_to_pdf(jobs)))),
        ]
        for run in range(args.repeat):
            # Alternate the order: on a shared machine the load drifts during a run.
            for times, action in variants if run % 2 == 0 else variants[::-1]:
                times.append(timed(action))
        b = statistics.median(b_times)
        b_epoch = statistics.median(b_epoch_times)
        b_batch = statistics.median(b_batch_times)
        c = statistics.median(c_times)
        a = float("nan") if args.skip_naive else timed(lambda: naive(soffice, sources, work))

        print(f"(a) one soffice per document:       {a:7.2f} s  ({a / len(sources):.2f} s/doc)")
        print(f"(b) convert_to_pdf:                 {b:7.2f} s  runs {_fmt(b_times)}")
        print(f"(b') convert_to_pdf + normalise:    {b_epoch:7.2f} s  runs {_fmt(b_epoch_times)}")
        print(f"(b'') the same, one-shot batches:  {b_batch:7.2f} s  runs {_fmt(b_batch_times)}")
        print(f"(c) plain {workers}-process soffice batch:  {c:7.2f} s  runs {_fmt(c_times)}")
        print(f"a/b  = {a / b:5.2f}   (target >= 6)")
        print(f"b/c  = {b / c:5.2f}   (target <= 1.2)")
        print(f"b'/c = {b_epoch / c:5.2f}   (with SOURCE_DATE_EPOCH normalisation)")
        print(f"b''/c = {b_batch / c:5.2f}  (one-shot batches, as without LibreOffice's bridge)")
    return 0


def _batches(action: Callable[[], object]) -> object:
    """Run ``action`` with the long-running workers switched off (``ASSEMBLER_UNO=0``)."""
    from assembler.convert import UNO_ENV

    before = os.environ.get(UNO_ENV)
    os.environ[UNO_ENV] = "0"
    try:
        return action()
    finally:
        if before is None:
            del os.environ[UNO_ENV]
        else:
            os.environ[UNO_ENV] = before


def _checked(report: object) -> None:
    from assembler.convert import ConversionReport

    assert isinstance(report, ConversionReport)
    report.raise_on_failure()


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    raise SystemExit(main())
