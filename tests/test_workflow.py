"""The workflow table (pure): every (state, action) pair, and random action sequences."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from casetrack.cases.workflow import (
    TRANSITIONS,
    Action,
    Allowed,
    CaseSnapshot,
    Refusal,
    State,
    available_actions,
    iopc_referral_may_apply,
    next_state,
    side_for,
)

S, A = State, Action
# SPEC §3, written out by hand: what each state allows, and where it leads.
EXPECTED: dict[tuple[State, Action], State] = {
    (S.LOGGED, A.ASSESS): S.ASSESSED,
    (S.LOGGED, A.WITHDRAW): S.WITHDRAWN,
    (S.ASSESSED, A.ASSESS): S.ASSESSED,
    (S.ASSESSED, A.RESOLVE_LOCALLY): S.LOCAL_RESOLUTION,
    (S.ASSESSED, A.REFER_TO_PSD): S.REFERRED_TO_PSD,
    (S.ASSESSED, A.WITHDRAW): S.WITHDRAWN,
    (S.ASSESSED, A.IOPC_DECISION): S.ASSESSED,
    (S.REFERRED_TO_PSD, A.PSD_ACCEPT): S.PSD_INVESTIGATION,
    (S.REFERRED_TO_PSD, A.PSD_RETURN): S.LOCAL_RESOLUTION,
    (S.REFERRED_TO_PSD, A.IOPC_DECISION): S.REFERRED_TO_PSD,
    (S.LOCAL_RESOLUTION, A.RECORD_OUTCOME): S.LOCAL_RESOLUTION,
    (S.LOCAL_RESOLUTION, A.IOPC_DECISION): S.LOCAL_RESOLUTION,
    (S.LOCAL_RESOLUTION, A.CLOSE): S.CLOSED,
    (S.PSD_INVESTIGATION, A.ASSIGN_INVESTIGATOR): S.PSD_INVESTIGATION,
    (S.PSD_INVESTIGATION, A.ASSESS_SEVERITY): S.PSD_INVESTIGATION,
    (S.PSD_INVESTIGATION, A.IOPC_DECISION): S.PSD_INVESTIGATION,
    (S.PSD_INVESTIGATION, A.PCC_NOTIFICATION): S.PSD_INVESTIGATION,
    (S.PSD_INVESTIGATION, A.RECORD_OUTCOME): S.PSD_INVESTIGATION,
    (S.PSD_INVESTIGATION, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.REOPEN): S.PSD_INVESTIGATION,
}


@pytest.mark.parametrize(
    ("state", "action"), list(itertools.product(State, Action)), ids=lambda v: v.value
)
def test_every_state_action_pair(state: State, action: Action) -> None:
    result = next_state(CaseSnapshot(state, investigator_assigned=True), action)
    if (state, action) in EXPECTED:
        assert result == Allowed(EXPECTED[(state, action)])
    else:
        assert isinstance(result, Refusal)
        assert state.label.lower() in result.reason and action.label in result.reason


def test_table_is_exactly_the_spec() -> None:
    assert TRANSITIONS == EXPECTED


def test_withdrawn_is_final_and_says_so() -> None:
    assert available_actions(S.WITHDRAWN) == []
    reason = next_state(CaseSnapshot(S.WITHDRAWN), A.REOPEN).reason
    assert "cannot be changed" in reason


def test_psd_close_needs_investigator_and_severity() -> None:
    result = next_state(CaseSnapshot(S.PSD_INVESTIGATION, subjects_without_severity=1), A.CLOSE)
    assert "Assign an investigator" in result.reason and "severity" in result.reason
    local = next_state(CaseSnapshot(S.LOCAL_RESOLUTION), A.CLOSE)
    assert local == Allowed(S.CLOSED)  # line management needs neither


def test_closing_needs_every_outcome() -> None:
    result = next_state(CaseSnapshot(S.PSD_INVESTIGATION, subjects_without_outcome=2), A.CLOSE)
    assert isinstance(result, Refusal) and "2 subjects have no outcome" in result.reason
    one = next_state(CaseSnapshot(S.LOCAL_RESOLUTION, subjects_without_outcome=1), A.CLOSE)
    assert "1 subject has no outcome" in one.reason


def test_closing_needs_the_iopc_decision_when_it_applies() -> None:
    blocked = next_state(CaseSnapshot(S.PSD_INVESTIGATION, iopc_required=True), A.CLOSE)
    assert isinstance(blocked, Refusal) and "IOPC" in blocked.reason
    decided = CaseSnapshot(
        S.PSD_INVESTIGATION, iopc_required=True, iopc_decided=True, investigator_assigned=True
    )
    assert next_state(decided, A.CLOSE) == Allowed(S.CLOSED)


@pytest.mark.parametrize(
    ("flags", "categories", "expected"),
    [
        ((), ("inappropriate_content",), False),
        (("victim_contact",), (), True),
        (("discrimination",), (), True),
        ((), ("inappropriate_contact",), True),
        (("media_interest",), ("harassment",), False),
    ],
)
def test_iopc_criteria(flags, categories, expected) -> None:
    assert iopc_referral_may_apply(flags, categories) is expected


def test_sides() -> None:
    assert side_for(A.ASSESS, S.LOGGED) == "sm"
    assert side_for(A.PSD_ACCEPT, S.REFERRED_TO_PSD) == "psd"
    assert side_for(A.RECORD_OUTCOME, S.LOCAL_RESOLUTION) == "sm"
    assert side_for(A.RECORD_OUTCOME, S.PSD_INVESTIGATION) == "psd"
    assert side_for(A.CLOSE, S.PSD_INVESTIGATION) == "psd"


class CaseLife(RuleBasedStateMachine):
    """Random action sequences: the case is always in a valid state, with a complete timeline."""

    def __init__(self) -> None:
        super().__init__()
        self.state = S.LOGGED
        self.subjects = 2
        self.with_outcome = 0
        self.iopc_required = False
        self.iopc_decided = False
        self.timeline: list[tuple[State | None, Action | None, State]] = [(None, None, S.LOGGED)]

    def snapshot(self) -> CaseSnapshot:
        return CaseSnapshot(
            self.state, self.subjects - self.with_outcome, self.iopc_required, self.iopc_decided
        )

    @rule(action=st.sampled_from(list(Action)), flag=st.booleans())
    def act(self, action: Action, flag: bool) -> None:
        before = self.state
        result = next_state(self.snapshot(), action)
        if isinstance(result, Refusal):
            assert self.state == before  # refused: nothing changes
            return
        if action is A.ASSESS:
            self.iopc_required = flag
        if action is A.IOPC_DECISION:
            self.iopc_decided = True
        if action is A.RECORD_OUTCOME:
            self.with_outcome = min(self.subjects, self.with_outcome + 1)
        if action is A.REOPEN:
            self.with_outcome = 0
        self.state = result.new_state
        self.timeline.append((before, action, self.state))

    @invariant()
    def valid_state(self) -> None:
        assert self.state in State

    @invariant()
    def timeline_is_complete_and_chained(self) -> None:
        for (_, _, reached), (came_from, action, to) in zip(
            self.timeline, self.timeline[1:], strict=False
        ):
            assert came_from == reached
            assert TRANSITIONS[(came_from, action)] == to
        assert self.timeline[-1][2] == self.state

    @invariant()
    def closed_means_every_outcome(self) -> None:
        if self.state is S.CLOSED:
            assert self.with_outcome == self.subjects
            assert self.iopc_decided or not self.iopc_required


TestCaseLife = CaseLife.TestCase
TestCaseLife.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
