"""Dynamic management (动态管理): follow villages' stars through a stream of events.

events (input) → Monitor (state, periods, history) → backend (native | rete) decides stars
→ changes (output, with causes and explanations).
"""

from ..errors import MonitorError
from .backend import Capabilities, Fallback
from .changes import Change, ChangeKind, HistoryEntry, Trigger
from .events import (
    DEFAULT_INCIDENT_TYPES,
    Incident,
    IncidentType,
    IndicatorUpdate,
    Review,
    read_events,
)
from .monitor import Monitor
from .periods import Period

__all__ = [
    "DEFAULT_INCIDENT_TYPES",
    "Capabilities",
    "Change",
    "ChangeKind",
    "Fallback",
    "HistoryEntry",
    "Incident",
    "IncidentType",
    "IndicatorUpdate",
    "Monitor",
    "MonitorError",
    "Period",
    "Review",
    "Trigger",
    "read_events",
]
