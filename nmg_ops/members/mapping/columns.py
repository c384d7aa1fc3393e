"""The columns of the mapping file and the words its cells use, in the B1MG's English."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ...models import Gender, MemberRole


class Column(StrEnum):
    """The columns of the mapping file, in the B1MG order; the names stay in English in every language."""

    WORKING_GROUP = "Working group"
    ROLE = "Role"
    STAKEHOLDER_TYPE = "Stakeholder type"
    INSTITUTION = "Institution"
    NAME = "Name"
    POSITION = "Position"
    GENDER = "Gender"
    REGION = "Region"
    CONTACT = "Contact"


# Without these a row cannot say who the member is and whom they represent. The other columns may be left
# out of a file: an absent column leaves that field of existing members as it is.
REQUIRED_COLUMNS = (Column.STAKEHOLDER_TYPE, Column.INSTITUTION, Column.NAME, Column.CONTACT)
COORDINATOR = "coordinator"
GENDER_NAMES = {
    Gender.FEMALE: "female",
    Gender.MALE: "male",
    Gender.NON_BINARY: "non-binary",
    Gender.UNDISCLOSED: "prefer not to say",
}


def describe_value(field_name: str, value: Any) -> str:
    """A value from a row's changes as the preview shows it."""
    if value is None or value == []:
        return "—"
    if field_name == "role":
        return MemberRole(value).label
    if field_name == "gender":
        return Gender(value).label
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


#: the file's column for each field in a row's changes, to name them in the preview
FIELD_COLUMNS = {
    "full_name": Column.NAME,
    "role": Column.ROLE,
    "organisation": Column.INSTITUTION,
    "position": Column.POSITION,
    "gender": Column.GENDER,
    "region": Column.REGION,
    "working_groups": Column.WORKING_GROUP,
}
