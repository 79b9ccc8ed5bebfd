"""Realistic data at scale for Admiville: residents, agents and years of cases, inserted fast.

Used by `manage.py generate_demo_data` (and `bench/inbox_bench.py`). Never run it on a production database:
it adds fictitious people and cases.

What it makes, on top of the demo (`load_demo`, run first):

- `agents_per_department` extra case officers per department (`agent<n>.<short>@admiville.fr`);
- `residents` residents with French names, an address in Admiville, 90 % with an email
  (`prenom.nom.<n>@usagers.example.org`), the others filed for at the counter;
- `cases` cases received between `until - years` and `until`, spread over weekdays, under the demo's
  procedures with realistic weights (copies of certificates and street reports first); the web's share grows
  from 40 % to 75 % over the period; each case gets its legal regime and implicit-decision date from its
  procedure, small answers built from the procedure's form, a status from its age (handled in 1 to 8 weeks:
  old cases are final, with a decision and `closed_at`; recent ones received, in progress or waiting for
  pieces), an assignee among the department's agents once handled, and a short history (received, assigned,
  decided). A few old cases are left open and overdue (0.05 %), as in real life.

References follow the yearly sequence (`ReferenceSequence`): a run reserves a block per year, so it can be
run again to grow the data (for instance an older archive with `until` set before the first run's cases).

PostgreSQL: rows go in with `COPY` (ids drawn from the sequences first), batch by batch, then `ANALYZE`.
Other databases: `bulk_create`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from parvis.accounts.models import User
from parvis.cases.deadlines import PARIS, implicit_decision_date
from parvis.cases.models import Case, CaseEvent, Decision, ReferenceSequence
from parvis.organisation.models import AgentRole, Department, Role
from parvis.procedures.models import Procedure

FIRST_NAMES = (
    "Marie Jean Pierre Nathalie Isabelle Philippe Catherine Michel Sylvie Alain Christine Nicolas Sophie Patrick "
    "Françoise Christophe Sandrine Stéphane Valérie Laurent Céline Julien Aurélie David Camille Thomas Julie Karim "
    "Léa Hugo Chloé Lucas Emma Louis Inès Gabriel Jade Raphaël Manon Arthur Sarah Nathan Yasmine Mohamed Fatima "
    "Élodie Noé Zoé Mehdi Anaïs Théo Clément Agathe Bernard Monique Jacques Nicole Daniel Martine Rachid Amina "
    "Kevin Laura Maxime Pauline Antoine Mathilde Paul Lucie Adrien Eva Samuel Salomé Romain Margaux Vincent "
    "Hélène Olivier Brigitte Éric Josiane Gérard Odile André Colette Yannick Soazig Mamadou Aïssata Ngoc Linh"
).split()
LAST_NAMES = tuple((
    "Martin,Bernard,Thomas,Petit,Robert,Richard,Durand,Dubois,Moreau,Laurent,Simon,Michel,Lefebvre,Leroy,Roux,"
    "David,Bertrand,Morel,Fournier,Girard,Bonnet,Dupont,Lambert,Fontaine,Rousseau,Vincent,Muller,Lefèvre,Faure,"
    "André,Mercier,Blanc,Guérin,Boyer,Garnier,Chevalier,François,Legrand,Gauthier,Garcia,Perrin,Robin,Clément,"
    "Morin,Nicolas,Henry,Roussel,Mathieu,Gautier,Masson,Marchand,Duval,Denis,Dumont,Marie,Lemaire,Noël,Meyer,"
    "Dufour,Meunier,Brun,Blanchard,Giraud,Joly,Rivière,Lucas,Brunet,Gaillard,Barbier,Arnaud,Martinez,Gérard,"
    "Roche,Renard,Schmitt,Roy,Leroux,Colin,Vidal,Caron,Picard,Roger,Fabre,Aubert,Lemoine,Renaud,Dumas,Lacroix,"
    "Olivier,Philippe,Bourgeois,Pierre,Benoît,Rey,Leclerc,Payet,Rolland,Leclercq,Guillaume,Lecomte,Lopez,Jean,"
    "Dupuy,Guillot,Hubert,Berger,Carpentier,Sanchez,Dupuis,Moulin,Louis,Deschamps,Huet,Vasseur,Perez,Boucher,"
    "Fleury,Royer,Klein,Jacquet,Adam,Paris,Poirier,Marty,Aubry,Guyot,Carré,Charles,Renault,Charpentier,Ménard,"
    "Maillard,Baron,Bertin,Bailly,Hervé,Schneider,Fernandez,Le Gall,Collet,Léger,Bouvier,Julien,Prévost,Millet,"
    "Perrot,Daniel,Le Roux,Cousin,Germain,Breton,Besson,Langlois,Rémy,Le Goff,Pelletier,Lévêque,Perrier,Leblanc,"
    "Barré,Lebrun,Marchal,Weber,Mallet,Hamon,Boulanger,Jacob,Monnier,Michaud,Rodriguez,Guichard,Gillet,Étienne,"
    "Grondin,Poulain,Tessier,Chevallier,Collin,Chauvin,Da Silva,Bouchet,Gay,Lemaître,Bénard,Maréchal,Humbert,"
    "Reynaud,Antoine,Hoarau,Perret,Barthélemy,Cordier,Pichon,Lejeune,Gilbert,Lamy,Delaunay,Pasquier,Carlier,"
    "Laporte,Haddad,Benali,Nguyen,Traoré,Diallo,Benkacem,Mendy,Kone,Ferreira,Santos,Rossi,Bianchi,Kowalski,"
    "Yilmaz"
).split(","))
STREETS = (
    "rue des Lilas", "avenue Jean-Jaurès", "impasse du Moulin", "rue de la République", "boulevard Victor-Hugo",
    "rue Pasteur", "place du Marché", "allée des Tilleuls", "rue des Écoles", "chemin des Vignes",
    "rue du Général-de-Gaulle", "avenue de la Gare", "rue Voltaire", "rue des Acacias", "rue de la Paix",
    "square Louise-Michel", "rue Jules-Ferry", "avenue des Platanes", "rue du Stade", "résidence Les Érables",
)
WORDS = (
    "fête de quartier", "anniversaire", "mariage", "réunion d'association", "déménagement", "travaux de toiture",
    "livraison", "nid-de-poule", "lampadaire en panne", "tags sur le mur", "dépôt sauvage", "trottoir abîmé",
    "cantine", "accueil périscolaire", "centre de loisirs", "vacances d'été", "retraite sportive", "assemblée",
    "benne", "échafaudage", "camion de déménagement", "vide-grenier", "baptême", "repas de famille",
)
# Relative volumes of the demo's procedures (copies of certificates and street reports come first).
PROCEDURE_WEIGHTS = {
    "copie-acte-naissance": 20, "copie-acte-deces": 5, "occupation-domaine-public-demenagement": 6,
    "location-salle-particulier": 5, "reduction-tarifaire": 4, "operation-tranquillite-vacances": 6,
    "inscription-conseil-quartier": 1, "concession-funeraire": 2, "inscription-scolaire": 8,
    "inscription-creche": 3, "signalement-espace-public": 25, "rendez-vous-elu": 2, "changement-adresse": 13,
}
DEFAULT_WEIGHT = 3
RESIDENT_DOMAIN = "usagers.example.org"
FORGOTTEN_OPEN_SHARE = 0.0005
TEST_SHARE = 0.001
OPEN_STATUSES = ("received", "in_progress", "pieces_requested")
STATUS_LABELS = {
    "received": "Reçue", "in_progress": "En cours d'instruction", "pieces_requested": "Pièces demandées",
    "accepted": "Acceptée", "refused": "Refusée", "closed_without_action": "Classée sans suite",
    "implicitly_accepted": "Acceptée implicitement", "implicitly_refused": "Refusée implicitement",
}
OUTCOMES = {"accepted": "accepted", "refused": "refused", "closed_without_action": "closed",
            "implicitly_accepted": "accepted", "implicitly_refused": "refused"}
CHANNEL_PHRASES = {"web": "en ligne", "counter": "au guichet", "phone": "par téléphone", "mail": "par courrier",
                   "email": "par courriel"}


@dataclass
class Report:
    residents: int = 0
    agents: int = 0
    cases: int = 0
    events: int = 0
    decisions: int = 0
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0


# --- Inserting rows ----------------------------------------------------------------------------------

def _is_postgres():
    return connection.vendor == "postgresql"


def _reserve_ids(model, count):
    """`count` primary keys drawn from the table's sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def _columns(model):
    return [f for f in model._meta.concrete_fields]


def _copy(model, rows):
    """COPY `rows` (dicts by attname, with "id") into the model's table (PostgreSQL)."""
    fields = _columns(model)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in ("id",)}
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for f in fields:
                    value = row[f.attname] if f.attname in row else defaults[f.attname]
                    if f.attname in json_fields:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)


def _insert(model, rows):
    """Inserts rows (dicts by attname); returns them with their "id"."""
    if not rows:
        return rows
    if _is_postgres():
        for row, pk in zip(rows, _reserve_ids(model, len(rows)), strict=True):
            row["id"] = pk
        _copy(model, rows)
        return rows
    objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=500)
    for row, obj in zip(rows, objects, strict=True):
        row["id"] = obj.pk
    return rows


# --- People ------------------------------------------------------------------------------------------

def _phone(rng):
    return f"0{rng.choice('67')} " + " ".join(str(rng.randint(10, 99)) for _ in range(4))


def _person(rng, joined):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 70))
    return {
        "password": "!" + secrets.token_hex(8), "last_login": None, "is_superuser": False, "email": None,
        "email_verified_at": None, "civility": rng.choice(("mme", "m", "")), "first_name": first, "last_name": last,
        "birth_date": birth, "street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}", "postcode": "99100",
        "city": "Admiville", "phone": _phone(rng), "is_staff": False, "is_active": True, "date_joined": joined,
        "closed_at": None,
    }


def _slug(text):
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c)).lower()


def create_residents(count, rng, now, batch_size=10000):
    start = User.objects.filter(email__endswith=f"@{RESIDENT_DOMAIN}").count() + 1
    made = 0
    while made < count:
        rows = []
        for n in range(start + made, start + min(count, made + batch_size)):
            person = _person(rng, now - dt.timedelta(days=rng.randint(0, 3650)))
            if rng.random() < 0.9:
                person["email"] = f"{_slug(person['first_name'])}.{_slug(person['last_name'])}.{n}@{RESIDENT_DOMAIN}"
                person["email_verified_at"] = person["date_joined"]
            rows.append(person)
        with transaction.atomic():
            _insert(User, rows)
        made += len(rows)
    return made


def ensure_agents(per_department, rng):
    """`per_department` generated case officers in every department (idempotent); returns how many were made."""
    made = 0
    from parvis.demo import data

    shorts = {slug: values["short"] for slug, values in data.DEPARTMENTS.items()}
    for department in Department.objects.order_by("pk"):
        short = shorts.get(department.slug, department.slug.replace("-", ""))
        for n in range(1, per_department + 1):
            email = f"agent{n}.{short}@admiville.fr"
            user = User.objects.filter(email=email).first()
            if user is None:
                person = _person(rng, timezone.now())
                user = User.objects.create_user(email, None, first_name=person["first_name"],
                                                last_name=person["last_name"])
                made += 1
            AgentRole.objects.get_or_create(user=user, department=department, role=Role.CASE_OFFICER)
    return made


# --- Cases -------------------------------------------------------------------------------------------

@dataclass
class ProcedureInfo:
    pk: int
    slug: str
    revision_id: int
    department_id: int
    regime: str
    period: tuple | None
    period_value: int | None
    period_unit: str
    anonymous: bool
    decision: bool
    fields: list  # [(key, type, choices)]
    weight: int


def _schema_fields(schema):
    fields = []
    for page in (schema or {}).get("pages", []):
        for section in page.get("sections", []):
            for item in section.get("fields", []):
                if item.get("type") in ("info", "file"):
                    continue
                choices = [c.get("value") for c in item.get("choices", []) if isinstance(c, dict)]
                fields.append((item.get("key"), item.get("type"), choices))
    return fields


def load_procedures():
    infos = []
    for procedure in Procedure.objects.filter(published_revision__isnull=False).select_related("published_revision"):
        period = None
        if procedure.regime in ("SVA", "SVR") and procedure.period_value:
            period = (procedure.period_value, procedure.period_unit or "months")
        infos.append(ProcedureInfo(
            pk=procedure.pk, slug=procedure.slug, revision_id=procedure.published_revision_id,
            department_id=procedure.department_id, regime=procedure.regime, period=period,
            period_value=procedure.period_value if period else None,
            period_unit=procedure.period_unit if period else "",
            anonymous=procedure.allow_anonymous, decision=procedure.regime in ("SVA", "SVR"),
            fields=_schema_fields(procedure.published_revision.form_schema)[:10],
            weight=PROCEDURE_WEIGHTS.get(procedure.slug, DEFAULT_WEIGHT),
        ))
    return infos


def _answers(info, rng, resident, received):
    answers = {}
    for key, kind, choices in info.fields:
        if key in ("nom", "contact_nom", "titulaire", "enfant_nom", "defunt_nom", "personne_nom"):
            value = resident["last_name"] if resident and key == "nom" else rng.choice(LAST_NAMES)
        elif key in ("prenom", "enfant_prenom", "defunt_prenoms", "personne_prenoms", "enfants_prenoms"):
            value = resident["first_name"] if resident and key == "prenom" else rng.choice(FIRST_NAMES)
        elif kind in ("choice",):
            value = rng.choice(choices) if choices else None
        elif kind == "multichoice":
            value = [rng.choice(choices)] if choices else []
        elif kind in ("yesno",):
            value = rng.random() < 0.5
        elif kind == "consent":
            value = True
        elif kind == "date":
            value = (received.date() + dt.timedelta(days=rng.randint(-30, 60))).isoformat()
        elif kind == "integer":
            value = rng.randint(1, 6)
        elif kind == "decimal":
            value = f"{rng.randint(2, 12)}.5"
        elif kind == "email":
            value = (resident or {}).get("email") or "contact@example.org"
        elif kind == "phone":
            value = _phone(rng)
        elif kind == "address":
            value = {"street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}", "postcode": "99100",
                     "city": "Admiville"}
        elif kind == "textarea":
            value = f"Demande concernant : {rng.choice(WORDS)}, {rng.choice(WORDS)}."
        else:
            value = rng.choice(WORDS)
        answers[key] = value
    return answers


def _received_moments(count, start, end, rng):
    """`count` moments between start and end, on weekdays mostly, during opening hours mostly; sorted."""
    span = (end - start).total_seconds()
    moments = []
    while len(moments) < count:
        moment = start + dt.timedelta(seconds=rng.random() * span)
        local = moment.astimezone(PARIS)
        if local.weekday() >= 5 and rng.random() < 0.7:
            continue
        if not 7 <= local.hour < 22 and rng.random() < 0.8:
            continue
        moments.append(moment)
    moments.sort()
    return moments


def _reserve_references(counts_by_year):
    """{year: first number} for a block of `count` references per year, taken from the yearly sequence."""
    first = {}
    with transaction.atomic():
        for year, count in sorted(counts_by_year.items()):
            sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(year=year)
            first[year] = sequence.last_value + 1
            sequence.last_value += count
            sequence.save(update_fields=["last_value"])
    return first


def _web_share(moment, start, end):
    fraction = (moment - start).total_seconds() / max((end - start).total_seconds(), 1)
    return 0.40 + 0.35 * fraction


def _pick_channel(rng, moment, start, end):
    if rng.random() < _web_share(moment, start, end):
        return "web"
    return rng.choices(("counter", "phone", "mail", "email"), weights=(50, 20, 20, 10))[0]


def _fate(info, rng, received, now):
    """(status, handled_at or None, closed): what became of a case received at `received`, seen at `now`."""
    if info.decision:
        duration = dt.timedelta(days=2 + rng.expovariate(1 / 20))
    else:
        duration = dt.timedelta(days=0.5 + rng.expovariate(1 / 6))
    handled_at = received + duration
    if handled_at > now or rng.random() < FORGOTTEN_OPEN_SHARE:
        age = (now - received).days
        if age < 3 or rng.random() < 0.25:
            return "received", None, False
        return ("pieces_requested" if info.decision and rng.random() < 0.2 else "in_progress"), None, False
    if info.decision and info.period and duration > dt.timedelta(days=58) and rng.random() < 0.7:
        return ("implicitly_accepted" if info.regime == "SVA" else "implicitly_refused"), handled_at, True
    roll = rng.random()
    if roll < (0.82 if info.decision else 0.93):
        status = "accepted"
    elif roll < 0.92 and info.decision:
        status = "refused"
    else:
        status = "closed_without_action"
    return status, handled_at, True


REFUSAL_REASONS = (
    "Le créneau demandé est déjà réservé.", "Le dossier ne comporte pas les pièces nécessaires.",
    "La demande ne respecte pas le règlement municipal.", "Les conditions d'accès au service ne sont pas remplies.",
)


def generate_cases(count, *, until, years, rng, agents_by_department, front_desk_ids, resident_pool, now,
                   batch_size=10000, history=True, report=None, progress=None):
    """Generates `count` cases received in the `years` before `until`; returns the report."""
    report = report or Report()
    infos = load_procedures()
    if not infos:
        raise ValueError("Aucune démarche publiée : lancez d'abord load_demo.")
    cum_weights = list(itertools.accumulate(info.weight for info in infos))
    start = until - dt.timedelta(days=365.25 * years)
    moments = _received_moments(count, start, until, rng)
    per_year = Counter(moment.astimezone(PARIS).year for moment in moments)
    next_number = _reserve_references(per_year)
    from django.conf import settings

    prefix = settings.CASE_REFERENCE_PREFIX
    for offset in range(0, count, batch_size):
        cases, residents_of = [], []
        for moment in moments[offset: offset + batch_size]:
            info = rng.choices(infos, cum_weights=cum_weights)[0]
            year = moment.astimezone(PARIS).year
            reference = f"{prefix}-{year}-{next_number[year]:06d}"
            next_number[year] += 1
            channel = _pick_channel(rng, moment, start, until)
            resident = None
            contact_email = ""
            if info.anonymous and channel == "web" and rng.random() < 0.3:
                contact_email = f"contact{rng.randint(1, 10**9)}@example.org"
            else:
                resident = rng.choice(resident_pool)
            status, handled_at, closed = _fate(info, rng, moment, now)
            handlers = agents_by_department.get(info.department_id) or [None]
            assignee = None
            if status != "received" or rng.random() < 0.2:
                assignee = rng.choice(handlers)
            decision_on = (implicit_decision_date(moment, info.regime, info.period) if info.period else None)
            if status.startswith("implicitly_") and decision_on:
                handled_at = max(handled_at, dt.datetime.combine(decision_on + dt.timedelta(days=1), dt.time(3),
                                                                 tzinfo=PARIS))
            cases.append({
                "reference": reference, "procedure_id": info.pk, "revision_id": info.revision_id,
                "department_id": info.department_id, "applicant_id": resident["id"] if resident else None,
                "contact_email": contact_email, "tracking_token": secrets.token_urlsafe(32), "channel": channel,
                "filed_by_id": rng.choice(front_desk_ids) if channel != "web" and front_desk_ids else None,
                "assignee_id": assignee, "received_at": moment, "status": status,
                "answers": _answers(info, rng, resident, moment), "regime": info.regime,
                "period_value": info.period_value, "period_unit": info.period_unit,
                "implicit_decision_on": decision_on, "is_test": rng.random() < TEST_SHARE,
                "closed_at": handled_at if closed else None, "version": 1 + (assignee is not None) + closed,
                "created_at": moment, "updated_at": handled_at or moment,
            })
            residents_of.append(resident)
            report.statuses[status] += 1
        with transaction.atomic():
            _insert(Case, cases)
            if history:
                events, decisions = _history(cases, rng)
                _insert(CaseEvent, events)
                _insert(Decision, decisions)
                report.events += len(events)
                report.decisions += len(decisions)
        report.cases += len(cases)
        if progress:
            progress(report)
    return report


def _history(cases, rng):
    events, decisions = [], []
    for case in cases:
        channel = case["channel"]
        events.append({"case_id": case["id"], "at": case["received_at"], "actor_id": case["filed_by_id"]
                       or case["applicant_id"], "channel": channel, "kind": "received",
                       "description": f"Demande reçue ({CHANNEL_PHRASES[channel]})", "visible_to_resident": True,
                       "data": {"reference": case["reference"], "filed_by_agent": bool(case["filed_by_id"])}})
        if case["assignee_id"]:
            events.append({"case_id": case["id"], "at": case["received_at"] + dt.timedelta(hours=rng.randint(2, 48)),
                           "actor_id": case["assignee_id"], "channel": "", "kind": "assigned",
                           "description": "Dossier affecté", "visible_to_resident": False,
                           "data": {"from": None, "to": case["assignee_id"]}})
        if case["closed_at"]:
            status = case["status"]
            implicit = status.startswith("implicitly_")
            label = STATUS_LABELS[status]
            events.append({"case_id": case["id"], "at": case["closed_at"],
                           "actor_id": None if implicit else case["assignee_id"], "channel": "",
                           "kind": "implicit_decision" if implicit else "status_changed",
                           "description": f"{label}", "visible_to_resident": True,
                           "data": {"to": status, "version": case["version"]}})
            decisions.append({
                "case_id": case["id"], "status": status, "outcome": OUTCOMES[status],
                "motivation": rng.choice(REFUSAL_REASONS) if OUTCOMES[status] != "accepted" else "",
                "decided_on": (case["implicit_decision_on"] if implicit and case["implicit_decision_on"]
                               else case["closed_at"].astimezone(PARIS).date()),
                "decided_at": case["closed_at"], "decided_by_id": None if implicit else case["assignee_id"],
                "implicit": implicit, "letter_id": None, "resident_opened_at": None, "case_version": case["version"],
            })
    return events, decisions


def agents_by_department():
    handlers = defaultdict(list)
    for user_id, department_id in AgentRole.objects.filter(
            role__in=(Role.CASE_OFFICER, Role.HEAD), user__is_active=True).values_list("user_id", "department_id"):
        handlers[department_id].append(user_id)
    return dict(handlers)


def resident_pool(limit=None):
    """Residents to file cases: people holding no agent role (the generated residents and the demo's)."""
    people = (User.objects.filter(is_staff=False, agent_roles__isnull=True)
              .values("id", "first_name", "last_name", "email").order_by("pk"))
    return list(people[:limit] if limit else people)


def analyze():
    if _is_postgres():
        with connection.cursor() as cursor:
            for model in (User, Case, CaseEvent, Decision):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def generate(*, residents, cases, years=10.0, until=None, agents_per_department=4, seed=None, batch_size=10000,
             history=True, progress=None, log=print):
    """Everything above, in order; returns a Report."""
    from parvis.demo.loader import load_demo

    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 (fictitious data, reproducible with --seed)
    now = timezone.now()
    until = until or now
    report = Report()
    from parvis.demo import data

    if Procedure.objects.filter(slug__in=list(data.PROCEDURES)).count() < len(data.PROCEDURES):
        load_demo()  # idempotent, but slow to re-check (it verifies the demo passwords)
    report.agents = ensure_agents(agents_per_department, rng)
    if residents:
        report.residents = create_residents(residents, rng, now, batch_size=batch_size)
        log(f"{report.residents} usagers créés ({time.monotonic() - started:.0f} s)")
    pool = resident_pool()
    if not pool:
        raise ValueError("Aucun usager : créez-en avec --residents.")
    front_desk = list(AgentRole.objects.filter(role=Role.FRONT_DESK).values_list("user_id", flat=True).distinct())
    if cases:
        generate_cases(cases, until=until, years=years, rng=rng, agents_by_department=agents_by_department(),
                       front_desk_ids=front_desk, resident_pool=pool, now=now, batch_size=batch_size,
                       history=history, report=report, progress=progress)
    analyze()
    report.seconds = time.monotonic() - started
    return report
