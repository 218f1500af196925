"""A case's evidence as one ZIP, streamed: the files, a manifest (CSV and JSON) and the custody
log. Every file is verified before the first byte is sent and hashed again as it is streamed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from zipfile import ZIP_DEFLATED, ZIP_STORED

from zipstream import ZipStream

from casetrack.evidence.models import CORRECTABLE, EvidenceItem
from casetrack.evidence.service import details_of
from casetrack.evidence.storage import Store
from casetrack.spreadsheets import safe_cell


class AlteredDuringExport(Exception):
    """A file's bytes changed after it was verified: the stream is cut short on purpose."""


def arcname(item: EvidenceItem) -> str:
    return f"files/{item.id:06d}-{item.original_filename}"


def _verified_chunks(store: Store, item: EvidenceItem) -> Iterator[bytes]:
    digest = hashlib.sha256()
    for chunk in store.chunks(item.storage_name):
        digest.update(chunk)
        yield chunk
    if digest.hexdigest() != item.sha256:
        raise AlteredDuringExport(item.id)


def manifest_rows(items: Sequence[EvidenceItem]) -> list[dict[str, object]]:
    rows = []
    for item in items:
        rows.append(
            {
                "item": item.id,
                "file": None if item.withdrawn else arcname(item),
                "original_filename": item.original_filename,
                "sha256": item.sha256,
                "size": item.size,
                "media_type": item.media_type,
                "uploaded_by": item.uploaded_by_name,
                "uploaded_at": item.uploaded_at.isoformat(),
                "withdrawn": item.withdrawn,
                "withdrawn_reason": item.withdrawn_reason,
                **{field: _plain(value) for field, value in details_of(item).items()},
            }
        )
    return rows


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _csv(rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def custody_rows(items: Sequence[EvidenceItem]) -> list[dict[str, object]]:
    return [
        {
            "item": item.id,
            "at": event.at.isoformat(),
            "who": event.actor_name,
            "action": event.action,
            "sha256": event.sha256,
            "note": event.note,
        }
        for item in items
        for event in item.custody
    ]


def bundle(store: Store, reference: str, items: Sequence[EvidenceItem]) -> ZipStream:
    """The ZIP as a lazy stream; building it reads each file once, in chunks."""
    stream = ZipStream(compress_type=ZIP_STORED, sized=False)
    for item in items:
        if not item.withdrawn:
            stream.add(_verified_chunks(store, item), arcname(item))
    manifest = manifest_rows(items)
    stream.add(_csv(manifest), "manifest.csv", compress_type=ZIP_DEFLATED)
    stream.add(
        json.dumps(
            {"case": reference, "fields": list(CORRECTABLE), "items": manifest},
            indent=2,
            default=str,
        ).encode(),
        "manifest.json",
        compress_type=ZIP_DEFLATED,
    )
    stream.add(_csv(custody_rows(items)), "custody-log.csv", compress_type=ZIP_DEFLATED)
    return stream
