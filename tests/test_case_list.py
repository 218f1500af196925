"""The case list: filters, search, sorting, pagination without counting every row; dashboards."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select, text

from casetrack.cases import queries
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.timeutil import today


def _refs(body: str, cases) -> list[str]:
    """The references of these cases shown on the page, in page order."""
    found = [c.reference for c in cases if c.reference in body]
    return sorted(found, key=body.index)


def _listed(body: str, cases) -> list[str]:
    """The references of these cases in the page's table (the search box echoes the query)."""
    return _refs(body.partition('<tbody class="govuk-table__body">')[2], cases)


def test_filters_and_search(
    app, client, auth, make_case, make_user, make_department, make_person
) -> None:
    department = make_department("BIRM_E")
    psd = make_user("psd")
    named = make_person(name="Alex Quimby", staff_number="Q777")
    a = make_case(
        "logged",
        department=department,
        categories=["harassment"],
        received=today() - timedelta(days=40),
    )
    b = make_case(
        "psd_investigation",
        department=department,
        psd=psd,
        subjects=[named],
        received=today() - timedelta(days=5),
        summary="Posted 100% offensive memes",
    )
    c = make_case("closed", department=department, psd=psd)
    cases = [a, b, c]
    auth.sign_in(psd.email)
    get = lambda query: client.get(f"/cases?{query}").get_data(as_text=True)  # noqa: E731
    assert sorted(_refs(get(""), cases)) == sorted(x.reference for x in cases)
    assert _refs(get("state=closed"), cases) == [c.reference]
    assert _refs(get("category=harassment"), cases) == [a.reference]
    assert _refs(get("q=quimby"), cases) == [b.reference]
    assert _refs(get("q=Q777"), cases) == [b.reference]
    assert _refs(get(f"q={a.reference.lower()}"), cases) == [a.reference]
    assert _refs(get("q=100%25"), cases) == [b.reference]  # % is literal, not a wildcard
    assert sorted(_refs(get("mine=y"), cases)) == sorted([b.reference, c.reference])
    assert _refs(get("overdue=y"), cases) == [a.reference]  # assessment overdue
    recent = today() - timedelta(days=10)
    assert _refs(
        get(f"received_from={recent.day}&received_from={recent.month}&received_from={recent.year}"),
        cases,
    ) == [b.reference]
    body = get("received_from=31&received_from=2&received_from=2026")
    assert "Received from must be a real date" in body
    assert "unknown" not in get("state=nonsense&platform=%00&page=-5&sort=evil")


@pytest.fixture(params=["ids", "walk"])
def search_path(request, monkeypatch) -> str:
    """Both ways a search runs: by the ids it matches, or (a common one) testing each case."""
    if request.param == "walk":
        monkeypatch.setattr(queries, "SEARCH_IDS_LIMIT", 0)
    return request.param


def test_search_is_a_substring_search_everywhere(
    app, client, auth, make_case, make_user, make_department, make_person, search_path
) -> None:
    """A whole reference or staff number finds what a part of one finds: every case with the
    text in its reference, summary or a subject's name or staff number, in any case."""
    department = make_department("BIRM_E")
    psd = make_user("psd")
    subject = make_person(name="Robin Okafor", staff_number="WMP04711")
    longer = make_person(name="Sam Okafor-Jones", staff_number="WMP047119")
    a = make_case("logged", department=department, subjects=[subject])
    b = make_case("logged", department=department, subjects=[longer])
    c = make_case("logged", department=department, summary=f"Reposted the post in {a.reference}")
    d = make_case("logged", department=department)
    cases = [a, b, c, d]
    auth.sign_in(psd.email)
    get = lambda query: client.get(f"/cases?q={query}").get_data(as_text=True)  # noqa: E731

    def found(query: str) -> list[str]:
        return sorted(_listed(get(query), cases))

    assert found(a.reference) == sorted([a.reference, c.reference])
    assert found(f"  {a.reference.lower()} ") == sorted([a.reference, c.reference])
    assert found(a.reference[-5:]) == sorted([a.reference, c.reference])  # partial
    assert found("WMP04711") == sorted([a.reference, b.reference])  # and WMP047119
    assert found("wmp047119") == [b.reference]
    assert found("okafor") == sorted([a.reference, b.reference])
    assert found("REPOSTED") == [c.reference]
    assert found("WMP_04711") == []  # _ is literal, not any one character
    assert found("nothing like this") == []


def test_search_keeps_the_access_rule(
    app, client, auth, make_case, make_user, make_force, make_department, make_person, search_path
) -> None:
    """Cases the user may not see stay hidden when the search matches them."""
    wmp, warks = make_force("WMP"), make_force("WARKS")
    mine, elsewhere = make_department("BIRM_E", force=wmp), make_department("NWARKS", force=warks)
    psd = make_user("psd", forces=[wmp], staff_number="PSD0042")
    summary = "Posted a photograph of a custody suite"
    seen = make_case("logged", department=mine, summary=summary)
    hidden = [
        make_case("logged", department=elsewhere, summary=summary),
        make_case("logged", department=mine, summary=summary, restricted=True),
        make_case(
            "logged",
            department=mine,
            summary=summary,
            subjects=[make_person(wmp, staff_number="PSD0042")],
        ),
    ]
    auth.sign_in(psd.email)
    for query in ("custody suite", "PSD0042", *(case.reference for case in hidden)):
        body = client.get(f"/cases?q={query}").get_data(as_text=True)
        expected = [seen.reference] if query == "custody suite" else []
        assert _listed(body, [seen, *hidden]) == expected, query


def test_sorting_and_pages(app, client, auth, make_case, make_user, make_department) -> None:
    app.config["PAGE_SIZE"] = 2
    department = make_department("BIRM_E")
    psd = make_user("psd")
    cases = [
        make_case("logged", department=department, received=date(2025, 1, n)) for n in range(1, 6)
    ]
    auth.sign_in(psd.email)
    first = client.get("/cases").get_data(as_text=True)
    assert _refs(first, cases) == [cases[4].reference, cases[3].reference]
    assert "page=2" in first and "Next" in first
    third = client.get("/cases?page=3").get_data(as_text=True)
    assert _refs(third, cases) == [cases[0].reference]
    assert "page=4" not in third
    oldest = client.get("/cases?sort=received_asc").get_data(as_text=True)
    assert oldest.index(cases[0].reference) < oldest.index(cases[1].reference)


def test_list_page_queries_do_not_grow_with_rows(
    app, client, auth, make_case, make_user, make_department, monkeypatch
) -> None:
    """No N+1: the number of queries for a page is the same for 2 cases as for 12."""
    department = make_department("BIRM_E")
    psd = make_user("psd")
    auth.sign_in(psd.email)

    def count_queries(query: str = "") -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/cases?{query}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    for _ in range(2):
        make_case("psd_investigation", department=department, psd=psd)
    few = count_queries()
    for _ in range(10):
        make_case("psd_investigation", department=department, psd=psd)
    assert count_queries() == few
    # a search adds one query (the ids it matches), however many cases it matches
    first = db.session.scalars(select(Case).order_by(Case.id)).first()
    assert count_queries(f"q={first.reference}") == few + 1
    assert count_queries("q=offensive") == few + 1  # all 12
    monkeypatch.setattr(queries, "SEARCH_IDS_LIMIT", 5)
    assert count_queries("q=offensive") == few + 1  # too many for a list of ids


def test_case_page_queries_do_not_grow_with_subjects(
    app, client, auth, make_case, make_user, make_department, make_person
) -> None:
    """The case page (the list's destination) loads its subjects' records and standards in
    one query each, however many subjects there are."""
    department = make_department("BIRM_E")
    psd = make_user("psd")
    one = make_case("psd_investigation", department=department, psd=psd)
    three = make_case(
        "psd_investigation",
        department=department,
        psd=psd,
        subjects=[make_person(department.force) for _ in range(3)],
    )
    auth.sign_in(psd.email)

    def count_queries(case) -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/cases/{case.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    assert count_queries(three) == count_queries(one)


def test_dashboards(app, client, auth, make_case, make_user, make_department) -> None:
    department = make_department("BIRM_E")
    sm = make_user("standards_manager", departments=[department])
    psd = make_user("psd")
    overdue = make_case(
        "logged", department=department, recorder=sm, received=today() - timedelta(days=30)
    )
    referral = make_case("referred_to_psd", department=department, recorder=sm)
    investigation = make_case(
        "psd_investigation", department=department, psd=psd, received=today() - timedelta(days=500)
    )
    investigation.pcc_due = today() - timedelta(days=1)
    db.session.commit()
    auth.sign_in(sm.email)
    home = client.get("/").get_data(as_text=True)
    assert overdue.reference in home and "Assessment overdue since" in home
    auth.sign_out()
    auth.sign_in(psd.email)
    home = client.get("/").get_data(as_text=True)
    assert referral.reference in home and "Referrals awaiting a decision" in home
    assert investigation.reference in home and "PCC notification overdue since" in home


def test_leadership_home_has_figures_only(app, client, auth, make_case, make_user) -> None:
    closed = make_case("closed", received=today() - timedelta(days=1))
    make_case("psd_investigation", received=today() - timedelta(days=1))
    leader = make_user("leadership")
    auth.sign_in(leader.email)
    home = client.get("/").get_data(as_text=True)
    assert "resulted in action of some form" in home
    assert closed.reference not in home and closed.summary not in home
    assert "Subject" not in home


def test_sqlite_gathers_statistics_for_the_planner(
    app, client, auth, make_case, make_user, make_department, monkeypatch
) -> None:
    """Without statistics SQLite sorts every visible case to show one page. A connection that
    was held for long (here: any) runs PRAGMA optimize when it is checked in, which ANALYZEs
    the tables the list used."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    from casetrack import database

    monkeypatch.setattr(database, "SLOW_SECONDS", 0)
    department = make_department("BIRM_E")
    psd = make_user("psd")
    make_case("psd_investigation", department=department, psd=psd)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE sqlite_schema")  # creates sqlite_stat1, if missing
        connection.exec_driver_sql("DELETE FROM sqlite_stat1")
    auth.sign_in(psd.email)
    assert client.get("/cases").status_code == 200
    with db.engine.connect() as connection:
        analysed = set(connection.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")))
    assert {"cases", "investigations"} <= analysed
