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
