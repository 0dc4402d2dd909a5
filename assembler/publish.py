"""Deliver a meeting to an agenda system that speaks the VNG ODS Open Raadsinformatie API.

The meeting is exported first (so the confidentiality gate has run and the manifests are
current); the manifests then say what the agenda system should hold: one ``Vergadering``, its
``Agendapunt``en and the ``InformatieObject``en, public ones only unless asked. What was sent
before is remembered per API address in ``dossiers/<meeting>/publicatie.json``: the id the
server gave each object and a hash of what was sent. So publishing again sends only what
changed (POST for new, PUT for changed, DELETE for withdrawn) and an unchanged meeting sends
nothing.

The bearer token is passed in by the caller (the CLI reads ``ASSEMBLER_ODS_TOKEN``); it goes
into request headers only, never into a file, a message or a report.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import ssl
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from assembler.build_report import build_lock
from assembler.errors import NotExported, UsageError

# These two lived here: the names stay, for the modules that import them from here.
from assembler.errors import PublishFailed as PublishFailed
from assembler.errors import PublishRejected as PublishRejected
from assembler.fsutil import read_json
from assembler.package import (
    CONFIDENTIAL,
    PUBLIC,
    ExportReport,
    MeetingExport,
    Side,
    export_meetings,
    load_publication,
    refuse_unexportable,
    save_publication,
)
from assembler.project import MEETING_FILE, PUBLICATION_FILE, Project

TOKEN_VARIABLE = "ASSEMBLER_ODS_TOKEN"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
# A POST done twice makes two objects: it is repeated only when it cannot have been carried out,
# when no connection was made or the server says it did not take it on (429: too many requests,
# 503: unavailable); after a timeout, a dropped connection or another 5xx the server may have
# made the object all the same.
POST_RETRY_STATUS = frozenset({429, 503})
DEFAULT_ATTEMPTS = 4
DEFAULT_BACKOFF = 0.5
# The longest pause a Retry-After gets: a server asking for an hour stops the publish sooner.
DEFAULT_MAX_WAIT = 60.0
DEFAULT_TIMEOUT = 30.0
# In publicatie.json, per address: whether the last publish there sent the confidential
# documents too. A publish not told otherwise does the same, so that one without the option
# does not delete them from the agenda system.
_CONFIDENTIAL_KEY = "ook-niet-openbaar"
# The meeting as put_or_post knows objects: by collection and key.
_MEETING = ("vergaderingen", "vergadering")
# In publicatie.json, per address: the POST that was sent and whose answer is not yet kept
# (method, path, what it makes, its key and the hash of what it sent; not the body, which may
# hold confidential texts, nor the token). A publish stopped while it was under way (Ctrl-C, a
# kill, a crash) leaves it, and the next publish does not send it again: see _in_doubt.
_UNDER_WAY = "onderweg"

# The manifest's own extensions are for the package; an ODS server gets only ODS fields.
_VERGADERING_FIELDS = (
    "naam",
    "vergaderdatum",
    "geplandeVergaderdatum",
    "geplandeAanvangVergadering",
    "locatie",
    "vergaderingstype",
    "status",
)
_AGENDAPUNT_FIELDS = (
    "agendapuntvolgnummer",
    "agendapuntKenmerk",
    "agendapuntTitel",
    "agendapuntOmschrijving",
    "indicatorBesloten",
)
_INFORMATIEOBJECT_FIELDS = (
    "titel",
    "omschrijving",
    "informatieobjecttype",
    "creatiedatum",
    "versie",
    "vertrouwelijkheidsaanduiding",
    "taal",
    "auteur",
    "link",
    "portefeuillehouder",
)


class PublishStopped(KeyboardInterrupt):
    """A publish stopped (Ctrl-C, SIGTERM) after it began sending: what was sent, and what was
    under way, are said instead of the generic message ("niets is half geschreven" is not so).

    Not in errors.py, though drawn in its tree: a stop, not an error (exit 130, STOPPED_EXIT),
    and it carries this module's PublishReport."""

    def __init__(self, report: PublishReport, message: str) -> None:
        super().__init__(message)
        self.report = report
        self.message = message


class _Gone(Exception):
    """A PUT was answered 404: the agenda system no longer holds the object."""


class _Unsure(Exception):
    """An object to make anew points at one this run has not seen the agenda system hold."""


@dataclass(frozen=True)
class Request:
    """One request of a publication: planned, or sent with the status the server gave."""

    method: str
    path: str
    what: str  # "vergadering", "agendapunt 3", "informatieobject 02_....pdf"
    reason: str  # nieuw, gewijzigd, ingetrokken, opnieuw aangemaakt
    status: int | None = None


@dataclass
class PublishReport:
    """What a publication did (or, in a dry run, would do)."""

    meeting: str
    url: str
    dry_run: bool
    export: ExportReport
    requests: list[Request] = field(default_factory=list)
    unchanged: int = 0
    # Files at publicatie_url that no link points to any more: withdrawn, or renamed.
    take_down: list[str] = field(default_factory=list)
    # Public files a link sent in this run points to that are new there, or have a new version
    # under the same name (a vergaderbundel without a dossier now confidential): to put there.
    put_up: list[str] = field(default_factory=list)
    # What the clerk should know that is not a request (warnings, in Dutch).
    notes: list[str] = field(default_factory=list)
    # Whether the confidential documents were sent too, and whether that was not asked but
    # taken from the last publish to this address (the CLI says so).
    include_confidential: bool = False
    as_before: bool = False

    @property
    def accepted(self) -> int:
        """Number of requests the agenda system carried out, answered 2xx (0 in a dry run)."""
        # Not every request answered: a PUT answered 404 changed nothing, the POST after it did.
        return sum(1 for r in self.requests if r.status is not None and 200 <= r.status < 300)


def check_url(url: str) -> str:
    """The API base URL without a trailing slash; plain http only on this machine."""
    parts = urlsplit(url)
    try:
        port = parts.port  # a port that is not a number, or out of range, raises here
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise UsageError(
            f"'{url}' is geen webadres van een API (schrijf bijvoorbeeld "
            "https://raad.example.nl/api/ods/v1)"
        )
    if parts.username is not None or parts.password is not None:
        # Never sent (the token is), and a password typed here would stay in the shell's
        # history: said without it.
        bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        raise UsageError(
            f"'{bare}': zet geen gebruikersnaam of wachtwoord in het webadres (het "
            f"vergadersysteem krijgt het token uit {TOKEN_VARIABLE})"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise UsageError(
            f"'{url}' gebruikt http zonder versleuteling; het token zou leesbaar over het "
            "netwerk gaan (gebruik https)"
        )
    # One API, one key in publicatie.json: case of scheme and host, a default port and a
    # trailing slash do not make another address.
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    shown_port = f":{port}" if port not in (None, default) else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{host}{shown_port}{parts.path.rstrip('/')}{query}"


def _holds(state: object) -> bool:
    """Whether the kept state of an address says something stands there."""
    if not isinstance(state, dict):
        return False
    # A POST under way may have made an object there.
    parts = ("vergadering", "agendapunten", "informatieobjecten", _UNDER_WAY)
    return any(state.get(part) for part in parts)


def _normal(url: str) -> str:
    """``url`` as check_url writes it, or as it is when check_url refuses it."""
    try:
        return check_url(url)
    except UsageError:
        return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _new_client() -> httpx.Client:
    try:
        return httpx.Client(timeout=DEFAULT_TIMEOUT)
    except (OSError, ssl.SSLError) as error:
        raise PublishFailed(
            f"de certificaten voor https konden niet geladen worden: {error} (controleer "
            "SSL_CERT_FILE en SSL_CERT_DIR, of haal ze weg om de certificaten van het systeem "
            "te gebruiken)"
        ) from None


def _digest(body: dict[str, Any]) -> str:
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pick(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: entry[name] for name in fields if name in entry}


class _Sender:
    """Sends requests with retries, or (dry run) only records them."""

    def __init__(
        self,
        base: str,
        client: httpx.Client | None,
        token: str,
        report: PublishReport,
        attempts: int,
        backoff: float,
        sleep: Callable[[float], None],
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        self.base = base
        self.client = client
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        self.report = report
        # Whether a request of this run was carried out (2xx): only then does a 404 say that
        # an object is gone, and not that the API is no longer at its address.
        self.present = False
        self.last_status: int | None = None  # the answer to the last request sent
        # The request sent and not yet answered (or waiting to be tried again): a stop then
        # cannot tell whether the server carried it out.
        self.under_way: Request | None = None
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep

    def send(
        self, method: str, path: str, what: str, reason: str, body: dict[str, Any] | None
    ) -> str | None:
        """Send one request; return the object's id from the answer (None for DELETE).

        A DELETE answered 404 returns (``last_status`` says so); a PUT answered 404 raises
        ``_Gone``."""
        if self.client is None:
            self.report.requests.append(Request(method, path, what, reason))
            return "(nieuw)" if method == "POST" else None
        self.under_way = Request(method, path, what, reason)
        response = self._with_retries(method, path, what, body)
        self.under_way = None
        self.report.requests.append(Request(method, path, what, reason, response.status_code))
        self.last_status = response.status_code
        if 200 <= response.status_code < 300:
            self.present = True
        if method == "DELETE":
            return None
        if method == "PUT" and response.status_code == 404:
            raise _Gone
        return _answer_id(response, method, path, what)

    def _with_retries(
        self, method: str, path: str, what: str, body: dict[str, Any] | None
    ) -> httpx.Response:
        assert self.client is not None
        problem = ""
        said = ""  # the server's own explanation of its last failing answer
        asked: float | None = None  # the pause the server's last answer asked for
        throttled = False  # whether that answer was 429: too many requests
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1) if asked is None else asked)
            asked, throttled, said = None, False, ""
            carried_out = False  # whether the server may have done it although it failed
            try:
                response = self.client.request(
                    method,
                    self.base + path,
                    headers=self.headers,
                    content=None if body is None else json.dumps(body, ensure_ascii=False),
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                problem = "geen verbinding met de server"  # the request never left
            except httpx.TimeoutException:
                problem = "geen antwoord binnen de wachttijd"
                carried_out = True
            except httpx.TransportError:
                problem = "de verbinding met de server werd verbroken"
                carried_out = True
            else:
                if response.status_code in RETRY_STATUS:
                    problem = f"de server antwoordde {response.status_code}"
                    carried_out = response.status_code not in POST_RETRY_STATUS
                    asked = _retry_after(response, self.max_wait)
                    throttled = response.status_code == 429
                    said = _detail(response)
                elif response.status_code == 404 and method in ("DELETE", "PUT"):
                    # The object is gone: for a DELETE that is what we wanted, a PUT's object is
                    # made anew. A POST answered 404 is refused below: its address is wrong.
                    return response
                elif response.is_redirect or 300 <= response.status_code < 400:
                    # A sign-in page or a proxy in front of the API: its answer is no object
                    # (its Location's last part read as an id made every object "login").
                    where = response.headers.get("Location", "")
                    raise PublishRejected(
                        f"{method} {path}: de server stuurt door"
                        f"{f' naar {where}' if where else ''} ({response.status_code}) in plaats "
                        "van te antwoorden: staat er een inlogpagina of proxy voor de API? "
                        "(controleer het adres van de API bij --naar; wat eerder lukte is bewaard "
                        "in publicatie.json)"
                    )
                elif response.status_code >= 400:
                    advice = _REJECTED.get(response.status_code, _REJECTED[0])
                    raise PublishRejected(
                        f"{method} {path}: de server weigerde het verzoek met "
                        f"{response.status_code}{_detail(response)} "
                        f"({advice.format(what=_the(what))}"
                        "; wat eerder lukte is bewaard in publicatie.json)"
                    )
                else:
                    return response
            if method == "POST" and carried_out:
                raise _in_doubt(path, what, problem)
        # Named as the clerk knows it, with what the server said: its path is only an id.
        if throttled:
            raise PublishFailed(
                f"{method} {path} ({what}): het vergadersysteem krijgt te veel verzoeken (de "
                f"server antwoordde 429{said}), ook na {self.attempts} pogingen (het vraagt "
                "langzamer te versturen: probeer het later opnieuw; wat eerder lukte is bewaard "
                "in publicatie.json)"
            )
        raise PublishFailed(
            f"{method} {path} ({what}): {problem}{said}, ook na {self.attempts} pogingen "
            "(probeer het later opnieuw; wat eerder lukte is bewaard in publicatie.json)"
        )


def _the(what: str) -> str:
    """``what`` (a Request's) as a sentence names it: 'de vergadering'; an agenda item and a
    document are named by their number or file ('agendapunt 3'), which takes no article."""
    return f"de {what}" if what == "vergadering" else what


def _in_doubt(path: str, what: str, problem: str) -> PublishFailed:
    """A POST the server may have carried out although no answer said so: it is not sent
    again, as a second one would make a second object; the clerk is to look."""
    return PublishFailed(
        f"POST {path}: {problem}; niet herhaald, want misschien heeft de server {_the(what)} "
        "toch aangemaakt (kijk in het vergadersysteem of het er staat, en haal het daar weg "
        "voordat u opnieuw publiceert: anders komt het er twee keer; wat eerder lukte is bewaard "
        "in publicatie.json)"
    )


def _stopped(under_way: Request | None) -> str:
    """What a publish stopped by Ctrl-C or SIGTERM says after the requests it sent."""
    kept = "wat eerder lukte is bewaard in publicatie.json"
    if under_way is None:
        return (
            "afgebroken tussen twee verzoeken: wat hierboven staat, is verstuurd (voer de "
            f"opdracht opnieuw uit om de rest te versturen; {kept})"
        )
    request = f"{under_way.method} {under_way.path} ({under_way.what})"
    if under_way.method == "POST":
        return (
            f"afgebroken: {request} was onderweg; misschien heeft de server "
            f"{_the(under_way.what)} aangemaakt, misschien niet (kijk in het vergadersysteem of "
            "het er staat, en haal het daar weg voordat u opnieuw publiceert: anders komt het er "
            "twee keer; de volgende "
            f"publicatie verstuurt het niet en zegt dit nog eens, die daarna wel; {kept})"
        )
    return (
        f"afgebroken: {request} was onderweg; misschien heeft de server het uitgevoerd, "
        "misschien niet (voer de opdracht opnieuw uit om af te maken: dit verzoek gaat dan nog "
        f"eens, wat geen kwaad kan; {kept})"
    )


def _retry_after(response: httpx.Response, cap: float) -> float | None:
    """The seconds a Retry-After header asks to wait (a number or an HTTP date), at most ``cap``;
    None when the answer has none that can be read."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # isdigit() alone takes "²", which float() refuses
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses as naive
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), cap)


# What to check when the server refuses a request, by its status; 0: any other. {what} is
# what the request was for, as the clerk knows it.
_REJECTED = {
    400: "controleer de gegevens die de server noemt",
    401: "controleer het token",
    403: "controleer het token",
    404: "controleer het adres van de API bij --naar",
    405: "controleer het adres van de API bij --naar",
    # A conflict is no wrong token: a POST that timed out, say, may have made it after all.
    409: (
        "{what} botst met wat er al in het vergadersysteem staat; misschien staat het er al, "
        "bijvoorbeeld na een eerder verzoek dat geen antwoord kreeg: kijk daar"
    ),
    422: "controleer de gegevens die de server noemt",
    0: "controleer het token en de gegevens",
}
# At most this many of the fields a refusal names (a VNG Foutbericht's invalidParams).
_FIELDS_SAID = 5


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    said = ""
    for key in ("detail", "title", "message"):
        if isinstance(data.get(key), str) and data[key].strip():
            said = ": " + " ".join(data[key].split())[:200]
            break
    # What names the field: a VNG Foutbericht's invalidParams ({name, code, reason}).
    params = data.get("invalidParams")
    fields = [
        f"{param['name']}: {' '.join(str(param.get('reason') or param.get('code', '')).split())}"
        for param in (params if isinstance(params, list) else [])  # a server's, so anything
        if isinstance(param, dict) and isinstance(param.get("name"), str)
    ]
    if fields:
        more = len(fields) - _FIELDS_SAID
        listed = "; ".join(field[:200] for field in fields[:_FIELDS_SAID])
        said += f" [{listed}{f'; en nog {more}' if more > 0 else ''}]"
    return said


def _answer_id(response: httpx.Response, method: str, path: str, what: str) -> str:
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        return str(data["id"])
    # An ODS object names itself by its url too; some servers give only that.
    for named in (
        data.get("url") if isinstance(data, dict) else None,
        response.headers.get("Location"),
    ):
        if isinstance(named, str):
            tail = urlsplit(named).path.rstrip("/").rsplit("/", 1)[-1]
            if tail:
                return tail
    if method == "PUT":
        return path.rsplit("/", 1)[-1]
    # Answered 2xx, so the object was most likely made: sent again, it would be there twice.
    raise PublishFailed(
        f"{method} {path}: het antwoord van de server noemt geen id (ook geen url), maar "
        f"{_the(what)} is waarschijnlijk wel aangemaakt (kijk in het vergadersysteem of het er "
        "staat, en haal het daar weg voordat u opnieuw publiceert: anders komt het er twee keer; "
        "controleer ook "
        "het adres van de API; wat eerder lukte is bewaard in publicatie.json)"
    )


def _object_path(collection: str, object_id: str) -> str:
    return f"/{collection}/{quote(object_id, safe='')}"


def _find_export(report: ExportReport, meeting_folder: Path) -> MeetingExport:
    """The meeting's package, if the export made it without refusing anything."""
    name = Path(meeting_folder).resolve().name
    problems = [*report.build.problems, *report.problems]  # as export says them
    # What an export refused is not sent as it stands: the agenda system would be told to
    # take down what a clerk is still mending.
    if not any(problem.ernst == "fout" for problem in problems):
        for export in report.meetings:
            if export.name == name:
                return export
    raise NotExported(
        f"{name}: de vergadering kon niet zonder fouten geëxporteerd worden, dus er is niets "
        "verstuurd",
        problems,
        report.exit_code,
    )


def _documents(
    export: MeetingExport, include_confidential: bool
) -> list[tuple[str, dict[str, Any]]]:
    sides: tuple[Side, ...] = (PUBLIC, CONFIDENTIAL) if include_confidential else (PUBLIC,)
    found = []
    for side in sides:
        documents = [d for d in export.documents if d.side == side]
        entries = export.manifests[side]["informatieobjecten"]
        for document, entry in zip(documents, entries, strict=True):
            found.append((f"{side}:{document.key}", entry))
    return found


def publish_meeting(
    project: Project,
    meeting_folder: Path,
    url: str,
    *,
    token: str,
    include_confidential: bool | None = None,
    dry_run: bool = False,
    client: httpx.Client | None = None,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = DEFAULT_BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = DEFAULT_MAX_WAIT,
    lock_wait: float = 0.0,
    waiting: Callable[[str], None] | None = None,
) -> PublishReport:
    """Export the meeting, then send what changed since the last publication to ``url``.

    ``include_confidential`` None sends the confidential documents too when the last publish to
    this address did: leaving them out deletes them from the agenda system, which only an
    explicit False asks for. ``lock_wait``: seconds to wait for another command of the project
    to finish (``waiting`` is told what for)."""
    base = check_url(url)
    if not dry_run and not token.strip():
        raise UsageError(
            f"er is geen token: zet de omgevingsvariabele {TOKEN_VARIABLE} (het token van de "
            "API van het vergadersysteem)"
        )
    from assembler.validate import A_MEETING, meeting_selected

    # As export takes it (its bare name, as 'new' and 'build' take it; a file in it), and
    # refused in the same words (a dossier, a path that is no meeting's).
    meeting_path = meeting_selected(project, Path(meeting_folder), all_meetings=False)
    if not (meeting_path / MEETING_FILE).is_file():
        raise UsageError(
            f"{project.display(meeting_path)}: is geen vergadermap, er staat geen {MEETING_FILE} "
            f"in (geef {A_MEETING} op)"
        )
    # Before the export: a machine that cannot make a connection has nothing to export for.
    own_client = client is None and not dry_run
    http = None if dry_run else (client or _new_client())
    with contextlib.ExitStack() as closing:
        if own_client and http is not None:
            closing.callback(http.close)  # on every way out, the export's failure too
        # From the export to the last write of publicatie.json, a dry run's too (it exports,
        # and reads a record another publish may be rewriting): two publishes at once would
        # each send every new object, and one would read the other's POST under way as a
        # publish stopped; an export meanwhile would lose its changes to publicatie.json.
        refuse_unexportable(project)  # as export refuses it: before build/ is made
        closing.enter_context(build_lock(project, "publish", wait=lock_wait, waiting=waiting))
        exported = export_meetings(project, [meeting_path])
        export = _find_export(exported, meeting_path)
        report = PublishReport(export.name, base, dry_run, exported)
        if dry_run and not token.strip():
            # A dry run that says all is well must not hide why the real one would stop.
            report.notes.append(
                "er is geen token: zonder --droog stopt de publicatie meteen, vóór de export "
                f"(zet de omgevingsvariabele {TOKEN_VARIABLE}, het token van de API van het "
                "vergadersysteem)"
            )
        sender = _Sender(base, http, token, report, attempts, backoff, sleep, max_wait)
        publication = load_publication(project, export.meeting)
        targets = publication.setdefault("publicaties", {})
        # Addresses kept before they were normalised are found by their normal form.
        for known in list(targets):
            if known != base and base not in targets and _normal(known) == base:
                targets[base] = targets.pop(known)
        others = sorted(
            {
                _normal(str(known))
                for known, held in targets.items()
                if known != base and _holds(held)
            }
        )
        if base not in targets and others:
            # Nothing is known of what stands at this address; what stands at the other one is
            # neither updated nor taken down from here.
            report.notes.append(
                f"naar {base} is deze vergadering nog niet gepubliceerd, wel naar "
                f"{' en '.join(others)}: wat daar staat, wordt niet bijgewerkt en niet weggehaald "
                "(geef hetzelfde adres als de vorige keer als het dezelfde API is)"
            )
        state: dict[str, Any] = json.loads(json.dumps(targets.get(base) or {}))
        state.setdefault("vergadering", None)
        state.setdefault("agendapunten", {})
        state.setdefault("informatieobjecten", {})
        before = _sent_confidential(state)
        if include_confidential is None:
            report.as_before = before
            include_confidential = before
        report.include_confidential = include_confidential
        state[_CONFIDENTIAL_KEY] = include_confidential

        kept_before = base in targets

        def remember() -> None:
            # An address that never accepted anything (a typo, a refused token) is not kept: it
            # would be said at every later publication to another address. Its first POST is
            # kept while under way, and let go again when it is refused.
            if dry_run:
                return
            if kept_before or _holds(state):
                targets[base] = state
            elif targets.pop(base, None) is None:
                return
            save_publication(export.meeting, publication)

        # publicatie_url is the organisation's, not the API's: a file sent to another address
        # in the same version is there already.
        placed = {
            (record.get("bestand"), record.get("versie"))
            for address, held in targets.items()
            if address != base and isinstance(held, dict)
            for record in (held.get("informatieobjecten") or {}).values()
            if isinstance(record, dict) and "versie" in record
        }
        try:
            doubt = state.get(_UNDER_WAY)
            if isinstance(doubt, dict):
                # A POST whose answer never came (the publish was stopped or killed): as after
                # a timeout it is not repeated, and the clerk is told once; the publish after
                # this one sends it. A dry run says what the publish would do, and keeps it.
                if not dry_run:
                    del state[_UNDER_WAY]
                raise _in_doubt(
                    str(doubt.get("pad", "")),
                    str(doubt.get("wat", "")),
                    "de vorige publicatie werd afgebroken terwijl dit verzoek onderweg was",
                )
            _synchronise(export, include_confidential, state, sender, report, remember, placed)
        except KeyboardInterrupt:
            # Once requests went out, the generic "niets is half geschreven" is not so.
            under_way = sender.under_way
            if isinstance(state.get(_UNDER_WAY), dict):
                # Answered, perhaps, but the answer not kept: the next publish says it in doubt.
                marked = state[_UNDER_WAY]
                under_way = Request("POST", str(marked.get("pad")), str(marked.get("wat")), "")
            if under_way is None and not report.requests:
                raise
            raise PublishStopped(report, _stopped(under_way)) from None
        except (PublishFailed, PublishRejected) as error:
            error.report = report
            state["weghalen"] = _not_linked_elsewhere(
                project, export.name, state.get("weghalen", [])
            )
            if state["weghalen"]:
                error.message += (
                    "; deze documenten zijn al ingetrokken, haal hun bestanden weg van "
                    "publicatie_url: " + ", ".join(sorted(state["weghalen"]))
                )
                error.args = (error.message,)
            raise
        finally:
            remember()
        report.take_down = _not_linked_elsewhere(project, export.name, report.take_down)
        return report


def _sent_confidential(state: dict[str, Any]) -> bool:
    """Whether the last publish to the address of ``state`` sent the confidential documents.

    A record from before this was kept tells by what it holds: confidential documents sent."""
    said = state.get(_CONFIDENTIAL_KEY)
    if isinstance(said, bool):
        return said
    return any(str(key).startswith(f"{CONFIDENTIAL}:") for key in state["informatieobjecten"])


def _at_publication_url(key: str) -> bool:
    """Whether the document kept under ``key`` was sent with a link to publicatie_url.

    Only public documents are: confidential ones (``--ook-niet-openbaar``) go without one, and
    so were never at publicatie_url to be taken down from there."""
    return key.startswith(f"{PUBLIC}:")


def _not_linked_elsewhere(project: Project, meeting: str, names: list[str]) -> list[str]:
    """The files of ``names`` that no other meeting publishes: a dossier moved to another
    meeting keeps its file name there (same number and kenmerk), and its file must stay."""
    if not names:
        return names
    linked: set[str] = set()
    for path in project.dossiers.glob(f"*/{PUBLICATION_FILE}"):
        if path.parent.name == meeting:
            continue
        try:
            data = read_json(path)
            for record in data.get("documenten", {}).values():
                if record.get("zijde") == PUBLIC and record.get("status") == "actueel":
                    linked.add(str(record.get("bestandsnaam")))
            for held in data.get("publicaties", {}).values():
                for key, known in held.get("informatieobjecten", {}).items():
                    if _at_publication_url(key):
                        linked.add(str(known.get("bestand")))
        except (OSError, ValueError, AttributeError, TypeError):
            continue  # another meeting's damaged record is said when that meeting is published
    return sorted({name for name in names if name not in linked})


def _key_items_by_id(
    export: MeetingExport, manifest: dict[str, Any], state: dict[str, Any]
) -> None:
    """Key the items an older assembler kept by number by their agendapuntid instead.

    Each is taken for the item it was sent as, by the evidence that tells it alone: first the
    dossier whose documents were sent with that number in their file names; then the one item
    left that gives the same request at that number (every confidential item gives the same on
    the public side, so such a request tells nothing until the others are taken); then, among
    the numbers whose request fits several items, in order; last the item that has that number
    now. One not found is withdrawn like any item that went.
    """
    held: dict[str, Any] = state["agendapunten"]
    old = {k: v for k, v in held.items() if k.isdigit() and isinstance(v, dict)}
    if not old:
        return
    entries: list[dict[str, Any]] = manifest["agendapunten"]
    taken: dict[str, str] = {}  # old number: agendapuntid

    def take(number: str, item_id: str | None) -> None:
        if item_id and number not in taken and item_id not in {*taken.values(), *held}:
            taken[number] = item_id

    item_of_folder = {
        item.dossier.name: export.item_ids[item.number]
        for item in export.meeting.items
        if item.dossier is not None
    }
    for key, known in sorted(state.get("informatieobjecten", {}).items()):
        folder, has_folder, _document = key.partition(":")[2].partition("/")
        sent_as = str(known.get("bestand", "")).partition("_")[0] if isinstance(known, dict) else ""
        if has_folder and sent_as.isascii() and sent_as.isdigit() and str(int(sent_as)) in old:
            take(str(int(sent_as)), item_of_folder.get(folder))
    meeting = state.get("vergadering")
    meeting_id = meeting.get("id") if isinstance(meeting, dict) else None
    # Numbers as numbers: as text, "10" came before "2".
    numbers = sorted(old, key=int)

    def matching(number: str) -> list[str]:
        matches = []
        for entry in entries:
            if entry["agendapuntid"] in taken.values():
                continue
            renumbered = entry | {"agendapuntvolgnummer": number, "agendapuntKenmerk": number}
            body = _pick(renumbered, _AGENDAPUNT_FIELDS) | {"vergadering": {"id": meeting_id}}
            if old[number].get("hash") == _digest(body):
                matches.append(entry["agendapuntid"])
        return matches

    found = True
    while found:
        found = False
        for number in numbers:
            if number not in taken and len(matches := matching(number)) == 1:
                take(number, matches[0])
                found = found or number in taken
    # Requests alike (confidential items on the public side) keep their order when an item
    # above them goes: the k-th such number was the k-th such item now.
    alike = {number: matching(number) for number in numbers if number not in taken}
    alike = {number: matches for number, matches in alike.items() if len(matches) > 1}
    pool = [
        e["agendapuntid"] for e in entries if any(e["agendapuntid"] in m for m in alike.values())
    ]
    for number, item_id in zip(alike, pool, strict=False):
        take(number, item_id)
    for entry in entries:
        if entry["agendapuntvolgnummer"] in old:
            take(entry["agendapuntvolgnummer"], entry["agendapuntid"])
    for number, item_id in taken.items():
        held[item_id] = held.pop(number) | {"agendapunt": number}


def _withdrawn_item(key: str, known: dict[str, Any]) -> str:
    """How a withdrawn agenda item (or a document's record without its file) is named: by its
    title and the number it had, never as 'agendapunt 4' alone, which after the renumbering
    is the item now sent as 4 (said just above it); a record set aside for another dossier of
    the folder, by its key."""
    # A record from before the items were kept by id has its number as its key.
    number = known.get("agendapunt") or (key if key.isdigit() else None)
    title = known.get("titel")
    if number and title:
        return f"'{title}', dat nummer {number} had"
    if title:
        return f"'{title}'"
    if number:
        return f"dat nummer {number} had"
    return key.partition("@")[0]


def _name_unknown(what: str) -> str:
    """The warning for a document published before its file name was kept, whose name is not
    known now that it may have changed (see package._published_names)."""
    return (
        f"{what}: onder welke bestandsnaam het eerder op publicatie_url is gezet, is niet bekend "
        "(een assembler van voor versie 0.27.0 hield dat niet bij): kijk op de website of het "
        "daar nog onder een oudere naam staat, en haal dat bestand weg als geen link er nog "
        "naar wijst"
    )


def _synchronise(
    export: MeetingExport,
    include_confidential: bool,
    state: dict[str, Any],
    sender: _Sender,
    report: PublishReport,
    remember: Callable[[], None],
    placed: Collection[tuple[Any, Any]] = (),
) -> None:
    side: Side = CONFIDENTIAL if include_confidential else PUBLIC
    manifest = export.manifests[side]

    def take_down(name: str) -> None:
        # Kept with what the server holds until the publish ends: one that stops part-way
        # says, and the next one says again, which files of withdrawn documents to take down.
        if sender.client is None:
            report.take_down.append(name)
        elif name not in state.setdefault("weghalen", []):
            state["weghalen"].append(name)

    # Objects to send a PUT for even when unchanged, to see that the agenda system holds them;
    # and those it showed it holds in this run (a PUT carried out, or made by a POST).
    check: set[tuple[str, str]] = set()
    confirmed: set[tuple[str, str]] = set()
    # By collection and key, objects sent in this run and those found unchanged: one sent in
    # an earlier pass (see _Unsure) is not unchanged in a later one.
    touched: set[tuple[str, str]] = set()
    untouched: set[tuple[str, str]] = set()

    def count(object_key: tuple[str, str], sent: bool) -> None:
        (touched if sent else untouched).add(object_key)
        report.unchanged = len(untouched - touched)

    # Objects the agenda system answered a PUT with 404 for, by collection and key, with that
    # PUT: someone took them away there. Their records keep the old id until the POST that
    # makes them anew succeeds, so a 404 for the whole API (a wrong address) loses nothing.
    gone: dict[tuple[str, str], str] = {}

    def post(collection: str, key: str, what: str, reason: str, body: dict[str, Any]) -> str:
        """Send a POST, kept in publicatie.json as under way until its answer is kept."""
        if sender.client is not None:
            state[_UNDER_WAY] = {
                "methode": "POST",
                "pad": f"/{collection}",
                "wat": what,
                "sleutel": key,
                "hash": _digest(body),
            }
            remember()
        try:
            new_id = sender.send("POST", f"/{collection}", what, reason, body)
        except (PublishFailed, PublishRejected):
            # Refused, or in doubt and said so now (a timeout): the clerk knows, as after a
            # stop the next publish says it.
            state.pop(_UNDER_WAY, None)
            raise
        assert new_id is not None
        return new_id

    def put_or_post(
        collection: str,
        holder: dict[str, Any],
        key: str,
        body: dict[str, Any],
        what: str,
        cleared: tuple[str, ...] = (),
        file_name: str | None = None,
        recreate: bool = True,
        parents: tuple[tuple[str, str], ...] = (),
        number: str | None = None,
        title: str | None = None,
    ) -> str | None:
        """The object's id; None when it was gone and ``recreate`` is false.

        ``parents`` are the objects it points at: made anew, it is sent with their ids only once
        this run has seen the agenda system hold them (raising ``_Unsure`` until then)."""
        digest = _digest(body)
        known = holder.get(key)
        missing = gone.get((collection, key))
        same = isinstance(known, dict) and known.get("hash") == digest
        forced = (collection, key) in check - confirmed
        if isinstance(known, dict) and known.get("id") and same and missing is None and not forced:
            count((collection, key), sent=False)
            if file_name is not None and "bestand" not in known:
                # Sent before as now, link and all: under this name.
                known["bestand"] = file_name
            return str(known["id"])
        if isinstance(known, dict) and _at_publication_url(key):
            if known.get("bestand") not in (None, file_name):
                take_down(str(known["bestand"]))  # renamed: the old file stays
            elif file_name is not None and known.get("id") and "bestand" not in known and not same:
                report.notes.append(_name_unknown(what))
        if isinstance(known, dict) and known.get("id") and missing is None:
            object_id = str(known["id"])
            path = _object_path(collection, object_id)
            # A PUT replaces the whole object, but a server that merges it into the old one
            # would keep a text left out, such as the onderwerp of an item that is now
            # confidential: texts that are no longer there are sent empty.
            sent = {name: "" for name in cleared} | body
            try:
                sender.send("PUT", path, what, "ter controle" if same else "gewijzigd", sent)
            except _Gone:
                missing = gone[(collection, key)] = f"PUT {path}"
                # Someone took it away there, so perhaps what it points at too: a meeting
                # deleted with its items, say. It is made anew pointing at their ids only
                # once their PUTs, sent although unchanged, show they are there (or they were
                # made anew themselves).
                check.update(parents)
                if not recreate:
                    return None
        if missing is not None:
            if set(parents) - confirmed:
                check.update(parents)
                raise _Unsure
            object_id = post(collection, key, what, "opnieuw aangemaakt", body)
            del gone[(collection, key)]
            report.notes.append(
                f"{_the(what)} stond niet meer in het vergadersysteem ({missing} gaf 404) en is "
                f"opnieuw aangemaakt: /{collection}/{object_id} (bewaard in publicatie.json)"
            )
        elif not (isinstance(known, dict) and known.get("id")):
            object_id = post(collection, key, what, "nieuw", body)
        if file_name is not None and _at_publication_url(key):
            # A record from before versions were kept tells by whether what was sent changed.
            if not isinstance(known, dict) or known.get("bestand") != file_name:
                renewed = True
            elif "versie" in known:
                renewed = known["versie"] != body.get("versie")
            else:
                renewed = not same
            if (file_name, body.get("versie")) in placed:
                renewed = False  # put there for the publish to another address
            if renewed and file_name not in report.put_up:
                report.put_up.append(file_name)
        count((collection, key), sent=True)
        confirmed.add((collection, key))
        if object_id != "(nieuw)":
            # Its answer is kept in the same write that says it is no longer under way.
            state.pop(_UNDER_WAY, None)
            holder[key] = {"id": object_id, "hash": digest}
            if file_name is not None:
                holder[key]["bestand"] = file_name
                if "versie" in body:
                    holder[key]["versie"] = body["versie"]  # to tell a new one by
            # To name it by when it is withdrawn: its number may be another item's by then.
            if number is not None:
                holder[key]["agendapunt"] = number
            if title is not None:
                holder[key]["titel"] = title
            remember()
        return object_id

    records = export.publication.get("documenten", {})

    # Withdrawn objects a DELETE was answered 404 for before any request of this run was
    # carried out, with the file to take down: an API no longer at its address deleted nothing,
    # so their records stay until a request shows it is there, and the next publish sends the
    # DELETE again if none does.
    unproven: list[tuple[dict[str, Any], str, str | None]] = []

    def withdraw(collection: str, label: str, holder: dict[str, Any], keep: set[str]) -> None:
        for key in sorted(set(holder) - keep):
            known = holder[key]
            if isinstance(known, dict) and known.get("id"):
                path = _object_path(collection, str(known["id"]))
                name = None
                if collection == "informatieobjecten":
                    name = known.get("bestand") or records.get(key, {}).get("bestandsnaam")
                    if not name and _at_publication_url(key):
                        report.notes.append(_name_unknown(f"{label} {_withdrawn_item(key, known)}"))
                shown = name or _withdrawn_item(key, known)
                sender.send("DELETE", path, f"{label} {shown}", "ingetrokken", None)
                if not _at_publication_url(key):
                    name = None  # not a file at publicatie_url: nothing to take down there
                if sender.last_status == 404 and not sender.present:
                    unproven.append((holder, key, str(name) if name else None))
                    continue
                if name:
                    take_down(str(name))
            if sender.client is not None:
                del holder[key]
                remember()

    def settle() -> None:
        """Count the DELETEs answered 404 as done once the API has shown it is there."""
        if sender.present and unproven:
            for holder, key, name in unproven:
                holder.pop(key, None)
                if name:
                    take_down(name)
            unproven.clear()
            remember()

    # Before documents that went are withdrawn: their file names tell which item was which.
    _key_items_by_id(export, manifest, state)
    try:
        # Documents that went, such as those of an item that became confidential, go first: a
        # refused request further on stops the publish, and must not leave them public.
        documents = list(_documents(export, include_confidential))
        withdraw(
            "informatieobjecten",
            "informatieobject",
            state["informatieobjecten"],
            {key for key, _entry in documents},
        )

        items: dict[str, str] = {}
        items_meeting: dict[str, str] = {}  # the meeting id each item was sent with

        # By agendapuntid, which stays with an item when one before it is withdrawn or
        # postponed: by number, the next item's PUT went over the object of the one that went.
        def send_item(entry: dict[str, Any], meeting_id: str, recreate: bool = True) -> None:
            key = entry["agendapuntid"]
            number = entry["agendapuntvolgnummer"]
            body = _pick(entry, _AGENDAPUNT_FIELDS) | {"vergadering": {"id": meeting_id}}
            item_id = put_or_post(
                "agendapunten",
                state["agendapunten"],
                key,
                body,
                f"agendapunt {number}",
                cleared=("agendapuntOmschrijving",),
                recreate=recreate,
                parents=(_MEETING,),
                number=number,
                title=entry.get("agendapuntTitel"),
            )
            if item_id is not None:
                items[key] = item_id
                items_meeting[key] = meeting_id

        known = state.get("vergadering")
        # So do the items, which clear the onderwerp of one made confidential, when the meeting
        # is known already: they need only its id, not its own change. All of them: a
        # confidential item may have moved to another number. One that is gone from the agenda
        # system shows nothing there; it is made anew after the meeting, which may be gone too
        # (a server may refuse an item that points at no meeting): the meeting's PUT is sent
        # then, changed or not, and makes it anew if it is gone.
        if isinstance(known, dict) and known.get("id"):
            for entry in manifest["agendapunten"]:
                send_item(entry, str(known["id"]), recreate=False)

        # A DELETE answered 404 is done only once a request was carried out. When none was
        # yet, the meeting's PUT is sent though unchanged: an API no longer at its address then
        # stops the publish here, before the items that went are deleted (answered 404 too).
        keys = {entry["agendapuntid"] for entry in manifest["agendapunten"]}
        withdrawn = unproven or set(state["agendapunten"]) - keys
        if sender.client is not None and not sender.present and withdrawn:
            check.add(_MEETING)
        while True:
            try:
                meeting_id = put_or_post(
                    "vergaderingen",
                    state,
                    "vergadering",
                    _pick(manifest["vergadering"], _VERGADERING_FIELDS),
                    "vergadering",
                )
                assert meeting_id is not None
                # A meeting made anew has another id: the items sent above point at the old
                # one. An item to be seen to be there is sent too.
                for entry in manifest["agendapunten"]:
                    key = entry["agendapuntid"]
                    if items_meeting.get(key) != meeting_id or (
                        ("agendapunten", key) in check - confirmed
                    ):
                        send_item(entry, meeting_id)

                for key, entry in documents:
                    body = _pick(entry, _INFORMATIEOBJECT_FIELDS) | {
                        "vergaderingen": [{"id": meeting_id}]
                    }
                    parents = [_MEETING]
                    if "agendapuntid" in entry:
                        body["agendapunten"] = [{"id": items[entry["agendapuntid"]]}]
                        parents.append(("agendapunten", entry["agendapuntid"]))
                    put_or_post(
                        "informatieobjecten",
                        state["informatieobjecten"],
                        key,
                        body,
                        f"informatieobject {entry['bestandsnaam']}",
                        file_name=str(entry["bestandsnaam"]),
                        parents=tuple(parents),
                    )
            except _Unsure:
                # A document gone from the agenda system points at what may be gone too: the
                # meeting, items and documents are gone through again, now seeing those there
                # (or making them anew); what is unchanged since is not sent again.
                continue
            break

        # Items last: a document kept may point at an item that goes until it is sent anew above.
        withdraw("agendapunten", "agendapunt", state["agendapunten"], set(items))
    finally:
        settle()  # also when it stops: a DELETE after a request that was carried out
    # A file withdrawn under a name a document now sent has is to be replaced, not taken away.
    report.take_down = [
        n for n in report.take_down + state.pop("weghalen", []) if n not in report.put_up
    ]
    remember()
