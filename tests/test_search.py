"""The case list's search (SPEC §12 "Finding things"): handles with or without @, content URLs,
summary words, staff numbers in any form; never beyond what the user may see; no input breaks
it. Expectations written from the SPEC, on both databases and both ways a search runs."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from casetrack.cases import queries
from casetrack.extensions import db


@pytest.fixture(params=["ids", "walk"])
def search_path(request, monkeypatch) -> str:
    """Both ways a search runs: by the ids it matches, or (a common one) testing each case."""
    if request.param == "walk":
        monkeypatch.setattr(queries, "SEARCH_IDS_LIMIT", 0)
    return request.param


def _listed(client, query: str, cases) -> list[str]:
    """The references of these cases in the list's table for ?q=query (sorted)."""
    response = client.get("/cases", query_string={"q": query})
    assert response.status_code == 200, query
    table = response.get_data(as_text=True).partition('<tbody class="govuk-table__body">')[2]
    return sorted(c.reference for c in cases if c.reference in table)


def _with(case, **columns):
    """Set a case's handle / URLs / summary as a correction would (an UPDATE of the row)."""
    for name, value in columns.items():
        setattr(case, name, value)
    db.session.commit()
    return case


@pytest.fixture
def world(make_case, make_department, make_person, make_user):
    """Cases of one department with the details the searches look for."""
    department = make_department("BIRM_E")
    reed = make_person(name="Jordan Reed", staff_number="WMP04711")
    cases = {
        "handle_at": _with(
            make_case("logged", department=department), account_handle="@WMPInspReed"
        ),
        "handle_bare": _with(
            make_case("logged", department=department), account_handle="PlainHandle"
        ),
        "urls": _with(
            make_case("logged", department=department),
            content_urls="https://x.example/WMPBlue/status/178934\nhttps://fb.example/groups/8812",
        ),
        "summary": make_case(
            "logged", department=department, summary="Posted a photograph of the custody suite"
        ),
        "subject": make_case("logged", department=department, subjects=[reed]),
        "odd": make_case(
            "logged", department=department, summary='Said 50% "quoted" *star* NEAR-miss (a_b)'
        ),
    }
    return department, cases


def test_account_handle_with_or_without_at(app, client, signed_in, world, search_path) -> None:
    department, cases = world
    signed_in("psd", forces=[department.force])
    everything = list(cases.values())
    at, bare = cases["handle_at"].reference, cases["handle_bare"].reference
    for query in ("WMPInspReed", "@WMPInspReed", "wmpinspreed", "InspReed", " @inspreed "):
        assert _listed(client, query, everything) == [at], query
    for query in ("PlainHandle", "@PlainHandle", "@plainhandle", "ainHan"):
        assert _listed(client, query, everything) == [bare], query
    assert _listed(client, "@@WMPInspReed", everything) == [at]  # however many @s are typed
    assert _listed(client, "WMPInspReedX", everything) == []


def test_content_url_fragments(app, client, signed_in, world, search_path) -> None:
    department, cases = world
    signed_in("psd", forces=[department.force])
    everything, urls = list(cases.values()), cases["urls"].reference
    for query in ("status/178934", "178934", "groups/8812", "fb.example/groups", "WMPBLUE"):
        assert _listed(client, query, everything) == [urls], query
    assert _listed(client, "https://x.example/WMPBlue/status/178934", everything) == [urls]


def test_summary_words_and_subject_names(app, client, signed_in, world, search_path) -> None:
    department, cases = world
    signed_in("psd", forces=[department.force])
    everything = list(cases.values())
    assert _listed(client, "custody", everything) == [cases["summary"].reference]
    assert _listed(client, "CUSTODY SUITE", everything) == [cases["summary"].reference]
    assert _listed(client, "suite custody", everything) == []  # one phrase, as typed
    assert _listed(client, "reed", everything) == sorted(
        [cases["subject"].reference, cases["handle_at"].reference]  # the name and @WMPInspReed
    )
    assert _listed(client, "jordan reed", everything) == [cases["subject"].reference]


def test_staff_number_in_another_form(app, client, signed_in, world, search_path) -> None:
    """Staff numbers are stored in one normal form (SPEC §9.1): however the number is typed,
    with spaces, in lower case, full-width or with an invisible character, it is found."""
    department, cases = world
    signed_in("psd", forces=[department.force])
    everything, subject = list(cases.values()), cases["subject"].reference
    for query in (
        "WMP04711",
        "wmp04711",
        "wmp 047 11",
        "ＷＭＰ０４７１１",
        "WMP\u200b04711",
        "4711",
    ):
        assert _listed(client, query, everything) == [subject], query


def test_literal_characters_and_search_syntax(app, client, signed_in, world, search_path) -> None:
    """%, _ and quotes are characters, not wildcards or syntax; so are FTS5's operators."""
    department, cases = world
    signed_in("psd", forces=[department.force])
    everything, odd = list(cases.values()), cases["odd"].reference
    for query in ('"quoted"', "*star*", "NEAR-miss", "50%", "(a_b)", "a_b", '50% "quo'):
        assert _listed(client, query, everything) == [odd], query
    for query in ("*", "-", '"', "NEAR", "%", "_"):
        assert odd in _listed(client, query, everything), query  # the text has each one
    for query in (
        '"',
        "NEAR(custody suite)",
        "custody*",
        "-custody",
        "summary:custody",
        "^custody",
    ):
        assert cases["summary"].reference not in _listed(client, query, everything), query
    assert _listed(client, "a%b", everything) == []
    assert _listed(client, "a_c", everything) == []  # _ is not any one character


@pytest.mark.parametrize(
    "query",
    [
        "x" * 101,
        "x" * 5000,
        '"',
        '""',
        '"unterminated',
        "*",
        "NEAR",
        "NEAR(a b, 2)",
        "a OR b AND NOT c",
        "-",
        "--",
        "^",
        "{reference}: x",
        "reference:x",
        "(",
        ")",
        "'",
        "\\",
        "%_%",
        "\x00",
        "a\x00b",
        "\u202e",
        "\U0001f600",
        "  ",
        "@",
        "@@@",
    ],
)
def test_no_input_breaks_the_search(app, client, signed_in, make_case, search_path, query) -> None:
    signed_in("psd")
    make_case("logged")
    response = client.get("/cases", query_string={"q": query})
    # a NUL is refused for every request, before any view (casetrack/security.py)
    assert response.status_code == (400 if "\x00" in query else 200)
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    if len(query) > 100:
        assert "100 characters" in body


def test_search_never_shows_what_the_user_may_not_see(
    app, client, auth, make_case, make_user, make_force, make_department, make_person, search_path
) -> None:
    """A Standards Manager: not another department's case; nobody: a restricted case they are
    not named on, or a case in which they are a subject — whatever the search matches."""
    wmp, warks = make_force("WMP"), make_force("WARKS")
    mine, next_door = make_department("BIRM_E", force=wmp), make_department("BIRM_W", force=wmp)
    elsewhere = make_department("NWARKS", force=warks)
    manager = make_user(
        "standards_manager", forces=[wmp], departments=[mine], staff_number="SM 0042"
    )
    handle = "@SharedHandle"
    seen = _with(make_case("logged", department=mine), account_handle=handle)
    hidden = [
        _with(make_case("logged", department=next_door), account_handle=handle),
        _with(make_case("logged", department=elsewhere), account_handle=handle),
        _with(make_case("logged", department=mine, restricted=True), account_handle=handle),
        _with(
            make_case(
                "logged", department=mine, subjects=[make_person(wmp, staff_number="SM0042")]
            ),
            account_handle=handle,
        ),
    ]
    assert auth.sign_in(manager.email).status_code == 302
    everything = [seen, *hidden]
    for query in ("SharedHandle", "@sharedhandle", "sm0042", "SM 0042", "Offensive post"):
        expected = [] if query.lower().startswith("sm") else [seen.reference]
        assert _listed(client, query, everything) == expected, query
    for case in hidden:
        assert _listed(client, case.reference, everything) == [], case.reference
    # PSD of the force: both departments, still not the restricted case nor the other force
    auth.sign_out()
    psd = make_user("psd", forces=[wmp])
    assert auth.sign_in(psd.email).status_code == 302
    assert _listed(client, handle, everything) == sorted(
        [seen.reference, hidden[0].reference, hidden[3].reference]
    )


def test_index_follows_every_change(app, client, signed_in, make_case, search_path) -> None:
    """The full-text index (FTS5 on SQLite) is kept in step by the database: a corrected
    handle is found by its new value only, a deleted case by nothing."""
    case = _with(make_case("logged"), account_handle="@OldHandle")
    other = make_case("logged")
    signed_in("psd", forces=[case.force])
    both = [case, other]
    assert _listed(client, "OldHandle", both) == [case.reference]
    _with(case, account_handle="@NewHandle", summary="Changed summary wording")
    assert _listed(client, "OldHandle", both) == []
    assert _listed(client, "NewHandle", both) == [case.reference]
    assert _listed(client, "summary wording", both) == [case.reference]
    _with(case, state="assessed")  # a change to other columns leaves the index alone
    assert _listed(client, "NewHandle", both) == [case.reference]
    db.session.delete(case)
    db.session.commit()
    assert _listed(client, "NewHandle", both) == []


def test_sqlite_full_text_tables_are_in_step(app, make_case, make_person) -> None:
    """Head has the FTS5 tables and their triggers (a later migration rebuilding `cases` on
    SQLite would drop them: this fails then), and FTS5's own check finds the index whole."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's; PostgreSQL uses trigram indexes on the columns")
    make_case("logged")
    triggers = set(
        db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    )
    for fts in ("cases_fts", "people_fts"):
        assert {f"{fts}_insert", f"{fts}_delete", f"{fts}_update"} <= triggers
        db.session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')"))  # noqa: S608
    db.session.rollback()


def test_postgresql_has_trigram_indexes_for_handles_and_urls(app) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's indexes")
    definition = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_cases_search_content'")
    )
    assert definition is not None and "gin" in definition and "gin_trgm_ops" in definition
