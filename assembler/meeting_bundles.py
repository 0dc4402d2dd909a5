"""A meeting's own outputs: its agendas and meeting bundles, merged and put in place.

The two meeting bundles (the public one and the full one) are the agenda followed by the
bundles of its items. MeetingMerges merges them while the dossiers are still being made, each
part as soon as it is there; meeting_bundles then puts a meeting's agendas and bundles in place
once all of its items were made, or says why they stay as they were (the wording of that
warning is here too: the planning in :mod:`assembler.build` says it for a meeting it does not
make). When and in which order this happens is the orchestrator's (:mod:`assembler.build`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from assembler.build_cache import (
    MEETING_STAGING,
    MeetingPlan,
    Plan,
    TemplateCheck,
    Work,
    changed_files,
    meeting_outputs,
    move,
    staging_folder,
    stamps,
    unrecorded_items,
)
from assembler.build_report import BuildOptions, BuildReport
from assembler.errors import Problem, dutch_list
from assembler.fsutil import not_writable, write_text_atomic
from assembler.layout import (
    BUNDLE_FILE,
    FULL_AGENDA,
    FULL_MEETING_BUNDLE,
    MEETING_OUTPUTS,
    PUBLIC_AGENDA,
    PUBLIC_MEETING_BUNDLE,
    meeting_document_title,
    meeting_record,
    meeting_shown_in_full,
)
from assembler.project import MEETING_FILE, Project

# pikepdf comes with assembler.bundle, imported where a meeting bundle is merged.
if TYPE_CHECKING:
    from assembler.bundle import BundleMeta, MergePart, Merger
    from assembler.inputs import Catalog

# What a warning says was not made, by whether PDFs were asked for.
_MEETING_OUTPUTS_ARE = {True: "agenda en vergaderbundel zijn", False: "de agenda's zijn"}


def items_that(names: Sequence[str], singular: str, plural: str) -> str:
    """'het agendapunt voor a <singular> (zie …)', or the plural for several items."""
    if len(names) == 1:
        return f"het agendapunt voor {names[0]} {singular} (zie de meldingen bij dat agendapunt)"
    return (
        f"de agendapunten voor {dutch_list(names)} {plural} (zie de meldingen bij die agendapunten)"
    )


def templates_not_used(templates: Sequence[str]) -> str:
    """'het sjabloon … niet gebruikt kon worden (zie …)', or the plural for several."""
    templates = sorted(set(templates))
    return (
        f"het sjabloon {templates[0]} niet gebruikt kon worden"
        if len(templates) == 1
        else f"de sjablonen {dutch_list(templates)} niet gebruikt konden worden"
    ) + " (zie de melding daarover)"


def agenda_template_not_used(project: Project) -> str:
    """'het agendasjabloon niet gebruikt kon worden (zie de melding over …)'."""
    return (
        "het agendasjabloon niet gebruikt kon worden (zie de melding over "
        f"{project.display(project.template_for('agenda'))})"
    )


def meeting_outputs_not_made(folder: Path, options: BuildOptions) -> str:
    """How a warning starts when a meeting's outputs stay as they are: updated, or made."""
    # After an earlier build the clerk still has what the warning names; before one (or after
    # a Word-only one, for the meeting bundle) there is none to find.
    named = PUBLIC_MEETING_BUNDLE if options.pdf else f"{PUBLIC_AGENDA}.docx"
    earlier = (folder / named).is_file()
    return f"{_MEETING_OUTPUTS_ARE[options.pdf]} niet {'bijgewerkt' if earlier else 'gemaakt'}"


# --------------------------------------------------------------------------- the merges


def _meeting_meta(
    catalog: Catalog, plan: MeetingPlan, options: BuildOptions, confidential: bool
) -> BundleMeta:
    from assembler.bundle import BundleMeta

    meeting = plan.meeting.meeting
    # The keywords keep the date sortable.
    name = FULL_MEETING_BUNDLE if confidential else PUBLIC_MEETING_BUNDLE
    return BundleMeta(
        title=meeting_document_title(Path(name).stem, meeting),
        author=catalog.organisation.name,
        subject=meeting.meeting,
        keywords=meeting.date.isoformat(),
        source_date_epoch=options.source_date_epoch,
    )


def _meeting_parts(
    plan: MeetingPlan, duplex: bool = False
) -> list[tuple[list[MergePart], str, bool]]:
    """Both meeting bundles' parts, file name and whether confidential; PDFs where they end up.

    With ``duplex`` (organisatie.yaml's ``dubbelzijdig``) each item starts on the front of a
    sheet, so that a confidential item's sheets can be handed out and collected on their own
    and a reader can sort the stack by item (see MergePart.new_sheet).

    The agenda is the bundle's table of contents: each item it shows in full links to the
    item's document, each of the item's annexes to the annex. Its own bookmarks (Agenda ›
    Agendapunten › each item, all to the agenda's pages) are left out: the items are
    bookmarked at the top, where they are.
    """
    from assembler.bundle import MergePart, PartLink

    staging = staging_folder(plan.folder / MEETING_STAGING)
    merges: list[tuple[list[MergePart], str, bool]] = []
    for confidential, agenda, name in (
        (False, PUBLIC_AGENDA, PUBLIC_MEETING_BUNDLE),
        (True, FULL_AGENDA, FULL_MEETING_BUNDLE),
    ):
        parts: list[MergePart] = []
        links: list[PartLink] = []
        for item_plan in plan.items:
            document = item_plan.dossier.document
            if not document.is_public and not confidential:
                continue  # the public agenda shows only its number and "Niet openbaar"
            number = item_plan.item.number
            # Marked as the agenda heads it, so that the outline shows what is confidential.
            marker = "" if document.is_public else " (niet openbaar)"
            # As the agenda heads it (see agenda.agenda_items), which the link is found by.
            target = len(parts) + 1
            links.append(
                PartLink(
                    f"{number}. {document.subject}{marker}",
                    target,
                    f"Ga naar agendapunt {number}",
                    number=number,
                    title=document.subject,
                )
            )
            links += [
                PartLink(
                    f"Bijlage {annex}. {description.description}",
                    target,
                    f"Ga naar bijlage {annex} bij agendapunt {number}",
                    annex=annex,
                    number=annex,
                    title=description.description,
                )
                for annex, description in enumerate(document.annexes, start=1)
            ]
            parts.append(
                MergePart(
                    pdf=item_plan.output_dir / BUNDLE_FILE,
                    title=f"{number}. {document.subject}{marker}",
                    label_prefix=None,
                    own_labels_under=f"{number}.",
                    own_structure=True,
                    new_sheet=duplex,
                )
            )
        agenda_part = MergePart(
            pdf=staging / f"{agenda}.pdf",
            # As the agenda's title says it: a reader opening the bundle sees it first.
            title="Agenda – GEANNULEERD" if plan.meeting.meeting.cancelled else "Agenda",
            label_prefix="Agenda ",
            keep_outline=False,
            own_structure=True,
            links=tuple(links),
            page_references=True,
        )
        merges.append(([agenda_part, *parts], name, confidential))
    return merges


# How many of the items and annexes a meeting bundle cannot link to are named one by one.
_UNLINKED_NAMED = 5


def unlinked_message(meeting: str, names: Sequence[str]) -> str:
    """What to tell the clerk of the links a meeting bundle's agenda could not get: ``names``
    as the links are named ('Ga naar agendapunt 3', 'Ga naar bijlage 2 bij agendapunt 3')."""
    # An annex is looked for under its item's heading: where that is not found, neither are
    # its annexes, and only the item is named.
    items = [name.removeprefix("Ga naar ") for name in names if name.startswith("Ga naar agenda")]
    said: list[str] = []
    for name in names:
        what = name.removeprefix("Ga naar ")
        if what in items:
            under = any(other.endswith(f" bij {what}") for other in names)
            said.append(f"{what} met zijn bijlagen" if under else what)
        elif what.rpartition(" bij ")[2] not in items:
            said.append(what)
    shown = said[:_UNLINKED_NAMED]
    if len(said) > _UNLINKED_NAMED:
        shown.append(f"{len(said) - _UNLINKED_NAMED} andere")
    return (
        f"in de vergaderbundel van {meeting} linkt de agenda niet naar {dutch_list(shown)}: "
        "het nummer en het onderwerp (of de omschrijving van de bijlage) staan in de agenda "
        "niet samen aan het eind van een regel (zet in het agendasjabloon het nummer vóór het "
        "onderwerp of de omschrijving, op dezelfde regel of de regel ervoor, met niets erachter: "
        "ook geen kolom van een tabel)"
    )


def meeting_bundles(
    project: Project,
    catalog: Catalog,
    plan: MeetingPlan,
    work: Work,
    merges: MeetingMerges,
    options: BuildOptions,
    report: BuildReport,
    template_check: TemplateCheck,
) -> None:
    """Put the meeting's agendas and bundles in place, when all of its items were made."""
    from assembler.bundle import merge_documents

    staging = staging_folder(plan.folder / MEETING_STAGING)
    failed = [p.dossier for p in plan.items if p.dossier.folder in work.failed]
    made = meeting_outputs(options)
    agendas = [staging / name for name in made if name.startswith("agenda")]
    agenda_refused = template_check.refuses(project.template_for("agenda"))
    if agenda_refused:
        report.template_failed = True
        for path in agendas:
            path.unlink(missing_ok=True)  # made with it: the agenda template's message below
    if failed or not all(path.is_file() for path in agendas):
        # Named, not "see above": problems are sorted by file, and a dossier's may come after.
        if failed:
            # A broken template is said once, at the template: its dossiers have no message.
            if all(d.folder in work.failed_templates for d in failed):
                why = templates_not_used(
                    [project.display(work.failed_templates[d.folder]) for d in failed]
                )
            else:
                names = [d.name for d in failed]
                why = items_that(names, "niet gemaakt kon worden", "niet gemaakt konden worden")
            if agenda_refused:  # mending the items alone would not make the agendas
                why += f" en {agenda_template_not_used(project)}"
        elif (staging / f"{PUBLIC_AGENDA}.docx").is_file():
            why = "LibreOffice van de agenda geen PDF kon maken (zie de melding daarover)"
        else:
            why = agenda_template_not_used(project)
        report.problems.append(
            Problem(
                project.display(plan.meeting.folder / MEETING_FILE),
                None,
                "",
                f"{meeting_outputs_not_made(plan.folder, options)} omdat {why}",
                "waarschuwing",
            )
        )
        return
    unlinked = merges.unlinked(plan)
    if options.pdf and not merges.written(plan):
        # Not merged along the way (something went wrong there): merged here from the
        # installed files, so any problem is reported as it would be anyway.
        unlinked = []
        duplex = catalog.organisation.duplex
        for parts, name, confidential in _meeting_parts(plan, duplex):
            meta = _meeting_meta(catalog, plan, options, confidential)
            merge_documents(parts, meta, staging / name, unlinked=unlinked)
    # Kept with the outputs: a build that finds the meeting unchanged says them again.
    warnings: list[Problem] = []
    if options.pdf and unlinked:
        warnings.append(
            Problem(
                project.display(project.template_for("agenda")),
                None,
                "",
                unlinked_message(plan.name, list(dict.fromkeys(unlinked))),
                "waarschuwing",
            )
        )
    report.problems.extend(warnings)
    # Which items its public agenda and bundle show in full (see withdraw.py):
    # recorded before they are installed too, with those shown so far, for the same reason
    # as a dossier's (see build._install_dossier). Without its keys while the files move: stopped
    # in between, the next build makes the meeting's outputs again, whatever it is given.
    public = [p.dossier.name for p in plan.items if p.dossier.document.is_public]
    shown = meeting_shown_in_full(project, plan.name)
    if shown is not None:
        write_text_atomic(
            meeting_record(project, plan.name),
            json.dumps({"openbaar": sorted(shown.union(public))}) + "\n",
        )
    # The meeting folder also holds the dossiers' folders, so only these six files move.
    # Without PDFs, the agendas' PDFs stay when the agendas were kept with them (see
    # build_cache.agendas_reusable); the other old ones go, as a dossier's do: they would not
    # match the agendas, or show the items as they were.
    installed, office = list(made), work.office
    kept = work.kept_agendas.get(plan.name)
    if not options.pdf and kept is not None:
        pdfs = [n for n in kept.names if n not in made and (staging / n).is_file()]
        installed, office = installed + pdfs, kept.office if pdfs else None
    for name in MEETING_OUTPUTS:
        if name in installed:
            move(staging / name, plan.folder / name)
            continue
        try:
            (plan.folder / name).unlink(missing_ok=True)
        except OSError as error:
            raise not_writable(plan.folder / name, error) from None
    # Without its keys when made of a file changed since the plan (the agenda template, the
    # logo), or of an item's outputs recorded without theirs for that (see KeyedFile): the
    # next build makes them again.
    moved = changed_files(plan.files)
    if moved:
        work.changed[plan.meeting.folder] = moved
    unrecorded = unrecorded_items(plan, work)
    keys = {"key": plan.key, "agendas": plan.agenda_key}
    if moved or unrecorded:
        del keys["key"]
    if moved:
        del keys["agendas"]
    # Each item's key too: a build of one dossier tells from it whether the agenda shows the
    # dossier as it is now (see build._left_behind).
    items = {
        p.output_dir.name: "" if p.output_dir.name in unrecorded else p.key for p in plan.items
    }
    write_text_atomic(
        meeting_record(project, plan.name),
        json.dumps(
            {
                **keys,
                "openbaar": public,
                "punten": items,
                "stamps": stamps(plan.folder, installed),
                "pdf": options.pdf,
                "meldingen": [problem.as_json() for problem in warnings],
                # The LibreOffice that made the PDFs among them (see build_cache.office_version).
                **({"office": office} if office else {}),
            }
        )
        + "\n",
    )
    work.installed_meetings.add(plan.name)


# A meeting whose annexes take more than this is merged one meeting bundle at a time: pikepdf
# holds the data of every page it copies in memory until the save, so the two bundles open side
# by side held the meeting's annexes twice (eight scanned annexes of 72 MB: 1.4 GB).
ONE_AT_A_TIME_BYTES = 200 * 1024 * 1024


def _annex_bytes(plan: MeetingPlan) -> int:
    """What the annexes of a meeting's items take on disk: about what its bundles will hold."""
    total = 0
    for item_plan in plan.items:
        dossier = item_plan.dossier
        for index in range(len(dossier.document.annexes)):
            try:
                total += dossier.annex_path(index).stat().st_size
            except OSError:
                continue  # said where the annex is checked
    return total


class MeetingMerges:
    """The meeting bundles, merged while the dossiers are still being made.

    Merging the bundles of 30 dossiers into the two meeting bundles takes a third of a
    second; after the last dossier, that was the build's tail, with one CPU idle. Here each
    meeting bundle takes its parts in agenda order as soon as they are there (an agenda once
    converted, a dossier's bundle once made), on a thread of its own, one meeting at a time
    (an open merge keeps all its sources open), and for a meeting with large annexes one
    bundle at a time (see ONE_AT_A_TIME_BYTES). A meeting that cannot be finished this way
    is left to :func:`meeting_bundles`.
    """

    def __init__(
        self, catalog: Catalog, meetings: Sequence[MeetingPlan], options: BuildOptions
    ) -> None:
        self._catalog = catalog
        self._options = options
        self._pending: deque[MeetingPlan] = deque(meetings)
        self._merging = {plan.name for plan in meetings}
        self._open: list[tuple[Merger, list[MergePart], Path]] = []
        self._written: set[str] = set()
        self._unlinked: dict[str, list[str]] = {}
        # For a meeting with large annexes: the public bundle is written and let go before the
        # full one takes its first dossier; the outputs written so far.
        self._one_at_a_time = False
        self._saved: set[Path] = set()
        self._lock = threading.Lock()
        # Where each part can be read now, by the path it is known by in _meeting_parts.
        self._ready: dict[Path, Path] = {}
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vergaderbundel")

    def __enter__(self) -> MeetingMerges:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._thread.shutdown(wait=True, cancel_futures=True)
        self._close()

    def already_made(self, plans: Sequence[Plan]) -> None:
        """Dossiers not rebuilt this time: their installed bundles are parts from the start."""
        self._offer(
            {plan.output_dir / BUNDLE_FILE: plan.output_dir / BUNDLE_FILE for plan in plans}
        )

    def agenda_converted(self, pdf: Path) -> None:
        """An agenda's PDF is there (in the meeting's staging folder, where it stays)."""
        self._offer({pdf: pdf})

    def bundle_made(self, plan: Plan, bundle: Path) -> None:
        """A dossier's bundle is made; called on the thread that made it."""
        if plan.meeting.name not in self._merging:
            return
        # The bundle moves into place when its dossier is installed, maybe while it is being
        # merged: the merge reads it through a link of its own in the meeting's staging
        # folder (made by build._render_agendas before any dossier is rendered).
        staging = staging_folder(plan.output_dir.parent / MEETING_STAGING)
        link = staging / f"bundel-{plan.output_dir.name}.pdf"
        try:
            link.unlink(missing_ok=True)
            os.link(bundle, link)
        except OSError:
            return  # merged at the end, from the installed file
        self._offer({plan.output_dir / BUNDLE_FILE: link})

    def finish(self) -> None:
        """Merge what can still be merged; give up the rest (see meeting_bundles)."""
        self._thread.submit(self._advance, final=True).result()

    def unlinked(self, plan: MeetingPlan) -> list[str]:
        """The links the agendas of the meeting bundles of ``plan`` written here could not get
        (see Merger.unlinked), in agenda order."""
        return list(self._unlinked.get(plan.name, ()))

    def written(self, plan: MeetingPlan) -> bool:
        """Whether both meeting bundles of ``plan`` were written to its staging folder."""
        return plan.name in self._written

    def _offer(self, parts: dict[Path, Path]) -> None:
        with self._lock:
            self._ready.update(parts)
        self._thread.submit(self._advance, final=False)

    def _advance(self, *, final: bool) -> None:
        with self._lock:
            ready = dict(self._ready)
        while self._pending:
            plan = self._pending[0]
            try:
                if not self._open:
                    self._start(plan)
                complete = True
                for merger, parts, output in self._open:
                    if output in self._saved:
                        continue
                    while parts and parts[0].pdf in ready:
                        merger.add(dataclasses.replace(parts[0], pdf=ready[parts[0].pdf]))
                        parts.pop(0)
                    if parts:
                        complete = False
                        if self._one_at_a_time:
                            break  # the next bundle waits until this one is written
                    elif self._one_at_a_time:
                        merger.write(output)
                        merger.close()  # its copies of the parts go before the next takes any
                        self._saved.add(output)
                if not complete and not final:
                    return
                if complete:
                    for merger, _parts, output in self._open:
                        if output not in self._saved:
                            merger.write(output)
                    self._written.add(plan.name)
                    self._unlinked[plan.name] = [
                        name for merger, _parts, _output in self._open for name in merger.unlinked
                    ]
            except Exception:  # merged again at the end, and reported there
                self._written.discard(plan.name)
            self._close()
            self._pending.popleft()

    def _start(self, plan: MeetingPlan) -> None:
        from assembler.bundle import Merger

        staging = staging_folder(plan.folder / MEETING_STAGING)
        self._one_at_a_time = _annex_bytes(plan) > ONE_AT_A_TIME_BYTES
        duplex = self._catalog.organisation.duplex
        for parts, name, confidential in _meeting_parts(plan, duplex):
            meta = _meeting_meta(self._catalog, plan, self._options, confidential)
            self._open.append((Merger(meta), list(parts), staging / name))

    def _close(self) -> None:
        for merger, _parts, _output in self._open:
            merger.close()
        self._open = []
        self._saved.clear()
