"""Import every model so the metadata (and Alembic) sees the whole schema."""

from casetrack.audit.models import AuditEvent, AuditHead
from casetrack.auth.models import User, UserSession
from casetrack.org.models import Department, Force

__all__ = ["AuditEvent", "AuditHead", "Department", "Force", "User", "UserSession"]
