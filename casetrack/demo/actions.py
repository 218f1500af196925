"""Who takes each workflow step of a demo case, and what they enter (the perform() payload)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from casetrack.auth.models import User
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


def _outcome(driver: CaseDriver, on: date, index: int) -> Payload:
    return driver.holder, {
        "investigation_id": _ids(driver)[index],
        "outcome": driver.plan.subjects[index].outcome,
        "outcome_date": on,
    }


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
