"""The access oracle: SPEC §1 and §9.1 written out by hand, for the route walk and the matrix.

Nothing here is computed from casetrack's own tables (ROLE_PERMISSIONS, role_can, case_rule):
if the product's table is wrong, the tests that use this file fail.

**Routes.** ROUTE_ROLES says which roles may reach each route at all (SPEC §1's "may"
column). A route missing from it fails the route walk: add it here, from the SPEC.

**Cases.** OBJECT_ACCESS says, for each role, which (relationship, state) pairs allow each
kind of access to a case. The world the tests build for a user of WMP / department BIRM_E:

- own_department — a case of BIRM_E (the user's department; WMP is their force)
- other_department — a case of another WMP department
- other_force — a case of another force
- restricted_named — a restricted BIRM_E case on which the user is named
- restricted_unnamed — a restricted BIRM_E case on which they are not
- subject — a BIRM_E case in which the user's own workforce record is a subject

States: logged (with the Standards Manager), referred_to_psd (with PSD), closed.

Kinds of access: view (the case and its evidence); act_sm (the Standards Manager's workflow
steps); act_psd (PSD's steps; on a closed case, reopening); evidence (add, correct, withdraw);
retention (decide on deletion); proceedings (record proceedings and appeals, §14); correct
(correct the case's details, §12); note (add to the
decision log); note_psd (read and write PSD-only notes); link (link cases); restrict (restrict
or unrestrict, and name users); task (give someone a task on the case, §13).
"""

from __future__ import annotations

ROLES = ("standards_manager", "psd", "psd_head", "leadership", "admin")
CASE_ROLES = {"standards_manager", "psd", "psd_head"}
EVERYONE = set(ROLES)

ROUTE_ROLES: dict[str, set[str]] = {
    # public and every signed-in user
    "main.home": EVERYONE,
    "auth.change_password": EVERYONE,
    "auth.sign_out": EVERYONE,
    # §1: case work — Standards Managers, PSD, head of PSD
    "cases.index": CASE_ROLES,
    "cases.detail": CASE_ROLES,
    "cases.act": CASE_ROLES,
    "cases.new": {"standards_manager"},  # "record concerns for their own department(s)"
    "cases.add_subject": {"standards_manager"},
    "evidence.item": CASE_ROLES,
    "evidence.download": CASE_ROLES,
    "evidence.preview": CASE_ROLES,
    "evidence.verify": CASE_ROLES,
    "evidence.verify_case": CASE_ROLES,
    "evidence.export": CASE_ROLES,
    "evidence.upload": CASE_ROLES,  # SM "secure evidence"; PSD investigates
    "evidence.correct": CASE_ROLES,
    "evidence.withdraw": CASE_ROLES,
    # §1: head of PSD only — audit log, retention decisions, and (README) historical import
    "audit.index": {"psd_head"},
    "retention.index": {"psd_head"},
    "retention.decide": {"psd_head"},
    "imports.upload": {"psd_head"},
    "imports.preview": {"psd_head"},
    "imports.confirm": {"psd_head"},
    "imports.cancel": {"psd_head"},
    # §1/§6: statistics — leadership and the case roles
    "reports.index": {"standards_manager", "psd", "psd_head", "leadership"},
    "reports.download": {"standards_manager", "psd", "psd_head", "leadership"},
    # §1: administrator — users, forces, departments; never case content
    "admin.users": {"admin"},
    "admin.user_new": {"admin"},
    "admin.user_detail": {"admin"},
    "admin.user_deactivate": {"admin"},
    "admin.user_reactivate": {"admin"},
    "admin.user_reset_password": {"admin"},
    "admin.forces": {"admin"},
    "admin.force_detail": {"admin"},
    "admin.departments": {"admin"},
    "admin.department_detail": {"admin"},
    "admin.user_withdraw_requests": {"admin"},
    # §9.1: a head of PSD approves case roles and placements for their forces
    "approvals.index": {"psd_head"},
    "approvals.decide": {"psd_head"},
    # §12: everyday casework — corrections, notes and links by those who work cases; restricted
    # access managed by the head of PSD ("restricts or unrestricts a case ... names the users")
    "casework.correct": CASE_ROLES,
    "casework.add_note": CASE_ROLES,
    "casework.link": CASE_ROLES,
    "casework.unlink": CASE_ROLES,
    "casework.person": CASE_ROLES,  # "a workforce record's page lists the cases"
    "casework.access": {"psd_head"},
    # §14: PSD records proceedings, appeals, suspensions and list reports; the reflective
    # review is seen by whoever sees the case (and written by PSD or a locally resolving SM)
    "proceedings.subject": {"psd", "psd_head"},
    "proceedings.list_report": {"psd", "psd_head"},
    "proceedings.review": CASE_ROLES,
    # §12: case pack and list export — whoever may see the case or the list (the pack holds
    # nothing the case page does not; the object rule is load_case's view rule)
    "casepack.download": CASE_ROLES,
    "case_export.download": CASE_ROLES,
    # §15: publication formats
    "reports.csv_metadata": {"standards_manager", "psd", "psd_head", "leadership"},
    # §16: signing in at a force, second factors
    "mfa.recovery_codes_saved": EVERYONE,
    "mfa.step_up": EVERYONE,  # "ask for the second factor again"
    "mfa.step_up_passkey": EVERYONE,
    "mfa.step_up_recovery": EVERYONE,
    "mfa.manage": EVERYONE,  # "for every local account"
    "mfa.add_app": EVERYONE,
    "mfa.add_passkey": EVERYONE,
    "mfa.new_recovery_codes": EVERYONE,
    # §9.1/§16: "resetting a second factor is a two-person act": an administrator asks (a head
    # of PSD approves at approvals.decide)
    "admin.user_second_factor_reset": {"admin"},
    # §12: search and the subject picker — finding a workforce record is case work (§1), each
    # role within its own scope (a Standards Manager their departments, PSD their forces)
    "cases.people_search": CASE_ROLES,
    # §13: tasks on cases — the people who work cases give each other tasks and mark their own
    # done; PSD's team queue, taken by PSD and (re)assigned in bulk by the head of PSD;
    # notifications and email settings for every signed-in user
    "queues.add_task": CASE_ROLES,
    "queues.task_done": CASE_ROLES,
    "queues.team_queue": {"psd", "psd_head"},
    "queues.take": {"psd", "psd_head"},
    "queues.assign": {"psd_head"},
    "queues.notifications": EVERYONE,
    "queues.mark_read": EVERYONE,
    "queues.settings": EVERYONE,
}
PUBLIC_ROUTES = {
    "auth.sign_in",
    "main.accessibility",
    "main.health",
    "main.privacy",
    "static",
    # §16: the steps of signing in before there is a session (password shown, or none yet)
    "mfa.verify",
    "mfa.verify_passkey",
    "mfa.recovery",
    "mfa.setup",
    "mfa.setup_passkey",
    "oidc.start",
    "oidc.callback",
}

RELATIONSHIPS = (
    "own_department",
    "other_department",
    "other_force",
    "restricted_named",
    "restricted_unnamed",
    "subject",
)
STATES = ("logged", "referred_to_psd", "closed")
KINDS = (
    "view",
    "act_sm",
    "act_psd",
    "evidence",
    "retention",
    "correct",
    "note",
    "note_psd",
    "link",
    "restrict",
    "proceedings",
    "task",
)

_ALL_STATES = set(STATES)


def _pairs(relationships: set[str], states: set[str]) -> set[tuple[str, str]]:
    return {(r, s) for r in relationships for s in states}


# role → kind → the (relationship, state) pairs where it is allowed. Everything else: refused.
OBJECT_ACCESS: dict[str, dict[str, set[tuple[str, str]]]] = {
    # §1: their department's cases; acts while the case is with them (before referral).
    "standards_manager": {
        "view": _pairs({"own_department", "restricted_named"}, _ALL_STATES),
        "act_sm": _pairs({"own_department", "restricted_named"}, {"logged"}),
        "act_psd": set(),
        "evidence": _pairs({"own_department", "restricted_named"}, {"logged"}),
        "retention": set(),
        # §12: "corrected while it is open: by the Standards Manager before referral"
        "correct": _pairs({"own_department", "restricted_named"}, {"logged"}),
        # §12: notes "by the people working it", shared; links between cases they see
        "note": _pairs({"own_department", "restricted_named"}, _ALL_STATES),
        "note_psd": set(),
        "link": _pairs({"own_department", "restricted_named"}, _ALL_STATES),
        "restrict": set(),
        "proceedings": set(),
        # §13: "people add others" — whoever sees the case, in any state (an appeal follows
        # the closing)
        "task": _pairs({"own_department", "restricted_named"}, _ALL_STATES),
    },
    # §1: every case of their force read-only; acts on what was referred to PSD.
    "psd": {
        "view": _pairs({"own_department", "other_department", "restricted_named"}, _ALL_STATES),
        "act_sm": set(),
        "act_psd": _pairs(
            {"own_department", "other_department", "restricted_named"},
            {"referred_to_psd", "closed"},
        ),
        "evidence": _pairs(
            {"own_department", "other_department", "restricted_named"}, {"referred_to_psd"}
        ),
        "retention": set(),
        # §12: "by PSD after" referral, while open (not closed)
        "correct": _pairs(
            {"own_department", "other_department", "restricted_named"}, {"referred_to_psd"}
        ),
        "note": _pairs({"own_department", "other_department", "restricted_named"}, _ALL_STATES),
        "note_psd": _pairs({"own_department", "other_department", "restricted_named"}, _ALL_STATES),
        "link": _pairs({"own_department", "other_department", "restricted_named"}, _ALL_STATES),
        "restrict": set(),
        # §14: after PSD accepts (under investigation; the world has none) and, for appeals,
        # once closed — not while the referral waits
        "proceedings": _pairs(
            {"own_department", "other_department", "restricted_named"}, {"closed"}
        ),
        "task": _pairs({"own_department", "other_department", "restricted_named"}, _ALL_STATES),
    },
    # §1: all of PSD, plus restricted cases and retention decisions.
    "psd_head": {
        "view": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            _ALL_STATES,
        ),
        "act_sm": set(),
        "act_psd": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            {"referred_to_psd", "closed"},
        ),
        "evidence": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            {"referred_to_psd"},
        ),
        "retention": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            {"closed"},
        ),
        "correct": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            {"referred_to_psd"},
        ),
        "note": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            _ALL_STATES,
        ),
        "note_psd": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            _ALL_STATES,
        ),
        "link": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            _ALL_STATES,
        ),
        # §12: "the head of PSD restricts or unrestricts a case", in any state
        "restrict": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            _ALL_STATES,
        ),
        "proceedings": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            {"closed"},
        ),
        "task": _pairs(
            {"own_department", "other_department", "restricted_named", "restricted_unnamed"},
            _ALL_STATES,
        ),
    },
    # §1: never names, case text or evidence.
    "leadership": {kind: set() for kind in KINDS},
    "admin": {kind: set() for kind in KINDS},
}


def allowed(role: str, kind: str, relationship: str, state: str) -> bool:
    return (relationship, state) in OBJECT_ACCESS[role][kind]
