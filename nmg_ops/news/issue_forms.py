"""Forms of the team's e-news pages: the editor, the preview's choices, the test mail, scheduling, sending."""

from __future__ import annotations

import wtforms
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
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
from ..i18n import language_name
from ..models import Language, NewsEdition, NewsIssue, NewsSection
from .editing import BODY_MAX, HEADING_MAX, SECTIONS_MAX, TITLE_MAX, SectionEdit, TextEdit
from .images import ALT_MAX, undescribed
from .languages import other_languages, title_in

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def _images_described(form: wtforms.Form, field: wtforms.Field) -> None:
    if undescribed(field.data):
        raise wtforms.ValidationError(
            _l(
                "Every picture needs words for readers who cannot see it: "
                "write them in the brackets, ![like this](…)."
            )
        )


def _other_language(form: wtforms.Form, field: wtforms.Field) -> None:
    if field.data not in other_languages():
        raise wtforms.ValidationError(_l("The editor was out of date. Your text is below: save it again."))


class TextForm(wtforms.Form):
    """A section in one of the group's other languages; an empty text means its readers get the group's."""

    language = HiddenField(validators=[_other_language])
    heading = StringField(_l("Heading"), filters=[strip], validators=[Length(max=HEADING_MAX), single_line])
    body = TextAreaField(
        _l("Text (Markdown)"), validators=[Length(max=BODY_MAX), _images_described], render_kw={"rows": 6}
    )


class TitleForm(wtforms.Form):
    language = HiddenField(validators=[_other_language])
    title = StringField(_l("Title"), filters=[strip], validators=[Length(max=TITLE_MAX), single_line])


class SectionForm(wtforms.Form):
    """One section in the editor; a sub-form: the editor's form carries the token and lists its errors."""

    section_id = HiddenField(filters=[blank_is_none(record_id)])
    heading = StringField(
        _l("Heading"), filters=[strip], validators=[DataRequired(), Length(max=HEADING_MAX), single_line]
    )
    body = TextAreaField(
        _l("Text (Markdown)"),
        validators=[Length(max=BODY_MAX), _images_described],
        render_kw={"rows": 8},
        description=_l("**bold**, *italic*, lists, [links](https://…), images as ![text](https://…)."),
    )
    members_only = BooleanField(_l("Members only (left out of the public edition)"))
    remove = BooleanField(_l("Remove this section (only when its text is empty)"))
    texts = FieldList(FormField(TextForm), max_entries=len(Language))


class IssueForm(Form):
    version = IntegerField(validators=[InputRequired()])
    title = StringField(
        _l("Title"), filters=[strip], validators=[DataRequired(), Length(max=TITLE_MAX), single_line]
    )
    titles = FieldList(FormField(TitleForm), max_entries=len(Language))
    sections = FieldList(FormField(SectionForm), max_entries=SECTIONS_MAX)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name_languages()

    def name_languages(self) -> None:
        """Each other language's fields say their language, so that a screen reader tells them apart."""
        for entry in self.titles:
            entry.form.title.label.text = _(
                "Title in %(language)s", language=language_name(entry.form.language.data)
            )
        for section in self.sections:
            for entry in section.form.texts:
                language = language_name(entry.form.language.data)
                entry.form.heading.label.text = _("Heading in %(language)s", language=language)
                entry.form.body.label.text = _("Text in %(language)s (Markdown)", language=language)

    @classmethod
    def of(cls, issue: NewsIssue) -> IssueForm:
        """The editor holding the issue as it is stored, with a place for each other language."""
        form = cls(formdata=None, version=issue.version, title=issue.title)
        for language in other_languages():
            form.titles.append_entry({"language": language, "title": title_in(issue, language)})
        for section in issue.sections:
            form.sections.append_entry(
                {
                    "section_id": section.id,
                    "heading": section.heading,
                    "body": section.body,
                    "members_only": section.members_only,
                    "texts": [_stored_text(section, language) for language in other_languages()],
                }
            )
        form.name_languages()
        return form

    def edits(self) -> list[SectionEdit]:
        return [
            SectionEdit(
                entry.form.section_id.data,
                entry.form.heading.data,
                entry.form.body.data or "",
                bool(entry.form.members_only.data),
                bool(entry.form.remove.data),
                tuple(
                    TextEdit(text.form.language.data, text.form.heading.data or "", text.form.body.data or "")
                    for text in entry.form.texts
                ),
            )
            for entry in self.sections
        ]

    def other_titles(self) -> dict[str, str]:
        return {entry.form.language.data: entry.form.title.data or "" for entry in self.titles}


def _stored_text(section: NewsSection, language: str) -> dict[str, str]:
    text = next((text for text in section.texts if text.language == language), None)
    return {
        "language": language,
        "heading": text.heading if text else "",
        "body": text.body if text else "",
    }


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


class ImageForm(Form):
    file = FileField(
        _l("Picture"),
        validators=[FileRequired()],
        description=_l(
            "PNG, JPEG or GIF. Wide pictures are made 1104 pixels wide; "
            "what the camera wrote in the file is left out."
        ),
    )
    alt = StringField(
        _l("What the picture shows"),
        filters=[strip],
        validators=[DataRequired(), Length(max=ALT_MAX), single_line],
        description=_l("Read aloud to people who cannot see it and shown where a mail app blocks pictures."),
    )
