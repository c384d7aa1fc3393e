"""Forms of the team's e-news pages: the editor, the preview's choices, the test mail, scheduling, sending."""

from __future__ import annotations

import wtforms
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import DateField, Form, IntegerField, blank_is_none, record_id, single_line, strip
from ..models import Language, NewsEdition
from .editing import BODY_MAX, HEADING_MAX, SECTIONS_MAX, TITLE_MAX, SectionEdit

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class SectionForm(wtforms.Form):
    """One section in the editor; a sub-form: the editor's form carries the token and lists its errors."""

    section_id = HiddenField(filters=[blank_is_none(record_id)])
    heading = StringField(
        _l("Heading"), filters=[strip], validators=[DataRequired(), Length(max=HEADING_MAX), single_line]
    )
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[Length(max=BODY_MAX)],
        render_kw={"rows": 8},
        description=_l("**bold**, *italic*, lists, [links](https://…), images as ![text](https://…)."),
    )
    members_only = BooleanField(_l("Members only (left out of the public edition)"))
    remove = BooleanField(_l("Remove this section (only when its text is empty)"))


class IssueForm(Form):
    version = IntegerField(validators=[InputRequired()])
    title = StringField(
        _l("Title"), filters=[strip], validators=[DataRequired(), Length(max=TITLE_MAX), single_line]
    )
    sections = FieldList(FormField(SectionForm), max_entries=SECTIONS_MAX)

    def edits(self) -> list[SectionEdit]:
        return [
            SectionEdit(
                entry.form.section_id.data,
                entry.form.heading.data,
                entry.form.body.data or "",
                bool(entry.form.members_only.data),
                bool(entry.form.remove.data),
            )
            for entry in self.sections
        ]


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, Language(code).label) for code in current_app.config["LANGUAGES"]]


EDITION_CHOICES = [
    SelectChoice(NewsEdition.MEMBERS.value, _l("Members' edition")),
    SelectChoice(NewsEdition.PUBLIC.value, _l("Public edition")),
]


class PreviewForm(Form):
    """The preview's choices, from the query string."""

    class Meta:
        csrf = False

    edition = SelectField(_l("Edition"), choices=EDITION_CHOICES, default=NewsEdition.MEMBERS.value)
    language = SelectField(_l("Language"))
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice("html", _l("HTML")), SelectChoice("text", _l("Plain text"))],
        default="html",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()
        if not self.language.data:
            self.language.data = current_app.config["DEFAULT_LANGUAGE"]


class TestMailForm(Form):
    addresses = TextAreaField(
        _l("Send to"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 2},
        description=_l("Up to five addresses, separated by commas or one a line."),
    )
    edition = SelectField(
        _l("Edition"),
        choices=EDITION_CHOICES,
        default=NewsEdition.MEMBERS.value,
        validators=[InputRequired()],
    )
    language = SelectField(_l("Language"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = _language_choices()


class ScheduleForm(Form):
    send_on = DateField(_l("Send on"), validators=[InputRequired()])
    send_at = TimeField(_l("At"), format=TIME_FORMATS, validators=[InputRequired()])


class SendNowForm(Form):
    confirm = BooleanField(validators=[Optional()])
