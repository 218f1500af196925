"""The audit log: written with the change, hash-chained, and any tampering is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from casetrack.audit.models import AuditEvent, AuditHead
from casetrack.audit.service import _hash_of, entry_hash, record, verify_chain
from casetrack.extensions import db
from casetrack.org.service import add_force


@pytest.fixture
def chain(app) -> list[AuditEvent]:
    for n in range(6):
        record("test_event", object_type="thing", object_id=n, details={"n": n})
    db.session.commit()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_intact_chain_verifies(chain) -> None:
    assert verify_chain() == (6, None)
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[1].prev_hash == chain[0].hash


def test_edited_entry_is_named(chain) -> None:
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(details='{"n":99}'))
    db.session.commit()
    checked, problem = verify_chain()
    assert checked == 2 and problem.seq == 3 and "edited" in problem.reason


def test_edited_actor_is_detected(chain) -> None:
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="someone"))
    db.session.commit()
    assert verify_chain()[1].seq == 2


def test_deleted_entry_is_detected(chain) -> None:
    db.session.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    db.session.commit()
    checked, problem = verify_chain()
    assert checked == 3 and problem.seq == 5 and "missing" in problem.reason


def test_deleted_newest_entries_are_detected(chain) -> None:
    db.session.execute(text("DELETE FROM audit_events WHERE seq >= 5"))
    db.session.commit()
    checked, problem = verify_chain()
    assert checked == 4 and problem.seq is None and "head" in str(problem)


def test_inserted_entry_is_detected(chain) -> None:
    """A forged entry slotted in after #2, with the later ones renumbered to make room."""
    db.session.execute(text("UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 3"))
    db.session.execute(text("UPDATE audit_events SET seq = seq - 999 WHERE seq >= 1000"))
    forged = AuditEvent(
        seq=3,
        at=chain[1].at,
        actor_id=None,
        actor="forger",
        action="forged",
        object_type=None,
        object_id=None,
        address=None,
        details="{}",
        prev_hash=chain[1].hash,
    )
    forged.hash = entry_hash(
        seq=3,
        at=forged.at,
        actor_id=None,
        actor="forger",
        action="forged",
        object_type=None,
        object_id=None,
        address=None,
        details="{}",
        prev_hash=chain[1].hash,
    )
    db.session.add(forged)
    db.session.commit()
    checked, problem = verify_chain()
    assert checked == 3 and problem.seq == 4 and "does not link" in problem.reason


def test_appended_entry_without_the_head_is_detected(chain) -> None:
    last = chain[-1]
    extra = dict(
        seq=7,
        at=last.at,
        actor_id=None,
        actor="forger",
        action="forged",
        object_type=None,
        object_id=None,
        address=None,
        details="{}",
        prev_hash=last.hash,
    )
    db.session.add(AuditEvent(**extra, hash=entry_hash(**extra)))
    db.session.commit()
    assert verify_chain()[1].seq is None


def test_reordered_entries_are_detected(chain) -> None:
    db.session.execute(text("UPDATE audit_events SET seq = 100 WHERE seq = 2"))
    db.session.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
    db.session.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = 100"))
    db.session.commit()
    checked, problem = verify_chain()
    assert checked == 1 and problem.seq == 2


def test_entry_lands_with_its_change_or_not_at_all(app) -> None:
    add_force("WMP", "West Midlands Police")
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent).limit(1)) is None
    assert db.session.get(AuditHead, 1).seq == 0
    add_force("WMP", "West Midlands Police")
    db.session.commit()
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["force_added"]
    assert verify_chain() == (1, None)


def test_cli_verify(app, chain) -> None:
    from casetrack.audit.cli import verify

    runner = app.test_cli_runner()
    result = runner.invoke(verify)
    assert result.exit_code == 0 and "6 entries verified" in result.output
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 5).values(action="x"))
    db.session.commit()
    result = runner.invoke(verify)
    assert result.exit_code == 1
    assert "entry 5" in result.output and "edited" in result.output


def test_audit_page_for_head_of_psd_only(app, make_user, chain) -> None:
    from conftest import AuthActions

    for role in ("psd", "standards_manager", "leadership", "admin"):
        actions = AuthActions(app.test_client())
        actions.sign_in(make_user(role).email)
        assert actions.client.get("/audit").status_code == 403
    head = AuthActions(app.test_client())
    head.sign_in(make_user("psd_head").email)
    page = head.client.get("/audit?verify=1").get_data(as_text=True)
    assert "Audit chain intact" in page and "test_event" in page
    assert "sign_in" in head.client.get("/audit?action=sign_in").get_data(as_text=True)
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(action="x"))
    db.session.commit()
    broken = head.client.get("/audit?verify=1").get_data(as_text=True)
    assert "The audit chain is broken" in broken and "entry 2" in broken


# ---- what `casetrack audit verify` says, word for word (an operator acts on it) ------------
def _id(seq: int) -> int:
    return db.session.scalar(select(AuditEvent.id).where(AuditEvent.seq == seq))


def test_messages_name_the_entry_and_what_happened(chain) -> None:
    db.session.execute(
        text("UPDATE audit_events SET details = :d WHERE seq = 3"), {"d": '{"n":99}'}
    )
    db.session.commit()
    assert str(verify_chain()[1]) == (
        f"entry 3 (id {_id(3)}): hash does not match its contents — the entry was edited"
    )


def test_message_for_a_missing_entry(chain) -> None:
    db.session.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    db.session.commit()
    assert str(verify_chain()[1]) == (
        f"entry 5 (id {_id(5)}): expected entry 4 here — an entry is missing or was inserted"
    )


def test_message_for_a_sequence_that_goes_backwards(chain) -> None:
    db.session.execute(text("UPDATE audit_events SET seq = 0 WHERE seq = 1"))
    db.session.commit()
    assert verify_chain() == (0, verify_chain()[1])
    assert str(verify_chain()[1]) == (
        f"entry 0 (id {_id(0)}): sequence number repeats or goes backwards — entries were reordered"
    )


def test_message_for_a_broken_link(chain) -> None:
    db.session.execute(
        text("UPDATE audit_events SET prev_hash = :h WHERE seq = 4"), {"h": "0" * 64}
    )
    db.session.commit()
    checked, problem = verify_chain()
    assert checked == 3 and str(problem) == (
        f"entry 4 (id {_id(4)}): does not link to the entry before it — entries were deleted, "
        "inserted or reordered"
    )


def test_message_when_the_head_is_missing_or_altered(chain) -> None:
    db.session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": "f" * 64})
    db.session.commit()
    assert str(verify_chain()[1]) == (
        "chain head: the head records 6 entries but 6 were found — the newest entries were "
        "deleted or the head was altered"
    )
    db.session.execute(text("DELETE FROM audit_head"))
    db.session.commit()
    assert verify_chain() == (6, verify_chain()[1])
    assert str(verify_chain()[1]) == (
        "chain head: the head records 0 entries but 6 were found — the newest entries were "
        "deleted or the head was altered"
    )


def test_verify_reads_the_database_not_what_the_session_remembers(chain) -> None:
    """Entries and the head already loaded in this session, then changed underneath it (by
    another process, say): verification must see the stored values. (Held in variables: the
    session keeps only objects something refers to, and would otherwise read them afresh.)"""
    held = [db.session.get(AuditHead, 1), *db.session.scalars(select(AuditEvent))]
    assert verify_chain() == (6, None)
    db.session.execute(text("UPDATE audit_events SET actor = 'someone' WHERE seq = 2"))
    assert verify_chain()[1].seq == 2
    db.session.rollback()
    held = [db.session.get(AuditHead, 1), *db.session.scalars(select(AuditEvent))]
    assert held[0].seq == 6
    db.session.execute(text("UPDATE audit_head SET seq = 5"))
    assert str(verify_chain()[1]).startswith("chain head: the head records 5 entries but 6")


# ---- what one entry holds, and the hash that seals it ---------------------------------------


def test_the_hash_is_sha256_of_the_canonical_json_of_every_field() -> None:
    """The chain's format, so anyone can check an entry: SHA-256 of a JSON array of the ten
    fields in order — the time in UTC, ISO 8601 — with no spaces and non-ASCII escaped. Typed
    here by hand: a change to the format breaks every chain already written."""
    import hashlib
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2026, 7, 1, 10, 30, 5, tzinfo=ZoneInfo("Europe/London"))  # 09:30:05 UTC
    canonical = (
        '[7,"2026-07-01T09:30:05+00:00",3,"Zo\\u00eb Ash","case_viewed","case","12",'
        '"192.0.2.7","{\\"n\\":1}","' + "ab" * 32 + '"]'
    )
    fields = dict(
        seq=7,
        at=at,
        actor_id=3,
        actor="Zoë Ash",
        action="case_viewed",
        object_type="case",
        object_id="12",
        address="192.0.2.7",
        details='{"n":1}',
        prev_hash="ab" * 32,
    )
    assert entry_hash(**fields) == hashlib.sha256(canonical.encode("ascii")).hexdigest()
    # a naive time (as SQLite hands it back) is the UTC it was stored as
    naive = dict(fields, at=datetime(2026, 7, 1, 9, 30, 5))
    assert entry_hash(**naive) == entry_hash(**fields)
    assert (
        entry_hash(**dict(fields, actor_id=None, object_type=None))
        == hashlib.sha256(
            canonical.replace(",3,", ",null,").replace('"case","12"', 'null,"12"').encode("ascii")
        ).hexdigest()
    )


def test_an_entry_holds_what_happened_and_its_hash(app) -> None:
    from datetime import date

    first = record(
        "thing_done", object_type="thing", object_id=5, details={"b": 2, "a": date(2026, 1, 2)}
    )
    second = record("other_done")
    db.session.commit()
    # details: sorted keys, no spaces, dates as text; ids as text; outside a request: the system
    assert first.details == '{"a":"2026-01-02","b":2}' and first.object_id == "5"
    assert (first.actor_id, first.actor, first.address) == (None, "system", None)
    assert (second.object_type, second.object_id, second.details) == (None, None, "{}")
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.hash)
    for event in (first, second):
        assert event.hash == _hash_of(event)  # entry_hash itself: the hand-typed test above
    head = db.session.get(AuditHead, 1)
    assert (head.seq, head.last_hash) == (2, second.hash)


def test_who_an_entry_names(app, make_user) -> None:
    from flask import g
    from flask_login import login_user

    user = make_user("psd")
    g.audit_actor = (None, "cli:alice")  # the command line says who ran it
    assert (record("by_cli").actor_id, record("by_cli").actor) == (None, "cli:alice")
    assert record("told", actor=(42, "named")).actor == "named"
    del g.audit_actor
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        assert (record("anonymous").actor, record("anonymous").address) == ("system", "192.0.2.7")
        login_user(user)
        event = record("signed_in_user")
        assert (event.actor_id, event.actor, event.address) == (user.id, user.email, "192.0.2.7")
        # every field is sealed, the actor's id and the address too
        assert event.hash == entry_hash(
            seq=event.seq,
            at=event.at,
            actor_id=user.id,
            actor=user.email,
            action="signed_in_user",
            object_type=None,
            object_id=None,
            address="192.0.2.7",
            details="{}",
            prev_hash=event.prev_hash,
        )
        assert record("told", actor=(42, "named")).actor_id == 42
    db.session.commit()
    assert verify_chain()[1] is None


def test_the_chain_starts_afresh_where_its_head_is_missing(app) -> None:
    db.session.execute(text("DELETE FROM audit_head"))
    first, second = record("first"), record("second")
    db.session.commit()
    assert (first.seq, first.prev_hash, second.seq) == (1, "0" * 64, 2)
    assert [(h.id, h.seq, h.last_hash) for h in db.session.scalars(select(AuditHead))] == [
        (1, 2, second.hash)
    ]
    assert verify_chain() == (2, None)
