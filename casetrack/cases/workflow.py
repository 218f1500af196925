"""The case workflow of SPEC §3 as one table: (state, action) → state.

Pure module: no Flask or SQLAlchemy. Guards that depend on the case (every subject has an
outcome, the IOPC decision where it is required) take a plain snapshot, so the whole
workflow can be read and tested on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    LOGGED = "logged"
    ASSESSED = "assessed"
    LOCAL_RESOLUTION = "local_resolution"
    REFERRED_TO_PSD = "referred_to_psd"
    PSD_INVESTIGATION = "psd_investigation"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.LOGGED: "Logged",
    State.ASSESSED: "Assessed",
    State.LOCAL_RESOLUTION: "Local resolution",
    State.REFERRED_TO_PSD: "Referred to PSD",
    State.PSD_INVESTIGATION: "PSD investigation",
    State.CLOSED: "Closed",
    State.WITHDRAWN: "Withdrawn",
}

OPEN_STATES = frozenset(set(State) - {State.CLOSED, State.WITHDRAWN})


class Action(StrEnum):
    ASSESS = "assess"
    RESOLVE_LOCALLY = "resolve_locally"
    REFER_TO_PSD = "refer_to_psd"
    PSD_ACCEPT = "psd_accept"
    PSD_RETURN = "psd_return"
    ASSIGN_INVESTIGATOR = "assign_investigator"
    ASSESS_SEVERITY = "assess_severity"
    IOPC_DECISION = "iopc_decision"
    RECORD_OUTCOME = "record_outcome"
    PCC_NOTIFICATION = "pcc_notification"
    CLOSE = "close"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def phrase(self) -> str:
        """The action as the rest of a sentence: "You cannot close this case now"."""
        return ACTION_PHRASES[self]

    @property
    def label_in_sentence(self) -> str:
        """The label inside a sentence: first letter small unless it begins an acronym
        ("refer to PSD", "IOPC referral decision")."""
        first = self.label.split()[0]
        return self.label if first.isupper() else self.label[0].lower() + self.label[1:]


ACTION_PHRASES = {
    Action.ASSESS: "assess this case",
    Action.RESOLVE_LOCALLY: "resolve this case locally",
    Action.REFER_TO_PSD: "refer this case to PSD",
    Action.PSD_ACCEPT: "accept this referral",
    Action.PSD_RETURN: "return this case to the Standards Manager",
    Action.ASSIGN_INVESTIGATOR: "assign an investigator",
    Action.ASSESS_SEVERITY: "record a severity assessment",
    Action.IOPC_DECISION: "record the IOPC referral decision",
    Action.RECORD_OUTCOME: "record an outcome",
    Action.PCC_NOTIFICATION: "record a PCC notification",
    Action.CLOSE: "close this case",
    Action.REOPEN: "reopen this case",
    Action.WITHDRAW: "withdraw this concern",
}

ACTION_LABELS = {
    Action.ASSESS: "Assess",
    Action.RESOLVE_LOCALLY: "Resolve locally",
    Action.REFER_TO_PSD: "Refer to PSD",
    Action.PSD_ACCEPT: "Accept referral",
    Action.PSD_RETURN: "Return to Standards Manager",
    Action.ASSIGN_INVESTIGATOR: "Assign investigator",
    Action.ASSESS_SEVERITY: "Severity assessment",
    Action.IOPC_DECISION: "IOPC referral decision",
    Action.RECORD_OUTCOME: "Record outcome",
    Action.PCC_NOTIFICATION: "Record PCC notification",
    Action.CLOSE: "Close case",
    Action.REOPEN: "Reopen",
    Action.WITHDRAW: "Withdraw",
}

# What the timeline and the confirmation say once an action is done.
ACTION_DONE = {
    Action.ASSESS: "Assessment saved",
    Action.RESOLVE_LOCALLY: "Passed to local resolution",
    Action.REFER_TO_PSD: "Referred to PSD",
    Action.PSD_ACCEPT: "Referral accepted",
    Action.PSD_RETURN: "Returned to the Standards Manager",
    Action.ASSIGN_INVESTIGATOR: "Investigator assigned",
    Action.ASSESS_SEVERITY: "Severity assessed",
    Action.IOPC_DECISION: "IOPC referral decision recorded",
    Action.RECORD_OUTCOME: "Outcome recorded",
    Action.PCC_NOTIFICATION: "PCC notification recorded",
    Action.CLOSE: "Case closed",
    Action.REOPEN: "Case reopened",
    Action.WITHDRAW: "Concern withdrawn",
}

# Who acts: "sm" (Standards Manager side) or "psd" (PSD and head of PSD).
ACTION_SIDE: dict[Action, str] = {
    Action.ASSESS: "sm",
    Action.RESOLVE_LOCALLY: "sm",
    Action.REFER_TO_PSD: "sm",
    Action.WITHDRAW: "sm",
    Action.PSD_ACCEPT: "psd",
    Action.PSD_RETURN: "psd",
    Action.ASSIGN_INVESTIGATOR: "psd",
    Action.ASSESS_SEVERITY: "psd",
    Action.IOPC_DECISION: "psd",
    Action.PCC_NOTIFICATION: "psd",
    Action.REOPEN: "psd",
    # Outcomes and closing belong to whoever holds the case: the Standards Manager in local
    # resolution, PSD in an investigation (see side_for()).
    Action.RECORD_OUTCOME: "holder",
    Action.CLOSE: "holder",
}

S, A = State, Action
TRANSITIONS: dict[tuple[State, Action], State] = {
    (S.LOGGED, A.ASSESS): S.ASSESSED,
    (S.ASSESSED, A.ASSESS): S.ASSESSED,  # a revised assessment before referral
    (S.ASSESSED, A.RESOLVE_LOCALLY): S.LOCAL_RESOLUTION,
    (S.ASSESSED, A.REFER_TO_PSD): S.REFERRED_TO_PSD,
    (S.REFERRED_TO_PSD, A.PSD_ACCEPT): S.PSD_INVESTIGATION,
    (S.REFERRED_TO_PSD, A.PSD_RETURN): S.LOCAL_RESOLUTION,
    (S.PSD_INVESTIGATION, A.ASSIGN_INVESTIGATOR): S.PSD_INVESTIGATION,
    (S.PSD_INVESTIGATION, A.ASSESS_SEVERITY): S.PSD_INVESTIGATION,
    (S.ASSESSED, A.IOPC_DECISION): S.ASSESSED,
    (S.REFERRED_TO_PSD, A.IOPC_DECISION): S.REFERRED_TO_PSD,
    (S.LOCAL_RESOLUTION, A.IOPC_DECISION): S.LOCAL_RESOLUTION,
    (S.PSD_INVESTIGATION, A.IOPC_DECISION): S.PSD_INVESTIGATION,
    (S.PSD_INVESTIGATION, A.PCC_NOTIFICATION): S.PSD_INVESTIGATION,
    (S.LOCAL_RESOLUTION, A.RECORD_OUTCOME): S.LOCAL_RESOLUTION,
    (S.PSD_INVESTIGATION, A.RECORD_OUTCOME): S.PSD_INVESTIGATION,
    (S.LOCAL_RESOLUTION, A.CLOSE): S.CLOSED,
    (S.PSD_INVESTIGATION, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.REOPEN): S.PSD_INVESTIGATION,
    (S.LOGGED, A.WITHDRAW): S.WITHDRAWN,
    (S.ASSESSED, A.WITHDRAW): S.WITHDRAWN,
}

# Outcomes a Standards Manager may record in local resolution (SPEC §3: no misconduct,
# practice requiring improvement / reflective practice, or the person left).
LOCAL_OUTCOMES = frozenset(
    {
        "no_case_to_answer",
        "nfa",
        "reflective_practice",
        "management_advice",
        "management_action",
        "resigned",
        "retired",
    }
)


@dataclass(frozen=True)
class CaseSnapshot:
    """What the guards need to know about a case."""

    state: State
    subjects_without_outcome: int = 0
    iopc_required: bool = False
    iopc_decided: bool = False
    investigator_assigned: bool = False
    subjects_without_severity: int = 0


@dataclass(frozen=True)
class Refusal:
    reason: str


@dataclass(frozen=True)
class Allowed:
    new_state: State


def side_for(action: Action, state: State) -> str:
    """Which side may take this action in this state: "sm" or "psd"."""
    side = ACTION_SIDE[action]
    if side == "holder":
        return "sm" if state is State.LOCAL_RESOLUTION else "psd"
    return side


def next_state(snapshot: CaseSnapshot, action: Action) -> Allowed | Refusal:
    """Apply the table and the guards; a refusal says why in words a user understands."""
    target = TRANSITIONS.get((snapshot.state, action))
    if target is None:
        return Refusal(
            f"“{action.label}” is not possible while the case is "
            f"{snapshot.state.label.lower()}." + _what_is_possible(snapshot.state)
        )
    if action is Action.CLOSE:
        unmet = close_blockers(snapshot)
        if unmet:
            return Refusal(" ".join(unmet))
    return Allowed(target)


def close_blockers(snapshot: CaseSnapshot) -> list[str]:
    """Every condition still stopping the case from closing, each in a sentence."""
    unmet = []
    if snapshot.subjects_without_outcome:
        count = snapshot.subjects_without_outcome
        unmet.append(
            f"Record an outcome for every subject before closing: {count} "
            f"{'subject has' if count == 1 else 'subjects have'} no outcome yet."
        )
    if snapshot.state is State.PSD_INVESTIGATION and not snapshot.investigator_assigned:
        unmet.append("Assign an investigator before closing a PSD investigation.")
    if snapshot.state is State.PSD_INVESTIGATION and snapshot.subjects_without_severity:
        unmet.append("Record the severity assessment for every subject before closing.")
    if snapshot.iopc_required and not snapshot.iopc_decided:
        unmet.append(
            "This matter may meet the IOPC mandatory referral criteria: record the IOPC "
            "referral decision and its rationale before closing."
        )
    return unmet


def available_actions(state: State) -> list[Action]:
    """Actions the table allows from a state, in a stable order."""
    return [action for action in Action if (state, action) in TRANSITIONS]


def _what_is_possible(state: State) -> str:
    actions = available_actions(state)
    if not actions:
        return f" A {state.label.lower()} case cannot be changed."
    return " Possible now: " + ", ".join(a.label_in_sentence for a in actions) + "."


def iopc_referral_may_apply(risk_flags: Iterable[str], categories: Iterable[str]) -> bool:
    """SPEC §3.2: victim contact, discrimination or inappropriate contact."""
    from casetrack.vocab import IOPC_CATEGORIES, IOPC_RISK_FLAGS

    return bool(set(risk_flags) & IOPC_RISK_FLAGS or set(categories) & IOPC_CATEGORIES)
