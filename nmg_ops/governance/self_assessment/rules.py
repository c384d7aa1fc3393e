"""Each year's measures from the facts, every light decided by the rule written next to it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ... import clock
from ...i18n import format_date
from ...models import MemberRole
from ..composition import CheckStatus
from .definitions import QUESTIONS, RECOMMENDATIONS, Light, Measure, Question, Source
from .facts import Facts, Period

#: share of recorded attendances at which the working groups' followers count as taking part
ATTENDANCE_TARGET = 0.5
#: how many of the ten stakeholder types may be missing before the light turns red rather than amber
STAKEHOLDER_TYPES_AMBER_MISSING = 3


def _data(key: str, label, value: str, explanation: str, light: Light, rule) -> Measure:
    return Measure(
        key, str(label), str(RECOMMENDATIONS[key]), value, explanation, Source.DATA, light, str(rule)
    )


def _by_share(have: float, want: float) -> Light:
    if have >= want:
        return Light.GREEN
    return Light.AMBER if have * 2 >= want else Light.RED


def due_meetings(period: Period, agreed: int) -> int:
    """The meetings of those agreed per year that were due by the period's cutoff."""
    return int(agreed * period.elapsed)


def _meetings_light(period: Period, facts: Facts) -> Light:
    entry = facts.meetings[period.year]
    return _by_share(entry.held, due_meetings(period, entry.agreed))


def _stage(period: Period, facts: Facts) -> Measure:
    comp = facts.composition[period.year]
    has_governance = facts.coordinator[period.year] is not None
    on_cadence = _meetings_light(period, facts) is not Light.RED
    if comp.experts == 0:
        value, light = _("No tangible activities yet"), Light.RED
        why = _("No expert has been nominated yet.")
    elif comp.experts < comp.min_experts:
        value, light = _("Planning / preparing"), Light.RED
        why = _(
            "Nominations have begun: %(num)d of at least %(min)d experts.",
            num=comp.experts,
            min=comp.min_experts,
        )
    elif not (has_governance and on_cadence):
        value, light = _("Constructing / starting up"), Light.AMBER
        why = _(
            "Enough experts are nominated, but %(missing)s.",
            missing=_("no confirmed coordinator term covers the day")
            if not has_governance
            else _("fewer than half the meetings agreed so far were held"),
        )
    else:
        value, light = _("Operational"), Light.GREEN
        why = _("Enough nominated experts, a coordinator, and the meetings held as agreed.")
    return _data(
        "stage",
        _l("Stage in establishing the NMG"),
        value,
        why,
        light,
        _l(
            "Operational (green): at least the minimum of experts, a confirmed coordinator, and at least "
            "half the meetings agreed so far held. Constructing (amber): experts but not the rest. "
            "Planning or no activity (red): fewer experts than the minimum."
        ),
    )


def _size(period: Period, facts: Facts) -> Measure:
    comp = facts.composition[period.year]
    return _data(
        "composition",
        _l("Composition: number of experts"),
        ngettext("%(num)d expert", "%(num)d experts", comp.experts),
        _(
            "%(experts)d experts among %(total)d members on %(day)s, counting scientific coordinators and "
            "national contact points.",
            experts=comp.experts,
            total=comp.total,
            day=format_date(period.as_of),
        ),
        _by_share(comp.experts, comp.min_experts),
        _l("Green from the configured minimum of experts; amber from half of it; red below."),
    )


def _gender(period: Period, facts: Facts) -> Measure:
    comp = facts.composition[period.year]
    check = next(c for c in comp.checklist() if c.key == "gender")
    share = comp.gender_share()
    if check.status is CheckStatus.UNKNOWN or share is None:
        light, value = Light.AMBER, _("Cannot tell")
    else:
        light = _by_share(share, comp.min_gender_share)
        value = _("Smaller share %(share)d%%", share=round(share * 100))
    return _data(
        "gender",
        _l("Composition: gender balance"),
        value,
        check.explanation,
        light,
        _l(
            "Green when the smaller of the female and male shares reaches the configured target; amber from "
            "half of it, or when too few members declared a gender to tell; red below."
        ),
    )


def _regions(period: Period, facts: Facts) -> Measure:
    comp = facts.composition[period.year]
    check = next(c for c in comp.checklist() if c.key == "regions")
    return _data(
        "regions",
        _l("Composition: geographic representation"),
        ngettext("%(num)d region", "%(num)d regions", comp.regions),
        check.explanation,
        _by_share(comp.regions, comp.min_regions),
        _l("Green from the configured number of regions; amber from half of it; red below."),
    )


def _stakeholders(period: Period, facts: Facts) -> Measure:
    comp = facts.composition[period.year]
    missing = comp.missing_stakeholder_types
    present = len(comp.by_stakeholder_type) - len(missing)
    if not missing:
        light = Light.GREEN
    elif len(missing) <= STAKEHOLDER_TYPES_AMBER_MISSING:
        light = Light.AMBER
    else:
        light = Light.RED
    return _data(
        "stakeholders",
        _l("Composition: stakeholder types"),
        _("%(present)d of %(total)d types", present=present, total=len(comp.by_stakeholder_type)),
        _("Missing: %(types)s.", types="; ".join(t.label for t in missing))
        if missing
        else _("Every stakeholder type has at least one member."),
        light,
        _l("Green with all ten types; amber with up to three missing; red with more missing."),
    )


def _coordinator(period: Period, facts: Facts) -> Measure:
    term = facts.coordinator[period.year]
    return _data(
        "coordinator",
        _l("Coordinator"),
        term.member.full_name if term else _("None"),
        _("A confirmed coordinator term covers %(day)s.", day=format_date(period.as_of))
        if term
        else _("No confirmed coordinator term covers %(day)s.", day=format_date(period.as_of)),
        Light.GREEN if term else Light.RED,
        _l("Green when a confirmed coordinator term covers the day; red otherwise."),
    )


def _contact_point(period: Period, facts: Facts) -> Measure:
    n = facts.composition[period.year].by_role.get(MemberRole.NATIONAL_CONTACT_POINT, 0)
    return _data(
        "contact_point",
        _l("National contact point"),
        ngettext("%(num)d contact point", "%(num)d contact points", n),
        _("Members with the role national contact point on %(day)s.", day=format_date(period.as_of)),
        Light.GREEN if n else Light.RED,
        _l("Green when a current member has the role national contact point; red otherwise."),
    )


def _terms_of_reference(period: Period, facts: Facts) -> Measure:
    approved_at = facts.tor_approved[period.year]
    day = format_date(clock.local(approved_at).date()) if approved_at else None
    return _data(
        "terms_of_reference",
        _l("Terms of reference"),
        _("Approved on %(day)s", day=day) if day else _("Not approved"),
        _("The latest approval of the terms of reference by then.")
        if day
        else _("No version of the terms of reference had been approved by then."),
        Light.GREEN if day else Light.RED,
        _l("Green when a version of the terms of reference was approved by then; red otherwise."),
    )


def _enews(period: Period, facts: Facts) -> Measure:
    due = period.due_months
    sent = [month for month in due if month in facts.enews_months]
    missing = [month for month in due if month not in facts.enews_months]
    if not due:
        explanation = _("No e-news was due yet.")
    elif missing:
        explanation = _(
            "No e-news was sent for: %(months)s.", months=", ".join(f"{m:%Y-%m}" for m in missing)
        )
    else:
        explanation = _("An e-news was sent for every month.")
    return _data(
        "communication_enews",
        _l("Communication: monthly e-news"),
        _("%(sent)d of %(due)d months", sent=len(sent), due=len(due)),
        explanation,
        _by_share(len(sent), len(due)),
        _l(
            "Green when every month that has ended since the NMG began has a sent issue; amber when at "
            "least half do; red below. The current month is not due yet."
        ),
    )


def _meetings(period: Period, facts: Facts) -> Measure:
    entry = facts.meetings[period.year]
    due = due_meetings(period, entry.agreed)
    return _data(
        "communication_meetings",
        _l("Communication: meetings held against those agreed"),
        _("%(held)d held of %(due)d due", held=entry.held, due=due),
        _(
            "%(agreed)d meetings a year are agreed; %(due)d were due by then; %(planned)d were planned or "
            "held in %(year)d.",
            agreed=entry.agreed,
            due=due,
            planned=entry.planned,
            year=period.year,
        ),
        _by_share(entry.held, due),
        _l(
            "Meetings agreed per year, counted in proportion to the part of the year gone by since the NMG "
            "began. Green when as many were held; amber from half; red below."
        ),
    )


def _national_activities(period: Period, facts: Facts) -> Measure:
    entry = facts.meetings[period.year]
    if entry.held:
        light = Light.GREEN
    elif period.is_current and entry.planned:
        light = Light.AMBER
    else:
        light = Light.RED
    details = "; ".join(f"{label}: {n}" for label, n in sorted((entry.held_by_type or {}).items()))
    return _data(
        "national_activities",
        _l("Activities at national level"),
        ngettext("%(num)d meeting or event held", "%(num)d meetings or events held", entry.held),
        details or _("Nothing held yet."),
        light,
        _l(
            "Green when the NMG held at least one meeting or event; amber when none is held yet this year "
            "but some are planned; red otherwise."
        ),
    )


def _working_groups(period: Period, facts: Facts) -> Measure:
    groups = facts.composition[period.year].by_working_group
    covered = [g for g in groups if g.count]
    attendance = facts.group_attendance[period.year]
    present = sum(p for p, _r in attendance.values())
    recorded = sum(r for _p, r in attendance.values())
    rate = present / recorded if recorded else None
    parts = []
    for group in groups:
        p, r = attendance.get(group.code, (0, 0))
        share = _("%(share)d%% present", share=round(p * 100 / r)) if r else _("no attendance recorded")
        parts.append(
            ngettext(
                "%(group)s: %(num)d member, %(share)s",
                "%(group)s: %(num)d members, %(share)s",
                group.count,
                group=group.code,
                share=share,
            )
        )
    if not groups:
        light = Light.RED
    elif len(covered) == len(groups) and (rate is None or rate >= ATTENDANCE_TARGET):
        light = Light.GREEN
    else:
        light = Light.AMBER if len(covered) * 2 >= len(groups) else Light.RED
    return _data(
        "working_groups",
        _l("Links to the European working groups"),
        _("%(covered)d of %(total)d groups have members", covered=len(covered), total=len(groups)),
        "; ".join(parts) + "." if parts else _("The NMG follows no active working group."),
        light,
        _l(
            "Green when every active working group has a member and the members following them were "
            "present at least half the time they were recorded; amber with at least half the groups "
            "covered; red below."
        ),
    )


def _question(period: Period, facts: Facts, question: Question) -> Measure:
    answer = facts.answers.get((period.year, question.measure))
    choice = question.choice(answer.choice) if answer else None
    if answer is None or choice is None:
        value, light = _("Not answered"), Light.UNANSWERED
        explanation = _("The coordinator has not answered for this year.")
    else:
        value, explanation, light = str(choice.label), answer.note, choice.light
        if choice.value == question.explained_by_note and not answer.note.strip():
            light = Light.AMBER
    return Measure(
        question.measure.value,
        str(question.label),
        str(question.recommendation),
        value,
        explanation,
        Source.COORDINATOR,
        light,
        str(question.rule),
        answer,
    )


_FROM_DATA = (
    _stage,
    _size,
    _gender,
    _regions,
    _stakeholders,
    _coordinator,
    _contact_point,
    _terms_of_reference,
    _enews,
    _meetings,
    _national_activities,
    _working_groups,
)


def measures(period: Period, facts: Facts) -> list[Measure]:
    return [
        *(measure(period, facts) for measure in _FROM_DATA),
        *(_question(period, facts, question) for question in QUESTIONS.values()),
    ]
