"""The case list: filters, search, sorting, pagination without counting every row; dashboards."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from casetrack.extensions import db
from casetrack.timeutil import today


def _refs(body: str, cases) -> list[str]:
    """The references of these cases shown on the page, in page order."""
    found = [c.reference for c in cases if c.reference in body]
    return sorted(found, key=body.index)


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
    app, client, auth, make_case, make_user, make_department
) -> None:
    """No N+1: the number of queries for a page is the same for 2 cases as for 12."""
    department = make_department("BIRM_E")
    psd = make_user("psd")
    auth.sign_in(psd.email)

    def count_queries() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/cases").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    for _ in range(2):
        make_case("psd_investigation", department=department, psd=psd)
    few = count_queries()
    for _ in range(10):
        make_case("psd_investigation", department=department, psd=psd)
    assert count_queries() == few


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
