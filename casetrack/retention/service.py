"""Which closed cases are due for review, and deleting one completely (rows and files)."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import delete, or_, select, update

from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, can
from casetrack.cases.access import visible_cases
from casetrack.cases.deadlines import add_months
from casetrack.cases.models import Case, CaseCorrection, CaseLink, CaseNote
from casetrack.cases.workflow import State
from casetrack.errors import DomainError
from casetrack.evidence import service as evidence
from casetrack.evidence.models import CustodyEvent, EvidenceCorrection, EvidenceItem
from casetrack.extensions import db
from casetrack.queues.models import Notification, Task
from casetrack.timeutil import today


def cutoff() -> date:
    """Cases closed on or before this date have passed the retention period."""
    return add_months(today(), -12 * int(current_app.config["RETENTION_YEARS"]))


def has_passed(case: Case) -> bool:
    """Closed, and closed (or, for old records without a closing date, received) on or
    before the cutoff."""
    return case.state == State.CLOSED.value and (case.closed_on or case.received_date) <= cutoff()


def due_for_review(user: User, limit: int = 200) -> list[Case]:
    """Closed cases past retention that this user may see (the case list's own rule)."""
    stmt = (
        select(Case)
        .where(
            visible_cases(user),
            Case.state == State.CLOSED.value,
            or_(
                Case.closed_on <= cutoff(),
                Case.closed_on.is_(None) & (Case.received_date <= cutoff()),
            ),
        )
        .order_by(Case.closed_on.asc().nulls_first(), Case.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def delete_case(case: Case, user: User, reason: str, confirmation: str) -> list[str]:
    """Delete a case past retention: every row and evidence file. Returns the removed storage
    names; the caller deletes the files only after the commit, so a failure loses nothing."""
    if case.state != State.CLOSED.value or not can(user, Permission.RETENTION_DECIDE, case):
        raise DomainError("Only closed cases of your forces can be deleted")
    if not has_passed(case):
        raise DomainError("This case has not yet passed the retention period")
    if confirmation.strip().upper() != case.reference.upper():
        raise DomainError(f"Type the reference {case.reference} to confirm", "confirmation")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for the decision", "reason")
    items = list(db.session.scalars(select(EvidenceItem).where(EvidenceItem.case_id == case.id)))
    ids = [item.id for item in items]
    if ids:
        db.session.execute(delete(CustodyEvent).where(CustodyEvent.item_id.in_(ids)))
        db.session.execute(delete(EvidenceCorrection).where(EvidenceCorrection.item_id.in_(ids)))
        db.session.execute(delete(EvidenceItem).where(EvidenceItem.id.in_(ids)))
    record(
        "case_deleted_under_retention",
        object_type="case",
        object_id=case.id,
        details={
            "reference": case.reference,
            "received": case.received_date.isoformat(),
            "closed": case.closed_on.isoformat() if case.closed_on else None,
            "reason": reason,
            "investigations": len(case.investigations),
            "evidence": [{"item": i.id, "sha256": i.sha256, "size": i.size} for i in items],
        },
    )
    # The casework rows (SPEC §12) go with the case: corrections, notes (corrections of notes
    # first, as they point to the notes they correct) and links from either side.
    db.session.execute(delete(CaseCorrection).where(CaseCorrection.case_id == case.id))
    notes = CaseNote.__table__
    db.session.execute(update(notes).where(notes.c.case_id == case.id).values(corrects_id=None))
    db.session.execute(delete(CaseNote).where(CaseNote.case_id == case.id))
    db.session.execute(
        delete(CaseLink).where(or_(CaseLink.case_id == case.id, CaseLink.other_id == case.id))
    )
    # Its tasks and notifications (SPEC §13) too: the audit log's tombstone keeps the reference.
    db.session.execute(delete(Task).where(Task.case_id == case.id))
    db.session.execute(delete(Notification).where(Notification.case_id == case.id))
    db.session.delete(case)
    db.session.flush()
    return [item.storage_name for item in items]


def remove_files(storage_names: list[str]) -> None:
    store = evidence.store()
    for name in storage_names:
        path = store.path_for(name)
        path.unlink(missing_ok=True)
