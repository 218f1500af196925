"""Uploads: active content, polyglots, hostile names, empty and oversize files, and
decompression bombs in the export path. Each upload is either

  refused      — the form says why, and nothing is left: no row, no file, no temporary file
  neutralised  — kept as evidence (it may be genuine), but it can never run: it is stored under
                 a server-made name, only ever downloaded as application/octet-stream with
                 Content-Disposition: attachment and nosniff, and previewed (images only) as
                 its verified image type inside a sandboxing Content-Security-Policy

and a bomb is stored and exported byte for byte, never expanded.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from .figures import scale
from .helpers import PNG, browser_filename, csrf, files_under, signed_in_client

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"

REFUSED = {
    "HTML named .png": (b"<html><body><script>alert(1)</script></body></html>", "photo.png"),
    "HTML, upper case": (b"<HTML><SCRIPT>alert(1)</SCRIPT>", "page.txt"),
    "HTML after a UTF-8 BOM": (b"\xef\xbb\xbf<!DOCTYPE html><p onclick=x>", "a.txt"),
    "HTML in UTF-16": ("<html><script>alert(1)</script>".encode("utf-16"), "u.txt"),
    "SVG with script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(2)</script></svg>",
        "logo.svg",
    ),
    "SVG named .png": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.png"),
    "XML with a stylesheet": (
        b'<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><a/>',
        "data.xml",
    ),
    "text with a javascript: URL": (b"see javascript:alert(document.cookie)", "notes.txt"),
    "text hiding an iframe": (b"chat log\n" * 50 + b"<iframe src=//evil>", "chat.txt"),
    "Windows executable": (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
        "tool.exe",
    ),
    "ELF executable": (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8, "run.png"),
    "empty file": (b"", "empty.png"),
    "binary noise": (bytes(range(256)) * 4, "noise.bin"),
}

NEUTRALISED = {
    "GIF + JavaScript polyglot": (GIF + b"/*" + b"\x00" * 8 + b"*/=alert(1);//", "poly.gif"),
    "GIF + HTML polyglot": (GIF + b"<html><script>alert(1)</script>", "poly.html"),
    "JPEG with a script comment": (JPEG + b"\xff\xfe\x00\x20<script>alert(1)</script>xx", "c.jpg"),
    "PNG + ZIP polyglot": (PNG + b"PK\x03\x04" + b"\x00" * 26, "p.png"),
    "PDF + HTML polyglot": (
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
        "doc.html",
    ),
    "PDF with JavaScript action": (
        b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n",
        "js.pdf",
    ),
    "text with HTML after the first 64 KB": (
        b"a" * (64 * 1024 + 10) + b"<script>alert(1)",
        "long.txt",
    ),
    "MHTML capture with script": (
        b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/related; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: text/html\r\n\r\n<script>alert(1)</script>",
        "capture.mhtml",
    ),
}

NAMES = {
    "traversal": "../../../../etc/passwd.png",
    "Windows traversal": "..\\..\\Windows\\win.ini.png",
    "absolute path": "/etc/shadow.png",
    "drive letter": "C:\\boot.png",
    "doubled dots": "....//....//x.png",
    "encoded traversal": "%2e%2e%2f%2e%2e%2fx.png",
    "hidden file": ".htaccess",
    "dots only": "...",
    "NUL": "evil.png\x00.html",
    "control characters": "bell\x07\x1b[31mred.png",
    "header injection": "a\r\nSet-Cookie: pwned=1\r\nX: .png",
    "right-to-left override": "photo\u202egnp.exe",
    "overlong": "a" * 10_000 + ".png",
    "quotes and semicolons": 'x"; filename=evil.html; y=".png',
}


@pytest.fixture
def target(app, make_case):
    case = make_case("assessed")
    client = signed_in_client(app, case.created_by)
    return case, client


def _upload(client: Any, case: Any, files: list[tuple[bytes, str]]) -> Any:
    from casetrack.timeutil import today

    day = today()
    path = f"/cases/{case.id}/evidence/new"
    return client.post(
        path,
        data={
            "files": [(io.BytesIO(content), browser_filename(name)) for content, name in files],
            "kind": "other",
            "captured_on": [str(day.day), str(day.month), str(day.year)],
            "captured_by": "Member of the public",
            "capture_method": "Sent by email",
            "csrf_token": csrf(client, path),
        },
        content_type="multipart/form-data",
    )


def _rows() -> int:
    from casetrack.evidence.models import EvidenceItem
    from casetrack.extensions import db

    return db.session.scalar(select(func.count()).select_from(EvidenceItem))


def _leftovers(app: Flask, expected_objects: int) -> list[str]:
    root = Path(app.config["EVIDENCE_DIR"])
    problems = []
    temporary = files_under(root / "tmp")
    if temporary:
        problems.append(f"temporary files left: {[p.name for p in temporary]}")
    objects = files_under(root / "objects")
    if len(objects) != expected_objects:
        problems.append(f"{len(objects)} stored files, expected {expected_objects}")
    if _rows() != expected_objects:
        problems.append(f"{_rows()} evidence rows, expected {expected_objects}")
    return problems


def _latest() -> Any:
    from casetrack.evidence.models import EvidenceItem
    from casetrack.extensions import db

    db.session.expire_all()
    return db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id.desc())).first()


def _served_safely(client: Any, item: Any) -> list[str]:
    """How the item is served: never as anything a browser would run."""
    problems = []
    download = client.get(f"/evidence/{item.id}/download")
    disposition = download.headers.get("Content-Disposition", "")
    if download.status_code != 200 or download.mimetype != "application/octet-stream":
        problems.append(f"download answered {download.status_code} {download.mimetype}")
    if not disposition.startswith("attachment"):
        problems.append(f"download not an attachment: {disposition!r}")
    if any(c in disposition for c in "\r\n") or any(
        "pwned" in cookie for cookie in download.headers.getlist("Set-Cookie")
    ):
        problems.append("header injection through the file name")
    if download.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("download without nosniff")
    preview = client.get(f"/evidence/{item.id}/preview")
    if preview.status_code == 200:
        if not preview.mimetype.startswith("image/") or preview.mimetype == "image/svg+xml":
            problems.append(f"preview served as {preview.mimetype}")
        if "sandbox" not in preview.headers.get("Content-Security-Policy", ""):
            problems.append("preview without a sandboxing CSP")
        if preview.headers.get("X-Content-Type-Options") != "nosniff":
            problems.append("preview without nosniff")
    elif preview.status_code != 404:
        problems.append(f"preview answered {preview.status_code}")
    return problems


def test_refused_uploads_leave_nothing(
    app: Flask, target, backend: str, figures, only_first_backend
) -> None:
    case, client = target
    wrong = []
    for label, (content, name) in REFUSED.items():
        for files in ([(content, name)], [(PNG, "good.png"), (content, name)]):
            response = _upload(client, case, files)
            body = response.get_data(as_text=True)
            refused = response.status_code == 200 and "govuk-error-message" in body
            wrong += [f"{label}: not refused ({response.status_code})"] if not refused else []
            wrong += [f"{label}: {p}" for p in _leftovers(app, 0)]
            figures.add("uploads", "refused_cases", 1, backend)
    app.config["EVIDENCE_MAX_BYTES"] = 64 * 1024
    for files in (
        [(PNG + b"\0" * 70_000, "big.png")],
        [(PNG, "small.png"), (PNG + b"\0" * 70_000, "big.png")],
    ):
        response = _upload(client, case, files)
        if response.status_code != 413:
            wrong.append(f"oversize: answered {response.status_code}")
        wrong += [f"oversize: {p}" for p in _leftovers(app, 0)]
        figures.add("uploads", "refused_cases", 1, backend)
    figures.add(
        "uploads",
        "left_behind",
        len([w for w in wrong if "left" in w or "stored" in w or "rows" in w]),
        backend,
    )
    figures.add(
        "uploads",
        "accepted_that_should_be_refused",
        len([w for w in wrong if "not refused" in w]),
        backend,
    )
    assert wrong == []


def test_polyglots_and_active_content_are_neutralised(
    app: Flask, target, backend: str, figures, only_first_backend
) -> None:
    case, client = target
    wrong = []
    stored = 0
    for label, (content, name) in NEUTRALISED.items():
        response = _upload(client, case, [(content, name)])
        if response.status_code != 302:
            figures.add("uploads", "neutralised_cases_refused_instead", 1, backend)
            wrong += [f"{label}: {p}" for p in _leftovers(app, stored)]
            continue
        stored += 1
        item = _latest()
        wrong += [f"{label}: {p}" for p in _served_safely(client, item)]
        if item.media_type in ("text/html", "image/svg+xml", "application/xhtml+xml"):
            wrong.append(f"{label}: stored as {item.media_type}")
        page = client.get(f"/evidence/{item.id}").get_data(as_text=True)
        if "<script>alert(1)" in page:
            wrong.append(f"{label}: file content shown on the item page")
        wrong += [f"{label}: {p}" for p in _leftovers(app, stored)]
        figures.add("uploads", "neutralised_cases", 1, backend)
    figures.add("uploads", "served_unsafely", len(wrong), backend)
    assert wrong == []


def test_hostile_file_names_are_only_labels(
    app: Flask, target, backend: str, figures, only_first_backend
) -> None:
    case, client = target
    root = Path(app.config["EVIDENCE_DIR"]).resolve()
    wrong = []
    for n, (label, name) in enumerate(NAMES.items(), start=1):
        response = _upload(client, case, [(PNG + bytes([n]), name)])
        if response.status_code != 302:
            wrong.append(f"{label}: refused ({response.status_code})")
            continue
        item = _latest()
        shown = item.original_filename
        if any(c in shown for c in "/\\\x00\r\n") or shown.startswith(".") or len(shown) > 255:
            wrong.append(f"{label}: kept as {shown[:60]!r}")
        if not all(ch.isprintable() for ch in shown):
            wrong.append(f"{label}: unprintable characters kept in {shown[:60]!r}")
        stored = (root / "objects" / item.storage_name).resolve()
        if not stored.is_relative_to(root / "objects") or name.split("/")[-1] in stored.name:
            wrong.append(f"{label}: stored as {stored}")
        wrong += [f"{label}: {p}" for p in _served_safely(client, item)]
        figures.add("uploads", "hostile_name_cases", 1, backend)
    outside = [p for p in root.parent.rglob("*") if p.is_file() and "passwd" in p.name]
    wrong += [f"a file was written outside the store: {p}" for p in outside]
    wrong += _leftovers(app, len(NAMES))
    figures.add("uploads", "hostile_names_not_neutralised", len(wrong), backend)
    assert wrong == []


def _zip_bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    bomb = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    with bomb, bomb.open("zeros.bin", "w", force_zip64=True) as entry:
        for _ in range(megabytes):
            entry.write(chunk)
    return buffer.getvalue()


def _gzip_bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as bomb:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(megabytes):
            bomb.write(chunk)
    return buffer.getvalue()


def test_decompression_bombs_are_stored_and_exported_unexpanded(
    app: Flask, target, backend: str, figures, only_first_backend
) -> None:
    import hashlib
    import tracemalloc

    case, client = target
    megabytes = scale(200, 2048, "ASSURE_BOMB_MB")
    inner = _zip_bomb(8)
    bombs = {
        f"ZIP of {megabytes} MB of zeros": (_zip_bomb(megabytes), "chat-export.zip"),
        f"GZIP of {megabytes} MB of zeros (a 'WARC')": (_gzip_bomb(megabytes), "capture.warc.gz"),
        "ZIP of ZIPs": (_nested(inner), "nested.zip"),
    }
    wrong = []
    for label, (content, name) in bombs.items():
        response = _upload(client, case, [(content, name)])
        assert response.status_code == 302, f"{label}: refused"
        item = _latest()
        if item.size != len(content) or item.sha256 != hashlib.sha256(content).hexdigest():
            wrong.append(f"{label}: not stored as uploaded ({item.size} bytes)")
        figures.add("uploads", "bomb_cases", 1, backend)
        figures.set("uploads", "bomb_expanded_megabytes", megabytes)
    tracemalloc.start()
    response = client.get(f"/cases/{case.id}/evidence/export")
    bundle = response.get_data()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    uploaded = sum(len(content) for content, _ in bombs.values())
    if len(bundle) > uploaded + 256 * 1024:
        wrong.append(f"export is {len(bundle):,} bytes for {uploaded:,} bytes uploaded")
    archive = zipfile.ZipFile(io.BytesIO(bundle))
    for (label, (content, _)), info in zip(
        bombs.items(),
        [i for i in archive.infolist() if i.filename.startswith("files/")],
        strict=True,
    ):
        if info.file_size != len(content) or archive.read(info.filename) != content:
            wrong.append(f"{label}: exported as {info.file_size:,} bytes, not as uploaded")
    figures.set("uploads", "export_bytes_for_bombs", len(bundle))
    figures.set("uploads", "uploaded_bytes_for_bombs", uploaded)
    figures.set("uploads", "export_peak_python_memory_mb", round(peak / 1024 / 1024, 1))
    if peak > 64 * 1024 * 1024:
        wrong.append(f"export used {peak / 1024 / 1024:.0f} MB of memory")
    figures.add("uploads", "bombs_expanded", len(wrong), backend)
    assert wrong == []


def _nested(inner: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as outer:
        for n in range(10):
            outer.writestr(f"layer{n}.zip", inner)
    return buffer.getvalue()


# ---- the import path ------------------------------------------------------------------------

from .findings import finding  # noqa: E402


def _xlsx_bomb(megabytes: int) -> bytes:
    """A valid workbook (header and one good row) plus one cell of `megabytes` MB."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["reference", "force", "received_date", "subject_role"])
    sheet.append(["HIST/1", "WMP", "2020-01-01", "pcso"])
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = b'<row r="3"><c r="A3" t="inlineStr"><is><t>'
                cell += b"A" * (megabytes * 1024 * 1024) + b"</t></is></c></row>"
                data = data.replace(b"</sheetData>", cell + b"</sheetData>")
            archive.writestr(info, data)
    return bomb.getvalue()


@finding("F7")
def test_xlsx_import_bomb_is_refused_before_it_expands(
    app: Flask, make_user, make_force, only_first_backend
) -> None:
    import tracemalloc

    client = signed_in_client(app, make_user("psd_head", forces=[make_force("WMP")]))
    content = _xlsx_bomb(150)
    assert len(content) < 200_000  # a small file...
    response = client.post(
        "/imports",
        data={
            "file": (io.BytesIO(content), "history.xlsx"),
            "csrf_token": csrf(client, "/imports"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    tracemalloc.start()
    try:
        client.get("/imports/preview")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"checking a {len(content):,}-byte file took {peak >> 20} MB"
