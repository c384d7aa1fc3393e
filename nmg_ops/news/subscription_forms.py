"""Forms of the subscription pages, the member's choice on the profile, and the team's import."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import Form, blank_is_none, single_line, strip
from ..models import Language, NewsSubscriber
from .addresses import BadAddress, normalised


def deliverable(form: Any, field: Any) -> None:
    """The address as stored: one spelling per mailbox, so that a second request (a second subscription, a
    second answer to a public consultation) finds the first."""
    if field.data:
        try:
            field.data = normalised(field.data)
        except BadAddress as exc:
            raise ValidationError(
                _l("This is not an e-mail address we can write to: %(reason)s", reason=str(exc))
            ) from exc


class SubscribeForm(Form):
    name = StringField(
        _l("Name (optional)"),
        filters=[strip],
        validators=[Length(max=NewsSubscriber.__table__.c.name.type.length), single_line],
    )
    email = EmailField(
        _l("E-mail"), filters=[strip], validators=[DataRequired(), Length(max=320), deliverable]
    )
    language = RadioField(
        _l("Language of the e-news"), coerce=blank_is_none(Language), validators=[InputRequired()]
    )
    #: the label is the consent's wording, set by the page and stored with the request
    consent = BooleanField(validators=[DataRequired(_l("Tick the box to subscribe."))])
    #: left empty by people, who never see it; programs that fill every field give themselves away
    website = StringField(_l("Leave this field empty"), filters=[strip])
    submit = SubmitField(_l("Subscribe"))

    def __init__(self, wording: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("language", Language.EN if str(get_locale()) == "en" else Language.IT)
        super().__init__(*args, **kwargs)
        self.consent.label.text = wording
        self.consent.summary_name = _l("Consent")
        self.language.choices = [(language.value, language.label) for language in Language]

    @property
    def is_from_a_program(self) -> bool:
        return bool(self.website.data)


class ConfirmForm(Form):
    submit = SubmitField(_l("Confirm my subscription"))


class UnsubscribeForm(Form):
    submit = SubmitField(_l("Unsubscribe"))


class EraseForm(Form):
    confirm = BooleanField(
        _l("Yes, erase my address and the record of my consent"),
        validators=[DataRequired(_l("Tick the box to erase your address."))],
    )
    submit = SubmitField(_l("Erase my address"))


class MembersEditionForm(Form):
    receive = BooleanField()
    save_news = SubmitField(_l("Save"))

    def __init__(self, label: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.receive.label.text = label


class ImportUploadForm(Form):
    file = FileField(
        _l("Subscriber list (CSV)"),
        validators=[
            FileRequired(_l("Choose the file to import.")),
            FileAllowed(["csv", "txt"], _l("Upload a .csv or .txt file.")),
        ],
    )
    submit = SubmitField(_l("Preview the import"))


class ImportConfirmForm(Form):
    content = HiddenField(validators=[DataRequired()])
