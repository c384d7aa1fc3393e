from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SearchField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from .. import clock
from ..forms import (
    DateField,
    Form,
    MultiCheckboxField,
    SelectField,
    blank_is_none,
    lenient,
    record_id,
    single_line,
    strip,
)
from ..models import Gender, Language, MemberRole, Organisation, StakeholderType, WorkingGroup
from .services import DirectoryFilter, DirectoryOptions, MemberData, OrganisationData, Status


def _choices(pairs: Iterable[tuple[Any, Any]], blank: Any = None) -> list[SelectChoice]:
    options = [SelectChoice(value="", label=str(blank))] if blank is not None else []
    return options + [SelectChoice(value=str(value), label=str(label)) for value, label in pairs]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(form: Form, field: Any) -> None:
    if field.data not in _zone_names():
        raise ValidationError(_l("Not a known time zone; choose one from the list."))


def _zone_choices() -> list[SelectChoice]:
    """Every IANA zone, Europe's first since the members are; the list groups them by region."""
    europe = sorted(zone for zone in _zone_names() if zone.startswith("Europe/"))
    elsewhere = sorted(_zone_names() - set(europe))
    return [SelectChoice(value=zone, optgroup=str(_l("Europe"))) for zone in europe] + [
        SelectChoice(value=zone, optgroup=str(_l("Rest of the world"))) for zone in elsewhere
    ]


class TimeZoneField(SelectField):
    """A time zone chosen from a list; a name the list does not hold is refused with `_known_zone`'s
    message rather than WTForms' generic one."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        super().__init__(
            label,
            choices=_zone_choices(),
            validate_choice=False,
            validators=[DataRequired(), Length(max=64), _known_zone],
            **kwargs,
        )


def _web_address(form: Form, field: Any) -> None:
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in {"http", "https"} or not parts.hostname or any(c.isspace() for c in field.data):
        raise ValidationError(_l("Use a web address starting with http:// or https://."))


def _default_timezone() -> str:
    return current_app.config["TIMEZONE"]


def _default_language() -> str:
    return current_app.config["DEFAULT_LANGUAGE"]


class DirectoryFilterForm(Form):
    """The directory's filters, read from the query string; unknown values are ignored, not refused."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=200)])
    stakeholder_type = SelectField(_l("Stakeholder type"), coerce=lenient(StakeholderType))
    organisation = SelectField(_l("Organisation"), coerce=lenient(record_id))
    working_group = SelectField(_l("Working group"), coerce=lenient(record_id))
    region = SelectField(_l("Region"), coerce=lenient(str))
    status = SelectField(_l("Status"), coerce=lenient(Status), default=Status.ACTIVE.value)

    def load_options(self, options: DirectoryOptions) -> None:
        everyone = _l("All")
        self.stakeholder_type.choices = _choices(((t.value, t.label) for t in StakeholderType), everyone)
        self.organisation.choices = _choices(
            ((o.id, o.display_name) for o in options.organisations), everyone
        )
        self.working_group.choices = _choices(
            ((g.id, g.display_name) for g in options.working_groups), everyone
        )
        self.region.choices = _choices(((r, r) for r in options.regions), everyone)
        self.status.choices = _choices(
            [
                (Status.ACTIVE, _l("Current members")),
                (Status.LEFT, _l("Former members")),
                (Status.ALL, _l("All")),
            ]
        )

    def filters(self) -> DirectoryFilter:
        self.validate()

        def value(field: Any) -> Any:
            return None if field.errors else field.data

        return DirectoryFilter(
            stakeholder_type=value(self.stakeholder_type),
            organisation_id=value(self.organisation),
            working_group_id=value(self.working_group),
            region=value(self.region),
            status=value(self.status) or Status.ACTIVE,
            search=value(self.q) or "",
        )


class MemberForm(Form):
    full_name = StringField(
        _l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=200), single_line]
    )
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Length(max=320), Email()])
    organisation_id = SelectField(
        _l("Organisation"), coerce=blank_is_none(record_id), validators=[InputRequired()]
    )
    position = StringField(_l("Position"), filters=[strip], validators=[Length(max=200), single_line])
    gender = SelectField(_l("Gender"), coerce=blank_is_none(Gender))
    region = StringField(_l("Region"), filters=[strip], validators=[Length(max=80), single_line])
    expertise = TextAreaField(
        _l("Expertise"), filters=[strip], validators=[Length(max=2000)], render_kw={"rows": 3}
    )
    role = SelectField(
        _l("Role in the group"), coerce=blank_is_none(MemberRole), validators=[InputRequired()]
    )
    working_group_ids = MultiCheckboxField(_l("Working groups"), coerce=record_id)
    is_coordination_team = BooleanField(_l("Member of the coordination team"))
    is_admin = BooleanField(_l("Administrator of this installation"))
    joined_on = DateField(
        _l("Joined on"), default=clock.today, validators=[Optional()], description=_l("Empty means today.")
    )
    language = SelectField(
        _l("Language"),
        coerce=blank_is_none(Language),
        default=_default_language,
        validators=[InputRequired()],
    )
    timezone = TimeZoneField(_l("Time zone"), default=_default_timezone)
    send_invitation = BooleanField(_l("Send the invitation to choose a password now"))
    submit = SubmitField(_l("Save"))

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        working_groups: list[WorkingGroup],
        may_set_admin: bool,
        is_new: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = _choices(
            (
                (o.id, o.display_name if o.is_active else _l("%(name)s (inactive)", name=o.display_name))
                for o in organisations
            ),
            _l("Choose…"),
        )
        self.working_group_ids.choices = _choices((g.id, g.display_name) for g in working_groups)
        self.gender.choices = _choices(((g.value, g.label) for g in Gender), "—")
        self.role.choices = _choices((r.value, r.label) for r in MemberRole)
        self.language.choices = _choices((lang.value, lang.label) for lang in Language)
        if not may_set_admin:
            del self.is_admin
        if not is_new:
            del self.send_invitation

    def member_data(self) -> MemberData:
        return MemberData(
            full_name=self.full_name.data,
            email=self.email.data,
            organisation_id=self.organisation_id.data,
            position=self.position.data,
            gender=self.gender.data,
            region=self.region.data,
            expertise=self.expertise.data,
            role=self.role.data,
            working_group_ids=list(self.working_group_ids.data or []),
            is_coordination_team=self.is_coordination_team.data,
            is_admin=bool(self.is_admin.data) if "is_admin" in self else False,
            joined_on=self.joined_on.data,
            language=self.language.data,
            timezone=self.timezone.data,
        )


class OrganisationForm(Form):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200), single_line])
    acronym = StringField(_l("Acronym"), filters=[strip], validators=[Length(max=40), single_line])
    stakeholder_type = SelectField(
        _l("Stakeholder type"), coerce=blank_is_none(StakeholderType), validators=[InputRequired()]
    )
    region = StringField(
        _l("Region"),
        filters=[strip],
        validators=[Length(max=80), single_line],
        description=_l("Leave empty for national bodies."),
    )
    website = URLField(_l("Web site"), filters=[strip], validators=[Length(max=300), _web_address])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stakeholder_type.choices = _choices(((t.value, t.label) for t in StakeholderType), _l("Choose…"))

    def organisation_data(self) -> OrganisationData:
        return OrganisationData(
            name=self.name.data,
            stakeholder_type=self.stakeholder_type.data,
            acronym=self.acronym.data,
            region=self.region.data,
            website=self.website.data,
        )


class PreferencesForm(Form):
    language = SelectField(_l("Language"), coerce=blank_is_none(Language), validators=[InputRequired()])
    timezone = TimeZoneField(_l("Time zone"))
    save_preferences = SubmitField(_l("Save preferences"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = _choices((lang.value, lang.label) for lang in Language)
