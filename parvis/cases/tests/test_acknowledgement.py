"""The acknowledgement PDF carries every mention of CRPA L112-3 / R112-5 (read back from the PDF)."""

import datetime as dt

import pytest

from parvis.cases.acknowledgements import issue_acknowledgement, render_acknowledgement_pdf
from parvis.cases.services import mark_pieces_received, request_pieces
from parvis.cases.tests.factories import SCHEMA, file_case, paris
from parvis.files.services import read_bytes
from parvis.testing.factories import make_department, make_procedure, make_resident
from parvis.testing.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def department():
    return make_department(name="Location de salles", street="12 rue du Marché", postcode="99100", city="Admiville",
                           email="salles@admiville.fr", phone="01 23 45 67 42")


@pytest.fixture
def resident():
    return make_resident(first_name="Alix", last_name="Bernard", street="3 rue des Lilas", postcode="99100",
                         city="Admiville")


def _text(case):
    return pdf_text(render_acknowledgement_pdf(case))


def _common_mentions(text, case):
    assert "Accusé de réception" in text
    assert case.reference in text
    assert "Mairie d'Admiville" in text and "1 place de la Mairie" in text  # the commune's header
    assert "Alix BERNARD" in text and "3 rue des Lilas" in text  # the resident
    assert "reçue par la mairie le 10 juillet 2025" in text  # date of receipt
    assert "10 juillet 2025 à 10 h 00" in text
    # The handling department: name, postal address, email and telephone.
    assert "Location de salles" in text
    assert "12 rue du Marché, 99100 Admiville" in text
    assert "salles@admiville.fr" in text
    assert "Téléphone : 01 23 45 67 42" in text


def test_sva_mentions(department, resident):
    procedure = make_procedure(department=department, regime="SVA", period_value=2, title="Location de salle")
    case = file_case(procedure=procedure, applicant=resident, received_at=paris(2025, 7, 10))
    text = _text(case)
    _common_mentions(text, case)
    assert "le silence gardé par la mairie vaut acceptation" in text
    assert "délai de deux mois" in text
    assert "votre demande sera réputée acceptée le 10 septembre 2025" in text
    assert "attestation d'acceptation implicite" in text and "L232-3" in text
    assert "à partir du 11 septembre 2025" in text
    assert "Voies et délais de recours" not in text
    assert "sous réserve que votre dossier soit complet" not in text


def test_svr_mentions(department, resident, settings):
    settings.ADMINISTRATIVE_COURT = "Tribunal administratif de Cergy-Pontoise"
    procedure = make_procedure(department=department, regime="SVR", period_value=2)
    case = file_case(procedure=procedure, applicant=resident, received_at=paris(2025, 7, 10))
    text = _text(case)
    _common_mentions(text, case)
    assert "le silence gardé par la mairie vaut rejet" in text
    assert "votre demande sera considérée comme rejetée le 10 septembre 2025" in text
    assert "Voies et délais de recours" in text
    assert "recours gracieux adressé au maire d'Admiville" in text
    assert "recours contentieux devant le tribunal administratif (Tribunal administratif de Cergy-Pontoise)" in text
    assert "dans un délai de deux mois" in text
    assert "Télérecours citoyens" in text and "www.telerecours.fr" in text
    assert "demander les motifs de cette décision implicite de rejet" in text and "L232-4" in text
    assert "attestation d'acceptation" not in text


def test_regime_none_is_still_a_receipt(department, resident):
    procedure = make_procedure(department=department, regime="none", period_value=None)
    case = file_case(procedure=procedure, applicant=resident, received_at=paris(2025, 7, 10))
    text = _text(case)
    _common_mentions(text, case)
    assert "ne donne pas lieu à une décision implicite" in text
    assert "réputée acceptée" not in text and "considérée comme rejetée" not in text


@pytest.mark.parametrize("regime", ["SVA", "SVR"])
def test_awaited_pieces(department, resident, regime):
    procedure = make_procedure(department=department, regime=regime, period_value=2)
    case = file_case(procedure=procedure, applicant=resident, received_at=paris(2025, 3, 3))
    request_pieces(case, pieces=["Justificatif de domicile de moins de 3 mois", "Attestation d'assurance"],
                   deadline=dt.date(2025, 3, 25), requested_on=dt.date(2025, 3, 10))
    case.refresh_from_db()
    text = _text(case)
    assert "sous réserve que votre dossier soit complet" in text.lower()
    assert "Justificatif de domicile de moins de 3 mois" in text and "Attestation d'assurance" in text
    assert "Date limite d'envoi : 25 mars 2025" in text
    if regime == "SVA":
        # The period starts only with the last piece (L114-5).
        assert case.implicit_decision_on is None
        assert "ne commencera qu'à la réception de la dernière pièce manquante" in text
    else:
        # Suspended from 10 to 25 March (15 days) while the pieces are awaited: 3 May + 15 days.
        assert case.implicit_decision_on == dt.date(2025, 5, 18)
        assert "considérée comme rejetée le 18 mai 2025 au plus tard" in text


def test_pieces_received_moves_the_dates(resident):
    svr = make_procedure(regime="SVR", period_value=2)
    case = file_case(procedure=svr, applicant=resident, received_at=paris(2025, 3, 3))
    request = request_pieces(case, pieces=["Plan"], deadline=dt.date(2025, 3, 25), requested_on=dt.date(2025, 3, 10))
    mark_pieces_received(request, on=dt.date(2025, 3, 20))
    case.refresh_from_db()
    assert case.implicit_decision_on == dt.date(2025, 5, 13)  # domain.md §4 example
    sva = make_procedure(regime="SVA", period_value=2)
    case = file_case(procedure=sva, applicant=resident, received_at=paris(2025, 3, 3))
    request = request_pieces(case, pieces=["Plan"], deadline=dt.date(2025, 4, 30), requested_on=dt.date(2025, 3, 10))
    mark_pieces_received(request, on=dt.date(2025, 4, 14))
    case.refresh_from_db()
    assert case.implicit_decision_on == dt.date(2025, 6, 14)
    assert "Pièces reçues le 14/04/2025" in [event.description for event in case.events.all()]
    text = _text(case)
    assert "sous réserve que votre dossier soit complet" not in text.lower()
    assert "réputée acceptée le 14 juin 2025" in text


def test_user_input_is_text_not_markup_in_the_pdf(resident):
    procedure = make_procedure(schema=SCHEMA, title="Salle <i>des fêtes</i>")
    resident.first_name = "<b>Alix</b>"
    resident.save()
    case = file_case(procedure=procedure, applicant=resident,
                     answers={"objet": "<script>alert('x')</script>", "details": '<img src="http://example.org/x">'})
    text = _text(case)
    assert "<script>alert('x')</script>" in text
    assert '<img src="http://example.org/x">' in text
    assert "<b>Alix</b>" in text
    assert "Salle <i>des fêtes</i>" in text
    assert "Objet de la demande" in text  # labels from the form schema


def test_issue_acknowledgement_is_idempotent(resident):
    case = file_case(applicant=resident)
    first = issue_acknowledgement(case)
    again = issue_acknowledgement(case)
    assert first.pk == again.pk
    assert case.documents.filter(kind="acknowledgement").count() == 1
    assert read_bytes(first.stored_file).startswith(b"%PDF")
    assert first.stored_file.content_type == "application/pdf"
    assert [e.description for e in case.events.all()].count("Accusé de réception établi") == 1
