"""Generate the first version of templates/agenda.docx in the house style of the voorstel.

Kept for the record: once generated, the .docx is the source that people edit in Word.

    .venv/bin/python tools/make_agenda_template.py [OUTPUT_DIR]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_templates import (  # the shared house-style helpers live there
    NUMBER_NUM_ID,
    ROOT,
    _label_value_table,
    _new_document,
    save,
)

# An item with more decisions and annexes than this is not kept on one page as a whole.
LONG_ITEM = 8
# Where an annex's description starts: after "Bijlage 99." (1.9 cm in 10-pt Liberation Sans)
# from the list's indent of 0.6 cm.
ANNEX_TEXT = Cm(2.7)


def make_agenda() -> DocumentObject:
    """The agenda: meeting details, then the numbered items with their decisions and annexes."""
    doc = _new_document("Agenda")
    footer = doc.sections[0].footer.paragraphs[0]
    # The voorstel's footer shows its kenmerk; an agenda has none, so it names the meeting.
    for run in footer.runs:
        if "{{ kenmerk }}" in run.text:
            run.text = "{{ overleg }}, {{ datum }}"

    doc.add_paragraph("Agenda", style="Title")
    _label_value_table(
        doc,
        [
            ("Overleg", "{{ overleg }}"),
            ("Datum", "{{ datum }}"),
            ("Aanvang", "{{ aanvang }}"),
            ("Locatie", "{{ locatie }}"),
        ],
    )
    # A cancelled meeting's agenda stays published (agenda systems keep a cancelled meeting);
    # it says so above everything else it lists.
    doc.add_paragraph("{%p if geannuleerd %}")
    cancelled = doc.add_paragraph(style="Body Text")
    notice = cancelled.add_run("Deze vergadering is geannuleerd; zij gaat niet door.")
    notice.bold = True
    notice.font.size = Pt(13)
    cancelled.paragraph_format.space_before = Pt(12)
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Agendapunten", level=1)

    doc.add_paragraph("{%p for punt in punten %}")
    # A plain item (Opening, Rondvraag) is one line: kept with the next item's heading, a chain
    # of them would pull the whole agenda after a long item onto the next page.
    _either(doc, "punt.dossier", _item_heading)
    doc.add_paragraph("{%p if punt.dossier %}")
    # Each line of an item is kept with the next, except the item's last: an item that does
    # not fit at the foot of a page moves over whole instead of leaving its annexes behind.
    # A long one (more than LONG_ITEM decisions and annexes) would leave most of a page blank:
    # only its first decision and first annex are kept with the next line.
    short = f"punt.voorstellen|length + punt.bijlagen|length <= {LONG_ITEM}"
    _either(doc, "punt.voorstellen or punt.bijlagen", _details)
    doc.add_paragraph("{%p if punt.voorstellen %}")
    _label(doc, "Voorgesteld besluit")
    doc.add_paragraph("{%p for besluit in punt.voorstellen %}")
    _either(
        doc,
        f"(punt.bijlagen or not loop.last) and (loop.first or {short})",
        _numbered("{{ besluit }}"),
    )
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if punt.bijlagen %}")
    _label(doc, "Bijlagen")
    doc.add_paragraph("{%p for bijlage in punt.bijlagen %}")
    annex = "Bijlage {{ bijlage.nummer }}.\t{{ bijlage.omschrijving }}"
    _either(doc, f"not loop.last and (loop.first or {short})", _line(annex))
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    # No closing paragraph: the agenda ends in text, never in a table, and after text even a
    # 1-pt paragraph took a blank page of its own when the text ended on a page's last line.
    return doc


def _item_heading(doc: Any, keep: bool) -> None:
    heading = doc.add_heading("{{ punt.nummer }}. {{ punt.titel }}", level=2)
    # On the full agenda the chair sees which items are for closed doors.
    closed = heading.add_run(
        "{% if punt.dossier and punt.niet_openbaar %} (niet openbaar){% endif %}"
    )
    # The rendered text starts with a space, which Word drops from a run not marked to keep it.
    closed._r.t_lst[0].set(qn("xml:space"), "preserve")
    heading.paragraph_format.keep_with_next = keep


def _details(doc: Any, keep: bool) -> None:
    details = doc.add_paragraph(style="Body Text")
    details.add_run("Kenmerk {{ punt.kenmerk }}")
    details.add_run("{% if punt.portefeuillehouder %} · portefeuillehouder ")
    details.add_run("{{ punt.portefeuillehouder }}{% endif %} · ")
    purpose = details.add_run("{{ punt.doel }}")
    purpose.bold = True
    details.paragraph_format.keep_with_next = keep


def _label(doc: Any, text: str) -> None:
    """A bold label over a list of an item, closer to its list than to what comes before."""
    label = doc.add_paragraph(style="Body Text")
    label.add_run(text).bold = True
    label.paragraph_format.space_before = Pt(6)
    label.paragraph_format.space_after = Pt(2)
    label.paragraph_format.keep_with_next = True


def _line(text: str) -> Callable[[Any, bool], None]:
    """A line of an item (an annex), indented: "Bijlage 1." then a tab to ANNEX_TEXT, so the
    descriptions line up past Bijlage 9 (a space put those of 10 and on a digit further
    right), and a wrapped line under the description."""

    def add(doc: Any, keep: bool) -> None:
        line = doc.add_paragraph(text, style="Body Text")
        line.paragraph_format.left_indent = ANNEX_TEXT
        line.paragraph_format.first_line_indent = Cm(0.6) - ANNEX_TEXT
        line.paragraph_format.tab_stops.add_tab_stop(ANNEX_TEXT)
        line.paragraph_format.space_after = Pt(2)
        line.paragraph_format.keep_with_next = keep

    return add


def _numbered(text: str) -> Callable[[Any, bool], None]:
    """A numbered line of an item (a decision): "1." then a tab, and a wrapped line under the
    text, not under the number.

    A Word list, not a typed number, so that a screen reader says it is one; the renderer
    makes each item's decisions a list of their own, counting from 1 (render_document's
    restart_lists).
    """

    def add(doc: Any, keep: bool) -> None:
        line = doc.add_paragraph(text, style="Body Text")
        num_pr = line._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = NUMBER_NUM_ID
        line.paragraph_format.left_indent = Cm(1.2)
        line.paragraph_format.first_line_indent = Cm(-0.6)
        line.paragraph_format.tab_stops.add_tab_stop(Cm(1.2))
        line.paragraph_format.space_after = Pt(2)
        line.paragraph_format.keep_with_next = keep

    return add


def _either(doc: Any, more_follows: str, add: Callable[[Any, bool], None]) -> None:
    """The paragraph kept with the next one when ``more_follows`` (Jinja), otherwise not."""
    doc.add_paragraph(f"{{%p if {more_follows} %}}")
    add(doc, True)
    doc.add_paragraph("{%p else %}")
    add(doc, False)
    doc.add_paragraph("{%p endif %}")


def main(argv: Sequence[str]) -> int:
    """Write agenda.docx into the given folder (default: templates/)."""
    # argparse, as make_templates.py: --help prints help, not a folder named "--help".
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "templates")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    save(make_agenda(), args.folder / "agenda.docx")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
