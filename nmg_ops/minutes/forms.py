"""Forms of the minutes pages: the editor (one text per section) with the decision and the action added
in a section, comments, decisions, approval."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from ..forms import DateField, Form, IntegerField, lenient, record_id, single_line, strip
from ..member_picker import MembersField
from . import actions, comments, decisions, written_procedure
from .action_forms import OWNERS_HELP
from .sections import Section
from .writing import NOTE_MAX, SECTION_MAX

#: the editor names each text field after its section
SECTION_PREFIX = "section-"


def editor_form(layout: list[Section], *, erratum: bool = False) -> Form:
    """A text area per section, and the revision the writer started from."""

    class MinutesForm(Form):
        base = IntegerField(validators=[InputRequired()])

        def texts(self) -> dict[str, str]:
            return {
                name.removeprefix(SECTION_PREFIX): field.data or ""
                for name, field in self._fields.items()
                if name.startswith(SECTION_PREFIX)
            }

    if erratum:
        MinutesForm.reason = StringField(
            _l("What the erratum corrects"),
            filters=[strip],
            validators=[DataRequired(), Length(max=NOTE_MAX)],
        )
    for section in layout:
        setattr(
            MinutesForm,
            f"{SECTION_PREFIX}{section.key}",
            TextAreaField(
                f"{section.number}. {section.title}" if section.number else section.title,
                validators=[Length(max=SECTION_MAX)],
                default=section.text,
                # The section around it takes "section-<key>", the place the editor comes back to.
                id=f"text-{section.key}",
                render_kw={"rows": 6},
            ),
        )
    return MinutesForm()


class CommentForm(Form):
    section = HiddenField(validators=[DataRequired(), Length(max=40)])
    body = TextAreaField(
        _l("Your comment"),
        filters=[strip],
        validators=[DataRequired(), Length(max=comments.BODY_MAX)],
        render_kw={"rows": 3},
    )


class ReplyForm(Form):
    body = TextAreaField(
        _l("Your reply"),
        filters=[strip],
        validators=[DataRequired(), Length(max=comments.BODY_MAX)],
        render_kw={"rows": 3, "maxlength": comments.BODY_MAX},
    )


class SectionDecisionForm(Form):
    """A decision added in the editor; the address names the section."""

    text = TextAreaField(
        _l("Decision"),
        filters=[strip],
        validators=[DataRequired(), Length(max=decisions.TEXT_MAX)],
        render_kw={"rows": 2},
    )


class DecisionForm(SectionDecisionForm):
    section = HiddenField(validators=[DataRequired(), Length(max=40)])


class SectionActionForm(Form):
    """An action added in the editor, in the section it was agreed in (the address names it)."""

    title = StringField(
        _l("What is to be done"),
        filters=[strip],
        validators=[DataRequired(), Length(max=actions.TITLE_MAX), single_line],
    )
    owners = MembersField(
        _l("Owners"),
        scope="current",
        description=OWNERS_HELP,
    )
    is_team_owned = BooleanField(_l("The coordination team owns it"))
    due_on = DateField(_l("Due on"), validators=[Optional()], description=_l("Empty: as soon as possible."))

    def action_data(self, meeting_id: int, agenda_item_id: int | None, section: str) -> actions.ActionData:
        return actions.ActionData(
            title=self.title.data or "",
            owner_ids=list(self.owners.data or []),
            is_team_owned=bool(self.is_team_owned.data),
            due_on=self.due_on.data,
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
            section=section,
        )


class CirculateForm(Form):
    """Carries the circulation number the page showed, so that a second click sends nothing."""

    circulation = IntegerField(validators=[InputRequired()])


def approval_form(choices: list[tuple[int, str]], *, by_team: bool, changed_to: int | None) -> Form:
    """The approving meeting among those that may have approved; "not at a meeting" only where the
    coordination team approves; when the minutes changed after circulation, the approver's knowing
    consent to the revision shown."""
    first = [SelectChoice("", str(_l("Not at a meeting (coordination team)")))] if by_team else []

    class ApprovalForm(Form):
        at_meeting = SelectField(
            _l("Approved at"),
            choices=[*first, *(SelectChoice(str(value), label) for value, label in choices)],
            coerce=lenient(record_id),
            validators=[Optional()],
        )
        approved_on = DateField(_l("Day of approval"), validators=[Optional()])
        #: the revision the approver saw
        revision = IntegerField(validators=[Optional()])

    if changed_to is not None:
        ApprovalForm.knowingly = BooleanField(
            _l("Approve revision %(number)d, with the changes shown above", number=changed_to)
        )
    return ApprovalForm()


class StartProcedureForm(Form):
    deadline_on = DateField(_l("Last day to object"), validators=[InputRequired()])


class ProcedureAnswerForm(Form):
    """Agree or object: the button pressed, and the reason for an objection."""

    choice = StringField(validators=[AnyOf(["agree", "object"])])
    reason = TextAreaField(
        _l("Why you object"), filters=[strip], validators=[Length(max=written_procedure.REASON_MAX)]
    )
