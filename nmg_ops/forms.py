"""Form pieces every package shares: the base form, input filters, and fields that refuse what the
database could not hold.

Every door into the data (web forms, the CSV import, the CLI, guest entry) applies the same field rules;
the rules on text live in `nmg_ops.text` so that the non-form doors call them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.datastructures import CombinedMultiDict, FileStorage, ImmutableMultiDict
from wtforms import DateField as _DateField
from wtforms import (
    Field,
    FieldList,
    FileField,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    ValidationError,
)
from wtforms import IntegerField as _IntegerField
from wtforms import SelectField as _SelectField
from wtforms.widgets import CheckboxInput, ListWidget, Select

from .text import is_single_line

#: ids are 64-bit signed integers in both databases; anything larger names no record
MAX_ID = 2**63 - 1
#: counts, positions and minutes in forms; far beyond any real value, well inside a 32-bit column
MAX_NUMBER = 2**31 - 1
#: dates the NMG can mean: a typo of year 20255 or 0202 is a mistake, not a plan
FIRST_YEAR, LAST_YEAR = 1900, 2199


class Form(FlaskForm):
    """The base of every form: a file sent where text is expected counts as nothing sent.

    Flask-WTF merges uploaded files into the form data; a text field handed a file would fail deep in a
    filter or a validator. Only file fields get files. The forms a request builds are kept for the page's
    error summary (`problems_on_page`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_request_context():
            g.setdefault("nmg_forms", []).append(self)

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)
            if data is None or not request.files:
                return data
            file_fields = {field.name for field in form._fields.values() if isinstance(field, FileField)}
            kept = [
                (key, value)
                for key, value in data.items(multi=True)
                if not isinstance(value, FileStorage) or key in file_fields
            ]
            return CombinedMultiDict([ImmutableMultiDict(kept)])


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def lenient(coerce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Read blank or unknown input as "not chosen": a stale or edited link still shows the page."""

    def wrapped(value: Any) -> Any:
        if value is None or value == "":
            return None
        try:
            return coerce(value)
        except (TypeError, ValueError):
            return None

    return wrapped


def blank_is_none(coerce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Read blank input as "not chosen"; unknown input still fails, so the form reports it."""

    def wrapped(value: Any) -> Any:
        return None if value is None or value == "" else coerce(value)

    return wrapped


def record_id(value: Any) -> int:
    """A record id from a form or a query string: ASCII digits within 64 bits, or ValueError.

    `int()` reads "٣" as 3 and "99999999999999999999" as a number no database column holds.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        raise ValueError(f"{value!r} is not a record id")
    if not 0 < number <= MAX_ID:
        raise ValueError(f"{value!r} is not a record id")
    return number


def page_number(value: Any) -> int:
    """A page of a list from `?page=`; anything unreadable is the first page, anything huge the last."""
    try:
        return min(record_id(value), MAX_NUMBER)
    except ValueError:
        return 1


def single_line(form: Any, field: Any) -> None:
    # Names end up in mail headers and calendar parameters, where a line break would forge more of them.
    if field.data and isinstance(field.data, str) and not is_single_line(field.data):
        raise ValidationError(_l("Use a single line."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _Select(Select):
    """WTForms' select with its plain options written directly: its writer of any attributes, called per
    option, took a tenth of a list page whose filters offer a hundred options (the same HTML)."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class SelectField(_SelectField):
    widget = _Select()


class DateField(_DateField):
    """A date within the years the NMG can mean."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, date) and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(
                _l("Give a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
            )


class IntegerField(_IntegerField):
    """A whole number that fits the database's integer columns."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str) and not valuelist[0].strip().isascii():
            self.data = None
            raise ValueError(_l("Not a valid integer value."))
        super().process_formdata(valuelist)
        if isinstance(self.data, int) and not -MAX_NUMBER <= self.data <= MAX_NUMBER:
            self.data = None
            raise ValueError(_l("This number is too large."))


@dataclass(frozen=True)
class Problem:
    """One error of a form, as the summary at the top of the page lists it."""

    #: the id of the control the summary links to; None for a hidden field (an expired form)
    target: str | None
    label: str
    message: str


def _fields(fields: Any) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _fields(field.form)
        elif isinstance(field, FieldList):
            yield from _fields(field)
        else:
            yield field


def _target(field: Field) -> str | None:
    if isinstance(field, HiddenField):
        return None
    # A group of radios or checkboxes has no control of its own id; its first option is where to go.
    if isinstance(field, RadioField | MultiCheckboxField):
        return f"{field.id}-0"
    return field.id


def _name_in_summary(field: Field) -> str:
    """What the summary calls a field: its short name where its label is a whole sentence (a consent's
    wording), and never a sentence's full stop before the colon that follows."""
    return str(getattr(field, "summary_name", None) or field.label.text).rstrip(" .")


def problems_on_page() -> list[Problem]:
    """Every error of the forms the request built, in the order of their fields.

    Routes also add errors after validation (`errors.show_on_form`), so the fields are read, not the
    forms' cached `errors`.
    """
    return [
        Problem(_target(field), _name_in_summary(field), str(message))
        for form in g.get("nmg_forms", [])
        for field in _fields(form)
        for message in field.errors
    ]
