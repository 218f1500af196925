"""The case list's filters as the user chose them, and its columns: shared by the list page
and its CSV/ODS download, so both always show the same cases the same way."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from casetrack.cases.forms import ListFilterForm
from casetrack.cases.models import Case
from casetrack.cases.queries import CaseFilters
from casetrack.cases.workflow import State
from casetrack.extensions import db
from casetrack.org.models import Department
from casetrack.templating import due_text, state_label


def list_filters(args: Mapping[str, Any], user: Any) -> tuple[ListFilterForm, CaseFilters, bool]:
    """The filter form filled from the query string, with the choices this user has, and the
    filters it means. Invalid input (a state or department not offered, a date that is not
    one) leaves the filters empty and the errors on the form."""
    form = ListFilterForm(args)
    forces = user.forces
    form.state.choices = [("", "Any")] + [(s.value, s.label) for s in State]
    form.force.choices = [("", "Any")] + [(str(f.id), f.name) for f in forces]
    departments = (
        user.departments
        if user.role == "standards_manager"
        else db.session.scalars(  # one query for every force, not one per force
            select(Department)
            .where(Department.force_id.in_([f.id for f in forces]))
            .order_by(Department.name)
        ).all()
    )
    form.department.choices = [("", "Any")] + [(str(d.id), d.label) for d in departments]
    valid = form.validate()
    if not valid:
        return form, CaseFilters(), False
    return (
        form,
        CaseFilters(
            q=form.q.data or "",
            state=form.state.data or "",
            force_id=int(form.force.data) if form.force.data else None,
            department_id=int(form.department.data) if form.department.data else None,
            platform=form.platform.data or "",
            category=form.category.data or "",
            severity=form.severity.data or "",
            received_from=form.received_from.data,
            received_to=form.received_to.data,
            overdue=bool(form.overdue.data),
            mine=bool(form.mine.data),
            sort=form.sort.data or "received_desc",
        ),
        True,
    )


def chosen(filters: CaseFilters) -> dict[str, str]:
    """The filters that narrow the list, as text: for audit entries (never case content —
    a search text is what the user typed, not what a case holds)."""
    return {k: str(v) for k, v in vars(filters).items() if v not in ("", None, False)}


# The list page's columns (templates/macros/cases.html, case_table with show_due), and whether
# the case is restricted, which the page shows as a tag beside the reference.
LIST_COLUMNS = ("Reference", "Received", "Subjects", "State", "Due", "Restricted")


def list_row(case: Case) -> tuple[str, date, str, str, str, str]:
    return (
        case.reference,
        case.received_date,
        "; ".join(inv.person.display_name for inv in case.investigations),
        state_label(case.state),
        due_text(case),
        "Yes" if case.restricted else "No",
    )
