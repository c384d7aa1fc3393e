"""The demo's documents: the terms of reference approved at the kick-off, the NMG plan still in draft,
and the first annual work plan, approved, with a second version under discussion.

The files are small PDFs made with WeasyPrint, kept in the configured document store like any upload.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import sqlalchemy as sa

from ..documents import library
from ..extensions import db
from ..models import DocumentKind, DocumentVisibility, Meeting, MeetingStatus, Member
from ..print_process import render


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    html = f"<!doctype html><html lang='it'><meta charset='utf-8'><title>{title}</title>"
    html += f"<h1>{title}</h1>{body}"
    return _laid_out(html)


@cache
def _laid_out(html: str) -> bytes:
    """Laid out here rather than in a process under limits (`printing`): the demo's own few lines, the
    same at every load, so a process that loads the demo again (the tests) lays them out once."""
    return render(html)


def load_documents(members: list[Member], coordinator: Member) -> dict[str, int]:
    """The three documents; returns counts of what was added."""
    team = next(member for member in members if member.is_coordination_team)
    held = list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.status == MeetingStatus.HELD).order_by(Meeting.starts_at)
        )
    )
    kick_off = held[0]
    terms = library.create_document(
        library.NewDocument(
            "Terms of reference of the IT NMG", DocumentKind.TERMS_OF_REFERENCE, DocumentVisibility.PUBLIC
        ),
        _pdf(
            "Termini di riferimento del NMG italiano",
            [
                "Il gruppo nazionale specchio (NMG) accompagna la partnership europea THCS in Italia.",
                "Il coordinamento ruota ogni anno; il team di coordinamento redige agende e verbali.",
                "Si tengono sei riunioni plenarie l'anno, almeno due in presenza, e tre riunioni tematiche.",
            ],
        ),
        "termini-di-riferimento.pdf",
        "Testo discusso con i membri prima del kick-off",
        team,
    )
    library.approve(terms.versions[0], coordinator, meeting=kick_off)
    _dated(terms.versions[0], kick_off)

    plan = library.create_document(
        library.NewDocument("NMG plan", DocumentKind.NMG_PLAN, DocumentVisibility.MEMBERS),
        _pdf("Piano del NMG", ["Obiettivi, attività e calendario del gruppo per tutta la partnership."]),
        "piano-nmg.pdf",
        "Prima bozza per i commenti dei membri",
        team,
    )

    work_plan = library.create_document(
        library.NewDocument("Annual work plan", DocumentKind.WORK_PLAN, DocumentVisibility.MEMBERS),
        _pdf("Piano di lavoro annuale", ["Le attività dell'anno: riunioni, e-news, eventi."]),
        "piano-di-lavoro.pdf",
        "Prima versione",
        team,
    )
    approving = held[1] if len(held) > 1 else kick_off
    library.approve(work_plan.versions[0], coordinator, meeting=approving)
    _dated(work_plan.versions[0], approving)
    library.add_version(
        work_plan,
        _pdf(
            "Piano di lavoro annuale",
            [
                "Le attività dell'anno: riunioni, e-news, partecipazione agli eventi.",
                "Aggiunta una riunione tematica sull'interoperabilità dei dati.",
            ],
        ),
        "piano-di-lavoro.pdf",
        "Aggiunta la riunione tematica sui dati, da approvare alla prossima plenaria",
        team,
    )
    db.session.commit()
    return {"documents": 3, "document versions": sum(len(d.versions) for d in (terms, plan, work_plan))}


def _dated(version, meeting: Meeting) -> None:
    """Uploaded before the meeting and approved at its end, as it happened."""
    version.uploaded_at = meeting.starts_at - timedelta(days=10)
    version.approved_at = meeting.ends_at
