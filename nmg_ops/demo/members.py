"""The demo NMG's people: the organisations at the kick-off, the working groups, the members and the
coordinator's yearly rotation.

The organisations are the ones at the kick-off; the people are invented. The coordinator role rotates
every year from the kick-off, ProMIS's representative holding the first term; the demo account
`coordinator@demo.nmg` belongs to whoever holds the term covering the day the demo is loaded, so that it
always has coordinator rights.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models.governance import CoordinatorTerm
from ..models.people import Member, Organisation, WorkingGroup
from ..models.vocab import Gender, Language, MemberRole, StakeholderType

KICK_OFF = date(2024, 11, 12)

ORGANISATIONS = [
    # acronym, name, stakeholder type, region
    (
        "DPE",
        "Presidency of the Council of Ministers – Department for European Affairs",
        StakeholderType.MINISTRY,
        None,
    ),
    (
        "DTD",
        "Presidency of the Council of Ministers – Department for Digital Transformation",
        StakeholderType.IT_DATA,
        None,
    ),
    ("AGENAS", "Agenzia nazionale per i servizi sanitari regionali", StakeholderType.MINISTRY, None),
    ("AIFA", "Agenzia Italiana del Farmaco", StakeholderType.MINISTRY, None),
    ("ISS", "Istituto Superiore di Sanità", StakeholderType.RESEARCH, None),
    ("MUR", "Ministero dell'Università e della Ricerca", StakeholderType.FUNDING, None),
    ("MoH", "Ministero della Salute", StakeholderType.MINISTRY, None),
    ("Regione Toscana", "Regione Toscana", StakeholderType.MINISTRY, "Toscana"),
    ("Regione Veneto", "Regione del Veneto", StakeholderType.MINISTRY, "Veneto"),
    ("Regione Lombardia", "Regione Lombardia", StakeholderType.MINISTRY, "Lombardia"),
    (
        "INMP",
        "Istituto Nazionale per la promozione della salute delle popolazioni Migranti e per il contrasto "
        "delle malattie della Povertà",
        StakeholderType.CLINICAL,
        None,
    ),
    ("ProMIS", "Programma Mattone Internazionale Salute", StakeholderType.POLICY_ADVISORY, "Veneto"),
]

WORKING_GROUPS = [
    ("WP4", "THCS work package 4"),
    ("WP5", "THCS work package 5"),
    ("WP8", "THCS work package 8"),
    ("WP9", "THCS work package 9"),
]


@dataclass(frozen=True)
class DemoPerson:
    name: str
    organisation: str
    gender: Gender
    position: str
    groups: tuple[str, ...]
    region: str = "Lazio"
    role: MemberRole = MemberRole.EXPERT
    is_coordination_team: bool = False


# The first entry is ProMIS's representative, the first coordinator; the order is the agreed rotation.
PEOPLE = [
    DemoPerson(
        "Giulia Ferraresi",
        "ProMIS",
        Gender.FEMALE,
        "Programme manager",
        ("WP4", "WP9"),
        "Veneto",
        MemberRole.NATIONAL_CONTACT_POINT,
        True,
    ),
    DemoPerson(
        "Marco Bellandi",
        "MoH",
        Gender.MALE,
        "Director, EU health research office",
        ("WP4", "WP5"),
        is_coordination_team=True,
    ),
    DemoPerson("Chiara Lodovici", "AGENAS", Gender.FEMALE, "Head of innovation unit", ("WP5", "WP8")),
    DemoPerson("Stefano Rinaldi", "ISS", Gender.MALE, "Senior researcher, health services", ("WP8",)),
    DemoPerson(
        "Elena Marchetti",
        "Regione Veneto",
        Gender.FEMALE,
        "Regional health planning officer",
        ("WP9",),
        "Veneto",
    ),
    DemoPerson(
        "Lorenzo Galli", "Regione Toscana", Gender.MALE, "Health innovation coordinator", ("WP5",), "Toscana"
    ),
    DemoPerson("Francesca Moretti", "AIFA", Gender.FEMALE, "Regulatory affairs officer", ("WP4",)),
    DemoPerson("Paolo Santini", "DPE", Gender.MALE, "EU programmes officer", ("WP4",)),
    DemoPerson(
        "Valentina Cattaneo",
        "Regione Lombardia",
        Gender.FEMALE,
        "Welfare directorate officer",
        ("WP8", "WP9"),
        "Lombardia",
    ),
    DemoPerson("Andrea Colombo", "DTD", Gender.MALE, "Digital health architect", ("WP8",)),
    DemoPerson("Sara De Luca", "DTD", Gender.FEMALE, "Data governance specialist", ("WP8",)),
    DemoPerson("Roberto Fontana", "AGENAS", Gender.MALE, "Health technology assessment lead", ("WP5",)),
    DemoPerson(
        "Martina Greco",
        "AGENAS",
        Gender.FEMALE,
        "Primary care researcher",
        ("WP9",),
        is_coordination_team=True,
    ),
    DemoPerson("Alessandro Vitale", "AIFA", Gender.MALE, "Pharmaceutical policy analyst", ("WP5",)),
    DemoPerson("Laura Conti", "ISS", Gender.FEMALE, "Epidemiologist", ("WP4", "WP8")),
    DemoPerson("Davide Ricci", "ISS", Gender.MALE, "Health economist", ("WP5",)),
    DemoPerson("Federica Bruno", "MUR", Gender.FEMALE, "Research funding officer", ("WP4",)),
    DemoPerson("Giorgio Mancini", "MUR", Gender.MALE, "Research programmes director", ("WP4", "WP5")),
    DemoPerson("Silvia Longo", "MoH", Gender.FEMALE, "Health systems policy officer", ("WP9",)),
    DemoPerson("Matteo Barbieri", "MoH", Gender.MALE, "Digital health officer", ("WP8",)),
    DemoPerson(
        "Irene Costa",
        "Regione Toscana",
        Gender.FEMALE,
        "Social care integration officer",
        ("WP9",),
        "Toscana",
    ),
    DemoPerson("Nicola Ferri", "INMP", Gender.MALE, "Public health physician, migrant health", ("WP9",)),
]

ADMIN = DemoPerson(
    "Tommaso Neri", "ProMIS", Gender.MALE, "NMG Ops administrator", (), "Veneto", MemberRole.SECRETARIAT
)
CT_EMAIL_INDEX = 12  # Martina Greco, coordination team
MEMBER_EMAIL_INDEX = 6  # Francesca Moretti, expert


def _email(person: DemoPerson) -> str:
    first, _, last = person.name.lower().partition(" ")
    return f"{first}.{last.replace(' ', '')}@example.org"


@dataclass(frozen=True)
class Roster:
    """What `load_members` added, for the parts of the demo loaded after it."""

    organisations: int
    members: list[Member]
    terms: list[CoordinatorTerm]
    #: whoever holds the term covering the day the demo is loaded
    coordinator: Member


def load_members(today: date, password: str) -> Roster:
    """The organisations, working groups, members (and the administrator) and the coordinator terms."""
    password_hash = generate_password_hash(password)
    zone = current_app.config["TIMEZONE"]
    orgs = {
        acronym: Organisation(name=name, acronym=acronym, stakeholder_type=kind, region=region)
        for acronym, name, kind, region in ORGANISATIONS
    }
    groups = {code: WorkingGroup(code=code, name=name) for code, name in WORKING_GROUPS}
    db.session.add_all([*orgs.values(), *groups.values()])

    def member(person: DemoPerson, email: str) -> Member:
        return Member(
            full_name=person.name,
            email=email,
            organisation=orgs[person.organisation],
            gender=person.gender,
            position=person.position,
            region=person.region,
            role=person.role,
            is_coordination_team=person.is_coordination_team,
            joined_on=KICK_OFF,
            language=Language.IT,
            timezone=zone,
            password_hash=password_hash,
            working_groups=[groups[c] for c in person.groups],
        )

    members = [member(person, _email(person)) for person in PEOPLE]
    admin = member(ADMIN, "admin@demo.nmg")
    admin.is_admin = True
    db.session.add_all([*members, admin])

    terms = _rotation(members, today)
    db.session.add_all(terms)
    current = next((t for t in terms if t.covers(today)), terms[0])
    current.member.email = "coordinator@demo.nmg"
    members[CT_EMAIL_INDEX].email = "ct@demo.nmg"
    members[MEMBER_EMAIL_INDEX].email = "member@demo.nmg"
    db.session.commit()
    return Roster(len(orgs), members, terms, current.member)


def _rotation(members: list[Member], today: date) -> list[CoordinatorTerm]:
    """Yearly terms from the kick-off through the one covering today, plus the next one planned."""
    terms: list[CoordinatorTerm] = []
    position = 0
    while not terms or terms[-1].starts_on <= today:
        starts_on = KICK_OFF.replace(year=KICK_OFF.year + position)
        terms.append(
            CoordinatorTerm(
                member=members[position % len(members)],
                starts_on=starts_on,
                ends_on=starts_on.replace(year=starts_on.year + 1),
                rotation_position=position + 1,
            )
        )
        position += 1
    return terms
