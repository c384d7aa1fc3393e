from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form, lenient, record_id, single_line, strip
from ..models import DocumentKind, DocumentVisibility

_FILE_HELP = _l("PDF, Word (.docx), Excel (.xlsx) or OpenDocument text (.odt).")


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in DocumentKind]


def _visibility_choices() -> list[tuple[str, str]]:
    return [(visibility.value, visibility.label) for visibility in DocumentVisibility]


class NewDocumentForm(Form):
    title = StringField(
        _l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200), single_line]
    )
    kind = SelectField(_l("Kind"), choices=_kind_choices, validators=[DataRequired()])
    visibility = SelectField(
        _l("Who may read it"),
        choices=_visibility_choices,
        default=DocumentVisibility.TEAM.value,
        validators=[DataRequired()],
        description=_l("Members and the public read only approved versions; drafts stay with the team."),
    )
    file = FileField(_l("File"), validators=[FileRequired()], description=_FILE_HELP)
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Upload"))


class VersionForm(Form):
    file = FileField(_l("File"), validators=[FileRequired()], description=_FILE_HELP)
    note = TextAreaField(_l("What changed"), filters=[strip], validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Upload new version"))


class ApprovalForm(Form):
    meeting_id = SelectField(
        _l("Approved at the meeting"), coerce=lenient(record_id), validators=[Optional()]
    )
    note = TextAreaField(
        _l("Or a note by the coordinator"),
        filters=[strip],
        validators=[Optional(), Length(max=500)],
        description=_l("For example: approved by the coordination team by e-mail on 3 March."),
    )
    submit = SubmitField(_l("Approve"))


class VisibilityForm(Form):
    visibility = SelectField(_l("Who may read it"), choices=_visibility_choices, validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class MaterialDocumentForm(Form):
    document_id = SelectField(_l("Document of the library"), coerce=lenient(record_id), validate_choice=False)
    submit = SubmitField(_l("Add the document"))


class MaterialLinkForm(Form):
    url = StringField(_l("Link (https://…)"), filters=[strip], validators=[DataRequired(), Length(max=2000)])
    label = StringField(
        _l("What it is"), filters=[strip], validators=[DataRequired(), Length(max=200), single_line]
    )
    submit = SubmitField(_l("Add the link"))
