"""What the case pages share: the audited refusal page, and a failed change as one message."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from casetrack.audit.service import record
from casetrack.cases.models import Case
from casetrack.cases.service import StaleCase
from casetrack.errors import DomainError
from casetrack.extensions import db


def refused_page(case: Case, heading: str, reason: str) -> ResponseReturnValue:
    """A case page's refusal (403): audited, and nothing changed."""
    record(
        "case_action_refused",
        object_type="case",
        object_id=case.id,
        details={"action": request.endpoint or "", "reason": reason},
    )
    db.session.commit()
    page = render_template(
        "cases/refused.html", case=case, action=None, heading=heading, reason=reason
    )
    return page, 403


def as_domain_error(error: Exception) -> DomainError:
    """A DomainError as it is; anything else caught here (StaleDataError) is a stale form."""
    return error if isinstance(error, DomainError) else StaleCase()
