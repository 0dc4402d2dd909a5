"""LibreOffice's PDFs checked and made reproducible, after conversion.

:func:`check_pdf` accepts only a complete PDF that opens without repairs.
:func:`normalise_pdf` rewrites what LibreOffice stamps into every PDF although
``SOURCE_DATE_EPOCH`` asks otherwise (creation dates, XMP dates, ``/ID``, the trailer's
``/DocChecksum``, the header date of the embedded ICC profile), from the epoch and the
content, so that equal inputs give byte-identical PDFs. Kept apart from :mod:`assembler.convert`
so that starting LibreOffice does not wait for pikepdf to load.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
from lxml import etree

from assembler.fsutil import atomic_path, library_output

__all__ = ["XPACKET_BEGIN", "XPACKET_END", "check_pdf", "normalise_pdf"]

_XMP_NS = "http://ns.adobe.com/xap/1.0/"
_XMPMM_NS = "http://ns.adobe.com/xap/1.0/mm/"
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The packet's wrapper as XMP writers put it (the bundles' XMP is written whole).
XPACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
XPACKET_END = '<?xpacket end="w"?>'


def normalise_pdf(path: Path, epoch: int) -> None:
    """Rewrite ``path`` so its dates, /ID and checksums derive from ``epoch`` and its content."""
    path = Path(path)
    with pikepdf.open(path) as pdf:
        _normalise(pdf, epoch)
        # qpdf keeps the first /ID element of the input; without one it derives both
        # elements from an MD5 of the written content.
        # fix_metadata_version would re-serialise the XMP packet written above.
        with atomic_path(path) as temp, library_output(temp) as stream:
            pdf.save(stream, deterministic_id=True, fix_metadata_version=False)


def _normalise(pdf: pikepdf.Pdf, epoch: int) -> None:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    pdf_date = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    xmp_date = moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")

    for key in ("/ID", "/DocChecksum"):
        # /DocChecksum is private to LibreOffice and hashes a timestamped stream.
        if key in pdf.trailer:
            del pdf.trailer[key]

    info = pdf.docinfo
    info[pikepdf.Name.CreationDate] = pikepdf.String(pdf_date)
    info[pikepdf.Name.ModDate] = pikepdf.String(pdf_date)

    if "/Metadata" in pdf.Root:
        metadata = pdf.Root.Metadata
        packet = _normalise_xmp(metadata.read_bytes(), xmp_date, pdf)
        metadata.write(packet)

    for intent in pdf.Root.get("/OutputIntents", pikepdf.Array()):
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            data = profile.read_bytes()
            fixed = _normalise_icc(data, moment)
            if fixed != data:
                profile.write(zlib.compress(fixed, 9), filter=pikepdf.Name.FlateDecode)


def _normalise_xmp(packet: bytes, xmp_date: str, pdf: pikepdf.Pdf) -> bytes:
    parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)
    root = etree.fromstring(packet, parser)
    rdf = root if root.tag == f"{{{_RDF_NS}}}RDF" else root.find(f".//{{{_RDF_NS}}}RDF")
    if rdf is None:
        return packet
    descriptions = rdf.findall(f"{{{_RDF_NS}}}Description")

    values = {
        f"{{{_XMP_NS}}}CreateDate": xmp_date,
        f"{{{_XMP_NS}}}ModifyDate": xmp_date,
        f"{{{_XMP_NS}}}MetadataDate": xmp_date,
    }
    if any(
        d.find(f"{{{_XMPMM_NS}}}{name}") is not None or d.get(f"{{{_XMPMM_NS}}}{name}")
        for d in descriptions
        for name in ("DocumentID", "InstanceID")
    ):
        digest = _content_digest(pdf)
        uid = f"uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        values[f"{{{_XMPMM_NS}}}DocumentID"] = uid
        values[f"{{{_XMPMM_NS}}}InstanceID"] = uid

    for tag, value in values.items():
        found = False
        for description in descriptions:
            if description.get(tag) is not None:
                description.set(tag, value)
                found = True
            element = description.find(tag)
            if element is not None:
                element.text = value
                found = True
        if not found and tag.startswith(f"{{{_XMP_NS}}}"):
            home = next((d for d in descriptions if d.find(f"{{{_XMP_NS}}}*") is not None), None)
            if home is None:
                home = etree.SubElement(
                    rdf,
                    f"{{{_RDF_NS}}}Description",
                    {f"{{{_RDF_NS}}}about": ""},
                    nsmap={"xmp": _XMP_NS},
                )
                descriptions.append(home)
            siblings = list(home)
            new = etree.SubElement(home, tag, nsmap={"xmp": _XMP_NS})
            new.text = value
            if siblings:
                # Keep the packet readable: same indentation as the entries before it.
                new.tail = siblings[-1].tail
                siblings[-1].tail = home.text

    body = etree.tostring(root, encoding="unicode")
    # Padding lets later tools edit the XMP in place, as LibreOffice's own packet does.
    padding = (" " * 99 + "\n") * 20
    return (XPACKET_BEGIN + body + "\n" + padding + XPACKET_END).encode("utf-8")


def _content_digest(pdf: pikepdf.Pdf) -> str:
    digest = hashlib.sha256()
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = contents if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            if isinstance(stream, pikepdf.Stream):
                digest.update(stream.read_bytes())
    return digest.hexdigest()


def _normalise_icc(data: bytes, moment: datetime) -> bytes:
    if len(data) < 128 or data[36:40] != b"acsp":
        return data
    stamp = struct.pack(
        ">6H", moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second
    )
    fixed = bytearray(data)
    fixed[24:36] = stamp
    if any(fixed[84:100]):
        # The profile ID is an MD5 over the profile with flags, intent and the ID zeroed;
        # the date is part of it, so it must follow the new date.
        scratch = bytearray(fixed)
        scratch[44:48] = bytes(4)
        scratch[64:68] = bytes(4)
        scratch[84:100] = bytes(16)
        fixed[84:100] = hashlib.md5(bytes(scratch)).digest()
    return bytes(fixed)


def check_pdf(path: Path) -> str | None:
    """None when ``path`` is a complete PDF that opens; otherwise a Dutch reason."""
    try:
        size = path.stat().st_size
        if size == 0:
            return "LibreOffice gaf een leeg PDF-bestand"
        with path.open("rb") as handle:
            handle.seek(max(0, size - 1024))
            if b"%%EOF" not in handle.read():
                return "LibreOffice gaf een onvolledig PDF-bestand"
        with pikepdf.open(path) as pdf:
            # qpdf silently repairs a truncated file; a warning means it had to.
            if pdf.get_warnings() or len(pdf.pages) == 0:
                return "LibreOffice gaf een beschadigd PDF-bestand"
    except (OSError, pikepdf.PdfError) as error:
        return f"LibreOffice gaf een PDF die niet opent ({error})"
    return None
