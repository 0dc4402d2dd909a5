"""Publishing to an ODS Open Raadsinformatie API: against Prism (the spec itself) and stubs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

import httpx
import pytest

import assembler.publish as publish_module
from assembler import __version__
from assembler.errors import UsageError
from assembler.package import export_meetings
from assembler.project import Project
from assembler.publish import PublishFailed, PublishRejected, Request, publish_meeting
from tests.conftest import SHARED, CliResult, copy_example

REPO = Path(__file__).resolve().parent.parent
SPEC = SHARED / "standards" / "ods-open-raadsinformatie-openapi-offline.yaml"
PRISM = REPO / ".tools" / "node_modules" / ".bin" / "prism"
WONEN = "2023-06-23-pfho-ruimte-wonen"
EPOCH = 1_700_000_000
TOKEN = "test-token-7f3a"
SECRET_KENMERK = "23.0002150"
SECRET_SUBJECT = "Onderhandelingsmandaat provinciale bijdrage Woningbouwimpuls"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def prism() -> Iterator[str]:
    """Prism serving the ODS spec on loopback, validating every request."""
    if not PRISM.exists():
        pytest.fail("Prism ontbreekt: run ./project.sh test (it installs it into .tools/)")
    port = _free_port()
    log = open(REPO / ".tools" / f"prism-{port}.log", "wb")  # noqa: SIM115 - lives for the session
    process = subprocess.Popen(
        [
            str(PRISM),
            "mock",
            "-d",
            "--seed",
            "1",
            "--errors",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            str(SPEC),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(url + "/vergaderingen/x", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Prism did not start: see " + log.name)
                time.sleep(0.5)
        yield url
    finally:
        # Prism runs node children in its own session: end that process group, ours only.
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()


class Recorder(httpx.BaseTransport):
    """Passes requests to the real server and records them with the answers.

    Prism's seeded generator answers ``"id": ""`` for agendapunten; a real server gives ids, so
    an empty one is replaced by a unique one (the requests Prism validates are unchanged).
    """

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.calls: list[tuple[str, str, int, dict[str, Any] | None, str]] = []
        self.counter = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        response = self.inner.handle_request(request)
        response.read()
        content = response.content
        if response.status_code < 300 and content:
            data = json.loads(content)
            if isinstance(data, dict) and not str(data.get("id", "")).strip():
                self.counter += 1
                data["id"] = f"id-{self.counter}"
                content = json.dumps(data).encode()
        self.calls.append(
            (
                request.method,
                request.url.path,
                response.status_code,
                body,
                request.headers.get("authorization", ""),
            )
        )
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx.Response(response.status_code, headers=headers, content=content)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("publish") / "project"
    root.mkdir()
    copy_example(root)
    report = export_meetings(Project(root), source_date_epoch=EPOCH)
    assert report.exit_code == 0
    return root


@pytest.fixture
def project(exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "project"
    shutil.copytree(exported, root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    return Project(root)


def _publication(project: Project) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (project.dossiers / WONEN / "publicatie.json").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.slow
def test_publish_to_prism_is_accepted_and_idempotent(project: Project, prism: str) -> None:
    recorder = Recorder()
    with httpx.Client(transport=recorder, timeout=30) as client:
        report = publish_meeting(
            project, project.dossiers / WONEN, prism, token=TOKEN, client=client
        )
    statuses = [(m, p, s) for m, p, s, _, _ in recorder.calls]
    assert statuses and all(200 <= s < 300 for _, _, s in statuses), statuses
    methods = [(m, p) for m, p, _, _, _ in recorder.calls]
    assert methods.count(("POST", "/vergaderingen")) == 1
    assert methods.count(("POST", "/agendapunten")) == 8
    # Public side: 2 meeting documents + 3 dossiers with their annexes + the memo and its annex.
    assert methods.count(("POST", "/informatieobjecten")) == 2 + 3 + 4 + 4 + 2
    assert all(auth == f"Bearer {TOKEN}" for _, _, _, _, auth in recorder.calls)
    bodies = json.dumps([b for _, _, _, b, _ in recorder.calls], ensure_ascii=False)
    assert SECRET_KENMERK not in bodies and SECRET_SUBJECT not in bodies
    assert "overlegsoort" not in bodies and "sha256" not in bodies  # extensions stay home
    assert report.accepted == len(recorder.calls) and report.unchanged == 0
    record = (project.dossiers / WONEN / "publicatie.json").read_text(encoding="utf-8")
    assert TOKEN not in record
    stored = _publication(project)["publicaties"][prism]
    assert stored["vergadering"]["id"] == "iru"
    assert len(stored["informatieobjecten"]) == 15

    again = Recorder()
    with httpx.Client(transport=again, timeout=30) as client:
        second = publish_meeting(
            project, project.dossiers / WONEN, prism, token=TOKEN, client=client
        )
    assert again.calls == [] and second.accepted == 0 and second.requests == []
    assert second.unchanged == 1 + 8 + 15


@pytest.mark.slow
def test_changed_meeting_sends_only_the_changes(project: Project, prism: str) -> None:
    with httpx.Client(transport=Recorder(), timeout=30) as client:
        publish_meeting(project, project.dossiers / WONEN, prism, token=TOKEN, client=client)
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(
        text.replace("Notitie criteria prioritering snelfietsroutes", "Notitie met criteria"),
        encoding="utf-8",
    )
    recorder = Recorder()
    with httpx.Client(transport=recorder, timeout=30) as client:
        publish_meeting(project, project.dossiers / WONEN, prism, token=TOKEN, client=client)
    calls = [(m, p.split("/")[1], s) for m, p, s, _, _ in recorder.calls]
    assert calls and all(200 <= s < 300 for _, _, s in calls), calls
    assert all(m == "PUT" for m, _, _ in calls), calls
    assert {c for _, c, _ in calls} == {"informatieobjecten"}
    titles = [b["titel"] for _, _, _, b, _ in recorder.calls if b]
    assert "Notitie met criteria" in titles


@pytest.mark.slow
def test_a_cancelled_meeting_is_sent_as_cancelled_with_its_agenda_saying_so(
    project: Project, prism: str
) -> None:
    with httpx.Client(transport=Recorder(), timeout=30) as client:
        publish_meeting(project, project.dossiers / WONEN, prism, token=TOKEN, client=client)
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "geannuleerd: Ja\n", encoding="utf-8")
    recorder = Recorder()
    with httpx.Client(transport=recorder, timeout=30) as client:
        publish_meeting(project, project.dossiers / WONEN, prism, token=TOKEN, client=client)
    calls = [(m, p.split("/")[1], b) for m, p, s, b, _ in recorder.calls if 200 <= s < 300]
    assert len(calls) == len(recorder.calls) == 3, recorder.calls
    assert [(m, c, b["status"]) for m, c, b in calls if c == "vergaderingen"] == [
        ("PUT", "vergaderingen", "geannuleerd")
    ]
    # The agenda and meeting bundle say it: sent anew, nothing else.
    changed = [b["link"] for m, c, b in calls if c == "informatieobjecten" and m == "PUT"]
    assert sorted(link.rpartition("/")[2] for link in changed) == [
        f"00_{WONEN}_agenda.pdf",
        f"00_{WONEN}_vergaderbundel.pdf",
    ], changed
    agenda = project.build / WONEN / "agenda.pdf"
    text = subprocess.run(
        ["pdftotext", "-l", "1", str(agenda), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Deze vergadering is geannuleerd; zij gaat niet door." in text


@pytest.mark.slow
def test_an_item_made_confidential_is_cleared_and_its_documents_deleted(
    project: Project, prism: str
) -> None:
    subject = "Prioritering regionale snelfietsroutes en cofinanciering"
    first = Recorder()
    with httpx.Client(transport=first, timeout=30) as client:
        publish_meeting(project, project.dossiers / WONEN, prism, token=TOKEN, client=client)
    [number] = [
        b["agendapuntvolgnummer"]
        for _, p, _, b, _ in first.calls
        if p == "/agendapunten" and b and b.get("agendapuntOmschrijving") == subject
    ]
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")

    recorder = Recorder()
    with httpx.Client(transport=recorder, timeout=30) as client:
        publish_meeting(project, project.dossiers / WONEN, prism, token=TOKEN, client=client)
    assert all(200 <= s < 300 for _, _, s, _, _ in recorder.calls), recorder.calls
    [item] = [b for m, p, _, b, _ in recorder.calls if m == "PUT" and "agendapunten" in p]
    # Sent empty, not left out: a server that merges a PUT must not keep the onderwerp.
    assert item["agendapuntvolgnummer"] == number
    assert item["agendapuntTitel"] == "Niet openbaar"
    assert item["agendapuntOmschrijving"] == ""
    deleted = [p for m, p, _, _, _ in recorder.calls if m == "DELETE"]
    assert deleted and all(p.startswith("/informatieobjecten/") for p in deleted)
    assert subject not in json.dumps([b for _, _, _, b, _ in recorder.calls])


@pytest.mark.slow
def test_confidential_only_when_asked(project: Project, prism: str) -> None:
    recorder = Recorder()
    with httpx.Client(transport=recorder, timeout=30) as client:
        publish_meeting(
            project,
            project.dossiers / WONEN,
            prism,
            token=TOKEN,
            client=client,
            include_confidential=True,
        )
    assert all(200 <= s < 300 for _, _, s, _, _ in recorder.calls)
    secret = [b for _, _, _, b, _ in recorder.calls if b and b.get("titel") == SECRET_SUBJECT]
    assert secret and secret[0]["vertrouwelijkheidsaanduiding"] == "vertrouwelijk"
    assert "link" not in secret[0]
    items = [b for _, p, _, b, _ in recorder.calls if p == "/agendapunten" and b]
    assert items[6]["agendapuntTitel"] == SECRET_SUBJECT and items[6]["indicatorBesloten"] is True


@pytest.mark.slow
def test_prism_rejects_what_the_spec_forbids(prism: str) -> None:
    # The harness is not vacuous: Prism refuses a request outside the spec. With the answer
    # the spec gives for it: these operations have a 400 and no 422 (Prism makes up a 422 only
    # where an operation has neither), so a refusal for another reason shows as another code.
    response = httpx.post(
        prism + "/vergaderingen", json={"vergaderingstype": "portefeuillehoudersoverleg"}
    )
    assert response.status_code == 400, response.text
    response = httpx.post(
        prism + "/agendapunten",
        json={"vergadering": {"id": "x"}, "agendapuntTitel": "x" * 101},
    )
    assert response.status_code == 400, response.text


# --------------------------------------------------------------------------- stub servers


def publish_cli(
    run_cli: Callable[..., CliResult],
    project: Project,
    url: str,
    meeting: str = f"dossiers/{WONEN}",
) -> CliResult:
    """``assembler publish MEETING --naar URL`` in the project, as a clerk types it."""
    return run_cli("publish", meeting, "--naar", url, cwd=project.root)


# The closing line of a publish that went through, on stderr as build's: its time.
_CLOSING = re.compile(r"Klaar in \d+,\d s\.")


def _said_before_closing(stderr: str) -> list[str]:
    """The lines of a publish's stderr above its closing line, which must be there."""
    *said, closing = stderr.splitlines()
    assert _CLOSING.fullmatch(closing), stderr
    return said


def _make_confidential(project: Project, item: str = "snelfietsroutes") -> None:
    """Set a dossier of the wonen meeting to verspreiden: Nee."""
    dossier = project.dossiers / WONEN / item / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), encoding="utf-8")


class LocalApi:
    """An HTTP server on 127.0.0.1 for ``publish`` to talk to; subclasses say what it answers."""

    def __init__(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, answer, headers = api.answer(self.command, self.path, raw)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, method: str, path: str, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        """The status, body and extra headers for one request."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Stub(LocalApi):
    """An ODS-ish server on 127.0.0.1 that answers from a script of status codes."""

    def __init__(self, script: list[int], delay: float = 0.0, delay_at: int = 1) -> None:
        self.script = list(script)
        self.delay = delay  # seconds before answering request number delay_at (from 1)
        self.delay_at = delay_at
        # Requests answered 422 whatever the script says: "PUT", or "PUT /api/v1/vergaderingen".
        self.refuse: str | None = None
        self.retry_after: str | None = None  # the Retry-After of a 429 or 503
        self.detail = "nee"  # the problem+json detail of every answer
        self.requests: list[tuple[str, str]] = []
        super().__init__()

    def answer(self, method: str, path: str, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        """The next status of the script, with a made-up id."""
        self.requests.append((method, path))
        if self.delay and len(self.requests) == self.delay_at:
            time.sleep(self.delay)
        status = self.script.pop(0) if self.script else 201
        if self.refuse and f"{method} {path}".startswith(self.refuse):
            status = 422
        body = json.dumps({"id": f"s{len(self.requests)}", "detail": self.detail}).encode()
        # A sign-in page in front of the API.
        headers = {"Location": "http://127.0.0.1:1/login"} if 300 <= status < 400 else {}
        if status in (429, 503) and self.retry_after is not None:
            headers["Retry-After"] = self.retry_after
        return status, body, headers


@pytest.mark.slow
def test_503_is_retried_with_backoff(project: Project) -> None:
    pauses: list[float] = []
    with Stub([503, 503]) as stub:
        report = publish_meeting(
            project,
            project.dossiers / WONEN,
            stub.url,
            token=TOKEN,
            backoff=0.01,
            sleep=pauses.append,
        )
    assert stub.requests[:3] == [("POST", "/api/v1/vergaderingen")] * 3
    assert pauses[:2] == [0.01, 0.02]
    assert report.accepted == 1 + 8 + 15
    assert _publication(project)["publicaties"][stub.url]["vergadering"]["id"] == "s3"


@pytest.mark.parametrize(
    ("said", "pause"), [("7", 7.0), ("120", 60.0), ("²", None), ("1.5", None), ("morgen", None)]
)
def test_a_retry_after_is_read_as_seconds_capped_or_else_not_at_all(
    said: str, pause: float | None
) -> None:
    """A server's header is not trusted: "²" passed isdigit() and stopped the publish."""
    from assembler.publish import _retry_after

    answer = httpx.Response(429, headers={"Retry-After": said.encode()})
    assert _retry_after(answer, 60.0) == pause


@pytest.mark.slow
def test_429_is_retried_after_the_pause_the_server_asks_for(project: Project) -> None:
    """Was: a 429 was a refusal ('controleer het token en de gegevens', exit 2), not retried;
    Retry-After was not read for any answer."""
    pauses: list[float] = []
    with Stub([429, 503, 429]) as stub:
        stub.retry_after = "1"
        report = publish_meeting(
            project,
            project.dossiers / WONEN,
            stub.url,
            token=TOKEN,
            backoff=0.01,
            sleep=pauses.append,
        )
        # An HTTP date, an hour on: as long as the cap, which the sender is given.
        stub.requests.clear()
        stub.script = [503, 429]
        stub.retry_after = formatdate(time.time() + 3600, usegmt=True)
        _change_subject(project)
        publish_meeting(
            project,
            project.dossiers / WONEN,
            stub.url,
            token=TOKEN,
            sleep=pauses.append,
            max_wait=5,
        )
    # The server did not carry out a POST it answered 429 or 503: sent again, not twice made.
    assert report.requests[0] == Request("POST", "/vergaderingen", "vergadering", "nieuw", 201)
    assert pauses[:3] == [1.0, 1.0, 1.0]
    assert report.accepted == 1 + 8 + 15
    assert stub.requests[0] == stub.requests[1] == stub.requests[2]
    assert pauses[3:] == [5.0, 5.0]


@pytest.mark.slow
def test_a_server_that_keeps_asking_to_slow_down_stops_with_exit_3(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Stub([429] * 4) as stub:
        stub.retry_after = "0"  # as a pause: none, instead of the backoff
        result = publish_cli(run_cli, project, stub.url)
    assert len(stub.requests) == 4
    assert result.exit_code == 3, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "fout: POST /vergaderingen (vergadering): het vergadersysteem krijgt te veel verzoeken "
        "(de server antwoordde 429: nee), ook na 4 pogingen (het vraagt langzamer te "
        "versturen: probeer het later opnieuw; wat eerder lukte is bewaard in publicatie.json)"
    )


@pytest.mark.slow
def test_a_redirect_is_refused_not_taken_for_an_answer(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: exit 0, '24 verstuurd', and every object recorded with the id 'login'."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Stub([201, 302]) as stub:
        result = publish_cli(run_cli, project, stub.url)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "fout: POST /agendapunten: de server stuurt door naar http://127.0.0.1:1/login (302) in "
        "plaats van te antwoorden: staat er een inlogpagina of proxy voor de API? (controleer het "
        "adres van de API bij --naar; wat eerder lukte is bewaard in publicatie.json)"
    )
    assert len(stub.requests) == 2
    kept = _publication(project)["publicaties"][stub.url]
    assert kept["vergadering"]["id"] == "s1"
    assert not kept.get("agendapunten")


def test_the_connection_is_closed_when_the_export_fails(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: left open when the meeting could not be exported (only the send closed it)."""
    from assembler import publish
    from assembler.errors import InputRejected

    made: list[httpx.Client] = []

    def client() -> httpx.Client:
        made.append(httpx.Client())
        return made[-1]

    monkeypatch.setattr(publish, "_new_client", client)
    dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
    dossier.write_text(dossier.read_text(encoding="utf-8") + "onbekend: x\n", encoding="utf-8")
    with pytest.raises(InputRejected):
        publish_meeting(project, project.dossiers / WONEN, "https://ods.example.nl", token=TOKEN)
    assert len(made) == 1 and made[0].is_closed


def test_certificates_that_cannot_be_loaded_are_the_machine_said_before_the_export(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: a FileNotFoundError traceback, exit 1, after the export had been written."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    monkeypatch.setenv("SSL_CERT_FILE", str(project.root / "bestaat-niet.pem"))
    export = project.build / WONEN / "export"
    before = {p: p.stat().st_mtime_ns for p in export.rglob("*")}
    result = publish_cli(run_cli, project, "https://ods.example.nl/api/v1")
    assert result.exit_code == 3, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("fout: de certificaten voor https konden niet geladen worden: ")
    assert last.endswith(
        "(controleer SSL_CERT_FILE en SSL_CERT_DIR, of haal ze weg om de certificaten van het "
        "systeem te gebruiken)"
    )
    assert {p: p.stat().st_mtime_ns for p in export.rglob("*")} == before


@pytest.mark.slow
def test_a_post_that_timed_out_is_not_repeated_a_delete_is(project: Project) -> None:
    """A POST the server may have carried out, repeated, makes a second object."""
    with Stub([], delay=1.0) as stub, httpx.Client(timeout=0.3) as client:

        def publish_impatiently() -> None:
            publish_meeting(
                project,
                project.dossiers / WONEN,
                stub.url,
                token=TOKEN,
                client=client,
                sleep=lambda _: None,
            )

        with pytest.raises(PublishFailed) as raised:
            publish_impatiently()
        assert stub.requests == [("POST", "/api/v1/vergaderingen")]
        # Was "heeft de server vergadering toch aangemaakt" (messages review M-L5).
        assert raised.value.message == (
            "POST /vergaderingen: geen antwoord binnen de wachttijd; niet herhaald, want "
            "misschien heeft de server de vergadering toch aangemaakt (kijk in het "
            "vergadersysteem of het er staat, en haal het daar weg voordat u opnieuw publiceert: "
            "anders komt het er twee keer; wat eerder lukte is bewaard in publicatie.json)"
        )
        # The clerk is told now: the POST is not kept under way for the next publish to say.
        assert stub.url not in _publication(project)["publicaties"]
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
        _make_confidential(project)  # its documents are deleted, its item changed (PUT)
        stub.requests.clear()  # the next request waits past the timeout again
        publish_impatiently()
    assert stub.requests[0] == stub.requests[1]
    assert stub.requests[0][0] == "DELETE"


@pytest.mark.slow
@pytest.mark.parametrize("status", [500, 502])
def test_a_post_the_server_failed_on_is_not_repeated(project: Project, status: int) -> None:
    with Stub([201, status]) as stub, pytest.raises(PublishFailed) as raised:
        publish_meeting(
            project, project.dossiers / WONEN, stub.url, token=TOKEN, sleep=lambda _: None
        )
    assert stub.requests == [("POST", "/api/v1/vergaderingen"), ("POST", "/api/v1/agendapunten")]
    assert raised.value.message.startswith(
        f"POST /agendapunten: de server antwoordde {status}; niet herhaald, want misschien heeft "
        "de server agendapunt 1 toch aangemaakt"
    )


@pytest.mark.slow
def test_server_that_keeps_failing_stops_with_exit_3_and_keeps_what_worked(
    project: Project,
) -> None:
    with Stub([201] + [503] * 10) as stub, pytest.raises(PublishFailed) as raised:
        publish_meeting(
            project, project.dossiers / WONEN, stub.url, token=TOKEN, sleep=lambda _: None
        )
    assert raised.value.exit_code == 3
    assert "na 4 pogingen" in raised.value.message and TOKEN not in raised.value.message
    # The meeting that was created is remembered, so a retry later does not create it twice.
    assert _publication(project)["publicaties"][stub.url]["vergadering"]["id"] == "s1"


@pytest.mark.slow
def test_a_request_that_keeps_failing_names_its_document_and_what_the_server_said(
    project: Project,
) -> None:
    """Was: only the method and the path, whose id tells the clerk nothing."""
    with Stub([]) as stub:
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
        dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
        text = dossier.read_text(encoding="utf-8")
        dossier.write_text(
            text.replace("Notitie criteria prioritering snelfietsroutes", "Notitie met criteria"),
            encoding="utf-8",
        )
        stub.script = [503] * 4
        stub.detail = "Onderhoud tot 18.00 uur"
        with pytest.raises(PublishFailed) as raised:
            publish_meeting(
                project, project.dossiers / WONEN, stub.url, token=TOKEN, sleep=lambda _: None
            )
    held = _publication(project)["publicaties"][stub.url]["informatieobjecten"]
    method, path = stub.requests[-1]
    [name] = [o["bestand"] for o in held.values() if path.endswith(f"/{o['id']}")]
    assert raised.value.message == (
        f"{method} {path.removeprefix('/api/v1')} (informatieobject {name}): de server "
        "antwoordde 503: Onderhoud tot 18.00 uur, ook na 4 pogingen (probeer het later opnieuw; "
        "wat eerder lukte is bewaard in publicatie.json)"
    )


@pytest.mark.slow
def test_rejected_request_stops_with_usage_error(project: Project) -> None:
    with Stub([401]) as stub, pytest.raises(PublishRejected) as raised:
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
    assert raised.value.exit_code == 2 and "401: nee" in raised.value.message
    assert TOKEN not in raised.value.message
    assert len(stub.requests) == 1


@pytest.mark.slow
def test_a_conflict_says_to_look_in_the_agenda_system_not_at_the_token(project: Project) -> None:
    """Was: 409 got 'controleer het token en de gegevens'."""
    with Stub([201, 409]) as stub, pytest.raises(PublishRejected) as raised:
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
    assert raised.value.exit_code == 2
    assert raised.value.message == (
        "POST /agendapunten: de server weigerde het verzoek met 409: nee (agendapunt 1 botst met "
        "wat er al in het vergadersysteem staat; misschien staat het er al, bijvoorbeeld na een "
        "eerder verzoek dat geen antwoord kreeg: kijk daar; wat eerder lukte is bewaard in "
        "publicatie.json)"
    )


class Nameless(LocalApi):
    """A server that makes every object it is sent and answers 201 without its id: with its
    ODS ``url`` only, or (``url`` false) with nothing that names it."""

    def __init__(self, url: bool) -> None:
        self.with_url = url
        self.made = 0
        super().__init__()

    def answer(self, method: str, path: str, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        """201, and the object's url when it has one."""
        self.made += 1
        collection = path.split("/")[3]
        body = {"url": f"http://127.0.0.1/api/v1/{collection}/u-{self.made}/"}
        return 201, json.dumps(body if self.with_url else {}).encode(), {}


@pytest.mark.slow
def test_an_answer_without_an_id_is_read_for_its_url_or_said_to_have_made_it(
    project: Project,
) -> None:
    """Was: no id, only 'controleer het adres van de API', though the object was made."""
    with Nameless(url=True) as server:
        report = publish_meeting(project, project.dossiers / WONEN, server.url, token=TOKEN)
    assert report.accepted == 1 + 8 + 15
    assert _publication(project)["publicaties"][server.url]["vergadering"]["id"] == "u-1"
    with Nameless(url=False) as server, pytest.raises(PublishFailed) as raised:
        publish_meeting(project, project.dossiers / WONEN, server.url, token=TOKEN)
    assert raised.value.message == (
        "POST /vergaderingen: het antwoord van de server noemt geen id (ook geen url), maar de "
        "vergadering is waarschijnlijk wel aangemaakt (kijk in het vergadersysteem of het er "
        "staat, en haal het daar weg voordat u opnieuw publiceert: anders komt het er twee keer; "
        "controleer ook het adres van de API; wat eerder lukte is bewaard in publicatie.json)"
    )


@pytest.mark.slow
@pytest.mark.parametrize(("status", "check"), [(401, "het token"), (404, "het adres van de API")])
def test_an_address_that_accepted_nothing_is_not_kept(
    project: Project,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    check: str,
) -> None:
    """A typo in --naar, or a refused token: publishing to the right address later is not
    warned about the wrong one, as if something stood there."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)  # as a clerk's dry run has it
    with Stub([status]) as stub, pytest.raises(PublishRejected) as raised:
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
    assert f"de server weigerde het verzoek met {status}: nee (controleer {check}" in (
        raised.value.message
    )
    assert stub.url not in _publication(project).get("publicaties", {})
    with pytest.raises(PublishFailed) as failed:
        publish_meeting(
            project,
            project.dossiers / WONEN,
            f"http://127.0.0.1:{_free_port()}/api",
            token=TOKEN,
            sleep=lambda _: None,
        )
    assert ": geen verbinding met de server, ook na 4 pogingen" in failed.value.message
    later = run_cli(
        "publish",
        WONEN,  # its bare name, as 'new' takes it
        "--naar",
        "http://127.0.0.1:18765/api",
        "--droog",
        cwd=project.root,
    )
    assert later.exit_code == 0, later.stderr
    assert "waarschuwing" not in later.stderr


@pytest.mark.slow
def test_documents_made_confidential_are_deleted_even_when_a_change_is_refused(
    project: Project,
) -> None:
    with Stub([]) as stub:
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
        first = len(stub.requests)
        _make_confidential(project)
        stub.refuse = "PUT"  # the server turns down every change, of anything
        with pytest.raises(PublishRejected):
            publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
    second = stub.requests[first:]
    # The item's voorstel and its three annexes went first, then the PUT clearing its
    # onderwerp, which the server refused: that stopped it.
    assert [method for method, _path in second] == ["DELETE"] * 4 + ["PUT"], second
    assert second[-1][1].startswith("/api/v1/agendapunten/"), second
    informatieobjecten = _publication(project)["publicaties"][stub.url]["informatieobjecten"]
    assert any(key.startswith("openbaar:res-voortgang/") for key in informatieobjecten)
    assert not any(key.startswith("openbaar:snelfietsroutes/") for key in informatieobjecten)


def _confidential_while_the_meeting_change_is_refused(
    project: Project, edit_agenda: Callable[[str], str]
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Publish; make snelfietsroutes confidential, move the meeting to Bussum, apply
    ``edit_agenda`` to vergadering.yaml, and publish again to a server that refuses the
    meeting's change. The second publish's requests, and what the first stored."""
    with Stub([]) as stub:
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
        first = len(stub.requests)
        stored = _publication(project)["publicaties"][stub.url]
        _make_confidential(project)
        meeting = project.dossiers / WONEN / "vergadering.yaml"
        text = meeting.read_text(encoding="utf-8").replace("Hilversum", "Bussum")
        meeting.write_text(edit_agenda(text), encoding="utf-8")
        stub.refuse = "PUT /api/v1/vergaderingen"
        with pytest.raises(PublishRejected):
            publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
    return stub.requests[first:], stored


@pytest.mark.slow
def test_an_item_made_confidential_is_cleared_before_the_meeting_is_changed(
    project: Project,
) -> None:
    """A refused change of the meeting itself must not leave the item's onderwerp public."""
    second, _stored = _confidential_while_the_meeting_change_is_refused(project, lambda t: t)
    assert [method for method, _path in second] == ["DELETE"] * 4 + ["PUT", "PUT"], second
    assert second[4][1].startswith("/api/v1/agendapunten/")
    assert second[5][1].startswith("/api/v1/vergaderingen/")


@pytest.mark.slow
def test_an_item_made_confidential_and_moved_to_the_end_is_cleared_before_the_meeting(
    project: Project,
) -> None:
    """The item keeps its object, which loses the onderwerp before the meeting is changed."""

    def to_the_end(text: str) -> str:
        text = text.replace("  - dossier: snelfietsroutes\n", "")
        return text.replace(
            "  - dossier: mandaat-woningbouwimpuls\n",
            "  - dossier: mandaat-woningbouwimpuls\n  - dossier: snelfietsroutes\n",
        )

    second, stored = _confidential_while_the_meeting_change_is_refused(project, to_the_end)
    old_item = _item_held(stored, "5")["id"]
    assert second[-1][1].startswith("/api/v1/vergaderingen/"), second
    assert ("PUT", f"/api/v1/agendapunten/{old_item}") in second[:-1], second


@pytest.mark.slow
def test_a_renamed_dossier_folder_is_neither_deleted_nor_posted_again(project: Project) -> None:
    with Stub([]) as stub:
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
        first = len(stub.requests)
        wonen = project.dossiers / WONEN
        (wonen / "snelfietsroutes").rename(wonen / "snelfietsroutes-2023")
        agenda = wonen / "vergadering.yaml"
        text = agenda.read_text(encoding="utf-8")
        agenda.write_text(text.replace("snelfietsroutes\n", "snelfietsroutes-2023\n"), "utf-8")
        publish_meeting(project, project.dossiers / WONEN, stub.url, token=TOKEN)
    again = stub.requests[first:]
    assert not [r for r in again if r[0] in ("POST", "DELETE")], again


def _put_up(result: CliResult) -> str | None:
    """The files the closing lines ask to put at publicatie_url, as listed."""
    prefix = (
        f"Zet op publicatie_url (nieuw of gewijzigd; ze staan in build/{WONEN}/export/openbaar/): "
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(prefix)]
    assert len(lines) <= 1
    return lines[0].removeprefix(prefix).rstrip(".") if lines else None


@pytest.mark.slow
def test_the_command_names_the_files_to_put_where_the_links_point(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the metadata is sent: the clerk puts the files where publicatie_url says. Was: the
    same words after every publish, also when nothing changed, and never a file whose content
    changed under the same name, such as the public vergaderbundel without a dossier made
    confidential: its old copy went on showing the pages."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        first = publish_cli(run_cli, project, store.url)
        records = _publication(project)["documenten"]
        public = sorted(r["bestandsnaam"] for k, r in records.items() if k.startswith("openbaar:"))
        again = publish_cli(run_cli, project, store.url)
        _make_confidential(project)
        confidential = publish_cli(run_cli, project, store.url)
        after = _publication(project)["documenten"]
    assert first.exit_code == 0, first.stderr
    assert len(public) == 15
    assert _put_up(first) == ", ".join(public[:10]) + ", en nog 5"
    assert first.stdout.splitlines()[-1] == f"{1 + 8 + 15} verwerkt, 0 ongewijzigd."
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines() == [f"0 verwerkt, {1 + 8 + 15} ongewijzigd."]
    assert confidential.exit_code == 0, confidential.stderr
    renewed = sorted(
        r["bestandsnaam"]
        for k, r in after.items()
        if k.startswith("openbaar:")
        and r["status"] == "actueel"
        and r["versie"] != records[k]["versie"]
    )
    bundle = [name for name in renewed if "vergaderbundel" in name]
    assert bundle and bundle[0] in public  # the same name, and so the same link
    assert _put_up(confidential) == ", ".join(renewed)


@pytest.mark.slow
def test_files_put_up_for_one_address_are_not_asked_again_for_another(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """publicatie_url is the organisation's, not the API's: a second agenda system got every
    public file listed as new, although they stood there unchanged."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as first_store, Store() as second_store:
        first = publish_cli(run_cli, project, first_store.url)
        second = publish_cli(run_cli, project, second_store.url)
        _make_confidential(project)
        third = publish_cli(run_cli, project, second_store.url)
    assert first.exit_code == 0 and second.exit_code == 0, first.stderr + second.stderr
    assert _put_up(first) is not None
    assert _put_up(second) is None, second.stdout
    # A new version is asked for once more, by the publish that sends it first.
    assert third.exit_code == 0, third.stderr
    assert "vergaderbundel" in str(_put_up(third))


@pytest.mark.slow
def test_dry_run_sends_nothing(project: Project) -> None:
    with Stub([]) as stub:
        report = publish_meeting(
            project, project.dossiers / WONEN, stub.url, token="", dry_run=True
        )
    assert stub.requests == []
    assert report.dry_run and report.accepted == 0
    assert [r.method for r in report.requests].count("POST") == 1 + 8 + 15
    assert all(r.status is None for r in report.requests)
    assert _publication(project)["publicaties"] == {}
    # Clerk walk: the dry run said nothing of the token the real one stops without.
    assert report.notes == [
        "er is geen token: zonder --droog stopt de publicatie meteen, vóór de export (zet de "
        "omgevingsvariabele ASSEMBLER_ODS_TOKEN, het token van de API van het vergadersysteem)"
    ]
    with Stub([]) as stub:
        told = publish_meeting(project, project.dossiers / WONEN, stub.url, token="t", dry_run=True)
    assert told.notes == []


def test_one_api_has_one_address_whatever_its_spelling() -> None:
    from assembler.publish import check_url

    assert (
        check_url("HTTPS://Raad.Example.NL:443/api/ods/v1/") == "https://raad.example.nl/api/ods/v1"
    )
    assert check_url("http://LOCALHOST:8080/Api/") == "http://localhost:8080/Api"
    assert check_url("http://[::1]:80/x?sleutel=1") == "http://[::1]/x?sleutel=1"
    for wrong in ("https://raad.example.nl:abc/api", "https://raad.example.nl:99999/api"):
        with pytest.raises(UsageError, match="is geen webadres van een API"):
            check_url(wrong)
    # Never sent, and silently dropped it would look as if it logged in: said, not repeated.
    for typed in ("https://klerk:geheim@raad.example.nl/api", "https://klerk@raad.example.nl/api"):
        with pytest.raises(UsageError) as refused:
            check_url(typed)
        assert refused.value.message == (
            "'https://raad.example.nl/api': zet geen gebruikersnaam of wachtwoord in het "
            "webadres (het vergadersysteem krijgt het token uit ASSEMBLER_ODS_TOKEN)"
        )


@pytest.mark.slow
def test_publishing_to_another_address_says_what_stays_at_the_first(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What stands at an address this meeting went to before is not updated from another."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)  # as a clerk's dry run has it
    first = "http://127.0.0.1:18765/api"
    publication = project.dossiers / WONEN / "publicatie.json"
    data = json.loads(publication.read_text(encoding="utf-8"))
    # Kept as typed, before addresses were normalised: found all the same.
    data["publicaties"] = {"HTTP://127.0.0.1:18765/api/": {"vergadering": "v-1"}}
    publication.write_text(json.dumps(data), encoding="utf-8")
    same = run_cli(
        "publish", f"dossiers/{WONEN}", "--naar", first + "/", "--droog", cwd=project.root
    )
    assert same.exit_code == 0, same.stderr
    assert "waarschuwing" not in same.stderr
    other = run_cli(
        "publish",
        f"dossiers/{WONEN}",
        "--naar",
        "http://localhost:18765/api",
        "--droog",
        cwd=project.root,
    )
    assert other.exit_code == 0, other.stderr
    assert _said_before_closing(other.stderr) == [
        "waarschuwing: naar http://localhost:18765/api is deze vergadering nog niet "
        f"gepubliceerd, wel naar {first}: wat daar staat, wordt niet bijgewerkt en niet "
        "weggehaald (geef hetzelfde adres als de vorige keer als het dezelfde API is)"
    ]


@pytest.mark.slow
def test_plain_http_to_another_host_and_missing_token_are_refused(project: Project) -> None:
    with pytest.raises(UsageError, match="https"):
        publish_meeting(
            project, project.dossiers / WONEN, "http://raad.example.nl/api", token=TOKEN
        )
    with pytest.raises(UsageError, match="ASSEMBLER_ODS_TOKEN"):
        publish_meeting(project, project.dossiers / WONEN, "https://raad.example.nl/api", token="")


@pytest.mark.slow
def test_the_command_says_which_files_to_take_down_where_the_links_pointed(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API forgets a withdrawn document; the web server at publicatie_url does not."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Stub([]) as stub:
        first = publish_cli(run_cli, project, stub.url)
        assert first.exit_code == 0, first.stderr
        assert "Haal weg" not in first.stdout
        records = _publication(project)["documenten"]
        names = sorted(
            r["bestandsnaam"] for k, r in records.items() if k.startswith("openbaar:snelfiets")
        )
        assert len(names) == 4  # the voorstel and its three annexes
        _make_confidential(project)
        again = publish_cli(run_cli, project, stub.url)
    assert again.exit_code == 0, again.stderr
    assert (
        "Haal weg van publicatie_url, want geen link wijst er nog naar (niet meer openbaar, niet "
        f"meer op de agenda of hernoemd): {', '.join(names)}."
    ) in again.stdout.splitlines(), again.stdout


@pytest.mark.slow
def test_files_withdrawn_before_a_failure_are_said_then_and_at_the_next_publish(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Stub([]) as stub:
        first = publish_cli(run_cli, project, stub.url)
        assert first.exit_code == 0, first.stderr
        records = _publication(project)["documenten"]
        names = sorted(
            r["bestandsnaam"] for k, r in records.items() if k.startswith("openbaar:snelfiets")
        )
        _make_confidential(project)
        stub.script = [200, 200, 200] + [503] * 4  # three of the four deletions, then down
        failed = publish_cli(run_cli, project, stub.url)
        assert failed.exit_code == 3
        assert failed.stderr.rstrip().endswith(
            "; deze documenten zijn al ingetrokken, haal hun bestanden weg van publicatie_url: "
            f"{', '.join(names[:3])}"
        ), failed.stderr
        again = publish_cli(run_cli, project, stub.url)
    assert again.exit_code == 0, again.stderr
    assert (
        "Haal weg van publicatie_url, want geen link wijst er nog naar (niet meer openbaar, niet "
        f"meer op de agenda of hernoemd): {', '.join(names)}."
    ) in again.stdout.splitlines(), again.stdout
    assert "weghalen" not in _publication(project)["publicaties"][stub.url]


@pytest.mark.slow
def test_a_file_another_meeting_links_to_is_not_to_be_taken_down(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier moved to a later meeting keeps its number and kenmerk, so its file names."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    later = "dossiers/2023-07-14-pfho-ruimte-wonen"
    with Stub([]) as stub:
        first = publish_cli(run_cli, project, stub.url)
        assert first.exit_code == 0, first.stderr
        assert run_cli("vergadering", later, cwd=project.root).exit_code == 0  # a new meeting
        moved = run_cli(
            "verplaats", f"dossiers/{WONEN}/woningbouwafspraken", later, "--toch", cwd=project.root
        )
        assert moved.exit_code == 0, moved.stderr
        new = publish_cli(run_cli, project, stub.url, later)
        assert new.exit_code == 0, new.stderr
        old = publish_cli(run_cli, project, stub.url)
    assert old.exit_code == 0, old.stderr
    linked = json.loads((project.root / later / "publicatie.json").read_text(encoding="utf-8"))
    names = {r["bestandsnaam"] for r in linked["documenten"].values() if r["zijde"] == "openbaar"}
    assert any(name.startswith("03_23.0002104_voorstel") for name in names), names
    # Withdrawn from the old meeting's objects (said, by name), not to be taken down.
    take_down = [line for line in old.stdout.splitlines() if line.startswith("Haal weg")]
    assert not any(name in line for line in take_down for name in names), old.stdout
    moved = [name for name in names if name.startswith("03_23.0002104_")]
    assert len(moved) == 3, names
    assert all(
        f"ingetrokken uit openbaar: {name} (verplaatst naar " in old.stdout for name in moved
    ), old.stdout


class Store(LocalApi):
    """An ODS server on 127.0.0.1 that keeps what it is sent, as an agenda system does.

    POST makes an object, PUT replaces one, DELETE removes one; a PUT or DELETE of an object it
    does not hold is answered 404, and so is every request once ``lost`` is set (the API is no
    longer at its address). With ``cascade`` it keeps its references whole, as a database
    would: deleting a meeting deletes its items and the documents that point at either, and an
    object that points at one it does not hold is refused (422).
    """

    COLLECTIONS = ("vergaderingen", "agendapunten", "informatieobjecten")

    def __init__(self, cascade: bool = False) -> None:
        self.objects: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in self.COLLECTIONS}
        self.cascade = cascade
        self.lost = False
        self.counter = 0
        self.lock = threading.Lock()
        super().__init__()

    def answer(self, method: str, path: str, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        """What :meth:`handle` makes of the request, one request at a time."""
        with self.lock:
            status, answer = self.handle(method, path, json.loads(raw) if raw else None)
        return status, b"" if answer is None else json.dumps(answer).encode(), {}

    def handle(
        self, method: str, path: str, body: dict[str, Any] | None
    ) -> tuple[int, dict[str, Any] | None]:
        """The status and JSON answer to one request."""
        not_found = (404, {"detail": "not found"})
        parts = path.removeprefix("/api/v1/").split("/")
        if self.lost or not path.startswith("/api/v1/") or parts[0] not in self.objects:
            return not_found
        held = self.objects[parts[0]]
        if self.cascade and method == "POST" and body is not None and self.dangling(body):
            return 422, {"detail": f"verwijst naar wat er niet is: {self.dangling(body)}"}
        if method == "POST" and len(parts) == 1 and body is not None:
            self.counter += 1
            object_id = f"{parts[0][:3]}-{self.counter}"
            held[object_id] = body
            return 201, {"id": object_id} | body
        if len(parts) != 2 or parts[1] not in held:
            return not_found
        if self.cascade and method == "PUT" and body is not None and self.dangling(body):
            return 422, {"detail": f"verwijst naar wat er niet is: {self.dangling(body)}"}
        if method == "PUT" and body is not None:
            held[parts[1]] = body
            return 200, {"id": parts[1]} | body
        if method == "DELETE":
            self.remove(parts[0], parts[1])
            return 204, None
        return 405, {"detail": "not allowed"}

    def remove(self, collection: str, object_id: str) -> None:
        """Delete an object, and with ``cascade`` what points at a meeting or item that goes."""
        del self.objects[collection][object_id]
        if not self.cascade or collection == "informatieobjecten":
            return
        if collection == "vergaderingen":
            for item_id, item in list(self.objects["agendapunten"].items()):
                if item["vergadering"]["id"] == object_id:
                    self.remove("agendapunten", item_id)
        field = {"vergaderingen": "vergaderingen", "agendapunten": "agendapunten"}[collection]
        for document_id, document in list(self.objects["informatieobjecten"].items()):
            if {"id": object_id} in document.get(field, []):
                del self.objects["informatieobjecten"][document_id]

    def dangling(self, body: dict[str, Any]) -> list[str]:
        """The ids ``body`` refers to that the server does not hold."""
        refs = [("vergaderingen", body["vergadering"])] if "vergadering" in body else []
        for field in ("vergaderingen", "agendapunten"):
            refs += [(field, ref) for ref in body.get(field, [])]
        return [ref["id"] for field, ref in refs if ref["id"] not in self.objects[field]]

    def all_dangling(self) -> list[str]:
        """References between the objects held to objects not held."""
        return [
            f"{object_id} -> {missing}"
            for objects in self.objects.values()
            for object_id, body in objects.items()
            for missing in self.dangling(body)
        ]


def _document_held(held: dict[str, Any], name: str) -> tuple[str, str]:
    """The key in publicatie.json and the agenda system's id of the document named ``name``."""
    [(key, known)] = [(k, o) for k, o in held["informatieobjecten"].items() if o["bestand"] == name]
    return key, str(known["id"])


def _item_held(held: dict[str, Any], number: str) -> dict[str, Any]:
    """What publicatie.json keeps of the item last sent as ``number`` (kept by its id)."""
    [known] = [k for k in held["agendapunten"].values() if k.get("agendapunt") == number]
    return known


def _held(project: Project, store: Store) -> dict[str, Any]:
    """What publicatie.json says stands at ``store``, checked against what does stand there."""
    held: dict[str, Any] = _publication(project)["publicaties"][store.url]
    recorded = {
        "vergaderingen": {held["vergadering"]["id"]},
        "agendapunten": {known["id"] for known in held["agendapunten"].values()},
        "informatieobjecten": {known["id"] for known in held["informatieobjecten"].values()},
    }
    assert recorded == _ids(store)
    assert store.all_dangling() == []
    return held


def _change_subject(project: Project, item: str = "snelfietsroutes") -> None:
    """Give a dossier of the wonen meeting another onderwerp (its item and the agenda change)."""
    dossier = project.dossiers / WONEN / item / "dossier.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = "onderwerp: Prioritering regionale snelfietsroutes en cofinanciering"
    assert old in text
    dossier.write_text(
        text.replace(old, "onderwerp: Prioritering van de regionale snelfietsroutes"), "utf-8"
    )


@pytest.mark.slow
def test_a_document_taken_away_in_the_agenda_system_is_made_anew(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: exit 2, 'PUT ...: de server weigerde het verzoek met 404' at every later publish."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    name = f"00_{WONEN}_agenda.pdf"
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _held(project, store)
        key, old = _document_held(before, name)
        assert httpx.delete(f"{store.url}/informatieobjecten/{old}").status_code == 204
        _change_subject(project)
        result = publish_cli(run_cli, project, store.url)
        assert result.exit_code == 0, result.stderr
        after = _held(project, store)
        new = after["informatieobjecten"][key]["id"]
        assert new != old
        assert after["informatieobjecten"][key]["bestand"] == name
        assert store.objects["informatieobjecten"][new]["link"].endswith("/" + name)
        assert store.objects["informatieobjecten"][new]["vergaderingen"] == [
            {"id": after["vergadering"]["id"]}
        ]
        again = publish_cli(run_cli, project, store.url)
    assert _said_before_closing(result.stderr) == [
        f"waarschuwing: informatieobject {name} stond niet meer in het vergadersysteem (PUT "
        f"/informatieobjecten/{old} gaf 404) en is opnieuw aangemaakt: /informatieobjecten/{new} "
        "(bewaard in publicatie.json)"
    ]
    lines = result.stdout.splitlines()
    put = lines.index(f"PUT /informatieobjecten/{old}  informatieobject {name} (gewijzigd) → 404")
    # Made anew pointing at the meeting once the agenda system showed it still holds it.
    assert lines[put + 1 : put + 3] == [
        f"PUT /vergaderingen/{after['vergadering']['id']}  vergadering (ter controle) → 200",
        f"POST /informatieobjecten  informatieobject {name} (opnieuw aangemaakt) → 201",
    ]
    # Six requests, of which the PUT answered 404 changed nothing: five were carried out.
    assert len([line for line in lines if " → " in line]) == 6
    assert lines[-1] == f"5 verwerkt, {1 + 8 + 15 - 5} ongewijzigd."
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines()[-1] == f"0 verwerkt, {1 + 8 + 15} ongewijzigd."


@pytest.mark.slow
def test_a_failed_publish_says_what_it_sent_before_it_stopped(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: only the error; the 404, the object made anew and its warning were not said."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    name = f"00_{WONEN}_agenda.pdf"
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        held = _held(project, store)
        key, old = _document_held(held, name)
        [bundle] = [
            o["id"] for o in held["informatieobjecten"].values() if "bundel" in o["bestand"]
        ]
        item = _item_held(held, "5")["id"]
        assert httpx.delete(f"{store.url}/informatieobjecten/{old}").status_code == 204
        handle = store.handle

        def refusing(method: str, path: str, body: dict[str, Any] | None) -> Any:
            if path == f"/api/v1/informatieobjecten/{bundle}":
                return 422, {"detail": "titel te lang"}
            return handle(method, path, body)

        store.handle = refusing  # type: ignore[method-assign]
        _change_subject(project)
        result = publish_cli(run_cli, project, store.url)
        new = _publication(project)["publicaties"][store.url]["informatieobjecten"][key]["id"]
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [
        f"waarschuwing: informatieobject {name} stond niet meer in het vergadersysteem (PUT "
        f"/informatieobjecten/{old} gaf 404) en is opnieuw aangemaakt: /informatieobjecten/{new} "
        "(bewaard in publicatie.json)",
        f"fout: PUT /informatieobjecten/{bundle}: de server weigerde het verzoek met 422: titel "
        "te lang (controleer de gegevens die de server noemt; wat eerder lukte is bewaard in "
        "publicatie.json)",
    ]
    assert result.stdout.splitlines() == [
        f"PUT /agendapunten/{item}  agendapunt 5 (gewijzigd) → 200",
        f"PUT /informatieobjecten/{old}  informatieobject {name} (gewijzigd) → 404",
        f"PUT /vergaderingen/{held['vergadering']['id']}  vergadering (ter controle) → 200",
        f"POST /informatieobjecten  informatieobject {name} (opnieuw aangemaakt) → 201",
        # Its link went out before the publish stopped: the new version belongs there already.
        f"Zet op publicatie_url (nieuw of gewijzigd; ze staan in build/{WONEN}/export/openbaar/): "
        f"{name}.",
    ]


@pytest.mark.slow
def test_an_item_taken_away_is_made_anew_and_its_documents_point_at_it(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        old = _item_held(_held(project, store), "5")["id"]
        documents = {
            k
            for k, o in store.objects["informatieobjecten"].items()
            if o.get("agendapunten") == [{"id": old}]
        }
        assert len(documents) == 4  # the voorstel and its three annexes
        assert httpx.delete(f"{store.url}/agendapunten/{old}").status_code == 204
        _change_subject(project)
        result = publish_cli(run_cli, project, store.url)
        assert result.exit_code == 0, result.stderr
        after = _held(project, store)
    new = _item_held(after, "5")["id"]
    assert _said_before_closing(result.stderr) == [
        f"waarschuwing: agendapunt 5 stond niet meer in het vergadersysteem (PUT "
        f"/agendapunten/{old} gaf 404) en is opnieuw aangemaakt: /agendapunten/{new} (bewaard "
        "in publicatie.json)"
    ]
    item = store.objects["agendapunten"][new]
    assert item["agendapuntOmschrijving"] == "Prioritering van de regionale snelfietsroutes"
    assert item["vergadering"] == {"id": after["vergadering"]["id"]}
    assert {
        k
        for k, o in store.objects["informatieobjecten"].items()
        if o.get("agendapunten") == [{"id": new}]
    } == documents
    assert old not in json.dumps(store.objects)


@pytest.mark.slow
@pytest.mark.parametrize("cascade", [False, True], ids=["kept", "cascaded"])
def test_a_meeting_taken_away_is_made_anew_and_what_points_at_it_follows(
    project: Project,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    cascade: bool,
) -> None:
    """With ``cascade`` the server took its items and documents too: all are made anew, the
    changed item after the meeting (before it, the server would refuse it: no meeting)."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store(cascade=cascade) as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _held(project, store)
        old = before["vergadering"]["id"]
        assert httpx.delete(f"{store.url}/vergaderingen/{old}").status_code == 204
        assert len(store.objects["informatieobjecten"]) == (0 if cascade else 15)
        meeting = project.dossiers / WONEN / "vergadering.yaml"
        meeting.write_text(
            meeting.read_text(encoding="utf-8").replace("Hilversum", "Bussum"), "utf-8"
        )
        _change_subject(project)  # item 5 is changed before the meeting, with its old id
        result = publish_cli(run_cli, project, store.url)
        assert result.exit_code == 0, result.stderr
        after = _held(project, store)
        again = publish_cli(run_cli, project, store.url)
    new = after["vergadering"]["id"]
    warnings = _said_before_closing(result.stderr)
    assert (
        f"waarschuwing: de vergadering stond niet meer in het vergadersysteem (PUT "
        f"/vergaderingen/{old} gaf 404) en is opnieuw aangemaakt: /vergaderingen/{new} "
        "(bewaard in publicatie.json)"
    ) in warnings
    assert len(warnings) == (1 + 8 + 15 if cascade else 1), warnings
    assert {o["vergadering"]["id"] for o in store.objects["agendapunten"].values()} == {new}
    assert len(store.objects["agendapunten"]) == 8
    assert len(store.objects["informatieobjecten"]) == 15
    assert all(
        o["vergaderingen"] == [{"id": new}] for o in store.objects["informatieobjecten"].values()
    )
    assert store.objects["vergaderingen"][new]["locatie"].endswith("Bussum")
    assert again.stdout.splitlines()[-1] == f"0 verwerkt, {1 + 8 + 15} ongewijzigd."


@pytest.mark.slow
def test_a_meeting_taken_away_while_unchanged_is_made_anew_for_its_changed_item(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: exit 2 at every publish, 'POST /agendapunten: ... 422: verwijst naar wat er niet
    is: ['ver-1']': the item was made anew pointing at the meeting, unchanged so not sent."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store(cascade=True) as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _held(project, store)
        old, item = before["vergadering"]["id"], _item_held(before, "5")["id"]
        assert httpx.delete(f"{store.url}/vergaderingen/{old}").status_code == 204
        assert store.objects == {c: {} for c in Store.COLLECTIONS}
        _change_subject(project)
        result = publish_cli(run_cli, project, store.url)
        assert result.exit_code == 0, result.stderr
        after = _held(project, store)
        again = publish_cli(run_cli, project, store.url)
    new = after["vergadering"]["id"]
    assert result.stdout.splitlines()[:3] == [
        f"PUT /agendapunten/{item}  agendapunt 5 (gewijzigd) → 404",
        f"PUT /vergaderingen/{old}  vergadering (ter controle) → 404",
        "POST /vergaderingen  vergadering (opnieuw aangemaakt) → 201",
    ]
    assert result.stderr.splitlines()[0] == (
        f"waarschuwing: de vergadering stond niet meer in het vergadersysteem (PUT "
        f"/vergaderingen/{old} gaf 404) en is opnieuw aangemaakt: /vergaderingen/{new} "
        "(bewaard in publicatie.json)"
    )
    assert len(_said_before_closing(result.stderr)) == 1 + 8 + 15
    assert len(store.objects["agendapunten"]) == 8
    assert len(store.objects["informatieobjecten"]) == 15
    assert store.objects["agendapunten"][_item_held(after, "5")["id"]][
        "agendapuntOmschrijving"
    ] == ("Prioritering van de regionale snelfietsroutes")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines()[-1] == f"0 verwerkt, {1 + 8 + 15} ongewijzigd."


@pytest.mark.slow
def test_an_item_taken_away_while_unchanged_is_made_anew_for_its_changed_annex(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: exit 2 at every publish, 'POST /informatieobjecten: ... 422: verwijst naar wat er
    niet is: ['age-6']': the annex was made anew pointing at its item, unchanged so not sent."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store(cascade=True) as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _held(project, store)
        meeting, old = before["vergadering"]["id"], _item_held(before, "5")["id"]
        documents = {k for k in before["informatieobjecten"] if "snelfietsroutes/" in k}
        assert httpx.delete(f"{store.url}/agendapunten/{old}").status_code == 204
        assert len(store.objects["informatieobjecten"]) == 15 - len(documents) == 11
        dossier = project.dossiers / WONEN / "snelfietsroutes" / "dossier.yaml"
        text = dossier.read_text(encoding="utf-8")
        title = "Notitie criteria prioritering snelfietsroutes"
        dossier.write_text(text.replace(title, "Notitie met criteria"), encoding="utf-8")
        result = publish_cli(run_cli, project, store.url)
        assert result.exit_code == 0, result.stderr
        after = _held(project, store)
        again = publish_cli(run_cli, project, store.url)
    new = _item_held(after, "5")["id"]
    lines = result.stdout.splitlines()
    check = lines.index(f"PUT /vergaderingen/{meeting}  vergadering (ter controle) → 200")
    assert lines[check + 1 : check + 3] == [
        f"PUT /agendapunten/{old}  agendapunt 5 (ter controle) → 404",
        "POST /agendapunten  agendapunt 5 (opnieuw aangemaakt) → 201",
    ]
    assert result.stderr.splitlines()[0] == (
        f"waarschuwing: agendapunt 5 stond niet meer in het vergadersysteem (PUT "
        f"/agendapunten/{old} gaf 404) en is opnieuw aangemaakt: /agendapunten/{new} (bewaard "
        "in publicatie.json)"
    )
    assert len(_said_before_closing(result.stderr)) == 1 + len(documents)
    assert {
        k
        for k, o in after["informatieobjecten"].items()
        if store.objects["informatieobjecten"][o["id"]].get("agendapunten") == [{"id": new}]
    } == documents
    assert "Notitie met criteria" in json.dumps(store.objects["informatieobjecten"])
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines()[-1] == f"0 verwerkt, {1 + 8 + 15} ongewijzigd."


# What a publish to an API no longer at its address ends with.
LOST = (
    "fout: POST /vergaderingen: de server weigerde het verzoek met 404: not found (controleer het "
    "adres van de API bij --naar; wat eerder lukte is bewaard in publicatie.json)"
)


@pytest.mark.slow
def test_an_api_gone_from_its_address_is_said_and_what_stood_there_kept(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 404 for every request is the address, not objects to make anew."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _held(project, store)
        store.lost = True
        _change_subject(project)
        result = publish_cli(run_cli, project, store.url)
    assert result.exit_code == 2, result.stderr
    # The item's PUT answered 404, then the meeting's, sent to see that it is there.
    assert result.stderr.splitlines()[-1] == LOST
    assert "waarschuwing" not in result.stderr
    kept = _publication(project)["publicaties"][store.url]
    assert not kept.pop("weghalen", None)  # nothing was withdrawn
    assert kept == before


@pytest.mark.slow
def test_a_document_already_gone_from_the_agenda_system_is_withdrawn_all_the_same(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    key = "openbaar:snelfietsroutes/voorstel"
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        known = _held(project, store)["informatieobjecten"][key]
        assert httpx.delete(f"{store.url}/informatieobjecten/{known['id']}").status_code == 204
        _make_confidential(project)
        result = publish_cli(run_cli, project, store.url)
        assert result.exit_code == 0, result.stderr
        after = _held(project, store)
        again = publish_cli(run_cli, project, store.url)
    assert key not in after["informatieobjecten"]
    lines = result.stdout.splitlines()
    assert (
        f"DELETE /informatieobjecten/{known['id']}  informatieobject {known['bestand']} "
        "(ingetrokken) → 404" in (lines)
    )
    # Why it goes, as the export says it (was: only the DELETE, by its key in publicatie.json).
    assert f"ingetrokken uit openbaar: {known['bestand']} (niet meer openbaar)" in lines
    [take_down] = [line for line in lines if line.startswith("Haal weg")]
    assert known["bestand"] in take_down
    assert again.exit_code == 0 and again.stdout.splitlines()[-1].startswith("0 verwerkt")


@pytest.mark.slow
def test_documents_withdrawn_while_the_api_is_gone_are_deleted_when_it_is_back(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: their DELETEs answered 404 counted as done and their records went; when the API
    was back, '3 verstuurd', and the documents stayed public in the agenda system for ever."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _held(project, store)
        withdrawn = {
            k: o for k, o in before["informatieobjecten"].items() if "snelfietsroutes/" in k
        }
        assert len(withdrawn) == 4  # the voorstel and its three annexes
        store.lost = True
        _make_confidential(project)
        failed = publish_cli(run_cli, project, store.url)
        kept = _publication(project)["publicaties"][store.url]
        store.lost = False
        result = publish_cli(run_cli, project, store.url)
        after = _held(project, store)
    assert failed.exit_code == 2, failed.stderr
    assert failed.stderr.splitlines() == [LOST]
    meeting, item = before["vergadering"]["id"], _item_held(before, "5")["id"]
    deletions = [
        f"DELETE /informatieobjecten/{o['id']}  informatieobject {o['bestand']} (ingetrokken) → 404"
        for _, o in sorted(withdrawn.items())
    ]
    withdrawals = [  # in agenda order, the voorstel before its bijlagen
        f"ingetrokken uit openbaar: {o['bestand']} (niet meer openbaar)"
        for o in sorted(
            withdrawn.values(), key=lambda o: ("_bijlage-" in o["bestand"], o["bestand"])
        )
    ]
    assert failed.stdout.splitlines() == [
        *withdrawals,
        *deletions,
        f"PUT /agendapunten/{item}  agendapunt 5 (gewijzigd) → 404",
        f"PUT /vergaderingen/{meeting}  vergadering (ter controle) → 404",
    ]
    assert not kept.pop("weghalen", None)  # nothing was shown to be withdrawn
    assert kept == before
    assert result.exit_code == 0, result.stderr
    assert [line.replace("→ 204", "→ 404") for line in result.stdout.splitlines()[:4]] == (
        deletions
    )
    assert not set(withdrawn) & set(after["informatieobjecten"])
    assert not {o["id"] for o in withdrawn.values()} & set(store.objects["informatieobjecten"])
    assert _take_down(result) == sorted(o["bestand"] for o in withdrawn.values())


@pytest.mark.slow
def test_an_item_withdrawn_while_the_api_is_gone_is_deleted_when_it_is_back(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing else to send, the meeting's PUT shows whether the API is there at all."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _held(project, store)
        # An item 9 published before and since taken off the agenda with its documents.
        meeting = before["vergadering"]["id"]
        body = {"agendapuntvolgnummer": "9", "vergadering": {"id": meeting}}
        extra = httpx.post(f"{store.url}/agendapunten", json=body).json()["id"]
        data = json.loads((project.dossiers / WONEN / "publicatie.json").read_text("utf-8"))
        data["publicaties"][store.url]["agendapunten"]["9"] = {"id": extra, "hash": "x"}
        (project.dossiers / WONEN / "publicatie.json").write_text(json.dumps(data), "utf-8")
        store.lost = True
        failed = publish_cli(run_cli, project, store.url)
        kept = _publication(project)["publicaties"][store.url]
        store.lost = False
        result = publish_cli(run_cli, project, store.url)
        after = _held(project, store)
    assert failed.exit_code == 2, failed.stderr
    assert failed.stderr.splitlines() == [LOST]
    assert failed.stdout.splitlines() == [
        f"PUT /vergaderingen/{meeting}  vergadering (ter controle) → 404"
    ]
    assert kept["agendapunten"]["9"]["id"] == extra
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"PUT /vergaderingen/{meeting}  vergadering (ter controle) → 200",
        f"DELETE /agendapunten/{extra}  agendapunt dat nummer 9 had (ingetrokken) → 204",
        f"2 verwerkt, {8 + 15} ongewijzigd.",
    ]
    assert after == before


def _take_down(result: CliResult) -> list[str]:
    """The files the closing line asks to take down from publicatie_url."""
    prefix = "Haal weg van publicatie_url, want geen link wijst er nog naar"
    lines = [line for line in result.stdout.splitlines() if line.startswith(prefix)]
    return lines[0].split("): ", 1)[1].rstrip(".").split(", ") if lines else []


@pytest.mark.slow
def test_confidential_files_sent_without_a_link_are_not_to_be_taken_down(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: renamed or withdrawn, they were listed as files to take down from publicatie_url,
    where they never were."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    meeting = f"dossiers/{WONEN}"
    with Store() as store:
        both = run_cli(
            "publish", meeting, "--naar", store.url, "--ook-niet-openbaar", cwd=project.root
        )
        assert both.exit_code == 0, both.stderr
        confidential = {
            k: o["bestand"]
            for k, o in _held(project, store)["informatieobjecten"].items()
            if k.startswith("niet-openbaar:")
        }
        assert any(SECRET_KENMERK in name for name in confidential.values())
        dossier = project.dossiers / WONEN / "mandaat-woningbouwimpuls" / "dossier.yaml"
        text = dossier.read_text(encoding="utf-8")
        dossier.write_text(text.replace(SECRET_SUBJECT, "Mandaat Woningbouwimpuls"), "utf-8")
        renamed = run_cli(
            "publish", meeting, "--naar", store.url, "--ook-niet-openbaar", cwd=project.root
        )
        assert renamed.exit_code == 0, renamed.stderr
        held = _held(project, store)["informatieobjecten"]
        assert {k: o["bestand"] for k, o in held.items() if k in confidential} != confidential
        public = run_cli(
            "publish", meeting, "--naar", store.url, "--alleen-openbaar", cwd=project.root
        )
        assert public.exit_code == 0, public.stderr
        held = _held(project, store)["informatieobjecten"]
    assert _take_down(public) == []
    assert _take_down(renamed) == []
    assert held and all(key.startswith("openbaar:") for key in held)
    assert all(
        o["vertrouwelijkheidsaanduiding"] == "openbaar"
        for o in store.objects["informatieobjecten"].values()
    )


AS_BEFORE = (
    "Ook de niet-openbare stukken, zoals de vorige keer naar dit adres (geef --alleen-openbaar "
    "om ze daar weg te halen)."
)


@pytest.mark.slow
@pytest.mark.parametrize("older", [False, True])
def test_a_publish_without_the_option_keeps_the_confidential_documents_sent_before(
    project: Project,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    older: bool,
) -> None:
    """Was: every confidential document deleted from the agenda system, exit 0, unsaid; only
    --alleen-openbaar, asked for, takes them away now. A record from before the choice was
    kept (``older``) tells it by the confidential documents it holds."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    meeting = f"dossiers/{WONEN}"
    record = project.dossiers / WONEN / "publicatie.json"
    with Store() as store:
        first = run_cli(
            "publish", meeting, "--naar", store.url, "--ook-niet-openbaar", cwd=project.root
        )
        assert first.exit_code == 0, first.stderr
        assert AS_BEFORE not in first.stdout
        both = _held(project, store)
        assert any(key.startswith("niet-openbaar:") for key in both["informatieobjecten"])
        if older:
            data = json.loads(record.read_text(encoding="utf-8"))
            del data["publicaties"][store.url]["ook-niet-openbaar"]
            record.write_text(json.dumps(data), encoding="utf-8")
        plan = run_cli("publish", meeting, "--naar", store.url, "--droog", cwd=project.root)
        again = publish_cli(run_cli, project, store.url)
        kept = _held(project, store)
        public = run_cli(
            "publish", meeting, "--naar", store.url, "--alleen-openbaar", cwd=project.root
        )
        after = _held(project, store)
        later = publish_cli(run_cli, project, store.url)
    assert plan.exit_code == 0 and again.exit_code == 0, plan.stderr + again.stderr
    for result in (plan, again):
        assert "DELETE" not in result.stdout and AS_BEFORE in result.stdout.splitlines()
        assert "waarschuwing" not in result.stderr
    assert kept == both | {"ook-niet-openbaar": True}
    assert public.exit_code == 0, public.stderr
    assert AS_BEFORE not in public.stdout
    assert "DELETE /informatieobjecten/" in public.stdout
    assert not any(key.startswith("niet-openbaar:") for key in after["informatieobjecten"])
    assert after["ook-niet-openbaar"] is False
    assert later.exit_code == 0 and AS_BEFORE not in later.stdout
    assert "DELETE" not in later.stdout and "POST" not in later.stdout


@pytest.mark.slow
def test_a_file_another_meeting_sends_without_a_link_is_to_be_taken_down(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier moved to a later meeting and made confidential there keeps its file name; the
    later meeting sending it with --ook-niet-openbaar does not make it public at that name."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    later = "2023-07-14-pfho-ruimte-wonen"
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        names = sorted(
            o["bestand"]
            for k, o in _held(project, store)["informatieobjecten"].items()
            if k.startswith("openbaar:woningbouwafspraken/")
        )
        assert names
        assert run_cli("vergadering", f"dossiers/{later}", cwd=project.root).exit_code == 0
        moved = run_cli(
            "verplaats",
            f"dossiers/{WONEN}/woningbouwafspraken",
            f"dossiers/{later}",
            "--toch",
            cwd=project.root,
        )
        assert moved.exit_code == 0, moved.stderr
        dossier = project.dossiers / later / "woningbouwafspraken" / "dossier.yaml"
        text = dossier.read_text(encoding="utf-8")
        dossier.write_text(text.replace("verspreiden: Ja", "verspreiden: Nee"), "utf-8")
        new = run_cli(
            "publish",
            f"dossiers/{later}",
            "--naar",
            store.url,
            "--ook-niet-openbaar",
            cwd=project.root,
        )
        assert new.exit_code == 0, new.stderr
        sent = json.loads((project.dossiers / later / "publicatie.json").read_text("utf-8"))
        assert set(names) <= {
            o["bestand"] for o in sent["publicaties"][store.url]["informatieobjecten"].values()
        }
        old = publish_cli(run_cli, project, store.url)
    assert old.exit_code == 0, old.stderr
    assert set(names) <= set(_take_down(old)), _take_down(old)


def _items_by_title(store: Store) -> dict[str, tuple[str, str]]:
    """agendapuntTitel -> (the agenda system's id, agendapuntvolgnummer) of what it holds."""
    return {
        item["agendapuntTitel"]: (object_id, item["agendapuntvolgnummer"])
        for object_id, item in store.objects["agendapunten"].items()
    }


def _withdraw_res(project: Project) -> None:
    """Take res-voortgang (item 4) off the agenda and its folder out, as the README says."""
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    agenda = meeting.read_text(encoding="utf-8")
    meeting.write_text(agenda.replace("  - dossier: res-voortgang\n", ""), encoding="utf-8")
    shutil.move(project.dossiers / WONEN / "res-voortgang", project.root / "archief")


def _publish_after_withdrawing_res(
    project: Project, store: Store, as_kept: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[dict[str, tuple[str, str]], list[Request]]:
    """Publish, let ``as_kept`` change what publicatie.json keeps of the items, withdraw
    res-voortgang and publish again: the items held before, and the second publish's requests."""
    publish_meeting(project, project.dossiers / WONEN, store.url, token=TOKEN)
    before = _items_by_title(store)
    path = project.dossiers / WONEN / "publicatie.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    held = data["publicaties"][store.url]
    held["agendapunten"] = as_kept(held["agendapunten"])
    path.write_text(json.dumps(data), encoding="utf-8")
    _withdraw_res(project)
    report = publish_meeting(project, project.dossiers / WONEN, store.url, token=TOKEN)
    return before, report.requests


def _each_item_kept_its_object(
    project: Project,
    store: Store,
    before: dict[str, tuple[str, str]],
    requests: list[Request],
    withdrawn: str,
) -> None:
    """``withdrawn``: how the DELETE of the withdrawn item 4 names it."""
    after = _items_by_title(store)
    assert len(before) == 8 and len(after) == 7
    (gone,) = set(before) - set(after)
    assert gone.startswith("Regionale Energiestrategie")
    for title, (object_id, number) in after.items():
        assert object_id == before[title][0], title
        assert int(number) == int(before[title][1]) - (int(before[title][1]) > 4), title
    items = [(r.method, r.what) for r in requests if r.path.startswith("/agendapunten")]
    assert ("DELETE", withdrawn.format(gone=gone)) in items
    assert not [r for r in items if r[0] == "POST"], items
    # Each document points at its own item still.
    for document in store.objects["informatieobjecten"].values():
        for ref in document.get("agendapunten", []):
            assert ref["id"] in store.objects["agendapunten"]
    _held(project, store)


@pytest.mark.slow
def test_a_withdrawn_item_leaves_the_other_items_their_own_objects(project: Project) -> None:
    """Was: items were kept by number, so item 5's PUT went over the withdrawn item 4's object,
    and so on, and the last item's object was deleted."""
    with Store(cascade=True) as store:
        before, requests = _publish_after_withdrawing_res(project, store, lambda kept: kept)
        _each_item_kept_its_object(
            project, store, before, requests, "agendapunt '{gone}', dat nummer 4 had"
        )


@pytest.mark.slow
def test_a_withdrawn_item_is_named_apart_from_the_item_that_now_has_its_number(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: 'PUT … agendapunt 4 (gewijzigd)' and then 'DELETE … agendapunt 4 (ingetrokken)',
    read as one item changed and then deleted."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store(cascade=True) as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        before = _items_by_title(store)
        _withdraw_res(project)
        result = publish_cli(run_cli, project, store.url)
    assert result.exit_code == 0, result.stderr
    (title,) = [title for title in before if title.startswith("Regionale Energiestrategie")]
    (fietsen,) = [v[0] for title, v in before.items() if "snelfietsroutes" in title.lower()]
    lines = result.stdout.splitlines()
    assert f"PUT /agendapunten/{fietsen}  agendapunt 4 (gewijzigd) → 200" in lines
    assert (
        f"DELETE /agendapunten/{before[title][0]}  agendapunt '{title}', dat nummer 4 had "
        "(ingetrokken) → 204"
    ) in lines


@pytest.mark.slow
def test_items_an_older_assembler_kept_by_number_keep_their_objects(project: Project) -> None:
    """A publicatie.json from before agendapuntid: each item is found by what was sent."""

    def by_number(kept: dict[str, Any]) -> dict[str, Any]:
        # An older assembler kept neither the number nor the title in the record.
        return {
            known.pop("agendapunt"): _without(known, "titel")
            for known in kept.values()
            if "agendapunt" in known
        }

    with Store(cascade=True) as store:
        before, requests = _publish_after_withdrawing_res(project, store, by_number)
        # Without the title an older assembler did not keep: by the number it had.
        _each_item_kept_its_object(project, store, before, requests, "agendapunt dat nummer 4 had")
    kept = _publication(project)["publicaties"][store.url]["agendapunten"]
    assert not [key for key in kept if key.isdigit()]


def _without(record: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name != key}


def _keep_items_by_number(project: Project, store: Store) -> None:
    """Make publicatie.json keep the items by number, as an older assembler did (without
    their titles)."""
    path = project.dossiers / WONEN / "publicatie.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    held = data["publicaties"][store.url]
    held["agendapunten"] = {
        known.pop("agendapunt"): _without(known, "titel") for known in held["agendapunten"].values()
    }
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.slow
def test_items_kept_by_number_keep_their_objects_when_one_also_became_confidential(
    project: Project,
) -> None:
    """Was: every confidential item sends the same body on the public side, so the first
    confidential item took the object of another, which was made anew, and its own was
    deleted; the file names that told them apart were weighed only after the bodies."""
    with Store(cascade=True) as store:
        publish_meeting(project, project.dossiers / WONEN, store.url, token=TOKEN)
        before = _items_by_title(store)
        secret = before["Niet openbaar"][0]
        fietsen = next(v[0] for t, v in before.items() if "snelfietsroutes" in t.lower())
        _keep_items_by_number(project, store)
        _withdraw_res(project)
        _make_confidential(project)
        report = publish_meeting(project, project.dossiers / WONEN, store.url, token=TOKEN)
        items = [(r.method, r.what) for r in report.requests if r.path.startswith("/agendapunten")]
        assert [i for i in items if i[0] in ("POST", "DELETE")] == [
            ("DELETE", "agendapunt dat nummer 4 had")
        ]
        held_now = store.objects["agendapunten"]
        assert set(held_now) == {v[0] for t, v in before.items() if "Energiestrategie" not in t}
        # Each confidential item on its own object, at its new number.
        assert held_now[fietsen]["agendapuntTitel"] == "Niet openbaar"
        assert held_now[fietsen]["agendapuntvolgnummer"] == "4"
        assert held_now[secret]["agendapuntvolgnummer"] == "6"
    kept = _publication(project)["publicaties"][store.url]["agendapunten"]
    assert {known["id"]: known["agendapunt"] for known in kept.values()}[secret] == "6"


JULY = "2023-07-07-pfho-ruimte-wonen"


@pytest.mark.slow
def test_a_meeting_folder_copied_to_start_the_next_is_refused_until_its_record_goes(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: July, copied from June in Explorer with its publicatie.json, was published over
    June: June's meeting re-dated, its documents deleted, its agenda object overwritten."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    june = project.dossiers / WONEN
    # As an older assembler left it: the record does not say which meeting it belongs to.
    path = june / "publicatie.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("vergadering", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store(cascade=True) as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        held = json.loads(json.dumps(store.objects))
        july = project.dossiers / JULY
        shutil.copytree(june, july)
        for dossier in [p for p in july.iterdir() if p.is_dir()]:
            shutil.rmtree(dossier)
        (july / "vergadering.yaml").write_text(
            "overleg: Portefeuillehoudersoverleg Ruimte en Wonen\n"
            "datum: 2023-07-07\n"
            'aanvang: "09:30"\n'
            "locatie: Regiokantoor, Burgemeester de Withstraat 15, Hilversum\n"
            "agenda:\n"
            "  - Opening en vaststellen agenda\n"
            "  - Rondvraag en sluiting\n",
            encoding="utf-8",
        )
        result = publish_cli(run_cli, project, store.url, f"dossiers/{JULY}")
        assert result.exit_code == 1, result.stderr
        assert (
            f"dossiers/{JULY}/publicatie.json: hoort bij de vergadering in dossiers/{WONEN}: "
            "deze map is daar een kopie van, en publiceren zou die vergadering op het "
            "agendasysteem overschrijven en haar stukken intrekken (verwijder "
            f"dossiers/{JULY}/publicatie.json uit de gekopieerde map en exporteer opnieuw)"
        ) in result.stderr
        assert store.objects == held
        assert run_cli("export", f"dossiers/{JULY}", cwd=project.root).exit_code == 1
        # June itself, the original, is published as before.
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        assert store.objects == held
        (july / "publicatie.json").unlink()
        assert publish_cli(run_cli, project, store.url, f"dossiers/{JULY}").exit_code == 0
        assert store.objects["informatieobjecten"].keys() >= held["informatieobjecten"].keys()
        assert store.objects["agendapunten"].keys() >= held["agendapunten"].keys()
        dates = sorted(m["vergaderdatum"] for m in store.objects["vergaderingen"].values())
        assert dates == ["2023-06-23", "2023-07-07"]
    # Renamed (re-dated), June keeps its record: no twin is left where it was.
    shutil.rmtree(july)
    moved = project.dossiers / "2023-06-30-pfho-ruimte-wonen"
    june.rename(moved)
    yaml_path = moved / "vergadering.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.write_text(text.replace("2023-06-23", "2023-06-30"), encoding="utf-8")
    assert run_cli("export", f"dossiers/{moved.name}", cwd=project.root).exit_code == 0


@pytest.mark.slow
def test_two_confidential_items_kept_by_number_keep_their_objects_below_a_withdrawn_item(
    project: Project,
) -> None:
    """Was: both confidential items send the same body on the public side, so the one that
    has the other's old number now took its object, and the first was made anew."""
    _make_confidential(project, "memo-huisvestingsverordening")
    with Store(cascade=True) as store:

        def by_number() -> dict[str, str]:
            return {
                item["agendapuntvolgnummer"]: object_id
                for object_id, item in store.objects["agendapunten"].items()
            }

        publish_meeting(project, project.dossiers / WONEN, store.url, token=TOKEN)
        before = by_number()
        assert store.objects["agendapunten"][before["6"]]["agendapuntTitel"] == "Niet openbaar"
        assert store.objects["agendapunten"][before["7"]]["agendapuntTitel"] == "Niet openbaar"
        _keep_items_by_number(project, store)
        _withdraw_res(project)
        report = publish_meeting(project, project.dossiers / WONEN, store.url, token=TOKEN)
        items = [(r.method, r.what) for r in report.requests if r.path.startswith("/agendapunten")]
        assert [i for i in items if i[0] in ("POST", "DELETE")] == [
            ("DELETE", "agendapunt dat nummer 4 had")
        ]
        after = by_number()
        # The memo (6, now 5) and the mandaat (7, now 6) each on their own object.
        assert after["5"] == before["6"]
        assert after["6"] == before["7"]
        assert ("PUT", "agendapunt 5") in items and ("PUT", "agendapunt 6") in items


def test_a_folder_whose_agenda_line_was_lost_is_not_taken_down(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: the export took the folder for withdrawn, and publish sent five DELETEs, silently,
    with exit 0, where export itself said the folder was refused (exit 1)."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    agenda = project.dossiers / WONEN / "vergadering.yaml"
    with Stub([]) as stub:
        assert publish_cli(run_cli, project, stub.url).exit_code == 0
        sent = len(stub.requests)
        text = agenda.read_text(encoding="utf-8")
        agenda.write_text(text.replace("  - dossier: res-voortgang\n", ""), encoding="utf-8")
        result = publish_cli(run_cli, project, stub.url)
        assert stub.requests[sent:] == []

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        f"dossiers/{WONEN}/vergadering.yaml:6: agenda: dossiermap 'res-voortgang' staat niet op "
        "de agenda (voeg '- dossier: res-voortgang' toe;"
    )
    assert lines[1:] == [
        f"dossiers/{WONEN}/vergadering.yaml: niet geëxporteerd: dossiermap 'res-voortgang' "
        "staat niet op de agenda (zie de meldingen hierboven)",
        f"fout: {WONEN}: de vergadering kon niet zonder fouten geëxporteerd worden, dus er is "
        "niets verstuurd",
    ]
    records = _publication(project)["documenten"]
    assert not any(record.get("status") == "ingetrokken" for record in records.values())


def test_publish_says_the_warnings_of_its_export(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: the warning that a public annex is a confidential dossier's file went unsaid."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    meeting = project.dossiers / WONEN
    confidential = sorted((meeting / "mandaat-woningbouwimpuls").glob("bijlage-*.pdf"))[0]
    public = sorted((meeting / "woningbouwafspraken").glob("bijlage-1*.pdf"))[0]
    shutil.copyfile(confidential, public)
    with Stub([]) as stub:
        result = publish_cli(run_cli, project, stub.url)

    assert result.exit_code == 0
    assert "woningbouwafspraken/dossier.yaml:" in result.stderr
    assert "waarschuwing: bijlagen[1].bestand: is hetzelfde bestand als bijlage" in result.stderr
    assert "met dit dossier wordt het openbaar" in result.stderr


# A VNG API's Foutbericht: title, English detail, and the fields at fault in invalidParams.
FOUTBERICHT = {
    "title": "Ongeldige gegevens",
    "status": 400,
    "detail": "The request could not be understood by the server.",
    "invalidParams": [
        {
            "name": "agendapuntTitel",
            "code": "max_length",
            "reason": "Zorg ervoor dat dit veld niet meer dan 100 tekens bevat.",
        },
        {"name": "vergaderingstype", "code": "invalid_choice"},
    ],
}


class Refusing(LocalApi):
    """A server that refuses every request with 400 and ``body``."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        super().__init__()

    def answer(self, method: str, path: str, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        """400 with the body."""
        return 400, json.dumps(self.body).encode(), {}


def test_a_refusal_with_odd_invalid_params_is_said_not_a_traceback(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Refusing({"title": "Ongeldig", "invalidParams": 3}) as server:
        result = publish_cli(run_cli, project, server.url)
    assert result.exit_code == 2
    assert "de server weigerde het verzoek met 400: Ongeldig (" in result.stderr.splitlines()[-1]


def test_a_refusal_names_the_fields_the_server_names_and_not_the_token(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: only the English detail, and advice to check the token."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Refusing(FOUTBERICHT) as server:
        result = publish_cli(run_cli, project, server.url)

    assert result.exit_code == 2
    last = result.stderr.splitlines()[-1]
    assert "de server weigerde het verzoek met 400: The request could not be understood" in last
    assert (
        "[agendapuntTitel: Zorg ervoor dat dit veld niet meer dan 100 tekens bevat.; "
        "vergaderingstype: invalid_choice] (controleer de gegevens die de server noemt;"
    ) in last
    assert "token" not in last


# --------------------------------------------------------------------------- stopped mid-request


class _Killed(BaseException):
    """SIGKILL, as a test can have it: nothing of the publish runs after it."""


class Interrupting(httpx.HTTPTransport):
    """Carries requests to the server, and at the ``nth`` ``request`` ("POST /api/v1/...")
    stops the client after the server carried it out, before its answer is read: Ctrl-C (a
    KeyboardInterrupt, as cli._terminate raises for SIGTERM too), or a kill that leaves
    publicatie.json as it stood then (``kept``)."""

    def __init__(self, request: str, nth: int, kill: Path | None = None) -> None:
        super().__init__()
        self.request = request
        self.nth = nth
        self.kill = kill
        self.kept = b""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if f"{request.method} {request.url.path}" == self.request:
            self.nth -= 1
            if self.nth == 0:
                response.close()
                if self.kill is None:
                    raise KeyboardInterrupt
                self.kept = self.kill.read_bytes()
                raise _Killed
        return response


# What the clerk is told of agendapunt 2, whose POST was under way when the publish stopped.
_STOPPED_IN_POST = (
    "afgebroken: POST /agendapunten (agendapunt 2) was onderweg; misschien heeft de server "
    "agendapunt 2 aangemaakt, misschien niet (kijk in het vergadersysteem of het er staat, en "
    "haal het daar weg voordat u opnieuw publiceert: anders komt het er twee keer; de volgende "
    "publicatie verstuurt het niet en zegt dit nog eens, die daarna wel; wat eerder lukte is "
    "bewaard in publicatie.json)"
)
# And by the next publish, which does not send it.
_IN_DOUBT = (
    "fout: POST /agendapunten: de vorige publicatie werd afgebroken terwijl dit verzoek onderweg "
    "was; niet herhaald, want misschien heeft de server agendapunt 2 toch aangemaakt (kijk in het "
    "vergadersysteem of het er staat, en haal het daar weg voordat u opnieuw publiceert: anders "
    "komt het er twee keer; wat eerder lukte is bewaard in publicatie.json)"
)


def _publish_through(
    transport: httpx.BaseTransport,
    run_cli: Callable[..., CliResult],
    project: Project,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> CliResult:
    """``publish`` as the clerk types it, its requests carried by ``transport``."""
    with monkeypatch.context() as patched:
        patched.setattr(publish_module, "_new_client", lambda: httpx.Client(transport=transport))
        return publish_cli(run_cli, project, url)


def _ids(store: Store) -> dict[str, set[str]]:
    """The ids of the objects the agenda system holds, by collection."""
    return {collection: set(objects) for collection, objects in store.objects.items()}


def _item_made(store: Store, number: str) -> str:
    """The agenda system's id of the one item it holds with ``number``."""
    [made] = [
        i
        for i, body in store.objects["agendapunten"].items()
        if body["agendapuntvolgnummer"] == number
    ]
    return made


@pytest.mark.slow
def test_a_publish_stopped_during_a_post_says_so_and_the_next_does_not_send_it_again(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: only "afgebroken: niets is half geschreven (voer de opdracht opnieuw uit om af te
    maken)", and the publish run again as it said sent the POST again: two agendapunten 2."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        stopping = Interrupting("POST /api/v1/agendapunten", 2)
        stopped = _publish_through(stopping, run_cli, project, store.url, monkeypatch)
        made = _item_made(store, "2")
        held = _ids(store)
        again = publish_cli(run_cli, project, store.url)
        assert _ids(store) == held
        # As the clerk is told: take it away there, then publish again.
        store.remove("agendapunten", made)
        finished = publish_cli(run_cli, project, store.url)
        _held(project, store)
    assert stopped.exit_code == 130
    assert stopped.stdout.splitlines() == [
        "POST /vergaderingen  vergadering (nieuw) → 201",
        "POST /agendapunten  agendapunt 1 (nieuw) → 201",
    ]
    assert stopped.stderr.splitlines() == [_STOPPED_IN_POST]
    assert (again.exit_code, again.stdout, again.stderr.splitlines()) == (3, "", [_IN_DOUBT])
    assert finished.exit_code == 0, finished.stderr
    assert finished.stdout.startswith("POST /agendapunten  agendapunt 2 (nieuw) → 201\n")
    assert _item_made(store, "2") != made
    assert "onderweg" not in _publication(project)["publicaties"][store.url]


@pytest.mark.slow
def test_a_publish_killed_during_a_post_leaves_it_in_doubt_and_the_next_does_not_send_it(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL, which no handler sees: publicatie.json says the POST was under way."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    kept = project.dossiers / WONEN / "publicatie.json"
    with Store() as store:
        killing = Interrupting("POST /api/v1/agendapunten", 2, kill=kept)
        with httpx.Client(transport=killing) as client, pytest.raises(_Killed):
            publish_meeting(
                project, project.dossiers / WONEN, store.url, token=TOKEN, client=client
            )
        kept.write_bytes(killing.kept)  # as the kill left it
        marked = _publication(project)["publicaties"][store.url]["onderweg"]
        held = _ids(store)
        # A dry run says what the publish would do, and leaves it to say.
        planned = run_cli("publish", WONEN, "--naar", store.url, "--droog", cwd=project.root)
        assert _publication(project)["publicaties"][store.url]["onderweg"] == marked
        again = publish_cli(run_cli, project, store.url)
        assert _ids(store) == held
    assert TOKEN.encode() not in killing.kept
    assert {k: v for k, v in marked.items() if k not in ("sleutel", "hash")} == {
        "methode": "POST",
        "pad": "/agendapunten",
        "wat": "agendapunt 2",
    }
    assert (planned.exit_code, planned.stderr.splitlines()) == (3, [_IN_DOUBT])
    assert (again.exit_code, again.stdout, again.stderr.splitlines()) == (3, "", [_IN_DOUBT])
    assert "onderweg" not in _publication(project)["publicaties"][store.url]


@pytest.mark.slow
def test_a_publish_stopped_between_requests_says_what_it_sent(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    saving = publish_module.save_publication
    stops = [KeyboardInterrupt()]

    def stopping(meeting: Any, data: dict[str, Any]) -> None:
        saving(meeting, data)
        # Once the answer to agendapunt 1 is kept: no request is under way.
        if len(data["publicaties"].get(store.url, {}).get("agendapunten", {})) == 1 and stops:
            raise stops.pop()

    with Store() as store:
        with monkeypatch.context() as patched:
            patched.setattr(publish_module, "save_publication", stopping)
            stopped = publish_cli(run_cli, project, store.url)
        again = publish_cli(run_cli, project, store.url)
        _held(project, store)
    assert stopped.exit_code == 130
    assert stopped.stdout.splitlines() == [
        "POST /vergaderingen  vergadering (nieuw) → 201",
        "POST /agendapunten  agendapunt 1 (nieuw) → 201",
    ]
    assert stopped.stderr.splitlines() == [
        "afgebroken tussen twee verzoeken: wat hierboven staat, is verstuurd (voer de opdracht "
        "opnieuw uit om de rest te versturen; wat eerder lukte is bewaard in publicatie.json)"
    ]
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("POST /agendapunten  agendapunt 2 (nieuw) → 201\n")


@pytest.mark.slow
def test_a_publish_stopped_during_a_put_says_the_next_sends_it_again(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PUT or DELETE does no harm sent twice: only a POST is kept in doubt."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        _change_subject(project)
        item = _item_held(_held(project, store), "5")["id"]
        stopping = Interrupting(f"PUT /api/v1/agendapunten/{item}", 1)
        stopped = _publish_through(stopping, run_cli, project, store.url, monkeypatch)
        again = publish_cli(run_cli, project, store.url)
        _held(project, store)
    assert (stopped.exit_code, stopped.stdout) == (130, "")
    assert stopped.stderr.splitlines() == [
        f"afgebroken: PUT /agendapunten/{item} (agendapunt 5) was onderweg; misschien heeft de "
        "server het uitgevoerd, misschien niet (voer de opdracht opnieuw uit om af te maken: dit "
        "verzoek gaat dan nog eens, wat geen kwaad kan; wat eerder lukte is bewaard in "
        "publicatie.json)"
    ]
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith(f"PUT /agendapunten/{item}  agendapunt 5 (gewijzigd) → 200\n")


def _as_before_file_names_were_kept(project: Project, url: str) -> None:
    """Make publicatie.json as an assembler before 51a9ce3 (formaat 1) wrote it: published
    records with only an id and a hash (no ``bestand``, ``versie``, number or title), items
    kept by number, annexes by number (``…/bijlage-01``), no ids of plain items or meeting."""
    path = project.dossiers / WONEN / "publicatie.json"
    data = json.loads(path.read_text(encoding="utf-8"))

    def old_key(key: str, record: dict[str, Any]) -> str:
        annex = re.search(r"_bijlage-(\d\d)_", record["bestandsnaam"])
        return re.sub(r"/bijlage:.*", f"/bijlage-{annex[1]}", key) if annex else key

    names = {key: old_key(key, record) for key, record in data["documenten"].items()}
    held = data["publicaties"][url]
    old = {
        "formaat": 1,
        "documenten": {names[key]: record for key, record in data["documenten"].items()},
        "publicaties": {
            url: {
                "vergadering": {key: held["vergadering"][key] for key in ("id", "hash")},
                "agendapunten": {
                    known["agendapunt"]: {"id": known["id"], "hash": known["hash"]}
                    for known in held["agendapunten"].values()
                },
                "informatieobjecten": {
                    names[key]: {"id": known["id"], "hash": known["hash"]}
                    for key, known in held["informatieobjecten"].items()
                },
            }
        },
    }
    path.write_text(json.dumps(old, indent=2), encoding="utf-8")


def _withdraw_woningbouw_and_the_first_fietsen_annex(project: Project) -> None:
    """Take item 3 off the agenda (items 4 to 8 become 3 to 7) and annex 1 off snelfietsroutes
    (annexes 2 and 3 become 1 and 2), putting their files away as the README says."""
    meeting = project.dossiers / WONEN / "vergadering.yaml"
    agenda = meeting.read_text(encoding="utf-8")
    meeting.write_text(agenda.replace("  - dossier: woningbouwafspraken\n", ""), encoding="utf-8")
    (project.root / "archief").mkdir()
    shutil.move(project.dossiers / WONEN / "woningbouwafspraken", project.root / "archief")
    fietsen = project.dossiers / WONEN / "snelfietsroutes"
    text = (fietsen / "dossier.yaml").read_text(encoding="utf-8")
    first = (
        "  - omschrijving: Kaart regionale snelfietsroutes met verwijzing naar de online kaart\n"
        "    bestand: bijlage-1-kaart-snelfietsroutes.pdf\n"
    )
    assert first in text
    (fietsen / "dossier.yaml").write_text(text.replace(first, ""), encoding="utf-8")
    shutil.move(fietsen / "bijlage-1-kaart-snelfietsroutes.pdf", project.root / "archief")


# Every public file of items 3 to 6 as published before the withdrawal: those of item 3 went,
# those of the others were renamed (another number, annex 1 of snelfietsroutes also went).
RENAMED_OR_WITHDRAWN = [
    "03_23.0002104_bijlage-01_regionale-woningbouwafspraken-2023-2030-concept-juni-2023.pdf",
    "03_23.0002104_bijlage-02_woningbouwmonitor-gooi-en-vechtstreek-2022.pdf",
    "03_23.0002104_voorstel_regionale-woningbouwafspraken-2023-2030.pdf",
    "04_23.0002117_bijlage-01_voortgangsrapportage-regionale-energiestrategie-2023.pdf",
    "04_23.0002117_bijlage-02_invulformulier-monitor-zon-op-daken-gemeenten.pdf",
    "04_23.0002117_bijlage-03_voorbeeld-meertalige-bewonersinformatie-energieloket-arabisch.pdf",
    "04_23.0002117_voorstel_regionale-energiestrategie-voortgangsrapportage-2023-en-aanpak-res-2-0.pdf",
    "05_23.0002131_bijlage-01_kaart-regionale-snelfietsroutes-met-verwijzing-naar-de-online-kaart.pdf",
    "05_23.0002131_bijlage-02_kaartbeeld-knelpunten-verkeersveiligheid-drukwerkversie.pdf",
    "05_23.0002131_bijlage-03_notitie-criteria-prioritering-snelfietsroutes.pdf",
    "05_23.0002131_voorstel_prioritering-regionale-snelfietsroutes-en-cofinanciering.pdf",
    "06_23.0002142_bijlage-01_overzicht-voorgenomen-wijzigingen-huisvestingsverordening.pdf",
    "06_23.0002142_memo_stand-van-zaken-regionale-huisvestingsverordening-2024.pdf",
]


@pytest.mark.slow
@pytest.mark.parametrize("old_record", [False, True], ids=["record-now", "record-before-51a9ce3"])
def test_renamed_files_are_to_be_taken_down_also_after_an_upgrade(
    project: Project,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    old_record: bool,
) -> None:
    """Was: a record an assembler before 51a9ce3 kept had no file name, so a renamed document's
    old file was left off the list and stayed on the website beside its new one. Its name is
    the one its record in documenten had before the export: the name the last publish sent."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Store() as store:
        first = publish_cli(run_cli, project, store.url)
        assert first.exit_code == 0, first.stderr
        if old_record:
            _as_before_file_names_were_kept(project, store.url)
        _withdraw_woningbouw_and_the_first_fietsen_annex(project)
        exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)  # as a clerk may
        assert exported.exit_code == 0, exported.stderr
        again = publish_cli(run_cli, project, store.url)
        third = publish_cli(run_cli, project, store.url)
    assert again.exit_code == 0, again.stderr
    assert "niet bekend" not in again.stderr, again.stderr
    take_down = [line for line in again.stdout.splitlines() if line.startswith("Haal weg")]
    assert take_down == [
        "Haal weg van publicatie_url, want geen link wijst er nog naar (niet meer openbaar, niet "
        f"meer op de agenda of hernoemd): {', '.join(RENAMED_OR_WITHDRAWN)}."
    ]
    assert third.exit_code == 0, third.stderr
    assert "Haal weg" not in third.stdout
    published = _publication(project)["publicaties"][store.url]["informatieobjecten"]
    assert all(known["bestand"].endswith(".pdf") for known in published.values())


@pytest.mark.slow
def test_a_published_file_whose_old_name_is_not_known_is_said(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record of an assembler before 51a9ce3 whose documenten record tells no file name
    either: the clerk is told to look on the website, not left to think all is taken down."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    memo = "openbaar:memo-huisvestingsverordening/memo"
    with Store() as store:
        assert publish_cli(run_cli, project, store.url).exit_code == 0
        _as_before_file_names_were_kept(project, store.url)
        path = project.dossiers / WONEN / "publicatie.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["documenten"][memo]["bestandsnaam"]
        path.write_text(json.dumps(data), encoding="utf-8")
        _withdraw_woningbouw_and_the_first_fietsen_annex(project)
        again = publish_cli(run_cli, project, store.url)
    assert again.exit_code == 0, again.stderr
    assert (
        "waarschuwing: informatieobject "
        "05_23.0002142_memo_stand-van-zaken-regionale-huisvestingsverordening-2024.pdf: onder "
        "welke bestandsnaam het eerder op publicatie_url is gezet, is niet bekend (een assembler "
        "van voor versie 0.27.0 hield dat niet bij): kijk op de website of het daar nog onder "
        "een oudere naam staat, en haal dat bestand weg als geen link er nog naar wijst"
    ) in again.stderr.splitlines(), again.stderr
    take_down = [line for line in again.stdout.splitlines() if line.startswith("Haal weg")]
    assert take_down == [
        "Haal weg van publicatie_url, want geen link wijst er nog naar (niet meer openbaar, niet "
        f"meer op de agenda of hernoemd): {', '.join(RENAMED_OR_WITHDRAWN[:-1])}."
    ]


@pytest.mark.slow
def test_a_publicatie_json_of_a_newer_assembler_is_refused_before_anything_is_sent(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was: an older assembler read the newer file without a word, did not know its items'
    keys, and deleted and made anew every agenda item in the agenda system."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    path = project.dossiers / WONEN / "publicatie.json"
    with Stub([]) as stub:
        assert publish_cli(run_cli, project, stub.url).exit_code == 0
        sent = len(stub.requests)
        data = json.loads(path.read_text(encoding="utf-8"))
        text = json.dumps(data | {"formaat": 3, "assembler": "0.31.0"})
        path.write_text(text, encoding="utf-8")
        _withdraw_res(project)
        refused = publish_cli(run_cli, project, stub.url)
        assert len(stub.requests) == sent
    assert refused.exit_code == 3
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"fout: dossiers/{WONEN}/publicatie.json: formaat: is geschreven door assembler 0.31.0 "
        f"(formaat 3), en deze assembler {__version__} kent formaat 2 en ouder: hij zou het "
        "verkeerd lezen, dus er is niets verstuurd of geschreven (werk assembler bij naar ten "
        "minste versie 0.31.0, en voer de opdracht dan opnieuw uit)"
    ]
    assert path.read_text(encoding="utf-8") == text


# --------------------------------------------------------------------------- one at a time

# What a command refused while a publish holds the project's lock says.
PUBLISHING = (
    "er loopt al een publicatie van dit project naar een vergadersysteem (wacht tot die klaar is "
    "en probeer het opnieuw)"
)


class Held(Store):
    """A Store that holds the first request it gets until ``release`` is set: a publish caught
    while it sends, for as long as the test needs."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        super().__init__()

    def answer(self, method: str, path: str, raw: bytes) -> tuple[int, bytes, dict[str, str]]:
        """Wait for ``release`` at the first request, then answer as a Store."""
        if not self.arrived.is_set():
            self.arrived.set()
            self.release.wait(timeout=300)
        return super().answer(method, path, raw)


@pytest.mark.slow
def test_a_publish_while_another_sends_gives_up_and_every_object_is_made_once(
    project: Project, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review ops O1: the lock was held only while publish exported. A second publish (a cron
    job longer than its interval) exported, then sent every new object a second time, and
    publicatie.json kept the ids of one set only; or it read the first's POST under way as a
    publish stopped, and told the clerk to delete what was made well."""
    monkeypatch.setenv("ASSEMBLER_ODS_TOKEN", TOKEN)
    with Held() as store:
        # The first in a process of its own, as cron starts it; the others as a clerk types.
        first = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "assembler",
                "publish",
                f"dossiers/{WONEN}",
                "--naar",
                store.url,
            ],
            cwd=project.root,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        waiter: subprocess.Popen[str] | None = None
        try:
            assert store.arrived.wait(timeout=300), "the first publish sent nothing"
            second = publish_cli(run_cli, project, store.url)
            dry = run_cli(
                "publish", f"dossiers/{WONEN}", "--naar", store.url, "--droog", cwd=project.root
            )
            # Nor can an export change publicatie.json for the publish to overwrite it.
            record = (project.dossiers / WONEN / "publicatie.json").read_bytes()
            exported = run_cli("export", f"dossiers/{WONEN}", cwd=project.root)
            assert (project.dossiers / WONEN / "publicatie.json").read_bytes() == record
            built = run_cli("build", "--geen-pdf", "--json", cwd=project.root)
            # One told to wait runs after the first, and finds nothing left to send.
            waiter = subprocess.Popen(
                [*first.args, "--wacht", "5"],
                cwd=project.root,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert waiter.stderr is not None
            waiting = waiter.stderr.readline()
        finally:
            store.release.set()
            try:
                out, err = first.communicate(timeout=300)
                waited, waiter_err = waiter.communicate(timeout=300)
            finally:
                first.kill()
                if waiter is not None:
                    waiter.kill()
    assert (first.returncode, _said_before_closing(err)) == (0, []), err
    assert out.endswith(" verwerkt, 0 ongewijzigd.\n")
    assert waiting == (
        "Er loopt al een publicatie van dit project naar een vergadersysteem; er wordt gewacht "
        "tot die klaar is (hoogstens 5 minuten).\n"
    )
    assert waiter.returncode == 0, waiter_err
    assert re.search(r"^0 verwerkt, [1-9][0-9]* ongewijzigd\.$", waited, re.MULTILINE), waited
    for refused in (second, dry, exported):
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            3,
            "",
            f"fout: {PUBLISHING}\n",
        )
    assert built.exit_code == 3
    assert json.loads(built.stdout)["meldingen"][-1]["melding"] == PUBLISHING
    # Each object made once, and publicatie.json holds the ids of all of them.
    made = sum(len(objects) for objects in store.objects.values())
    assert store.counter == made
    _held(project, store)
    # The lock file names the publish for whoever meets it.
    assert (project.build / ".lock").read_text() == "publish"
