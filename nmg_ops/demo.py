"""The demo NMG: the Italian National Mirror Group as of its kick-off on 12 November 2024.

The organisations are the ones at the kick-off; the people are invented. The coordinator role rotates
every year from the kick-off, ProMIS's representative holding the first term; the demo account
`coordinator@demo.nmg` belongs to whoever holds the term covering the day the demo is loaded, so that it
always has coordinator rights.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

from . import clock
from .demo_consultations import load_consultations
from .demo_documents import load_documents
from .demo_meetings import add_scale_meetings, load_meetings
from .demo_minutes import add_scale_minutes, load_minutes
from .demo_news import add_scale_subscribers, load_news
from .demo_self_assessment import load_self_assessment
from .extensions import db
from .models.governance import CoordinatorTerm
from .models.people import Member, Organisation, WorkingGroup
from .models.vocab import Gender, Language, MemberRole, StakeholderType

KICK_OFF = date(2024, 11, 12)
DEFAULT_PASSWORD = "demo-password"
#: meetings `--scale` adds, whatever the number of members
SCALE_MEETINGS = 1000
#: actions `--scale` adds over the synthetic meetings held
SCALE_ACTIONS = 10_000
#: confirmed e-news subscribers `--scale` adds
SCALE_SUBSCRIBERS = 10_000

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


def load(today: date, password: str) -> dict[str, int]:
    """Insert the demo NMG; returns counts of what was created."""
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
    meetings = load_meetings(members, terms, KICK_OFF, today)
    return {
        "organisations": len(orgs),
        "members": len(members) + 1,
        "coordinator terms": len(terms),
        "meetings": meetings,
        **load_minutes(members, terms, today),
        **load_documents(members, current.member),
        **load_news(today),
        **load_consultations(members, KICK_OFF),
        **load_self_assessment(terms),
    }


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


REGIONS = [
    "Abruzzo",
    "Basilicata",
    "Calabria",
    "Campania",
    "Emilia-Romagna",
    "Friuli-Venezia Giulia",
    "Lazio",
    "Liguria",
    "Lombardia",
    "Marche",
    "Molise",
    "Piemonte",
    "Puglia",
    "Sardegna",
    "Sicilia",
    "Toscana",
    "Trentino-Alto Adige",
    "Umbria",
    "Valle d'Aosta",
    "Veneto",
]


def add_scale(count: int, organisations: int | None = None, seed: int = 2024) -> int:
    """Synthetic members spread over synthetic organisations of every type, for benchmarks.

    Without `organisations`, one organisation per ten members (at least one of each stakeholder type).
    """
    rng = random.Random(seed)
    groups = list(db.session.scalars(sa.select(WorkingGroup)))
    orgs = [
        Organisation(
            name=f"Synthetic organisation {i:04d}",
            acronym=f"SYN{i:04d}",
            stakeholder_type=list(StakeholderType)[i % len(StakeholderType)],
            region=REGIONS[i % len(REGIONS)],
        )
        for i in range(organisations or max(len(StakeholderType), count // 10))
    ]
    db.session.add_all(orgs)
    genders = list(Gender)
    for i in range(count):
        db.session.add(
            Member(
                full_name=f"Synthetic Expert {i:05d}",
                email=f"expert{i:05d}@scale.demo.nmg",
                organisation=orgs[i % len(orgs)],
                gender=genders[i % len(genders)],
                position="Expert",
                region=rng.choice(REGIONS),
                joined_on=KICK_OFF,
                working_groups=rng.sample(groups, k=min(len(groups), rng.randint(0, 2))),
            )
        )
    db.session.commit()
    return count


@click.command("demo")
@click.option(
    "--password", default=DEFAULT_PASSWORD, show_default=True, help="Password of every demo account."
)
@click.option(
    "--scale",
    type=click.IntRange(min=0),
    default=0,
    help=f"Add this many synthetic members, {SCALE_MEETINGS} synthetic meetings across years, minutes for "
    f"those held, {SCALE_ACTIONS} actions and {SCALE_SUBSCRIBERS} e-news subscribers.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when members already exist.")
@with_appcontext
def demo_command(password: str, scale: int, if_empty: bool) -> None:
    """Load the demo Italian NMG (never under the production configuration)."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("the demo refuses to run under the production configuration")
    if db.session.scalar(sa.select(sa.func.count()).select_from(Member)):
        if if_empty:
            click.echo("Members already exist; the demo was not loaded again.")
            return
        raise click.ClickException("the database already has members; load the demo into an empty database")
    counts = load(clock.today(), password)
    click.echo("Loaded the demo IT NMG: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
    if scale:
        add_scale(scale)
        add_scale_meetings(SCALE_MEETINGS)
        minutes = add_scale_minutes(SCALE_ACTIONS)
        add_scale_subscribers(SCALE_SUBSCRIBERS)
        click.echo(
            f"Added {scale} synthetic members, {SCALE_MEETINGS} synthetic meetings, {minutes} minutes, "
            f"{SCALE_ACTIONS} actions and {SCALE_SUBSCRIBERS} e-news subscribers."
        )
    click.echo("Sign in as coordinator@demo.nmg, ct@demo.nmg, member@demo.nmg or admin@demo.nmg.")
