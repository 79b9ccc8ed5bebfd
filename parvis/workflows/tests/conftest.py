import copy

import pytest


def minimal_workflow():
    """A small valid workflow that the tests break one way at a time."""
    return copy.deepcopy({
        "version": 1,
        "initial": "new",
        "statuses": [
            {"key": "new", "label": "Nouvelle", "resident_label": "Reçue"},
            {"key": "waiting", "label": "En attente de pièces", "resident_label": "Pièces à fournir",
             "on_enter": [{"type": "request_pieces"}]},
            {"key": "done", "label": "Acceptée", "resident_label": "Acceptée", "final": True, "outcome": "accepted",
             "on_enter": [{"type": "record_decision", "outcome": "accepted"}]},
            {"key": "no", "label": "Refusée", "resident_label": "Refusée", "final": True, "outcome": "refused"},
            {"key": "auto_yes", "label": "Acceptée implicitement", "resident_label": "Acceptée", "final": True,
             "outcome": "accepted", "system": True},
        ],
        "transitions": [
            {"key": "ask", "label": "Demander des pièces", "from": ["new"], "to": "waiting",
             "roles": ["case_officer"], "requires": ["pieces"]},
            {"key": "back", "label": "Pièces reçues", "from": ["waiting"], "to": "new", "roles": ["case_officer"],
             "system": True},
            {"key": "accept", "label": "Accepter", "from": ["new", "waiting"], "to": "done",
             "roles": ["case_officer", "head"]},
            {"key": "refuse", "label": "Refuser", "from": ["new"], "to": "no", "roles": ["head"],
             "requires": ["motivation"]},
        ],
    })


@pytest.fixture
def workflow_data():
    return minimal_workflow()
