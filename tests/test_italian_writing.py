"""Italian as Italians write it: elided articles before numbers and NMG, plural forms from the catalogue,
dates in words, never an English word or an ISO date in Italian text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext
from markupsafe import Markup

from nmg_ops import clock
from nmg_ops.elision import elide
from nmg_ops.extensions import db
from nmg_ops.meetings import cadence
from nmg_ops.minutes import matters_arising
from nmg_ops.models import ActionItem, MeetingStatus


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("fino al 8 dicembre", "fino all'8 dicembre"),
        ("entro il 11 marzo", "entro l'11 marzo"),
        ("presenti al 80 %", "presenti all'80 %"),
        ("dal 8 al 18 maggio", "dall'8 al 18 maggio"),
        ("Il 8 maggio", "L'8 maggio"),
        ("del NMG", "dell'NMG"),
        ("la e-news del IT NMG", "la e-news dell'IT NMG"),
        ("i bandi del Italian National Mirror Group", "i bandi dell'Italian National Mirror Group"),
        ("del Servizio sanitario e il Umbria", "del Servizio sanitario e l'Umbria"),
        ("entro il 1 marzo, il 18, il 110 e il 19", "entro il 1 marzo, il 18, il 110 e il 19"),
        ("al 11.500 e al 8,5", "all'11.500 e all'8,5"),
    ],
)
def test_articles_before_a_vowel_sound_are_elided_in_italian(app, written, expected):
    with app.test_request_context(), force_locale("it"):
        assert elide(written) == expected
    with app.test_request_context(), force_locale("en"):
        assert elide(written) == written


def test_translations_come_out_elided_in_code_and_in_templates_and_stay_markup(app):
    with app.test_request_context(), force_locale("it"):
        assert gettext("Answers accepted until %(deadline)s.", deadline="8 dicembre") == (
            "Risposte accettate fino all'8 dicembre."
        )
        page = render_template_string(
            "{{ _('Answers accepted until %(deadline)s.', deadline=day) }}", day="<b>11</b> maggio"
        )
        assert page == "Risposte accettate fino al &lt;b&gt;11&lt;/b&gt; maggio."
        page = render_template_string(
            "{{ _('Answers accepted until %(deadline)s.', deadline=day) }}", day="11 maggio"
        )
        assert page == "Risposte accettate fino all'11 maggio."
        assert isinstance(elide(Markup("il <b>8</b>")), Markup)


def _at(year: int, month: int) -> datetime:
    return datetime(year, month, 3, 9, 0, tzinfo=UTC)


def test_cadence_shortfalls_use_the_plural_forms(app, make_meeting):
    year = clock.today().year - 1
    make_meeting("plenary", starts_at=_at(year, 3), status=MeetingStatus.HELD)
    with app.test_request_context(), force_locale("it"):
        (entry,) = cadence.cadence([year], clock.now())
        warnings = [str(warning) for warning in entry.warnings]
    assert f"{year} – Riunione plenaria: solo 1 svolta su 6 concordate." in warnings
    assert f"{year} – Riunione tematica: nessuna svolta su 3 concordate." in warnings


def test_matters_arising_give_the_deadline_in_the_readers_words(app, people, make_meeting):
    held = make_meeting("thematic", starts_at=clock.now().replace(year=2025), status=MeetingStatus.HELD)
    action = ActionItem(
        title="Mappare i registri", owners=[people["member"]], meeting_id=held.id, due_on=date(2025, 3, 31)
    )
    db.session.add(action)
    db.session.commit()
    with app.test_request_context(), force_locale("it"):
        line = matters_arising._arising_line(action, clock.today())
    assert "scadenza 31 mar 2025" in line
    assert "due" not in line and "2025-03-31" not in line
