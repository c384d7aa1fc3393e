"""The demo coordinator's self-assessment answers for 2025: what the data cannot tell about the NMG."""

from __future__ import annotations

from datetime import UTC, datetime

from ..extensions import db
from ..models import AnsweredMeasure, CoordinatorTerm, SelfAssessmentAnswer

YEAR = 2025
ANSWERS = {
    AnsweredMeasure.ORGANISATIONAL_MODEL: (
        "big_country",
        "Un gruppo nazionale con referenti per ciascun work package di THCS, coordinato a rotazione.",
    ),
    AnsweredMeasure.NOMINATION_PROCESS: (
        "coordinators",
        "Il coordinatore propone gli esperti su indicazione degli enti; "
        "il punto di contatto nazionale li approva.",
    ),
    AnsweredMeasure.FUNDING: (
        "in_kind",
        "Il tempo degli esperti è messo a disposizione dagli enti; ProMIS sostiene la segreteria.",
    ),
}


def load_self_assessment(terms: list[CoordinatorTerm]) -> dict[str, int]:
    """The 2025 answers, given by the coordinator of the term that covered the end of that year."""
    year_end = datetime(YEAR, 12, 15, 10, tzinfo=UTC)
    holder = next((t.member for t in terms if t.covers(year_end.date())), terms[0].member)
    db.session.add_all(
        SelfAssessmentAnswer(
            year=YEAR, measure=measure, choice=choice, note=note, answered_by=holder, answered_at=year_end
        )
        for measure, (choice, note) in ANSWERS.items()
    )
    db.session.commit()
    return {"self-assessment answers": len(ANSWERS)}
