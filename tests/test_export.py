"""The export package: names, manifests (schema, ODS names and limits), DiWoo, zips, versions."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tracemalloc
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pikepdf
import pytest
import yaml
from lxml import etree

from assembler import __version__
from assembler.build import build_project
from assembler.build_report import BuildOptions
from assembler.errors import UsageError
from assembler.package import (
    CONFIDENTIAL,
    PUBLIC,
    ExportReport,
    export_meetings,
    export_name,
    meeting_document_name,
    package_meetings,
    safe_entry_name,
    shorten,
    slug,
    validate_diwoo,
    validate_manifest,
    write_zip,
)
from assembler.project import Project
from tests.conftest import CORPUS, SHARED, CliResult, copy_example

REPO = Path(__file__).resolve().parent.parent
STANDARDS = SHARED / "standards"
ECONOMIE = "2023-05-26-pfho-economie"
WONEN = "2023-06-23-pfho-ruimte-wonen"
EPOCH = 1_700_000_000
SECRET_KENMERK = "23.0002150"
SECRET_SUBJECT = "Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls"
DIWOO = "https://standaarden.overheid.nl/diwoo/metadata/"
EXTENSIONS = {
    "Vergadering": {"overlegsoort"},
    "Agendapunt": {"agendapuntid", "behandeling", "verspreiden"},
    "InformatieObject": {
        "documentid",
        "agendapuntid",
        "rol",
        "kenmerk",
        "verspreiden",
        "agendapunt",
        "bijlagenummer",
        "bestandsnaam",
        "mimetype",
        "bestandsgrootte",
        "sha256",
        "paginas",
        "versiereden",
    },
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project, built and exported once (LibreOffice)."""
    root = tmp_path_factory.mktemp("export") / "project"
    root.mkdir()
    copy_example(root)
    report = export_meetings(Project(root), source_date_epoch=EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    return root


@pytest.fixture
def project(exported: Path, tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(exported, root)
    return Project(root)


@pytest.fixture(scope="module")
def ods_schemas() -> dict[str, Any]:
    spec = yaml.safe_load(
        (STANDARDS / "ods-open-raadsinformatie-openapi-offline.yaml").read_text(encoding="utf-8")
    )
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def _exported(project: Project, meeting: Path | None = None) -> ExportReport:
    """Export one meeting (the wonen meeting by default) and assert that it went well."""
    report = export_meetings(project, [meeting or project.dossiers / WONEN], EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    return report


def _another_dossier(dossier: Path, kenmerk: str, new_kenmerk: str, onderwerp: str) -> None:
    """Make a copied dossier.yaml another dossier: its own kenmerk and onderwerp."""
    text = dossier.read_text(encoding="utf-8").replace(kenmerk, new_kenmerk)
    text = re.sub(r"(?m)^onderwerp: .*$", f"onderwerp: {onderwerp}", text)
    dossier.write_text(text, encoding="utf-8")


def _manifest(root: Path, meeting: str, side: str) -> dict[str, Any]:
    path = root / "build" / meeting / "export" / side / "manifest.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --------------------------------------------------------------------------- names


def test_a_version_edited_into_no_number_starts_again_not_a_traceback() -> None:
    """publicatie.json is kept with the dossiers and may be edited by hand: "²" passed
    isdigit() and stopped the export with a ValueError."""
    from assembler.package import _latest_version, _next_version

    assert [_next_version(v) for v in ("²", "x", "", "7")] == ["1", "1", "1", "8"]
    assert _latest_version({"versie": "²"}, {"versie": "3"}, None) == "3"
    assert _latest_version({"versie": "²"}) == "0"


def test_slug_is_ascii_lower_case() -> None:
    assert slug("Regionale Energiestrategie – voortgang 2023 en aanpak RES 2.0") == (
        "regionale-energiestrategie-voortgang-2023-en-aanpak-res-2-0"
    )
    assert slug("Café Één ß") == "cafe-een-ss"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Meerjarenbegroting 2024–2027", "meerjarenbegroting-2024-2027"),  # en dash
        ("Woningbouw 2023—2030", "woningbouw-2023-2030"),  # em dash
        ("Noord\u2011Holland", "noord-holland"),  # Word's non-breaking hyphen
        ("Straße Ærø Œuvre Øresund Łódź", "strasse-aero-oeuvre-oresund-lodz"),
        ("Termijn 1½ jaar", "termijn-1-1-2-jaar"),  # was 'termijn-112-jaar'
        ("Plan 2024\u20442027", "plan-2024-2027"),  # a fraction slash
        ("Plan 2024\u22152027", "plan-2024-2027"),  # a division slash
    ],
)
def test_a_slug_keeps_the_words_a_dash_parts_and_the_letters_it_cannot_decompose(
    title: str, expected: str
) -> None:
    """Was: '2024-2027' published as '20242027', 'Straße' as 'strae'."""
    assert slug(title) == expected
    assert export_name(3, "24.0001", "voorstel", title) == f"03_24.0001_voorstel_{expected}.pdf"


def test_export_name_is_at_most_100_characters_and_cut_at_a_word() -> None:
    name = export_name(7, "23.0002150", "bijlage-03", "Zeer lange omschrijving " * 12)
    assert len(name) <= 100 and name.endswith(".pdf")
    assert name.startswith("07_23.0002150_bijlage-03_zeer-lange-omschrijving-")
    assert not name.endswith("-.pdf")
    assert re.fullmatch(r"[a-z0-9._-]+", name)


LONG_MEETING = "2023-06-23-pfho-economie-wonen-extra-ingelaste-vergadering-over-markeringen-deel-"
# Cut even for the shortest key, "agenda".
CUT_MEETING = "2023-06-23 pfho wonen extra ingelaste vergadering over markeringen en fietsroutes"
MEETING_KEYS = ("agenda", "agenda-niet-openbaar", "vergaderbundel", "vergaderbundel-niet-openbaar")


def test_meeting_document_names_are_unique_when_cut_and_stay_when_not() -> None:
    for key in MEETING_KEYS:
        one, two = (meeting_document_name(LONG_MEETING + n, key) for n in "12")
        assert one != two and len(one) <= 100 and len(two) <= 100
        assert meeting_document_name(LONG_MEETING + "1", key) == one
        # Names published before, of folder names that fit, do not change.
        assert meeting_document_name(WONEN, key) == f"00_{WONEN}_{key}.pdf"
    # Cut at a word, never inside "markeringen"; the digest tells the folders apart.
    assert meeting_document_name(LONG_MEETING + "1", "agenda-niet-openbaar") == (
        "00_2023-06-23-pfho-economie-wonen-extra-ingelaste-vergadering-over-b69e7ae8"
        "_agenda-niet-openbaar.pdf"
    )


def test_a_long_meeting_folder_name_copied_on_a_mac_keeps_its_published_names() -> None:
    """A Mac spells "É" as "E" and an accent (NFD): the same folder got other names."""
    typed = unicodedata.normalize("NFC", f"{CUT_MEETING} Économie")
    mac = unicodedata.normalize("NFD", typed)
    assert mac != typed
    for key in MEETING_KEYS:
        assert meeting_document_name(mac, key) == meeting_document_name(typed, key)
    # The name as typed (NFC) is the one published before.
    assert meeting_document_name(mac, "agenda") == (
        "00_2023-06-23-pfho-wonen-extra-ingelaste-vergadering-over-markeringen-en-0ecfe01d"
        "_agenda.pdf"
    )


def test_shorten_cuts_at_a_word_with_ellipsis() -> None:
    text = "Regionale woningbouwafspraken " * 6
    short = shorten(text, 100)
    assert len(short) <= 100 and short.endswith("…")
    assert text.startswith(short[:-1])
    assert short[:-1].endswith("woningbouwafspraken")
    assert shorten("Kort", 100) == "Kort"


# --------------------------------------------------------------------------- the package


@pytest.mark.slow
def test_package_layout_and_names(exported: Path) -> None:
    export = exported / "build" / WONEN / "export"
    public = sorted(p.name for p in (export / PUBLIC).iterdir())
    secret = sorted(p.name for p in (export / CONFIDENTIAL).iterdir())
    assert {"manifest.json", "SHA256SUMS", "diwoo-sitemap.xml"} <= set(public)
    assert {"manifest.json", "SHA256SUMS"} <= set(secret) and "diwoo-sitemap.xml" not in secret
    assert f"00_{WONEN}_agenda.pdf" in public and f"00_{WONEN}_vergaderbundel.pdf" in public
    assert f"00_{WONEN}_vergaderbundel-niet-openbaar.pdf" in secret
    pattern = re.compile(r"^\d{2}_[0-9.]+_(voorstel|memo|bijlage-\d{2})_[a-z0-9-]+\.pdf$")
    documents = [n for n in public + secret if n.endswith(".pdf") and not n.startswith("00_")]
    assert documents and all(pattern.match(n) and len(n) <= 100 for n in documents)
    assert len(set(documents)) == len(documents)
    assert "06_23.0002142_memo_stand-van-zaken-regionale-huisvestingsverordening-2024.pdf" in public
    assert not any(SECRET_KENMERK in n for n in public)
    assert sum(SECRET_KENMERK in n for n in secret) == 2
    # Third-party PDF annexes are shipped byte for byte.
    source = (
        exported / "dossiers" / WONEN / "snelfietsroutes" / "bijlage-2-kaartbeeld-knelpunten.pdf"
    )
    (shipped,) = (export / PUBLIC).glob("05_23.0002131_bijlage-02_*.pdf")
    assert shipped.read_bytes() == source.read_bytes()
    # Colleagues open the package on a shared drive: folders and files get a new one's mode.
    umask = os.umask(0o022)
    os.umask(umask)
    for path in [export, *export.rglob("*")]:
        expected = (0o777 if path.is_dir() else 0o666) & ~umask
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_the_shipped_manifest_schema_is_the_repository_one() -> None:
    """The export validates against the copy in assembler/data/standards: an edit to
    schemas/ alone would refuse every manifest."""
    shipped = REPO / "assembler" / "data" / "standards" / "manifest-v3.schema.json"
    assert shipped.read_bytes() == (REPO / "schemas" / "manifest-v3.schema.json").read_bytes()


@pytest.mark.slow
def test_manifests_validate_against_the_repository_schema(exported: Path) -> None:
    schema = json.loads((REPO / "schemas" / "manifest-v3.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for meeting in (ECONOMIE, WONEN):
        for side in (PUBLIC, CONFIDENTIAL):
            manifest = _manifest(exported, meeting, side)
            assert list(validator.iter_errors(manifest)) == []
            assert manifest["zijde"] == side and manifest["manifestversie"] == "3"


def test_invalid_manifest_is_refused() -> None:
    manifest = {"manifestversie": "3", "zijde": "openbaar"}
    with pytest.raises(UsageError) as raised:
        validate_manifest(manifest)
    assert "manifest-v3.schema.json" in raised.value.message
    assert raised.value.problems


@pytest.mark.slow
def test_manifest_uses_ods_field_names_and_limits(
    exported: Path, ods_schemas: dict[str, Any]
) -> None:
    def check(entry: dict[str, Any], name: str) -> None:
        properties = ods_schemas[name]["properties"]
        for key, value in entry.items():
            if key in EXTENSIONS[name]:
                continue
            assert key in properties, f"{name}.{key} is not an ODS field"
            spec = properties[key]
            if "maxLength" in spec:
                assert len(value) <= spec["maxLength"], f"{name}.{key} too long"
            if "$ref" in spec:
                enum = ods_schemas[spec["$ref"].rsplit("/", 1)[-1]].get("enum")
                if enum:
                    assert value in enum, f"{name}.{key}={value!r} not in the ODS enum"

    for side in (PUBLIC, CONFIDENTIAL):
        manifest = _manifest(exported, WONEN, side)
        check(manifest["vergadering"], "Vergadering")
        for item in manifest["agendapunten"]:
            check(item, "Agendapunt")
        for document in manifest["informatieobjecten"]:
            check(document, "InformatieObject")
    public = _manifest(exported, WONEN, PUBLIC)
    assert public["vergadering"]["vergaderingstype"] == "commissievergadering"
    assert public["vergadering"]["overlegsoort"] == "portefeuillehoudersoverleg"
    item7 = public["agendapunten"][6]
    assert item7 == {
        "agendapuntid": secret_item_id(exported),
        "agendapuntKenmerk": "7",
        "agendapuntTitel": "Niet openbaar",
        "agendapuntvolgnummer": "7",
        "indicatorBesloten": True,
        "verspreiden": "Nee",
    }
    assert public["agendapunten"][2]["behandeling"] == "ter besluitvorming"
    text = json.dumps(public, ensure_ascii=False)
    assert SECRET_KENMERK not in text and SECRET_SUBJECT not in text
    secret = _manifest(exported, WONEN, CONFIDENTIAL)
    assert secret["agendapunten"][6]["agendapuntTitel"] == SECRET_SUBJECT
    voorstel = next(d for d in secret["informatieobjecten"] if d.get("rol") == "voorstel")
    assert voorstel["titel"] == SECRET_SUBJECT and voorstel["taal"] == "dut"
    assert voorstel["vertrouwelijkheidsaanduiding"] == "vertrouwelijk" and "link" not in voorstel


def test_the_manifest_titles_a_meeting_document_as_its_pdf_does(exported: Path) -> None:
    for side in (PUBLIC, CONFIDENTIAL):
        for document in _manifest(exported, WONEN, side)["informatieobjecten"]:
            if document["rol"] not in ("agenda", "vergaderbundel"):
                continue
            path = exported / "build" / WONEN / "export" / side / document["bestandsnaam"]
            with pikepdf.open(path) as pdf:
                assert str(pdf.docinfo["/Title"]) == document["titel"], path.name
                assert pdf.open_metadata()["dc:title"] == document["titel"], path.name


def test_a_long_overleg_is_cut_in_a_meeting_document_title_the_date_kept() -> None:
    """Was: the export cut the title at 200 characters, the date first, and no longer matched
    the PDF's title."""
    from assembler.layout import meeting_document_title
    from assembler.model import Vergadering

    overleg = "Portefeuillehoudersoverleg Economie, " + "Innovatie en Werk " * 8 + "Utrecht"
    meeting = Vergadering.model_validate(
        {
            "overleg": overleg,
            "datum": "2023-05-26",
            "aanvang": "14:00",
            "locatie": "Hilversum",
            "agenda": ["Opening"],
        }
    )
    for stem in ("agenda", "agenda-niet-openbaar", "vergaderbundel"):
        title = meeting_document_title(stem, meeting)
        assert len(title) <= 200
        assert title.endswith("… 26 mei 2023"), title
        assert shorten(title, 200) == title


def test_a_cancelled_meetings_documents_say_so_in_their_titles() -> None:
    """Review L2: a tablet shows the title (DisplayDocTitle), and it looked as usual."""
    from assembler.layout import meeting_document_title
    from assembler.model import Vergadering

    fields = {
        "overleg": "Portefeuillehoudersoverleg Economie",
        "datum": "2023-05-26",
        "aanvang": "14:00",
        "locatie": "Hilversum",
        "agenda": ["Opening"],
    }
    cancelled = Vergadering.model_validate({**fields, "geannuleerd": "Ja"})
    going = Vergadering.model_validate(fields)
    meeting = "Portefeuillehoudersoverleg Economie 26 mei 2023"
    for stem, title in (
        ("agenda", f"Agenda (geannuleerd) {meeting}"),
        ("agenda-niet-openbaar", f"Agenda (niet openbaar, geannuleerd) {meeting}"),
        ("vergaderbundel", f"Vergaderbundel (geannuleerd) {meeting}"),
        ("vergaderbundel-niet-openbaar", f"Vergaderbundel (niet openbaar, geannuleerd) {meeting}"),
    ):
        assert meeting_document_title(stem, cancelled) == title
        assert meeting_document_title(stem, going) == title.replace(", geannuleerd", "").replace(
            " (geannuleerd)", ""
        )


@pytest.mark.slow
def test_file_facts_and_sha256sums_are_right(exported: Path) -> None:
    for side in (PUBLIC, CONFIDENTIAL):
        folder = exported / "build" / WONEN / "export" / side
        for entry in _manifest(exported, WONEN, side)["informatieobjecten"]:
            path = folder / entry["bestandsnaam"]
            data = path.read_bytes()
            assert entry["bestandsgrootte"] == len(data)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
            with pikepdf.Pdf.open(path) as pdf:
                assert entry["paginas"] == len(pdf.pages)
            if side == PUBLIC:
                assert entry["link"] == "https://www.regiogv.nl/stukken/" + entry["bestandsnaam"]
        sums = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in sums}
        assert set(listed) == {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
        for name, digest in listed.items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


@pytest.mark.slow
def test_every_diwoo_document_validates_against_the_xsd(exported: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(STANDARDS / "diwoo-metadata-offline.xsd")))
    sitemap = etree.parse(str(exported / "build" / WONEN / "export" / PUBLIC / "diwoo-sitemap.xml"))
    documents = sitemap.findall(f".//{{{DIWOO}}}Document")
    public = _manifest(exported, WONEN, PUBLIC)["informatieobjecten"]
    assert len(documents) == len(public)
    for document in documents:
        assert schema.validate(etree.fromstring(etree.tostring(document))), schema.error_log
        publisher = document.find(f".//{{{DIWOO}}}publisher")
        assert publisher is not None
        assert publisher.get("resource") == "https://identifier.overheid.nl/tooi/id/so/so0006"
    identifiers = _diwoo_identifiers(exported, WONEN)
    assert {d["bestandsnaam"]: d["documentid"] for d in public} == {
        name: ids[0] for name, ids in identifiers.items()
    }
    assert ["23.0002104"] in [ids[1:] for ids in identifiers.values()]
    assert SECRET_KENMERK not in str(identifiers)
    # Each url in the sitemap protocol's order: loc, lastmod (first export: the epoch, in
    # Dutch time), then the extension.
    for url in sitemap.getroot():
        assert [etree.QName(child).localname for child in url] == ["loc", "lastmod", "Document"]
    assert set(_lastmods(exported, WONEN).values()) == {"2023-11-14T23:13:20+01:00"}


def test_invalid_diwoo_document_is_refused() -> None:
    element = etree.fromstring(
        f'<diwoo:Document xmlns:diwoo="{DIWOO}"><diwoo:DiWoo/></diwoo:Document>'
    )
    with pytest.raises(UsageError, match="DiWoo-schema"):
        validate_diwoo(element, "openbaar/x.pdf")


def test_zip_is_reproducible_sorted_and_safe(tmp_path: Path) -> None:
    moment = datetime.fromtimestamp(EPOCH).astimezone()
    (tmp_path / "c.pdf").write_bytes(b"%PDF-c")
    entries: dict[str, bytes | Path] = {
        "b.pdf": b"%PDF-b",
        "a.json": b"{}",
        "SHA256SUMS": b"x",
        "c.pdf": tmp_path / "c.pdf",
    }
    write_zip(tmp_path / "x.zip", entries, moment)
    write_zip(tmp_path / "y.zip", dict(reversed(entries.items())), moment)
    assert (tmp_path / "x.zip").read_bytes() == (tmp_path / "y.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "x.zip") as archive:
        assert archive.namelist() == sorted(entries)
        assert {info.date_time for info in archive.infolist()} == {moment.timetuple()[:6]}
        assert archive.read("c.pdf") == b"%PDF-c"
    for bad in ("../x.pdf", "/etc/x", "a\\b.pdf", "C:x.pdf", "a/../b"):
        assert not safe_entry_name(bad)
        with pytest.raises(ValueError):
            write_zip(tmp_path / "bad.zip", {bad: b""}, moment)


def test_a_zip_streams_its_files_and_stores_pdfs_as_they_are(tmp_path: Path) -> None:
    """Was: every entry read whole into a zip held whole in memory, deflated at level 9: an
    export of 576 MB of scanned annexes peaked at 2.5 GB and took 3 minutes."""
    scan = tmp_path / "scan.pdf"
    with open(scan, "wb") as handle:
        for _ in range(40):
            handle.write(os.urandom(1 << 20))
    tracemalloc.start()
    try:
        write_zip(
            tmp_path / "x.zip", {"scan.pdf": scan, "manifest.json": b"{}" * 1000}, datetime.now(UTC)
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, peak
    with zipfile.ZipFile(tmp_path / "x.zip") as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
        assert kinds == {"manifest.json": zipfile.ZIP_DEFLATED, "scan.pdf": zipfile.ZIP_STORED}
        assert archive.testzip() is None
    assert (tmp_path / "x.zip").stat().st_size > 40 << 20


@pytest.mark.slow
def test_zips_hold_the_side_and_repeat_byte_for_byte(project: Project) -> None:
    export = project.build / WONEN / "export"
    for side in (PUBLIC, CONFIDENTIAL):
        with zipfile.ZipFile(export / f"{WONEN}-{side}.zip") as archive:
            names = archive.namelist()
            assert names == sorted(names) and all(safe_entry_name(n) for n in names)
            assert set(names) == {p.name for p in (export / side).iterdir()}
            for name in names:
                assert archive.read(name) == (export / side / name).read_bytes()
            # Unpacked on a web server (unzip, a Unix tar): plain files anyone may read, none
            # executable; was 0600 in the mutation review, readable by their owner only.
            modes = {(i.create_system, i.external_attr >> 16) for i in archive.infolist()}
            assert modes == {(3, stat.S_IFREG | 0o644)}, side
    before = {
        side: (export / f"{WONEN}-{side}.zip").read_bytes() for side in (PUBLIC, CONFIDENTIAL)
    }
    package_meetings(project, [project.dossiers / WONEN], EPOCH)
    for side in (PUBLIC, CONFIDENTIAL):
        assert (export / f"{WONEN}-{side}.zip").read_bytes() == before[side]


def test_a_meeting_folder_named_on_a_mac_exports_the_same_package(tmp_path: Path) -> None:
    """'é' as 'e' and an accent (NFD) gave every document and agenda item another id and the
    DiWoo identifiers other bytes: the same meeting, new to a harvester."""
    packages = []
    for form in ("NFC", "NFD"):
        root = tmp_path / form
        copy_example(root, "dossiers", "templates")
        shutil.rmtree(root / "dossiers" / WONEN)
        named = unicodedata.normalize(form, "2023-05-26-pfho-économie")
        (root / "dossiers" / ECONOMIE).rename(root / "dossiers" / named)
        report = export_meetings(Project(root), source_date_epoch=EPOCH)
        assert report.exit_code == 0, [p.format() for p in report.problems]
        [export] = (root / "build").glob("*/export")
        packages.append(
            {
                unicodedata.normalize("NFC", str(path.relative_to(export))): path.read_bytes()
                for path in sorted(export.rglob("*"))
                if path.is_file() and path.suffix in (".json", ".xml", ".zip")
            }
        )
        record = json.loads((root / "dossiers" / named / "publicatie.json").read_text("utf-8"))
        assert record["vergadering"]["map"] == unicodedata.normalize("NFC", named)
    nfc, nfd = packages
    assert len(nfc) == 5, sorted(nfc)  # two manifests, the public sitemap, two zips
    for name, data in nfc.items():
        assert data == nfd[name], name


def test_a_loose_item_kept_as_typed_on_a_mac_keeps_its_id_now_text_is_read_composed(
    project: Project,
) -> None:
    """Before text was read as NFC, publicatie.json kept a Mac-pasted loose item by its
    decomposed text; the composed lookup missed it and gave the item a new id, which an
    agenda system takes as another item (review revF N1)."""
    typed = unicodedata.normalize("NFD", "Evaluatie café-overleg")
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace("  - Rondvraag en sluiting", f"  - {typed}\n  - Rondvraag en sluiting"),
        encoding="utf-8",
    )
    _exported(project)
    path = project.dossiers / WONEN / "publicatie.json"
    publication = json.loads(path.read_text(encoding="utf-8"))
    composed = unicodedata.normalize("NFC", typed)
    assert f"{composed}\n1" in publication["agendapunten"]
    # As an older assembler kept it: the text as typed, its own id.
    del publication["agendapunten"][f"{composed}\n1"]
    publication["agendapunten"][f"{typed}\n1"] = "7bb2a0ef-0000-5000-8000-000000000001"
    path.write_text(json.dumps(publication, ensure_ascii=False), encoding="utf-8")

    _exported(project)
    [item] = [
        item
        for item in _manifest(project.root, WONEN, PUBLIC)["agendapunten"]
        if item.get("agendapuntTitel") == composed
    ]
    assert item["agendapuntid"] == "7bb2a0ef-0000-5000-8000-000000000001"
    kept = json.loads(path.read_text(encoding="utf-8"))["agendapunten"]
    assert [key for key in kept if "caf" in key] == [f"{composed}\n1"]


# --------------------------------------------------------------------------- versions


def secret_item_id(root: Path) -> str:
    """The agendapuntid of the confidential item, from the niet-openbaar manifest."""
    secret = _manifest(root, WONEN, CONFIDENTIAL)
    (item,) = [i for i in secret["agendapunten"] if i.get("agendapuntTitel") == SECRET_SUBJECT]
    return str(item["agendapuntid"])


def _item_ids(root: Path, meeting: str, side: str = PUBLIC) -> dict[str, tuple[str, str]]:
    """agendapuntTitel -> (agendapuntid, agendapuntvolgnummer) of one side's manifest."""
    return {
        item["agendapuntTitel"]: (item["agendapuntid"], item["agendapuntvolgnummer"])
        for item in _manifest(root, meeting, side)["agendapunten"]
    }


def _versions(root: Path, meeting: str) -> dict[str, tuple[str, str]]:
    result = {}
    for side in (PUBLIC, CONFIDENTIAL):
        for entry in _manifest(root, meeting, side)["informatieobjecten"]:
            result[entry["bestandsnaam"]] = (entry["versie"], entry["versiereden"])
    return result


def _lastmods(root: Path, meeting: str) -> dict[str, str]:
    """File name -> the public sitemap's lastmod."""
    sitemap = etree.parse(str(root / "build" / meeting / "export" / PUBLIC / "diwoo-sitemap.xml"))
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return {
        url.findtext(f"{namespace}loc", "").rsplit("/", 1)[1]: url.findtext(
            f"{namespace}lastmod", ""
        )
        for url in sitemap.getroot()
    }


def _ids(root: Path, meeting: str, side: str) -> dict[str, str]:
    """File name -> documentid of one side's manifest."""
    return {
        entry["bestandsnaam"]: entry["documentid"]
        for entry in _manifest(root, meeting, side)["informatieobjecten"]
    }


@pytest.mark.slow
def test_versions_bump_on_change_and_withdraw_removed_documents(project: Project) -> None:
    first = _versions(project.root, WONEN)
    first_ids = _ids(project.root, WONEN, PUBLIC)
    assert len(set(first_ids.values())) == len(first_ids)
    assert set(first.values()) == {("1", "eerste versie")}
    record = json.loads((project.dossiers / WONEN / "publicatie.json").read_text(encoding="utf-8"))
    assert all(r["versie"] == "1" for r in record["documenten"].values())

    # Deleting build/ loses nothing: the versions live in dossiers/.
    shutil.rmtree(project.build)
    export_meetings(project, [project.dossiers / WONEN], EPOCH)
    assert _versions(project.root, WONEN) == first

    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = re.sub(
        r"(?m)^  - omschrijving: Notitie criteria prioritering snelfietsroutes\n.*\n", "", text
    )
    dossier.write_text(text.replace("cofinanciering", "cofinanciering 2024"), encoding="utf-8")
    report = export_meetings(project, [project.dossiers / WONEN], EPOCH + 86_400)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    second = _versions(project.root, WONEN)
    (voorstel,) = [n for n in second if n.startswith("05_23.0002131_voorstel_")]
    assert second[voorstel] == ("2", "inhoud gewijzigd")
    unchanged = "03_23.0002104_voorstel_regionale-woningbouwafspraken-2023-2030.pdf"
    assert second[unchanged] == ("1", "eerste versie")
    # The sitemap tells the Woo-harvester which document to fetch again.
    lastmods = _lastmods(project.root, WONEN)
    assert lastmods[voorstel] == "2023-11-15T23:13:20+01:00"
    assert lastmods[unchanged] == "2023-11-14T23:13:20+01:00"
    withdrawn = _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]
    gone = "05_23.0002131_bijlage-03_notitie-criteria-prioritering-snelfietsroutes.pdf"
    assert {
        "documentid": first_ids[gone],
        "bestandsnaam": gone,
        "titel": "Notitie criteria prioritering snelfietsroutes",
        "versie": "1",
        "reden": "bijlage niet meer bij het dossier",
    } in withdrawn
    # A new onderwerp gives the voorstel a new file name, but it keeps its id: an agenda
    # system replaces the old file instead of keeping both.
    (old_voorstel,) = [n for n in first_ids if n.startswith("05_23.0002131_voorstel_")]
    assert voorstel != old_voorstel
    assert _ids(project.root, WONEN, PUBLIC)[voorstel] == first_ids[old_voorstel]

    # Changed again under the same fixed SOURCE_DATE_EPOCH: still newer than the last one.
    dossier.write_text(text.replace("cofinanciering", "cofinanciering 2025"), encoding="utf-8")
    export_meetings(project, [project.dossiers / WONEN], EPOCH + 86_400)
    (third,) = [n for n in _versions(project.root, WONEN) if n.startswith("05_23.0002131_voor")]
    assert _lastmods(project.root, WONEN)[third] == "2023-11-15T23:13:21+01:00"


DEEP_JSON = "[" * 200_000 + "]" * 200_000


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "said"),
    [(DEEP_JSON, "is geen geldige JSON"), ('{"documenten": {\n', "is geen geldige JSON (regel 2)")],
)
def test_a_damaged_publicatie_json_is_said_at_export_and_publish_not_a_traceback(
    project: Project, run_cli: Callable[..., CliResult], text: str, said: str
) -> None:
    (project.dossiers / WONEN / "publicatie.json").write_text(text, encoding="utf-8")
    message = (
        f"dossiers/{WONEN}/publicatie.json: kan niet gelezen worden: {said} (herstel het "
        "bestand uit git)"
    )
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert (exported.exit_code, message in exported.stderr) == (2, True), exported.stderr
    published = run_cli(
        "publish", f"dossiers/{WONEN}", "--naar", "http://127.0.0.1:9/", "--droog",
        cwd=project.root,
    )  # fmt: skip
    assert (published.exit_code, message in published.stderr) == (2, True), published.stderr


def test_a_publicatie_json_deleted_after_an_export_stops_the_next(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: an export went ahead without it, every version 1 again and the confidential items
    withdrawn since forgotten, so a public text naming one passed (guide walk, other)."""
    assert run_cli("export", f"dossiers/{WONEN}", cwd=project.root).exit_code == 0
    record = project.dossiers / WONEN / "publicatie.json"
    kept = record.read_bytes()
    record.unlink()
    package = project.build / WONEN / "export"
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}

    for command in (["export"], ["publish", "--naar", "http://127.0.0.1:9/", "--droog"]):
        refused = run_cli(*command, f"dossiers/{WONEN}", cwd=project.root)
        assert (refused.exit_code, refused.stderr.splitlines()[0]) == (
            2,
            f"fout: dossiers/{WONEN}/publicatie.json: ontbreekt, maar build/{WONEN}/export is "
            "het pakket van een eerdere export: zonder dat bestand krijgen alle stukken weer "
            "versie 1 en weet de export niet meer welke vertrouwelijke punten zijn ingetrokken "
            "(zet publicatie.json terug uit git of een back-up; is deze vergadering nooit "
            f"gepubliceerd, verwijder dan build/{WONEN}/export)",
        )
        assert not record.exists()
        assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before
    # Put back, it is read as before; with the package gone, the export begins anew.
    record.write_bytes(kept)
    assert run_cli("export", f"dossiers/{WONEN}", cwd=project.root).exit_code == 0
    record.unlink()
    shutil.rmtree(package)
    assert run_cli("export", f"dossiers/{WONEN}", cwd=project.root).exit_code == 0
    assert record.exists()


@pytest.mark.slow
def test_export_and_publish_end_with_the_time_they_took_as_build_does(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: a cron log of an export or publish ended without it, so it could not be told how
    long the nightly run took, as build's 'Klaar: … in 1,7 s.' tells."""
    exported = run_cli("export", cwd=project.root)
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout.splitlines()[0] == f"Exportpakket: build/{ECONOMIE}/export"
    closing = exported.stderr.splitlines()[-1]
    assert re.fullmatch(r"Klaar: 2 exportpakketten gemaakt in \d+,\d s\.", closing), closing
    one = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert one.exit_code == 0, one.stderr
    closing = one.stderr.splitlines()[-1]
    assert re.fullmatch(r"Klaar: 1 exportpakket gemaakt in \d+,\d s\.", closing), closing
    # A dry run sends nothing, so no API need be there.
    published = run_cli(
        "publish", f"dossiers/{WONEN}", "--naar", "http://127.0.0.1:9/", "--droog",
        cwd=project.root,
    )  # fmt: skip
    assert published.exit_code == 0, published.stderr
    assert published.stdout.splitlines()[-1].startswith("Droog: niets verstuurd (")
    closing = published.stderr.splitlines()[-1]
    assert re.fullmatch(r"Klaar in \d+,\d s\.", closing), closing


def _newer_publication(project: Project, **fields: object) -> str:
    """Write the wonen meeting's publicatie.json as a newer assembler would: formaat 3."""
    text = json.dumps({"formaat": 3, **fields, "documenten": {}, "publicaties": {}}) + "\n"
    (project.dossiers / WONEN / "publicatie.json").write_text(text, encoding="utf-8")
    return text


def _files_and_times(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*")} if folder.exists() else {}


@pytest.mark.parametrize(
    ("fields", "by", "update"),
    [
        ({"assembler": "0.31.0"}, "assembler 0.31.0", "ten minste versie 0.31.0"),
        ({}, "een nieuwere assembler", "de nieuwste versie"),
    ],
)
def test_a_publicatie_json_of_a_newer_assembler_is_refused_before_anything_is_written(
    tmp_path: Path,
    run_cli: Callable[..., CliResult],
    fields: dict[str, str],
    by: str,
    update: str,
) -> None:
    """Was: formaat was never checked, so an older assembler misread a newer file and
    re-created every agenda item in the agenda system. Refused before the build: exit 3."""
    root = tmp_path / "project"
    copy_example(root)
    project = Project(root)
    text = _newer_publication(project, **fields)
    message = (
        f"fout: dossiers/{WONEN}/publicatie.json: formaat: is geschreven door {by} (formaat 3), "
        f"en deze assembler {__version__} kent formaat 2 en ouder: hij zou het verkeerd lezen, "
        f"dus er is niets verstuurd of geschreven (werk assembler bij naar {update}, en voer de "
        "opdracht dan opnieuw uit)"
    )
    # Also another meeting's export, which reads every meeting's record (what went where).
    for meeting in (WONEN, ECONOMIE):
        exported = run_cli("export", f"dossiers/{meeting}", cwd=root)
        assert (exported.exit_code, exported.stderr.splitlines()) == (3, [message])
    published = run_cli(
        "publish", f"dossiers/{WONEN}", "--naar", "http://127.0.0.1:9/", "--droog", cwd=root
    )
    assert (published.exit_code, published.stderr.splitlines()) == (3, [message])
    assert not project.build.exists()
    assert (project.dossiers / WONEN / "publicatie.json").read_text(encoding="utf-8") == text


@pytest.mark.slow
def test_a_publicatie_json_of_a_newer_assembler_leaves_the_package_alone(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Refused after an earlier export: neither the package nor the records change."""
    before = _files_and_times(project.build)
    text = _newer_publication(project, assembler="0.31.0")
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 3
    assert "werk assembler bij naar ten minste versie 0.31.0" in exported.stderr
    assert _files_and_times(project.build) == before
    assert (project.dossiers / WONEN / "publicatie.json").read_text(encoding="utf-8") == text


@pytest.mark.slow
def test_publicatie_json_says_its_format_and_the_version_that_wrote_it(project: Project) -> None:
    """An older format is read and written anew in this one."""
    path = project.dossiers / WONEN / "publicatie.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["formaat"], data["assembler"]) == (2, __version__)
    del data["assembler"]
    path.write_text(json.dumps(data | {"formaat": 1}), encoding="utf-8")
    _exported(project)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["formaat"], data["assembler"]) == (2, __version__)


@pytest.mark.slow
def test_a_build_with_a_damaged_publicatie_json_still_withdraws_a_package_now_confidential(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    (project.dossiers / WONEN / "publicatie.json").write_text(DEEP_JSON, encoding="utf-8")
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    built = run_cli("build", f"dossiers/{WONEN}", cwd=project.root)
    assert built.exit_code == 0, built.stderr
    assert "het exportpakket is weggehaald: het toonde snelfietsroutes als openbaar" in (
        " ".join(built.stderr.split())
    )
    assert not (project.build / WONEN / "export").exists()


@pytest.mark.slow
def test_a_build_withdraws_a_package_of_a_newer_assembler_that_may_show_an_item_now_confidential(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: a manifest in a newer form (another manifestversie) was read as no package, and
    left in place though it showed a dossier that is confidential now. The confidential
    mandaat-woningbouwimpuls, which it never named, does not take it away."""
    path = project.build / WONEN / "export" / PUBLIC / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["manifestversie"] = "4"
    manifest["documenten"] = manifest.pop("informatieobjecten")
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert run_cli("build", f"dossiers/{WONEN}", cwd=project.root).exit_code == 0
    assert path.is_file()
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    built = run_cli("build", f"dossiers/{WONEN}", cwd=project.root)
    assert built.exit_code == 0, built.stderr
    assert (
        f"dossiers/{WONEN}/vergadering.yaml: waarschuwing: het exportpakket is weggehaald: het "
        "toonde snelfietsroutes als openbaar, en dat is nu niet openbaar (maak het opnieuw met "
        f"'assembler export dossiers/{WONEN}')"
    ) in built.stderr.splitlines(), built.stderr
    assert not (project.build / WONEN / "export").exists()


def test_the_export_names_what_it_made_public_that_was_confidential_and_only_the_once(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Clerk walk: 'verspreiden: Nee' turned 'Ja' after an export (a slip, a copied header)
    was exported and published without a word; only the manifest said 'nu openbaar'."""
    assert run_cli("export", f"dossiers/{WONEN}", cwd=project.root).exit_code == 0
    dossier = project.dossiers / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Nee", "verspreiden: Ja"), encoding="utf-8")
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 0, exported.stderr
    prefix = "07_23.0002150_"
    said = " (was bij een vorige export niet openbaar; controleer of de geheimhouding is opgeheven)"
    assert [line for line in exported.stdout.splitlines() if "nu openbaar" in line] == [
        f"  nu openbaar: {prefix}voorstel_onderhandelingsmandaat-provinciale-bijdrage-"
        f"woningbouwimpuls.pdf{said}",
        f"  nu openbaar: {prefix}bijlage-01_aanvraagformulier-woningbouwimpuls-vertrouwelijk.pdf"
        f"{said}",
    ]
    again = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert again.exit_code == 0 and "nu openbaar" not in again.stdout


@pytest.mark.slow
def test_the_export_names_what_it_withdraws_and_only_the_once(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """By file name, also where the manifest gives none (the terminal is not published), with
    the reason it went; not again at a later export, though the manifest lists it for ever."""

    def withdrawn(result: CliResult) -> list[str]:
        assert result.exit_code == 0, result.stderr
        return [line for line in result.stdout.splitlines() if "ingetrokken" in line]

    # An annex taken out of a dossier still on the agenda: not "niet meer op de agenda".
    folder = project.dossiers / WONEN / "snelfietsroutes"
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = re.sub(
        r"(?m)^  - omschrijving: Notitie criteria prioritering snelfietsroutes\n.*\n", "", text
    )
    dossier.write_text(text, encoding="utf-8")
    assert withdrawn(run_cli("export", f"dossiers/{WONEN}", cwd=project.root)) == [
        "  ingetrokken uit openbaar: "
        "05_23.0002131_bijlage-03_notitie-criteria-prioritering-snelfietsroutes.pdf"
        " (bijlage niet meer bij het dossier)"
    ]
    (annex,) = _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]
    assert annex["bestandsnaam"] == (
        "05_23.0002131_bijlage-03_notitie-criteria-prioritering-snelfietsroutes.pdf"
    )

    # Withdrawn as the README says: off the agenda, and its folder out of dossiers/.
    names = sorted(n for n in _ids(project.root, WONEN, PUBLIC) if n.startswith("05_23.0002131_"))
    assert len(names) == 3  # the voorstel and two annexes
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    agenda = meeting.read_text(encoding="utf-8")
    meeting.write_text(agenda.replace("  - dossier: snelfietsroutes\n", ""), encoding="utf-8")
    shutil.move(folder, project.root / "archief")
    # In agenda order, the voorstel before its bijlagen.
    in_order = sorted(names, key=lambda name: "_bijlage-" in name)
    assert withdrawn(run_cli("export", f"dossiers/{WONEN}", cwd=project.root)) == [
        f"  ingetrokken uit openbaar: {name} (niet meer op de agenda)" for name in in_order
    ]
    assert withdrawn(run_cli("export", f"dossiers/{WONEN}", cwd=project.root)) == []
    public = _manifest(project.root, WONEN, PUBLIC)
    assert len(public["ingetrokken"]) == 4
    # The manifest names a withdrawn document only of a dossier public in this meeting now:
    # of the dossier taken away (which may be confidential wherever it went) by its id and
    # reason alone, also the annex it named while the dossier was still on the agenda.
    assert [sorted(e) for e in public["ingetrokken"]] == [["documentid", "reden", "versie"]] * 4
    manifest_text = (project.build / WONEN / "export" / PUBLIC / "manifest.json").read_text()
    assert "23.0002131" not in manifest_text and "snelfietsroute" not in manifest_text


@pytest.mark.slow
def test_a_new_dossier_in_the_folder_of_one_just_withdrawn_takes_none_of_its_ids(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: withdrawn as the README says and a new dossier made under its folder name before
    the next export, the new voorstel took the old one's id as "versie 2, inhoud gewijzigd",
    and the old voorstel was never withdrawn: an agenda system took one proposal for another."""
    first_ids = _ids(project.root, WONEN, PUBLIC)
    (old_voorstel,) = [n for n in first_ids if n.startswith("05_23.0002131_voorstel_")]
    folder = project.dossiers / WONEN / "snelfietsroutes"
    shutil.move(folder, project.root / "archief")
    # A new dossier under the same name (copied from another, with a kenmerk of its own).
    shutil.copytree(project.dossiers / WONEN / "res-voortgang", folder)
    dossier = folder / "dossier.yaml"
    _another_dossier(dossier, "23.0002117", "23.0002151", "Aanbesteding fietsparkeren stations")

    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)

    assert result.exit_code == 0, result.stderr
    ids = _ids(project.root, WONEN, PUBLIC)
    (voorstel,) = [n for n in ids if n.startswith("05_23.0002151_voorstel_")]
    assert ids[voorstel] not in first_ids.values()
    assert _versions(project.root, WONEN)[voorstel] == ("1", "eerste versie")
    withdrawn = {
        e["bestandsnaam"]: e for e in _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]
    }
    assert withdrawn[old_voorstel]["documentid"] == first_ids[old_voorstel]
    old_names = [n for n in first_ids if n.startswith("05_23.0002131_")]
    assert {withdrawn[name]["reden"] for name in old_names} == {"niet meer op de agenda"}
    said = [line for line in result.stdout.splitlines() if "ingetrokken" in line]
    assert said == [
        f"  ingetrokken uit openbaar: {name} (niet meer op de agenda)"
        for name in sorted(old_names, key=lambda name: ("_bijlage-" in name, name))
    ]


@pytest.mark.slow
def test_a_new_dossier_in_a_withdrawn_ones_folder_with_its_annexes_gets_ids_of_its_own(
    project: Project,
) -> None:
    """Was: its annexes (the same files, the same pages) got the withdrawn ones' ids anew, so
    the manifest listed one id both current and withdrawn."""
    first_ids = _ids(project.root, WONEN, PUBLIC)
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    _another_dossier(dossier, "23.0002131", "23.0002170", "Uitvoeringsbudget snelfietsroute")

    _exported(project)

    manifest = _manifest(project.root, WONEN, PUBLIC)
    current = [entry["documentid"] for entry in manifest["informatieobjecten"]]
    withdrawn = [entry["documentid"] for entry in manifest["ingetrokken"]]
    assert len(withdrawn) == 4 and not set(current) & set(withdrawn)  # voorstel, 3 annexes
    assert set(withdrawn) == {i for n, i in first_ids.items() if n.startswith("05_23.0002131_")}


@pytest.mark.slow
def test_a_public_voorstel_made_a_confidential_memo_is_withdrawn_as_no_longer_public(
    project: Project,
) -> None:
    """Was "vervangen door een ander soort stuk": the public side was told of a document of
    another kind, which is confidential."""
    meeting = project.dossiers / WONEN
    memo = (meeting / "memo-huisvestingsverordening" / "dossier.yaml").read_text(encoding="utf-8")
    memo = memo.replace("23.0002142", "23.0002104").replace("verspreiden: Ja", "verspreiden: Nee")
    memo = re.sub(
        r"(?m)^onderwerp: .*$", "onderwerp: Regionale woningbouwafspraken 2023-2030", memo
    )
    folder = meeting / "woningbouwafspraken"
    (folder / "dossier.yaml").write_text(memo, encoding="utf-8")
    for annex in re.findall(r"(?m)^    bestand: (.*)$", memo):
        shutil.copyfile(meeting / "memo-huisvestingsverordening" / annex, folder / annex)

    _exported(project)

    reasons = {e["reden"] for e in _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]}
    assert reasons == {"niet meer openbaar"}


@pytest.mark.slow
def test_a_new_confidential_dossier_in_a_withdrawn_public_ones_folder_withdraws_it_as_gone(
    project: Project,
) -> None:
    """Was "niet meer openbaar" for the old public proposal: it was withdrawn, not made secret."""
    meeting = project.dossiers / WONEN
    shutil.move(meeting / "snelfietsroutes", project.root / "archief")
    shutil.copytree(meeting / "mandaat-woningbouwimpuls", meeting / "snelfietsroutes")
    dossier = meeting / "snelfietsroutes" / "dossier.yaml"
    _another_dossier(dossier, "23.0002150", "23.0002160", "Grondaankoop fietsenstalling station")

    _exported(project)

    reasons = {e["reden"] for e in _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]}
    assert reasons == {"niet meer op de agenda"}


@pytest.mark.slow
def test_two_dossiers_that_swapped_folder_names_keep_their_ids_and_withdraw_nothing(
    project: Project,
) -> None:
    """Was: both withdrawn in public as 'niet meer op de agenda' and made anew, while still on
    the agenda: a dossier's records are found by its kenmerk under the name its folder had."""
    meeting = project.dossiers / WONEN
    first = _ids(project.root, WONEN, PUBLIC)
    shutil.move(meeting / "woningbouwafspraken", meeting / "tijdelijk")
    shutil.move(meeting / "res-voortgang", meeting / "woningbouwafspraken")
    shutil.move(meeting / "tijdelijk", meeting / "res-voortgang")

    _exported(project)

    assert _manifest(project.root, WONEN, PUBLIC)["ingetrokken"] == []
    now = _ids(project.root, WONEN, PUBLIC)
    for kenmerk in ("23.0002104", "23.0002117"):
        was = {i for n, i in first.items() if n.split("_")[1] == kenmerk}
        assert {i for n, i in now.items() if n.split("_")[1] == kenmerk} == was, kenmerk


@pytest.mark.slow
def test_a_renamed_folder_keeps_its_ids_when_a_new_dossier_takes_the_old_name(
    project: Project,
) -> None:
    meeting = project.dossiers / WONEN
    first = _ids(project.root, WONEN, PUBLIC)
    shutil.move(meeting / "snelfietsroutes", meeting / "snelfietsroutes-2023")
    shutil.copytree(meeting / "res-voortgang", meeting / "snelfietsroutes")
    dossier = meeting / "snelfietsroutes" / "dossier.yaml"
    _another_dossier(dossier, "23.0002117", "23.0002171", "Fietsparkeren bij stations")
    agenda = meeting / "vergadering.yaml"
    lines = agenda.read_text(encoding="utf-8").replace(
        "  - dossier: snelfietsroutes\n",
        "  - dossier: snelfietsroutes-2023\n  - dossier: snelfietsroutes\n",
    )
    agenda.write_text(lines, encoding="utf-8")

    _exported(project)

    assert _manifest(project.root, WONEN, PUBLIC)["ingetrokken"] == []
    now = _ids(project.root, WONEN, PUBLIC)
    was = {i for n, i in first.items() if n.split("_")[1] == "23.0002131"}
    assert {i for n, i in now.items() if n.split("_")[1] == "23.0002131"} == was
    new = {i for n, i in now.items() if n.split("_")[1] == "23.0002171"}
    assert len(new) == 4 and not new & set(first.values())


def _agenda_with(project: Project, line: str, first: bool) -> None:
    """Put ``- dossier: line`` on the wonen agenda just before or after woningbouwafspraken."""
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    own = "  - dossier: woningbouwafspraken\n"
    both = f"  - dossier: {line}\n{own}" if first else f"{own}  - dossier: {line}\n"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace(own, both), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("first", [True, False], ids=["ervoor", "erna"])
def test_a_corrected_kenmerk_given_to_another_dossier_leaves_it_its_ids(
    project: Project, first: bool
) -> None:
    """Was: the dossier that really has the old kenmerk took the corrected one's ids (put
    before it on the agenda) or the export ended in a KeyError (after it)."""
    meeting = project.dossiers / WONEN
    first_ids = _ids(project.root, WONEN, PUBLIC)
    (voorstel,) = [n for n in first_ids if n.startswith("03_23.0002104_voorstel_")]
    dossier = meeting / "woningbouwafspraken" / "dossier.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("23.0002104", "23.0002105"), encoding="utf-8"
    )
    shutil.copytree(meeting / "res-voortgang", meeting / "nieuw")
    _another_dossier(
        meeting / "nieuw" / "dossier.yaml", "23.0002117", "23.0002104", "Startnotitie woonzorgvisie"
    )
    _agenda_with(project, "nieuw", first)

    _exported(project)

    ids = _ids(project.root, WONEN, PUBLIC)
    (corrected,) = [i for n, i in ids.items() if "_23.0002105_voorstel_" in n]
    (other,) = [i for n, i in ids.items() if "_23.0002104_voorstel_" in n]
    assert corrected == first_ids[voorstel]
    assert other not in first_ids.values()


@pytest.mark.slow
@pytest.mark.parametrize("first", [True, False], ids=["ervoor", "erna"])
def test_a_renamed_folder_beside_a_copy_under_its_old_name_is_exported(
    project: Project, first: bool
) -> None:
    """Was a KeyError with the copy (another kenmerk, the same onderwerp) first on the agenda."""
    meeting = project.dossiers / WONEN
    shutil.copytree(meeting / "woningbouwafspraken", meeting / "woningbouw-oud")
    dossier = meeting / "woningbouwafspraken" / "dossier.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("23.0002104", "23.0002175"), encoding="utf-8"
    )
    _agenda_with(project, "woningbouw-oud", not first)

    _exported(project)

    manifest = _manifest(project.root, WONEN, PUBLIC)
    ids = [e["documentid"] for e in manifest["informatieobjecten"] + manifest["ingetrokken"]]
    assert len(ids) == len(set(ids))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("folder", "new_name", "change", "reason"),
    [
        (
            "snelfietsroutes",
            "fietsroutes",
            ("verspreiden: Ja", "verspreiden: Nee"),
            "niet meer openbaar",
        ),
        (
            "mandaat-woningbouwimpuls",
            "mandaat",
            ("verspreiden: Nee", "verspreiden: Ja"),
            "nu openbaar",
        ),
    ],
)
def test_a_renamed_folder_whose_dossier_changed_side_keeps_its_ids(
    project: Project, folder: str, new_name: str, change: tuple[str, str], reason: str
) -> None:
    """Was: withdrawn 'niet meer op de agenda' and new on the other side, while on the agenda."""
    meeting = project.dossiers / WONEN
    before = {**_ids(project.root, WONEN, PUBLIC), **_ids(project.root, WONEN, CONFIDENTIAL)}
    shutil.move(meeting / folder, meeting / new_name)
    agenda = meeting / "vergadering.yaml"
    agenda.write_text(
        agenda.read_text(encoding="utf-8").replace(
            f"dossier: {folder}\n", f"dossier: {new_name}\n"
        ),
        encoding="utf-8",
    )
    dossier = meeting / new_name / "dossier.yaml"
    dossier.write_text(dossier.read_text(encoding="utf-8").replace(*change), encoding="utf-8")

    _exported(project)

    left = CONFIDENTIAL if reason == "nu openbaar" else PUBLIC
    went = _manifest(project.root, WONEN, left)["ingetrokken"]
    assert went and {e["reden"] for e in went} == {reason}
    now = _ids(project.root, WONEN, PUBLIC if left == CONFIDENTIAL else CONFIDENTIAL)
    # Each one withdrawn is on the other side under its id (as without the rename).
    assert {e["documentid"] for e in went} <= set(now.values()) & set(before.values())
    assert len({e["documentid"] for e in went}) == len(went)


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _rename(project: Project, folder: str, to: str) -> None:
    """Rename a wonen dossier folder and its agenda line."""
    meeting = project.dossiers / WONEN
    shutil.move(meeting / folder, meeting / to)
    _edit(meeting / "vergadering.yaml", f"dossier: {folder}\n", f"dossier: {to}\n")


def _no_id_twice(project: Project) -> None:
    for side in (PUBLIC, CONFIDENTIAL):
        manifest = _manifest(project.root, WONEN, side)
        ids = [e["documentid"] for e in manifest["informatieobjecten"] + manifest["ingetrokken"]]
        assert len(ids) == len(set(ids)), side


@pytest.mark.slow
def test_made_confidential_kenmerk_corrected_and_public_again_is_one_document(
    project: Project,
) -> None:
    """Was: its id both current (v4 'nu openbaar') and withdrawn (v1) in the public manifest:
    the public record withdrawn under the old kenmerk was taken for another dossier's."""
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    first = _ids(project.root, WONEN, PUBLIC)
    for old, new in (
        ("verspreiden: Ja", "verspreiden: Nee"),
        ("kenmerk: 23.0002131", "kenmerk: 23.0002132"),
        ("verspreiden: Nee", "verspreiden: Ja"),
    ):
        _edit(dossier, old, new)
        report = export_meetings(project, [project.dossiers / WONEN], EPOCH)
        assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
        _no_id_twice(project)
    (voorstel,) = [n for n in _ids(project.root, WONEN, PUBLIC) if "_23.0002132_voorstel_" in n]
    assert _ids(project.root, WONEN, PUBLIC)[voorstel] in first.values()
    assert _versions(project.root, WONEN)[voorstel] == ("4", "nu openbaar")


@pytest.mark.slow
def test_renamed_to_confidential_and_renamed_back_to_public_counts_on(project: Project) -> None:
    """Was: the public file 'versie 2, weer op de agenda' beside the confidential 'versie 2',
    withdrawn 'niet meer op de agenda', while never off the agenda."""
    meeting = project.dossiers / WONEN
    _rename(project, "snelfietsroutes", "fietsroutes")
    _edit(meeting / "fietsroutes" / "dossier.yaml", "verspreiden: Ja", "verspreiden: Nee")
    assert export_meetings(project, [meeting], EPOCH).exit_code == 0
    _rename(project, "fietsroutes", "snelfietsroutes")
    _edit(meeting / "snelfietsroutes" / "dossier.yaml", "verspreiden: Nee", "verspreiden: Ja")

    _exported(project)

    (voorstel,) = [n for n in _ids(project.root, WONEN, PUBLIC) if "_23.0002131_voorstel_" in n]
    assert _versions(project.root, WONEN)[voorstel] == ("3", "nu openbaar")
    went = _manifest(project.root, WONEN, CONFIDENTIAL)["ingetrokken"]
    assert went and {e["reden"] for e in went} == {"nu openbaar"}


@pytest.mark.slow
def test_a_corrected_kenmerk_keeps_the_ids_of_its_dossier(project: Project) -> None:
    """The same dossier, its kenmerk mended (its onderwerp kept): a new version, not a new item."""
    first_ids = _ids(project.root, WONEN, PUBLIC)
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("23.0002131", "23.0002139"), encoding="utf-8")

    _exported(project)

    ids = _ids(project.root, WONEN, PUBLIC)
    (old_voorstel,) = [n for n in first_ids if n.startswith("05_23.0002131_voorstel_")]
    (voorstel,) = [n for n in ids if n.startswith("05_23.0002139_voorstel_")]
    assert ids[voorstel] == first_ids[old_voorstel]
    assert _manifest(project.root, WONEN, PUBLIC)["ingetrokken"] == []


@pytest.mark.slow
def test_a_dossier_made_a_memo_withdraws_its_voorstel_for_that_reason(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: "niet meer op de agenda" in the manifest, for an item still on it, and no reason
    on the screen."""
    first_ids = _ids(project.root, WONEN, PUBLIC)
    (old_voorstel,) = [n for n in first_ids if n.startswith("03_23.0002104_voorstel_")]
    folder = project.dossiers / WONEN / "woningbouwafspraken"
    memo = (project.dossiers / WONEN / "memo-huisvestingsverordening" / "dossier.yaml").read_text(
        encoding="utf-8"
    )
    memo = memo.replace("23.0002142", "23.0002104")
    memo = re.sub(
        r"(?m)^onderwerp: .*$", "onderwerp: Regionale woningbouwafspraken 2023-2030", memo
    )
    (folder / "dossier.yaml").write_text(memo, encoding="utf-8")
    for annex in re.findall(r"(?m)^    bestand: (.*)$", memo):
        shutil.copyfile(
            project.dossiers / WONEN / "memo-huisvestingsverordening" / annex, folder / annex
        )

    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)

    assert result.exit_code == 0, result.stderr
    withdrawn = {
        e["bestandsnaam"]: e for e in _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]
    }
    reason = "vervangen door een stuk van een ander sjabloon"
    assert withdrawn[old_voorstel]["reden"] == reason
    assert f"  ingetrokken uit openbaar: {old_voorstel} ({reason})" in result.stdout.splitlines()


@pytest.mark.slow
def test_a_document_made_confidential_is_withdrawn_by_its_id_only(project: Project) -> None:
    before = _ids(project.root, WONEN, PUBLIC)
    ours = {n: i for n, i in before.items() if n.startswith("05_23.0002131_")}
    assert len(ours) == 4  # the voorstel and three annexes

    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    _exported(project)

    public = _manifest(project.root, WONEN, PUBLIC)
    withdrawn = [e for e in public["ingetrokken"] if e.get("documentid") in ours.values()]
    # The id says which file to take down; the name and title are confidential now.
    assert sorted(e["documentid"] for e in withdrawn) == sorted(ours.values())
    assert all(set(e) == {"documentid", "versie", "reden"} for e in withdrawn), withdrawn
    assert all(e["reden"] == "niet meer openbaar" for e in withdrawn)
    # On the confidential side the same documents carry the same ids.
    secret = _ids(project.root, WONEN, CONFIDENTIAL)
    assert set(ours.values()) <= set(secret.values())


def _move(project: Project, meeting: str, dossier: str, to: str, anyway: bool = False) -> None:
    """Move a dossier to another meeting, as ``verplaats`` does (``--toch`` with ``anyway``)."""
    from datetime import date

    from assembler.scaffold import move_dossier

    move_dossier(
        project,
        project.dossiers / meeting / dossier,
        project.dossiers / to,
        today=date(2023, 5, 1),
        anyway=anyway,
    )


def _postpone_werklocaties(project: Project) -> None:
    """Move the economie meeting's werklocaties to the wonen meeting, as ``verplaats`` does."""
    _move(project, ECONOMIE, "werklocaties", WONEN)


@pytest.mark.slow
def test_a_postponed_item_is_new_in_its_next_meeting_not_withdrawn_there(
    project: Project,
) -> None:
    moved = {n: i for n, i in _ids(project.root, ECONOMIE, PUBLIC).items() if "23.0001772" in n}
    assert len(moved) == 4  # the voorstel and its three annexes
    _postpone_werklocaties(project)
    report = export_meetings(project, source_date_epoch=EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    withdrawn = {
        e["documentid"]: e["reden"]
        for e in _manifest(project.root, ECONOMIE, PUBLIC)["ingetrokken"]
    }
    assert set(moved.values()) <= set(withdrawn)
    # Said as a move, naming the meeting it went to: not as a withdrawal.
    assert {withdrawn[i] for i in moved.values()} == {f"verplaatst naar {WONEN}"}
    # In the next meeting they are new documents: an agenda system that reads the old
    # meeting's withdrawals after the new meeting's package must not take them down there.
    current = _ids(project.root, WONEN, PUBLIC)
    assert sum("23.0001772" in name for name in current) == 4
    assert not set(withdrawn) & set(current.values())


@pytest.mark.slow
def test_the_export_says_where_a_postponed_item_went(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: "niet meer op de agenda", as if it had been withdrawn."""
    names = sorted(n for n in _ids(project.root, ECONOMIE, PUBLIC) if "23.0001772" in n)
    assert len(names) == 4
    _postpone_werklocaties(project)
    result = run_cli("export", cwd=project.root)
    assert result.exit_code == 0, result.stderr
    said = [line for line in result.stdout.splitlines() if "ingetrokken" in line]
    assert said == [
        f"  ingetrokken uit openbaar: {name} (verplaatst naar {WONEN})"
        for name in sorted(names, key=lambda name: "_bijlage-" in name)
    ]


@pytest.mark.slow
def test_an_item_postponed_to_a_meeting_not_exported_yet_is_said_as_moved_in_agenda_order(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was "niet meer op de agenda" as for a withdrawn item, and the lines in no order
    (clerk2 L5): the manifest names the meeting only once its package lists the item, the
    terminal (not published) says it at once."""
    names = sorted(n for n in _ids(project.root, ECONOMIE, PUBLIC) if "23.0001772" in n)
    voorstel = next(n for n in names if "_voorstel_" in n)
    _postpone_werklocaties(project)
    result = run_cli("export", f"dossiers/{ECONOMIE}", cwd=project.root)
    assert result.exit_code == 0, result.stderr
    said = [line for line in result.stdout.splitlines() if "ingetrokken" in line]
    why = f"verplaatst naar {WONEN}, komt daar mee met de export van die vergadering"
    assert said == [
        f"  ingetrokken uit openbaar: {name} ({why})"
        for name in [voorstel, *(n for n in names if n != voorstel)]
    ]
    reasons = {e["reden"] for e in _manifest(project.root, ECONOMIE, PUBLIC)["ingetrokken"]}
    assert reasons == {"niet meer op de agenda"}


@pytest.mark.slow
def test_a_confidential_item_moved_says_where_on_the_confidential_side_only(
    project: Project,
) -> None:
    ours = set(_ids(project.root, WONEN, CONFIDENTIAL).values())
    _move(project, WONEN, "mandaat-woningbouwimpuls", ECONOMIE, anyway=True)
    report = export_meetings(project, source_date_epoch=EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    secret = _manifest(project.root, WONEN, CONFIDENTIAL)["ingetrokken"]
    moved = [e for e in secret if e["documentid"] in ours]
    assert moved and {e["reden"] for e in moved} == {f"verplaatst naar {ECONOMIE}"}
    public = json.dumps(_manifest(project.root, WONEN, PUBLIC), ensure_ascii=False)
    assert ECONOMIE not in public


@pytest.mark.slow
def test_an_item_moved_and_then_made_confidential_is_withdrawn_without_its_name(
    project: Project,
) -> None:
    """Its old meeting's withdrawals must not name it: the kenmerk is in the file names."""
    moved = {n: i for n, i in _ids(project.root, ECONOMIE, PUBLIC).items() if "23.0001772" in n}
    _postpone_werklocaties(project)
    dossier = project.dossiers / WONEN / "werklocaties" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    report = export_meetings(project, source_date_epoch=EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    withdrawn = _manifest(project.root, ECONOMIE, PUBLIC)["ingetrokken"]
    gone = [e for e in withdrawn if e["documentid"] in set(moved.values())]
    assert len(gone) == 4
    assert all(set(e) == {"documentid", "versie", "reden"} for e in gone), gone
    # Nor where it went: its item there says only "Niet openbaar".
    assert {e["reden"] for e in gone} == {"niet meer op de agenda"}


@pytest.mark.slow
def test_a_postponed_item_is_named_where_it_went_only_while_listed_there_publicly(
    project: Project,
) -> None:
    """Was: named at once, and for ever, though it became an item "Niet openbaar" there."""
    moved = {i for n, i in _ids(project.root, WONEN, PUBLIC).items() if "23.0002131" in n}
    assert len(moved) == 4
    _move(project, WONEN, "snelfietsroutes", ECONOMIE, anyway=True)

    def reasons(side: str) -> set[str]:
        withdrawn = _manifest(project.root, WONEN, side)["ingetrokken"]
        return {e["reden"] for e in withdrawn if e["documentid"] in moved}

    def export(*meetings: str) -> None:
        paths = [project.dossiers / m for m in meetings]
        report = export_meetings(project, paths, EPOCH)
        assert report.exit_code == 0, [p.format() for p in report.problems]

    # The other meeting has not published it: its agenda is not public yet.
    export(WONEN)
    assert reasons(PUBLIC) == {"niet meer op de agenda"}
    # Moved from the public side, not withdrawn from the confidential one: nothing said there.
    assert ECONOMIE not in json.dumps(_manifest(project.root, WONEN, PUBLIC))
    # Once it is in that meeting's public package (written in the same export, too).
    export(WONEN, ECONOMIE)
    assert reasons(PUBLIC) == {f"verplaatst naar {ECONOMIE}"}
    # Made confidential there: no longer named, so the item "Niet openbaar" there is not
    # tied to what this meeting published.
    dossier = project.dossiers / ECONOMIE / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    export(WONEN)
    assert reasons(PUBLIC) == {"niet meer op de agenda"}
    assert ECONOMIE not in json.dumps(_manifest(project.root, WONEN, PUBLIC))


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("how", ["verplaatst", "vergadermap hernoemd"])
def test_a_partial_export_withdraws_elsewhere_what_shows_a_dossier_confidential_now(
    project: Project, how: str
) -> None:
    """Known by its kenmerk: moved to another meeting, or its meeting folder renamed, and
    then made confidential there; the old build folder loses what shows it in full."""
    if how == "verplaatst":
        _postpone_werklocaties(project)
        old, meeting, dossier, kenmerk = ECONOMIE, WONEN, "werklocaties", "23.0001772"
    else:
        os.replace(project.dossiers / WONEN, project.dossiers / f"{WONEN}-nieuw")
        old, meeting, dossier, kenmerk = WONEN, f"{WONEN}-nieuw", "snelfietsroutes", "23.0002131"
    before = _files(project.build / old)
    report = _exported(project, project.dossiers / meeting)
    assert _files(project.build / old) == before  # still public: left alone
    text = project.dossiers / meeting / dossier / "dossier.yaml"
    text.write_text(
        text.read_text(encoding="utf-8").replace("verspreiden: Ja", "verspreiden: Nee"), "utf-8"
    )
    report = _exported(project, project.dossiers / meeting)
    left = _files(project.build / old)
    assert not any(kenmerk in name for name in left), left
    assert not {"agenda.pdf", "vergaderbundel.pdf"} & left
    assert not any(name.startswith("export/") for name in left)
    assert "agenda-niet-openbaar.pdf" in left  # what is not public stays
    said = [p.format() for p in report.build.problems]
    assert any(
        f"de openbare agenda, de vergaderbundel en het exportpakket in build/{old} zijn "
        f"weggehaald: daarin stond {dossier} als openbaar agendapunt" in line
        for line in said
    ), said


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    ["zonder vergaderrecord", "dossiermap hernoemd", "tikfout", "rommel", "kenmerk gedeeld"],
)
def test_a_partial_build_leaves_another_meetings_public_outputs_on_no_evidence(
    project: Project, change: str
) -> None:
    """Nothing there is known to be confidential now: its outputs stay as they are."""
    wonen = project.dossiers / WONEN
    if change == "zonder vergaderrecord":
        shutil.rmtree(project.build / ".cache")
    elif change == "dossiermap hernoemd":
        os.replace(wonen / "snelfietsroutes", wonen / "fietsroutes")
        agenda = wonen / "vergadering.yaml"
        agenda.write_text(
            agenda.read_text(encoding="utf-8").replace("snelfietsroutes", "fietsroutes"), "utf-8"
        )
    elif change == "tikfout":
        text = wonen / "res-voortgang" / "dossier.yaml"
        text.write_text(
            re.sub(r"(?m)^datum: .*$", "datum: 2023-02-30", text.read_text(encoding="utf-8")),
            encoding="utf-8",
        )
    elif change == "kenmerk gedeeld":
        # A confidential dossier here given, by mistake, the kenmerk of a public one there.
        economie = project.dossiers / ECONOMIE
        shutil.copytree(economie / "werklocaties", economie / "geheim")
        text = economie / "geheim" / "dossier.yaml"
        yaml_text = text.read_text(encoding="utf-8").replace("verspreiden: Ja", "verspreiden: Nee")
        text.write_text(re.sub(r"(?m)^kenmerk: .*$", 'kenmerk: "23.0002104"', yaml_text), "utf-8")
        agenda = economie / "vergadering.yaml"
        agenda.write_text(
            agenda.read_text(encoding="utf-8").replace(
                "  - dossier: werklocaties\n", "  - dossier: werklocaties\n  - dossier: geheim\n"
            ),
            encoding="utf-8",
        )
    else:  # records and a manifest that this build did not write
        (project.build / ".cache" / WONEN / "x.json").write_text("[1, 2]", encoding="utf-8")
        manifest = project.build / WONEN / "export" / PUBLIC / "manifest.json"
        manifest.write_text(json.dumps({"informatieobjecten": ["x", 3]}), encoding="utf-8")
    before = _files(project.build / WONEN)
    report = build_project(project, BuildOptions(paths=(project.dossiers / ECONOMIE,)))
    assert report.exit_code in (0, 1), [p.format() for p in report.problems]
    assert _files(project.build / WONEN) == before
    assert not any(p.bestand.startswith(f"dossiers/{WONEN}") for p in report.problems)


@pytest.mark.slow
def test_an_annex_moved_into_a_confidential_dossier_is_withdrawn_without_its_title(
    project: Project,
) -> None:
    """Its title is the confidential annex's description now: the withdrawal must not give
    it, or the gate stops every export of the meeting for a text the clerk cannot mend."""
    wonen = project.dossiers / WONEN
    name = "bijlage-3-notitie-criteria-prioritering.pdf"
    title = "Notitie criteria prioritering snelfietsroutes"
    os.replace(wonen / "snelfietsroutes" / name, wonen / "mandaat-woningbouwimpuls" / name)
    entry = f"  - omschrijving: {title}\n    bestand: {name}\n"
    public = wonen / "snelfietsroutes" / "dossier.yaml"
    public.write_text(public.read_text(encoding="utf-8").replace(entry, ""), encoding="utf-8")
    with (wonen / "mandaat-woningbouwimpuls" / "dossier.yaml").open("a", encoding="utf-8") as f:
        f.write(entry)
    report = export_meetings(project, (), EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    manifest = _manifest(project.root, WONEN, PUBLIC)
    gone = [e for e in manifest["ingetrokken"] if "documentid" in e]
    assert len(gone) == 1 and set(gone[0]) == {"documentid", "versie", "reden"}, gone
    shown = json.dumps(manifest, ensure_ascii=False)
    assert title not in shown and "notitie-criteria" not in shown
    public_files = list((project.build / WONEN / "export" / PUBLIC).iterdir())
    moved = (wonen / "mandaat-woningbouwimpuls" / name).read_bytes()
    assert all(p.read_bytes() != moved for p in public_files)


def _rename_meeting(project: Project, old: str, new: str) -> None:
    """Rename a meeting folder and its build outputs: packaged again without a build."""
    (project.dossiers / old).rename(project.dossiers / new)
    (project.build / old).rename(project.build / new)


@pytest.mark.slow
def test_two_meetings_named_alike_up_to_the_cut_get_their_own_names_and_links(
    project: Project,
) -> None:
    """'…-deel-1' and '…-deel-2' were cut to the same name: one overwrote the other online."""
    first, second = LONG_MEETING + "1", LONG_MEETING + "2"
    _rename_meeting(project, ECONOMIE, first)
    _rename_meeting(project, WONEN, second)
    report = package_meetings(project, (), EPOCH)
    assert sorted(m.name for m in report.meetings) == [first, second]
    files, links, locs = [], [], []
    for meeting in (first, second):
        public = project.build / meeting / "export" / PUBLIC
        files += [p.name for p in public.glob("00_*.pdf")]
        links += [
            o["link"]
            for o in _manifest(project.root, meeting, PUBLIC)["informatieobjecten"]
            if o["rol"] in ("agenda", "vergaderbundel")
        ]
        sitemap = etree.parse(str(public / "diwoo-sitemap.xml"))
        locs += [
            loc.text
            for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
            if "/00_" in (loc.text or "")
        ]
    assert len(files) == len(set(files)) == 4
    assert len(links) == len(set(links)) == 4 and len(locs) == len(set(locs)) == 4
    assert set(links) == set(locs)


@pytest.mark.slow
def test_meeting_folders_that_differ_in_capitals_alone_are_not_exported(project: Project) -> None:
    """Their documents would have the same names, and overwrite each other online."""
    other = "2023-05-26-PFHO economie"
    _rename_meeting(project, WONEN, other)
    report = package_meetings(project, (), EPOCH)
    assert report.meetings == [] and report.exit_code == 1
    clash = (
        "niet geëxporteerd: de openbare stukken krijgen dezelfde namen als die van {} "
        f"(00_{ECONOMIE}_agenda.pdf), en zouden elkaar op de publicatieplek overschrijven "
        "(hernoem een van de vergadermappen, zodat de namen niet alleen in hoofdletters, "
        "spaties of leestekens verschillen)"
    )
    # What build/ still holds of each is named as an earlier export's.
    assert [p.format() for p in report.problems] == [
        f"dossiers/{other}/vergadering.yaml: {clash.format(f'dossiers/{ECONOMIE}')}"
        + _EARLIER.format(other),
        f"dossiers/{ECONOMIE}/vergadering.yaml: {clash.format(f'dossiers/{other}')}"
        + _EARLIER.format(ECONOMIE),
    ]


_EARLIER = "; build/{}/export is nog het pakket van een eerdere export"


@pytest.mark.slow
def test_long_meeting_folders_that_differ_in_capitals_alone_are_not_exported(
    project: Project,
) -> None:
    """Cut, their names differed in the digest alone: two meetings no reader tells apart."""
    first, second = f"{CUT_MEETING} Deel 1", f"{CUT_MEETING} DEEL 1"
    _rename_meeting(project, ECONOMIE, first)
    _rename_meeting(project, WONEN, second)
    report = package_meetings(project, (), EPOCH)
    assert report.meetings == [] and report.exit_code == 1
    clash = (
        "niet geëxporteerd: de openbare stukken krijgen namen die alleen in een code van 8 "
        "tekens verschillen van die van dossiers/{} ({}), en zijn op de publicatieplek niet uit "
        "elkaar te houden (hernoem een van de vergadermappen, zodat de namen niet alleen in "
        "hoofdletters, spaties of leestekens verschillen)"
    )
    head = "00_2023-06-23-pfho-wonen-extra-ingelaste-vergadering-over-markeringen-en-"
    assert [p.format() for p in report.problems] == [
        f"dossiers/{second}/vergadering.yaml: {clash.format(first, head + '1ea666fa_agenda.pdf')}"
        + _EARLIER.format(second),
        f"dossiers/{first}/vergadering.yaml: {clash.format(second, head + '79fb278c_agenda.pdf')}"
        + _EARLIER.format(first),
    ]


@pytest.mark.slow
def test_export_of_one_meeting_leaves_the_other_alone(project: Project) -> None:
    other = project.build / ECONOMIE / "export" / PUBLIC / "manifest.json"
    before = other.read_bytes()
    shutil.rmtree(project.build / WONEN / "export")
    report = export_meetings(project, [project.dossiers / WONEN / "snelfietsroutes"], EPOCH)
    assert [m.name for m in report.meetings] == [WONEN]
    assert (project.build / WONEN / "export" / PUBLIC / "manifest.json").is_file()
    assert other.read_bytes() == before


@pytest.mark.slow
def test_a_folder_left_off_the_agenda_holds_up_its_meeting_and_withdraws_nothing(
    project: Project,
) -> None:
    """Was: exported without it, and withdrawn for good (a lost line, a merge): put back, each
    of its documents came back as a new version "weer op de agenda"."""
    publication = project.dossiers / WONEN / "publicatie.json"
    before = publication.read_bytes()
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(text.replace("  - dossier: res-voortgang\n", ""), encoding="utf-8")

    report = export_meetings(project, (), EPOCH)

    assert report.exit_code == 1
    assert [m.name for m in report.meetings] == [ECONOMIE]
    assert [p.format() for p in report.problems] == [
        f"dossiers/{WONEN}/vergadering.yaml: niet geëxporteerd: dossiermap 'res-voortgang' "
        "staat niet op de agenda (zie de meldingen hierboven)"
    ]
    assert publication.read_bytes() == before


def test_a_meeting_whose_vergadering_yaml_is_refused_is_said_not_exported(
    project: Project,
) -> None:
    """Was: only the file's error, and the earlier package left in build/ unmentioned; a clerk
    reading the 'Exportpakket:' lines took that for this export's."""
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(text.replace("datum: 2023-06-23", "datum: 23-06-2023"), encoding="utf-8")

    report = export_meetings(project, (), EPOCH)

    assert report.exit_code == 1
    assert [m.name for m in report.meetings] == [ECONOMIE]
    assert [p.format() for p in report.problems] == [
        f"dossiers/{WONEN}/vergadering.yaml: niet geëxporteerd: de vergadering.yaml is afgekeurd "
        f"(zie de meldingen hierboven); build/{WONEN}/export is nog het pakket van een eerdere "
        "export"
    ]


def test_a_dossier_still_holding_what_new_wrote_holds_up_its_meetings_export(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: a warning, and "Instemmen met ..." went to the agenda system as the proposed
    decision (lifecycle review L7)."""
    package = project.build / WONEN / "export"
    before = {p: p.read_bytes() for p in package.rglob("*") if p.is_file()}
    made = run_cli(
        "new",
        WONEN,
        "fietsparkeren",
        "--onderwerp",
        "Fietsparkeren bij stations",
        "--verspreiden",
        "Ja",
        "--contactpersoon",
        "A. de Vries",
        "--eenheid",
        "Mobiliteit",
        "--email",
        "a.devries@regiogv.nl",
        cwd=project.root,
    )
    assert made.exit_code == 0, made.stderr
    report = export_meetings(project, (), EPOCH)
    assert report.exit_code == 1
    assert [m.name for m in report.meetings] == [ECONOMIE]
    assert [p.format() for p in report.problems] == [
        f"dossiers/{WONEN}/vergadering.yaml: niet geëxporteerd: in 'fietsparkeren' staat nog "
        "'...' uit 'assembler new' (zie de meldingen hierboven); "
        f"build/{WONEN}/export is nog het pakket van een eerdere export"
    ]
    assert {p: p.read_bytes() for p in package.rglob("*") if p.is_file()} == before


def test_a_folder_of_dossiers_without_a_vergadering_yaml_is_no_meeting_not_exported(
    project: Project,
) -> None:
    """A clerk's archive of withdrawn items was named at a vergadering.yaml not there."""
    archive = project.dossiers / "archief"
    shutil.copytree(project.dossiers / WONEN / "res-voortgang", archive / "res-voortgang")
    report = export_meetings(project, (), EPOCH)
    assert not any(p.melding.startswith("niet geëxporteerd") for p in report.problems)
    assert "dossiers/archief: map met dossiers maar zonder vergadering.yaml" in [
        p.format().split(" (")[0] for p in report.build.problems
    ]


def test_an_agenda_entry_mistyped_holds_up_the_export_as_that_not_as_a_folder_left_off(
    project: Project,
) -> None:
    """The folder the typo meant is not said to be off the agenda (check says the typo)."""
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace("dossier: res-voortgang", "dossier: res-voortgan"), encoding="utf-8"
    )

    report = export_meetings(project, (), EPOCH)

    assert report.exit_code == 1
    said = [p.melding for p in report.problems if p.bestand.endswith(f"{WONEN}/vergadering.yaml")]
    assert said == [
        "niet geëxporteerd: de agenda noemt dossiermap 'res-voortgan', die er niet is (zie de "
        "meldingen hierboven)"
    ]


def test_an_invalid_agenda_entry_holds_up_the_export_as_that_item_not_as_a_folder(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was: "de agenda noemt dossiermap '(ongeldig agendapunt)', die er niet is": the internal
    placeholder named as a folder to look for (messages review M-M2)."""
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace(
            "  - Rondvraag en sluiting", "  - Nagekomen: stand van zaken\n  - Rondvraag en sluiting"
        ),
        encoding="utf-8",
    )

    result = run_cli("export", WONEN, cwd=project.root)

    assert result.exit_code == 1
    *_said, refused, closing = result.stderr.splitlines()
    assert refused == (
        f"dossiers/{WONEN}/vergadering.yaml: niet geëxporteerd: agendapunt 8 is ongeldig (zie de "
        "meldingen hierboven)"
    )
    assert re.fullmatch(r"Klaar: 0 exportpakketten gemaakt in \d+,\d s\.", closing), closing


def test_an_annex_of_an_exported_meeting_replaced_by_one_with_a_password_is_said(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Was a traceback: the build's look at whether the package still shows the annex opened
    it, and pikepdf's PasswordError is no PdfError."""
    folder = project.dossiers / WONEN / "snelfietsroutes"
    annex = sorted(folder.glob("bijlage-1-*.pdf"))[0]
    shutil.copyfile(
        CORPUS / "005-libreoffice-writer-password--libreoffice-writer-password.pdf", annex
    )

    result = run_cli("build", f"dossiers/{WONEN}", cwd=project.root)

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert (
        f"dossiers/{WONEN}/snelfietsroutes/dossier.yaml:" in result.stderr
        and f"'{annex.name}' is beveiligd met een wachtwoord" in result.stderr
    )


def test_an_annex_with_a_password_is_refused_by_export_in_dutch(project: Project) -> None:
    # The gate reads every annex of the project; a password PDF stopped it with a traceback.
    folder = project.dossiers / WONEN / "snelfietsroutes"
    corpus = CORPUS
    shutil.copyfile(
        corpus / "005-libreoffice-writer-password--libreoffice-writer-password.pdf",
        folder / "geheim.pdf",
    )
    dossier = folder / "dossier.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8") + "  - omschrijving: Geheim\n    bestand: geheim.pdf\n",
        encoding="utf-8",
    )
    report = export_meetings(project, (), EPOCH)
    assert report.exit_code == 1
    assert [m.name for m in report.meetings] == [ECONOMIE]
    assert any(
        p.bestand.endswith("snelfietsroutes/dossier.yaml")
        and p.melding
        == "'geheim.pdf' is beveiligd met een wachtwoord (lever de bijlage zonder wachtwoord aan)"
        for p in report.build.problems
    ), report.build.problems


def _kill_mid_swap(project: Project) -> bytes:
    """What an export killed between setting the old package aside and moving the new one in
    leaves: no export/, the last complete package aside, a half-written one beside it."""
    parent = project.build / WONEN
    before = (parent / "export" / PUBLIC / "manifest.json").read_bytes()
    os.replace(parent / "export", parent / ".export-old-4242")
    half = parent / ".tmp-assembler-export-x1y2"  # what mkdtemp named the package being written
    half.mkdir()
    (half / "half.zip").write_bytes(b"PK")
    return before


@pytest.mark.slow
def test_an_export_killed_mid_swap_is_undone_by_the_next_build(project: Project) -> None:
    parent = project.build / WONEN
    before = _kill_mid_swap(project)
    report = build_project(project, BuildOptions(source_date_epoch=EPOCH))
    assert report.exit_code == 0, [p.format() for p in report.problems]
    assert (parent / "export" / PUBLIC / "manifest.json").read_bytes() == before
    assert [p.name for p in parent.iterdir() if p.name.startswith((".export", ".tmp-"))] == []


@pytest.mark.slow
def test_a_package_put_back_is_withdrawn_like_any_when_it_is_no_longer_public(
    project: Project,
) -> None:
    """Put back after a kill, it is judged by the build that follows: an item made
    confidential since goes with it, also when the export then stops for another reason."""
    parent = project.build / WONEN
    _kill_mid_swap(project)
    for name, old, new in (
        ("snelfietsroutes", "verspreiden: Ja", "verspreiden: Nee"),
        ("res-voortgang", "verspreiden: Ja", "verspreiden: Misschien"),
    ):
        dossier = project.dossiers / WONEN / name / "dossier.yaml"
        dossier.write_text(dossier.read_text(encoding="utf-8").replace(old, new), "utf-8")
    report = export_meetings(project, (), EPOCH)
    assert report.exit_code == 1
    assert not (parent / "export").exists()
    assert [p.name for p in parent.iterdir() if p.name.startswith((".export", ".tmp-"))] == []


@pytest.mark.slow
def test_junk_beside_the_outputs_is_never_taken_for_a_package_or_an_output(
    project: Project,
) -> None:
    """A file named like a package set aside is no package; a cache record naming a folder
    outside its own meeting's (a hand-made one) does not make a build remove that folder."""
    parent = project.build / WONEN
    (parent / ".export-old-1").write_text("geen pakket", encoding="utf-8")
    (project.dossiers / "rommel").mkdir()
    (project.build / "rommel").mkdir()
    (project.build / ".cache" / "rommel").mkdir()
    record = {"dir": f"../{ECONOMIE}", "openbaar": True}
    (project.build / ".cache" / "rommel" / "x.json").write_text(json.dumps(record), "utf-8")
    report = build_project(project, BuildOptions(source_date_epoch=EPOCH))
    assert report.exit_code == 0, [p.format() for p in report.problems]
    assert (parent / "export" / PUBLIC / "manifest.json").is_file()
    assert (project.build / ECONOMIE / "agenda.pdf").is_file()
    assert list((project.build / ECONOMIE).glob("*-werklocaties/bundel.pdf"))


@pytest.mark.slow
def test_rejected_dossier_blocks_its_meeting_only(project: Project) -> None:
    dossier = project.dossiers / WONEN / "res-voortgang" / "dossier.yaml"
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("verspreiden: Ja", "verspreiden: Misschien"),
        encoding="utf-8",
    )
    assert (project.build / WONEN / "export" / PUBLIC / "manifest.json").is_file()
    report = export_meetings(project, (), EPOCH)
    assert report.exit_code == 1
    assert [m.name for m in report.meetings] == [ECONOMIE]
    assert any("res-voortgang" in p.melding for p in report.problems)
    # Its last package showed res-voortgang in full, and whether it is still public is not
    # known now: the package goes until the meeting can be exported again.
    assert not (project.build / WONEN / "export").exists()
    assert any(
        p.bestand == f"dossiers/{WONEN}/vergadering.yaml" and "exportpakket" in p.melding
        for p in report.build.problems
    )


@pytest.mark.slow
def test_a_meeting_whose_agenda_could_not_be_made_anew_is_not_exported(
    project: Project,
) -> None:
    """The agenda and meeting bundle left from before may still show an old onderwerp."""
    (project.root / "templates" / "agenda.docx").write_text("geen Word-document\n")
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    old_subject = re.search(r"(?m)^onderwerp: (.*)$", text)
    assert old_subject is not None
    dossier.write_text(text.replace(old_subject.group(1), "Nieuwe titel"), encoding="utf-8")
    before = (project.build / WONEN / "export" / PUBLIC / "manifest.json").read_bytes()
    report = export_meetings(project, [project.dossiers / WONEN], EPOCH)
    assert report.exit_code == 2
    assert report.meetings == []
    assert [p.format() for p in report.problems] == [
        f"dossiers/{WONEN}/vergadering.yaml: niet geëxporteerd: de agenda en vergaderbundel "
        "konden niet opnieuw gemaakt worden (zie de meldingen hierboven)" + _EARLIER.format(WONEN)
    ]
    assert (project.build / WONEN / "export" / PUBLIC / "manifest.json").read_bytes() == before


def _rename_snelfietsroutes(project: Project) -> None:
    """Rename the dossier folder and its agenda entry, as a clerk tidying up does."""
    wonen = project.dossiers / WONEN
    (wonen / "snelfietsroutes").rename(wonen / "snelfietsroutes-2023")
    agenda = wonen / "vergadering.yaml"
    text = agenda.read_text(encoding="utf-8")
    agenda.write_text(
        text.replace("dossier: snelfietsroutes\n", "dossier: snelfietsroutes-2023\n"),
        encoding="utf-8",
    )


@pytest.mark.slow
def test_a_renamed_dossier_folder_keeps_its_documents(project: Project) -> None:
    """Same file names, same ids and versions: nothing withdrawn, nothing new."""
    before = _ids(project.root, WONEN, PUBLIC)
    versions = _versions(project.root, WONEN)
    _rename_snelfietsroutes(project)
    _exported(project)
    assert _ids(project.root, WONEN, PUBLIC) == before
    assert _versions(project.root, WONEN) == versions
    assert _manifest(project.root, WONEN, PUBLIC)["ingetrokken"] == []


@pytest.mark.slow
def test_an_item_keeps_its_id_when_an_item_before_it_is_withdrawn(project: Project) -> None:
    """Was: an item carried only its number, so an agenda system matching by number took
    item 5 for a renamed item 4 and deleted the last one."""
    before = {side: _item_ids(project.root, WONEN, side) for side in (PUBLIC, CONFIDENTIAL)}
    public = before[PUBLIC]
    assert len({i for i, _ in public.values()}) == len(public) == 8
    # Withdrawn as the README says: off the agenda, and its folder out of dossiers/.
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    agenda = meeting.read_text(encoding="utf-8")
    meeting.write_text(agenda.replace("  - dossier: res-voortgang\n", ""), encoding="utf-8")
    shutil.move(project.dossiers / WONEN / "res-voortgang", project.root / "archief")
    _exported(project)

    for side in (PUBLIC, CONFIDENTIAL):
        after = _item_ids(project.root, WONEN, side)
        assert len(after) == 7
        (gone,) = set(before[side]) - set(after)
        assert gone.startswith("Regionale Energiestrategie")
        for title, (item_id, number) in after.items():
            old_id, old_number = before[side][title]
            assert item_id == old_id, title
            assert int(number) == int(old_number) - (int(old_number) > 4), title
        # Each document points at its item by that id.
        manifest = _manifest(project.root, WONEN, side)
        numbers = {i["agendapuntvolgnummer"]: i["agendapuntid"] for i in manifest["agendapunten"]}
        documents = [d for d in manifest["informatieobjecten"] if "agendapunt" in d]
        assert documents and all(d["agendapuntid"] == numbers[d["agendapunt"]] for d in documents)
    # The same dossiers give the same ids, and the confidential item's says nothing of it.
    assert public["Niet openbaar"][0] == secret_item_id(project.root)
    assert SECRET_KENMERK not in json.dumps(_manifest(project.root, WONEN, PUBLIC))


@pytest.mark.slow
def test_plain_items_keep_their_ids_when_the_meeting_is_re_dated(project: Project) -> None:
    """Was: made from the meeting folder's name, so Opening and Rondvraag became new items
    (a DELETE and a POST in publish) when the meeting moved to another day."""
    before = _item_ids(project.root, WONEN)
    later = "2023-06-30-pfho-ruimte-wonen"
    (project.dossiers / WONEN).rename(project.dossiers / later)
    meeting = project.dossiers / later / "vergadering.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("datum: 2023-06-23", "datum: 2023-06-30"), encoding="utf-8")
    _exported(project, project.dossiers / later)
    after = _item_ids(project.root, later)
    assert {t: i for t, (i, _n) in after.items()} == {t: i for t, (i, _n) in before.items()}
    assert {"Opening en vaststellen agenda", "Rondvraag en sluiting"} <= set(after)


def _diwoo_identifiers(root: Path, meeting: str) -> dict[str, list[str]]:
    """File name -> the identifiers of its diwoo:Document in the sitemap."""
    sitemap = etree.parse(str(root / "build" / meeting / "export" / PUBLIC / "diwoo-sitemap.xml"))
    return {
        str(url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")).rsplit("/", 1)[1]: [
            str(e.text) for e in url.iter(f"{{{DIWOO}}}identifier")
        ]
        for url in sitemap.getroot()
    }


def _documents(root: Path, meeting: str, side: str = PUBLIC) -> dict[str, dict[str, Any]]:
    """titel -> the manifest's informatieobject."""
    return {d["titel"]: d for d in _manifest(root, meeting, side)["informatieobjecten"]}


@pytest.mark.slow
def test_removing_an_annex_withdraws_that_annex_and_the_others_keep_their_ids(
    project: Project,
) -> None:
    """Was: ids went by position, so removing annex 1 gave annex 2's id to annex 3's content
    and withdrew annex 3's id as "niet meer op de agenda", naming the Notitie still there."""
    before = _documents(project.root, WONEN)
    kaart = "Kaart regionale snelfietsroutes met verwijzing naar de online kaart"
    kaartbeeld = "Kaartbeeld knelpunten verkeersveiligheid (drukwerkversie)"
    notitie = "Notitie criteria prioritering snelfietsroutes"
    assert [before[t]["bijlagenummer"] for t in (kaart, kaartbeeld, notitie)] == [1, 2, 3]
    folder = project.dossiers / WONEN / "snelfietsroutes"
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    text = re.sub(rf"(?m)^  - omschrijving: {kaart}\n.*\n", "", text)
    dossier.write_text(text, encoding="utf-8")
    (project.root / "archief").mkdir()
    shutil.move(folder / "bijlage-1-kaart-snelfietsroutes.pdf", project.root / "archief")
    report = export_meetings(project, [project.dossiers / WONEN], EPOCH + 86_400)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]

    after = _documents(project.root, WONEN)
    assert kaart not in after
    for title, number in ((kaartbeeld, 1), (notitie, 2)):
        document = after[title]
        assert document["documentid"] == before[title]["documentid"], title
        assert document["bijlagenummer"] == number
        assert document["bestandsnaam"].startswith(f"05_23.0002131_bijlage-{number:02d}_")
        assert document["sha256"] == before[title]["sha256"]
        assert (document["versie"], document["versiereden"]) == (
            "2",
            "bestandsnaam gewijzigd (ander bijlagenummer)",
        )
    assert _manifest(project.root, WONEN, PUBLIC)["ingetrokken"] == [
        {
            "documentid": before[kaart]["documentid"],
            "bestandsnaam": before[kaart]["bestandsnaam"],
            "titel": kaart,
            "versie": "1",
            "reden": "bijlage niet meer bij het dossier",
        }
    ]
    # A harvester keys on the sitemap's first identifier: the documentid, which stays with
    # the document (the readable '23.0002131-bijlage-01' now names the Kaartbeeld).
    identifiers = _diwoo_identifiers(project.root, WONEN)
    for title in (kaartbeeld, notitie):
        assert identifiers[after[title]["bestandsnaam"]][0] == before[title]["documentid"]
    assert before[kaart]["documentid"] not in str(identifiers)
    # An unchanged export changes no id or version further.
    export_meetings(project, [project.dossiers / WONEN], EPOCH + 2 * 86_400)
    assert {
        t: (d["documentid"], d["versie"]) for t, d in _documents(project.root, WONEN).items()
    } == {t: (d["documentid"], d["versie"]) for t, d in after.items()}


@pytest.mark.slow
def test_annex_records_kept_by_number_are_taken_over_by_file(project: Project) -> None:
    """A publicatie.json from before annexes were kept by file: same ids, nothing withdrawn."""
    path = project.dossiers / WONEN / "publicatie.json"
    _key_annexes_by_number(project)
    before = {side: _ids(project.root, WONEN, side) for side in (PUBLIC, CONFIDENTIAL)}
    versions = _versions(project.root, WONEN)
    _exported(project)
    assert {side: _ids(project.root, WONEN, side) for side in (PUBLIC, CONFIDENTIAL)} == before
    assert _versions(project.root, WONEN) == versions
    assert _manifest(project.root, WONEN, PUBLIC)["ingetrokken"] == []
    kept = json.loads(path.read_text(encoding="utf-8"))["documenten"]
    assert "openbaar:snelfietsroutes/bijlage:bijlage-1-kaart-snelfietsroutes.pdf" in kept
    assert not [key for key in kept if re.search(r"/bijlage-\d\d$", key)]


def _key_annexes_by_number(project: Project) -> None:
    """Turn WONEN's publicatie.json into one an older assembler kept: annexes by number."""
    path = project.dossiers / WONEN / "publicatie.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    files: dict[str, list[str]] = {}
    for folder in (project.dossiers / WONEN).iterdir():
        if (folder / "dossier.yaml").is_file():
            dossier = yaml.safe_load((folder / "dossier.yaml").read_text(encoding="utf-8"))
            files[folder.name] = [annex["bestand"] for annex in dossier.get("bijlagen") or []]
    by_number: dict[str, Any] = {}
    for key, record in data["documenten"].items():
        side, _, rest = key.partition(":")
        dossier, _, document = rest.partition("/")
        if document.startswith("bijlage"):
            number = files[dossier].index(document.partition(":")[2]) + 1
            key = f"{side}:{dossier}/bijlage-{number:02d}"
        by_number[key] = record
    assert by_number != data["documenten"]
    data["documenten"] = by_number
    path.write_text(json.dumps(data), encoding="utf-8")


def _withdraw_res(project: Project) -> None:
    """Withdraw res-voortgang as the README says: off the agenda, its folder out of dossiers/."""
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    agenda = meeting.read_text(encoding="utf-8")
    meeting.write_text(agenda.replace("  - dossier: res-voortgang\n", ""), encoding="utf-8")
    (project.root / "archief").mkdir(exist_ok=True)
    shutil.move(project.dossiers / WONEN / "res-voortgang", project.root / "archief")


@pytest.mark.slow
def test_annexes_kept_by_number_keep_their_ids_when_the_numbers_change_at_the_upgrade(
    project: Project,
) -> None:
    """Was: taken over by the file name, which holds both numbers: every annex after a
    withdrawn item, or after an annex taken off, was withdrawn and came back with a new id."""
    before = {side: _documents(project.root, WONEN, side) for side in (PUBLIC, CONFIDENTIAL)}
    _key_annexes_by_number(project)
    _withdraw_res(project)
    kaart = "Kaart regionale snelfietsroutes met verwijzing naar de online kaart"
    folder = project.dossiers / WONEN / "snelfietsroutes"
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(re.sub(rf"(?m)^  - omschrijving: {kaart}\n.*\n", "", text), "utf-8")
    shutil.move(folder / "bijlage-1-kaart-snelfietsroutes.pdf", project.root / "archief")
    report = export_meetings(project, [project.dossiers / WONEN], EPOCH + 86_400)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]

    for side in (PUBLIC, CONFIDENTIAL):
        after = _documents(project.root, WONEN, side)
        kept = [t for t, d in after.items() if d["rol"] == "bijlage"]
        assert kept
        for title in kept:
            assert after[title]["documentid"] == before[side][title]["documentid"], title
        withdrawn = {
            e["documentid"]: e["reden"] for e in _manifest(project.root, WONEN, side)["ingetrokken"]
        }
        gone = {d["documentid"]: t for t, d in before[side].items() if t not in after}
        assert set(withdrawn) == set(gone)
        for document_id, title in gone.items():
            reason = (
                "bijlage niet meer bij het dossier" if title == kaart else "niet meer op de agenda"
            )
            assert withdrawn[document_id] == reason, title
    assert kaart in before[PUBLIC] and kaart not in _documents(project.root, WONEN)


@pytest.mark.slow
def test_another_dossier_in_a_withdrawn_items_folder_name_gets_its_own_ids(
    project: Project,
) -> None:
    """Was: revived by the folder name alone, with the old item's agendapuntid and its
    voorstel's documentid, which an agenda system moves onto the other subject."""
    old_items = _item_ids(project.root, WONEN)
    old_documents = _ids(project.root, WONEN, PUBLIC)
    res = {i for n, i in old_documents.items() if "_23.0002117_" in n}
    assert res
    _withdraw_res(project)
    report = _exported(project)
    folder = project.dossiers / WONEN / "res-voortgang"
    shutil.copytree(project.dossiers / ECONOMIE / "werklocaties", folder)
    dossier = folder / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("kenmerk: 23.0001772", "kenmerk: 23.0002199"), "utf-8")
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    agenda = meeting.read_text(encoding="utf-8")
    meeting.write_text(
        agenda.replace(
            "  - dossier: snelfietsroutes\n",
            "  - dossier: res-voortgang\n  - dossier: snelfietsroutes\n",
        ),
        encoding="utf-8",
    )
    report = export_meetings(project, [project.dossiers / WONEN], EPOCH + 86_400)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]

    items = _item_ids(project.root, WONEN)
    new_item = items["Aanpak actieplan Werklocaties"][0]
    assert new_item not in {i for i, _n in old_items.values()}
    documents = [
        d
        for d in _manifest(project.root, WONEN, PUBLIC)["informatieobjecten"]
        if d.get("kenmerk") == "23.0002199"
    ]
    assert documents
    assert {(d["versie"], d["versiereden"]) for d in documents} == {("1", "eerste versie")}
    assert not {d["documentid"] for d in documents} & set(old_documents.values())
    # The old item's documents stay withdrawn, by their own ids.
    withdrawn = {e["documentid"] for e in _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]}
    assert res <= withdrawn


@pytest.mark.slow
def test_a_confidential_item_deleted_later_stays_unnamed_beside_a_namesake(
    project: Project,
) -> None:
    """Another meeting's public dossier of the same folder name makes it no less secret."""
    wonen = project.dossiers / WONEN
    dossier = wonen / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    assert export_meetings(project, (), EPOCH).exit_code == 0
    # Then it goes, and the economie meeting gets a public dossier of the same folder name.
    namesake = project.dossiers / ECONOMIE / "snelfietsroutes"
    shutil.copytree(wonen / "snelfietsroutes", namesake)
    text = (namesake / "dossier.yaml").read_text(encoding="utf-8")
    text = text.replace("kenmerk: 23.0002131", "kenmerk: 23.0009131")
    (namesake / "dossier.yaml").write_text(text.replace("verspreiden: Nee", "verspreiden: Ja"))
    shutil.rmtree(wonen / "snelfietsroutes")
    for folder, old, new in (
        (wonen, "  - dossier: snelfietsroutes\n", ""),
        (
            project.dossiers / ECONOMIE,
            "  - dossier: werklocaties\n",
            "  - dossier: werklocaties\n  - dossier: snelfietsroutes\n",
        ),
    ):
        agenda = folder / "vergadering.yaml"
        agenda.write_text(agenda.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    report = export_meetings(project, (), EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    withdrawn = _manifest(project.root, WONEN, PUBLIC)["ingetrokken"]
    assert withdrawn and "23.0002131" not in json.dumps(withdrawn)


@pytest.mark.slow
def test_a_name_once_withdrawn_unnamed_is_not_given_later(project: Project) -> None:
    """Confidential for a while: its annexes taken off then stay unnamed when it is public again."""
    dossier = project.dossiers / WONEN / "res-voortgang" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")
    assert export_meetings(project, [project.dossiers / WONEN], EPOCH).exit_code == 0
    kept = text.split("  - omschrijving: Invulformulier")[0]  # annex 1 only
    dossier.write_text(kept, encoding="utf-8")
    _exported(project)
    withdrawn = json.dumps(_manifest(project.root, WONEN, PUBLIC)["ingetrokken"])
    assert "23.0002117_bijlage-02" not in withdrawn and "23.0002117_bijlage-03" not in withdrawn


@pytest.mark.slow
def test_a_document_that_goes_back_and_forth_keeps_counting_its_versions(
    project: Project,
) -> None:
    """One document id, one count of versions: confidential, public again, confidential again."""
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    publication = project.dossiers / WONEN / "publicatie.json"

    def live() -> tuple[str, str, str, str]:
        records = json.loads(publication.read_text(encoding="utf-8"))["documenten"]
        (record,) = [
            r
            for key, r in records.items()
            if key.endswith(":snelfietsroutes/voorstel") and r["status"] == "actueel"
        ]
        return record["zijde"], record["versie"], record["reden"], record["documentid"]

    first = live()
    seen = [first[:3]]
    for spread in ("Nee", "Ja", "Nee"):
        text = dossier.read_text(encoding="utf-8")
        dossier.write_text(
            re.sub(r"^verspreiden: \w+", f"verspreiden: {spread}", text, flags=re.M), "utf-8"
        )
        report = export_meetings(project, [project.dossiers / WONEN], EPOCH)
        assert report.exit_code == 0, [p.format() for p in report.problems]
        now = live()
        assert now[3] == first[3]  # the same document id throughout
        seen.append(now[:3])
    assert seen == [
        ("openbaar", "1", "eerste versie"),
        ("niet-openbaar", "2", "niet meer openbaar"),
        ("openbaar", "3", "nu openbaar"),
        ("niet-openbaar", "4", "niet meer openbaar"),
    ]


# Said by check and build as warnings, by export and publish as what they refuse for: left out,
# tooi and publicatie_url are Regio Gooi en Vechtstreek's identity, not another organisation's.
BORROWED = [
    "dossiers/organisatie.yaml: tooi: ontbreekt; zonder zou de export de TOOI-URI van Regio "
    "Gooi en Vechtstreek dragen (https://identifier.overheid.nl/tooi/id/so/so0006), dus wordt er "
    "niet geëxporteerd of gepubliceerd (vul de TOOI-URI van uw organisatie in, uit de "
    "DiWoo-waardelijsten, zoals https://identifier.overheid.nl/tooi/id/gemeente/gm0363 voor "
    "gemeente Amsterdam)",
    "dossiers/organisatie.yaml: publicatie_url: ontbreekt; zonder zouden de links in de export "
    "naar https://www.regiogv.nl/stukken/ van Regio Gooi en Vechtstreek wijzen, dus wordt er "
    "niet geëxporteerd of gepubliceerd (vul het webadres in waar uw organisatie de "
    "gepubliceerde stukken zet, zoals https://www.voorbeeld.nl/stukken/)",
]
ANOTHER_ORGANISATION = "naam: Gemeente Voorbeeld\nlogo: huisstijl/logo.png\n"


@pytest.mark.parametrize(
    "command",
    [
        ("export", f"dossiers/{ECONOMIE}"),
        ("export",),
        ("publish", ECONOMIE, "--naar", "https://raad.example.nl/api/ods/v1", "--droog"),
    ],
    ids=["export", "export-alles", "publish"],
)
def test_another_organisation_without_tooi_and_publicatie_url_is_not_exported_as_regio_gv(
    tmp_path: Path, run_cli: Callable[..., CliResult], command: tuple[str, ...]
) -> None:
    """Refused before the build: nothing under build/, no publicatie.json."""
    root = tmp_path / "project"
    copy_example(root)
    (root / "dossiers" / "organisatie.yaml").write_text(ANOTHER_ORGANISATION, encoding="utf-8")

    result = run_cli(*command, cwd=root)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        *BORROWED,
        "fout: dossiers/organisatie.yaml: tooi en publicatie_url van uw organisatie ontbreken, "
        "daarom is niets geëxporteerd (vul eerst tooi en publicatie_url in)",
    ]
    assert not (root / "build").exists()
    assert list(root.glob("dossiers/*/publicatie.json")) == []


@pytest.mark.parametrize(
    "command",
    [
        ("export", f"dossiers/{ECONOMIE}"),
        ("publish", ECONOMIE, "--naar", "https://raad.example.nl/api/ods/v1", "--droog"),
    ],
    ids=["export", "publish"],
)
def test_the_example_settings_renamed_alone_are_not_exported_as_regio_gv(
    tmp_path: Path, run_cli: Callable[..., CliResult], command: tuple[str, ...]
) -> None:
    """Was: exported under Regio GV's TOOI with links to regiogv.nl, without a word, when an
    organisation copied the example organisatie.yaml and changed naam alone (review M-M4)."""
    root = tmp_path / "project"
    copy_example(root)
    settings = root / "dossiers" / "organisatie.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "naam: Regio Gooi en Vechtstreek", "naam: Regio Utrecht"
        ),
        encoding="utf-8",
    )

    result = run_cli(*command, cwd=root)

    assert result.exit_code == 2
    assert result.stdout == ""
    lines = settings.read_text(encoding="utf-8").splitlines()
    tooi, url = (
        1 + next(i for i, line in enumerate(lines) if line.startswith(key))
        for key in ("tooi:", "publicatie_url:")
    )
    assert result.stderr.splitlines() == [
        f"dossiers/organisatie.yaml:{tooi}: tooi: 'https://identifier.overheid.nl/tooi/id/so/"
        "so0006' is "
        "de TOOI-URI van Regio Gooi en Vechtstreek uit het voorbeeld, dus wordt er niet "
        "geëxporteerd of gepubliceerd (vul de TOOI-URI van uw organisatie in, uit de "
        "DiWoo-waardelijsten, zoals https://identifier.overheid.nl/tooi/id/gemeente/gm0363 voor "
        "gemeente Amsterdam)",
        f"dossiers/organisatie.yaml:{url}: publicatie_url: 'https://www.regiogv.nl/stukken/' is "
        "de website van Regio Gooi en Vechtstreek uit het voorbeeld, dus wordt er niet "
        "geëxporteerd of gepubliceerd (vul het webadres in waar uw organisatie de gepubliceerde "
        "stukken zet, zoals https://www.voorbeeld.nl/stukken/)",
        "fout: dossiers/organisatie.yaml: tooi en publicatie_url zijn nog die van Regio Gooi en "
        "Vechtstreek, daarom is niets geëxporteerd (vul eerst tooi en publicatie_url van uw "
        "organisatie in)",
    ]
    assert not (root / "build").exists()


def test_another_organisation_without_a_publicatie_url_is_refused_for_that_alone(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    root = tmp_path / "project"
    copy_example(root)
    (root / "dossiers" / "organisatie.yaml").write_text(
        ANOTHER_ORGANISATION + "tooi: https://identifier.overheid.nl/tooi/id/gemeente/gm0363\n",
        encoding="utf-8",
    )
    result = run_cli("export", cwd=root)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        BORROWED[1],
        "fout: dossiers/organisatie.yaml: publicatie_url van uw organisatie ontbreekt, daarom is "
        "niets geëxporteerd (vul eerst publicatie_url in)",
    ]
    assert not (root / "build").exists()


def test_another_organisation_without_tooi_and_publicatie_url_still_builds_its_documents(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The documents use neither key: built, under the organisation's own name, with a word."""
    root = tmp_path / "project"
    copy_example(root)
    (root / "dossiers" / "organisatie.yaml").write_text(ANOTHER_ORGANISATION, encoding="utf-8")

    result = run_cli("build", f"dossiers/{ECONOMIE}", cwd=root)

    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "organisatie.yaml" in line]
    assert warned == [
        line.replace("organisatie.yaml: ", "organisatie.yaml: waarschuwing: ", 1)
        for line in reversed(BORROWED)
    ]
    folder = root / "build" / ECONOMIE
    for path in (folder / "02-23.0001772-werklocaties" / "voorstel.pdf", folder / "agenda.pdf"):
        with pikepdf.open(path) as pdf:
            assert str(pdf.docinfo["/Author"]) == "Gemeente Voorbeeld", path.name


@pytest.mark.parametrize(
    "name", ["", "naam: Regio Gooi en Vechtstreek\n"], ids=["naam-weggelaten", "naam-van-regio-gv"]
)
def test_regio_gv_exports_under_its_own_tooi_and_publicatie_url_when_left_out(
    project: Project, run_cli: Callable[..., CliResult], name: str
) -> None:
    (project.dossiers / "organisatie.yaml").write_text(
        f"{name}logo: huisstijl/logo.png\n", encoding="utf-8"
    )
    result = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert result.exit_code == 0, result.stderr
    assert "organisatie.yaml" not in result.stderr
    manifest = _manifest(project.root, WONEN, PUBLIC)
    assert manifest["organisatie"] == {
        "naam": "Regio Gooi en Vechtstreek",
        "tooi": "https://identifier.overheid.nl/tooi/id/so/so0006",
    }
    links = {entry["link"] for entry in manifest["informatieobjecten"]}
    assert links and all(link.startswith("https://www.regiogv.nl/stukken/") for link in links)


@pytest.mark.slow
def test_text_pasted_decomposed_is_printed_and_exported_composed(example_project: Path) -> None:
    """macOS pastes 'ë' as 'e' and U+0308: it went so into the PDF's text, the manifest and the
    DiWoo sitemap, where a search for the word as typed elsewhere misses it, while the same
    item's agendapuntTitel came out composed (review uni U7)."""
    shutil.rmtree(example_project / "dossiers" / WONEN)
    dossier = example_project / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    typed = "Aanpak actieplan Werklocaties en coördinatie"
    text = dossier.read_text(encoding="utf-8").replace(
        "onderwerp: Aanpak actieplan Werklocaties",
        f"onderwerp: {unicodedata.normalize('NFD', typed)}",
        1,
    )
    text = re.sub(
        r"(?m)^(  - omschrijving: .*)$",
        lambda found: found.group(1) + unicodedata.normalize("NFD", " (reünie)"),
        text,
        count=1,
    )
    dossier.write_text(text, encoding="utf-8")
    project = Project(example_project)
    report = export_meetings(project, [project.dossiers / ECONOMIE], EPOCH)
    assert report.exit_code == 0, [p.format() for p in report.problems + report.build.problems]
    (voorstel,) = (project.build / ECONOMIE).glob("*werklocaties/voorstel.pdf")
    printed = " ".join(
        subprocess.run(
            ["pdftotext", str(voorstel), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    assert "coördinatie" in printed and "reünie" in printed
    assert "\u0308" not in printed
    public = project.build / ECONOMIE / "export" / PUBLIC
    manifest = json.dumps(_manifest(example_project, ECONOMIE, PUBLIC), ensure_ascii=False)
    sitemap = (public / "diwoo-sitemap.xml").read_text(encoding="utf-8")
    for exported_text in (manifest, sitemap):
        assert typed in exported_text and "(reünie)" in exported_text
        assert "\u0308" not in exported_text


# --------------------------------------------------------------------------- a log, the lock

# What a command refused while an export holds the project's lock says.
EXPORTING = "er loopt al een export van dit project (wacht tot die klaar is en probeer het opnieuw)"


@pytest.mark.slow
def test_export_without_a_terminal_says_each_step_as_build_does(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review ops O5: the README promises a line per step in a log; export said nothing until
    its package lines at the end."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))  # as exported: the rest is unchanged
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("stelt subsidie", "stelt nu subsidie"), encoding="utf-8")
    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 0, exported.stderr
    *steps, closing = exported.stderr.splitlines()
    assert steps == [
        f"dossier: {WONEN}/snelfietsroutes",
        f"bundel: {WONEN}/snelfietsroutes",
    ]
    assert re.fullmatch(r"Klaar: 1 exportpakket gemaakt in \d+,\d s\.", closing), closing
    assert exported.stdout.startswith(f"Exportpakket: build/{WONEN}/export\n")


@pytest.mark.slow
def test_a_command_that_meets_the_lock_of_an_export_is_told_an_export_runs(
    project: Project, run_cli: Callable[..., CliResult]
) -> None:
    """Review ops O10: every command refused by the lock was told a build ran, whoever held it."""
    import fcntl

    exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
    assert exported.exit_code == 0, exported.stderr
    lock = project.build / ".lock"
    assert lock.read_text() == "export"  # its own name, not its build's
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        refused = [
            run_cli("build", "--geen-pdf", cwd=project.root),
            run_cli("export", cwd=project.root),
            run_cli(
                "publish",
                f"dossiers/{WONEN}",
                "--naar",
                "http://127.0.0.1:9/",
                "--droog",
                cwd=project.root,
            ),
            run_cli("vergadering", "2023-09-01-pfho-economie", cwd=project.root),
        ]
        scripted = run_cli("build", "--geen-pdf", "--json", cwd=project.root)
    for result in refused:
        assert (result.exit_code, result.stderr) == (3, f"fout: {EXPORTING}\n")
    assert scripted.exit_code == 3
    assert json.loads(scripted.stdout)["meldingen"][-1]["melding"] == EXPORTING


@pytest.mark.slow
def test_soft_hyphens_pasted_from_word_stay_out_of_titles_bookmarks_and_names(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Word's optional hyphen (U+00AD), pasted into an onderwerp, a kenmerk, an annex's
    omschrijving or a Markdown heading, shows nothing in the text; it is left out without a
    word. Was: a heading's went into the bundles' bookmarks ('Beknopte toe\u00adlichting')."""
    shy = "\u00ad"
    root = copy_example(tmp_path / "project", "dossiers", "templates", "schemas")
    shutil.rmtree(root / "dossiers" / WONEN)
    seed = root / "dossiers" / ECONOMIE / "werklocaties" / "dossier.yaml"
    text = seed.read_text(encoding="utf-8")
    for typed, pasted in (
        (
            "onderwerp: Aanpak actieplan Werklocaties",
            f"onderwerp: Aanpak actie{shy}plan Werk{shy}locaties",
        ),
        ("kenmerk: 23.0001772", f"kenmerk: 23.000{shy}1772"),
        (
            "omschrijving: Voorstel aanpak actieplan Werklocaties",
            f"omschrijving: Voorstel aanpak actie{shy}plan Werk{shy}locaties",
        ),
        ("### Beknopte toelichting", f"### Beknopte toe{shy}lichting"),
    ):
        assert typed in text
        text = text.replace(typed, pasted, 1)
    seed.write_text(text, encoding="utf-8")

    result = run_cli("export", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert "U+00AD" not in result.stderr

    meeting = root / "build" / ECONOMIE
    item = meeting / "02-23.0001772-werklocaties"
    for bundle in (item / "bundel.pdf", meeting / "vergaderbundel.pdf"):
        with pikepdf.open(bundle) as pdf, pdf.open_outline() as outline:
            titles: list[str] = []
            items = list(outline.root)
            while items:
                titles.append(str(items[0].title))
                items = list(items[0].children) + items[1:]
        assert [title for title in titles if shy in title] == []
        assert "Beknopte toelichting" in titles
        assert "Bijlage 1 – Voorstel aanpak actieplan Werklocaties" in titles
    with pikepdf.open(item / "voorstel.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]) == "Aanpak actieplan Werklocaties"
    public = meeting / "export" / PUBLIC
    names = sorted(path.name for path in public.glob("02_*"))
    assert names[:2] == [
        "02_23.0001772_bijlage-01_voorstel-aanpak-actieplan-werklocaties.pdf",
        "02_23.0001772_bijlage-02_projectplan-instrumenten-ruimte-voor-werklocaties-"
        "oktober-2021.pdf",
    ]
    assert names[-1] == "02_23.0001772_voorstel_aanpak-actieplan-werklocaties.pdf"
    manifest = (public / "manifest.json").read_text(encoding="utf-8")
    assert "Aanpak actieplan Werklocaties" in manifest
    assert shy not in manifest and "\\u00ad" not in manifest
