"""Load test journey: sign in (correct password), case list, filtered lists, open cases seen
on the list, the statistics page. Run by bench/load.py:

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:PORT

BENCH_ACCOUNTS (comma-separated emails), BENCH_PASSWORD and BENCH_FILTERS (a file of case-list
query strings, one a line) come from the environment. With BENCH_REQUEST_LOG set, every
request is written there as a JSON line (seconds since start, name, ms, failed) at the end.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import pyotp
from locust import HttpUser, between, events, task

EMAILS = os.environ.get("BENCH_ACCOUNTS", "").split(",")
SECRETS = os.environ.get("BENCH_TOTP_SECRETS", "").split(",")
# the n-th simulated user: an account, and which of its authenticator apps it holds
ACCOUNTS = ((EMAILS[n % len(EMAILS)], SECRETS[n // len(EMAILS) % len(SECRETS)])
            for n in itertools.count())  # fmt: skip
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
FILTERS = Path(os.environ.get("BENCH_FILTERS", "/dev/null")).read_text().split() or [""]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CASE_LINK = re.compile(r'href="/cases/(\d+)"')
STARTED = time.monotonic()
REQUESTS: list[tuple[float, str, float, bool]] = []


@events.request.add_listener
def _record(name: str, response_time: float, exception: object, **_kw: object) -> None:
    REQUESTS.append((round(time.monotonic() - STARTED, 3), name, response_time, bool(exception)))


@events.quitting.add_listener
def _write(**_kw: object) -> None:
    if target := os.environ.get("BENCH_REQUEST_LOG"):
        with open(target, "w") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in REQUESTS)


class Caseworker(HttpUser):
    """One person at work: reads a page, thinks for 1–5 s, moves on."""

    wait_time = between(1, 5)

    def on_start(self) -> None:
        self.email, self.secret = next(ACCOUNTS)
        self.case_ids: list[str] = []
        self.sign_in()

    def sign_in(self) -> None:
        page = self.client.get("/sign-in", name="/sign-in (form)")
        token = CSRF.search(page.text)
        with self.client.post(
            "/sign-in",
            data={"csrf_token": token[1] if token else "", "email": self.email,
                  "password": PASSWORD},
            name="/sign-in (post)", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"sign-in refused: {response.status_code}")
        self.second_factor()
        self.client.get("/", name="/ (home)")

    def second_factor(self) -> None:
        """A code from this user's authenticator app (this step's, or the next's if another
        user of the same app took this one)."""
        page = self.client.get("/sign-in/second-factor", name="/sign-in/second-factor (form)")
        token = CSRF.search(page.text)
        totp = pyotp.TOTP(self.secret)
        for ahead in (0, 30):
            code = totp.at(time.time() + ahead)
            with self.client.post(
                "/sign-in/second-factor",
                data={"csrf_token": token[1] if token else "", "code": code},
                name="/sign-in/second-factor (post)", allow_redirects=False, catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code == 302:
                    return
                if ahead:
                    response.failure(f"second factor refused: {response.status_code}")
                else:
                    response.success()  # that code was used a moment ago: try the next

    def _remember_cases(self, html: str) -> None:
        found = CASE_LINK.findall(html)
        if found:
            self.case_ids = found

    @task(3)
    def case_list(self) -> None:
        page = random.choice([1, 1, 1, 2, 3])
        response = self.client.get(f"/cases?page={page}", name="/cases")
        self._remember_cases(response.text)

    @task(3)
    def filtered_list(self) -> None:
        response = self.client.get(f"/cases?{random.choice(FILTERS)}", name="/cases?filters")
        self._remember_cases(response.text)

    @task(4)
    def open_case(self) -> None:
        if self.case_ids:
            self.client.get(f"/cases/{random.choice(self.case_ids)}", name="/cases/[id]")

    @task(1)
    def statistics(self) -> None:
        self.client.get("/reports", name="/reports")
