"""Forms for scheduling meetings, filtering the meeting list and inviting people."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

# The plain date and number fields: the meeting rules (rules.checked_values) give the range messages a
# coordinator understands, "within 10 years", "at most 72 hours", for any value these parse.
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .. import clock
from ..forms import (
    Form,
    MultiCheckboxField,
    SelectField,
    blank_is_none,
    lenient,
    record_id,
    strip,
)
from ..models import Meeting, MeetingMode, MeetingType, Member, WorkingGroup
from .queries import MeetingFilter, When
from .rules import (
    DESCRIPTION_MAX,
    EMAIL_MAX,
    GUEST_NAME_MAX,
    TITLE_MAX,
    VENUE_MAX,
    VIDEO_URL_MAX,
    MeetingData,
    is_https_url,
)

#: browsers send HH:MM, or HH:MM:SS when a page asks for seconds
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


#: the attendee-list setting as the form sends it; blank follows the type (and the rule for guests)
_LISTS_ATTENDEES = {"": None, "yes": True, "no": False}


def lists_attendees_choice(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if value not in _LISTS_ATTENDEES:
        raise ValueError(f"{value!r} is not a choice")
    return _LISTS_ATTENDEES[value]


def https_only(form: Form, field: Any) -> None:
    # The service checks the same; checking here shows the mistake together with the form's other errors.
    if field.data and not is_https_url(field.data):
        raise ValidationError(_l("Use a secure web address starting with https://."))


class MeetingForm(Form):
    type_id = SelectField(_l("Type"), coerce=blank_is_none(record_id), validators=[InputRequired()])
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=TITLE_MAX)])
    day = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), format=TIME_FORMATS, validators=[InputRequired()])
    end_time = TimeField(
        _l("Ends at"),
        format=TIME_FORMATS,
        validators=[Optional()],
        description=_l("Empty: the duration below decides the end."),
    )
    end_day = DateField(
        _l("Last day"), validators=[Optional()], description=_l("Only for meetings over several days.")
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        validators=[Optional(), NumberRange(min=1)],
        render_kw={"min": 1, "inputmode": "numeric"},
        description=_l("Used when no end time is given; empty means the usual length for the type."),
    )
    mode = SelectField(_l("Mode"), coerce=blank_is_none(MeetingMode))
    venue = StringField(
        _l("Venue"),
        filters=[strip],
        validators=[Length(max=VENUE_MAX)],
        description=_l("The address; needed for onsite and hybrid meetings."),
    )
    video_url = URLField(
        _l("Video link"),
        filters=[strip],
        validators=[Length(max=VIDEO_URL_MAX), https_only],
        description=_l("The https:// link of the call; needed for online and hybrid meetings."),
    )
    is_public = BooleanField(_l("Public: every member sees it, and so will the public calendar"))
    lists_attendees = SelectField(
        _l("Names shown in the calendar invitation"),
        coerce=lists_attendees_choice,
        choices=[
            SelectChoice("", _l("As the type says; only the recipient when external guests are invited")),
            SelectChoice("yes", _l("Every invitee, with their e-mail address")),
            SelectChoice("no", _l("Only the recipient and the organiser")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[Length(max=DESCRIPTION_MAX)],
        description=_l("Purpose and practical notes. Markdown: **bold**, *italic*, lists, links."),
        render_kw={"rows": 6},
    )
    invite_all = BooleanField(_l("Invite all current members"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, types: list[MeetingType], is_new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type_id.choices = [("", _l("Choose…"))] + [
            (str(kind.id), kind.label if kind.is_active else _l("%(name)s (no longer used)", name=kind.label))
            for kind in types
        ]
        self.mode.choices = [("", _l("Usual for the type"))] + [(m.value, m.label) for m in MeetingMode]
        if not is_new:
            del self.invite_all

    def meeting_data(self) -> MeetingData:
        return MeetingData(
            type_id=self.type_id.data,
            title=self.title.data,
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            end_day=self.end_day.data,
            duration_minutes=self.duration_minutes.data,
            mode=self.mode.data,
            venue=self.venue.data or "",
            video_url=self.video_url.data or "",
            is_public=bool(self.is_public.data),
            description=self.description.data or "",
            lists_attendees=self.lists_attendees.data,
        )


def meeting_form_values(meeting: Meeting) -> dict[str, Any]:
    """The meeting as the form shows it: wall-clock times in the NMG's zone."""
    start = clock.local(meeting.starts_at)
    end = clock.local(meeting.ends_at)
    return {
        "type_id": meeting.type_id,
        "title": meeting.title,
        "day": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "end_day": end.date() if end.date() != start.date() else None,
        "mode": meeting.mode.value,
        "venue": meeting.venue,
        "video_url": meeting.video_url,
        "is_public": meeting.is_public,
        "description": meeting.description,
        "lists_attendees": meeting.lists_attendees,
    }


class MeetingFilterForm(Form):
    """The list's filters, read from the query string; unknown values are ignored, not refused."""

    class Meta:
        csrf = False

    when = HiddenField(filters=[lenient(When)])
    year = SelectField(_l("Year"), coerce=lenient(int))
    type = SelectField(_l("Type"), coerce=lenient(str))

    def load_options(self, types: list[MeetingType], years: list[int]) -> None:
        everything = _l("All")
        self.year.choices = [("", everything)] + [(str(year), str(year)) for year in years]
        self.type.choices = [("", everything)] + [(kind.code, kind.label) for kind in types]

    def criteria(self) -> MeetingFilter:
        self.validate()
        year = None if self.year.errors else self.year.data
        type_code = None if self.type.errors else self.type.data
        return MeetingFilter(when=self.when.data or When.UPCOMING, year=year, type_code=type_code or None)


class InviteAllForm(Form):
    submit = SubmitField(_l("Invite all current members"))


class InviteGroupForm(Form):
    group_id = SelectField(_l("Working group"), coerce=blank_is_none(record_id), validators=[InputRequired()])
    submit = SubmitField(_l("Invite the group's members"))

    def __init__(self, *args: Any, groups: list[tuple[WorkingGroup, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request, so the plain ngettext already speaks the reader's language.
        self.group_id.choices = [("", _l("Choose…"))] + [
            (
                str(group.id),
                ngettext(
                    "%(group)s (%(num)d member)",
                    "%(group)s (%(num)d members)",
                    size,
                    group=group.display_name,
                ),
            )
            for group, size in groups
        ]


class InviteMembersForm(Form):
    # Someone invited by another coordinator a moment ago is no longer offered; posting them is harmless.
    member_ids = MultiCheckboxField(_l("Members"), coerce=record_id, validate_choice=False)
    submit = SubmitField(_l("Invite the chosen members"))

    def validate_member_ids(self, field: Any) -> None:
        # Not DataRequired: it would mark every single box as required.
        if not field.data:
            raise ValidationError(_l("Choose at least one member."))

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member_ids.choices = [
            (member.id, f"{member.full_name} – {member.organisation.display_name}") for member in members
        ]


class InviteGuestForm(Form):
    name = StringField(
        _l("Guest's name"), filters=[strip], validators=[DataRequired(), Length(max=GUEST_NAME_MAX)]
    )
    email = EmailField(
        _l("Guest's e-mail"),
        filters=[strip],
        validators=[DataRequired(), Length(max=EMAIL_MAX), Email()],
    )
    submit = SubmitField(_l("Invite the guest"))
