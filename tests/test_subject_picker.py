"""The subject picker (SPEC §12): type a name or staff number and choose among the matches the
user may see — a JSON endpoint for the autocomplete, and the same without JavaScript."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEvent
from casetrack.cases import service
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.timeutil import today


def _person(force, department, name: str, number: str):
    person = service.find_or_add_person(
        force,
        service.SubjectDetails(
            name=name, staff_number=number, role="police_officer", department=department
        ),
    )
    db.session.commit()
    return person


@pytest.fixture
def workforce(make_force, make_department):
    """WMP with two departments and Warwickshire, each with a Reed."""
    wmp, warks = make_force("WMP"), make_force("WARKS")
    east, west = make_department("BIRM_E", force=wmp), make_department("BIRM_W", force=wmp)
    north = make_department("NWARKS", force=warks)
    return {
        "wmp": wmp,
        "warks": warks,
        "east": east,
        "west": west,
        "east_reed": _person(wmp, east, "Jordan Reed", "WMP3310"),
        "west_reed": _person(wmp, west, "Alex Reed", "WMP4410"),
        "warks_reed": _person(warks, north, "Sam Reed", "WK5510"),
    }


def _people(client, query: str, **args) -> list[str]:
    response = client.get("/cases/people", query_string={"q": query, **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return [p["label"].split(" (")[0] for p in response.get_json()["people"]]


def test_a_standards_manager_finds_only_their_departments_people(
    app, client, signed_in, workforce
) -> None:
    _person(workforce["wmp"], workforce["east"], "Robin Reed", "SM 77")  # the user's own record
    signed_in(
        "standards_manager",
        forces=[workforce["wmp"]],
        departments=[workforce["east"]],
        staff_number="sm77",
    )
    assert _people(client, "reed") == ["Jordan Reed"]  # never their own record
    assert _people(client, "WMP4410") == []  # another department's record, by number
    assert _people(client, "wmp 3310") == ["Jordan Reed"]  # any form of the number
    assert _people(client, "WK5510") == []


def test_psd_and_the_head_of_psd_find_their_forces_people(
    app, client, auth, make_user, workforce
) -> None:
    psd = make_user("psd", forces=[workforce["wmp"]])
    assert auth.sign_in(psd.email).status_code == 302
    assert _people(client, "Reed") == ["Alex Reed", "Jordan Reed"]
    assert _people(client, "Reed", force=str(workforce["warks"].id)) == []  # not their force
    assert _people(client, "Reed", force="x") == []
    assert _people(client, "Reed", force="9" * 30) == []
    auth.sign_out()
    head = make_user("psd_head", forces=[workforce["wmp"], workforce["warks"]])
    assert auth.sign_in(head.email).status_code == 302
    assert _people(client, "reed") == ["Alex Reed", "Jordan Reed", "Sam Reed"]
    assert _people(client, "reed", force=str(workforce["warks"].id)) == ["Sam Reed"]


def test_at_most_twenty_an_exact_number_first(app, client, signed_in, workforce) -> None:
    wmp, east = workforce["wmp"], workforce["east"]
    for n in range(25):
        _person(wmp, east, f"Aaron Many {n:02d}", f"MANY{n:03d}")
    exact = _person(wmp, east, "Zed Many", "MANY")
    signed_in("standards_manager", forces=[wmp], departments=[east])
    response = client.get("/cases/people", query_string={"q": "many"}).get_json()
    assert len(response["people"]) == 20 and response["more"] is True
    assert response["people"][0] == {
        "id": exact.id,
        "label": "Zed Many (MANY), Police officer, Birm_E NPU (WMP)",
    }
    names = [p["label"] for p in response["people"][1:]]
    assert names == sorted(names)  # then by name
    assert client.get("/cases/people?q=Aaron+Many+07").get_json()["more"] is False


def test_each_search_that_shows_people_is_audited_without_the_text(
    app, client, signed_in, workforce
) -> None:
    signed_in("standards_manager", forces=[workforce["wmp"]], departments=[workforce["east"]])
    _people(client, "Jordan")
    _people(client, "Nobody at all")
    entries = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "people_searched")
    ).all()
    assert len(entries) == 1  # the search that showed nobody disclosed nothing
    details = json.loads(entries[0].details)
    assert details["shown"] == [workforce["east_reed"].id]
    assert details["typed_length"] == len("Jordan")
    assert "Jordan" not in entries[0].details


@pytest.mark.parametrize(
    "query", ["", " ", "%", "_", '"', "*", "NEAR", "-", "a" * 100, "\\", "'", "@", "{name}: x"]
)
def test_odd_text_never_fails(app, client, signed_in, workforce, query) -> None:
    signed_in("psd", forces=[workforce["wmp"]])
    response = client.get("/cases/people", query_string={"q": query})
    assert response.status_code == 200
    assert response.get_json()["people"] == []


def test_too_long_text_is_refused_plainly(app, client, signed_in, workforce) -> None:
    signed_in("psd", forces=[workforce["wmp"]])
    response = client.get("/cases/people", query_string={"q": "a" * 101})
    assert response.status_code == 400
    assert response.get_json() == {
        "people": [],
        "more": False,
        "error": "Type 100 characters or fewer",
    }


def test_sign_in_and_a_case_role_are_needed(app, client, signed_in, workforce) -> None:
    response = client.get("/cases/people?q=reed")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    signed_in("leadership")
    assert client.get("/cases/people?q=reed").status_code == 403


# ---- without JavaScript ------------------------------------------------------------------------


def _concern(department, **overrides) -> dict:
    received = today() - timedelta(days=3)
    data = {
        "received_date": [str(received.day), str(received.month), str(received.year)],
        "department": str(department.id),
        "case_type": "conduct_matter",
        "summary": "Posted a photograph of the custody suite.",
        "categories": ["inappropriate_content"],
        "platforms": ["facebook"],
        "person_search": "",
        "existing_person": "",
        "subject_name": "",
        "subject_number": "",
        "subject_role": "",
    }
    data.update(overrides)
    return data


def _cases() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def _radios(page: str) -> dict[str, str]:
    """value → label of the existing_person radios on the page."""
    found = re.findall(
        r'name="existing_person" type="radio" value="([^"]*)"[^>]*>\s*<label[^>]*>\s*([^<]+?)\s*<',
        page,
    )
    return dict(found)


def test_the_page_has_a_plain_input_and_lists_nobody_unasked(
    app, client, signed_in, workforce
) -> None:
    signed_in("standards_manager", forces=[workforce["wmp"]], departments=[workforce["east"]])
    page = client.get("/cases/new").get_data(as_text=True)
    assert 'id="person_search" name="person_search" type="text"' in page
    assert "Jordan Reed" not in page  # no list of the workforce
    assert re.search(r'src="[^"]*/person-picker\.([0-9a-f]+\.)?js"', page)
    assert re.search(r'src="[^"]*/accessible-autocomplete\.([0-9a-f]+\.)?min\.js"', page)


def test_find_lists_the_matches_keeping_what_was_typed(app, client, auth, signed_in, workforce):
    east = workforce["east"]
    signed_in("standards_manager", forces=[workforce["wmp"]], departments=[east])
    response = auth.post(
        "/cases/new", _concern(east, person_search="reed", find_person="Find"), "/cases/new"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _cases() == 0
    assert _radios(page) == {
        str(workforce["east_reed"].id): "Jordan Reed (WMP3310), Police officer, Birm_E NPU (WMP)",
        "": "None of these: add a new record below",
    }
    assert "Alex Reed" not in page and "Sam Reed" not in page
    assert "Posted a photograph of the custody suite." in page  # the rest of the form kept
    assert "There is a problem" not in page  # finding is not an error
    # choosing one of them records the concern with that subject
    chosen = _concern(east, person_search="reed", existing_person=str(workforce["east_reed"].id))
    assert auth.post("/cases/new", chosen).status_code == 302
    case = db.session.scalar(select(Case))
    assert [inv.person_id for inv in case.investigations] == [workforce["east_reed"].id]


def test_recording_with_a_name_typed_but_nobody_chosen_asks_to_choose(
    app, client, auth, signed_in, workforce
) -> None:
    east = workforce["east"]
    signed_in("standards_manager", forces=[workforce["wmp"]], departments=[east])
    page = auth.post("/cases/new", _concern(east, person_search="Jordan")).get_data(as_text=True)
    assert _cases() == 0
    assert "Choose the person from the matches, or add a new record" in page
    assert "Jordan Reed (WMP3310)" in page
    assert "enter the subject&#39;s role" not in page  # not both messages at once


def test_no_match_says_so_and_offers_a_new_record(app, client, auth, signed_in, workforce):
    east = workforce["east"]
    signed_in("standards_manager", forces=[workforce["wmp"]], departments=[east])
    found = auth.post("/cases/new", _concern(east, person_search="Nobody", find_person="Find"))
    assert "No workforce record you can see matches “Nobody”" in found.get_data(as_text=True)
    recorded = auth.post("/cases/new", _concern(east, person_search="Nobody"))
    page = recorded.get_data(as_text=True)
    assert _cases() == 0
    assert "No workforce record you can see matches “Nobody”: check it, or add a new record" in (
        page
    )
    # the new-record fields still work beside it
    new = _concern(
        east, person_search="Nobody", subject_name="Nobody New", subject_role="police_staff"
    )
    assert auth.post("/cases/new", new).status_code == 302 and _cases() == 1
    empty = auth.post("/cases/new", _concern(east, find_person="Find")).get_data(as_text=True)
    assert "Enter a name or staff number" in empty


def test_a_record_the_user_may_not_see_cannot_be_chosen(app, client, auth, signed_in, workforce):
    """A Standards Manager sending back the id of another department's (or force's) record:
    refused in words that do not say whose it is, and nothing recorded."""
    east = workforce["east"]
    signed_in("standards_manager", forces=[workforce["wmp"]], departments=[east])
    for person in (workforce["west_reed"], workforce["warks_reed"]):
        for value in (str(person.id), "²", "1" * 40, "-1"):
            page = auth.post("/cases/new", _concern(east, existing_person=value))
            page = page.get_data(as_text=True)
            assert _cases() == 0
            assert "Choose a workforce record of the case&#39;s force from the matches" in page
            assert person.name not in page


def test_adding_a_subject_picks_within_the_case_force(
    app, client, auth, make_case, make_user, workforce
) -> None:
    east = workforce["east"]
    case = make_case("logged", department=east)
    recorder = case.created_by
    assert auth.sign_in(recorder.email).status_code == 302
    path = f"/cases/{case.id}/subjects/new"
    page = auth.post(
        path, {"version": str(case.version), "person_search": "reed", "find_person": "Find"}
    ).get_data(as_text=True)
    assert _radios(page).get(str(workforce["east_reed"].id), "").startswith("Jordan Reed")
    assert "Alex Reed" not in page
    source = re.search(r'data-source="([^"]+)"', page).group(1)
    assert source == f"/cases/people?force={case.force_id}"
    done = auth.post(
        path, {"version": str(case.version), "existing_person": str(workforce["east_reed"].id)}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert workforce["east_reed"].id in [
        inv.person_id for inv in db.session.get(Case, case.id).investigations
    ]
