"""Helpers for case tests: a procedure with a small form, and cases filed through `submit_case`."""

import datetime as dt

from parvis.cases.services import submit_case
from parvis.testing.factories import make_procedure, make_resident

SCHEMA = {
    "version": 1,
    "pages": [{
        "key": "demande", "title": "Votre demande",
        "sections": [{
            "key": "objet_section", "title": "Votre demande",
            "fields": [
                {"key": "objet", "label": "Objet de la demande", "type": "text"},
                {"key": "details", "label": "Précisions", "type": "textarea", "required": False},
                {"key": "justificatif", "label": "Justificatif", "type": "file", "required": False},
            ],
        }],
    }],
}


def paris(year, month, day, hour=10, minute=0):
    from parvis.cases.deadlines import PARIS

    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def file_case(procedure=None, applicant=None, answers=None, **kwargs):
    procedure = procedure or make_procedure(schema=SCHEMA)
    if applicant is None and "contact_email" not in kwargs:
        applicant = make_resident()
    answers = answers or {"objet": "Une salle", "details": "Samedi"}
    return submit_case(revision=procedure.published_revision, answers=answers, applicant=applicant, **kwargs)


# --- Handling: a department with its agents and a procedure under the default workflow ------------------------

class Team:
    """A department, its case officer, head and front desk agent, a procedure of it, and a resident."""

    def __init__(self, regime="SVA", period_value=2, workflow=None, **procedure_fields):
        from parvis.organisation.models import AgentRole, Role
        from parvis.testing.factories import make_agent, make_department

        self.department = make_department(name="Accueil et salles")
        self.officer = make_agent(self.department, Role.CASE_OFFICER)
        self.officer.first_name, self.officer.last_name = "Élodie", "Marchand"
        self.officer.save(update_fields=["first_name", "last_name"])
        self.head = make_agent(self.department, Role.HEAD)
        self.head.first_name, self.head.last_name = "Patrick", "Chevalier"
        self.head.save(update_fields=["first_name", "last_name"])
        self.front_desk = make_agent(self.department, Role.FRONT_DESK)
        self.resident = make_resident(first_name="Camille", last_name="Durand", civility="mme",
                                      street="8 rue des Lilas", postcode="99100", city="Admiville",
                                      phone="06 12 34 56 78")
        fields = {"title": "Location de salle", "regime": regime,
                  "period_value": period_value if regime != "none" else None,
                  "legal_basis": "Décret n° 2014-1273, annexe", **procedure_fields}
        self.procedure = make_procedure(schema=SCHEMA, department=self.department, **fields)
        if workflow is not None:
            revision = self.procedure.published_revision
            revision.workflow = workflow
            revision.save(update_fields=["workflow"])
        self.AgentRole = AgentRole

    def file(self, **kwargs):
        kwargs.setdefault("applicant", self.resident)
        return file_case(procedure=self.procedure, **kwargs)
