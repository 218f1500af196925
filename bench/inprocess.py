"""Server-side timings with the app in this process (Flask test client, a signed-in user):
case list with a mix of filters, case detail, outcome statistics JSON, outcome report PDF."""

from __future__ import annotations

import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy import event, select

from bench.common import PASSWORD, TOTP_SECRETS, median, percentile, totp_codes
from bench.dataset import World
from casetrack import vocab
from casetrack.extensions import db
from casetrack.timeutil import today

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no csrf_token on the page")
    return found[1]


def sign_in(app: Any, email: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} failed ({response.status_code})")
    # the second factor: a code not used yet, from one of the account's two apps
    token = csrf_token(client.get("/sign-in/second-factor").get_data(as_text=True))
    for code in [c for secret in TOTP_SECRETS for c in totp_codes(secret)]:
        response = client.post("/sign-in/second-factor", data={"csrf_token": token, "code": code})
        if response.status_code == 302:
            return client
    raise RuntimeError(f"second factor for {email} refused ({response.status_code})")


def timed_get(client: FlaskClient, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return elapsed


def date_args(name: str, day: date) -> list[tuple[str, str]]:
    """A GOV.UK date input: the same name three times, day, month, year."""
    return [(name, str(day.day)), (name, str(day.month)), (name, str(day.year))]


def list_queries(world: World, count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(kind, query string) for `count` case-list requests: filters, searches, sorts, pages."""
    rng, org = random.Random(seed), world.org
    force = lambda: str(rng.choice(org.force_ids))  # noqa: E731
    start = today() - timedelta(days=rng.randint(400, 3000))
    kinds: dict[str, Any] = {
        "no filter": lambda: [],
        "state": lambda: [("state", rng.choice(["closed", "psd_investigation", "logged"]))],
        "force": lambda: [("force", force())],
        "force + state": lambda: [("force", force()), ("state", "psd_investigation")],
        "department": lambda: [("department", str(rng.choice(org.departments[int(force())])))],
        "platform": lambda: [("platform", rng.choice(list(vocab.PLATFORMS)))],
        "category + force": lambda: [("category", rng.choice(list(vocab.CATEGORIES))),
                                     ("force", force())],
        "severity": lambda: [("severity", "gross_misconduct")],
        "received dates": lambda: date_args("received_from", start)
        + date_args("received_to", start + timedelta(days=90)),
        "overdue": lambda: [("overdue", "y")],
        "search staff number": lambda: [("q", _staff_number(rng, world))],
        "search reference": lambda: [("q", _reference(rng, world))],
        # SPEC §12: handles with and without @, a URL fragment, a word of the summary, a name
        "search handle": lambda: [("q", rng.choice(world.samples["handles"]).lstrip("@"))],
        "search handle with @": lambda: [("q", rng.choice(world.samples["handles"]))],
        "search URL fragment": lambda: [("q", _url_fragment(rng, world))],
        "search summary word": lambda: [("q", rng.choice(SUMMARY_WORDS))],
        "search name": lambda: [("q", rng.choice(world.samples["names"]))],
        "sort": lambda: [("sort", rng.choice(["received_asc", "reference", "state"]))],
    }  # fmt: skip
    queries = []
    for _ in range(count):
        kind = rng.choice(list(kinds))
        args = kinds[kind]()
        page = rng.choices([1, 2, 3, 10], weights=[70, 15, 10, 5])[0]
        queries.append((kind, urlencode([*args, ("page", str(page))])))
    return queries


SUMMARY_WORDS = ["custody", "protest", "candidate", "colleague", "discriminatory", "victim"]


def _url_fragment(rng: random.Random, world: World) -> str:
    """The end of a content URL: `post/12345`, as someone pasting part of a link would."""
    url = rng.choice(world.samples["urls"])
    return url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1]


def _staff_number(rng: random.Random, world: World) -> str:
    index = rng.randrange(len(world.org.force_codes))
    return f"{world.org.force_codes[index]}{rng.randint(1, world.people_per_force):05d}"


def _reference(rng: random.Random, world: World) -> str:
    year = today().year - rng.randint(1, 8)
    return f"{rng.choice(world.org.force_codes)}-{year}-{rng.randint(1, 50):05d}"


class SqlTimer:
    """Time and count the SQL statements the app runs (engine events), per request."""

    def __init__(self, app: Any) -> None:
        with app.app_context():
            self.engine = db.engine
        self.seconds, self.count, self._started = 0.0, 0, 0.0
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)

    def _before(self, *_args: Any) -> None:
        self._started = time.perf_counter()

    def _after(self, *_args: Any) -> None:
        self.seconds += time.perf_counter() - self._started
        self.count += 1

    def reset(self) -> None:
        self.seconds, self.count = 0.0, 0

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    sql: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def add(self, seconds: float, timer: SqlTimer, kind: str = "") -> None:
        self.seconds.append(seconds)
        self.by_kind[kind].append(seconds)
        self.sql.append(timer.seconds)
        self.queries.append(timer.count)
        timer.reset()

    def breakdown(self) -> str:
        """Where the median request's time goes: SQL versus Python (ORM, forms, templates)."""
        return (
            f"median request {median(self.seconds) * 1000:.0f} ms, of which SQL "
            f"{median(self.sql) * 1000:.0f} ms in {median(self.queries):.0f} queries"
        )

    @property
    def p50(self) -> float:
        return percentile(self.seconds, 50)

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 95)

    def slowest_kinds(self, n: int = 3) -> list[str]:
        ranked = sorted(self.by_kind.items(), key=lambda kv: -percentile(kv[1], 95))
        return [f"{k}: p95 {percentile(v, 95) * 1000:.0f} ms" for k, v in ranked[:n]]

    def kinds(self, prefix: str = "") -> list[str]:
        """Every kind starting with prefix, with its count, p50 and p95."""
        return [
            f"{k} ({len(v)}): p50 {percentile(v, 50) * 1000:.0f} ms, "
            f"p95 {percentile(v, 95) * 1000:.0f} ms"
            for k, v in sorted(self.by_kind.items())
            if k.startswith(prefix)
        ]


def timed_series(app: Any, client: FlaskClient, urls: list[tuple[str, str]]) -> Timings:
    """GET each (kind, url) after 10 warm-up requests (templates compiled, caches filled)."""
    for _, url in urls[:10]:
        timed_get(client, url)
    timer, result = SqlTimer(app), Timings()
    try:
        for kind, url in urls:
            timer.reset()
            result.add(timed_get(client, url), timer, kind)
    finally:
        timer.close()
    return result


def case_list(app: Any, client: FlaskClient, queries: list[tuple[str, str]]) -> Timings:
    return timed_series(app, client, [(kind, f"/cases?{query}") for kind, query in queries])


def picker_queries(world: World, count: int, seed: int = 13) -> list[tuple[str, str]]:
    """(kind, URL) for the subject picker's JSON in the first force (20,000 people): what
    someone types while looking for a person, by name or by staff number."""
    rng, code = random.Random(seed), world.org.force_codes[0]
    size = world.big_force_people
    number = lambda: f"{code}{rng.randint(1, size):05d}"  # noqa: E731
    kinds: dict[str, Any] = {
        "surname": lambda: rng.choice(world.samples["names"]).split()[-1],
        "first letters": lambda: rng.choice(world.samples["names"])[:3],
        "full name": lambda: rng.choice(world.samples["names"]),
        "staff number": number,
        "number, lower case, spaced": lambda: f"{code.lower()} {number()[len(code):]}",
        "part of a number": lambda: number()[-4:],
    }  # fmt: skip
    chosen = [rng.choice(list(kinds)) for _ in range(count)]
    return [(kind, "/cases/people?" + urlencode({"q": kinds[kind]()})) for kind in chosen]


def people_picker(app: Any, world: World, count: int) -> dict[str, Timings]:
    """The picker's JSON for PSD (the force's 20,000 records) and a Standards Manager (two of
    its four departments' records)."""
    code = world.org.force_codes[0].lower()
    result = {}
    for who in ("psd", "sm"):
        client = sign_in(app, f"{who}.{code}@bench.police.uk")
        result[who] = timed_series(app, client, picker_queries(world, count))
    return result


def case_detail(app: Any, client: FlaskClient, count: int, seed: int = 12) -> Timings:
    from casetrack.cases.models import Case

    with app.app_context():
        ids = list(db.session.scalars(select(Case.id).where(Case.restricted.is_(False))))
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    return timed_series(app, client, [("detail", f"/cases/{case_id}") for case_id in chosen])


def whole_period() -> str:
    return urlencode(
        [("basis", "range"), *date_args("date_from", today() - timedelta(days=3700)),
         *date_args("date_to", today())]
    )  # fmt: skip


def report(client: FlaskClient, fmt: str, runs: int) -> list[float]:
    url = f"/reports/outcomes.{fmt}?{whole_period()}"
    timed_get(client, url)  # warm-up
    return [timed_get(client, url) for _ in range(runs)]


def weasyprint_only(app: Any, runs: int) -> list[float]:
    """WeasyPrint's own time on the same finished HTML the report route renders."""
    from weasyprint import HTML

    from casetrack.org.models import Force
    from casetrack.reports import document
    from casetrack.reports.figures import Period
    from casetrack.reports.pdf import STATIC_SCHEME, TAGGED, LockedFetcher

    with app.test_request_context():
        forces = list(db.session.scalars(select(Force).order_by(Force.code)))
        period = Period(today() - timedelta(days=3700), today(), "financial")
        request = document.ReportRequest(period=period, forces=forces, generated_by="bench")
        html = document.report_html(request, document.compute(request))
        times = []
        for _ in range(runs + 1):
            fetcher = LockedFetcher(app.static_folder or "")
            started = time.perf_counter()
            HTML(string=html, base_url=f"{STATIC_SCHEME}:/static/", url_fetcher=fetcher).write_pdf(
                **TAGGED  # the options the report itself uses
            )
            times.append(time.perf_counter() - started)
        db.session.rollback()
    return times[1:]  # the first run loads fonts


def report_timings(app: Any, client: FlaskClient, runs: int) -> dict[str, float]:
    json_times = report(client, "json", runs)
    pdf_times = report(client, "pdf", max(2, runs // 2))
    html_times = weasyprint_only(app, max(2, runs // 2))
    return {
        "json": median(json_times),
        "json_max": max(json_times),
        "pdf": median(pdf_times),
        "weasyprint": median(html_times),
    }
