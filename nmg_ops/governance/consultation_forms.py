"""The forms of the consultations: building a survey, adding a question, and the answer form, which is
built from the survey's own questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import DateField, Form, MultiCheckboxField, blank_is_none, record_id, single_line, strip
from ..models import QuestionKind, StakeholderType, Survey, SurveyAudience, SurveyQuestion, SurveyReach


def audience_labels() -> list[SelectChoice]:
    return [
        SelectChoice(SurveyAudience.ALL.value, _l("All members")),
        SelectChoice(SurveyAudience.WORKING_GROUP.value, _l("A working group")),
        SelectChoice(SurveyAudience.STAKEHOLDER_TYPE.value, _l("A stakeholder type")),
    ]


def reach_labels() -> list[SelectChoice]:
    return [
        SelectChoice(SurveyReach.MEMBERS.value, _l("Members only")),
        SelectChoice(SurveyReach.PUBLIC.value, _l("The public only, on a page open to everyone")),
        SelectChoice(SurveyReach.BOTH.value, _l("Members and the public")),
    ]


KIND_LABELS = {
    QuestionKind.SINGLE: _l("Single choice"),
    QuestionKind.MULTIPLE: _l("Multiple choice"),
    QuestionKind.SCALE: _l("Scale from 1 to 5"),
    QuestionKind.TEXT: _l("Free text"),
}


def kind_labels() -> list[SelectChoice]:
    return [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]


class SurveyForm(Form):
    title = StringField(
        _l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200), single_line]
    )
    description = TextAreaField(
        _l("Introduction"), filters=[strip], validators=[Optional(), Length(max=2000)]
    )
    reach = RadioField(
        _l("Open to"),
        choices=reach_labels,
        default=SurveyReach.MEMBERS.value,
        description=_l(
            "The public answers without an account and confirms by a link mailed to their address; one "
            "answer per address counts."
        ),
    )
    audience = RadioField(
        _l("Which members are asked"), choices=audience_labels, default=SurveyAudience.ALL.value
    )
    working_group_id = SelectField(
        _l("Working group"), coerce=blank_is_none(record_id), validators=[Optional()]
    )
    stakeholder_type = SelectField(_l("Stakeholder type"), validators=[Optional()])
    deadline_on = DateField(
        _l("Last day to answer"),
        validators=[InputRequired()],
        description=_l("Answers are accepted until the end of this day."),
    )
    is_anonymous = BooleanField(
        _l("Anonymous answers"),
        description=_l(
            "Chosen now for good. Anonymous answers are stored without any link to the member, "
            "cannot be changed once sent, and groups of fewer than 3 respondents show no results."
        ),
    )
    submit = SubmitField(_l("Create the survey"))

    def set_choices(self, groups: list[tuple[int, str]]) -> None:
        self.working_group_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(i, name) for i, name in groups
        ]
        self.stakeholder_type.choices = [SelectChoice("", "—")] + [
            SelectChoice(kind.value, kind.label) for kind in StakeholderType
        ]


class QuestionForm(Form):
    text = StringField(
        _l("Question"), filters=[strip], validators=[DataRequired(), Length(max=500), single_line]
    )
    kind = SelectField(_l("Kind of answer"), choices=kind_labels, default=QuestionKind.SINGLE.value)
    options = TextAreaField(
        _l("Choices"),
        filters=[strip],
        validators=[Optional(), Length(max=2000)],
        description=_l("One per line, for single and multiple choice."),
    )
    scale_low = StringField(
        _l("What 1 means"),
        filters=[strip],
        validators=[Optional(), Length(max=100), single_line],
        description=_l("For a scale: the words beside 1, such as “Not at all” (the default)."),
    )
    scale_high = StringField(
        _l("What 5 means"),
        filters=[strip],
        validators=[Optional(), Length(max=100), single_line],
        description=_l("For a scale: the words beside 5, such as “Completely” (the default)."),
    )
    is_required = BooleanField(_l("An answer is required"))
    submit = SubmitField(_l("Add the question"))


class QuestionEditForm(QuestionForm):
    submit = SubmitField(_l("Save the question"))

    @classmethod
    def of(cls, question: SurveyQuestion) -> QuestionEditForm:
        scale = question.kind is QuestionKind.SCALE
        written = [*(question.options or "").splitlines(), "", ""][:2] if scale else ["", ""]
        return cls(
            formdata=None,
            text=question.text,
            kind=question.kind.value,
            options=None if scale else question.options,
            scale_low=written[0],
            scale_high=written[1],
            is_required=question.is_required,
        )


def answer_form(survey: Survey, given: dict[int, list[str]], base: type[Form] = Form, **data) -> Form:
    """A form with one field per question, named q<question id>, filled with `given` answers; `base` adds
    its own fields (the public page's), `data` their values."""

    class AnswerForm(base):  # type: ignore[misc, valid-type]
        pass

    for question in survey.questions:
        validators = [InputRequired()] if question.is_required else [Optional()]
        label = question.text
        choices = [SelectChoice(choice, question.choice_label(choice)) for choice in question.choices]
        previous = given.get(question.id, [])
        if question.kind is QuestionKind.MULTIPLE:
            field = MultiCheckboxField(label, choices=choices, validators=validators, default=previous)
        elif question.kind is QuestionKind.TEXT:
            field = TextAreaField(
                label,
                filters=[strip],
                validators=[*validators, Length(max=2000)],
                default=previous[0] if previous else None,
            )
        else:
            field = RadioField(
                label, choices=choices, validators=validators, default=previous[0] if previous else None
            )
        setattr(AnswerForm, f"q{question.id}", field)
    AnswerForm.submit = SubmitField(_l("Send my answers"))
    return AnswerForm(**data)


def answer_values(survey: Survey, form: Form) -> dict[int, list[str]]:
    values: dict[int, list[str]] = {}
    for question in survey.questions:
        data = form[f"q{question.id}"].data
        if isinstance(data, list):
            values[question.id] = [str(v) for v in data]
        elif data:
            values[question.id] = [str(data)]
    return values


def readers_labels() -> list[SelectChoice]:
    return [
        SelectChoice("public", _l("Anyone: a public page, linked from the home page and the e-news")),
        SelectChoice("members", _l("The members only, signed in")),
    ]


class PublicationForm(Form):
    summary = TextAreaField(
        _l("Summary of the results"),
        filters=[strip],
        validators=[DataRequired(), Length(max=4000)],
        description=_l(
            "A few lines on what the answers say, in Markdown. Free-text answers are never published."
        ),
    )
    readers = RadioField(_l("Published to"), choices=readers_labels, default="members")
    submit = SubmitField(_l("Publish the results"))
