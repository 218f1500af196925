"""What follows PSD's severity assessment (SPEC §14): which proceedings and outcomes the Police
(Conduct) Regulations 2020 allow for one subject. Pure: no Flask, no database.

Each refusal says why, with the regulation, so an investigator can check it. Where the
regulations leave room, the choices are (README, "Misconduct proceedings"):

- Police staff, PCSOs and volunteers are not under the Regulations (regulation 4(1)): force
  policy applies, so only what makes no sense for anyone is refused (a reduction in rank for
  someone without a rank, a finding without proceedings).
- Resigned and retired end any stage, before or after assessment (regulation 4(2)-(5)).
- Concerns received before 1 February 2020 follow the 2012 Regulations: management advice and
  action allowed, no reduction in rank (2012 reg 35), no reflective practice (it began in 2020).
- After a finding of misconduct or gross misconduct, "no further action" is refused (2012 reg
  35(1)(b), finding with no sanction, was not carried into the 2020 Regulations).
- A finding of "not proven" ends with no further action, or reflective practice where the
  panel finds the conduct falls short of misconduct (regulation 42(1)(b), 43).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CONDUCT_REGULATIONS_2020 = date(2020, 2, 1)
RANKED_ROLES = frozenset({"police_officer", "special_constable"})
LEFT = frozenset({"resigned", "retired"})
LEGACY = frozenset({"management_advice", "management_action"})
WARNINGS = frozenset({"written_warning", "final_written_warning"})
SEVERE = frozenset({"reduction_in_rank", "dismissed"})
NO_SANCTION = frozenset({"no_case_to_answer", "nfa", "reflective_practice"})
HEARINGS = frozenset({"misconduct_hearing", "accelerated_hearing"})

NAMES = {
    "misconduct_meeting": "a misconduct meeting",
    "misconduct_hearing": "a misconduct hearing",
    "accelerated_hearing": "an accelerated misconduct hearing",
    "written_warning": "A written warning",
    "final_written_warning": "A final written warning",
    "reduction_in_rank": "Reduction in rank",
    "dismissed": "Dismissal",
}


@dataclass(frozen=True)
class Standing:
    """Where one subject's matter stands."""

    role: str
    rank: str | None
    received: date
    severity: str
    psd_assessed: bool
    case_to_answer: bool | None = None
    proceedings: str | None = None  # None: not recorded; "none": no proceedings
    finding: str | None = None
    fww_in_force: bool = False  # a final written warning in force at the severity assessment
    unconnected_incidents: bool = False  # several unconnected incidents (regulation 42(6))

    @property
    def under_regulations(self) -> bool:
        return self.role in RANKED_ROLES

    @property
    def before_2020(self) -> bool:
        return self.received < CONDUCT_REGULATIONS_2020

    @property
    def has_proceedings(self) -> bool:
        return self.proceedings not in (None, "none")


def proceedings_refusal(s: Standing) -> str | None:
    """Why this combination of case to answer, proceedings and finding cannot be recorded."""
    if not s.psd_assessed:
        return "Record PSD's severity assessment for this subject first (regulation 14)"
    if s.finding and not s.has_proceedings:
        return "A finding is made at a misconduct meeting or hearing: choose the proceedings"
    if s.case_to_answer is False and s.has_proceedings:
        return "With no case to answer there are no misconduct proceedings (regulation 23)"
    if s.case_to_answer is None and s.has_proceedings:
        return "Record whether there is a case to answer before proceedings (regulation 23)"
    if not s.under_regulations:
        return None  # force policy for police staff, PCSOs and volunteers
    if s.has_proceedings and s.severity not in ("misconduct", "gross_misconduct"):
        return (
            "Only misconduct or gross misconduct goes to proceedings: with no misconduct "
            "assessed there are none (regulation 14(5)). Revise the severity assessment first"
        )
    if s.proceedings == "misconduct_meeting":
        if s.severity == "gross_misconduct":
            return "Gross misconduct goes to a misconduct hearing, not a meeting (regulation 23)"
        if s.finding == "gross_misconduct":
            return "A misconduct meeting cannot find gross misconduct (regulation 42(2))"
    hearing_for_misconduct = s.proceedings == "misconduct_hearing" and s.severity == "misconduct"
    if hearing_for_misconduct and not s.fww_in_force:
        return (
            "Misconduct goes to a misconduct meeting; a hearing is for gross misconduct, or "
            "misconduct with a final written warning in force (regulation 23(2))"
        )
    if s.proceedings == "accelerated_hearing" and s.severity != "gross_misconduct":
        return (
            "An accelerated hearing is only for gross misconduct where the special conditions "
            "are met (regulation 49(2))"
        )
    return None


def outcome_refusal(s: Standing, outcome: str) -> str | None:
    """Why PSD cannot record this outcome for this subject now; None if it may."""
    if outcome in LEFT:
        return None  # resigning or retiring ends any stage (regulation 4(2)-(5))
    if outcome in LEGACY and not s.before_2020:
        return (
            "Management advice and management action were replaced by reflective practice on "
            "1 February 2020 (Police (Conduct) Regulations 2020): they can be recorded only for "
            "concerns received before then"
        )
    if not s.psd_assessed:
        return (
            "PSD has not assessed the severity for this subject: record PSD's severity "
            "assessment first (regulation 14)"
        )
    if outcome == "reduction_in_rank" and (not s.under_regulations or s.rank in (None, "")):
        return "Reduction in rank is only for police officers and special constables with a rank"
    if outcome == "reduction_in_rank" and s.rank == "constable":
        return "A constable has no lower rank to be reduced to"
    if not s.under_regulations:
        return None  # police staff, PCSOs, volunteers: force policy (regulation 4(1))
    return _before_2020(s, outcome) if s.before_2020 else _under_2020(s, outcome)


def _needs_proceedings(s: Standing, outcome: str) -> str | None:
    if outcome in WARNINGS | SEVERE and not s.has_proceedings:
        what = "a misconduct meeting or hearing" if outcome in WARNINGS else "a misconduct hearing"
        return f"{NAMES[outcome]} needs {what} (regulation 42): record the proceedings first"
    if s.has_proceedings and not s.finding:
        return f"Record the finding of {NAMES[s.proceedings or '']} first (regulation 42)"
    return None


def _under_2020(s: Standing, outcome: str) -> str | None:
    if outcome == "reflective_practice" or outcome == "nfa":
        if s.finding in ("misconduct", "gross_misconduct"):
            return (
                "After a finding of misconduct or gross misconduct the meeting or hearing "
                "imposes a disciplinary outcome (regulation 42)"
            )
        return None
    if s.severity == "no_misconduct":
        return (
            "With no misconduct assessed, the outcome is no further action or reflective "
            "practice (regulation 14(2))"
        )
    if outcome == "no_case_to_answer":
        if s.case_to_answer or s.has_proceedings:
            return "There was a case to answer: record the outcome of the proceedings"
        return None
    problem = _needs_proceedings(s, outcome)
    if problem:
        return problem
    if s.finding == "not_proven":
        return "A finding of not proven ends with no sanction (regulation 43)"
    if s.proceedings == "misconduct_meeting":
        if outcome in SEVERE:
            return (
                f"{NAMES[outcome]} needs a misconduct hearing: a meeting can give at most a "
                "final written warning (regulation 42(2))"
            )
        return None
    if s.proceedings == "accelerated_hearing":
        if s.finding == "misconduct":
            return (
                "An accelerated hearing that finds misconduct, not gross misconduct, dismisses "
                "the case or returns it to the appropriate authority (regulation 62(8))"
            )
        if outcome == "written_warning":
            return "An accelerated hearing imposes at least a final written warning (62(1))"
        if outcome == "final_written_warning" and s.fww_in_force:
            return "A final written warning is already in force (regulation 62(3))"
        return None
    # a misconduct hearing
    if s.finding == "gross_misconduct" and outcome == "written_warning":
        return (
            "After a finding of gross misconduct the outcome is at least a final written "
            "warning (regulation 42(3)(b))"
        )
    grounds = s.fww_in_force or s.unconnected_incidents
    if s.finding == "misconduct" and outcome in SEVERE and not grounds:
        return (
            f"{NAMES[outcome]} for misconduct needs a final written warning in force or "
            "several unconnected incidents (regulation 42(5), (6))"
        )
    return None


def _before_2020(s: Standing, outcome: str) -> str | None:
    """The 2012 Regulations, for concerns received before 1 February 2020."""
    if outcome == "reflective_practice":
        return "Reflective practice (RPRP) applies to concerns received from 1 February 2020"
    if outcome == "reduction_in_rank":
        return "Reduction in rank was not an outcome under the 2012 Regulations (regulation 35)"
    if outcome in LEGACY | {"nfa", "no_case_to_answer"}:
        return None
    problem = _needs_proceedings(s, outcome)
    if problem:
        return problem
    if s.finding == "not_proven":
        return "A finding of not proven ends with no sanction (2012 regulation 35)"
    if outcome == "dismissed":
        if s.proceedings == "misconduct_meeting":
            return "Dismissal needs a misconduct hearing (2012 regulation 35(3))"
        if s.finding == "misconduct" and not s.fww_in_force:
            return (
                "Dismissal for misconduct needs a final written warning in force (2012 "
                "regulation 35(5))"
            )
    return None


def list_report_due(s: Standing, outcome: str, under_investigation: bool) -> str | None:
    """Which College of Policing list needs a report (SPEC §14.2): the Barred List on
    dismissal; the Advisory List when someone resigns or retires while under investigation."""
    if outcome == "dismissed":
        return "barred"
    if outcome in LEFT and under_investigation:
        return "advisory"
    return None
