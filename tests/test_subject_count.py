"""cases.subject_count, kept by triggers in the database (migration 0014), whatever writes
the investigations: the ORM, a Core bulk insert, a delete, a cascade. The statistics weigh
each case by it (reports/service.py), so a wrong count is a wrong published figure."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, text, update

from casetrack.cases.models import Case, Investigation
from casetrack.extensions import db


def _count(case_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Case.subject_count).where(Case.id == case_id))


def test_the_database_counts_each_cases_subjects(app, make_case, make_person) -> None:
    first, second = make_person(), make_person()
    case = make_case(subjects=[first, second])
    assert _count(case.id) == 2

    third = make_person(case.force)
    db.session.execute(insert(Investigation).values(case_id=case.id, person_id=third.id))
    db.session.commit()
    assert _count(case.id) == 3

    other = make_case()
    assert _count(other.id) == 1
    moved = db.session.scalar(
        select(Investigation.id).where(
            Investigation.case_id == case.id, Investigation.person_id == third.id
        )
    )
    db.session.execute(
        update(Investigation).where(Investigation.id == moved).values(case_id=other.id)
    )
    db.session.commit()
    assert (_count(case.id), _count(other.id)) == (2, 2)

    # an update that leaves the case alone changes nothing
    db.session.execute(
        update(Investigation).where(Investigation.id == moved).values(case_id=other.id)
    )
    db.session.commit()
    assert _count(other.id) == 2

    db.session.execute(delete(Investigation).where(Investigation.id == moved))
    db.session.commit()
    assert _count(other.id) == 1

    orm_delete = db.session.scalar(select(Investigation).where(Investigation.case_id == case.id))
    db.session.delete(orm_delete)
    db.session.commit()
    assert _count(case.id) == 1


def test_a_case_deleted_with_its_subjects_leaves_no_error(app, make_case) -> None:
    case = make_case()
    case_id = case.id
    db.session.execute(text("DELETE FROM cases WHERE id = :id"), {"id": case_id})
    db.session.commit()
    assert (
        db.session.scalar(select(Investigation.id).where(Investigation.case_id == case_id)) is None
    )
    assert db.session.scalar(select(Case.id).where(Case.id == case_id)) is None


def test_the_migration_counts_the_subjects_cases_already_have(app, make_case, make_person) -> None:
    """0014 on a database with cases: each case's count is its subjects at the time, and the
    triggers count from there (on both databases; downgrading and upgrading again through
    0015 too)."""
    from flask_migrate import downgrade, upgrade

    two = make_case(subjects=[make_person(), make_person()])
    one = make_case()
    ids = (two.id, one.id)
    db.session.remove()
    try:
        downgrade(revision="0013")
        upgrade()
    finally:
        upgrade()  # whatever happened, the shared test database is left at head
    assert (_count(ids[0]), _count(ids[1])) == (2, 1)
    db.session.execute(insert(Investigation).values(case_id=ids[1], person_id=make_person().id))
    db.session.commit()
    assert _count(ids[1]) == 2
