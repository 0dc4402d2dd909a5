"""The agenda of a meeting as template values, in a public and a confidential version.

The public version shows a confidential item only as its number and "Niet openbaar": the
values for it are left out here, so no template edit can leak them.
"""

from __future__ import annotations

from typing import Any

from assembler.inputs import DEFAULT_PURPOSE, AgendaItem, MeetingInput, agenda_purpose
from assembler.model import Voorstel

DECISION = "besluit"
"""The agenda template's value for one decision: its numbered paragraph counts from 1 per item
(see render.render_document's ``restart_lists``; the template check warns without it)."""

CONFIDENTIAL_TITLE = "Niet openbaar"


def meeting_date(meeting: MeetingInput) -> str:
    """``vrijdag 26 mei 2023``."""
    # Here: a build that makes no agenda (nothing changed) need not load Babel's data.
    from assembler.dates import weekday_date

    return weekday_date(meeting.meeting.date)


def meeting_time(meeting: MeetingInput) -> str:
    """``14.00 uur``."""
    return meeting.meeting.start.replace(":", ".") + " uur"


def purpose(item: AgendaItem, meeting: MeetingInput) -> str:
    """Ter besluitvorming / bespreking / informatie, from the row dated on the meeting day."""
    assert item.dossier is not None
    document = item.dossier.document
    if isinstance(document, Voorstel):
        for row in document.history:
            if row.date == meeting.meeting.date:
                # Validation refused any other: the agenda never guesses from unknown words.
                return agenda_purpose(row.purpose) or DEFAULT_PURPOSE
        return DEFAULT_PURPOSE
    return "ter informatie"


def agenda_items(meeting: MeetingInput, *, confidential: bool) -> list[dict[str, Any]]:
    """The agenda's items; ``confidential`` False gives the public version."""
    items: list[dict[str, Any]] = []
    for item in meeting.items:
        entry: dict[str, Any] = {
            "nummer": item.number,
            "titel": item.text or "",
            "dossier": False,
            "niet_openbaar": False,
            "kenmerk": "",
            "portefeuillehouder": "",
            "doel": "",
            "voorstellen": [],
            "bijlagen": [],
            "soort": "punt",
        }
        dossier = item.dossier
        if dossier is not None:
            document = dossier.document
            if not document.is_public and not confidential:
                entry["titel"] = CONFIDENTIAL_TITLE
                entry["niet_openbaar"] = True
            else:
                entry.update(
                    titel=document.subject,
                    dossier=True,
                    niet_openbaar=not document.is_public,
                    kenmerk=document.reference,
                    portefeuillehouder=getattr(document, "portfolio_holder", None) or "",
                    doel=purpose(item, meeting),
                    voorstellen=list(document.decisions) if isinstance(document, Voorstel) else [],
                    bijlagen=[
                        {"nummer": number, "omschrijving": annex.description}
                        for number, annex in enumerate(document.annexes, start=1)
                    ],
                )
                entry["soort"] = document.kind
        items.append(entry)
    return items


def agenda_context(
    meeting: MeetingInput, organisation: dict[str, Any], *, confidential: bool
) -> dict[str, Any]:
    """Template values of ``templates/agenda.docx``."""
    return {
        "organisatie": organisation,
        "niet_openbaar": confidential,
        "overleg": meeting.meeting.meeting,
        "datum": meeting_date(meeting),
        "aanvang": meeting_time(meeting),
        "locatie": meeting.meeting.location,
        "geannuleerd": meeting.meeting.cancelled,
        "punten": agenda_items(meeting, confidential=confidential),
    }
