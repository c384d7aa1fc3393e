"""What the meetings tell the domains built on them, which this package never imports.

The calendar mails invitees and the minutes are written of meetings, so both import the meetings; for the
meetings to reach them back, they connect to these signals when the application loads its blueprints.
A signal's sender is always the meeting.
"""

from __future__ import annotations

from typing import Any

from blinker import NamedSignal, Namespace

_signals = Namespace()

#: an `Announcement` was committed (`announcement_id`): the invitees are to be told of the meeting as it
#: now is. The calendar mails it once the answer has gone; the scheduler mails any left pending.
announced = _signals.signal("announced")
#: an invitation (`removed`) is about to be deleted, in the transaction that deletes it: the calendar
#: queues the person a cancellation while their address is still known.
invitee_removed = _signals.signal("invitee-removed")
#: the meeting's page is shown (with `now`, and `manages` for an organiser): each receiver returns the
#: template values it adds, the minutes' link and the other times invitees proposed.
meeting_page = _signals.signal("meeting-page")
#: the agenda's editing page is shown (with `editable`): each receiver returns the template values it
#: adds, the open actions of earlier meetings to carry over.
agenda_page = _signals.signal("agenda-page")


def page_values(signal: NamedSignal, meeting: Any, **details: Any) -> dict[str, Any]:
    """The template values the connected domains add to one of the meetings' pages."""
    values: dict[str, Any] = {}
    for _receiver, added in signal.send(meeting, **details):
        values.update(added)
    return values
