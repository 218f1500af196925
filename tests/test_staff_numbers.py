"""Issue 12: staff numbers in one normal form (finding 2), other departments' workforce
records stay hidden (finding 7), codes with hyphens and dots (finding 11), and migration 0007,
which normalises stored numbers and merges duplicate workforce records."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from casetrack.audit.service import verify_chain
from casetrack.cases import service
from casetrack.cases.models import Case, Person
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org.numbers import normal_staff_number
from casetrack.timeutil import today

SPELLINGS = ["WMP 3310", "WMP\u200b3310", "ＷＭＰ３３１０"]


def _concern(department, subject_number: str, subject_name: str = "Sam Typed") -> dict:
    received = today() - timedelta(days=3)
    return {
        "received_date": [str(received.day), str(received.month), str(received.year)],
        "department": str(department.id),
        "case_type": "conduct_matter",
        "summary": "Posted a photo of a custody suite on a personal Instagram account.",
        "categories": ["inappropriate_content"],
        "platforms": ["instagram"],
        "subject_name": subject_name,
        "subject_number": subject_number,
        "subject_role": "police_officer",
        "subject_rank": "constable",
        "no_evidence_reason": "Screenshot to follow",
    }


# ---- the normal form (pure) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("WMP3310", "WMP3310"),
        ("wmp3310", "WMP3310"),
        ("WMP 3310", "WMP3310"),
        ("WMP\u200b3310", "WMP3310"),  # zero-width space (Cf)
        ("ＷＭＰ３３１０", "WMP3310"),  # full-width letters and digits (NFKC)
        ("\ufeffWMP\u00a033\u206010\t\n", "WMP3310"),  # BOM, no-break space, word joiner
        ("W\u00adMP3310", "WMP3310"),  # soft hyphen
        ("WMP\u20033310", "WMP3310"),  # em space (Zs)
        ("wm-12/3", "WM-12/3"),  # visible punctuation is part of the number
        ("   ", None),
        ("\u200b", None),
        ("", None),
        (None, None),
    ],
)
def test_normal_staff_number(typed, expected) -> None:
    assert normal_staff_number(typed) == expected


# ---- finding 2: every spelling is one workforce record ------------------------------------


def test_spellings_of_one_number_are_one_record(app, make_force) -> None:
    force = make_force("WMP")
    people = [
        service.find_or_add_person(
            force, service.SubjectDetails(name="Alex Real", staff_number=n, role="police_officer")
        )
        for n in ["WMP3310", *SPELLINGS]
    ]
    db.session.commit()
    assert {p.id for p in people} == {people[0].id}
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
    assert people[0].staff_number == "WMP3310"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_real_holder_never_sees_a_case_typed_differently(
    app, client, auth, make_department, make_user, spelling
) -> None:
    """The Standards Manager types the subject's number oddly; the real WMP3310 (a PSD user
    whose account holds WMP3310) cannot see the case, nor be assigned it."""
    department = make_department("BIRM_E")
    psd_subject = make_user("psd", forces=[department.force], staff_number="WMP3310")
    psd_other = make_user("psd", forces=[department.force])
    recorder = make_user("standards_manager", departments=[department])
    auth.sign_in(recorder.email)
    response = auth.post("/cases/new", _concern(department, spelling))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(Case))
    assert [inv.person.staff_number for inv in case.investigations] == ["WMP3310"]
    auth.sign_out()

    auth.sign_in(psd_subject.email)
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert case.reference not in client.get("/cases").get_data(as_text=True)
    auth.sign_out()
    db.session.expire_all()
    assert psd_subject.id not in {u.id for u in service.psd_colleagues(case)}
    assert psd_other.id in {u.id for u in service.psd_colleagues(case)}


def test_account_staff_numbers_are_stored_in_the_normal_form(
    app, make_user, make_department
) -> None:
    from casetrack.auth.service import update_user

    department = make_department("BIRM_E")
    user = make_user("psd", forces=[department.force], staff_number="ＷＭＰ\u200b 3310")
    assert user.staff_number == "WMP3310"
    changed = update_user(
        user,
        name=user.name,
        role=user.role,
        forces=list(user.forces),
        departments=[],
        staff_number="wmp 3310",
    )
    assert changed == []  # the same number, typed differently, is no change
    update_user(
        user,
        name=user.name,
        role=user.role,
        forces=list(user.forces),
        departments=[],
        staff_number="\u200b",
    )
    assert user.staff_number is None


def test_cli_user_staff_number_is_normalised(app, make_force) -> None:
    from casetrack.auth.models import User

    make_force("WMP")
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "cli.user@example.police.uk",
            "--role",
            "psd",
            "--force",
            "WMP",
            "--staff-number",
            "wmp\u200b 3310",
            "--password-stdin",
        ],
        input="a long enough password for the test\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cli.user@example.police.uk"))
    assert user.staff_number == "WMP3310"


def test_import_matches_numbers_in_the_normal_form(app, make_force, tmp_path) -> None:
    force = make_force("WMP")
    existing = service.find_or_add_person(
        force,
        service.SubjectDetails(name="Alex Real", staff_number="WMP3310", role="police_officer"),
    )
    db.session.commit()
    header = "reference,force,received_date,categories,subject_number,subject_role\n"
    rows = (
        "OLD-1,WMP,2019-05-01,inappropriate_content,WMP 3310,police_officer\n"
        "OLD-2,WMP,2019-06-01,inappropriate_content,ｗｍｐ３３１０,police_officer\n"
        "OLD-3,WMP,2019-07-01,inappropriate_content,WMP\u200b3310,police_officer\n"
    )
    result = _import(tmp_path, header + rows)
    assert result.people_created == 0
    numbers = db.session.scalars(select(Person.staff_number)).all()
    assert numbers == ["WMP3310"]
    ids = {
        inv.person_id for case in db.session.scalars(select(Case)) for inv in case.investigations
    }
    assert ids == {existing.id}


def test_import_refuses_one_number_twice_in_a_case_however_typed(app, make_force, tmp_path) -> None:
    from casetrack.imports import importer

    make_force("WMP")
    path = tmp_path / "twice.csv"
    path.write_text(
        "reference,force,received_date,categories,subject_number,subject_role\n"
        "OLD-1,WMP,2019-05-01,inappropriate_content,WMP3310,police_officer\n"
        "OLD-1,WMP,2019-05-01,inappropriate_content,WMP 3310,police_officer\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in importer.plan(path).problems]
    assert any("WMP3310 is already a subject of OLD-1" in p for p in problems), problems
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def _import(tmp_path: Path, body: str):
    from casetrack.imports import importer

    path = tmp_path / "old.csv"
    path.write_text(body, encoding="utf-8")
    checked = importer.plan(path)
    assert checked.ok, [str(p) for p in checked.problems]
    summary = importer.execute(checked, "tester")
    db.session.commit()
    return summary


# ---- finding 7: another department's record is never shown ---------------------------------


def _outside_person(make_department, force_dept="COV"):
    other = make_department(force_dept)
    person = service.find_or_add_person(
        other.force,
        service.SubjectDetails(
            name="Robin Hidden",
            staff_number="WMP7777",
            role="police_staff",
            department=other,
            politically_restricted=True,
        ),
    )
    db.session.commit()
    return person


def test_number_of_another_departments_person_reveals_nothing(
    app, client, auth, make_department, make_user
) -> None:
    department = make_department("BIRM_E")
    hidden = _outside_person(make_department)
    recorder = make_user("standards_manager", departments=[department])
    auth.sign_in(recorder.email)
    response = auth.post("/cases/new", _concern(department, "wmp 7777", "Sam Typed"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "outside your departments" in page
    assert "Robin Hidden" not in page and "Hidden" not in page
    assert "Sam Typed" in page  # what the user typed is kept
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    db.session.refresh(hidden)
    assert (hidden.name, hidden.role) == ("Robin Hidden", "police_staff")  # unchanged


def test_another_departments_person_is_used_when_the_name_typed_is_theirs(
    app, client, auth, make_department, make_user
) -> None:
    """Knowing the name and number, the Standards Manager links the one record (so the
    conflict-of-interest rule and the person's history stay whole); nothing is changed."""
    department = make_department("BIRM_E")
    hidden = _outside_person(make_department)
    recorder = make_user("standards_manager", departments=[department])
    auth.sign_in(recorder.email)
    response = auth.post("/cases/new", _concern(department, "WMP7777", "  robin  HIDDEN "))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(Case))
    assert [inv.person_id for inv in case.investigations] == [hidden.id]
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_own_departments_person_is_found_by_number_alone(app, make_department, make_user) -> None:
    department = make_department("BIRM_E")
    mine = service.find_or_add_person(
        department.force,
        service.SubjectDetails(
            name="Kit Own", staff_number="WMP1000", role="police_officer", department=department
        ),
    )
    found = service.find_or_add_person(
        department.force,
        service.SubjectDetails(name=None, staff_number="wmp 1000", role="police_officer"),
        visible_departments={department.id},
    )
    assert found.id == mine.id
    with pytest.raises(DomainError):
        service.find_or_add_person(
            department.force,
            service.SubjectDetails(
                name="Someone Else", staff_number="WMP1000", role="police_officer"
            ),
            visible_departments={department.id + 1000},
        )


# ---- finding 11: codes with hyphens and dots ---------------------------------------------


def test_department_codes_may_hold_hyphens_and_dots(app, make_force) -> None:
    from casetrack.org.service import add_department, add_force, department_by_code

    force = make_force("GMP")
    assert add_department(force, "gmp-d1", "Division 1").code == "GMP-D1"
    assert add_department(force, "NPU.B1", "NPU B1").code == "NPU.B1"
    assert department_by_code(force, "npu.b1").name == "NPU B1"
    assert add_force("WM.X", "A force with a dot").code == "WM.X"
    db.session.commit()
    for bad in ("-D1", "D1-", "D 1", "D1.", "X", "D" * 17):
        with pytest.raises(DomainError):
            add_department(force, bad, "Bad")


def test_force_codes_may_not_hold_hyphens(app) -> None:
    from casetrack.org.service import add_force

    with pytest.raises(DomainError) as refused:
        add_force("GMP-X", "Hyphenated")
    assert "no hyphens" in refused.value.message


def test_admin_adds_a_hyphenated_department(app, client, auth, signed_in, make_force) -> None:
    from casetrack.org.models import Department

    force = make_force("GMP")
    signed_in("admin", forces=[force])
    response = auth.post(
        "/admin/departments", {"force": str(force.id), "code": "GMP-D1", "name": "Division 1"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(Department.code)) == "GMP-D1"


def test_import_uses_codes_with_hyphens_and_dots(app, tmp_path) -> None:
    from casetrack.cases.models import ReferenceCounter
    from casetrack.org.service import add_department, add_force

    force = add_force("WM.X", "Dotted force")
    add_department(force, "GMP-D1", "Division 1")
    db.session.commit()
    body = (
        "reference,force,department,received_date,categories,subject_role\n"
        "WM.X-2019-00042,wm.x,gmp-d1,2019-05-01,inappropriate_content,police_officer\n"
    )
    _import(tmp_path, body)
    case = db.session.scalar(select(Case))
    assert (case.force.code, case.department.code) == ("WM.X", "GMP-D1")
    counter = db.session.get(ReferenceCounter, (force.id, 2019))
    assert counter is not None and counter.last == 42  # read from the right of the reference


def test_import_reference_pattern_is_read_from_the_right() -> None:
    from casetrack.imports.importer import OUR_REFERENCE

    match = OUR_REFERENCE.match("GMP-D1-2019-00042")
    assert match is not None and match.groups() == ("GMP-D1", "2019", "00042")
    match = OUR_REFERENCE.match("NPU.B1-2020-00007")
    assert match is not None and match.groups() == ("NPU.B1", "2020", "00007")
    assert OUR_REFERENCE.match("WMP-19-00042") is None


# ---- migration 0007 -----------------------------------------------------------------------


@pytest.fixture
def fresh_database(backend, request, tmp_path):
    """An empty database of this test's backend, for upgrading step by step."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"migrate_{tmp_path.name[-20:].lower().replace('-', '_')}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


def _upgrade(url: str, tmp_path: Path, revision: str) -> None:
    from flask_migrate import upgrade

    from casetrack import create_app
    from conftest import base_config

    application = create_app(base_config(tmp_path / f"at-{revision}", url))
    with application.app_context():
        upgrade(revision=revision)
        db.session.remove()
        db.engine.dispose()


def _record_before(url: str, tmp_path: Path) -> None:
    from casetrack import create_app
    from casetrack.audit.service import record
    from conftest import base_config

    application = create_app(base_config(tmp_path / "before", url))
    with application.app_context():
        record("test_entry_before_0007", details={"n": 1})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_migration_0007_merges_duplicate_people(fresh_database, tmp_path, backend) -> None:
    url = fresh_database
    _upgrade(url, tmp_path, "0006")
    _record_before(url, tmp_path)  # the migration's entries continue an existing chain
    engine = create_engine(url)
    with engine.begin() as conn:
        if backend == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.execute(
            text("INSERT INTO forces (id, code, name) VALUES (1, 'WMP', 'W'), (2, 'WARKS', 'K')")
        )
        people = [
            (1, 1, "WMP3310", "Alex Real", None),
            (2, 1, "WMP 3310", None, "sergeant"),
            (3, 1, "WMP\u200b3310", "Alex R", None),
            (4, 1, "ＷＭＰ３３１０", None, None),
            (5, 2, "WMP 3310", "Other Force", None),  # another force: not the same person
            (6, 1, "wm 9", "Lone", None),
        ]
        for pid, force, number, name, rank in people:
            conn.execute(
                text(
                    "INSERT INTO people (id, force_id, staff_number, name, role, rank,"
                    " politically_restricted) VALUES (:i, :f, :n, :name, 'police_officer',"
                    " :rank, :pr)"
                ),
                {"i": pid, "f": force, "n": number, "name": name, "rank": rank, "pr": pid == 3},
            )
        for cid, force in ((1, 1), (2, 1), (3, 1), (4, 2)):
            conn.execute(
                text(
                    "INSERT INTO cases (id, reference, force_id, state, received_date, case_type,"
                    " summary, content_urls, content_posted_dates, reporter_anonymous,"
                    " restricted, imported, created_at, updated_at, version) VALUES (:i, :r, :f,"
                    " 'logged', '2026-01-01', 'conduct_matter', 's', '', '', false, false, false,"
                    " '2026-01-01', '2026-01-01', 1)"
                ),
                {"i": cid, "r": f"WMP-2026-0000{cid}", "f": force},
            )
        # case 1: record 2; case 2: records 3 and 4; case 3: records 1 and 2 (the same person
        # twice); case 4: the other force's record
        for iid, case, person, outcome in (
            (1, 1, 2, None),
            (2, 2, 3, None),
            (3, 2, 4, None),
            (4, 3, 1, None),
            (5, 3, 2, "written_warning"),
            (6, 4, 5, None),
        ):
            conn.execute(
                text(
                    "INSERT INTO investigations (id, case_id, person_id, severity, outcome,"
                    " outcome_date) VALUES (:i, :c, :p, 'not_assessed', :o, :d)"
                ),
                {
                    "i": iid,
                    "c": case,
                    "p": person,
                    "o": outcome,
                    "d": "2026-02-01" if outcome else None,
                },
            )
        conn.execute(
            text(
                "INSERT INTO users (id, email, name, role, password_hash, staff_number, active,"
                " must_change_password, created_at, password_changed_at) VALUES (1,"
                " 'u@example.police.uk', 'U', 'psd', 'x', 'wmp 3310', true, false,"
                " '2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()

    _upgrade(url, tmp_path, "0007")

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, force_id, staff_number, name, rank, politically_restricted"
                " FROM people ORDER BY id"
            )
        ).all()
        assert [tuple(r[:5]) for r in rows] == [
            (1, 1, "WMP3310", "Alex Real", "sergeant"),
            (5, 2, "WMP3310", "Other Force", None),
            (6, 1, "WM9", "Lone", None),
        ]
        assert bool(rows[0][5]) is True  # one merged record said politically restricted
        investigations = conn.execute(
            text("SELECT case_id, person_id, outcome FROM investigations ORDER BY case_id, id")
        ).all()
        assert [tuple(r) for r in investigations] == [
            (1, 1, None),
            (2, 1, None),
            (3, 1, "written_warning"),
            (4, 5, None),
        ]
        assert conn.execute(text("SELECT staff_number FROM users")).scalar() == "WMP3310"
        actions = [
            (a, o, json.loads(d))
            for a, o, d in conn.execute(
                text("SELECT action, object_id, details FROM audit_events ORDER BY seq")
            )
        ]
        merged = sorted(d["merged_person"] for a, o, d in actions if a == "person_merged")
        assert merged == [2, 3, 4]
        assert all(o == "1" for a, o, _ in actions if a == "person_merged")
        assert {a for a, _, _ in actions} == {
            "test_entry_before_0007",
            "person_merged",
            "person_staff_number_normalised",
            "user_staff_number_normalised",
        }
        if backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        else:
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM investigations i LEFT JOIN people p"
                    " ON p.id = i.person_id WHERE p.id IS NULL"
                )
            ).scalar()
            assert orphans == 0
            constraints = conn.execute(
                text(
                    "SELECT count(*) FROM pg_constraint WHERE conname ="
                    " 'fk_investigations_person_id_people' AND convalidated"
                )
            ).scalar()
            assert constraints == 1
    engine.dispose()

    from casetrack import create_app
    from conftest import base_config

    application = create_app(base_config(tmp_path / "verify", url))
    with application.app_context():
        checked, problem = verify_chain()
        assert problem is None and checked == len(actions)
        db.session.remove()
        db.engine.dispose()
