"""The self-assessment's year selector and the coordinator's answer to one question."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import FIRST_YEAR, LAST_YEAR, Form, IntegerField, blank_is_none, record_id, strip
from .self_assessment.definitions import Question


class YearForm(Form):
    """`?year=` from the query string; a year out of range is refused, not replaced by another."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)])


class AnswerForm(Form):
    """One question's answer for one year; each question's form has the measure as its prefix."""

    #: ASCII digits only: `int()` would read "٢٠٢٥" as 2025
    year = HiddenField(
        filters=[blank_is_none(record_id)],
        validators=[InputRequired(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)],
    )
    choice = RadioField(_l("Answer"), validators=[InputRequired()])
    note = TextAreaField(
        _l("Note"),
        filters=[strip],
        validators=[Optional(), Length(max=1000)],
        description=_l("A short explanation, shown beside the answer."),
    )
    submit = SubmitField(_l("Save the answer"))


def answer_form(question: Question, **kwargs) -> AnswerForm:
    form = AnswerForm(prefix=question.measure.value, **kwargs)
    form.choice.label.text = str(question.label)
    form.choice.choices = [(choice.value, str(choice.label)) for choice in question.choices]
    return form
