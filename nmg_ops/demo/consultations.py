"""The demo's consultations: the kick-off's initial survey on priorities and barriers for THCS
implementation, opened at the kick-off and closed a few weeks later, with the members' answers, and its
results published to anyone with the coordinator's summary, so that visitors find them on the home page;
and a consultation open to the public today, linked from the home page, with a few confirmed answers.

The answers are written as they stand once collected (the survey is closed by now), chosen with a fixed
seed so that every demo shows the same results.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from .. import clock
from ..extensions import db
from ..models import (
    ITALIAN_REGIONS,
    Member,
    PublicAnswer,
    PublicCapacity,
    PublicResponse,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyParticipation,
    SurveyQuestion,
    SurveyReach,
    SurveyResponse,
)

TITLE = "Indagine iniziale su priorità e barriere per l'attuazione di THCS"
PRIORITIES = [
    "Integrazione tra assistenza sanitaria e sociale",
    "Trasformazione digitale e uso dei dati sanitari",
    "Prevenzione e promozione della salute",
    "Sostenibilità dei sistemi sanitari",
    "Innovazione organizzativa dei servizi territoriali",
]
BARRIERS = [
    "Frammentazione delle competenze tra Stato e Regioni",
    "Scarsa interoperabilità dei dati",
    "Risorse finanziarie insufficienti",
    "Carenza di personale formato",
    "Procedure amministrative complesse",
    "Scarso coinvolgimento di cittadini e pazienti",
]
ACTIONS = [
    "Una mappatura dei progetti regionali già in corso sui temi THCS.",
    "Incontri tematici con le Regioni sulla preparazione dei bandi.",
    "Un canale stabile di informazione sui bandi e sui risultati dei progetti.",
    "Indicatori condivisi per monitorare l'allineamento con le priorità europee.",
    "Formazione per i referenti degli enti sulla partecipazione ai bandi.",
]
#: members asked who answered, by their place in the demo's list of people
ANSWERED_SHARE = 0.8
SUMMARY = (
    "Il gruppo indica come priorità più urgente l'**integrazione tra assistenza sanitaria e sociale** e "
    "la **trasformazione digitale**; tra le barriere pesano soprattutto la frammentazione delle competenze "
    "tra Stato e Regioni e la scarsa interoperabilità dei dati.\n\n"
    "Ne discendono le prime azioni del piano di lavoro: una mappatura dei progetti regionali in corso e "
    "incontri tematici con le Regioni sulla preparazione dei bandi."
)
#: the results were published this many days after the deadline
PUBLISHED_AFTER_DAYS = 6


def load_consultations(members: list[Member], kick_off: date) -> dict[str, int]:
    """The kick-off survey with its answers; returns counts of what was added."""
    rng = random.Random(2024)
    deadline_at = clock.from_local(kick_off + timedelta(days=25), time(0))
    survey = Survey(
        title=TITLE,
        description=(
            "Un breve questionario per raccogliere le priorità e le barriere che gli enti del gruppo "
            "vedono per l'attuazione della partnership THCS in Italia."
        ),
        audience=SurveyAudience.ALL,
        deadline_at=deadline_at,
        is_anonymous=False,
        opened_at=clock.from_local(kick_off, time(13, 0)),
        results_summary=SUMMARY,
        results_published_at=deadline_at + timedelta(days=PUBLISHED_AFTER_DAYS, hours=10),
        results_are_public=True,
    )
    questions = [
        SurveyQuestion(
            position=1,
            kind=QuestionKind.SINGLE,
            text="Quale priorità THCS è la più urgente per il vostro ente?",
            options="\n".join(PRIORITIES),
            is_required=True,
        ),
        SurveyQuestion(
            position=2,
            kind=QuestionKind.MULTIPLE,
            text="Quali barriere ostacolano l'attuazione di THCS nel vostro contesto?",
            options="\n".join(BARRIERS),
        ),
        SurveyQuestion(
            position=3,
            kind=QuestionKind.SCALE,
            text="Quanto è pronto il vostro ente a partecipare ai bandi THCS? (1 = per nulla, 5 = del tutto)",
            is_required=True,
        ),
        SurveyQuestion(
            position=4,
            kind=QuestionKind.TEXT,
            text="Quali azioni dovrebbe promuovere l'IT NMG nel suo primo anno?",
        ),
    ]
    survey.questions = questions
    db.session.add(survey)
    db.session.flush()
    respondents = [m for m in members if rng.random() < ANSWERED_SHARE]
    for member in respondents:
        db.session.add(SurveyParticipation(survey_id=survey.id, member_id=member.id))
        answers = [
            SurveyAnswer(question_id=questions[0].id, value=rng.choice(PRIORITIES)),
            *(
                SurveyAnswer(question_id=questions[1].id, value=b)
                for b in rng.sample(BARRIERS, rng.randint(1, 3))
            ),
            SurveyAnswer(question_id=questions[2].id, value=str(rng.choice([2, 3, 3, 4, 4, 5]))),
        ]
        if rng.random() < 0.5:
            answers.append(SurveyAnswer(question_id=questions[3].id, value=rng.choice(ACTIONS)))
        db.session.add(
            SurveyResponse(
                survey_id=survey.id,
                member_id=member.id,
                stakeholder_type=member.organisation.stakeholder_type,
                region=member.region or member.organisation.region,
                answers=answers,
            )
        )
    db.session.commit()
    public_answers = load_public_consultation(rng)
    return {"survey": 2, "survey answers": len(respondents), "public answers": public_answers}


PUBLIC_TITLE = "Dati sanitari e cure integrate: la voce dei cittadini"
USES = ["Sì, senza riserve", "Sì, con garanzie sulla riservatezza", "No"]
#: how many confirmed public answers the demo holds
PUBLIC_ANSWERS = 12


def load_public_consultation(rng: random.Random) -> int:
    """A consultation open to the public until a month from today, with its confirmed answers."""
    now = clock.now()
    survey = Survey(
        title=PUBLIC_TITLE,
        description=(
            "Il gruppo prepara il suo contributo alla partnership THCS sull'uso dei dati sanitari per "
            "l'integrazione tra assistenza sanitaria e sociale. Ci interessa il parere di cittadini, "
            "pazienti, professionisti e ricercatori: bastano due minuti."
        ),
        audience=SurveyAudience.ALL,
        reach=SurveyReach.PUBLIC,
        deadline_at=clock.from_local(clock.local(now).date() + timedelta(days=31), time(0)),
        is_anonymous=False,
        opened_at=now,
    )
    survey.questions = [
        SurveyQuestion(
            position=1,
            kind=QuestionKind.SINGLE,
            text="I dati del Fascicolo sanitario dovrebbero servire anche alla ricerca?",
            options="\n".join(USES),
            is_required=True,
        ),
        SurveyQuestion(
            position=2,
            kind=QuestionKind.TEXT,
            text="Che cosa renderebbe più semplice il passaggio tra servizi sanitari e sociali?",
        ),
    ]
    db.session.add(survey)
    db.session.flush()
    first = survey.questions[0]
    capacities = list(PublicCapacity)
    for n in range(PUBLIC_ANSWERS):
        response = PublicResponse(
            survey_id=survey.id,
            # Demo answers stand for addresses nobody owns; the mark only has to be unique.
            address_hash=f"demo-{n}",
            capacity=rng.choice(capacities),
            region=rng.choice([*ITALIAN_REGIONS, None]),
        )
        response.answers = [PublicAnswer(question_id=first.id, value=rng.choice(USES))]
        db.session.add(response)
    db.session.commit()
    return PUBLIC_ANSWERS
