"""The demo NMG's record: minutes of the meetings held, the decisions taken and the actions agreed.

The kick-off's minutes follow its own report and were approved at the first plenary after it, as every
meeting's minutes are at the next plenary held; the last meeting held is still a draft, the one before is
circulated for comments. Actions are in every status, some overdue, some the coordination team's, and
`member@demo.nmg` has one open and one overdue. Like the meetings, all of it is written as history, with
the dates it would have had: the rows are written directly, not through the services, which would date
every step today and mail each circulation to those present.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from . import clock
from .extensions import db
from .minutes import lifecycle, search, sections, writing
from .models import (
    ActionEvent,
    ActionEventKind,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    CoordinatorTerm,
    Decision,
    Invitation,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Member,
    MinutesApproval,
    MinutesComment,
    MinutesRevision,
    MinutesStatus,
    RevisionKind,
    action_owner,
)
from .models import Minutes as MinutesRecord

#: the coordination team members who write the minutes, in turn
WRITERS = ("Martina Greco", "Marco Bellandi")
MEMBER = "Francesca Moretti"  # member@demo.nmg

KICK_OFF_TEXTS = {
    1: "Il Ministero della Salute porta il saluto istituzionale e ricorda il ruolo dei gruppi mirror "
    "nazionali nel collegare le attività della partnership europea Transforming Health and Care Systems "
    "(THCS) alle strategie sanitarie nazionali e regionali. ProMIS ringrazia la Regione del Veneto per "
    "l'ospitalità nella sua sede di Roma.",
    2: "ProMIS presenta la partnership THCS, i suoi obiettivi e le modalità di partecipazione. Il gruppo "
    "mirror nazionale ha il compito di:\n\n"
    "- sostenere il coinvolgimento nazionale nelle iniziative THCS;\n"
    "- fornire riscontri strutturati sulle attività della partnership;\n"
    "- promuovere il dialogo tra i portatori di interesse nazionali;\n"
    "- garantire un approccio integrato e transdisciplinare.",
    3: "Il gruppo integra portatori di interesse istituzionali, nazionali e regionali, per una visione "
    "condivisa e una migliore cooperazione sui temi THCS, ed è aperto a tutte le organizzazioni con "
    "esperienza in iniziative congiunte in medicina, economia sanitaria, scienze sociali e tecnologie "
    "sanitarie. Ne fanno parte 21 esperti in rappresentanza di: Dipartimento per gli Affari Europei e "
    "Dipartimento per la Trasformazione Digitale della Presidenza del Consiglio, AGENAS, AIFA, ISS, "
    "Ministero dell'Università e della Ricerca, Ministero della Salute, Regioni Toscana, Veneto e "
    "Lombardia, INMP, con il supporto di ProMIS.\n\n"
    "Il ruolo di coordinatore è affidato inizialmente al rappresentante di ProMIS, con rotazione annuale "
    "per equità e leadership condivisa. Il coordinatore organizza le riunioni, gestisce il calendario e "
    "cura la rendicontazione. Il gruppo agisce come organo consultivo strategico: sostiene i work package "
    "THCS, contribuisce a individuare le priorità delle call congiunte (JTC) e le barriere alla "
    "trasformazione del sistema sanitario, e aiuta a mappare altri esperti quando serve.",
    4: "Nella sessione interattiva gli esperti discutono le priorità THCS per l'Italia. Il brainstorming "
    "permette di verificare subito l'interesse dei portatori di interesse e le attività concrete da "
    "avviare a sostegno dei progetti e della diffusione dei risultati. Emergono come temi chiave:\n\n"
    "- integrazione dei portatori di interesse: una visione condivisa per collegare gli obiettivi THCS "
    "alle strategie sanitarie nazionali e locali;\n"
    "- comunicazione interna ed esterna strutturata, allineata al quadro europeo di THCS e a sostegno della "
    "collaborazione con i work package, in particolare WP4, WP5, WP8 e WP9;\n"
    "- approccio basato sulle evidenze, con indicatori misurabili per monitorare la qualità e "
    "l'accessibilità dell'assistenza.\n\n"
    "Il gruppo cercherà una rappresentanza ampia e una governance inclusiva. Si propone di includere tra i "
    "temi anche la privacy e la conformità al GDPR nella ricerca e la proprietà intellettuale.",
    5: "Il coordination team presenta il quadro operativo interno:\n\n"
    "- riunioni plenarie sei volte l'anno, online, di cui almeno due in presenza;\n"
    "- riunioni tematiche tre volte l'anno, in modalità ibrida;\n"
    "- incontri bilaterali tecnico-scientifici secondo necessità;\n"
    "- e-news mensile, con contenuti e invio a cura del coordination team;\n"
    "- partecipazione a eventi e iniziative THCS dei membri o di altri portatori di interesse, secondo i "
    "temi.\n\n"
    "Per ogni riunione il coordinatore cura calendario e organizzazione, il coordination team contenuti e "
    "verbale. Per la strategia esterna si prevedono eventi, pubblicazioni, il sito THCS e quello di ProMIS "
    "per far conoscere il gruppo e la partnership; questionari, incontri e consultazioni pubbliche per "
    "coinvolgere gli esperti e il pubblico.",
    6: "Entro gennaio 2025:\n\n"
    "- conferma della nomina del coordinatore, in linea con i principi di governance concordati;\n"
    "- mappatura degli esperti: circolazione di un file per individuare gli esperti nazionali per "
    "competenza e affiliazione;\n"
    "- questionario iniziale ai membri e ai portatori di interesse su priorità e barriere per l'attuazione "
    "di THCS.\n\n"
    "Per far conoscere il gruppo si propone una conferenza di lancio come evento collaterale "
    "dell'Assemblea generale (Napoli, febbraio 2025); si cercheranno sinergie con i partenariati e le "
    "iniziative esistenti, per assicurare complementarità e impatto.",
}
#: the kick-off's minutes before the comment that asked for privacy and intellectual property
KICK_OFF_BEFORE_COMMENT = (
    4,
    " Si propone di includere tra i temi anche la privacy e la conformità al GDPR nella ricerca e la "
    "proprietà intellettuale.",
)
KICK_OFF_COMMENT = (
    4,
    "Nella discussione è stato chiesto di occuparci anche di privacy e GDPR nella ricerca e di proprietà "
    "intellettuale: propongo di riportarlo nel verbale.",
    "Stefano Rinaldi",
)
KICK_OFF_DECISIONS = [
    (
        3,
        "Il coordinamento del gruppo è affidato per il primo anno al rappresentante di ProMIS; il ruolo "
        "ruota ogni anno tra i membri.",
    ),
    (
        5,
        "Il gruppo si riunisce in plenaria sei volte l'anno, online, di cui almeno due in presenza, e in "
        "riunioni tematiche tre volte l'anno in modalità ibrida.",
    ),
    (
        5,
        "Il coordination team cura i contenuti delle riunioni e ne redige i verbali; l'e-news esce ogni "
        "mese.",
    ),
    (
        6,
        "Entro gennaio 2025 si lancia un questionario ai membri e ai portatori di interesse su priorità e "
        "barriere per l'attuazione di THCS.",
    ),
]


@dataclass(frozen=True)
class DemoAction:
    #: the agenda item's position, or 0 for the opening section
    position: int
    title: str
    owners: tuple[str, ...] = ()
    is_team_owned: bool = False
    notes: str = ""


@dataclass(frozen=True)
class KickOffAction:
    action: DemoAction
    due_on: date
    status: ActionStatus
    #: the note of the status change, or the reason for dropping
    text: str = ""


KICK_OFF_ACTIONS = [
    KickOffAction(
        DemoAction(
            6,
            "Circolare il file per la mappatura degli esperti nazionali per competenza e affiliazione",
            is_team_owned=True,
        ),
        date(2024, 12, 20),
        ActionStatus.DONE,
        "File circolato il 29 novembre; raccolti 34 nominativi.",
    ),
    KickOffAction(
        DemoAction(
            6,
            "Preparare e lanciare il questionario iniziale su priorità e barriere per l'attuazione di THCS",
            ("Giulia Ferraresi", "Martina Greco"),
            notes="Domande brevi, compilabili in dieci minuti; da inviare anche ai portatori di interesse "
            "regionali.",
        ),
        date(2025, 1, 31),
        ActionStatus.DONE,
        "Questionario online dal 20 gennaio.",
    ),
    KickOffAction(
        DemoAction(5, "Preparare il primo numero dell'e-news mensile del gruppo", is_team_owned=True),
        date(2024, 12, 16),
        ActionStatus.DONE,
    ),
    KickOffAction(
        DemoAction(
            6,
            "Organizzare la conferenza di lancio del gruppo come evento collaterale dell'Assemblea generale "
            "di Napoli",
            ("Giulia Ferraresi",),
        ),
        date(2025, 2, 14),
        ActionStatus.DROPPED,
        "L'Assemblea generale non prevede eventi collaterali: il gruppo si presenta alla giornata dei gruppi "
        "mirror della partnership.",
    ),
    KickOffAction(
        DemoAction(
            6,
            "Individuare le sinergie con i partenariati e le iniziative esistenti",
            ("Paolo Santini", "Giorgio Mancini"),
            notes="Partire dai partenariati europei in cui l'Italia è già presente.",
        ),
        date(2025, 3, 31),
        ActionStatus.IN_PROGRESS,
        "Prima ricognizione fatta sui partenariati del programma Horizon Europe.",
    ),
]

PARTNERSHIP_NEWS = [
    "ProMIS riferisce sull'Assemblea generale della partnership: approvato il piano di lavoro annuale e "
    "confermato il calendario delle call congiunte. Si sottolinea il peso dei contributi dei gruppi mirror "
    "nella scelta dei temi.",
    "ProMIS presenta l'esito della call congiunta transnazionale: tre progetti con partner italiani sono "
    "ammessi al finanziamento. Il gruppo chiede l'elenco dei progetti per presentarli nell'e-news.",
    "La partnership ha pubblicato il documento di orientamento sulla trasformazione dei sistemi sanitari e "
    "di cura; ProMIS ne illustra i punti principali e invita i membri a segnalare le esperienze nazionali "
    "pertinenti.",
    "ProMIS informa che la partnership prepara la giornata annuale dei gruppi mirror nazionali, aperta al "
    "pubblico: ogni gruppo presenterà le proprie attività e i risultati delle consultazioni.",
    "Sono in programma webinar della partnership sulla valutazione d'impatto e sulla scrittura delle "
    "proposte, aperti agli esperti del gruppo. Il calendario sarà nell'e-news del mese.",
    "ProMIS riferisce sull'incontro di coordinamento dei gruppi mirror: si è discusso di come rendere più "
    "strutturati i riscontri nazionali e di come condividere le buone pratiche tra paesi.",
]
WORK_PACKAGE_REPORTS = [
    "WP4: prosegue la raccolta dei contributi nazionali sulle priorità di ricerca; Francesca Moretti "
    "(AIFA) segnala i riferimenti regolatori utili.\n\n"
    "WP8: Andrea Colombo (DTD) presenta la mappatura delle fonti di dati per la valutazione delle "
    "performance del sistema sanitario.",
    "WP5: Roberto Fontana (AGENAS) illustra il confronto tra i metodi di valutazione delle tecnologie "
    "sanitarie usati nelle Regioni.\n\n"
    "WP9: Irene Costa (Regione Toscana) riferisce sulle esperienze di integrazione sociosanitaria raccolte "
    "finora.",
    "WP8: Sara De Luca (DTD) aggiorna sul lavoro relativo alla governance dei dati e allo spazio europeo "
    "dei dati sanitari.\n\n"
    "WP4: Laura Conti (ISS) propone di collegare la mappatura delle iniziative nazionali alle banche dati "
    "epidemiologiche dell'ISS.",
    "WP9: Elena Marchetti (Regione Veneto) presenta il modello veneto di assistenza territoriale.\n\n"
    "WP5: Davide Ricci (ISS) riferisce sugli indicatori economici proposti dalla partnership.",
    "WP4 e WP5: Giorgio Mancini (MUR) riferisce sul coordinamento con i programmi nazionali di ricerca.\n\n"
    "WP8: Valentina Cattaneo (Regione Lombardia) porta l'esperienza lombarda sui dati di welfare.",
    "WP9: Nicola Ferri (INMP) segnala i temi della salute delle popolazioni migranti da portare alla "
    "partnership.\n\n"
    "WP8: Matteo Barbieri (Ministero della Salute) aggiorna sul fascicolo sanitario elettronico.",
]
CONSULTATIONS = [
    "Il coordination team presenta i primi risultati del questionario su priorità e barriere per "
    "l'attuazione di THCS: hanno risposto 38 tra membri e portatori di interesse. Tra le barriere più "
    "citate: frammentazione dei dati, poco personale dedicato all'innovazione, tempi lunghi di adozione a "
    "livello regionale.",
    "Si discute il contributo nazionale alla consultazione pubblica della partnership. Il documento sarà "
    "integrato con le osservazioni delle Regioni e trasmesso dal coordinatore.",
    "Il coordination team propone un secondo giro di consultazione rivolto agli esperti clinici e alle "
    "associazioni di pazienti, finora poco rappresentati nel gruppo.",
    "Presentata la sintesi delle interviste agli esperti regionali: servono indicatori condivisi e un "
    "raccordo più stretto tra programmazione regionale e progetti europei.",
    "Si raccolgono le osservazioni dei membri sul documento della partnership sulle priorità della "
    "prossima call; il coordination team le consolida in un unico contributo.",
    "La mappatura degli esperti conta ora oltre sessanta nominativi; il coordination team propone di "
    "usarla per indicare valutatori e relatori per gli eventi della partnership.",
]
OTHER_BUSINESS = [
    "Nessun altro argomento.",
    "La Regione Toscana offre la propria sede di Firenze per una prossima riunione in presenza.",
    "Si ricorda che i contributi per l'e-news del mese vanno inviati al coordination team entro il 20.",
    "INMP propone di dedicare una riunione tematica alla salute delle popolazioni migranti.",
]
PLENARY_DECISIONS = [
    (4, "I risultati del questionario su priorità e barriere sono pubblicati in sintesi nell'e-news."),
    (2, "Il gruppo partecipa alla giornata dei gruppi mirror della partnership con tre esperti."),
    (
        3,
        "Si costituisce un sottogruppo sui dati per la valutazione delle performance del sistema sanitario, "
        "a supporto del WP8.",
    ),
    (4, "Il contributo nazionale alla consultazione della partnership è trasmesso dal coordinatore."),
    (1, "Le plenarie in presenza dell'anno si tengono a Roma, presso il Ministero della Salute."),
    (
        4,
        "Il secondo giro di consultazione coinvolge le associazioni di pazienti indicate dai membri.",
    ),
    (3, "I referenti dei work package inviano una sintesi scritta prima di ogni plenaria."),
    (2, "L'e-news riporta ogni mese le call e gli eventi aperti della partnership."),
]
PLENARY_ACTIONS = [
    DemoAction(4, "Chiudere l'analisi del questionario su priorità e barriere", is_team_owned=True),
    DemoAction(
        3,
        "Inviare al WP8 l'elenco delle fonti di dati nazionali sulle performance del sistema sanitario",
        ("Andrea Colombo", "Sara De Luca"),
    ),
    DemoAction(
        3,
        "Preparare una nota sulle esperienze regionali di integrazione sociosanitaria per il WP9",
        ("Irene Costa", "Elena Marchetti"),
    ),
    DemoAction(
        2,
        "Diffondere ai membri la sintesi dei progetti finanziati con partner italiani",
        ("Giulia Ferraresi",),
    ),
    DemoAction(
        4,
        "Preparare il contributo nazionale alla consultazione pubblica della partnership",
        ("Chiara Lodovici",),
        is_team_owned=True,
        notes="Raccogliere prima le osservazioni delle tre Regioni del gruppo.",
    ),
    DemoAction(
        3, "Confrontare i metodi regionali di valutazione delle tecnologie sanitarie", ("Roberto Fontana",)
    ),
    DemoAction(2, "Raccogliere le candidature per la giornata dei gruppi mirror", is_team_owned=True),
    DemoAction(
        4,
        "Individuare le associazioni di pazienti da coinvolgere nel secondo giro di consultazione",
        ("Nicola Ferri", "Silvia Longo"),
    ),
    DemoAction(
        3, "Aggiornare la mappatura degli esperti con le competenze su privacy e GDPR", ("Sara De Luca",)
    ),
    DemoAction(
        2, "Preparare la scheda del gruppo per il sito di ProMIS", ("Giulia Ferraresi", "Martina Greco")
    ),
    DemoAction(
        3,
        "Proporre gli indicatori economici da condividere con il WP5",
        ("Davide Ricci", "Alessandro Vitale"),
    ),
]
#: the theme of each thematic meeting, in turn: title, discussion, decision, action
THEMES = [
    (
        "Integrazione sociosanitaria e assistenza territoriale",
        "Irene Costa ed Elena Marchetti presentano i modelli toscano e veneto di integrazione tra servizi "
        "sanitari e sociali. La discussione si concentra sulla continuità delle cure e sul ruolo delle case "
        "della comunità.",
        "Il gruppo prepara un documento di posizione sull'integrazione sociosanitaria per il WP9.",
        DemoAction(
            0,
            "Redigere la bozza del documento di posizione sull'integrazione sociosanitaria",
            ("Irene Costa",),
        ),
    ),
    (
        "Dati sanitari e valutazione delle performance",
        "Andrea Colombo e Sara De Luca illustrano le fonti di dati disponibili e i limiti del loro uso "
        "secondario. Si discute dello spazio europeo dei dati sanitari e delle sue ricadute sulle Regioni.",
        "Le fonti di dati individuate sono raccolte in un elenco condiviso, aggiornato dal WP8.",
        DemoAction(0, "Avviare l'elenco condiviso delle fonti di dati sanitari", ("Andrea Colombo",)),
    ),
    (
        "Priorità nazionali per la prossima call congiunta",
        "Il gruppo confronta le priorità emerse dal questionario con i temi proposti dalla partnership. "
        "Convergenza su sostenibilità del personale sanitario e innovazione organizzativa.",
        "Le priorità nazionali proposte sono sostenibilità del personale e innovazione organizzativa.",
        DemoAction(0, "Trasmettere alla partnership le priorità nazionali per la call", is_team_owned=True),
    ),
    (
        "Privacy, GDPR e proprietà intellettuale nella ricerca",
        "Francesca Moretti e Sara De Luca introducono i nodi giuridici dei progetti multicentrici: basi "
        "giuridiche del trattamento, accordi tra partner, gestione dei risultati.",
        "Il gruppo raccoglie le domande ricorrenti dei ricercatori in una guida sintetica.",
        DemoAction(0, "Raccogliere le domande ricorrenti su privacy e proprietà intellettuale", (MEMBER,)),
    ),
    (
        "Valutazione delle tecnologie sanitarie e innovazione organizzativa",
        "Roberto Fontana presenta il programma nazionale di HTA; si discute di come valutare le innovazioni "
        "organizzative, oltre che i dispositivi e i farmaci.",
        "Si propone alla partnership un webinar sulla valutazione delle innovazioni organizzative.",
        DemoAction(0, "Proporre alla partnership il programma del webinar sull'HTA", ("Roberto Fontana",)),
    ),
    (
        "Salute delle popolazioni migranti e contrasto delle disuguaglianze",
        "Nicola Ferri (INMP) presenta i dati sull'accesso ai servizi delle popolazioni migranti; le Regioni "
        "riportano le proprie esperienze di mediazione culturale.",
        "Il tema dell'equità di accesso è proposto come criterio trasversale per i progetti della "
        "partnership.",
        DemoAction(0, "Preparare una scheda sull'equità di accesso per la partnership", ("Nicola Ferri",)),
    ),
]
THEMATIC_OTHER_BUSINESS = "Le slide presentate sono disponibili nell'area riservata del gruppo."
COMMENTS = [
    (3, "Suggerisco di citare anche il contributo di AGENAS sulla mappatura dei servizi territoriali."),
    (2, "Il numero dei progetti finanziati con partner italiani va verificato: a me ne risultano quattro."),
    (0, "Nell'elenco dei presenti manca la collega della Regione Lombardia, collegata nella seconda parte."),
    (4, "Chiedo di precisare la scadenza per l'invio delle osservazioni delle Regioni."),
]
COMMENT_AUTHORS = [MEMBER, "Stefano Rinaldi", "Lorenzo Galli", "Laura Conti", "Valentina Cattaneo"]
DROP_REASONS = [
    "Superata dalle decisioni della partnership.",
    "Assorbita da un'altra azione.",
    "Nessun riscontro dalle organizzazioni coinvolte.",
    "Non più prioritaria dopo l'ultima plenaria.",
]
PROGRESS_NOTES = ["Bozza in preparazione.", "Primi contatti presi.", "Raccolti metà dei contributi."]
DONE_NOTES = ["", "Inviato il documento.", "Presentato in plenaria.", "Pubblicato nell'e-news."]


def _local_day(instant: datetime) -> date:
    return clock.local(instant).date()


@dataclass
class Plan:
    """What becomes of one meeting's minutes."""

    meeting: Meeting
    status: MinutesStatus
    #: the plenary that approved them
    approver: Meeting | None = None
    revisions: int = 1


def _plan(held: list[Meeting]) -> list[Plan]:
    """The last meeting held has draft minutes, the one before circulated ones; earlier ones are approved
    at the next plenary held (or by the team, for types whose minutes the team approves)."""
    plenaries = [m for m in held if m.type.code == lifecycle.PLENARY]
    plans = []
    for index, meeting in enumerate(held):
        from_end = len(held) - index
        approver = next((p for p in plenaries if p.starts_at > meeting.starts_at), None)
        by_team = meeting.type.minutes_approval is MinutesApproval.TEAM
        if index and from_end == 1:
            plans.append(Plan(meeting, MinutesStatus.DRAFT, revisions=3))
        elif (index and from_end == 2) or (approver is None and not by_team):
            plans.append(Plan(meeting, MinutesStatus.CIRCULATED, revisions=2))
        else:
            revisions = 3 if index == 0 else 1 + index % 2
            plans.append(Plan(meeting, MinutesStatus.APPROVED, None if by_team else approver, revisions))
    return plans


class Writer:
    """Writes the demo's record, with the people of the demo by name."""

    def __init__(self, members: list[Member], terms: list[CoordinatorTerm], today: date, now: datetime):
        self.people = {member.full_name: member for member in members}
        self.terms = terms
        self.today = today
        self.now = now
        self.rng = random.Random(2024)
        self.decision_numbers: dict[int, int] = {}
        self.counts = {"minutes": 0, "decisions": 0, "actions": 0}

    def coordinator_on(self, day: date) -> Member:
        return next((t.member for t in self.terms if t.covers(day)), self.terms[0].member)

    def writer(self, index: int) -> Member:
        return self.people[WRITERS[index % len(WRITERS)]]

    def at(self, meeting: Meeting, days: float, limit: datetime) -> datetime:
        """`days` after the meeting ended, but before `limit`."""
        return max(meeting.ends_at, min(meeting.ends_at + timedelta(days=days), limit - timedelta(hours=1)))

    # --- texts -------------------------------------------------------------------------------------------

    def opening(self, meeting: Meeting, chair: Member, writer: Member, extra: str = "") -> str:
        start, end = clock.local(meeting.starts_at), clock.local(meeting.ends_at)
        where = {
            MeetingMode.ONLINE: "in videoconferenza",
            MeetingMode.ONSITE: f"presso {meeting.venue}",
            MeetingMode.HYBRID: f"in modalità ibrida, presso {meeting.venue} e in videoconferenza",
        }[meeting.mode]
        present = lifecycle.attendees(meeting)
        excused = [i for i in meeting.invitations if i.attendance is Attendance.EXCUSED]
        text = (
            f"La riunione si apre alle {start:%H:%M} {where} e si chiude alle {end:%H:%M}. Presiede "
            f"{chair.full_name}. Sono presenti {len(present)} dei {len(meeting.invitations)} membri "
            f"invitati; {len(excused)} hanno giustificato l'assenza. Il verbale è redatto dal coordination "
            f"team ({writer.full_name})."
        )
        return f"{text}\n\n{extra}" if extra else text

    def kick_off_texts(self, meeting: Meeting, writer: Member) -> dict[str, str]:
        texts = {
            sections.OPENING: self.opening(
                meeting,
                self.coordinator_on(_local_day(meeting.starts_at)),
                writer,
                "La riunione, promossa da ProMIS e dal Ministero della Salute, ha per obiettivo la "
                "costituzione del gruppo mirror nazionale italiano (IT NMG) della partnership THCS.",
            )
        }
        for item in meeting.agenda_items:
            if item.position in KICK_OFF_TEXTS:
                texts[sections.item_key(item)] = KICK_OFF_TEXTS[item.position]
        return texts

    def plenary_texts(self, meeting: Meeting, turn: int, writer: Member, approves: bool) -> dict[str, str]:
        chair = self.coordinator_on(_local_day(meeting.starts_at))
        welcome = f"{chair.full_name} dà il benvenuto ai partecipanti e richiama l'ordine del giorno."
        by_position = {
            1: welcome if approves else f"{welcome} Non vi sono verbali da approvare.",
            2: PARTNERSHIP_NEWS[turn % len(PARTNERSHIP_NEWS)],
            3: WORK_PACKAGE_REPORTS[turn % len(WORK_PACKAGE_REPORTS)],
            4: CONSULTATIONS[turn % len(CONSULTATIONS)],
            5: OTHER_BUSINESS[turn % len(OTHER_BUSINESS)],
        }
        texts = {sections.OPENING: self.opening(meeting, chair, writer)}
        for item in meeting.agenda_items:
            if item.kind == lifecycle.APPROVAL_KIND:
                texts[sections.item_key(item)] = "Il verbale è approvato senza modifiche."
            elif item.position in by_position:
                texts[sections.item_key(item)] = by_position[item.position]
        return texts

    def thematic_texts(self, meeting: Meeting, turn: int, writer: Member) -> dict[str, str]:
        title, discussion, _, _ = THEMES[turn % len(THEMES)]
        chair = self.coordinator_on(_local_day(meeting.starts_at))
        return {
            sections.OPENING: self.opening(meeting, chair, writer, f"**Tema: {title}.**\n\n{discussion}"),
            sections.OTHER_BUSINESS: THEMATIC_OTHER_BUSINESS,
        }

    # --- minutes -----------------------------------------------------------------------------------------

    def minutes(
        self,
        plan: Plan,
        final: dict[str, str],
        writer: Member,
        earlier: dict[str, str],
        *,
        again: bool = False,
    ) -> MinutesRecord:
        """The revisions leading to `final` (the first ones with fewer sections written, then all of them
        as `earlier`), and the circulation and approval the plan calls for. `again`: the revision before
        the last was circulated first, and the last, written after the comments, went out again."""
        meeting = plan.meeting
        if plan.status is MinutesStatus.CIRCULATED:
            # Circulated a few days ago, so that comments are still open.
            limit = min(self.now, max(meeting.ends_at + timedelta(days=3), self.now - timedelta(days=2)))
        elif plan.approver is not None:
            limit = plan.approver.starts_at - timedelta(days=1)
        else:
            limit = self.now
        keys = list(final)
        texts = [
            {
                key: earlier.get(key, final[key])
                for key in keys[: math.ceil(len(keys) * n / (plan.revisions - 1))]
            }
            for n in range(1, plan.revisions)
        ]
        texts.append(final)
        record = MinutesRecord(
            meeting_id=meeting.id,
            status=MinutesStatus.DRAFT,
            version=len(texts),
            sections=final,
            search_text=writing.search_text(meeting, final),
        )
        db.session.add(record)
        db.session.flush()
        saved = [self.at(meeting, number, limit) for number in range(1, len(texts) + 1)]
        if again and len(saved) > 1:
            saved[-1] = min(max(saved[-1], saved[-2] + timedelta(days=4)), limit - timedelta(hours=1))
        for number, (text, saved_at) in enumerate(zip(texts, saved, strict=True), start=1):
            db.session.add(
                MinutesRevision(
                    minutes_id=record.id,
                    number=number,
                    sections=text,
                    author_id=(writer if number == 1 else self.writer(number)).id,
                    saved_at=saved_at,
                )
            )
            if number == 1:
                record.created_at = saved_at
            record.updated_at = saved_at
        if plan.status is not MinutesStatus.DRAFT:
            out = limit - timedelta(minutes=30) if plan.status is MinutesStatus.CIRCULATED else None
            out = out or min(record.updated_at + timedelta(hours=2), limit)
            self.circulate(plan, record, out, 2 if again else 1)
        self.counts["minutes"] += 1
        return record

    def circulate(self, plan: Plan, record: MinutesRecord, circulated_at: datetime, circulation: int) -> None:
        meeting = plan.meeting
        record.status = MinutesStatus.CIRCULATED
        record.circulation = circulation
        record.circulated_version = record.version
        record.circulated_at = circulated_at
        record.comments_due_on = _local_day(circulated_at) + timedelta(days=meeting.type.minutes_comment_days)
        plenary = plan.approver or lifecycle.next_plenary(max(circulated_at, meeting.starts_at), meeting.id)
        if meeting.type.minutes_approval is MinutesApproval.PLENARY and plenary is not None:
            record.approval_item_id = self.approval_item(meeting, plenary).id
        record.updated_at = circulated_at
        if plan.status is MinutesStatus.APPROVED:
            self.approve(plan, record)

    def approval_item(self, meeting: Meeting, plenary: Meeting) -> AgendaItem:
        item = AgendaItem(
            meeting_id=plenary.id,
            position=len(plenary.agenda_items) + 1,
            title=lifecycle.approval_title(meeting),
            duration_minutes=5,
            kind=lifecycle.APPROVAL_KIND,
        )
        plenary.agenda_items.append(item)
        db.session.flush()
        return item

    def approve(self, plan: Plan, record: MinutesRecord) -> None:
        if plan.approver is not None:
            approved_on = _local_day(plan.approver.starts_at)
            approved_at = plan.approver.ends_at
        else:
            approved_on = min(record.comments_due_on + timedelta(days=1), self.today)
            approved_at = min(clock.from_local(approved_on, time(12)), self.now)
        record.status = MinutesStatus.APPROVED
        record.approved_on = approved_on
        record.approved_at_meeting_id = plan.approver.id if plan.approver else None
        record.approved_by_id = self.coordinator_on(approved_on).id
        record.updated_at = approved_at

    def comment(
        self,
        record: MinutesRecord,
        meeting: Meeting,
        position: int,
        body: str,
        authors: list[str],
        resolved_by: Member | None,
        at: datetime,
    ) -> MinutesComment | None:
        present = {i.member.full_name: i.member for i in lifecycle.attendees(meeting) if i.member}
        author = next((present[name] for name in authors if name in present), None)
        if author is None:
            author = next((m for m in present.values() if not m.is_coordination_team), None)
        if author is None:
            return None
        comment = MinutesComment(
            minutes_id=record.id,
            section=self.section_key(meeting, position),
            body=body,
            author_id=author.id,
            created_at=at,
        )
        if resolved_by is not None:
            comment.resolved_at = min(at + timedelta(days=1), self.now)
            comment.resolved_by_id = resolved_by.id
        db.session.add(comment)
        return comment

    # --- decisions and actions ---------------------------------------------------------------------------

    def section_key(self, meeting: Meeting, position: int) -> str:
        item = next((i for i in meeting.agenda_items if i.position == position), None)
        return sections.item_key(item) if item is not None else sections.OPENING

    def decision(self, meeting: Meeting, position: int, text: str, by: Member, at: datetime) -> None:
        year = clock.local(meeting.starts_at).year
        number = self.decision_numbers.get(year, 0) + 1
        self.decision_numbers[year] = number
        decision = Decision(
            year=year,
            number=number,
            meeting_id=meeting.id,
            section=self.section_key(meeting, position),
            text=text,
            recorded_by_id=by.id,
            created_at=at,
        )
        decision.search_text = search.fold_all(decision.code, text, meeting.title)
        db.session.add(decision)
        self.counts["decisions"] += 1

    def action(
        self,
        meeting: Meeting,
        spec: DemoAction,
        due_on: date,
        status: ActionStatus,
        by: Member,
        text: str = "",
    ) -> ActionItem:
        """The action as agreed at the meeting, with the history that brought it to `status`."""
        key = self.section_key(meeting, spec.position)
        item = next((i for i in meeting.agenda_items if sections.item_key(i) == key), None)
        owners = [self.people[name] for name in spec.owners]
        created_at = min(meeting.ends_at + timedelta(hours=2), self.now)
        action = ActionItem(
            title=spec.title,
            notes=spec.notes,
            due_on=due_on,
            status=status,
            dropped_reason=text if status is ActionStatus.DROPPED else "",
            is_team_owned=spec.is_team_owned,
            meeting_id=meeting.id,
            section=key,
            agenda_item_id=item.id if item else None,
            owners=owners,
            created_by_id=by.id,
            created_at=created_at,
            updated_at=created_at,
        )
        action.events.append(
            ActionEvent(
                kind=ActionEventKind.CREATED, author_id=by.id, status_to=ActionStatus.OPEN, at=created_at
            )
        )
        author_id = owners[0].id if owners else by.id
        steps = {
            ActionStatus.OPEN: [],
            ActionStatus.IN_PROGRESS: [ActionStatus.IN_PROGRESS],
            ActionStatus.DONE: [ActionStatus.IN_PROGRESS, ActionStatus.DONE],
            ActionStatus.DROPPED: [ActionStatus.DROPPED],
        }[status]
        span = max((min(due_on, self.today) - _local_day(created_at)).days, 2)
        previous, at = ActionStatus.OPEN, created_at
        for step, next_status in enumerate(steps, start=1):
            at = min(created_at + timedelta(days=span * step / (len(steps) + 1)), self.now)
            action.events.append(
                ActionEvent(
                    kind=ActionEventKind.STATUS,
                    status_from=previous,
                    status_to=next_status,
                    text=text if next_status is status else "",
                    author_id=author_id,
                    at=at,
                )
            )
            previous = next_status
        action.updated_at = at
        db.session.add(action)
        db.session.flush()
        # The code "A-<id>" is searchable too; written with the day of the last change, not today's.
        db.session.execute(
            sa.update(ActionItem)
            .where(ActionItem.id == action.id)
            .values(
                search_text=search.fold_all(
                    action.title,
                    action.notes,
                    action.dropped_reason,
                    *(m.full_name for m in owners),
                    f"A-{action.id}",
                ),
                updated_at=at,
            )
        )
        self.counts["actions"] += 1
        return action

    def drawn_status(self, due_on: date) -> tuple[ActionStatus, str]:
        """Most actions due long ago are done; some are dropped, a few still open and overdue."""
        if due_on >= self.today:
            status = self.rng.choice([ActionStatus.OPEN, ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        elif (self.today - due_on).days > 180:
            status = self.rng.choices(
                [ActionStatus.DONE, ActionStatus.DROPPED, ActionStatus.IN_PROGRESS], [75, 20, 5]
            )[0]
        else:
            status = self.rng.choices(list(ActionStatus), [10, 20, 55, 15])[0]
        text = {
            ActionStatus.OPEN: "",
            ActionStatus.IN_PROGRESS: self.rng.choice(PROGRESS_NOTES),
            ActionStatus.DONE: self.rng.choice(DONE_NOTES),
            ActionStatus.DROPPED: self.rng.choice(DROP_REASONS),
        }[status]
        return status, text


def load_minutes(members: list[Member], terms: list[CoordinatorTerm], today: date) -> dict[str, int]:
    """Minutes, decisions and actions for every meeting held; returns counts of what was added.

    Runs once, with the rest of the demo, into a database without members."""
    now = clock.now()
    held = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.starts_at)
            .options(
                so.joinedload(Meeting.type),
                so.selectinload(Meeting.agenda_items),
                so.selectinload(Meeting.invitations).joinedload(Invitation.member),
            )
        )
    )
    writer = Writer(members, terms, today, now)
    if not held:
        return writer.counts
    plans = _plan(held)
    approvers = {plan.approver.id for plan in plans if plan.approver}
    plenary_turn = thematic_turn = 0
    for index, plan in enumerate(plans):
        meeting = plan.meeting
        author, team = writer.writer(index), writer.writer(index + 1)
        if index == 0:
            _kick_off(writer, plan, author)
            continue
        if meeting.type.code == lifecycle.PLENARY:
            final = writer.plenary_texts(meeting, plenary_turn, author, meeting.id in approvers)
            decisions = [
                PLENARY_DECISIONS[(plenary_turn + n) % len(PLENARY_DECISIONS)] for n in range(1 + index % 2)
            ]
            specs = [PLENARY_ACTIONS[(2 * plenary_turn + n) % len(PLENARY_ACTIONS)] for n in range(2)]
            plenary_turn += 1
        elif meeting.type.code == "thematic":
            final = writer.thematic_texts(meeting, thematic_turn, author)
            _, _, decision, spec = THEMES[thematic_turn % len(THEMES)]
            decisions, specs = [(0, decision)], [spec]
            thematic_turn += 1
        else:
            final = {sections.OPENING: writer.opening(meeting, writer.coordinator_on(today), author)}
            decisions, specs = [], []
        # The revisions before the last lacked the last sentence of each section.
        earlier = {key: text.rsplit(". ", 1)[0] + "." for key, text in final.items() if ". " in text}
        record = writer.minutes(plan, final, author, earlier)
        if plan.status is MinutesStatus.CIRCULATED:
            at = min(now, record.circulated_at + timedelta(hours=20))
            for n, resolved_by in enumerate((team, None)):
                position, body = COMMENTS[(index + n) % len(COMMENTS)]
                writer.comment(record, meeting, position, body, COMMENT_AUTHORS[2 * n :], resolved_by, at)
        elif plan.status is MinutesStatus.APPROVED and index % 4 == 1:
            position, body = COMMENTS[index % len(COMMENTS)]
            writer.comment(
                record,
                meeting,
                position,
                body,
                COMMENT_AUTHORS[1:],
                team,
                record.circulated_at + timedelta(days=1),
            )
        for position, text in decisions:
            writer.decision(meeting, position, text, author, record.created_at)
        for spec in specs:
            due_on = _local_day(meeting.starts_at) + timedelta(days=writer.rng.choice([14, 21, 30, 45, 60]))
            status, text = writer.drawn_status(due_on)
            writer.action(meeting, spec, due_on, status, author, text)
    _member_actions(writer, plans)
    db.session.commit()
    return writer.counts


def _kick_off(writer: Writer, plan: Plan, author: Member) -> None:
    """The kick-off's minutes: drafted, circulated, changed after a comment, circulated again, approved."""
    meeting = plan.meeting
    final = writer.kick_off_texts(meeting, author)
    position, removed = KICK_OFF_BEFORE_COMMENT
    key = writer.section_key(meeting, position)
    record = writer.minutes(plan, final, author, {key: final[key].replace(removed, "")}, again=True)
    last = db.session.scalar(
        sa.select(MinutesRevision).where(
            MinutesRevision.minutes_id == record.id, MinutesRevision.number == record.version
        )
    )
    comment_position, body, commenter = KICK_OFF_COMMENT
    comment = writer.comment(
        record, meeting, comment_position, body, [commenter], author, last.saved_at - timedelta(days=1)
    )
    if comment is not None:
        comment.resolved_at = last.saved_at
    for decision_position, text in KICK_OFF_DECISIONS:
        writer.decision(meeting, decision_position, text, author, record.created_at)
    for spec in KICK_OFF_ACTIONS:
        writer.action(meeting, spec.action, spec.due_on, spec.status, author, spec.text)


def _member_actions(writer: Writer, plans: list[Plan]) -> None:
    """`member@demo.nmg` has an open action of the last meeting held and an overdue one of an earlier."""
    last = plans[-1].meeting
    writer.action(
        last,
        DemoAction(
            4,
            "Raccogliere le osservazioni di AIFA sul documento di priorità della partnership",
            (MEMBER,),
            notes="Le osservazioni confluiscono nel contributo nazionale.",
        ),
        max(writer.today, _local_day(last.starts_at)) + timedelta(days=21),
        ActionStatus.OPEN,
        writer.writer(0),
    )
    lapsed = [p.meeting for p in plans if _local_day(p.meeting.starts_at) + timedelta(days=21) < writer.today]
    earlier = lapsed[-1] if lapsed else plans[0].meeting
    writer.action(
        earlier,
        DemoAction(
            3,
            "Inviare al WP4 i riferimenti regolatori sull'accesso ai farmaci innovativi",
            (MEMBER, "Paolo Santini"),
        ),
        _local_day(earlier.starts_at) + timedelta(days=21),
        ActionStatus.OPEN,
        writer.writer(0),
    )


# --- benchmarks ----------------------------------------------------------------------------------------

SCALE_TITLES = [
    "Raccogliere i contributi nazionali per il {wp}",
    "Inviare la sintesi della riunione ai referenti del {wp}",
    "Preparare la scheda di aggiornamento per il {wp}",
    "Verificare con le Regioni i dati richiesti dal {wp}",
    "Proporre un relatore per il webinar del {wp}",
    "Aggiornare la mappatura degli esperti per il {wp}",
]
WORK_PACKAGES = ["WP4", "WP5", "WP8", "WP9"]


def add_scale_minutes(actions: int, seed: int = 2024) -> int:
    """Minutes for every held meeting that has none (the synthetic ones), and `actions` actions spread
    over those meetings and owned by their invitees, inserted in bulk; for benchmarks. Returns the number
    of minutes added."""
    rng = random.Random(seed)
    now, today = clock.now(), clock.today()
    meetings = db.session.execute(
        sa.select(
            Meeting.id, Meeting.title, Meeting.starts_at, Meeting.ends_at, MeetingType.minutes_comment_days
        )
        .join(Meeting.type)
        .outerjoin(MinutesRecord, MinutesRecord.meeting_id == Meeting.id)
        .where(Meeting.status == MeetingStatus.HELD, MinutesRecord.id.is_(None))
        .order_by(Meeting.starts_at)
    ).all()
    if not meetings:
        return 0
    plenaries = db.session.execute(
        sa.select(Meeting.id, Meeting.starts_at)
        .join(Meeting.type)
        .where(Meeting.status == MeetingStatus.HELD, MeetingType.code == lifecycle.PLENARY)
        .order_by(Meeting.starts_at)
    ).all()
    plenary_starts = [plenary.starts_at for plenary in plenaries]
    writer_id = db.session.scalar(
        sa.select(Member.id).where(Member.is_coordination_team).order_by(Member.id).limit(1)
    )
    first_id = _next_id(MinutesRecord.__table__)
    rows = []
    for meeting in meetings:
        text = (
            f"Verbale sintetico di {meeting.title}: discussione dei punti all'ordine del giorno e delle "
            "azioni in corso."
        )
        written_at = meeting.ends_at + timedelta(days=1)
        circulated_at = meeting.ends_at + timedelta(days=3)
        following = bisect.bisect_right(plenary_starts, circulated_at)
        approver = plenaries[following] if following < len(plenaries) else None
        row = {
            "id": first_id + len(rows),
            "meeting_id": meeting.id,
            "status": MinutesStatus.DRAFT,
            "version": 1,
            "sections": {sections.OPENING: text},
            "search_text": search.fold_all(meeting.title, text),
            "circulation": 0,
            "circulated_version": 0,
            "circulated_at": None,
            "comments_due_on": None,
            "approved_on": None,
            "approved_at_meeting_id": None,
            "approved_by_id": None,
            "created_at": min(written_at, now),
            "updated_at": min(written_at, now),
        }
        if circulated_at < now:
            row.update(
                status=MinutesStatus.CIRCULATED,
                circulation=1,
                circulated_version=1,
                circulated_at=circulated_at,
                comments_due_on=_local_day(circulated_at) + timedelta(days=meeting.minutes_comment_days),
                updated_at=circulated_at,
            )
        # The last six weeks' minutes wait for their approval.
        if circulated_at < now - timedelta(days=42) and approver is not None:
            row.update(
                status=MinutesStatus.APPROVED,
                approved_on=_local_day(approver.starts_at),
                approved_at_meeting_id=approver.id,
                approved_by_id=writer_id,
                updated_at=approver.starts_at,
            )
        rows.append(row)
    _insert_numbered(MinutesRecord.__table__, rows)
    db.session.execute(
        sa.insert(MinutesRevision.__table__),
        [
            {
                "minutes_id": row["id"],
                "number": 1,
                "sections": row["sections"],
                "kind": RevisionKind.EDIT,
                "note": "",
                "author_id": writer_id,
                "saved_at": row["created_at"],
            }
            for row in rows
        ],
    )
    _scale_actions(actions, meetings, writer_id, rng, today, now)
    db.session.commit()
    return len(rows)


def _scale_actions(
    count: int, meetings: list, writer_id: int | None, rng: random.Random, today: date, now: datetime
) -> None:
    """`count` actions over the meetings, owned by one or two of their invitees or by the team."""
    names = dict(
        db.session.execute(sa.select(Member.id, Member.full_name).where(Member.current_clause(today))).all()
    )
    invitees: dict[int, list[int]] = {}
    for meeting_id, member_id in db.session.execute(
        sa.select(Invitation.meeting_id, Invitation.member_id)
        .join(Invitation.meeting)
        .where(Meeting.status == MeetingStatus.HELD)
        .order_by(Invitation.id)
    ):
        if member_id in names:
            invitees.setdefault(meeting_id, []).append(member_id)
    everyone = sorted(names)
    first_id = _next_id(ActionItem.__table__)
    rows, owners = [], []
    for n in range(count):
        meeting = meetings[n % len(meetings)]
        due_on = _local_day(meeting.starts_at) + timedelta(days=rng.randrange(7, 180))
        # Most actions due long ago are closed; some are still open, overdue.
        age = (today - due_on).days
        weights = [5, 5, 70, 20] if age > 90 else [25, 25, 40, 10] if age > 0 else [55, 30, 10, 5]
        status = rng.choices(list(ActionStatus), weights)[0]
        people = invitees.get(meeting.id) or everyone
        chosen = [] if rng.random() < 0.1 else rng.sample(people, k=min(len(people), rng.choice([1, 1, 2])))
        title = SCALE_TITLES[n % len(SCALE_TITLES)].format(wp=WORK_PACKAGES[n % len(WORK_PACKAGES)])
        reason = rng.choice(DROP_REASONS) if status is ActionStatus.DROPPED else ""
        created_at = min(meeting.ends_at + timedelta(hours=2), now)
        rows.append(
            {
                "id": first_id + n,
                "title": title,
                "notes": "",
                "due_on": due_on,
                "status": status,
                "dropped_reason": reason,
                "is_team_owned": not chosen,
                "meeting_id": meeting.id,
                "section": sections.OPENING,
                "agenda_item_id": None,
                "search_text": search.fold_all(
                    title, reason, *(names[i] for i in chosen), f"A-{first_id + n}"
                ),
                "created_by_id": writer_id,
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        owners.append(chosen)
    _insert_numbered(ActionItem.__table__, rows)
    ids = [row["id"] for row in rows]
    db.session.execute(
        sa.insert(action_owner),
        [{"action_id": i, "member_id": m} for i, chosen in zip(ids, owners, strict=True) for m in chosen],
    )
    events = []
    for action_id, row in zip(ids, rows, strict=True):
        created = {
            "action_id": action_id,
            "kind": ActionEventKind.CREATED,
            "status_from": None,
            "status_to": ActionStatus.OPEN,
            "text": "",
            "author_id": writer_id,
            "at": row["created_at"],
        }
        events.append(created)
        if row["status"] is not ActionStatus.OPEN:
            events.append(
                created
                | {
                    "kind": ActionEventKind.STATUS,
                    "status_from": ActionStatus.OPEN,
                    "status_to": row["status"],
                    "text": row["dropped_reason"],
                    "at": min(row["created_at"] + timedelta(days=10), now),
                }
            )
    db.session.execute(sa.insert(ActionEvent.__table__), events)


def _next_id(table: sa.Table) -> int:
    return (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def _insert_numbered(table: sa.Table, rows: list[dict]) -> None:
    """Insert rows numbered from `_next_id` in one batch.

    The rows that refer to them need the ids in order; asking the database for them in order (RETURNING
    sorted by parameter) would insert one row at a time on SQLite. PostgreSQL's sequence is moved past the
    ids given, for the inserts that follow."""
    db.session.execute(sa.insert(table), rows)
    if rows and db.session.get_bind().dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        db.session.execute(sa.select(sa.func.setval(sequence, max(row["id"] for row in rows))))
