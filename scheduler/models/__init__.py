"""All tables; importing this package registers every table in ``SQLModel.metadata``."""

from scheduler.models.accounts import USER_ROLES, ApiToken, AuditEvent, User, UserZone
from scheduler.models.feeds import FeedCache
from scheduler.models.periodic import (
    LeaderLease,
    NotificationDelivery,
    PeriodicMark,
    PeriodicRun,
    ReminderOptIn,
    RollingPolicy,
    WorkerHeartbeat,
)
from scheduler.models.planning import (
    Absence,
    Cooperation,
    HistoryDuty,
    Person,
    PersonHistoryLoad,
    Pin,
    Preference,
    Role,
    ShiftOverride,
    Zone,
    ZoneHistoryLoad,
)
from scheduler.models.service import (
    Assignment,
    FeedToken,
    GenerationJob,
    RotaVersion,
)
from scheduler.models.swaps import (
    NotificationOutbox,
    SwapApproval,
    SwapDutyLock,
    SwapPolicy,
    SwapRequest,
)

__all__ = [
    "USER_ROLES",
    "Absence",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Cooperation",
    "FeedCache",
    "FeedToken",
    "GenerationJob",
    "HistoryDuty",
    "LeaderLease",
    "NotificationDelivery",
    "NotificationOutbox",
    "PeriodicMark",
    "PeriodicRun",
    "Person",
    "PersonHistoryLoad",
    "Pin",
    "Preference",
    "ReminderOptIn",
    "Role",
    "RollingPolicy",
    "RotaVersion",
    "ShiftOverride",
    "SwapApproval",
    "SwapDutyLock",
    "SwapPolicy",
    "SwapRequest",
    "User",
    "UserZone",
    "WorkerHeartbeat",
    "Zone",
    "ZoneHistoryLoad",
]
