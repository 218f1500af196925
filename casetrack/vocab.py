"""The vocabulary of SPEC §4 (a contract): codes as stored and exchanged, labels for people.

Pure module. Dicts keep the contract's order, which is also the order shown in forms and
reports.
"""

from __future__ import annotations

OUTCOMES: dict[str, str] = {
    "no_case_to_answer": "No case to answer",
    "nfa": "No further action",
    "reflective_practice": "Reflective practice (RPRP)",
    "management_advice": "Management advice (before 2020)",
    "management_action": "Management action (before 2020)",
    "written_warning": "Written warning",
    "final_written_warning": "Final written warning",
    "reduction_in_rank": "Reduction in rank",
    "dismissed": "Dismissed",
    "resigned": "Resigned",
    "retired": "Retired",
}

OUTCOME_GROUP: dict[str, str] = {
    "no_case_to_answer": "no_action",
    "nfa": "no_action",
    "reflective_practice": "learning",
    "management_advice": "learning",
    "management_action": "learning",
    "written_warning": "warning",
    "final_written_warning": "warning",
    "reduction_in_rank": "warning",
    "dismissed": "left_service",
    "resigned": "left_service",
    "retired": "left_service",
}

OUTCOME_GROUPS: dict[str, str] = {
    "no_action": "No further action or no case to answer",
    "learning": "Learning: reflective practice or management advice/action",
    "warning": "Written warning, final written warning or reduction in rank",
    "left_service": "Dismissed, resigned or retired",
}

PERSON_ROLES: dict[str, str] = {
    "police_officer": "Police officer",
    "special_constable": "Special constable",
    "pcso": "PCSO",
    "police_staff": "Police staff",
    "volunteer": "Volunteer",
}

RANKS: dict[str, str] = {
    "constable": "Constable",
    "sergeant": "Sergeant",
    "inspector": "Inspector",
    "chief_inspector": "Chief inspector",
    "superintendent": "Superintendent",
    "chief_superintendent": "Chief superintendent",
    "assistant_chief_constable": "Assistant chief constable",
    "deputy_chief_constable": "Deputy chief constable",
    "chief_constable": "Chief constable",
}

RANK_GROUPS: dict[str, str] = {
    "constable": "Constable",
    "sergeant": "Sergeant",
    "inspector_or_above": "Inspector or above",
}

# Roles that hold ranks (officers and specials).
RANKED_ROLES = frozenset({"police_officer", "special_constable"})

CATEGORIES: dict[str, str] = {
    "corporate_account_misuse": "Misuse of a corporate account",
    "operational_disclosure": "Operational disclosure",
    "information_security": "Information security or data protection",
    "inappropriate_content": "Inappropriate, offensive or discreditable content",
    "political_activity": "Political activity",
    "personal_gain": "Using police identity for personal gain",
    "inappropriate_contact": "Inappropriate contact with victims or the public",
    "harassment": "Harassment, bullying or intimidation",
    "on_duty_use": "Personal use while on duty",
    "intelligence_not_reported": "Intelligence not reported",
    "other": "Other",
}

STANDARDS: dict[str, str] = {
    "honesty_integrity": "Honesty and integrity",
    "authority_respect_courtesy": "Authority, respect and courtesy",
    "equality_diversity": "Equality and diversity",
    "use_of_force": "Use of force",
    "orders_instructions": "Orders and instructions",
    "duties_responsibilities": "Duties and responsibilities",
    "confidentiality": "Confidentiality",
    "fitness_for_work": "Fitness for work",
    "discreditable_conduct": "Discreditable conduct",
    "challenging_reporting": "Challenging and reporting improper conduct",
}

PLATFORMS: dict[str, str] = {
    "facebook": "Facebook",
    "twitter_x": "Twitter / X",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "flickr": "Flickr",
    "whatsapp": "WhatsApp",
    "facebook_messenger": "Facebook Messenger",
    "snapchat": "Snapchat",
    "other": "Other",
}

ACCOUNT_TYPES: dict[str, str] = {
    "corporate": "Corporate (force-branded) account",
    "personal": "Personal account",
    "instant_messaging": "Instant messaging",
}

SOURCES: dict[str, str] = {
    "public_complaint": "Complaint from the public",
    "colleague": "Colleague",
    "ccd_monitoring": "Corporate communications monitoring",
    "line_manager": "Line manager",
    "media": "Media",
    "self_referral": "Self-referral",
    "anonymous": "Anonymous",
    "other_force": "Another force",
    "other": "Other",
}

CASE_TYPES: dict[str, str] = {
    "complaint": "Complaint from the public",
    "conduct_matter": "Conduct matter raised internally",
}

SEVERITIES: dict[str, str] = {
    "not_assessed": "Not assessed",
    "no_misconduct": "No misconduct (may lead to practice requiring improvement)",
    "misconduct": "Misconduct",
    "gross_misconduct": "Gross misconduct",
}

# SPEC §14.1 / §14.3 (Contract codes): misconduct proceedings per subject.
PROCEEDINGS: dict[str, str] = {
    "none": "No proceedings",
    "misconduct_meeting": "Misconduct meeting",
    "misconduct_hearing": "Misconduct hearing",
    "accelerated_hearing": "Accelerated misconduct hearing",
}

FINDINGS: dict[str, str] = {
    "misconduct": "Misconduct",
    "gross_misconduct": "Gross misconduct",
    "not_proven": "Not proven",
}

APPEALS: dict[str, str] = {
    "none": "No appeal",
    "lodged": "Appeal lodged",
    "allowed": "Appeal allowed",
    "dismissed": "Appeal dismissed",
}

# The figures of SPEC §14.3: every finalised investigation in one of each.
PROCEEDINGS_FIGURES: dict[str, str] = {**PROCEEDINGS, "not_recorded": "Not recorded"}
FINDING_FIGURES: dict[str, str] = {
    **FINDINGS,
    "not_applicable": "No proceedings",
    "not_recorded": "Not recorded",
}

RISK_FLAGS: dict[str, str] = {
    "victim_contact": "Contact with a victim or vulnerable person",
    "discrimination": "Discrimination",
    "media_interest": "Media interest",
    "operational_risk": "Operational risk",
    "data_breach": "Data breach",
    "senior_officer": "Senior officer",
}

INTERIM_MEASURES: dict[str, str] = {
    "account_suspended": "Social-media account suspended",
    "content_removed": "Content removed",
    "restricted_duties": "Restricted duties",
    "suspended_from_duty": "Suspended from duty",
}

# When any of these is present the matter may meet the IOPC mandatory referral criteria.
IOPC_RISK_FLAGS = frozenset({"victim_contact", "discrimination"})
IOPC_CATEGORIES = frozenset({"inappropriate_contact"})


def rank_group(role: str, rank: str | None) -> str | None:
    """The report rank group for a person, or None for people without a rank."""
    if role not in RANKED_ROLES or not rank:
        return None
    if rank in ("constable", "sergeant"):
        return rank
    return "inspector_or_above"


def label(vocabulary: dict[str, str], code: str | None) -> str:
    """The label of a code; unknown codes are shown as they are rather than hidden."""
    if code is None:
        return ""
    return vocabulary.get(code, code)


def choices(vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    return list(vocabulary.items())
