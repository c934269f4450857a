"""The pages' words in Dutch and English, and Belgian formats for dates and times.

Dutch is the default (``PERMANENCE_LANGUAGE``); a visitor switches with a
cookie. Dates are written dd/mm/yyyy and times in 24 hours, always in the
cooperation's time zone: stored instants are UTC (or carry an offset) and are
converted here, at the last moment, so arithmetic never happens on wall-clock
times.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LANGUAGES = ("nl", "en")

WEEKDAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

# key → (Dutch, English). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # layout
    "app.name": ("Permanentie", "Permanence"),
    "app.skip": ("Naar de inhoud", "Skip to content"),
    "nav.dashboard": ("Overzicht", "Dashboard"),
    "nav.generate": ("Plannen", "Plan"),
    "nav.versions": ("Versies", "Versions"),
    "nav.people": ("Personen", "People"),
    "nav.absences": ("Afwezigheden", "Absences"),
    "nav.import": ("Importeren", "Import"),
    "nav.swaps": ("Ruilverzoeken", "Swap requests"),
    "nav.wall": ("Meldkamer", "Control room"),
    "nav.me": ("Mijn diensten", "My duties"),
    "nav.calendar": ("Kalender", "Calendar"),
    "nav.subscribe": ("Abonneren", "Subscribe"),
    "nav.my_swaps": ("Ruilen", "Swaps"),
    "nav.preferences": ("Voorkeuren", "Preferences"),
    "nav.logout": ("Afmelden", "Log out"),
    "nav.main": ("Hoofdmenu", "Main menu"),
    "lang.switch": ("English", "Nederlands"),
    "common.save": ("Opslaan", "Save"),
    "common.add": ("Toevoegen", "Add"),
    "common.delete": ("Verwijderen", "Delete"),
    "common.cancel": ("Annuleren", "Cancel"),
    "common.back": ("Terug", "Back"),
    "common.none": ("Geen", "None"),
    "common.from": ("Van", "From"),
    "common.to": ("Tot", "To"),
    "common.start": ("Begin", "Start"),
    "common.end": ("Einde", "End"),
    "common.role": ("Functie", "Role"),
    "common.zone": ("Zone", "Zone"),
    "common.person": ("Persoon", "Person"),
    "common.code": ("Code", "Code"),
    "common.name": ("Naam", "Name"),
    "common.status": ("Status", "Status"),
    "common.filter": ("Filteren", "Filter"),
    "common.all": ("Alle", "All"),
    "common.week": ("Week", "Week"),
    "common.previous": ("Vorige", "Previous"),
    "common.next": ("Volgende", "Next"),
    "common.today": ("Vandaag", "Today"),
    "common.print": ("Afdrukken", "Print"),
    "common.phone": ("Telefoon", "Phone"),
    "common.email": ("E-mail", "E-mail"),
    "common.reason": ("Reden", "Reason"),
    "common.kind": ("Soort", "Kind"),
    "common.actions": ("Acties", "Actions"),
    "common.until": ("tot", "until"),
    "common.first_day": ("Eerste dag", "First day"),
    "common.last_day": ("Laatste dag", "Last day"),
    "error.title": ("Er ging iets mis", "Something went wrong"),
    "error.csrf": (
        "Het formulier is verlopen. Laad de pagina opnieuw en probeer nog eens.",
        "The form has expired. Reload the page and try again.",
    ),
    "error.fields": ("Controleer deze velden:", "Please check these fields:"),
    # login
    "login.title": ("Aanmelden", "Log in"),
    "login.username": ("Gebruikersnaam", "Username"),
    "login.password": ("Wachtwoord", "Password"),
    "login.submit": ("Aanmelden", "Log in"),
    "login.failed": (
        "Onbekende gebruiker of fout wachtwoord.",
        "Unknown username or wrong password.",
    ),
    "login.throttled": (
        "Te veel mislukte pogingen. Probeer opnieuw over {minutes} minuten.",
        "Too many failed attempts. Try again in {minutes} minutes.",
    ),
    "login.logged_out": ("U bent afgemeld.", "You are logged out."),
    # dashboard
    "dash.title": ("Gepubliceerde planning", "Published rota"),
    "dash.oncall": ("Nu en straks van dienst", "On call now and next"),
    "dash.now": ("Nu", "Now"),
    "dash.next": ("Daarna", "Next"),
    "dash.off": ("geen dienst op dit moment", "no shift at this moment"),
    "dash.no_published": (
        "Er is nog geen gepubliceerde planning. Maak er een via Plannen.",
        "No rota has been published yet. Make one under Plan.",
    ),
    "dash.uncovered": ("niet bezet", "uncovered"),
    "dash.legend": ("Legende", "Legend"),
    "dash.weeks": ("weken", "weeks"),
    "dash.uncovered_count": ("Niet bezet: {count}", "Uncovered: {count}"),
    "dash.pending_swaps": (
        "Ruilverzoeken die op goedkeuring wachten: {count}",
        "Swap requests waiting for approval: {count}",
    ),
    # generate
    "gen.title": ("Planning maken", "Generate a rota"),
    "gen.horizon": ("Periode", "Horizon"),
    "gen.time_limit": ("Rekentijd (seconden)", "Time limit (seconds)"),
    "gen.roles": ("Functies", "Roles"),
    "gen.replan": (
        "Herplannen vanaf de gepubliceerde planning (zo weinig mogelijk wijzigingen)",
        "Re-plan from the published rota (as few changes as possible)",
    ),
    "gen.frozen_days": ("Dagen die vast blijven", "Days that stay fixed"),
    "gen.submit": ("Planning berekenen", "Compute rota"),
    "gen.recent": ("Recente berekeningen", "Recent runs"),
    "job.title": ("Berekening {id}", "Run {id}"),
    "job.progress": ("Voortgang", "Progress"),
    "job.elapsed": ("Verstreken", "Elapsed"),
    "job.objective": ("Beste waarde", "Best objective"),
    "job.bound": ("Ondergrens", "Bound"),
    "job.tier": ("Prioriteit", "Priority tier"),
    "job.stage": ("Stap", "Stage"),
    "job.cancel": ("Berekening stoppen", "Stop the run"),
    "job.review": ("Ontwerp bekijken", "Review the draft"),
    "job.status.queued": ("in de wachtrij", "queued"),
    "job.status.running": ("bezig", "running"),
    "job.status.succeeded": ("klaar", "finished"),
    "job.status.failed": ("mislukt", "failed"),
    "job.status.cancelled": ("gestopt", "stopped"),
    "job.cancel_requested": ("Stoppen gevraagd…", "Stop requested…"),
    "job.seconds": ("{value} s", "{value} s"),
    # versions / review
    "versions.title": ("Versies", "Versions"),
    "version.title": ("Versie {id}", "Version {id}"),
    "version.status.draft": ("ontwerp", "draft"),
    "version.status.published": ("gepubliceerd", "published"),
    "version.status.superseded": ("vervangen", "superseded"),
    "version.duties": ("Diensten", "Duties"),
    "version.uncovered": ("Niet bezet", "Uncovered"),
    "version.solver": ("Oplosser", "Solver"),
    "version.publish": ("Publiceren", "Publish"),
    "version.published_ok": ("Versie {id} is gepubliceerd.", "Version {id} is published."),
    "version.export": ("Excel (.xlsx)", "Excel (.xlsx)"),
    "version.fairness": ("Eerlijkheid", "Fairness"),
    "version.zone_share": ("Aandeel per zone", "Share per zone"),
    "version.person_load": ("Belasting per persoon", "Load per person"),
    "version.table": ("{role}: de cijfers als tabel", "{role}: the numbers as a table"),
    "version.fairness_help": (
        "Balk: belasting (geschiedenis inbegrepen); streep: doel. "
        "Rood: meer dan 10% naast het doel.",
        "Bar: load (history included); line: target. Red: more than 10% off target.",
    ),
    "version.explanation": ("Uitleg", "Explanation"),
    "version.no_problems": ("Alle diensten zijn bezet.", "Every shift is covered."),
    "version.diff": (
        "Verschil met de gepubliceerde versie",
        "Difference from the published version",
    ),
    "version.no_diff_base": (
        "Er is nog geen gepubliceerde versie voor deze periode.",
        "Nothing is published for this horizon yet.",
    ),
    "version.no_changes": ("Geen verschillen.", "No differences."),
    "version.is_published": (
        "Dit is de gepubliceerde versie van deze periode.",
        "This is the published version of this horizon.",
    ),
    "version.changes": ("Gewijzigde diensten: {count}", "Changed duties: {count}"),
    "version.before": ("Voor", "Before"),
    "version.after": ("Na", "After"),
    "version.grid": ("Rooster", "Rota"),
    "version.load": ("Belasting", "Load"),
    "version.target": ("Doel", "Target"),
    "version.deviation": ("Afwijking", "Deviation"),
    "version.created": ("Gemaakt", "Created"),
    # people
    "people.title": ("Personen", "People"),
    "people.qualifications": ("Kwalificaties", "Qualifications"),
    "people.qualifications_help": (
        "Gescheiden door komma's, bv. OBP, SB",
        "Comma separated, e.g. OBP, SB",
    ),
    "people.fte": ("Tewerkstelling (0–1)", "Employment fraction (0–1)"),
    "people.active_start": ("Actief vanaf", "Active from"),
    "people.active_end": ("Actief tot", "Active until"),
    "people.add": ("Persoon toevoegen", "Add a person"),
    "people.saved": ("{code} is opgeslagen.", "{code} is saved."),
    "people.search": ("Zoeken op naam of code", "Search by name or code"),
    "people.absences": ("Afwezigheden", "Absences"),
    "people.preferences": ("Voorkeuren", "Preferences"),
    "absences.title": ("Afwezigheden", "Absences"),
    "absences.add": ("Afwezigheid toevoegen", "Add an absence"),
    "absences.saved": ("De afwezigheid is opgeslagen.", "The absence is saved."),
    "absences.deleted": ("Verwijderd.", "Deleted."),
    "absences.end_help": ("Eerste dag dat de persoon er weer is", "First day the person is back"),
    "import.title": ("Importeren uit CSV of Excel", "Import from CSV or Excel"),
    "import.people": ("Personen", "People"),
    "import.absences": ("Afwezigheden", "Absences"),
    "import.file": ("Bestand (.csv of .xlsx)", "File (.csv or .xlsx)"),
    "import.upsert": ("Bestaande personen bijwerken", "Update existing people"),
    "import.submit": ("Importeren", "Import"),
    "import.done": (
        "{created} toegevoegd, {updated} bijgewerkt.",
        "{created} added, {updated} updated.",
    ),
    "import.refused": (
        "Niets geïmporteerd. Verbeter deze rijen (rij 1 is de eerste rij onder de kopregel):",
        "Nothing imported. Fix these rows (row 1 is the first row below the header):",
    ),
    "import.help": (
        "Eerste rij: kolomnamen. Personen: code, name, zone, qualifications (gescheiden door ;), "
        "fte, active_start, active_end, phone, email. Afwezigheden: person, start, end, reason. "
        "Alles of niets: bij één foute rij wordt niets ingelezen.",
        "First row: column names. People: code, name, zone, qualifications (separated by ;), "
        "fte, active_start, active_end, phone, email. Absences: person, start, end, reason. "
        "All or nothing: one bad row and nothing is read.",
    ),
    # preferences
    "prefs.title": ("Voorkeuren", "Preferences"),
    "prefs.help": (
        "Weken die u liever vermijdt of net wilt. De planning houdt er rekening mee als het kan.",
        "Weeks you would rather avoid or would like. The planning follows them where it can.",
    ),
    "prefs.avoid": ("Liever niet", "Avoid"),
    "prefs.prefer": ("Graag", "Prefer"),
    "prefs.weight": ("Gewicht", "Weight"),
    "prefs.saved": ("De voorkeur is opgeslagen.", "The preference is saved."),
    # swaps (planner)
    "swaps.title": ("Ruilverzoeken", "Swap requests"),
    "swaps.waiting": ("Wachten op goedkeuring", "Waiting for approval"),
    "swaps.other": ("Andere verzoeken", "Other requests"),
    "swaps.approve": ("Goedkeuren", "Approve"),
    "swaps.reject": ("Weigeren", "Reject"),
    "swaps.valid": ("Geldig: geen enkele regel wordt geschonden.", "Valid: no rule is broken."),
    "swaps.invalid": ("Niet geldig:", "Not valid:"),
    "swaps.fairness": ("Effect op de eerlijkheid", "Effect on fairness"),
    "swaps.policy": ("Goedkeuring", "Approval"),
    "swaps.policy.automatic": (
        "automatisch als alle regels kloppen",
        "automatic when every rule holds",
    ),
    "swaps.policy.planner": ("door een planner", "by a planner"),
    "swaps.policy.each_zone": (
        "een planner van elke betrokken zone",
        "a planner of each zone involved",
    ),
    "swaps.none": ("Geen verzoeken.", "No requests."),
    "swaps.approved": ("Verzoek {id} is goedgekeurd.", "Request {id} is approved."),
    "swaps.rejected": ("Verzoek {id} is geweigerd.", "Request {id} is rejected."),
    "swaps.kind.swap": ("ruil", "swap"),
    "swaps.kind.giveaway": ("overdracht", "give-away"),
    "swaps.kind.open": ("open aanbod", "open offer"),
    "swaps.kind.partial": ("gedeeltelijke vervanging", "partial cover"),
    "swaps.status.open": ("open", "open"),
    "swaps.status.accepted": ("aanvaard", "accepted"),
    "swaps.status.approved": ("goedgekeurd", "approved"),
    "swaps.status.applied": ("doorgevoerd", "applied"),
    "swaps.status.declined": ("afgewezen", "declined"),
    "swaps.status.cancelled": ("ingetrokken", "cancelled"),
    "swaps.status.rejected": ("geweigerd", "rejected"),
    "swaps.status.expired": ("verlopen", "expired"),
    "swaps.requester": ("Aanvrager", "Requester"),
    "swaps.taker": ("Neemt over", "Takes over"),
    "swaps.counter": ("In ruil voor", "In exchange for"),
    "swaps.cover": ("Gedeelte", "Part"),
    "swaps.message": ("Bericht", "Message"),
    "swaps.problems": ("Problemen", "Problems"),
    # officer
    "me.title": ("Mijn volgende diensten", "My next duties"),
    "me.none": ("Geen geplande diensten.", "No duties planned."),
    "me.swap": ("Ruilen of afstaan", "Swap or give away"),
    "me.not_linked": (
        "Uw account is niet aan een persoon gekoppeld.",
        "Your account is not linked to a person.",
    ),
    "me.inbox": ("Verzoeken voor u: {count}", "Requests for you: {count}"),
    "cal.title": ("Kalender", "Calendar"),
    "sub.title": ("Abonneren op mijn diensten", "Subscribe to my duties"),
    "sub.help": (
        "Scan de QR-code met uw telefoon of open de link: uw agenda toont dan altijd uw actuele "
        "diensten. De link is geheim: deel hem niet. Vernieuw hem als hij uitgelekt is.",
        "Scan the QR code with your phone or open the link: your calendar then always shows your "
        "current duties. The link is secret: do not share it. Renew it if it leaked.",
    ),
    "sub.create": ("Link maken", "Make a link"),
    "sub.rotate": ("Link vernieuwen", "Renew the link"),
    "sub.revoke": ("Link intrekken", "Revoke the link"),
    "sub.shown_once": (
        "Bewaar deze link nu: hij wordt maar één keer getoond.",
        "Keep this link now: it is shown only once.",
    ),
    "sub.webcal": ("Openen in agenda-app (webcal://)", "Open in calendar app (webcal://)"),
    "sub.https": (
        "Link voor Google Agenda en Outlook (https://)",
        "Link for Google Calendar and Outlook (https://)",
    ),
    "sub.existing": ("Actieve links", "Active links"),
    "sub.created_at": ("gemaakt op {when}", "made on {when}"),
    "sub.qr": ("QR-code van de agendalink", "QR code of the calendar link"),
    "sub.none": ("U hebt nog geen link.", "You have no link yet."),
    "sub.alarm": (
        "Herinnering (minuten vooraf, leeg: geen)",
        "Reminder (minutes before, empty: none)",
    ),
    "sub.revoked": ("De link werkt niet meer.", "The link no longer works."),
    "myswaps.title": ("Ruilen", "Swaps"),
    "myswaps.to_me": ("Gevraagd aan mij", "Asked of me"),
    "myswaps.open_offers": ("Open aanbod dat ik kan nemen", "Open offers I can take"),
    "myswaps.mine": ("Mijn verzoeken", "My requests"),
    "myswaps.taken": ("Door mij overgenomen", "Taken by me"),
    "myswaps.accept": ("Aanvaarden", "Accept"),
    "myswaps.decline": ("Afwijzen", "Decline"),
    "myswaps.withdraw": ("Intrekken", "Withdraw"),
    "myswaps.accepted": ("U hebt verzoek {id} aanvaard.", "You accepted request {id}."),
    "myswaps.declined": ("U hebt verzoek {id} afgewezen.", "You declined request {id}."),
    "myswaps.withdrawn": ("Verzoek {id} is ingetrokken.", "Request {id} is withdrawn."),
    "myswaps.created": ("Verzoek {id} is verstuurd.", "Request {id} is sent."),
    "swapnew.title": ("Dienst ruilen of afstaan", "Swap or give away a duty"),
    "swapnew.duty": ("Mijn dienst", "My duty"),
    "swapnew.kind.swap": ("Ruilen met een collega", "Swap with a colleague"),
    "swapnew.kind.giveaway": ("Afstaan aan een collega", "Give to a colleague"),
    "swapnew.kind.open": ("Aanbieden aan iedereen", "Offer to anyone"),
    "swapnew.kind.partial": ("Een deel laten overnemen", "Have part of it covered"),
    "swapnew.target": ("Collega", "Colleague"),
    "swapnew.counter": ("Dienst van de collega (bij ruilen)", "The colleague's duty (for a swap)"),
    "swapnew.cover": ("Gedeelte (bij gedeeltelijke vervanging)", "Part (for a partial cover)"),
    "swapnew.message": ("Bericht (optioneel)", "Message (optional)"),
    "swapnew.submit": ("Verzoek versturen", "Send request"),
    "swapnew.candidates": ("Wie kan overnemen", "Who can take it"),
    "swapnew.candidates_help": (
        "Gerangschikt naar eerlijkheid: wie het minst belast is, staat bovenaan. "
        "Alleen wie geen enkele regel schendt, staat hier.",
        "Ranked by fairness: the least loaded colleague first. "
        "Only colleagues who break no rule are listed.",
    ),
    "swapnew.no_candidates": ("Niemand kan deze dienst overnemen.", "Nobody can take this duty."),
    "swapnew.choose": ("— kies —", "— choose —"),
    "swapnew.pick": ("Kiezen", "Choose"),
    # wall
    "wall.title": ("Van dienst", "On call"),
    "wall.now": ("NU", "NOW"),
    "wall.next": ("VOLGENDE", "NEXT"),
    "wall.since": ("sinds {when}", "since {when}"),
    "wall.from": ("vanaf {when}", "from {when}"),
    "wall.until": ("tot {when}", "until {when}"),
    "wall.updated": ("Bijgewerkt {when}", "Updated {when}"),
}


def translate(language: str, key: str, **values: object) -> str:
    """The message ``key`` in ``language``, filled in; an unknown key shows itself."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[0] if language == "nl" else pair[1]
    return text.format(**values) if values else text


def local(moment: datetime, timezone: str) -> datetime:
    """An instant in the cooperation's time zone (a naive datetime counts as UTC)."""
    from datetime import UTC

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone))


def format_date(value: date | datetime, timezone: str | None = None) -> str:
    """dd/mm/yyyy (an aware datetime is first converted to ``timezone``)."""
    if isinstance(value, datetime) and timezone is not None:
        value = local(value, timezone)
    return value.strftime("%d/%m/%Y")


def format_time(value: datetime, timezone: str) -> str:
    return local(value, timezone).strftime("%H:%M")


def format_datetime(value: datetime, timezone: str) -> str:
    return local(value, timezone).strftime("%d/%m/%Y %H:%M")


def weekday(language: str, value: date) -> str:
    return WEEKDAYS[language][value.weekday()]


def short_weekday(language: str, value: date) -> str:
    return WEEKDAYS[language][value.weekday()][:2]


def month_name(language: str, month: int) -> str:
    return MONTHS[language][month - 1]
