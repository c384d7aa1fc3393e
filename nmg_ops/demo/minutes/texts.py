"""What the demo's minutes say, in Italian: the kick-off's report, the plenaries' and the thematic
meetings' sections in turn, and the decisions taken and the actions agreed at them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...models import ActionStatus

#: the type at which the demo's minutes are approved, as the configured framework says
PLENARY = "plenary"
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
