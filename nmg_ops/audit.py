"""Recording changes in the audit trail, in the same transaction as the change itself."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from flask_login import current_user

from .extensions import db
from .models import AuditAction, AuditEntry, AuditSubject


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def record(
    action: AuditAction | str,
    subject_type: AuditSubject | str,
    subject_id: int,
    label: str,
    changes: dict | None = None,
) -> None:
    """Add an entry for the signed-in member (or for the command line when nobody is signed in).

    Actions and subjects come from the two vocabularies; anything else is a programming error, refused
    here rather than shown raw in the trail."""
    action, subject_type = AuditAction(action).value, AuditSubject(subject_type).value
    actor_id = current_user.id if current_user and current_user.is_authenticated else None
    db.session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=label[:200],
            changes=changes or {},
        )
    )
