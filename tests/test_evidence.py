"""Evidence (SPEC §5): streaming SHA-256, refusals that leave nothing, custody, verification,
faults at every step, tamper detection and the export bundle."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from casetrack.evidence import storage
from casetrack.evidence.models import CustodyEvent, EvidenceItem
from casetrack.extensions import db
from casetrack.timeutil import today

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"\x9a\x86\x9e\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHAT = "12/03/2026, 21:14 - PC X: don't tell anyone I sent this 😉\n".encode()


def _evidence_dir(app) -> Path:
    return Path(app.config["EVIDENCE_DIR"])


def _stored_files(app) -> list[Path]:
    root = _evidence_dir(app)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _form(files: list[tuple[bytes, str]], **overrides) -> dict:
    day = today() - timedelta(days=1)  # yesterday 09:30 is in the past at any moment
    data = {
        "files": [(io.BytesIO(content), name) for content, name in files],
        "kind": "screenshot",
        "source_url": "https://facebook.example/posts/1",
        "platform": "facebook",
        "account_handle": "@pc.someone",
        "captured_on": [str(day.day), str(day.month), str(day.year)],
        "captured_time": "09:30",
        "captured_by": "Member of the public",
        "capture_method": "Phone screenshot",
        "description": "Post on a public page",
    }
    data.update(overrides)
    return data


@pytest.fixture
def open_case(app, make_case, auth):
    case = make_case("assessed")
    auth.sign_in(case.created_by.email)
    return case


def upload(auth, case, files, **overrides):
    token = auth.csrf_token(f"/cases/{case.id}/evidence/new")
    return auth.client.post(
        f"/cases/{case.id}/evidence/new",
        data={**_form(files, **overrides), "csrf_token": token},
        content_type="multipart/form-data",
    )


def test_upload_hashes_stores_and_logs(app, auth, open_case) -> None:
    response = upload(
        auth, open_case, [(PNG, "shot.png"), (PDF, "capture.pdf"), (CHAT, "chat.txt")]
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    items = db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)).all()
    assert [(i.original_filename, i.media_type) for i in items] == [
        ("shot.png", "image/png"),
        ("capture.pdf", "application/pdf"),
        ("chat.txt", "text/plain"),
    ]
    for item, content in zip(items, (PNG, PDF, CHAT), strict=True):
        assert item.sha256 == hashlib.sha256(content).hexdigest() and item.size == len(content)
        path = _evidence_dir(app) / "objects" / item.storage_name
        assert path.read_bytes() == content
        assert item.storage_name != item.original_filename
        assert [e.action for e in item.custody] == ["uploaded"]
    assert not any((_evidence_dir(app) / "tmp").iterdir())
    page = auth.client.get(f"/cases/{open_case.id}").get_data(as_text=True)
    assert "shot.png" in page and items[0].sha256[:16] in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "innocent.png", "not a type of file"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "not a type of file",
        ),
        (b"<!DOCTYPE html><p>hi", "page.pdf", "not a type of file"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "tool.exe", "not a type"),
        (b"", "empty.png", "is empty"),
    ],
)
def test_refused_files_leave_nothing(app, auth, open_case, content, name, message) -> None:
    response = upload(auth, open_case, [(PNG, "good.png"), (content, name)])
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body
    assert _count(EvidenceItem) == 0 and _stored_files(app) == []
    assert "Member of the public" in body  # what was typed is kept


def test_traversal_filename_is_only_a_label(app, auth, open_case) -> None:
    upload(auth, open_case, [(PNG, "../../../etc/passwd.png")])
    item = db.session.scalar(select(EvidenceItem))
    assert item.original_filename == "passwd.png"
    stored = _stored_files(app)
    assert len(stored) == 1 and stored[0].is_relative_to(_evidence_dir(app) / "objects")
    with pytest.raises(storage.UnsafePath):
        storage.Store(_evidence_dir(app)).path_for("../../secret_key")


def test_oversize_gets_a_clear_page_and_leaves_nothing(app, auth, open_case) -> None:
    app.config["EVIDENCE_MAX_BYTES"] = 4096
    response = upload(auth, open_case, [(PNG + b"\0" * 10_000, "big.png")])
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "The file is too large" in body and "Nothing was saved" in body
    assert _count(EvidenceItem) == 0 and _stored_files(app) == []


def test_hashing_large_stream_in_bounded_memory(tmp_path) -> None:
    import tracemalloc

    store = storage.Store(tmp_path)
    upload_file = store.new_upload()
    expected = hashlib.sha256()
    chunk = os.urandom(1024 * 1024)
    tracemalloc.start()
    for n in range(200):  # 200 MB
        piece = chunk[n:] + chunk[:n]
        expected.update(piece)
        upload_file.write(piece)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    name = store.place(upload_file)
    assert upload_file.sha256 == expected.hexdigest()
    assert store.hash_of(name) == (expected.hexdigest(), 200 * 1024 * 1024)
    assert peak < 8 * 1024 * 1024  # far below the 200 MB written


def test_download_is_an_attachment_and_verified(app, auth, open_case) -> None:
    upload(auth, open_case, [(CHAT, "chat.txt")])
    item = db.session.scalar(select(EvidenceItem))
    response = auth.client.get(f"/evidence/{item.id}/download")
    assert response.status_code == 200 and response.data == CHAT
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert auth.client.get(f"/evidence/{item.id}/preview").status_code == 404  # not an image
    actions = [
        e.action
        for e in db.session.scalars(
            select(CustodyEvent).where(CustodyEvent.item_id == item.id).order_by(CustodyEvent.id)
        )
    ]
    assert actions == ["uploaded", "verified_for_download", "downloaded"]


def test_image_preview_inline_with_sandbox(app, auth, open_case) -> None:
    upload(auth, open_case, [(PNG, "shot.png")])
    item = db.session.scalar(select(EvidenceItem))
    response = auth.client.get(f"/evidence/{item.id}/preview")
    assert response.headers["Content-Type"] == "image/png" and response.data == PNG
    assert "sandbox" in response.headers["Content-Security-Policy"]
    page = auth.client.get(f"/evidence/{item.id}").get_data(as_text=True)
    assert f"/evidence/{item.id}/preview" in page and item.sha256 in page


def _tamper(app, item, data: bytes = b"changed") -> Path:
    path = _evidence_dir(app) / "objects" / item.storage_name
    os.chmod(path, 0o600)
    path.write_bytes(data)
    return path


def test_tampered_file_is_refused_shown_and_audited(app, auth, open_case) -> None:
    upload(auth, open_case, [(PNG, "shot.png")])
    item = db.session.scalar(select(EvidenceItem))
    _tamper(app, item)
    response = auth.client.get(f"/evidence/{item.id}/download")
    assert response.status_code == 409
    assert "failed verification" in response.get_data(as_text=True)
    page = auth.client.get(f"/evidence/{item.id}").get_data(as_text=True)
    assert "This file failed verification" in page and "VERIFICATION FAILED" in page
    assert auth.client.get(f"/cases/{open_case.id}/evidence/export").status_code == 409
    from casetrack.audit.models import AuditEvent

    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "evidence_verify_failed")
        )
        == 2
    )


def test_correction_appends_and_withdrawal_keeps(app, auth, open_case) -> None:
    upload(auth, open_case, [(PNG, "shot.png")])
    item = db.session.scalar(select(EvidenceItem))
    path = f"/evidence/{item.id}"
    auth.post(
        f"{path}/correct",
        {
            "field": "captured_by",
            "value": "DC Jones",
            "reason": "Captured by the officer, not the public",
        },
    )
    auth.post(f"{path}/withdraw", {"reason": "Attached to the wrong case"})
    db.session.expire_all()
    item = db.session.get(EvidenceItem, item.id)
    assert item.captured_by == "Member of the public"  # original kept
    assert item.current("captured_by") == "DC Jones"
    assert item.withdrawn and (_evidence_dir(app) / "objects" / item.storage_name).exists()
    page = auth.client.get(path).get_data(as_text=True)
    assert "Withdrawn on" in page and "Captured by the officer" in page


def test_export_bundle(app, auth, open_case) -> None:
    upload(auth, open_case, [(PNG, "shot.png"), (CHAT, "=HYPERLINK(1)+cmd.txt")])
    withdrawn_upload = upload(auth, open_case, [(PDF, "wrong.pdf")])
    assert withdrawn_upload.status_code == 302
    wrong = db.session.scalar(
        select(EvidenceItem).where(EvidenceItem.original_filename == "wrong.pdf")
    )
    auth.post(f"/evidence/{wrong.id}/withdraw", {"reason": "Wrong case"})
    response = auth.client.get(f"/cases/{open_case.id}/evidence/export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert {"manifest.csv", "manifest.json", "custody-log.csv"} <= set(names)
    files = [n for n in names if n.startswith("files/")]
    assert len(files) == 2 and not any("wrong.pdf" in n for n in files)
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["items"]:
        if entry["file"]:
            assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
    assert any(e["withdrawn"] for e in manifest["items"])
    csv_text = archive.read("manifest.csv").decode("utf-8-sig")
    assert ",'=HYPERLINK(1)+cmd.txt," in csv_text  # formula neutralised
    assert ",=HYPERLINK" not in csv_text
    assert "exported" in archive.read("custody-log.csv").decode("utf-8-sig")


def _cli(app, *args):
    from casetrack.evidence.cli import verify

    return app.test_cli_runner().invoke(verify, list(args))


def test_cli_verify_reports_missing_altered_orphaned(app, auth, open_case) -> None:
    upload(auth, open_case, [(PNG, "a.png"), (PDF, "b.pdf"), (CHAT, "c.txt")])
    result = _cli(app)
    assert result.exit_code == 0 and "3 items verified" in result.output
    a, b, _ = db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)).all()
    _tamper(app, a)
    (_evidence_dir(app) / "objects" / b.storage_name).unlink()
    orphan = _evidence_dir(app) / "objects" / "zz" / "stray"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"stray")
    result = _cli(app)
    assert result.exit_code == 1
    assert f"ALTERED  item {a.id}" in result.output
    assert f"MISSING  item {b.id}" in result.output
    assert "ORPHAN   zz/stray" in result.output


@pytest.mark.parametrize(
    "step", ["after_temp_write", "after_rename", "before_commit", "during_commit"]
)
def test_faults_never_leave_a_row_without_its_file(app, auth, open_case, step) -> None:
    app.config["PROPAGATE_UNEXPECTED"] = False

    def explode(at: str, *args) -> None:
        if at == step:
            raise RuntimeError(f"injected fault at {step}")

    listener = None
    if step == "during_commit":

        def listener(session):  # noqa: ANN001
            explode("during_commit")

        event.listen(Session, "before_commit", listener)
    else:
        storage.fault_hook = explode
    try:
        response = upload(auth, open_case, [(PNG, "shot.png")])
    finally:
        storage.fault_hook = None
        if listener is not None:
            event.remove(Session, "before_commit", listener)
    assert response.status_code == 500
    assert _count(EvidenceItem) == 0  # never a row without its file
    assert not any((_evidence_dir(app) / "tmp").iterdir())  # the temp file is gone
    placed = list((_evidence_dir(app) / "objects").rglob("*"))
    orphans = [p for p in placed if p.is_file()]
    result = _cli(app)
    if step == "after_temp_write":
        assert orphans == [] and result.exit_code == 0
    else:  # the file was placed before the failure: reported as an orphan, never lost track of
        assert len(orphans) == 1 and result.exit_code == 1 and "ORPHAN" in result.output


@pytest.mark.parametrize("role", ["leadership", "admin"])
def test_roles_without_evidence_access(app, make_case, make_user, role) -> None:
    from conftest import AuthActions

    case = make_case("assessed")
    actions = AuthActions(app.test_client())
    actions.sign_in(make_user(role).email)
    for path in (f"/cases/{case.id}/evidence/new", f"/cases/{case.id}/evidence/export"):
        assert actions.client.get(path).status_code == 403


def test_other_department_cannot_reach_items(app, auth, open_case, make_user, make_department):
    from conftest import AuthActions

    upload(auth, open_case, [(PNG, "shot.png")])
    item = db.session.scalar(select(EvidenceItem))
    outsider = make_user("standards_manager", departments=[make_department("COV")])
    actions = AuthActions(app.test_client())
    actions.sign_in(outsider.email)
    for path in (
        f"/evidence/{item.id}",
        f"/evidence/{item.id}/download",
        f"/evidence/{item.id}/preview",
        f"/cases/{open_case.id}/evidence/export",
    ):
        response = actions.client.get(path)
        assert response.status_code == 404 and PNG not in response.data
    psd = make_user("psd")
    psd_actions = AuthActions(app.test_client())
    psd_actions.sign_in(psd.email)
    assert psd_actions.client.get(f"/evidence/{item.id}/download").data == PNG


def test_closed_case_takes_no_new_evidence(app, make_case, auth) -> None:
    case = make_case("closed")
    auth.sign_in(case.created_by.email)
    assert auth.client.get(f"/cases/{case.id}/evidence/new").status_code == 403
