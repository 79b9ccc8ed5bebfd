"""Demo cases for Admiville: agents with cases in every status of the default workflow.

`load_cases_demo()` runs after `parvis.demo.loader.load_demo` (procedures, agents and residents must exist).
Every case is filed through `submit_case` at a past date and carried through its workflow with the same
services as the agents' pages (`apply_transition`, `assign_case`, messages, the resident's online upload),
dated in the past; implicit decisions are recorded by the service of the `apply_implicit_decisions`
command. It gives, for the demo agents (instructeur.<service>@admiville.fr, chef.<service>@admiville.fr):

received, in progress, pieces requested (pending, and sent back online), accepted, refused, closed without
action, implicitly accepted (attestation downloadable), implicitly refused (reasons asked: a task listed for
the head), overdue (implicit date passed, still in progress — decided at the next nightly run) and due soon.

Idempotent: each demo case has a key, kept in an internal history line ("demo_case"); a key already there
is skipped, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import User
from parvis.cases.deadlines import PARIS
from parvis.cases.handling import apply_transition, assign_case
from parvis.cases.implicit import apply_implicit_decision, request_reasons
from parvis.cases.models import CaseEvent
from parvis.cases.resident_actions import receive_pieces_online, record_decision_opening
from parvis.cases.services import add_internal_note, add_resident_message, record_event, send_agent_message, submit_case
from parvis.documents.pdf import render_pdf
from parvis.files.services import store_bytes
from parvis.procedures.models import Procedure

_PDF = None


def _pdf(title):
    global _PDF
    if _PDF is None:
        _PDF = render_pdf("cases/pdf/demo_piece.html", {"title": "Pièce justificative (démonstration)"})
    return store_bytes(_PDF, f"{title}.pdf", "application/pdf")


def _at(days_ago, hour=10, minute=0):
    """A past moment, `days_ago` days before today, at the given Paris time."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _address(street):
    return {"street": street, "postcode": "99100", "city": "Admiville"}


def _in(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _room_hire(resident, **extra):
    return {"salle": "parc", "date_evenement": _in(75), "creneau": "soiree", "nombre_invites": 60,
            "type_evenement": "anniversaire", "vente_alcool": False, "equipements": ["sono", "tables"],
            "civilite": resident.civility, "prenom": resident.first_name, "nom": resident.last_name,
            "date_naissance": resident.birth_date.isoformat() if resident.birth_date else "1980-01-01",
            "courriel": resident.email, "telephone": resident.phone, "adresse": _address(resident.street),
            "reglement": True, **extra}


def _removal(resident, **extra):
    return {"civilite": resident.civility, "prenom": resident.first_name, "nom": resident.last_name,
            "telephone": resident.phone, "par_entreprise": True, "entreprise_nom": "Déménagements Martin",
            "adresse_occupation": _address(resident.street), "nombre_places": 2, "date_debut": _in(20),
            "creneau": "matin", "longueur_vehicule": "7.5", "monte_meubles": False, "engagement_regles": True,
            **extra}


def _council(resident, district="parc"):
    return {"prenom": resident.first_name, "nom": resident.last_name,
            "date_naissance": resident.birth_date.isoformat() if resident.birth_date else "1980-01-01",
            "courriel": resident.email, "quartier": district, "lien_quartier": "habite",
            "themes": ["environnement", "mobilite"], "attestation": True}


def _school(resident, child="Léo"):
    return {"enfant_prenom": child, "enfant_nom": resident.last_name, "enfant_naissance": "2020-05-14",
            "niveau": "ms", "premiere_ecole": True, "prenom": resident.first_name, "nom": resident.last_name,
            "telephone": resident.phone, "courriel": resident.email, "adresse": _address(resident.street),
            "second_responsable": False, "attestation": True}


def _cemetery(resident):
    return {"nature": "acquisition", "duree": "30", "cimetiere": "paysager", "type_emplacement": "caveau",
            "nombre_places": 2, "inhumation_prochaine": False, "civilite": resident.civility,
            "prenom": resident.first_name, "nom": resident.last_name, "telephone": resident.phone,
            "courriel": resident.email, "adresse": _address(resident.street), "attestation": True}


class _Demo:
    def __init__(self):
        self.report = Counter()
        self.procedures = {procedure.slug: procedure for procedure in Procedure.objects.filter(slug__in=[
            "location-salle-particulier", "occupation-domaine-public-demenagement", "inscription-conseil-quartier",
            "inscription-scolaire", "concession-funeraire"]).select_related("published_revision")}
        users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
        users |= {user.email: user for user in User.objects.filter(email__endswith="@admiville.fr")}
        self.users = users

    def ready(self):
        return len(self.procedures) == 5 and all(
            email in self.users for email in ("camille.durand@example.org", "karim.haddad@example.org",
                                              "jeanne.lefebvre@example.org", "instructeur.etatcivil@admiville.fr"))

    def user(self, email):
        return self.users[email]

    def file(self, key, slug, resident, answers, days_ago, *, files=(), channel="web", filed_by=None):
        """Files the case `key` unless it exists; returns it, or None when it was there already."""
        if CaseEvent.objects.filter(kind="demo_case", data__demo_key=key).exists():
            self.report["skipped"] += 1
            return None
        procedure = self.procedures[slug]
        attached = [(field, _pdf(name)) for field, name in files]
        for field, stored in attached:
            answers[field] = [stored.as_answer()]
        case = submit_case(revision=procedure.published_revision, answers=answers, applicant=resident,
                           channel=channel, received_at=_at(days_ago, 9, 30), filed_by=filed_by, files=attached)
        record_event(case, "demo_case", "Dossier de démonstration", visible_to_resident=False,
                     data={"demo_key": key}, at=case.received_at)
        self.report["created"] += 1
        return case

    def move(self, case, key, agent, days_ago, hour=11, **inputs):
        return apply_transition(case, key, actor=agent, expected_version=case.version, at=_at(days_ago, hour),
                                **inputs)

    def implicit(self, case):
        """Records the implicit decision as the nightly command would have, the night after it arose."""
        day = case.implicit_decision_on + dt.timedelta(days=1)
        apply_implicit_decision(case.pk, at=dt.datetime(day.year, day.month, day.day, 0, 30, tzinfo=PARIS))

    def run(self):
        camille = self.user("camille.durand@example.org")
        karim = self.user("karim.haddad@example.org")
        jeanne = self.user("jeanne.lefebvre@example.org")
        front_desk = self.user("agent.accueil@admiville.fr")
        rooms, rooms_head = self.user("instructeur.salles@admiville.fr"), self.user("chef.salles@admiville.fr")
        roads = self.user("instructeur.voirie@admiville.fr")
        council, council_head = (self.user("instructeur.citoyennete@admiville.fr"),
                                 self.user("chef.citoyennete@admiville.fr"))
        family = self.user("instructeur.famille@admiville.fr")
        civil, civil_head = self.user("instructeur.etatcivil@admiville.fr"), self.user("chef.etatcivil@admiville.fr")

        # Reçue: just arrived online; and one filed at the counter for a resident.
        self.file("recue-salle", "location-salle-particulier", karim, _room_hire(karim), 1)
        if case := self.file("recue-guichet-concession", "concession-funeraire", jeanne, _cemetery(jeanne), 2,
                             channel="counter", filed_by=front_desk):
            add_internal_note(case, author=front_desk, at=_at(2, 9, 40),
                              body="Déposée au guichet avec Mme Lefebvre ; elle préfère être appelée l'après-midi.")

        # En cours d'instruction, with an exchange of messages and a note.
        if case := self.file("en-cours-conseil", "inscription-conseil-quartier", camille, _council(camille), 10,
                             files=[("justificatif", "justificatif-domicile")]):
            case = self.move(case, "start", council, 8)
            send_agent_message(case, author=council, at=_at(8, 11, 5),
                               body="Bonjour, pouvez-vous confirmer que vous habitez bien le quartier du Parc ?")
            add_resident_message(case, author=camille, body="Oui, depuis 2019, au 8 rue des Lilas.", at=_at(7, 19))
            add_internal_note(case, author=council, at=_at(7, 15), body="Adresse vérifiée sur la liste électorale.")
        if case := self.file("en-cours-concession", "concession-funeraire", camille, _cemetery(camille), 6):
            case = assign_case(case, civil, actor=civil_head, at=_at(5, 9))
            self.move(case, "start", civil, 5, 10)

        # Pièces demandées: pending, the reminder timer waiting.
        if case := self.file("pieces-scolaire", "inscription-scolaire", camille, _school(camille), 12,
                             files=[("justificatif_domicile", "facture-electricite")]):
            case = self.move(case, "start", family, 10)
            self.move(case, "request_pieces", family, 5, pieces=[
                "Livret de famille (pages des parents et de l'enfant)", "Certificat de vaccination de l'enfant"],
                deadline=timezone.localdate() + dt.timedelta(days=10))
        # Pièces demandées, then sent online by the resident: back in handling with the same agent.
        if case := self.file("pieces-recues-voirie", "occupation-domaine-public-demenagement", karim, _removal(karim),
                             20):
            case = self.move(case, "start", roads, 19)
            case = self.move(case, "request_pieces", roads, 15, pieces=["Numéro d'immatriculation du véhicule",
                                                                         "Devis de l'entreprise de déménagement"],
                             deadline=timezone.localdate() + dt.timedelta(days=5))
            pieces_request = case.pieces_requests.get()
            receive_pieces_online(case, pieces_request, author=karim, at=_at(10, 18, 20),
                                  body="Voici le devis ; l'immatriculation est GH-482-KL.",
                                  files=[(pieces_request.pieces[1], _pdf("devis-demenagement"))])

        # Decisions: accepted (letter read), refused (letter not read yet), closed without action.
        if case := self.file("acceptee-conseil", "inscription-conseil-quartier", karim, _council(karim, "gare"), 30,
                             files=[("justificatif", "quittance-loyer")]):
            case = self.move(case, "start", council, 28)
            case = self.move(case, "accept", council_head, 20)
            decision = case.decisions.get()
            record_decision_opening(case, document=decision.letter, actor=karim, at=_at(19, 20, 15))
        if case := self.file("refusee-salle", "location-salle-particulier", camille,
                             _room_hire(camille, salle="jean_moulin", nombre_invites=180), 25):
            case = self.move(case, "start", rooms, 22)
            self.move(case, "refuse", rooms_head, 10, motivation=(
                "La salle des fêtes Jean-Moulin est réservée à cette date pour le repas des aînés organisé par la "
                "commune. La salle polyvalente du Parc est libre ce jour-là : vous pouvez la demander."))
        if case := self.file("classee-voirie", "occupation-domaine-public-demenagement", jeanne, _removal(jeanne), 40):
            self.move(case, "close", roads, 30, motivation=(
                "Cette demande fait double emploi avec votre demande précédente, qui a été acceptée."))

        # Implicit decisions, recorded as the nightly command does; then the reasons asked for the rejection.
        if case := self.file("implicite-acceptee", "inscription-conseil-quartier", jeanne, _council(jeanne, "centre"),
                             95, files=[("justificatif", "justificatif-domicile")]):
            self.implicit(self.move(case, "start", council, 90))
        if case := self.file("implicite-refusee", "location-salle-particulier", karim, _room_hire(karim), 75):
            self.implicit(self.move(case, "start", rooms, 70))
            request_reasons(case, actor=karim, at=_at(3, 19))
        if case := self.file("implicite-refusee-etatcivil", "concession-funeraire", karim, _cemetery(karim), 80):
            self.implicit(case)

        # Overdue: the legal period is over and nobody decided (the next nightly run will record it); due soon.
        if case := self.file("en-retard-voirie", "occupation-domaine-public-demenagement", camille, _removal(camille),
                             64):
            self.move(case, "start", roads, 60)
        if case := self.file("en-retard-etatcivil", "concession-funeraire", jeanne, _cemetery(jeanne), 63):
            self.move(case, "start", civil, 50)
        if case := self.file("echeance-proche", "inscription-scolaire", karim, _school(karim, "Inès"), 55):
            self.move(case, "start", family, 50)


def load_cases_demo():
    """Creates the demo cases (see the module docstring); returns a Counter ("created", "skipped").

    Needs the demo of `load_demo` (procedures, agents, residents); without it, creates nothing ("missing").
    """
    demo = _Demo()
    if not demo.ready():
        return Counter({"missing": 1})
    with transaction.atomic():
        demo.run()
    return demo.report
