"""What a build says of a meeting whose agendas it did not make or update, and of a template
nothing chosen needs (the review's wordings H12): through the real command line, on the
catalogue project (see README.md)."""

from __future__ import annotations

import pytest

from .conftest import (
    AGENDA,
    DOEL,
    ECONOMIE,
    MEETING_DIR,
    MEMO,
    Catalogue,
    Run,
    add_template_paragraph,
)

AGENDA_TEMPLATE = "templates/agenda.docx"
MEMO_TEMPLATE = "templates/memo.docx"
NOT_A_DOCX = "is geen Word-document (.docx) (sla het sjabloon in Word op als .docx)"
# A Jinja syntax error in the memo template, as the template check says it.
MEMO_BROKEN = (
    f"{MEMO_TEMPLATE}: fout in de sjablooncode bij '{{% if onderwerp %}}': het sjabloon houdt "
    "op terwijl {% if %} nog open staat (sluit het af zoals het begint: met {% endif %} in "
    "dezelfde alinea, {%p endif %} op een eigen regel of {%tr endif %} in een tabelrij)"
)
AGENDA_TEMPLATE_REASON = (
    f"het agendasjabloon niet gebruikt kon worden (zie de melding over {AGENDA_TEMPLATE})"
)


def _problems(run: Run) -> list[str]:
    """The problem lines of a run's stderr, without its progress and closing lines."""
    return [line for line in run.lines if line.startswith(("dossiers/", "templates/"))]


def _break_memo_template(catalogue: Catalogue) -> None:
    add_template_paragraph(catalogue.path(MEMO_TEMPLATE), "{% if onderwerp %}")


def test_a_refused_item_and_a_broken_agenda_template_are_both_named(
    catalogue: Catalogue,
) -> None:
    catalogue.write(AGENDA_TEMPLATE, "dit is geen Word-document")
    catalogue.replace_line(DOEL, 10, "datum: 2023-02-30")
    built = catalogue.build(MEETING_DIR)
    assert (built.exit_code, _problems(built)) == (
        2,
        [
            f"{AGENDA_TEMPLATE}: {NOT_A_DOCX}",
            f"{DOEL}:10: datum: '2023-02-30' is geen bestaande datum (schrijf JJJJ-MM-DD)",
            f"{AGENDA}: waarschuwing: de agenda's zijn niet gemaakt omdat het agendapunt voor "
            "doel is afgekeurd (zie de meldingen bij dat agendapunt) en "
            f"{AGENDA_TEMPLATE_REASON}",
        ],
    )


def test_a_failed_item_and_a_broken_agenda_template_are_both_named(
    catalogue: Catalogue,
) -> None:
    catalogue.write(AGENDA_TEMPLATE, "dit is geen Word-document")
    _break_memo_template(catalogue)
    built = catalogue.build(MEETING_DIR)
    assert (built.exit_code, _problems(built)) == (
        2,
        [
            f"{AGENDA_TEMPLATE}: {NOT_A_DOCX}",
            MEMO_BROKEN,
            f"{AGENDA}: waarschuwing: de agenda's zijn niet gemaakt omdat het sjabloon "
            f"{MEMO_TEMPLATE} niet gebruikt kon worden (zie de melding daarover) en "
            f"{AGENDA_TEMPLATE_REASON}",
        ],
    )


@pytest.mark.parametrize(
    ("path", "chosen"),
    [
        (f"dossiers/{ECONOMIE}", "de gekozen vergadering heeft"),
        (f"dossiers/{ECONOMIE}/werklocaties", "het gekozen dossier heeft"),
        (
            f"dossiers/{ECONOMIE}/werklocaties dossiers/{ECONOMIE}",
            "de gekozen vergadering en het dossier hebben",
        ),
    ],
    ids=["vergadering", "dossier", "beide"],
)
def test_a_template_not_needed_names_what_was_chosen(
    catalogue: Catalogue, path: str, chosen: str
) -> None:
    """The memo template is broken; the example meeting has no memo."""
    _break_memo_template(catalogue)
    said = [
        f"{MEMO_TEMPLATE}: waarschuwing: {MEMO_BROKEN.removeprefix(MEMO_TEMPLATE + ': ')}; "
        f"{chosen} dit sjabloon niet nodig"
    ]
    checked = catalogue.cli("check", *path.split())
    assert (checked.exit_code, _problems(checked)) == (0, said)
    built = catalogue.build(*path.split())
    # A dossier built alone also says its meeting's agendas were not made: not this test's.
    templates = [line for line in _problems(built) if line.startswith("templates/")]
    assert (built.exit_code, templates) == (0, said)


def test_a_dossier_built_alone_with_a_broken_template_is_not_called_changed(
    catalogue: Catalogue,
) -> None:
    assert catalogue.build(MEETING_DIR).exit_code == 0
    _break_memo_template(catalogue)
    built = catalogue.build(MEMO.removesuffix("/dossier.yaml"))
    assert (built.exit_code, _problems(built)) == (
        2,
        [
            MEMO_BROKEN,
            f"{AGENDA}: waarschuwing: de agenda's zijn niet bijgewerkt omdat het sjabloon "
            f"{MEMO_TEMPLATE} niet gebruikt kon worden (zie de melding daarover)",
        ],
    )
