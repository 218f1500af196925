"""The request class: evidence uploads stream into the evidence store's tmp/ and are hashed as
Werkzeug's multipart parser writes them, with their own size limit."""

from __future__ import annotations

from typing import IO, Any

from flask import Request, current_app, g

UPLOAD_ENDPOINT = "evidence.upload"


class CaseTrackRequest(Request):
    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        # Read before the view runs (CSRF parses the form), so it must be decided here.
        if self.endpoint == UPLOAD_ENDPOINT and current_app:
            return int(current_app.config["EVIDENCE_MAX_BYTES"])
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)  # type: ignore[attr-defined]

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        if self.endpoint != UPLOAD_ENDPOINT:
            return super()._get_file_stream(
                total_content_length, content_type, filename, content_length
            )
        from casetrack.evidence.service import store

        upload = store().new_upload()
        g.setdefault("evidence_uploads", []).append(upload)
        return upload  # type: ignore[return-value]


def discard_unplaced_uploads(_error: Any = None) -> None:
    """teardown_request: whatever was refused or failed leaves no file behind."""
    for upload in g.pop("evidence_uploads", []):
        upload.discard()
