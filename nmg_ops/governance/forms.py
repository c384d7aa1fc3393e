from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import DateField, Form, IntegerField, lenient, record_id, strip
from ..member_picker import MemberField


class TermForm(Form):
    member_id = MemberField(
        _l("Coordinator"),
        scope="current",
        validators=[InputRequired()],
        description=_l("A current member: a name or an e-mail address."),
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(
        _l("Last day"),
        validators=[Optional()],
        description=_l("Leave empty for a term of one year."),
    )
    rotation_position = IntegerField(
        _l("Position in the rotation"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l("Leave empty for the next position."),
    )
    submit = SubmitField(_l("Add term"))


class WorkingGroupForm(Form):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class ProposalForm(Form):
    member_id = MemberField(_l("Next coordinator"), scope="current", validators=[InputRequired()])
    submit = SubmitField(_l("Propose"))


class ConfirmationForm(Form):
    decision_id = SelectField(
        _l("Confirmed by the decision"),
        coerce=lenient(record_id),
        validators=[Optional()],
        description=_l("Decisions of approved minutes, newest first: number, day and first words."),
    )
    note = TextAreaField(
        _l("Or a note, for a term that is not your own"),
        filters=[strip],
        validators=[Optional(), Length(max=1000)],
        description=_l("For example: confirmed by the coordination team by e-mail on 3 March."),
    )
    submit = SubmitField(_l("Confirm"))
