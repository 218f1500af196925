"""Issue 12: leadership always gets publication protection (finding 9, SPEC §6), report periods
have a limit and the by-year table never runs past today (finding 3), and the CSV content type
carries one charset (finding 10)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from casetrack.cases.models import Case, Investigation, Person
from casetrack.extensions import db
from casetrack.reports.figures import MAX_PERIOD_YEARS, Period

ONE_DAY = (
    "basis=range&date_from=1&date_from=5&date_from=2018&date_to=1&date_to=5&date_to=2018&forces=WMP"
)


@pytest.fixture
def one_case(app, make_force, make_department):
    """One closed case received on 1 May 2018: one investigation, ended in no further action."""
    force = make_force("WMP")
    department = make_department("BIRM_E", force=force)
    case = Case(
        reference="WMP-2018-00001",
        force=force,
        department=department,
        state="closed",
        received_date=date(2018, 5, 1),
        summary="s",
        case_type="conduct_matter",
    )
    case.categories.append("inappropriate_content")
    case.platforms.append("facebook")
    person = Person(force=force, staff_number="WMP1", name="P", role="police_officer")
    case.investigations.append(
        Investigation(person=person, outcome="nfa", outcome_date=date(2018, 6, 1))
    )
    db.session.add(case)
    db.session.commit()
    return force


def _client(app, make_user, role, force):
    from conftest import AuthActions

    departments = force.departments if role == "standards_manager" else []
    user = make_user(role, forces=[force], departments=departments)
    actions = AuthActions(app.test_client())
    assert actions.sign_in(user.email).status_code == 302
    return actions.client


# ---- finding 9 --------------------------------------------------------------------------


def test_leadership_one_day_report_describes_no_case(app, one_case, make_user) -> None:
    client = _client(app, make_user, "leadership", one_case)
    data = client.get(f"/reports/outcomes.json?{ONE_DAY}").get_json()
    assert data["suppressed"] is True
    assert data["by_outcome"]["nfa"] == "*"
    assert data["total_investigations"] == "*" and data["total_cases"] == "*"
    assert data["by_role"]["police_officer"] == "*"
    # asking for the full figures changes nothing for leadership
    asked = client.get(f"/reports/outcomes.json?{ONE_DAY}&publication=y").get_json()
    assert asked == data
    rows = list(csv.reader(io.StringIO(client.get(f"/reports/outcomes.csv?{ONE_DAY}").text)))
    cells = [cell for row in rows for cell in row]
    assert "1" not in cells  # every count of 1 is hidden
    page = client.get(f"/reports?{ONE_DAY}").get_data(as_text=True)
    assert "Publication ([c]: not published to protect confidentiality)" in page
    assert "always the publication version" in page
    assert 'name="publication"' not in page  # nothing to choose
    pdf = client.get(f"/reports/outcomes.pdf?{ONE_DAY}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["psd", "psd_head"])
def test_psd_may_choose_either_version(app, one_case, make_user, role) -> None:
    client = _client(app, make_user, role, one_case)
    full = client.get(f"/reports/outcomes.json?{ONE_DAY}").get_json()
    assert full["suppressed"] is False and full["by_outcome"]["nfa"] == 1
    published = client.get(f"/reports/outcomes.json?{ONE_DAY}&publication=y").get_json()
    assert published["suppressed"] is True and published["by_outcome"]["nfa"] == "*"
    page = client.get(f"/reports?{ONE_DAY}").get_data(as_text=True)
    assert 'name="publication"' in page


def test_leadership_home_figures_are_suppressed(app, one_case, make_user, travel_to) -> None:
    """The home page's headline figures (this financial year): one open investigation."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    travel_to(datetime(2018, 5, 2, 12, 0, tzinfo=ZoneInfo("Europe/London")))
    client = _client(app, make_user, "leadership", one_case)
    page = client.get("/").get_data(as_text=True)
    figures = [
        re.sub(r"<span.*?</span>", "", shown).strip()
        for shown in re.findall(r'<p class="ct-stat__number">\s*(.*?)\s*</p>', page)
    ]
    assert figures == ["[c]", "[c]", "0", "0"]  # 1 investigation, 1 finalised, 0 action, 0 open
    assert "(not published)" in page  # words for screen readers
    assert "[c] marks a figure not published" in page


# ---- finding 3 --------------------------------------------------------------------------


def test_period_limit_pure() -> None:
    assert Period(date(2000, 4, 1), date(2050, 3, 31)).too_long() is None  # 50 years
    assert Period(date(2000, 4, 1), date(2050, 4, 1)).too_long() is not None
    problem = Period(date(1, 1, 1), date(9999, 12, 31)).too_long()
    assert problem == (
        f"The period can be at most {MAX_PERIOD_YEARS} years long: "
        "choose an end date before 1 January 51"
    )
    assert Period(date(2024, 2, 29), date(2074, 3, 1)).too_long() is not None


def test_years_stop_at_today() -> None:
    period = Period(date(2020, 4, 1), date(2030, 3, 31), "financial")
    assert period.years(date(2022, 3, 31)) == ["2020/21", "2021/22"]
    assert period.years(date(2022, 4, 1)) == ["2020/21", "2021/22", "2022/23"]
    assert period.years(date(2019, 1, 1)) == ["2020/21"]  # wholly in the future: one row
    assert period.years() == [f"{y}/{(y + 1) % 100:02d}" for y in range(2020, 2030)]


def test_nine_thousand_years_are_refused(app, one_case, make_user) -> None:
    client = _client(app, make_user, "psd", one_case)
    query = (
        "basis=range&date_from=1&date_from=1&date_from=0001"
        "&date_to=31&date_to=12&date_to=9999&forces=WMP"
    )
    for path in ("/reports/outcomes.pdf", "/reports/outcomes.csv", "/reports/outcomes.json"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert "The period can be at most 50 years long" in response.get_data(as_text=True)
    page = client.get(f"/reports?{query}")
    assert page.status_code == 200
    assert "The period can be at most 50 years long" in page.get_data(as_text=True)


def test_by_year_ends_at_today(app, one_case, make_user, travel_to) -> None:
    """A range running into the future lists no year after the one today falls in."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    travel_to(datetime(2019, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")))
    client = _client(app, make_user, "psd", one_case)
    query = (
        "basis=range&date_from=1&date_from=4&date_from=2017"
        "&date_to=31&date_to=3&date_to=2060&forces=WMP"
    )
    data = client.get(f"/reports/outcomes.json?{query}").get_json()
    assert data["by_year"] == {"2017/18": 0, "2018/19": 1, "2019/20": 0}


def test_cli_refuses_a_period_too_long(app, one_case) -> None:
    from casetrack.reports.cli import outcomes

    result = app.test_cli_runner().invoke(
        outcomes, ["--from", "0001-01-01", "--to", "9999-12-31", "--format", "json"]
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        "Error: The period can be at most 50 years long: choose a --to date before 1 January 51"
    ]


# ---- finding 10 -------------------------------------------------------------------------


def test_csv_content_type_has_one_charset(app, one_case, make_user) -> None:
    client = _client(app, make_user, "psd", one_case)
    response = client.get(f"/reports/outcomes.csv?{ONE_DAY}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    json_response = client.get(f"/reports/outcomes.json?{ONE_DAY}")
    assert json_response.headers["Content-Type"] == "application/json"
    assert json.loads(json_response.data)["total_investigations"] == 1


def test_figures_leave_out_cases_the_reader_may_not_see(app, one_case, make_user) -> None:
    """Review finding after issue 12: a PSD reviewer who is the subject of the 1 May 2018 case
    read its outcome from a one-day unprotected report. Their figures leave it out; so do the
    figures of a reviewer not named on a restricted case. The head of PSD sees both."""
    subject = make_user("psd", forces=[one_case], staff_number="wmp 1")  # WMP1, as typed
    for role_user, expected in ((subject, 0), (make_user("psd_head", forces=[one_case]), 1)):
        client = _client_for(app, role_user)
        data = json.loads(client.get(f"/reports/outcomes.json?{ONE_DAY}").get_data(as_text=True))
        assert data["total_investigations"] == expected, role_user.role
    case = db.session.scalar(db.select(Case))
    case.restricted = True
    db.session.commit()
    reviewer = make_user("psd", forces=[one_case])
    data = json.loads(
        _client_for(app, reviewer).get(f"/reports/outcomes.json?{ONE_DAY}").get_data(as_text=True)
    )
    assert data["total_investigations"] == 0
    case.named_users.append(reviewer)
    db.session.commit()
    data = json.loads(
        _client_for(app, reviewer).get(f"/reports/outcomes.json?{ONE_DAY}").get_data(as_text=True)
    )
    assert data["total_investigations"] == 1


def _client_for(app, user):
    from conftest import AuthActions

    actions = AuthActions(app.test_client())
    assert actions.sign_in(user.email).status_code == 302
    return actions.client
