"""Concurrent use on both databases: no duplicate references, no lost updates."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from casetrack.audit.service import verify_chain
from casetrack.auth.models import User
from casetrack.cases import service
from casetrack.cases.models import Case, Person
from casetrack.cases.workflow import Action
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org.models import Department
from casetrack.timeutil import today


def _run_threads(count: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def runner(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as error:  # noqa: BLE001 (collected for the assertion)
            errors.append(error)

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_parallel_case_creation_gives_unique_references(app, make_case) -> None:
    seed = make_case("logged")
    recorder_id, department_id = seed.created_by_id, seed.department_id
    person_id = seed.investigations[0].person_id

    def create(n: int) -> None:
        with app.app_context():
            recorder = db.session.get(User, recorder_id)
            department = db.session.get(Department, department_id)
            for _ in range(3):
                for attempt in range(20):
                    try:
                        service.record_concern(
                            recorder,
                            service.ConcernDetails(
                                received_date=today() - timedelta(days=20),
                                department=department,
                                summary=f"Parallel {n}",
                                categories=["other"],
                            ),
                            [db.session.get(Person, person_id)],
                        )
                        db.session.commit()
                        break
                    except OperationalError:  # SQLite: database locked beyond the timeout
                        db.session.rollback()
                        assert attempt < 19
            db.session.remove()

    assert _run_threads(8, create) == []
    references = list(db.session.scalars(select(Case.reference)))
    assert len(references) == 25 and len(set(references)) == 25
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, 26))
    assert verify_chain()[1] is None


def test_parallel_edits_of_one_case_lose_nothing(app, make_case, make_user) -> None:
    case = make_case("psd_investigation")
    psd_ids = [make_user("psd").id for _ in range(6)]
    version = case.version
    outcomes: list[str] = []

    def edit(n: int) -> None:
        with app.app_context():
            user = db.session.get(User, psd_ids[n])
            mine = db.session.get(Case, case.id)
            try:
                service.perform(
                    mine,
                    Action.IOPC_DECISION,
                    user,
                    version,
                    referred=False,
                    referral_date=None,
                    reference=None,
                    rationale=f"editor {n}",
                )
                db.session.commit()
                outcomes.append(f"saved {n}")
            except (StaleDataError, DomainError, OperationalError):
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    assert _run_threads(6, edit) == []
    saved = [o for o in outcomes if o.startswith("saved")]
    assert len(saved) == 1 and outcomes.count("refused") == 5
    db.session.expire_all()
    final = db.session.get(Case, case.id)
    assert final.iopc_rationale == f"editor {saved[0].split()[1]}"
    assert final.version == version + 1
    assert [e.action for e in final.events].count("iopc_decision") == 1
    assert verify_chain()[1] is None
