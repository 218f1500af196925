"""The decision log, restricted access and linked cases (SPEC §12). Each change is an audit
entry in the caller's transaction; nothing here commits.

- **Notes** are never edited or deleted: a correction is a new note pointing to the old one. A
  note is shared (everyone who may see the case) or PSD only (PSD and the head of PSD). A
  correction of a PSD-only note is PSD only too, so nobody is shown a pointer to a note they
  cannot read.
- **Restriction**: the head of PSD restricts or unrestricts with a reason (on the timeline) and
  names the users who may see the case. Only users who could see the case were it not
  restricted can be named. Unrestricting clears the names, so a later restriction starts from
  nobody rather than silently giving back old access. The names are shown to the head of PSD
  only and are not on the timeline (the audit log has them).
- **Links** join two cases the user may both see, with a kind and a reason. They are not on
  the timeline, because a timeline entry on one case would tell its other readers the
  reference of a case they may not see; the case page lists only links to cases the reader
  may see.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.auth.permissions import Permission, Role, can
from casetrack.cases import access
from casetrack.cases.access import is_subject, visible_cases, within_reach
from casetrack.cases.models import Case, CaseLink, CaseNote, Investigation, Person
from casetrack.cases.service import _event, _text, _touch, check_version
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org.numbers import normal_staff_number
from casetrack.timeutil import utcnow

LINK_KINDS = {
    "same_incident": "Same incident",
    "same_account": "Same account",
    "same_group_chat": "Same group chat",
    "same_subject": "Same subject",
    "other": "Other",
}

# ---- notes -----------------------------------------------------------------------------------


def notes_for(user: User, case: Case) -> list[CaseNote]:
    """The notes this user may read, oldest first."""
    stmt = select(CaseNote).where(CaseNote.case_id == case.id)
    if not can(user, Permission.NOTES_PSD, case):
        stmt = stmt.where(CaseNote.psd_only.is_(False))
    return list(db.session.scalars(stmt.order_by(CaseNote.id)))


def shared_notes(case: Case) -> list[CaseNote]:
    """The notes everyone who may see the case reads (and the case pack carries)."""
    return list(
        db.session.scalars(
            select(CaseNote)
            .where(CaseNote.case_id == case.id, CaseNote.psd_only.is_(False))
            .order_by(CaseNote.id)
        )
    )


def add_note(
    case: Case, user: User, text: str | None, *, psd_only: bool = False, corrects: str | None = None
) -> CaseNote:
    if not can(user, Permission.NOTE_ADD, case):
        raise DomainError("You cannot add notes to this case")
    if psd_only and not can(user, Permission.NOTES_PSD, case):
        raise DomainError("Only PSD can write PSD-only notes", "psd_only")
    body = _text(text, "the note", "text")
    earlier = None
    if corrects:
        earlier = next(
            (n for n in notes_for(user, case) if str(n.id) == str(corrects).strip()), None
        )
        if earlier is None:
            raise DomainError("Choose a note of this case to correct", "corrects")
        psd_only = psd_only or earlier.psd_only
    note = CaseNote(
        case=case,
        author_id=user.id,
        author_name=user.name,
        author_role=user.role,
        psd_only=psd_only,
        text=body,
        corrects=earlier,
    )
    db.session.add(note)
    db.session.flush()
    record(
        "case_note_added",
        object_type="case",
        object_id=case.id,
        details={
            "reference": case.reference,
            "note": note.id,
            "psd_only": psd_only,
            **({"corrects": earlier.id} if earlier else {}),
        },
    )
    return note


# ---- restriction -----------------------------------------------------------------------------


def nameable_users(case: Case) -> list[User]:
    """Who may be named on a restricted case: active users who could see the case were it not
    restricted (a Standards Manager of its department, PSD of its force), never a subject, and
    not a head of PSD of the force (who sees it anyway)."""
    users = db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            User.role.in_([Role.STANDARDS_MANAGER, Role.PSD, Role.PSD_HEAD]),
            within_reach([case]),
        )
        .order_by(User.name)
    ).all()
    return [u for u in users if _could_see_unrestricted(u, case)]


def _could_see_unrestricted(user: User, case: Case) -> bool:
    if is_subject(user, case):
        return False
    if user.role == Role.STANDARDS_MANAGER:
        return case.department_id in user.department_ids
    if user.role == Role.PSD:
        return case.force_id in user.force_ids
    return False  # a head of PSD of the force sees restricted cases; of another, never


def _require_head(user: User, case: Case) -> None:
    if not can(user, Permission.RESTRICTED_CASES, case):
        raise DomainError("Only the head of PSD of the case's force manages restricted access")


def set_restricted(
    case: Case, user: User, version: int | None, restricted: bool, reason: str | None
) -> list[User]:
    """Restrict or unrestrict; returns who was named (restricting) or un-named (lifting)."""
    check_version(case, version)
    _require_head(user, case)
    if bool(case.restricted) == restricted:
        raise DomainError(
            "The case is already restricted" if restricted else "The case is not restricted",
            "reason",
        )
    why = _text(reason, "why", "reason", limit=2000)
    before = case.state
    changed: list[User]
    if restricted:
        # The assigned investigator keeps their case, if they could see it anyway.
        investigator = case.investigator
        changed = (
            [investigator]
            if investigator is not None and _could_see_unrestricted(investigator, case)
            else []
        )
        case.named_users[:] = changed
    else:
        changed = list(case.named_users)
        case.named_users[:] = []
    case.restricted = restricted
    _touch(case)
    _event(case, user, "restrict" if restricted else "unrestrict", before, f"Why: {why}")
    record(
        "case_restricted" if restricted else "case_unrestricted",
        object_type="case",
        object_id=case.id,
        details={
            "reference": case.reference,
            ("named" if restricted else "unnamed"): [u.id for u in changed],
        },
    )
    return changed


def name_user(case: Case, user: User, version: int | None, chosen_id: str | None) -> User:
    check_version(case, version)
    _require_head(user, case)
    if not case.restricted:
        raise DomainError("Restrict the case before naming who may see it", "user")
    chosen = next((u for u in nameable_users(case) if str(u.id) == str(chosen_id or "")), None)
    if chosen is None:
        raise DomainError(
            "Choose a Standards Manager of the case's department or a PSD investigator of its "
            "force",
            "user",
        )
    if chosen in case.named_users:
        raise DomainError(f"{chosen.name} is already named on this case", "user")
    case.named_users.append(chosen)
    _touch(case)
    record(
        "case_user_named",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "user": chosen.id},
    )
    return chosen


def unname_user(case: Case, user: User, version: int | None, named_id: str | None) -> User:
    check_version(case, version)
    _require_head(user, case)
    named = next((u for u in case.named_users if str(u.id) == str(named_id or "")), None)
    if named is None:
        raise DomainError("That user is not named on this case", "user")
    if case.investigator_id == named.id:
        raise DomainError(
            f"{named.name} is the case's investigator: assign another investigator first",
            "user",
        )
    case.named_users.remove(named)
    _touch(case)
    record(
        "case_user_unnamed",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "user": named.id},
    )
    return named


# ---- links -----------------------------------------------------------------------------------


def links_for(user: User, case: Case) -> list[tuple[CaseLink, Case]]:
    """Current links of this case to cases the user may see, with the other case."""
    other = aliased(Case)
    rows = db.session.execute(
        select(CaseLink, other)
        .join(
            other,
            or_(
                and_(CaseLink.case_id == case.id, other.id == CaseLink.other_id),
                and_(CaseLink.other_id == case.id, other.id == CaseLink.case_id),
            ),
        )
        .where(CaseLink.removed_at.is_(None))
        .order_by(CaseLink.id)
    ).all()
    visible = set(
        db.session.scalars(
            select(Case.id).where(Case.id.in_([o.id for _, o in rows]), visible_cases(user))
        )
    )
    return [(link, o) for link, o in rows if o.id in visible]


def link_cases(
    case: Case, user: User, reference: str | None, kind: str | None, reason: str | None
) -> CaseLink:
    if not can(user, Permission.CASE_LINK, case):
        raise DomainError("You cannot link this case")
    wanted = (reference or "").strip().upper()
    if not wanted:
        raise DomainError("Enter the reference of the case to link", "reference")
    other = db.session.scalar(
        select(Case).where(Case.reference == wanted[:32], visible_cases(user))
    )
    if other is None or not can(user, Permission.CASE_LINK, other):
        raise DomainError(
            f"No case {wanted[:32]} that you can see: check the reference, for example "
            f"{case.reference}",
            "reference",
        )
    if other.id == case.id:
        raise DomainError("A case cannot be linked to itself", "reference")
    if kind not in LINK_KINDS:
        raise DomainError("Choose how the cases are linked", "kind")
    why = _text(reason, "why the cases are linked", "reason", limit=2000)
    low, high = sorted((case.id, other.id))
    if any(o.id == other.id for _, o in links_for(user, case)):
        raise DomainError(f"{case.reference} is already linked to {other.reference}", "reference")
    link = CaseLink(
        case_id=low,
        other_id=high,
        kind=kind,
        reason=why,
        actor_id=user.id,
        actor_name=user.name,
    )
    db.session.add(link)
    db.session.flush()
    record(
        "case_linked",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "other": other.reference, "link": link.id},
    )
    return link


def unlink(case: Case, user: User, link_id: str | None, reason: str | None) -> CaseLink:
    found = next(
        ((link, o) for link, o in links_for(user, case) if str(link.id) == str(link_id or "")),
        None,
    )
    if found is None:
        raise DomainError("That link is not on this case", "link")
    link, other = found
    if not (can(user, Permission.CASE_LINK, case) and can(user, Permission.CASE_LINK, other)):
        raise DomainError("You cannot remove this link")
    why = _text(reason, "why the link is removed", "reason", limit=2000)
    link.removed_at = utcnow()
    link.removed_by_name = user.name
    link.removed_reason = why
    record(
        "case_unlinked",
        object_type="case",
        object_id=case.id,
        details={"reference": case.reference, "other": other.reference, "link": link.id},
    )
    return link


# ---- a person's history ----------------------------------------------------------------------


def may_see_person(user: User, person: Person) -> bool:
    """A workforce record's page: the records the user may find (access.may_see_person: PSD
    their forces', a Standards Manager their departments', never their own), and anyone else's
    only if that person is a subject of a case the user may see."""
    if access.may_see_person(user, person):
        return True
    own = normal_staff_number(user.staff_number)
    mine = person.force_id in user.force_ids and normal_staff_number(person.staff_number) == own
    if own and mine:
        return False
    return bool(history(user, person))


def history(user: User, person: Person) -> Sequence[tuple[Investigation, Case]]:
    """The person's investigations in cases the user may see, newest case first."""
    return db.session.execute(
        select(Investigation, Case)
        .join(Case, Case.id == Investigation.case_id)
        .where(Investigation.person_id == person.id, visible_cases(user))
        .order_by(Case.received_date.desc(), Case.id.desc())
    ).all()
