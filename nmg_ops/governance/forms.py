from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class TermForm(FlaskForm):
    member_id = SelectField(_l("Coordinator"), coerce=int, validators=[InputRequired()])
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


class WorkingGroupForm(FlaskForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save"))
