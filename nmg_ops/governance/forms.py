from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import DateField, Form, IntegerField, record_id, strip


class TermForm(Form):
    member_id = SelectField(_l("Coordinator"), coerce=record_id, validators=[InputRequired()])
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
