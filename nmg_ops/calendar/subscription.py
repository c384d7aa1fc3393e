"""How a member subscribes to their personal feed: the address each calendar app expects to be handed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class SubscribeLinks:
    """The feed's web address and the one-click subscriptions built on it."""

    https: str
    webcal: str
    google: str
    outlook: str
    outlook_365: str


def _query(**params: str) -> str:
    # Every reserved character is encoded: the feed address travels whole inside another address.
    return urlencode(params, safe="", quote_via=quote)


def subscribe_links(https_url: str, name: str) -> SubscribeLinks:
    """`webcal://` on the same host and path, and the add-from-web pages of Google Calendar and Outlook."""
    webcal = "webcal://" + https_url.split("://", 1)[1]
    outlook = _query(url=https_url, name=name)
    return SubscribeLinks(
        https=https_url,
        webcal=webcal,
        google="https://calendar.google.com/calendar/r?" + _query(cid=webcal),
        outlook="https://outlook.live.com/calendar/0/addfromweb?" + outlook,
        outlook_365="https://outlook.office.com/calendar/0/addfromweb?" + outlook,
    )
