"""Concurrency on SQLite and PostgreSQL, larger than tests/test_concurrency.py and counted:

* N writers creating cases at once (in two forces): every reference unique, each force's
  numbers contiguous from 1, no creation lost;
* N editors saving the same version of one case at once — through the service, through the
  real pages (N browsers posting the same form), and with different actions mixed: exactly
  one save wins, every other is refused, nothing is lost or half-applied, and the audit chain
  still verifies.

ASSURE_CONCURRENCY sets N (default 16; 32 with ASSURE_FULL=1).
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

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

from .figures import scale
from .helpers import csrf, signed_in_client

N = scale(16, 32, "ASSURE_CONCURRENCY")
PER_WRITER = scale(3, 8)


def run_threads(count: int, work: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def runner(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            work(n)
        except BaseException as error:  # noqa: BLE001 (collected for the assertion)
            errors.append(error)

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def test_parallel_case_creation(
    app, make_case, make_force, make_department, backend, figures
) -> None:
    wmp, warks = make_force("WMP"), make_force("WARKS")
    seeds = [
        make_case("logged", department=make_department("BIRM_E", force=wmp)),
        make_case("logged", department=make_department("NWARKS", force=warks)),
    ]
    plan = [(s.created_by_id, s.department_id, s.investigations[0].person_id) for s in seeds]
    retries = Counter()

    def create(n: int) -> None:
        recorder_id, department_id, person_id = plan[n % 2]
        with app.app_context():
            recorder = db.session.get(User, recorder_id)
            department = db.session.get(Department, department_id)
            for _ in range(PER_WRITER):
                for attempt in range(50):
                    try:
                        service.record_concern(
                            recorder,
                            service.ConcernDetails(
                                received_date=today() - timedelta(days=3),
                                department=department,
                                summary=f"Parallel {n}",
                                categories=["other"],
                            ),
                            [db.session.get(Person, person_id)],
                        )
                        db.session.commit()
                        break
                    except OperationalError:  # SQLite: locked beyond the busy timeout
                        db.session.rollback()
                        retries[backend] += 1
                        assert attempt < 49
            db.session.remove()

    errors = run_threads(N, create)
    references = list(db.session.scalars(select(Case.reference)))
    expected = 2 + N * PER_WRITER
    by_force = Counter(r.split("-")[0] for r in references)
    gaps = 0
    for force in ("WMP", "WARKS"):
        numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references if r.startswith(force))
        gaps += len(set(range(1, len(numbers) + 1)) ^ set(numbers))
    duplicates = len(references) - len(set(references))
    figures.add("concurrency", "writers", N, backend)
    figures.set("concurrency", "n", N)
    figures.set("concurrency", "cases_per_writer", PER_WRITER)
    figures.add("concurrency", "cases_created_in_parallel", N * PER_WRITER, backend)
    figures.add("concurrency", "duplicate_references", duplicates, backend)
    figures.add("concurrency", "reference_gaps", gaps, backend)
    figures.add("concurrency", "creations_lost", max(0, expected - len(references)), backend)
    figures.add("concurrency", "retries_after_lock_timeout", retries[backend], backend)
    assert errors == []
    assert duplicates == 0 and gaps == 0 and len(references) == expected, by_force
    assert verify_chain()[1] is None


def _same_version_edits(app, case_id: int, users: list[int], version: int, actions: list[Any]):
    outcomes: list[tuple[int, str]] = []

    def edit(n: int) -> None:
        with app.app_context():
            user = db.session.get(User, users[n])
            mine = db.session.get(Case, case_id)
            action, payload = actions[n % len(actions)](n)
            try:
                service.perform(mine, action, user, version, **payload)
                db.session.commit()
                outcomes.append((n, "saved"))
            except (StaleDataError, DomainError, OperationalError):
                db.session.rollback()
                outcomes.append((n, "refused"))
            finally:
                db.session.remove()

    errors = run_threads(len(users), edit)
    return errors, outcomes


def _iopc(n: int) -> tuple[Action, dict[str, Any]]:
    return Action.IOPC_DECISION, {
        "referred": False,
        "referral_date": None,
        "reference": None,
        "rationale": f"editor {n}",
    }


def _pcc(n: int) -> tuple[Action, dict[str, Any]]:
    return Action.PCC_NOTIFICATION, {"notified_on": today() - timedelta(days=n % 5)}


def test_parallel_edits_of_one_case(app, make_case, make_user, backend, figures) -> None:
    case = make_case("psd_investigation")
    editors = [make_user("psd", forces=[case.force]).id for _ in range(N)]
    version = case.version
    errors, outcomes = _same_version_edits(app, case.id, editors, version, [_iopc])
    saved = [n for n, what in outcomes if what == "saved"]
    db.session.expire_all()
    final = db.session.get(Case, case.id)
    events = [e.action for e in final.events].count("iopc_decision")
    lost = 0 if (len(saved) == 1 and final.iopc_rationale == f"editor {saved[0]}") else 1
    figures.add("concurrency", "parallel_editors", N, backend)
    figures.add("concurrency", "saves_accepted", len(saved), backend)
    figures.add("concurrency", "saves_refused_as_stale", len(outcomes) - len(saved), backend)
    figures.add("concurrency", "lost_updates", lost + max(0, len(saved) - 1), backend)
    assert errors == []
    assert len(saved) == 1 and len(outcomes) == N
    assert final.version == version + 1 and events == 1 and lost == 0
    assert verify_chain()[1] is None


def test_parallel_different_actions_on_one_case(
    app, make_case, make_user, backend, figures
) -> None:
    case = make_case("psd_investigation")
    editors = [make_user("psd", forces=[case.force]).id for _ in range(N)]
    version = case.version
    errors, outcomes = _same_version_edits(app, case.id, editors, version, [_iopc, _pcc])
    saved = [n for n, what in outcomes if what == "saved"]
    db.session.expire_all()
    final = db.session.get(Case, case.id)
    applied = int(final.iopc_rationale is not None) + len(
        [e for e in final.events if e.action == "pcc_notification"]
    )
    figures.add("concurrency", "parallel_mixed_editors", N, backend)
    figures.add("concurrency", "lost_updates", max(0, len(saved) - applied), backend)
    figures.add("concurrency", "half_applied_edits", max(0, applied - len(saved)), backend)
    assert errors == []
    assert len(saved) == 1 and applied == 1 and final.version == version + 1
    assert verify_chain()[1] is None


def test_parallel_form_posts_through_the_pages(app, make_case, make_user, backend, figures) -> None:
    """N browsers open the same IOPC form, then all press the button at once."""
    case = make_case("psd_investigation")
    path = f"/cases/{case.id}/iopc_decision"
    browsers = []
    for _ in range(N):
        client = signed_in_client(app, make_user("psd", forces=[case.force]))
        browsers.append((client, csrf(client, path)))
    version = str(case.version)
    results: list[tuple[int, int, str]] = []

    def post(n: int) -> None:
        client, token = browsers[n]
        response = client.post(
            path,
            data={
                "csrf_token": token,
                "version": version,
                "referred": "no",
                "rationale": f"browser {n}",
            },
            follow_redirects=True,
        )
        page = response.get_data(as_text=True)
        verdict = (
            "stale"
            if "changed by someone else" in page
            else "saved"
            if "IOPC" in page
            and response.status_code == 200
            and "govuk-notification-banner--success" in page
            else "other"
        )
        results.append((n, response.status_code, verdict))

    errors = run_threads(N, post)
    db.session.expire_all()
    final = db.session.get(Case, case.id)
    saved = [n for n, _, verdict in results if verdict == "saved"]
    server_errors = [r for r in results if r[1] >= 500]
    figures.add("concurrency", "parallel_browsers", N, backend)
    figures.add(
        "concurrency",
        "lost_updates",
        0 if len(saved) == 1 and final.iopc_rationale == f"browser {saved[0]}" else 1,
        backend,
    )
    figures.add("concurrency", "5xx", len(server_errors), backend)
    assert errors == [] and server_errors == []
    assert len(saved) == 1, results
    assert all(verdict == "stale" for n, _, verdict in results if n not in saved), results
    assert final.iopc_rationale == f"browser {saved[0]}" and final.version == int(version) + 1
    assert verify_chain()[1] is None
