"""Import every model so the metadata (and Alembic) sees the whole schema."""

from casetrack.audit.models import AuditEvent, AuditHead
from casetrack.auth.models import (
    ExternalIdentity,
    RecoveryCode,
    SecondFactor,
    User,
    UserSession,
)
from casetrack.cases.models import (
    Case,
    CaseCategory,
    CaseEvent,
    CaseInterimMeasure,
    CasePlatform,
    CaseRiskFlag,
    Investigation,
    InvestigationStandard,
    PccNotification,
    Person,
    ReferenceCounter,
)
from casetrack.evidence.models import CustodyEvent, EvidenceCorrection, EvidenceItem
from casetrack.org.models import Department, Force
from casetrack.queues.models import EmailOptOut, Notification, Task

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Case",
    "CaseCategory",
    "CaseEvent",
    "CaseInterimMeasure",
    "CasePlatform",
    "CaseRiskFlag",
    "CustodyEvent",
    "EvidenceCorrection",
    "EmailOptOut",
    "EvidenceItem",
    "ExternalIdentity",
    "Department",
    "Force",
    "Investigation",
    "Notification",
    "InvestigationStandard",
    "PccNotification",
    "Person",
    "RecoveryCode",
    "ReferenceCounter",
    "SecondFactor",
    "Task",
    "User",
    "UserSession",
]
