"""The case pack download: one GET that generates the PDF and its audit entry."""

from __future__ import annotations

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casetrack.auth.access import require
from casetrack.auth.permissions import Permission
from casetrack.auth.signin import require_recent_second_factor
from casetrack.casepack import service
from casetrack.cases.access import load_case
from casetrack.extensions import db

bp = Blueprint("casepack", __name__, url_prefix="/cases")


@bp.route("/<int:case_id>/pack.pdf")
@require(Permission.CASE_VIEW)
@require_recent_second_factor  # step-up (SPEC §16)
def download(case_id: int) -> ResponseReturnValue:
    # 404 (audited) for a case the user may not see; a view of the case like every page that
    # shows it (as the evidence bundle is), then the pack's own entry with the file's hash.
    case = load_case(case_id)
    pack, pdf = service.generate(case, current_user)
    db.session.commit()
    return Response(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{pack.filename}"'},
    )
