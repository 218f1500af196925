"""Administration pages: users, forces, departments — validation, audit, and no case content."""

from __future__ import annotations

from sqlalchemy import func, select

from casetrack.audit.models import AuditEvent
from casetrack.auth.models import User
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from conftest import AuthActions


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _last_action() -> str:
    return db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1))


def test_add_force_and_department(app, auth, client, signed_in) -> None:
    signed_in("admin")
    response = auth.post("/admin/forces", {"code": "warks", "name": "Warwickshire Police"})
    assert response.status_code == 302
    force = db.session.scalar(select(Force).where(Force.code == "WARKS"))
    assert force.name == "Warwickshire Police" and _last_action() == "force_added"
    response = auth.post(
        "/admin/departments", {"force": force.id, "code": "NWARKS", "name": "North Warwickshire"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Department.name).where(Department.code == "NWARKS"))
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "North Warwickshire" in page


def test_duplicate_and_bad_codes_are_refused_with_input_kept(app, auth, signed_in) -> None:
    signed_in("admin")  # creates force WMP
    before = _count(Force)
    body = auth.post("/admin/forces", {"code": "WMP", "name": "Another"}).get_data(as_text=True)
    assert "A force with code WMP already exists" in body and 'value="Another"' in body
    body = auth.post("/admin/forces", {"code": "1 bad!", "name": "Bad"}).get_data(as_text=True)
    assert "Force code must be 2 to 16 letters" in body
    body = auth.post("/admin/forces", {"code": "", "name": ""}).get_data(as_text=True)
    assert "Enter a force code" in body and "Enter the force name" in body
    assert "There is a problem" in body
    assert _count(Force) == before


def test_create_user(app, auth, client, signed_in) -> None:
    """A role without case content is ready at once (a case role: test_separation_of_duties)."""
    admin = signed_in("admin")
    response = auth.post(
        "/admin/users/new",
        {
            "email": "New.Person@example.police.uk",
            "name": "New Person",
            "role": "leadership",
            "forces": [admin.forces[0].id],
            "staff_number": "wmp123",
            "new_password": "temporary passphrase 1",
            "confirm_password": "temporary passphrase 1",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.police.uk"))
    assert user.role == "leadership" and user.staff_number == "WMP123"
    assert [f.code for f in user.forces] == ["WMP"]
    assert user.must_change_password is True
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user_created", AuditEvent.object_id == str(user.id)
        )
    )
    assert event.actor == admin.email and "temporary passphrase" not in event.details
    # the new user must choose their own password first
    newcomer = AuthActions(app.test_client())
    assert (
        newcomer.sign_in(user.email, "temporary passphrase 1").headers["Location"]
        == "/account/password"
    )


def test_create_user_validation(app, auth, signed_in) -> None:
    admin = signed_in("admin")
    body = auth.post(
        "/admin/users/new",
        {
            "email": "not-an-email",
            "name": "",
            "role": "standards_manager",
            "forces": [admin.forces[0].id],
            "new_password": "short",
            "confirm_password": "short",
        },
    ).get_data(as_text=True)
    assert "Enter the user&#39;s full name" in body
    assert "Password must be 12 characters or more" in body
    body = auth.post(
        "/admin/users/new",
        {
            "email": "not-an-email",
            "name": "Someone",
            "role": "standards_manager",
            "forces": [admin.forces[0].id],
            "new_password": "long enough passphrase",
            "confirm_password": "long enough passphrase",
        },
    ).get_data(as_text=True)
    assert "Enter a valid email address" in body and 'value="not-an-email"' in body
    body = auth.post(
        "/admin/users/new",
        {
            "email": "sm@example.police.uk",
            "name": "Someone",
            "role": "standards_manager",
            "forces": [admin.forces[0].id],
            "new_password": "long enough passphrase",
            "confirm_password": "long enough passphrase",
        },
    ).get_data(as_text=True)
    assert "A Standards Manager must be attached to at least one department" in body
    body = auth.post(
        "/admin/users/new",
        {
            "email": admin.email,
            "name": "Dup",
            "role": "admin",
            "forces": [admin.forces[0].id],
            "new_password": "long enough passphrase",
            "confirm_password": "long enough passphrase",
        },
    ).get_data(as_text=True)
    assert f"There is already an account for {admin.email}" in body
    body = auth.post(
        "/admin/users/new",
        {"email": "x@example.police.uk", "name": "X", "role": "superuser", "forces": ["abc"]},
    ).get_data(as_text=True)
    assert "Not a valid choice" in body
    assert _count(User) == 1


def test_only_psd_may_have_several_forces(app, auth, signed_in, make_force) -> None:
    admin = signed_in("admin")
    other = make_force("WARKS")
    data = {
        "email": "multi@example.police.uk",
        "name": "Multi",
        "role": "leadership",
        "forces": [admin.forces[0].id, other.id],
        "new_password": "long enough passphrase",
        "confirm_password": "long enough passphrase",
    }
    assert "Only PSD users can belong to several forces" in auth.post(
        "/admin/users/new", data
    ).get_data(as_text=True)
    data["role"] = "psd"  # a case role: no temporary password from an administrator
    data["new_password"] = data["confirm_password"] = ""
    assert auth.post("/admin/users/new", data).status_code == 302


def test_cannot_deactivate_yourself(app, auth, client, signed_in) -> None:
    admin = signed_in("admin")
    path = f"/admin/users/{admin.id}"
    response = auth.post(f"{path}/deactivate", form_path=path)
    assert response.status_code == 302
    assert "You cannot deactivate your own account" in client.get(path).get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_deactivate_and_reactivate(app, auth, signed_in, make_user) -> None:
    """Without a case role both are at once (a case role's reactivation waits for a head of
    PSD: test_separation_of_duties)."""
    signed_in("admin")
    target = make_user("leadership")
    path = f"/admin/users/{target.id}"
    auth.post(f"{path}/deactivate", form_path=path)
    db.session.refresh(target)
    assert not target.active and _last_action() == "user_deactivated"
    assert (
        AuthActions(auth.client.application.test_client()).sign_in(target.email).status_code == 200
    )
    auth.post(f"{path}/reactivate", form_path=path)
    db.session.refresh(target)
    assert target.active and _last_action() == "user_reactivated"


def test_edit_user_records_before_and_after(app, auth, signed_in, make_user) -> None:
    signed_in("admin")
    target = make_user("leadership", name="Pat Old")
    response = auth.post(
        f"/admin/users/{target.id}",
        {
            "name": "Pat New",
            "role": "admin",  # no case content: at once
            "forces": [f.id for f in target.forces],
        },
    )
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
    assert '"before":{"name":"Pat Old","role":"leadership"}' in event.details
    assert '"after":{"name":"Pat New","role":"admin"}' in event.details


def test_edit_case_role_user_saves_the_name_and_asks_for_the_role(
    app, auth, signed_in, make_user
) -> None:
    signed_in("admin")
    target = make_user("psd", name="Pat Old")
    response = auth.post(
        f"/admin/users/{target.id}",
        {"name": "Pat New", "role": "psd_head", "forces": [f.id for f in target.forces]},
    )
    assert response.status_code == 302
    db.session.refresh(target)
    assert (target.name, target.role) == ("Pat New", "psd")  # the role awaits approval
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
    assert '"before":{"name":"Pat Old"}' in event.details
    assert '"after":{"name":"Pat New"}' in event.details
    assert _last_action() == "access_requested"


def test_admin_home_has_no_case_content(app, client, signed_in) -> None:
    signed_in("admin")
    body = client.get("/").get_data(as_text=True)
    assert "Administration" in body and "cannot see case content" in body


def test_each_role_gets_its_own_home(app, client, auth, make_user) -> None:
    headings = {
        "standards_manager": "Your departments' cases",
        "psd": "Your work",
        "psd_head": "Your work",
        "leadership": "Outcome statistics",
        "admin": "Administration",
    }
    for role, heading in headings.items():
        user = make_user(role)
        actions = AuthActions(app.test_client())
        actions.sign_in(user.email)
        assert heading in actions.client.get("/").get_data(as_text=True), role
