"""The self-assessment's year selector and the coordinator's answer to one question."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import FIRST_YEAR, LAST_YEAR, Form, IntegerField, strip
from .self_assessment.definitions import Question


class YearForm(Form):
    """`?year=` from the query string; a year out of range is refused, not replaced by another."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)])


def _year(value: Any) -> int | None:
    """A year given as ASCII digits (`int()` would read "٢٠٢٥" as 2025); anything else is no year, which
    the range check then refuses with its one message rather than a filter error beside it."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4:
        return int(value)
    return None


class AnswerForm(Form):
    """One question's answer for one year; each question's form has the measure as its prefix."""

    year = HiddenField(
        filters=[_year],
        validators=[
            InputRequired(),
            NumberRange(
                min=FIRST_YEAR, max=LAST_YEAR, message=_l("Give the year as four digits, for example 2025.")
            ),
        ],
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
