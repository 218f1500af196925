"""Smoke run of the benchmark's dataset generator (bench/dataset.py): `make bench` itself is
never part of `make test`, but the generator it relies on is checked here at a small size."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from casetrack.cases.models import Case, CaseCategory, CaseEvent, Investigation
from casetrack.extensions import db
from casetrack.org.models import Department, Force


def test_generator_makes_a_consistent_national_dataset(app) -> None:
    from bench import dataset

    world = dataset.generate(app, 300, seed=7)
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Case) == 300 and world.cases == 300
    assert count(Force) == 20 and count(Department) == 80
    assert 1.15 * 300 <= count(Investigation) <= 1.5 * 300  # ~130,000 per 100,000 cases
    assert count(CaseCategory) >= 300 and count(CaseEvent) >= 300
    # every case's department belongs to its force, references are unique
    mismatched = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .join(Department, Department.id == Case.department_id)
        .where(Department.force_id != Case.force_id)
    )
    assert mismatched == 0
    assert db.session.scalar(select(func.count(func.distinct(Case.reference)))) == 300
    # spread over ten years, older cases mostly closed, several states present
    years = Counter(d.year for d in db.session.scalars(select(Case.received_date)))
    assert max(years) - min(years) >= 8
    states = Counter(db.session.scalars(select(Case.state)))
    assert states["closed"] > 300 // 3 and len(states) >= 4
    # the accounts sign in, and the application's own pages work on the generated data
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    from bench.common import PASSWORD
    from bench.inprocess import csrf_token, sign_in

    response = client.post(
        "/sign-in",
        data={"email": dataset.NATIONAL_PSD, "password": PASSWORD, "csrf_token": csrf_token(page)},
    )
    assert response.headers["Location"] == "/sign-in/second-factor"
    client = sign_in(app, dataset.NATIONAL_PSD)  # password, then an authenticator-app code
    assert client.get("/cases?state=closed").status_code == 200
    # the queues (SPEC §13): a task for every logged case, a notification for every referral
    from casetrack.queues.models import Notification, Task

    logged = db.session.scalar(select(func.count()).where(Case.state == "logged"))
    assert count(Task) >= logged > 0
    assert count(Notification) >= 2 * db.session.scalar(
        select(func.count()).where(Case.referred_on.is_not(None))
    )
    for page in ("/", "/queue", "/notifications"):
        assert client.get(page).status_code == 200
    assert client.get("/reports/outcomes.json?basis=calendar").status_code == 200
