"""SPEC §9.1 separation of duties (issue 12, finding 1). Expected outcomes written by hand
from the spec: a case role (standards_manager, psd, psd_head), and any change of forces or
departments of such an account, takes effect only when a head of PSD of that force approves;
nobody changes their own role, forces or departments; nobody decides a request about
themselves or made by themselves; an administrator never has a case role; every request,
approval and refusal is an audit entry."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, func, select, update

from casetrack.approvals import service as approvals
from casetrack.audit.models import AuditEvent
from casetrack.auth.models import AccessRequest, User
from casetrack.errors import DomainError
from casetrack.extensions import db
from conftest import TEST_PASSWORD, AuthActions

TEMPORARY = "head chose this passphrase 7"
OWN_CHOICE = "my very own passphrase 42"


def _browser(app, user, password: str = TEST_PASSWORD) -> AuthActions:
    actions = AuthActions(app.test_client())
    assert actions.sign_in(user.email, password).status_code == 302
    return actions


def _events(action: str, user) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.object_id == str(user.id))
            .order_by(AuditEvent.seq)
        )
    )


def _pending(user) -> list[AccessRequest]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AccessRequest).where(
                AccessRequest.user_id == user.id, AccessRequest.status == "pending"
            )
        )
    )


def _decide(head: AuthActions, user, **data) -> str:
    [req] = _pending(user)
    path = f"/approvals/{user.id}"
    response = head.post(path, {"request_id": str(req.id), **data})
    return response.get_data(as_text=True) if response.status_code == 200 else ""


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def world(app, make_user, make_force, make_department):
    wmp, warks = make_force("WMP"), make_force("WARKS")
    birm = make_department("BIRM_E", force=wmp)
    cov = make_department("COV", force=wmp)
    return {
        "wmp": wmp,
        "warks": warks,
        "birm": birm,
        "cov": cov,
        "admin": make_user("admin", forces=[wmp]),
        "head": make_user("psd_head", forces=[wmp]),
        "warks_head": make_user("psd_head", forces=[warks]),
    }


# ---- an administrator and their own access ---------------------------------------------------


def test_admin_cannot_give_themselves_psd_head(app, world) -> None:
    admin = world["admin"]
    browser = _browser(app, admin)
    path = f"/admin/users/{admin.id}"
    response = browser.post(
        path, {"name": admin.name, "role": "psd_head", "forces": [world["wmp"].id]}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body  # the error summary …
    assert body.count("You cannot change your own role, forces or departments") == 2  # … and field
    assert _user(admin.email).role == "admin"
    assert _pending(admin) == []
    assert browser.client.get("/audit").status_code == 403
    assert browser.client.get("/cases").status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"role": "leadership"},  # even a role without case content
        {"forces": "warks"},
    ],
)
def test_nobody_changes_their_own_role_or_forces(app, world, change) -> None:
    admin = world["admin"]
    browser = _browser(app, admin)
    data = {"name": "Renamed Admin", "role": change.get("role", "admin")}
    data["forces"] = [world[change.get("forces", "wmp")].id]
    body = browser.post(f"/admin/users/{admin.id}", data).get_data(as_text=True)
    assert "You cannot change your own role, forces or departments" in body
    admin = _user(admin.email)
    assert (admin.role, [f.code for f in admin.forces], admin.name) == (
        "admin",
        ["WMP"],
        admin.name,
    )


def test_own_name_can_still_change(app, world) -> None:
    admin = world["admin"]
    browser = _browser(app, admin)
    response = browser.post(
        f"/admin/users/{admin.id}",
        {"name": "New Name", "role": "admin", "forces": [world["wmp"].id]},
    )
    assert response.status_code == 302
    assert _user(admin.email).name == "New Name"


def test_nobody_changes_their_own_access_through_the_service(app, world, make_user) -> None:
    for role in ("standards_manager", "psd", "psd_head"):
        user = make_user(role, forces=[world["wmp"]])
        with pytest.raises(DomainError, match="your own role"):
            approvals.change_user(
                user,
                by=user,
                name=user.name,
                role="psd_head",
                forces=[world["wmp"], world["warks"]],
                departments=[],
                staff_number=None,
            )
        db.session.rollback()


def test_an_administrator_is_never_given_a_case_role(app, world, make_user) -> None:
    other_admin = make_user("admin", forces=[world["wmp"]])
    browser = _browser(app, world["admin"])
    body = browser.post(
        f"/admin/users/{other_admin.id}",
        {"name": other_admin.name, "role": "psd", "forces": [world["wmp"].id]},
    ).get_data(as_text=True)
    assert "An administrator&#39;s account cannot have a case role" in body
    assert _user(other_admin.email).role == "admin" and _pending(other_admin) == []


def test_other_roles_have_no_page_to_edit_accounts(app, world, make_user) -> None:
    for role in ("standards_manager", "psd", "psd_head", "leadership"):
        user = make_user(role, forces=[world["wmp"]])
        browser = _browser(app, user)
        assert browser.client.get(f"/admin/users/{user.id}").status_code == 403
        token = browser.csrf_token("/")
        response = browser.client.post(
            f"/admin/users/{user.id}",
            data={
                "csrf_token": token,
                "name": user.name,
                "role": "psd_head",
                "forces": [world["wmp"].id],
            },
        )
        assert response.status_code == 403
        assert _user(user.email).role == role


# ---- a new account with a case role ------------------------------------------------------------


@pytest.mark.parametrize("role", ["standards_manager", "psd", "psd_head"])
def test_new_case_role_account_waits_for_a_head_of_psd(app, world, role) -> None:
    admin = _browser(app, world["admin"])
    email = f"new.{role}@example.police.uk"
    response = admin.post(
        "/admin/users/new",
        {
            "email": email,
            "name": "New Person",
            "role": role,
            "forces": [world["wmp"].id],
            "departments": [world["birm"].id] if role == "standards_manager" else [],
        },
    )
    assert response.status_code == 302
    user = _user(email)
    # no case role, no placement, no password anybody knows, until approved
    assert user.role == "none" and user.forces == [] and user.departments == []
    [req] = _pending(user)
    assert (req.role, [f.code for f in req.forces]) == (role, ["WMP"])
    assert "Awaiting approval" in admin.client.get("/admin/users").get_data(as_text=True)
    assert "Awaiting approval" in admin.client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    [created] = _events("user_created", user)
    [requested] = _events("access_requested", user)
    assert created.actor == requested.actor == world["admin"].email
    assert json.loads(requested.details)["requested"]["role"] == role

    # the head of PSD of WMP sees it, approves it and chooses the temporary password
    head = _browser(app, world["head"])
    assert "1 access request awaiting your decision" in head.client.get("/").get_data(as_text=True)
    assert "New Person" in head.client.get("/approvals").get_data(as_text=True)
    assert (
        _decide(head, user, decision="approve", new_password=TEMPORARY, confirm_password=TEMPORARY)
        == ""
    )
    user = _user(email)
    assert user.role == role and [f.code for f in user.forces] == ["WMP"]
    assert user.must_change_password
    [approved] = _events("access_approved", user)
    assert approved.actor == world["head"].email
    assert json.loads(approved.details)["requested_by"] == world["admin"].email

    # the account holder signs in with the head's password, chooses their own, sees cases
    newcomer = AuthActions(app.test_client())
    assert newcomer.sign_in(email, TEMPORARY).headers["Location"] == "/account/password"
    response = newcomer.post(
        "/account/password",
        {
            "current_password": TEMPORARY,
            "new_password": OWN_CHOICE,
            "confirm_password": OWN_CHOICE,
        },
    )
    assert response.status_code == 302
    assert newcomer.client.get("/cases").status_code == 200


def test_admin_may_not_set_the_password_of_a_case_role_account(app, world) -> None:
    admin = _browser(app, world["admin"])
    body = admin.post(
        "/admin/users/new",
        {
            "email": "psd.new@example.police.uk",
            "name": "New Person",
            "role": "psd",
            "forces": [world["wmp"].id],
            "new_password": "admin knows this one 1",
            "confirm_password": "admin knows this one 1",
        },
    ).get_data(as_text=True)
    assert "Leave the temporary password blank" in body
    assert _user("psd.new@example.police.uk") is None


def test_pending_account_signed_in_sees_no_cases(app, world) -> None:
    """An account with no role yet (here: the administrator gave it a password after it was
    made a role without case content and back) can sign in and see nothing."""
    with app.test_request_context():
        user, _ = approvals.create_account(
            by=world["admin"],
            email="waiting@example.police.uk",
            name="Waiting Person",
            role="psd",
            password=None,
            forces=[world["wmp"]],
        )
        user.password_hash = __import__(
            "casetrack.auth.passwords", fromlist=["hash_password"]
        ).hash_password(TEST_PASSWORD)
        user.must_change_password = False
        db.session.commit()
    browser = _browser(app, user)
    assert "Your account has no role yet" in browser.client.get("/").get_data(as_text=True)
    for path in ("/cases", "/audit", "/admin/users", "/approvals", "/reports"):
        assert browser.client.get(path).status_code == 403, path


# ---- who may decide ---------------------------------------------------------------------------


def _ask_for(app, world, user, **data) -> None:
    admin = _browser(app, world["admin"])
    response = admin.post(f"/admin/users/{user.id}", {"name": user.name, **data})
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]


def test_head_of_another_force_cannot_approve(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    _ask_for(app, world, psd, role="psd_head", forces=[world["wmp"].id])
    other = _browser(app, world["warks_head"])
    assert psd.name not in other.client.get("/approvals").get_data(as_text=True)
    [req] = _pending(psd)
    assert other.client.get(f"/approvals/{psd.id}").status_code == 404  # not even the name
    response = other.post(
        f"/approvals/{psd.id}", {"request_id": str(req.id), "decision": "approve"}, form_path="/"
    )
    assert response.status_code == 404
    assert _user(psd.email).role == "psd" and len(_pending(psd)) == 1
    with pytest.raises(DomainError, match="Only a head of PSD of WMP"):
        approvals.approve(_pending(psd)[0], by=world["warks_head"])
    assert _events("access_approved", psd) == []


def test_a_move_to_two_forces_needs_a_head_of_both(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    _ask_for(app, world, psd, role="psd", forces=[world["wmp"].id, world["warks"].id])
    assert [f.code for f in _user(psd.email).forces] == ["WMP"]  # pending
    head = _browser(app, world["head"])  # head of WMP only
    assert head.client.get(f"/approvals/{psd.id}").status_code == 404
    both = make_user("psd_head", forces=[world["wmp"], world["warks"]])
    assert _decide(_browser(app, both), psd, decision="approve") == ""
    assert [f.code for f in _user(psd.email).forces] == ["WARKS", "WMP"]


def test_head_cannot_approve_a_request_about_themselves(app, world, make_user) -> None:
    head = make_user("psd_head", forces=[world["wmp"], world["warks"]])
    _ask_for(app, world, head, role="psd_head", forces=[world["wmp"].id])
    browser = _browser(app, head)
    page = browser.client.get(f"/approvals/{head.id}").get_data(as_text=True)
    assert "You cannot decide a request about your own account" in page
    assert "Save decision" not in page
    [req] = _pending(head)
    token = browser.csrf_token(f"/approvals/{head.id}")
    browser.client.post(
        f"/approvals/{head.id}",
        data={"csrf_token": token, "request_id": str(req.id), "decision": "approve"},
    )
    assert [f.code for f in _user(head.email).forces] == ["WARKS", "WMP"]
    assert _events("access_approved", head) == []


def test_head_cannot_approve_a_request_they_made(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    with app.test_request_context():
        req = approvals.request_access(
            psd, role="psd_head", forces=[world["wmp"]], departments=[], by=world["head"]
        )
        db.session.commit()
        with pytest.raises(DomainError, match="a request you made"):
            approvals.approve(req, by=world["head"])
        with pytest.raises(DomainError, match="a request you made"):
            approvals.refuse(req, by=world["head"], reason="No")
    db.session.rollback()
    assert _user(psd.email).role == "psd"


# ---- changes of placement -----------------------------------------------------------------------


def test_change_of_departments_waits_and_the_old_ones_stay(app, world, make_user) -> None:
    sm = make_user("standards_manager", forces=[world["wmp"]], departments=[world["birm"]])
    _ask_for(
        app,
        world,
        sm,
        role="standards_manager",
        forces=[world["wmp"].id],
        departments=[world["birm"].id, world["cov"].id],
    )
    assert [d.code for d in _user(sm.email).departments] == ["BIRM_E"]
    [requested] = _events("access_requested", sm)
    assert json.loads(requested.details)["requested"]["departments"] == ["BIRM_E", "COV"]
    head = _browser(app, world["head"])
    assert _decide(head, sm, decision="approve") == ""  # no password: they keep their own
    sm = _user(sm.email)
    assert sorted(d.code for d in sm.departments) == ["BIRM_E", "COV"]
    assert _browser(app, sm).client.get("/").status_code == 200  # own password still works


def test_role_without_case_content_changes_at_once(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    _ask_for(app, world, psd, role="leadership", forces=[world["wmp"].id])
    assert _user(psd.email).role == "leadership" and _pending(psd) == []


def test_first_case_role_of_an_existing_account_gets_a_new_password(app, world, make_user) -> None:
    """The administrator may know a leadership account's password: when it becomes a case
    role, the approving head of PSD chooses a new temporary one."""
    leader = make_user("leadership", forces=[world["wmp"]])
    _ask_for(app, world, leader, role="psd", forces=[world["wmp"].id])
    head = _browser(app, world["head"])
    body = _decide(head, leader, decision="approve")
    assert "Choose a temporary password for the account" in body
    assert _user(leader.email).role == "leadership"
    assert (
        _decide(
            head, leader, decision="approve", new_password=TEMPORARY, confirm_password=TEMPORARY
        )
        == ""
    )
    leader = _user(leader.email)
    assert leader.role == "psd" and leader.must_change_password
    assert AuthActions(app.test_client()).sign_in(leader.email).status_code == 200  # old one


# ---- refusing, withdrawing ----------------------------------------------------------------------


def test_refusal_needs_a_reason_and_is_audited(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    _ask_for(app, world, psd, role="psd_head", forces=[world["wmp"].id])
    head = _browser(app, world["head"])
    body = _decide(head, psd, decision="refuse")
    assert "There is a problem" in body and body.count("Enter the reason for refusing") == 2
    assert len(_pending(psd)) == 1
    assert _decide(head, psd, decision="refuse", reason="Not agreed with the PSD board") == ""
    assert _user(psd.email).role == "psd" and _pending(psd) == []
    [refused] = _events("access_refused", psd)
    assert refused.actor == world["head"].email
    assert json.loads(refused.details)["reason"] == "Not agreed with the PSD board"
    admin = _browser(app, world["admin"])
    assert "Not agreed with the PSD board" in admin.client.get(f"/admin/users/{psd.id}").get_data(
        as_text=True
    )


def test_admin_can_withdraw_a_request(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    _ask_for(app, world, psd, role="psd_head", forces=[world["wmp"].id])
    admin = _browser(app, world["admin"])
    path = f"/admin/users/{psd.id}"
    assert admin.post(f"{path}/withdraw", form_path=path).status_code == 302
    assert _pending(psd) == [] and len(_events("access_request_withdrawn", psd)) == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"request_id": "not a number", "decision": "approve"},
        {"request_id": "999999999999999999999", "decision": "refuse", "reason": "x"},
        {"decision": "maybe"},
        {"decision": "refuse", "reason": "x" * 5000},
        {"decision": "approve", "new_password": "short", "confirm_password": "short"},
    ],
)
def test_odd_decisions_never_fail_or_change_anything(app, world, make_user, data) -> None:
    leader = make_user("leadership", forces=[world["wmp"]])
    _ask_for(app, world, leader, role="psd", forces=[world["wmp"].id])
    [req] = _pending(leader)
    head = _browser(app, world["head"])
    payload = {"request_id": str(req.id), **data}
    response = head.post(f"/approvals/{leader.id}", payload)
    assert response.status_code == 200
    assert _user(leader.email).role == "leadership" and len(_pending(leader)) == 1
    assert head.client.get("/approvals/999999").status_code == 404


# ---- passwords --------------------------------------------------------------------------------


def test_reset_of_a_case_role_password_needs_a_head_of_psd(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    victim = _browser(app, psd)
    admin = _browser(app, world["admin"])
    path = f"/admin/users/{psd.id}/password"
    assert 'name="new_password"' not in admin.client.get(path).get_data(as_text=True)
    # a direct reset posted anyway is refused, beside the field and in the summary
    response = admin.post(
        path,
        {"new_password": "admin knows this one 1", "confirm_password": "admin knows this one 1"},
        form_path="/admin/users",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in body
    assert body.count("a head of PSD chooses the temporary password of such an account") == 2
    assert _pending(psd) == [] and _events("password_reset", psd) == []
    assert victim.client.get("/").status_code == 200  # nothing happened
    assert admin.post(path).status_code == 302  # the request: no password from the admin
    assert victim.client.get("/").status_code == 302  # signed out at once
    assert (
        AuthActions(app.test_client()).sign_in(psd.email, "admin knows this one 1").status_code
        == 200
    )
    assert AuthActions(app.test_client()).sign_in(psd.email).status_code == 302  # own one works
    [requested] = _events("password_reset_requested", psd)
    assert requested.actor == world["admin"].email
    head = _browser(app, world["head"])
    assert (
        _decide(head, psd, decision="approve", new_password=TEMPORARY, confirm_password=TEMPORARY)
        == ""
    )
    assert AuthActions(app.test_client()).sign_in(psd.email).status_code == 200  # old one: no
    assert AuthActions(app.test_client()).sign_in(psd.email, TEMPORARY).status_code == 302
    [approved] = _events("password_reset_approved", psd)
    assert approved.actor == world["head"].email


def test_reset_of_other_roles_is_immediate(app, world, make_user) -> None:
    leader = make_user("leadership", forces=[world["wmp"]])
    admin = _browser(app, world["admin"])
    response = admin.post(
        f"/admin/users/{leader.id}/password",
        {"new_password": "temporary passphrase 99", "confirm_password": "temporary passphrase 99"},
    )
    assert response.status_code == 302
    assert (
        AuthActions(app.test_client()).sign_in(leader.email, "temporary passphrase 99").status_code
        == 302
    )


# ---- the bootstrap path ------------------------------------------------------------------------


def test_command_line_still_creates_the_first_head_of_psd(app, world) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "first.head@example.police.uk",
            "--role",
            "psd_head",
            "--force",
            "WMP",
            "--password-stdin",
        ],
        input="bootstrap passphrase for ops 1\n",
    )
    assert result.exit_code == 0, result.output
    head = _user("first.head@example.police.uk")
    assert head.role == "psd_head" and [f.code for f in head.forces] == ["WMP"]
    [created] = _events("user_created", head)
    assert created.actor.startswith("cli:")


# ---- staff numbers of case-role accounts (conflict of interest) ---------------------------------


def _case_about(make_case, make_person, world, staff_number: str):
    return make_case(
        "logged",
        department=world["birm"],
        subjects=[make_person(world["wmp"], staff_number=staff_number)],
    )


@pytest.mark.parametrize("new_number", ["", "wmp 200"])
def test_staff_number_of_a_case_role_account_waits_for_a_head(
    app, world, make_user, make_case, make_person, new_number
) -> None:
    """Blanking or altering a PSD user's own number would let them see (and be assigned) the
    case in which they are a subject: it takes effect only when a head of PSD approves."""
    psd = make_user("psd", forces=[world["wmp"]], staff_number="WMP100")
    case = _case_about(make_case, make_person, world, "WMP100")
    own = _browser(app, psd)
    assert own.client.get(f"/cases/{case.id}").status_code == 404  # they are its subject
    _ask_for(app, world, psd, role="psd", forces=[world["wmp"].id], staff_number=new_number)
    wanted = "WMP200" if new_number else None  # the one normal form, or cleared
    assert _user(psd.email).staff_number == "WMP100"  # kept until approved
    [req] = _pending(psd)
    assert (req.kind, req.changes_staff_number, req.staff_number) == ("access", True, wanted)
    own = _browser(app, psd)  # signed out when asked; signs in again with the old access
    assert own.client.get(f"/cases/{case.id}").status_code == 404
    [requested] = _events("access_requested", psd)
    assert json.loads(requested.details)["staff_number"] == {
        "before": "WMP100",
        "requested": wanted,
    }
    admin = _browser(app, world["admin"])
    page = admin.client.get(f"/admin/users/{psd.id}").get_data(as_text=True)
    assert ("with staff number WMP200" if wanted else "with no staff number") in page
    assert "staff number WMP100." in page  # what the account has until then

    head = _browser(app, world["head"])
    listed = head.client.get("/approvals").get_data(as_text=True)
    assert ("staff number WMP200" if wanted else "staff number removed") in listed
    page = head.client.get(f"/approvals/{psd.id}").get_data(as_text=True)
    assert "Staff number asked for" in page
    assert ("WMP200" if wanted else "None: remove the staff number") in page
    assert 'name="new_password"' not in page  # a working account keeps its own password
    assert _decide(head, psd, decision="approve") == ""
    assert _user(psd.email).staff_number == wanted
    [approved] = _events("access_approved", psd)
    assert approved.actor == world["head"].email
    assert json.loads(approved.details)["staff_number"] == {"before": "WMP100", "after": wanted}
    assert _browser(app, psd).client.get(f"/cases/{case.id}").status_code == 200  # now


def test_refused_staff_number_and_departments_change_nothing(app, world, make_user) -> None:
    sm = make_user(
        "standards_manager", forces=[world["wmp"]], departments=[world["birm"]], staff_number="A1"
    )
    _ask_for(
        app,
        world,
        sm,
        role="standards_manager",
        forces=[world["wmp"].id],
        departments=[world["cov"].id],
        staff_number="B2",
    )
    [req] = _pending(sm)  # one request for both
    assert ([d.code for d in req.departments], req.staff_number) == (["COV"], "B2")
    head = _browser(app, world["head"])
    assert _decide(head, sm, decision="refuse", reason="Wrong person") == ""
    sm = _user(sm.email)
    assert ([d.code for d in sm.departments], sm.staff_number) == (["BIRM_E"], "A1")


def test_the_form_shows_the_number_asked_for_and_saving_it_asks_nothing_new(
    app, world, make_user
) -> None:
    psd = make_user("psd", forces=[world["wmp"]], staff_number="A1")
    _ask_for(app, world, psd, role="psd", forces=[world["wmp"].id], staff_number="B2")
    admin = _browser(app, world["admin"])
    path = f"/admin/users/{psd.id}"
    assert 'value="B2"' in admin.client.get(path).get_data(as_text=True)
    [req] = _pending(psd)
    _ask_for(app, world, psd, role="psd", forces=[world["wmp"].id], staff_number="B2")
    assert [r.id for r in _pending(psd)] == [req.id]  # the same request, not a new one
    # back to the number it has: nothing to approve any more
    _ask_for(app, world, psd, role="psd", forces=[world["wmp"].id], staff_number="A1")
    assert _pending(psd) == [] and _user(psd.email).staff_number == "A1"
    [withdrawn] = _events("access_request_withdrawn", psd)
    assert json.loads(withdrawn.details)["reason"] == "the account was kept as it is"


def test_staff_number_of_an_account_awaiting_its_case_role_goes_in_the_request(app, world) -> None:
    with app.test_request_context():
        user, first = approvals.create_account(
            by=world["admin"],
            email="waiting@example.police.uk",
            name="Waiting Person",
            role="psd",
            password=None,
            forces=[world["wmp"]],
            staff_number="A1",
        )
        db.session.commit()
    _ask_for(app, world, user, role="psd", forces=[world["wmp"].id], staff_number="")
    [req] = _pending(user)
    assert req.id != first.id and (req.changes_staff_number, req.staff_number) == (True, None)
    assert _user(user.email).staff_number == "A1"
    head = _browser(app, world["head"])
    data = {"decision": "approve", "new_password": TEMPORARY, "confirm_password": TEMPORARY}
    assert _decide(head, user, **data) == ""
    user = _user(user.email)
    assert (user.role, user.staff_number) == ("psd", None)


def test_staff_number_without_a_case_role_changes_at_once(app, world, make_user) -> None:
    leader = make_user("leadership", forces=[world["wmp"]], staff_number="A1")
    _ask_for(app, world, leader, role="leadership", forces=[world["wmp"].id], staff_number="b 2")
    assert _user(leader.email).staff_number == "B2" and _pending(leader) == []
    [updated] = _events("user_updated", leader)
    assert json.loads(updated.details)["after"] == {"staff_number": "B2"}
    admin = world["admin"]  # and an administrator's own number
    _ask_for(app, world, admin, role="admin", forces=[world["wmp"].id], staff_number="C3")
    assert _user(admin.email).staff_number == "C3" and _pending(admin) == []


def test_nobody_changes_their_own_staff_number_with_a_case_role(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]], staff_number="A1")
    with pytest.raises(DomainError, match="You cannot change your own staff number"):
        approvals.change_user(
            psd,
            by=psd,
            name=psd.name,
            role="psd",
            forces=[world["wmp"]],
            departments=[],
            staff_number=None,
        )
    db.session.rollback()
    assert _user(psd.email).staff_number == "A1"


# ---- reactivation -------------------------------------------------------------------------------


def test_reactivation_of_a_case_role_account_waits_for_a_head(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["wmp"]])
    victim = _browser(app, psd)
    admin = _browser(app, world["admin"])
    path = f"/admin/users/{psd.id}"
    assert admin.post(f"{path}/deactivate", form_path=path).status_code == 302
    assert not _user(psd.email).active  # at once: it only removes access
    assert victim.client.get("/").status_code == 302  # signed out
    assert len(_events("user_deactivated", psd)) == 1

    page = admin.client.get(path).get_data(as_text=True)
    assert "Ask for reactivation" in page and "Reactivate account" not in page
    assert admin.post(f"{path}/reactivate", form_path=path).status_code == 302
    assert not _user(psd.email).active
    [req] = _pending(psd)
    assert req.kind == "reactivation"
    [requested] = _events("reactivation_requested", psd)
    assert requested.actor == world["admin"].email
    assert _events("user_reactivated", psd) == []
    assert AuthActions(app.test_client()).sign_in(psd.email).status_code == 200  # refused
    page = admin.client.get(path).get_data(as_text=True)
    assert "Reactivation of the account" in page and "Awaiting approval" in page
    assert "Ask for reactivation" not in page  # asked already

    head = _browser(app, world["head"])
    assert "Reactivation: PSD reviewer / investigator, WMP" in head.client.get(
        "/approvals"
    ).get_data(as_text=True)
    page = head.client.get(f"/approvals/{psd.id}").get_data(as_text=True)
    assert "Reactivate the deactivated account" in page and "Deactivated" in page
    assert 'name="new_password"' not in page
    body = _decide(head, psd, decision="refuse")
    assert "There is a problem" in body and body.count("Enter the reason for refusing") == 2
    assert _decide(head, psd, decision="refuse", reason="Left the force") == ""
    assert not _user(psd.email).active and _pending(psd) == []
    [refused] = _events("reactivation_refused", psd)
    assert (refused.actor, json.loads(refused.details)["reason"]) == (
        world["head"].email,
        "Left the force",
    )
    assert "Left the force" in admin.client.get(path).get_data(as_text=True)

    assert admin.post(f"{path}/reactivate", form_path=path).status_code == 302
    assert _decide(head, psd, decision="approve") == ""
    assert _user(psd.email).active
    [approved] = _events("reactivation_approved", psd)
    assert approved.actor == world["head"].email
    assert json.loads(approved.details)["requested_by"] == world["admin"].email
    assert AuthActions(app.test_client()).sign_in(psd.email).status_code == 302  # own password


def test_reactivation_is_decided_by_a_head_of_the_accounts_force(app, world, make_user) -> None:
    psd = make_user("psd", forces=[world["warks"]])
    with app.test_request_context():
        from casetrack.auth.service import set_active

        set_active(psd, False)
        req = approvals.reactivate(psd, by=world["admin"])
        db.session.commit()
        with pytest.raises(DomainError, match="Only a head of PSD of WARKS"):
            approvals.approve(req, by=world["head"])
    db.session.rollback()
    assert _browser(app, world["head"]).client.get(f"/approvals/{psd.id}").status_code == 404
    assert not _user(psd.email).active
    assert _decide(_browser(app, world["warks_head"]), psd, decision="approve") == ""
    assert _user(psd.email).active


# ---- what the decision page shows -------------------------------------------------------------


def test_decision_page_names_only_accounts_with_a_request_for_this_head(
    app, world, make_user
) -> None:
    leader = make_user("leadership", forces=[world["wmp"]], name="Quiet Leader")
    warks_psd = make_user("psd", forces=[world["warks"]], name="Warks Person")
    _ask_for(app, world, warks_psd, role="psd_head", forces=[world["warks"].id])
    head = _browser(app, world["head"])
    before = db.session.scalar(select(func.count(AuditEvent.seq)))
    for user in (leader, warks_psd, world["admin"], world["head"]):
        response = head.client.get(f"/approvals/{user.id}")
        assert response.status_code == 404, user.email
        if user is not world["head"]:  # (the header names who is signed in)
            assert user.name not in response.get_data(as_text=True)
            assert user.email not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.seq))) == before


# ---- a direct password reset and an approval at the same time ------------------------------------


def _statements(app):
    seen: list[str] = []

    def listen(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", listen)


def test_direct_reset_refused_when_a_head_approved_the_case_role_meanwhile(app, world) -> None:
    with app.test_request_context():
        user, _ = approvals.create_account(
            by=world["admin"],
            email="waiting@example.police.uk",
            name="Waiting Person",
            role="psd",
            password=None,
            forces=[world["wmp"]],
        )
        db.session.commit()
    admin = _browser(app, world["admin"])
    path = f"/admin/users/{user.id}/password"
    token = admin.csrf_token(path)
    assert 'name="new_password"' in admin.client.get(path).get_data(as_text=True)  # no role yet
    head = _browser(app, world["head"])
    data = {"decision": "approve", "new_password": TEMPORARY, "confirm_password": TEMPORARY}
    assert _decide(head, user, **data) == ""  # the head approves before the admin posts
    seen, stop = _statements(app)
    try:
        response = admin.client.post(
            path,
            data={
                "csrf_token": token,
                "new_password": "admin knows this one 1",
                "confirm_password": "admin knows this one 1",
            },
        )
    finally:
        stop()
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in body
    assert "now has the PSD reviewer / investigator role" in body
    assert _events("password_reset", user) == []
    assert (
        AuthActions(app.test_client()).sign_in(user.email, "admin knows this one 1").status_code
        == 200
    )
    assert AuthActions(app.test_client()).sign_in(user.email, TEMPORARY).status_code == 302
    if db.engine.dialect.name == "postgresql":
        assert any("FROM users" in s and "FOR UPDATE" in s for s in seen)


def test_reset_and_approval_read_the_locked_row_not_the_one_in_memory(
    app, world, make_user
) -> None:
    with app.test_request_context():
        # the reset: loaded with no role, a head's approval committed since
        user, _ = approvals.create_account(
            by=world["admin"],
            email="waiting@example.police.uk",
            name="Waiting Person",
            role="psd",
            password=None,
            forces=[world["wmp"]],
        )
        db.session.commit()
        assert user.role == "none"
        db.session.execute(
            update(User).where(User.id == user.id).values(role="psd"),
            execution_options={"synchronize_session": False},
        )
        assert user.role == "none"  # what the page loaded
        with pytest.raises(DomainError, match="a head of PSD chooses the temporary password"):
            approvals.reset_password(user, "admin knows this one 1", by=world["admin"])
        db.session.rollback()

        # the approval: a PSD account's new departments, but it was made leadership since
        psd = make_user("psd", forces=[world["wmp"]])
        req = approvals.request_access(
            psd, role="psd", forces=[world["wmp"]], departments=[world["birm"]], by=world["admin"]
        )
        db.session.commit()
        assert psd.role == "psd" and not approvals.sets_password(req)
        db.session.execute(
            update(User).where(User.id == psd.id).values(role="leadership"),
            execution_options={"synchronize_session": False},
        )
        seen, stop = _statements(app)
        try:
            with pytest.raises(DomainError, match="Choose a temporary password"):
                approvals.approve(req, by=world["head"])
        finally:
            stop()
        db.session.rollback()
        if db.engine.dialect.name == "postgresql":
            assert any("FROM users" in s and "FOR UPDATE" in s for s in seen)
            assert any("FROM access_requests" in s and "FOR UPDATE" in s for s in seen)
