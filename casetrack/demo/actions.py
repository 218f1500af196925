"""Who takes each workflow step of a demo case, and what they enter (the perform() payload)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from casetrack.auth.models import User
from casetrack.cases.proceedings_service import ProceedingsDetails, record_proceedings
from casetrack.cases.workflow import Action, State
from casetrack.demo.data import (
    ACCEPT_NOTES,
    ASSESS_RATIONALE,
    CLOSE_NOTES,
    IOPC_NOT_REFERRED,
    IOPC_REFERRED_RATIONALE,
    LOCAL_REASONS,
    REFER_NOTES,
    RETURN_ADVICE,
    SEVERITY_RATIONALE,
    WITHDRAW_REASONS,
)

if TYPE_CHECKING:
    from casetrack.demo.cases import CaseDriver

Payload = tuple[User, dict[str, Any]]
SEVERITY_ORDER = ("not_assessed", "no_misconduct", "misconduct", "gross_misconduct")


def _ids(driver: CaseDriver) -> list[int]:
    assert driver.case is not None
    return [inv.id for inv in driver.case.investigations]


def _assess(driver: CaseDriver, on: date, index: int) -> Payload:
    subjects = driver.plan.subjects
    worst = max((s.severity for s in subjects), key=SEVERITY_ORDER.index)
    return driver.team.manager, {
        "subjects": {
            inv_id: (s.severity, s.standards)
            for inv_id, s in zip(_ids(driver), subjects, strict=True)
        },
        "risk_flags": driver.plan.risk_flags,
        "interim_measures": driver.plan.interim,
        "rationale": ASSESS_RATIONALE[worst],
    }


def _note(choices: tuple[str, ...], side: str) -> Callable[[CaseDriver, date, int], Payload]:
    def payload(driver: CaseDriver, on: date, index: int) -> Payload:
        user = driver.team.manager if side == "sm" else driver.team.decider
        return user, {"note": driver.rng.choice(choices)}

    return payload


def _accept(driver: CaseDriver, on: date, index: int) -> Payload:
    investigator = driver.team.investigator.id if driver.plan.assign_at_accept else None
    note = driver.rng.choice(ACCEPT_NOTES)
    return driver.team.decider, {"investigator_id": investigator, "note": note}


def _assign(driver: CaseDriver, on: date, index: int) -> Payload:
    return driver.team.decider, {"investigator_id": driver.team.investigator.id}


def _severity(driver: CaseDriver, on: date, index: int) -> Payload:
    subjects = driver.plan.subjects
    worst = max((s.final_severity for s in subjects), key=SEVERITY_ORDER.index)
    severities = {i: s.final_severity for i, s in zip(_ids(driver), subjects, strict=True)}
    return driver.team.investigator, {
        "severities": severities,
        "rationale": SEVERITY_RATIONALE[worst],
    }


def _iopc_rationale(flags: list[str]) -> str:
    flag = "victim_contact" if "victim_contact" in flags else "discrimination"
    return IOPC_REFERRED_RATIONALE[flag]


def _iopc(driver: CaseDriver, on: date, index: int) -> Payload:
    assert driver.case is not None
    referred = driver.plan.iopc_referred
    investigating = driver.case.state == State.PSD_INVESTIGATION
    user = driver.team.investigator if investigating else driver.team.decider
    return user, {
        "referred": referred,
        "referral_date": on if referred else None,
        "reference": f"{on.year}/{driver.rng.randint(100000, 299999)}" if referred else None,
        "rationale": _iopc_rationale(driver.plan.risk_flags) if referred else IOPC_NOT_REFERRED,
    }


def _pcc(driver: CaseDriver, on: date, index: int) -> Payload:
    return driver.team.investigator, {"notified_on": on}


OUTCOME_RATIONALE = {
    "no_case_to_answer": "The investigation found no case to answer.",
    "nfa": "No further action: the conduct did not call for any.",
    "reflective_practice": "Reflective practice: a learning matter for the officer and their "
    "line manager.",
    "written_warning": "A written warning reflects the seriousness and the officer's record.",
    "final_written_warning": "A final written warning: serious, but dismissal would not be "
    "proportionate.",
    "reduction_in_rank": "Reduction in rank: the conduct is incompatible with the rank held.",
    "dismissed": "Dismissal without notice: the conduct breached the standards so seriously "
    "that no lesser outcome would protect public confidence.",
    "resigned": "The subject resigned before the matter concluded.",
    "retired": "The subject retired before the matter concluded.",
}
CHAIRS = ("Supt K. Barnes", "Ch Supt A. Lowe", "Ms R. Adeyemi (legally qualified chair)")


def _outcome(driver: CaseDriver, on: date, index: int) -> Payload:
    outcome = driver.plan.subjects[index].outcome
    return driver.holder, {
        "investigation_id": _ids(driver)[index],
        "outcome": outcome,
        "outcome_date": on,
        "rationale": OUTCOME_RATIONALE[outcome],
    }


def demo_proceedings(severity: str, outcome: str, variant: int) -> ProceedingsDetails | None:
    """Proceedings that lead to the planned outcome (SPEC §14.1): a meeting for misconduct, a
    hearing (or, now and then, an accelerated hearing) for gross misconduct, none otherwise."""
    if outcome in ("resigned", "retired") or severity == "no_misconduct":
        return None
    chair = CHAIRS[variant % len(CHAIRS)]
    if outcome in ("no_case_to_answer", "nfa", "reflective_practice"):
        return ProceedingsDetails(case_to_answer=False, proceedings="none")
    if severity == "misconduct":
        return ProceedingsDetails(True, "misconduct_meeting", chair=chair, finding="misconduct")
    if outcome == "written_warning":  # a hearing that found misconduct, not gross misconduct
        return ProceedingsDetails(True, "misconduct_hearing", chair=chair, finding="misconduct")
    kind = "accelerated_hearing" if outcome == "dismissed" and variant % 3 == 0 else None
    return ProceedingsDetails(
        True, kind or "misconduct_hearing", chair=chair, finding="gross_misconduct"
    )


def prepare_outcome(driver: CaseDriver, on: date, index: int) -> None:
    """Before PSD records an outcome: the proceedings that lead to it, by the investigator."""
    case = driver.case
    assert case is not None
    if case.state != State.PSD_INVESTIGATION:
        return
    subject = driver.plan.subjects[index]
    details = demo_proceedings(subject.final_severity, subject.outcome, case.id + index)
    if details is None:
        return
    details.proceedings_date = on if details.proceedings != "none" else None
    record_proceedings(case, driver.team.investigator, case.version, _ids(driver)[index], details)


def _close(driver: CaseDriver, on: date, index: int) -> Payload:
    return driver.holder, {"note": driver.rng.choice(CLOSE_NOTES)}


PAYLOADS: dict[Action, Callable[[CaseDriver, date, int], Payload]] = {
    Action.ASSESS: _assess,
    Action.WITHDRAW: _note(WITHDRAW_REASONS, "sm"),
    Action.RESOLVE_LOCALLY: _note(LOCAL_REASONS, "sm"),
    Action.REFER_TO_PSD: _note(REFER_NOTES, "sm"),
    Action.PSD_RETURN: _note(RETURN_ADVICE, "psd"),
    Action.PSD_ACCEPT: _accept,
    Action.ASSIGN_INVESTIGATOR: _assign,
    Action.ASSESS_SEVERITY: _severity,
    Action.IOPC_DECISION: _iopc,
    Action.PCC_NOTIFICATION: _pcc,
    Action.RECORD_OUTCOME: _outcome,
    Action.CLOSE: _close,
}


def payload_for(driver: CaseDriver, action: Action, on: date, index: int) -> Payload:
    return PAYLOADS[action](driver, on, index)
