"""What the simulated users of the load test do (`python -m bench.load` runs this file).

Three kinds of user, in the proportions of a reception programme's day:

- registrars (weight 5): people search as typed, person pages, the reception form with its
  duplicate check as the name is typed, registrations through the form and through the API
  with a weapon added afterwards, weapon receipts;
- case workers (weight 3): their case list, case pages, the confidential notes (read, add one),
  a pathway step (a task) added to a case;
- finance officers (weight 2): the allowances page (plans and the batches list), reports,
  a person's statement (page and API), the preview of a person's entitlements, a batch.

Each simulated user logs in as the role does: registrars and case workers with the HTML login
form (its CSRF token, then the session's), finance officers with the login form and a code from
their authenticator app (TOTP); registrars and finance officers also hold an API token for the
JSON API. Every simulated user is its own account and connects from its own loopback address
(127.0.0.N, as each desk is its own machine), so that the per-client login throttle sees 50
clients, not one. Think times between actions; short pauses between keystrokes.

Every request checks its status: anything but the status the scenario expects is a failure
(a 4xx included). The fixture (HAVEN_LOAD_FIXTURE) holds ids, usernames and tokens only; no
response body or name is ever printed.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gevent
import pyotp
from locust import HttpUser, between, task
from locust.clients import LocustHttpAdapter
from locust.exception import StopUser

from haven.demo.names import NameGenerator

FIXTURE: dict[str, Any] = json.loads(Path(os.environ["HAVEN_LOAD_FIXTURE"]).read_text())
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_BODY = re.compile(r'data-csrf="([^"]+)"')
PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})"')
_next_account = {kind: itertools.count() for kind in ("registrars", "caseworkers", "finance")}
_next_address = itertools.count(2)
_names = NameGenerator(random.Random(2026))
_serials = itertools.count(1)

WEAPONS = (
    ("rifle", "MA-1 assault rifle", "MA1"),
    ("rifle", "BA-63 rifle", "BA63"),
    ("pistol", "BA-9 pistol", "BA9"),
    ("radio", "Hand-held radio", "RD"),
)


class _FromAddress(LocustHttpAdapter):
    """Connections from one loopback address (127.0.0.N): each simulated desk its own client."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(pool_manager=None)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _typed(text: str) -> list[str]:
    """What a search box sends as someone types `text` (a request per pause: every 2-4
    characters, from the second on)."""
    cuts: list[int] = []
    at = 2
    while at < len(text):
        cuts.append(at)
        at += random.randint(2, 4)
    cuts.append(len(text))
    return [text[:cut] for cut in cuts]


class Staff(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(3, 10)  # reading the page, talking to the person in front of them

    def on_start(self) -> None:
        number = next(_next_account[self.kind])
        accounts = FIXTURE[self.kind]
        if number >= len(accounts):
            raise StopUser
        self.account = accounts[number]
        address = next(_next_address)
        adapter = _FromAddress(f"127.0.{address // 250}.{address % 250 + 2}")
        self.client.mount("http://", adapter)
        self.csrf = ""
        self.log_in()

    # --- helpers -------------------------------------------------------------------------------

    def expect(
        self,
        method: str,
        url: str,
        status: int | tuple[int, ...],
        *,
        name: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """One request that fails unless it answers `status`; the response."""
        wanted = (status,) if isinstance(status, int) else status
        kwargs.setdefault("allow_redirects", False)
        with self.client.request(
            method, url, name=name or url, catch_response=True, **kwargs
        ) as response:
            if response.status_code in wanted:
                response.success()
            elif response.status_code == 0:  # no answer: the connection failed or timed out
                response.failure(f"no answer: {response.error!r}"[:300])
            else:
                response.failure(f"HTTP {response.status_code}, expected {wanted}")
        return response

    def page(self, url: str, name: str) -> Any:
        return self.expect("GET", url, 200, name=name)

    def form(self, url: str, data: dict[str, Any], status: int, name: str, **kwargs: Any) -> Any:
        """An HTML form submission with the session's CSRF token."""
        return self.expect(
            "POST", url, status, name=name, data={**data, "csrf_token": self.csrf}, **kwargs
        )

    def htmx(self, url: str, data: dict[str, Any], name: str) -> Any:
        """A fragment asked by HTMX as the user types (the CSRF token in the header)."""
        return self.expect(
            "POST",
            url,
            200,
            name=name,
            data=data,
            headers={"HX-Request": "true", "X-CSRF-Token": self.csrf},
        )

    def api(
        self, method: str, url: str, status: int, name: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        response = self.expect(
            method,
            url,
            status,
            name=name,
            headers={"Authorization": f"Bearer {self.account['token']}"},
            **kwargs,
        )
        return response.json() if response.status_code == status else None

    def wait_keystrokes(self) -> None:
        gevent.sleep(random.uniform(0.3, 0.8))

    def log_in(self) -> None:
        login = self.page("/login", "GET /login")
        found = CSRF_FIELD.search(login.text or "")
        if not found:
            raise StopUser
        token = found.group(1)
        answer = self.expect(
            "POST",
            "/login",
            303,
            name="POST /login",
            data={
                "username": self.account["username"],
                "password": FIXTURE["password"],
                "next": "/",
                "csrf_token": token,
            },
        )
        if answer.headers.get("location", "").endswith("/login/verify"):
            self.page("/login/verify", "GET /login/verify")
            code = pyotp.TOTP(FIXTURE["totp_secret"]).now()
            answer = self.expect(
                "POST",
                "/login/verify",
                303,
                name="POST /login/verify (TOTP)",
                data={"code": code, "csrf_token": token},
            )
        if answer.status_code != 303:
            raise StopUser
        home = self.page("/", "GET / (home)")
        found = CSRF_BODY.search(home.text or "")
        if not found:
            raise StopUser
        self.csrf = found.group(1)


class Registrar(Staff):
    """A reception desk: searches, person pages, registrations with the duplicate check."""

    weight = 5
    kind = "registrars"

    @task(5)
    def search_as_typed(self) -> None:
        self.page("/people", "GET /people (search page)")
        name = _names.name(random.choice(("male", "male", "female")), prefix=False).name_latin
        result = None
        for typed in _typed(name):
            self.wait_keystrokes()
            result = self.htmx("/people", {"q": typed}, "POST /people (search as typed)")
        found = PERSON_LINK.findall(result.text or "") if result is not None else []
        if found:
            self.page(f"/people/{random.choice(found)}", "GET /people/{id}")

    @task(3)
    def person_page(self) -> None:
        """Someone received at this desk's reception point (a registrar sees no other)."""
        people = FIXTURE["people_by_site"][self.account["site_id"]]
        self.page(f"/people/{random.choice(people)}", "GET /people/{id}")

    @task(2)
    def register_with_the_form(self) -> None:
        self.page("/reception/new", "GET /reception/new")
        person = self.new_person()
        for typed in _typed(person["name_latin"]):
            self.wait_keystrokes()
            self.htmx(
                "/reception/duplicates",
                {"name_latin": typed, "birth_year": person["birth_year"]},
                "POST /reception/duplicates (as typed)",
            )
        kind, description, prefix = random.choice(WEAPONS)
        answer = self.form(
            "/reception/new",
            {
                "name_latin": person["name_latin"],
                "classification": person["classification"],
                "received_on": person["received_on"],
                "site_id": self.account["site_id"],
                "birth_year": person["birth_year"],
                "sex": "male",
                "origin_unit": person["origin_unit"],
                "legal_basis": "public_interest",
                "weapon_kind": kind,
                "weapon_description": description,
                "weapon_serial_number": f"{prefix}-L{next(_serials):06d}",
            },
            303,
            "POST /reception/new",
        )
        location = answer.headers.get("location", "")
        if answer.status_code == 303 and location.startswith("/people/"):
            self.page(location, "GET /people/{id}?received=1")

    @task(1)
    def register_with_the_api(self) -> None:
        """An integrated desk application: duplicate check, registration, a weapon added."""
        person = self.new_person()
        self.api(
            "POST",
            "/api/people/possible-duplicates",
            200,
            "POST /api/people/possible-duplicates",
            json={"name_latin": person["name_latin"], "birth_year": person["birth_year"]},
        )
        received = self.api(
            "POST",
            "/api/receptions",
            201,
            "POST /api/receptions",
            json={**person, "site_id": self.account["site_id"], "sex": "male"},
        )
        if received is None:
            return
        self.wait_keystrokes()
        kind, description, prefix = random.choice(WEAPONS)
        weapon = self.api(
            "POST",
            f"/api/receptions/{received['id']}/weapons",
            201,
            "POST /api/receptions/{id}/weapons",
            json={
                "kind": kind,
                "description": description,
                "serial_number": f"{prefix}-A{next(_serials):06d}",
            },
        )
        if weapon is not None:
            self.page(f"/weapons/{weapon['id']}/receipt", "GET /weapons/{id}/receipt")

    def new_person(self) -> dict[str, Any]:
        age = random.randint(20, 50)  # no doubt about being an adult (else: a child, 422)
        return {
            "name_latin": _names.name("male", age=age, prefix=False).name_latin,
            "classification": random.choice(("defector", "defector", "surrendered", "disengaged")),
            "received_on": (datetime.now(UTC) - timedelta(days=random.randint(0, 2)))
            .date()
            .isoformat(),
            "birth_year": datetime.now(UTC).year - age,
            "origin_unit": random.choice(("LIB 531", "IB 54", "LIB 427", "BGF 1004")),
        }


class CaseWorker(Staff):
    """Their case list, a case, its notes, a new note, a step of the pathway."""

    weight = 3
    kind = "caseworkers"

    def a_case(self) -> str:
        return str(random.choice(FIXTURE["cases"]))

    @task(3)
    def case_list(self) -> None:
        self.page("/cases", "GET /cases")

    @task(4)
    def case_page(self) -> None:
        self.page(f"/cases/{self.a_case()}", "GET /cases/{id}")

    @task(1)
    def add_note(self) -> None:
        case_id = self.a_case()
        self.page(f"/cases/{case_id}/notes", "GET /cases/{id}/notes")
        self.form(
            f"/cases/{case_id}/notes",
            {"text": "Synthetic load-test note: phoned, all well, next call in a week."},
            303,
            "POST /cases/{id}/notes",
        )

    @task(1)
    def pathway_step(self) -> None:
        case_id = self.a_case()
        self.page(f"/cases/{case_id}", "GET /cases/{id}")
        due = (datetime.now(UTC) + timedelta(days=random.randint(3, 30))).date().isoformat()
        self.form(
            f"/cases/{case_id}/tasks",
            {"title": "Follow-up visit (load test)", "due_on": due},
            303,
            "POST /cases/{id}/tasks",
        )


class FinanceOfficer(Staff):
    """The allowances pages: batches, reports, a person's statement and preview."""

    weight = 2
    kind = "finance"

    def a_person(self) -> str:
        return str(random.choice(FIXTURE["cleared"] or FIXTURE["people"]))

    @task(3)
    def batches_list(self) -> None:
        self.page("/allowances", "GET /allowances (plans, batches)")

    @task(1)
    def reports(self) -> None:
        self.page("/allowances/reports", "GET /allowances/reports")

    @task(4)
    def statement(self) -> None:
        self.page(f"/allowances/people/{self.a_person()}", "GET /allowances/people/{id}")

    @task(2)
    def statement_and_preview(self) -> None:
        person_id = self.a_person()
        self.api(
            "GET",
            f"/api/allowances/people/{person_id}/statement",
            200,
            "GET /api/allowances/people/{id}/statement",
        )
        self.api(
            "GET",
            f"/api/allowances/people/{person_id}/preview",
            200,
            "GET /api/allowances/people/{id}/preview",
        )

    @task(1)
    def batch(self) -> None:
        if FIXTURE["batches"]:
            batch_id = random.choice(FIXTURE["batches"])
            self.page(f"/allowances/batches/{batch_id}", "GET /allowances/batches/{id}")
