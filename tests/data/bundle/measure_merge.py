"""Measure merge libraries: how many internal links land on the wrong page, and how long it takes.

Run: ``.venv/bin/python tests/data/bundle/measure_merge.py`` from the repository root.
30 bundles, each a voorstel stand-in and 3 annexes, chosen in turn from corpus files with links
(006, 014, 016) and two made files that use the same destination names for different pages.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pypdf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[2]))

from pdfcheck import internal_links, make_named_dest_pdf  # noqa: E402

from assembler.bundle import BundleAnnex, BundleMeta, bundle_pdf  # noqa: E402

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "annexes"
LINKED = [
    "006-pdflatex-outline--pdflatex-outline.pdf",
    "014-outlines--mistitled_outlines_example.pdf",
    "016-libre-office-link--libre-office-link.pdf",
]


def expected_links(files: list[Path]) -> list[tuple[int, int | None]]:
    wanted: list[tuple[int, int | None]] = []
    offset = 0
    for path in files:
        for page, target in internal_links(path):
            wanted.append((offset + page, None if target is None else offset + target))
        with pikepdf.open(path) as pdf:
            offset += len(pdf.pages)
    return wanted


def with_pypdf(files: list[Path], output: Path) -> None:
    writer = pypdf.PdfWriter()
    for path in files:
        writer.append(str(path))
    buffer = io.BytesIO()
    writer.write(buffer)
    output.write_bytes(buffer.getvalue())


def with_extend(files: list[Path], output: Path) -> None:
    out = pikepdf.new()
    sources = [pikepdf.open(path) for path in files]
    for src in sources:
        out.pages.extend(src.pages)
    out.save(output)


def with_add_pages_from(files: list[Path], output: Path) -> None:
    out = pikepdf.new()
    sources = [pikepdf.open(path) for path in files]
    for src in sources:
        out.add_pages_from(src)
    out.save(output)


def with_bundle_pdf(files: list[Path], output: Path) -> None:
    annexes = [BundleAnnex(path, n, path.stem) for n, path in enumerate(files[1:], start=1)]
    bundle_pdf(files[0], annexes, BundleMeta(title="t", author="a", kenmerk="23.0001772"), output)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        voorstel = make_named_dest_pdf(work / "voorstel.pdf", "Voorstel", [1, 2, 3])
        made = [
            make_named_dest_pdf(work / "a.pdf", "A", [3, 1, 2]),
            make_named_dest_pdf(work / "b.pdf", "B", [2, 3, 1]),
        ]
        pool = [CORPUS / name for name in LINKED] + made
        bundles = [
            [voorstel, *(pool[(3 * i + k) % len(pool)] for k in range(3))] for i in range(30)
        ]
        methods: list[tuple[str, Callable[[list[Path], Path], None]]] = [
            ("pypdf PdfWriter.append", with_pypdf),
            ("pikepdf pages.extend", with_extend),
            ("pikepdf add_pages_from", with_add_pages_from),
            ("assembler bundle_pdf", with_bundle_pdf),
        ]
        for name, method in methods:
            wrong = total = 0
            elapsed = 0.0
            for number, files in enumerate(bundles):
                output = work / f"{name.split()[0]}-{number}.pdf"
                started = time.perf_counter()
                method(files, output)
                elapsed += time.perf_counter() - started
                want = expected_links(files)
                got = internal_links(output)
                total += len(want)
                wrong += sum(1 for w, g in zip(want, got, strict=False) if w != g)
                wrong += abs(len(want) - len(got))
            sys.stdout.write(f"{name:28} wrong {wrong:5} of {total:5}  {elapsed:6.2f} s\n")


if __name__ == "__main__":
    main()
