"""E-news addresses: one spelling per mailbox, so that one address gets one mail per issue."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class BadAddress(ValueError):
    """Not an address mail can be sent to; the message says why, for the person who typed it."""


def normalised(address: str) -> str:
    """The address as stored and compared: validated, Unicode-normalised, lower-cased.

    Lower-casing the local part too is what every provider our subscribers use does in practice; two
    spellings of one mailbox must not be two subscribers receiving two copies.
    """
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise BadAddress(str(exc)) from exc
