"""The B1MG measures: the traffic lights, what a measure shows, and the questions the coordinator answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from ...models import AnsweredMeasure, SelfAssessmentAnswer


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    UNANSWERED = "unanswered"

    @property
    def label(self) -> str:
        return str(
            {
                Light.GREEN: _l("Met"),
                Light.AMBER: _l("Partly met"),
                Light.RED: _l("Not met"),
                Light.UNANSWERED: _l("Not answered"),
            }[self]
        )

    @property
    def icon(self) -> str:
        return {Light.GREEN: "✓", Light.AMBER: "!", Light.RED: "✗", Light.UNANSWERED: "?"}[self]


class Source(StrEnum):
    DATA = "data"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return str(
            {Source.DATA: _l("From the data"), Source.COORDINATOR: _l("Answered by the coordinator")}[self]
        )


#: the B1MG recommendation of each measure, short: the self-assessment and the partnership view show it
#: beside the measure
RECOMMENDATIONS: dict[str, LazyString] = {
    "stage": _l(
        "Operational: the NMG is filled with nominated experts and has an operational governance "
        "structure. A group that calls itself operational should check its governance, nomination "
        "process and communication are really in place."
    ),
    "composition": _l(
        "The most common composition is 10 to 20 experts, depending on the national configuration."
    ),
    "gender": _l("Adequate gender balance."),
    "regions": _l("A wide geographical representation in the country."),
    "stakeholders": _l(
        "Representatives of all ten stakeholder types; include patient organisations and industry, and "
        "balance scientific and clinical communities."
    ),
    "coordinator": _l(
        "A coordinator leads the NMG, in clear coordination with the country's representative in the "
        "partnership; profiles and contacts are defined and made known."
    ),
    "contact_point": _l(
        "A national contact point assists the coordinator as the first contact for the national "
        "experts and other stakeholders."
    ),
    "terms_of_reference": _l(
        "Terms of reference secure the NMG's mandate: objectives, tasks, and procedures for nomination, "
        "governance, communication and funding."
    ),
    "communication_enews": _l(
        "Have a communication strategy that reaches members and national stakeholders, such as a "
        "national newsletter; the NMG agreed a monthly e-news."
    ),
    "communication_meetings": _l(
        "Meetings of the NMG itself, apart from the European working groups' meetings, keep the group "
        "active and feeding back to the partnership."
    ),
    "national_activities": _l(
        "Organise activities with the NMG at national level, such as meetings, workshops or a symposium."
    ),
    "working_groups": _l(
        "Appoint representation in all the working groups, for permanent feedback and coordination "
        "between the groups and the national level."
    ),
}


@dataclass(frozen=True)
class Measure:
    """One B1MG measure for one year: the NMG's answer, the recommendation, and the light."""

    key: str
    label: str
    #: the B1MG recommendation, short
    recommendation: str
    #: the answer in a few words ("14 experts", "Approved on 3 March 2025")
    value: str
    #: why, in a sentence
    explanation: str
    source: Source
    light: Light
    #: how the light is decided, shown beside it
    rule: str
    #: the coordinator's stored answer, for the measures the coordinator answers
    answer: SelfAssessmentAnswer | None = None


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    light: Light


@dataclass(frozen=True)
class Question:
    """A measure the data cannot tell: the coordinator picks one of fixed choices and may add a note."""

    measure: AnsweredMeasure
    label: str
    recommendation: str
    rule: str
    choices: tuple[Choice, ...]
    #: the choice that needs the note to be green
    explained_by_note: str | None = None

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


QUESTIONS: dict[AnsweredMeasure, Question] = {
    AnsweredMeasure.ORGANISATIONAL_MODEL: Question(
        AnsweredMeasure.ORGANISATIONAL_MODEL,
        _l("Organisational model"),
        _l(
            "Look at the B1MG models and choose the one that works best for the country; “starting to set "
            "up” is normally an intermediate stage towards a fully functional NMG."
        ),
        _l(
            "Green for an established model, or another model explained in the note; amber for the "
            "intermediate model or another model left unexplained."
        ),
        (
            Choice(
                "small_country",
                _l(
                    "“Small countries with National Genomics Strategy”: a core group, an operational group "
                    "and an open forum"
                ),
                Light.GREEN,
            ),
            Choice(
                "big_country",
                _l("“Big countries with National Health Service System”: a group for each working group"),
                Light.GREEN,
            ),
            Choice(
                "starting",
                _l("“Countries starting to set up their NMGs”: one group of national representatives"),
                Light.AMBER,
            ),
            Choice("other", _l("Another model (explain it in the note)"), Light.GREEN),
        ),
        explained_by_note="other",
    ),
    AnsweredMeasure.NOMINATION_PROCESS: Question(
        AnsweredMeasure.NOMINATION_PROCESS,
        _l("Expert nomination process"),
        _l(
            "Develop a way to add experts chosen for knowledge and experience, and for their motivation and "
            "availability; a ministry appoints them, or the coordinators nominate and the contact point "
            "approves."
        ),
        _l("Green for a defined process; amber for joining on invitation only; red for none."),
        (
            Choice("ministry", _l("A ministry appoints the experts"), Light.GREEN),
            Choice(
                "coordinators",
                _l("The coordinators nominate experts and the national contact point approves them"),
                Light.GREEN,
            ),
            Choice("invitation", _l("Experts join on invitation, with no written process"), Light.AMBER),
            Choice("none", _l("No nomination process yet"), Light.RED),
        ),
    ),
    AnsweredMeasure.FUNDING: Question(
        AnsweredMeasure.FUNDING,
        _l("Financial support"),
        _l(
            "Seek continuous funding of the NMG's work by the country: staff in charge of its management, "
            "or incentives that increase the experts' engagement."
        ),
        _l("Green for dedicated funding; amber for in-kind contributions only; red for none."),
        (
            Choice("dedicated", _l("Dedicated funding (management staff or incentives)"), Light.GREEN),
            Choice("in_kind", _l("In-kind contributions only (the members' own time)"), Light.AMBER),
            Choice("none", _l("No financial support"), Light.RED),
        ),
    ),
}


def recommendation(key: str) -> str:
    """The B1MG recommendation of the measure, whether the data tells it or the coordinator answers it."""
    if key in RECOMMENDATIONS:
        return str(RECOMMENDATIONS[key])
    return str(QUESTIONS[AnsweredMeasure(key)].recommendation)
