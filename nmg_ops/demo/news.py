"""The demo's e-news: a year of issues sent, next month's in draft, and the public's subscriptions.

The issues are drafted as the scheduler drafts them, from the meetings and minutes already loaded, and the
coordination team's part is written in; the past ones are recorded as sent, with their recipient count,
but without their mails (the outbox would hold a year of copies nobody needs to see). The subscribers are
in every state, each with the consent lines the subscription pages would have written. Like the rest of
the demo, all of it is history written with the dates it would have had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from .. import clock
from ..extensions import db
from ..models import (
    ConsentEvent,
    Language,
    Member,
    NewsConsent,
    NewsEdition,
    NewsIssue,
    NewsIssueStatus,
    NewsSectionKind,
    NewsSubscriber,
    NewsSuppression,
    SubscriberStatus,
)
from ..news import drafting, images
from ..news.languages import other_languages
from ..news.subscriptions import IMPORT_WORDING, MEMBERS_EDITION_WORDING, UNSUBSCRIBE_WORDING, public_wording
from . import pictures

#: issues sent, one a month for the months before the current one
PAST_ISSUES = 12
#: the member of the coordination team who imports addresses
IMPORTER = "Martina Greco"
#: members who turned the members' edition off on their profile, by name
OPTED_OUT = ("Andrea Colombo", "Davide Ricci")
SUPPRESSED_REPLY = "550 5.1.1 <{email}>: Recipient address rejected: User unknown in virtual mailbox table"
THCS = "https://www.thcspartnership.eu"

# The team's part of each issue, by calendar month: (editorial, open calls, news from the partnership).
WRITTEN = {
    1: (
        "Buon anno a tutti i membri e ai lettori dell'e-news. Il calendario delle riunioni dell'anno è "
        "pubblicato: sei plenarie, di cui due in presenza, e tre riunioni tematiche. Vi chiediamo di "
        "segnarle in agenda e di proporre al gruppo di coordinamento i temi per le tematiche.",
        f"Il **pre-annuncio del bando transnazionale congiunto (JTC)** di THCS è online sul [sito della "
        f"partnership]({THCS}). I finanziatori italiani confermeranno a breve le regole nazionali.",
        "Si è chiusa la mappatura degli esperti: il gruppo conta ora referenti per tutti i work package "
        "seguiti (WP4, WP5, WP8 e WP9).",
    ),
    2: (
        "Febbraio è il mese dell'assemblea generale di THCS. L'IT NMG porta i risultati della propria "
        "indagine iniziale su priorità e barriere per l'attuazione della partnership in Italia.",
        f"Il **JTC è aperto**: le pre-proposte si presentano sulla piattaforma indicata nel [bando]({THCS}). "
        "Per le regole di ammissibilità nazionali rivolgetevi al Ministero della Salute e al MUR.",
        "Il WP5 ha avviato la raccolta delle buone pratiche regionali su integrazione sociosanitaria.",
    ),
    3: (
        "Pubblichiamo la sintesi dell'indagine iniziale: le priorità più indicate sono l'integrazione tra "
        "assistenza sanitaria e sociale e la trasformazione digitale; la barriera più citata è la "
        "frammentazione delle competenze tra Stato e Regioni.",
        "Ultime settimane per le pre-proposte del JTC. Il gruppo di coordinamento risponde alle domande "
        "dei membri sulle regole nazionali entro due giorni lavorativi.",
        "ProMIS ha presentato l'IT NMG all'incontro delle Regioni sulla progettazione europea.",
    ),
    4: (
        "La riunione tematica di aprile è dedicata all'interoperabilità dei dati sanitari, tema centrale "
        "del WP8. Invitiamo chi segue i fascicoli sanitari regionali a portare la propria esperienza.",
        f"È aperta la consultazione pubblica di THCS sulle priorità del prossimo programma di lavoro: "
        f"si risponde online sul [sito della partnership]({THCS}).",
        "AGENAS ha condiviso con il gruppo la mappatura dei progetti regionali di sanità territoriale.",
    ),
    5: (
        "Mentre le pre-proposte sono in valutazione, il gruppo lavora al contributo italiano al programma "
        "di lavoro di THCS. Le osservazioni dei membri sono raccolte fino alla prossima plenaria.",
        "Nessun nuovo bando questo mese; segnaliamo le giornate informative sui bandi Horizon Europe "
        "del cluster Salute.",
        "Il WP9 ha pubblicato la nota sulle competenze del personale nei servizi integrati.",
    ),
    6: (
        "La plenaria di giugno si tiene in presenza a Roma: è l'occasione per fare il punto sul primo "
        "semestre e per incontrare di persona i nuovi membri del gruppo.",
        "Le pre-proposte ammesse sono state comunicate: i consorzi invitati hanno tempo fino all'autunno "
        "per le proposte complete.",
        "Il Ministero della Salute ha aggiornato la pagina nazionale dedicata a THCS.",
    ),
    7: (
        "Prima della pausa estiva, grazie a chi ha commentato i verbali e le decisioni del semestre: "
        "la partecipazione alle plenarie è stata superiore al 75%.",
        "Proposte complete del JTC: ricordiamo la scadenza e il supporto offerto dai punti di contatto "
        "nazionali.",
        "Il WP4 ha diffuso il questionario sulle priorità di ricerca per i sistemi sanitari.",
    ),
    8: (
        "Un numero breve per agosto: le attività del gruppo riprendono a settembre con la plenaria "
        "online e la riunione tematica sulla sostenibilità dei sistemi sanitari.",
        "",
        "Sono disponibili le registrazioni dei webinar THCS della primavera.",
    ),
    9: (
        "Si riparte: a settembre proponiamo una formazione breve per i referenti degli enti sulla "
        "partecipazione ai bandi, una delle azioni più richieste nell'indagine iniziale.",
        f"THCS apre le candidature per lo **staff exchange** tra amministrazioni sanitarie: dettagli sul "
        f"[sito della partnership]({THCS}).",
        "Regione Toscana e Regione Veneto hanno presentato al gruppo i loro progetti di telemedicina.",
    ),
    10: (
        "Ottobre porta i risultati del JTC: diversi consorzi con partner italiani sono stati ammessi al "
        "finanziamento. Li presenteremo in una prossima plenaria.",
        "Segnaliamo il bando per gli eventi di disseminazione dei risultati dei progetti finanziati.",
        "L'ISS ha pubblicato il rapporto sugli indicatori di performance dei servizi territoriali.",
    ),
    11: (
        "Novembre è il mese dell'anniversario dell'IT NMG, nato il 12 novembre 2024 nella sede romana "
        "della Regione del Veneto. Grazie a tutti gli enti che hanno contribuito in questi mesi.",
        "Il pre-annuncio del prossimo JTC è atteso per dicembre: vi scriveremo appena pubblicato.",
        "Il ruolo di coordinatore ruota a novembre, come concordato al kick-off.",
    ),
    12: (
        "A dicembre il coordinatore propone il calendario delle riunioni del nuovo anno: sei plenarie e "
        "tre tematiche, come previsto dal modello operativo del gruppo.",
        f"È uscito il **pre-annuncio del nuovo JTC** di THCS; il testo è sul "
        f"[sito della partnership]({THCS}).",
        "Auguri di buone feste da tutto il gruppo di coordinamento.",
    ),
}
#: the editorial in English, which the team writes for the members and readers abroad; calls and news
#: stay in Italian, and English readers get them so
EDITORIAL_EN = {
    1: "Happy new year to all members and readers. The year's meeting calendar is out: six plenaries, two "
    "of them in person, and three thematic meetings. Please propose topics for the thematic ones.",
    2: "February brings THCS's general assembly. The IT NMG presents its first survey of priorities and "
    "barriers for the partnership in Italy.",
    3: "The summary of the first survey is out: integrating health and social care and the digital "
    "transformation come first; the split of powers between State and Regions is the barrier most cited.",
    4: "April's thematic meeting is on health data interoperability, at the heart of WP8. Members who work "
    "on the regional health records are welcome to bring their experience.",
    5: "While the pre-proposals are under review, the group works on Italy's input to the THCS work "
    "programme. Members' comments are collected until the next plenary.",
    6: "June's plenary meets in person in Rome: a time to take stock of the first half of the year and to "
    "meet the group's new members.",
    7: "Before the summer break, thank you to everyone who commented on the minutes and decisions of the "
    "half-year: more than 75% of members attended the plenaries.",
    8: "A short issue for August: the group's work starts again in September with the online plenary and "
    "the thematic meeting on the sustainability of health systems.",
    9: "We are back: in September we offer a short training on taking part in calls for the contact "
    "persons of the organisations, one of the actions most asked for in the first survey.",
    10: "October brings the JTC results: several consortia with Italian partners were selected for "
    "funding. We will present them at a coming plenary.",
    11: "November is the IT NMG's anniversary: it was founded on 12 November 2024 at the Veneto Region's "
    "office in Rome. Thank you to every organisation that contributed.",
    12: "In December the coordinator proposes the new year's meeting calendar: six plenaries and three "
    "thematic meetings, as the group's operating model provides.",
}
#: next month's editorial, as far as the team has got
DRAFT_EDITORIAL = (
    "In questo numero: il bilancio dell'anno e i prossimi appuntamenti della partnership. "
    "*(Da completare: ringraziamenti e presentazione dei nuovi membri.)*"
)


@dataclass(frozen=True)
class DemoSubscriber:
    name: str
    email: str
    status: SubscriberStatus
    #: days before today that the address was given
    days_ago: int
    language: Language = Language.IT
    imported: bool = False
    #: the mail server refused it when this many issues ago went out
    bounced_issues_ago: int | None = None


def _subscribers() -> list[DemoSubscriber]:
    confirmed = SubscriberStatus.CONFIRMED
    return [
        DemoSubscriber("Anna Rossi", "anna.rossi@example.it", confirmed, 350),
        DemoSubscriber("Luca Bianchi", "luca.bianchi@example.it", confirmed, 340, imported=True),
        DemoSubscriber("Giovanna Esposito", "g.esposito@example.it", confirmed, 330, imported=True),
        DemoSubscriber("Pietro Romano", "pietro.romano@example.org", confirmed, 320),
        DemoSubscriber("Maria Colombo", "maria.colombo@example.it", confirmed, 300),
        DemoSubscriber("Emma Richter", "emma.richter@example.org", confirmed, 290, Language.EN),
        DemoSubscriber("Simone Gallo", "simone.gallo@example.it", confirmed, 270),
        DemoSubscriber("Beatrice Fontana", "beatrice.fontana@example.it", confirmed, 250),
        DemoSubscriber("Riccardo Conte", "r.conte@example.org", confirmed, 240, imported=True),
        DemoSubscriber("Alessia Marino", "alessia.marino@example.it", confirmed, 220),
        # A member's own address: the members' edition is the only one that reaches it.
        DemoSubscriber("Stefano Rinaldi", "stefano.rinaldi@example.org", confirmed, 210),
        DemoSubscriber("Federico Greco", "federico.greco@example.it", confirmed, 200),
        DemoSubscriber("Camilla Ferrara", "camilla.ferrara@example.it", confirmed, 180),
        DemoSubscriber("Tomás García", "tomas.garcia@example.org", confirmed, 170, Language.EN),
        DemoSubscriber("Elisa Caruso", "elisa.caruso@example.it", confirmed, 160),
        DemoSubscriber("Giacomo Leone", "giacomo.leone@example.it", confirmed, 150, imported=True),
        DemoSubscriber("Sofia Martini", "sofia.martini@example.it", confirmed, 130),
        DemoSubscriber("Daniele Serra", "daniele.serra@example.org", confirmed, 120),
        DemoSubscriber("Noemi Villa", "noemi.villa@example.it", confirmed, 100),
        DemoSubscriber("Filippo Sala", "filippo.sala@example.it", confirmed, 90),
        DemoSubscriber("Aurora Pellegrini", "aurora.pellegrini@example.it", confirmed, 75),
        DemoSubscriber("Michele De Santis", "michele.desantis@example.it", confirmed, 60),
        DemoSubscriber("Claire Dubois", "claire.dubois@example.org", confirmed, 45, Language.EN),
        DemoSubscriber("Edoardo Negri", "edoardo.negri@example.it", confirmed, 30),
        DemoSubscriber("Ilaria Testa", "ilaria.testa@example.it", confirmed, 15),
        DemoSubscriber("Mario Cattaneo", "mario.cattaneo@example.it", confirmed, 260, bounced_issues_ago=5),
        DemoSubscriber("Lucia Monti", "lucia.monti@example.org", confirmed, 190, bounced_issues_ago=2),
        DemoSubscriber("Roberta Parisi", "roberta.parisi@example.it", SubscriberStatus.PENDING, 1),
        DemoSubscriber("Marco Valentini", "marco.valentini@example.it", SubscriberStatus.PENDING, 2),
        DemoSubscriber("Hannah Weber", "hannah.weber@example.org", SubscriberStatus.PENDING, 3, Language.EN),
        DemoSubscriber("Chiara Lombardi", "chiara.lombardi@example.it", SubscriberStatus.PENDING, 5),
        DemoSubscriber("", "info@studio-salute.example.it", SubscriberStatus.PENDING, 9),
        DemoSubscriber("Paola Ferri", "paola.ferri@example.it", SubscriberStatus.INVITED, 12, imported=True),
        DemoSubscriber(
            "Enrico Bassi", "enrico.bassi@example.it", SubscriberStatus.INVITED, 12, imported=True
        ),
        DemoSubscriber("Giulia Riva", "giulia.riva@example.org", SubscriberStatus.INVITED, 12, imported=True),
        DemoSubscriber("Ugo Farina", "ugo.farina@example.it", SubscriberStatus.INVITED, 4, imported=True),
        DemoSubscriber("Carlo Benedetti", "carlo.benedetti@example.it", SubscriberStatus.UNSUBSCRIBED, 330),
        DemoSubscriber("Serena Fabbri", "serena.fabbri@example.it", SubscriberStatus.UNSUBSCRIBED, 280),
        DemoSubscriber(
            "Oliver Smith", "oliver.smith@example.org", SubscriberStatus.UNSUBSCRIBED, 200, Language.EN
        ),
        DemoSubscriber("Vittoria Sartori", "vittoria.sartori@example.it", SubscriberStatus.UNSUBSCRIBED, 110),
    ]


def _client(n: int) -> str:
    """An address of the documentation ranges, as the pages record where a request came from."""
    return f"198.51.100.{10 + n}"


def _sending_time(month: date) -> datetime:
    """The first Tuesday of the month, at ten."""
    day = month + timedelta(days=(1 - month.weekday()) % 7)
    return clock.from_local(day, time(10, 0))


def _add_subscriber(person: DemoSubscriber, n: int, today: date) -> NewsSubscriber:
    created = clock.from_local(today - timedelta(days=person.days_ago), time(9 + n % 9, 7 * n % 60))
    subscriber = NewsSubscriber(
        email=person.email,
        name=person.name,
        language=person.language,
        status=person.status,
        created_at=created,
    )
    with force_locale(str(person.language)):
        page_wording = public_wording()
        if person.imported:
            requested = (str(IMPORT_WORDING), f"import by {IMPORTER}")
        else:
            requested = (page_wording, f"subscription page from {_client(n)}")
        lines = [(ConsentEvent.REQUESTED, *requested, created)]
        if person.status in (SubscriberStatus.PENDING, SubscriberStatus.INVITED):
            subscriber.confirm_nonce = f"{n:032x}"
            subscriber.confirm_sent_at = created
        else:
            subscriber.confirmed_at = created + timedelta(hours=2 + n % 20)
            lines.append(
                (
                    ConsentEvent.GIVEN,
                    page_wording,
                    f"confirmation link from {_client(n)}",
                    subscriber.confirmed_at,
                )
            )
        if person.status is SubscriberStatus.UNSUBSCRIBED:
            subscriber.unsubscribed_at = subscriber.confirmed_at + timedelta(days=40 + 10 * n % 60)
            lines.append(
                (
                    ConsentEvent.WITHDRAWN,
                    str(UNSUBSCRIBE_WORDING),
                    f"unsubscribe page from {_client(n)}",
                    subscriber.unsubscribed_at,
                )
            )
    db.session.add(subscriber)
    db.session.add_all(
        NewsConsent(
            email=person.email, edition=NewsEdition.PUBLIC, event=event, wording=wording, source=source, at=at
        )
        for event, wording, source, at in lines
    )
    return subscriber


def _opt_out(members: Sequence[Member], today: date) -> dict[str, datetime]:
    """Turn the members' edition off for OPTED_OUT; returns when each address did."""
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        wording = str(MEMBERS_EDITION_WORDING)
    opted_out = {}
    for n, member in enumerate(m for m in members if m.full_name in OPTED_OUT):
        member.news_opt_out = True
        opted_out[member.email] = clock.from_local(today - timedelta(days=100 + 60 * n), time(18, 30))
        db.session.add(
            NewsConsent(
                email=member.email,
                edition=NewsEdition.MEMBERS,
                event=ConsentEvent.WITHDRAWN,
                wording=wording,
                source="profile",
                at=opted_out[member.email],
            )
        )
    return opted_out


def _receiving(
    members: list[str],
    opted_out: dict[str, datetime],
    subscribers: list[tuple[str, datetime | None, datetime | None]],
    bounced: dict[str, datetime],
    at: datetime,
) -> int:
    """How many the issue went to at `at`: the members' addresses that had not yet opted out, and the
    public's confirmed addresses (with when confirmed and unsubscribed) that were not members' and had
    not bounced."""
    addresses = {email.lower() for email in members if email not in opted_out or opted_out[email] > at}
    addresses.update(
        email
        for email, confirmed_at, unsubscribed_at in subscribers
        if confirmed_at is not None
        and confirmed_at < at
        and (unsubscribed_at is None or unsubscribed_at > at)
        and (email not in bounced or bounced[email] >= at)
    )
    return len(addresses)


def _fill(issue: NewsIssue, editorial: str, calls: str, news: str, editorial_en: str = "") -> None:
    written = {NewsSectionKind.EDITORIAL: editorial, NewsSectionKind.CALLS: calls, NewsSectionKind.NEWS: news}
    for section in issue.sections:
        if section.kind in written:
            section.body = written[section.kind]
        if section.kind is NewsSectionKind.EDITORIAL and editorial_en and Language.EN in other_languages():
            text = next(text for text in section.texts if text.language == Language.EN)
            text.body = editorial_en


def load_news(today: date) -> dict[str, int]:
    """Issues, subscribers, consents and suppressions; returns counts of what was added."""
    # This month's issue is among them once its sending day has passed.
    months = [today.replace(day=1)]
    if _sending_time(months[0]) > clock.now():
        months = [(months[0] - timedelta(days=1)).replace(day=1)]
    for _ in range(PAST_ISSUES - 1):
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    members = db.session.scalars(sa.select(Member).where(Member.current_clause(today))).all()
    opted_out = _opt_out(members, today)
    people = _subscribers()
    subscribers = [_add_subscriber(person, n, today) for n, person in enumerate(people)]
    db.session.commit()
    #: address -> when its mail bounced: the sending of the issue that many issues ago
    bounced = {
        person.email: _sending_time(months[-person.bounced_issues_ago]) + timedelta(seconds=30)
        for person in people
        if person.bounced_issues_ago is not None
    }
    # Read once: each draft commits, which would have every member and subscriber loaded again per issue.
    addresses = [member.email for member in members]
    subscriptions = [(s.email, s.confirmed_at, s.unsubscribed_at) for s in subscribers]
    issues: dict[date, NewsIssue] = {}
    for month in months:
        issue = drafting.draft_issue(month)
        _fill(issue, *WRITTEN[month.month], EDITORIAL_EN[month.month])
        started = _sending_time(month)
        # Drafted by the scheduler on NEWS_DRAFT_DAY of the month before.
        drafted_on = (month - timedelta(days=1)).replace(day=int(current_app.config["NEWS_DRAFT_DAY"]))
        issue.created_at = clock.from_local(drafted_on, time(6, 0))
        issue.status = NewsIssueStatus.SENT
        issue.scheduled_for = issue.send_started_at = started
        issue.queued_at = started + timedelta(seconds=4)
        issue.sent_at = started + timedelta(minutes=1, seconds=12)
        issue.recipient_count = _receiving(addresses, opted_out, subscriptions, bounced, started)
        issues[month] = issue
    for person in people:
        if person.bounced_issues_ago is not None:
            month = months[-person.bounced_issues_ago]
            db.session.add(
                NewsSuppression(
                    email=person.email,
                    reason=SUPPRESSED_REPLY.format(email=person.email),
                    issue_id=issues[month].id,
                    at=bounced[person.email],
                )
            )
    db.session.commit()
    draft = drafting.draft_issue(drafting.first_of_next_month(today))
    banner = images.add_image(pictures.banner(), pictures.BANNER_ALT, None)
    _fill(draft, f"{DRAFT_EDITORIAL}\n\n{images.markdown(banner)}", "", "")
    db.session.commit()
    return {"e-news issues": len(issues) + 1, "e-news subscribers": len(subscribers)}
