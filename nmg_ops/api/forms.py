from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import Form, single_line, strip


class ApiTokenForm(Form):
    name = StringField(
        _l("Name of the new token"),
        filters=[strip],
        validators=[DataRequired(), Length(max=100), single_line],
        description=_l("What it is for, to tell your tokens apart: “my spreadsheet”."),
    )
    #: not `submit`: the profile, where this form stands, has another form with that field
    create_token = SubmitField(_l("Create a token"))
