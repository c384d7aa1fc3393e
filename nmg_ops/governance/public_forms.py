"""The form of a consultation's public page: the survey's questions, who answers, and the brakes on
programs (a field people never see, and the signed time the page was shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import Form, strip
from ..models import ITALIAN_REGIONS, PublicCapacity, Survey
from ..news.subscription_forms import deliverable
from .consultation_forms import answer_form


class _AboutYou(Form):
    capacity = RadioField(
        _l("You answer as"),
        # Called when the form is built, so that the labels are in the reader's language.
        choices=lambda: [SelectChoice(capacity.value, capacity.label) for capacity in PublicCapacity],
        validators=[InputRequired(_l("Say in which capacity you answer."))],
    )
    region = SelectField(
        _l("Your region"),
        choices=[SelectChoice("", _l("None, or outside Italy"))]
        + [SelectChoice(region, region) for region in ITALIAN_REGIONS],
        validators=[Optional()],
    )
    email = EmailField(
        _l("Your e-mail address"),
        filters=[strip],
        validators=[DataRequired(), Length(max=320), deliverable],
        description=_l(
            "We send a link there: your answer counts once you follow it. A later confirmed answer from "
            "the same address replaces this one."
        ),
    )
    #: left empty by people, who never see it; programs that fill every field give themselves away
    website = StringField(_l("Leave this field empty"), filters=[strip])
    shown = HiddenField()

    @property
    def is_from_a_program(self) -> bool:
        return bool(self.website.data)


def public_answer_form(survey: Survey, shown: str | None = None) -> Form:
    """The survey's questions, then the respondent's capacity, region and address."""
    return answer_form(survey, {}, base=_AboutYou, shown=shown)


class ConfirmAnswerForm(Form):
    submit = SubmitField(_l("Confirm my answer"))


class WithdrawAnswerForm(Form):
    submit = SubmitField(_l("Withdraw my answer"))
