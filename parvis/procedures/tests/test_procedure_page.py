"""The procedure page: what a resident needs to know before starting, for every regime."""

import pytest

from parvis.procedures.models import Regime
from parvis.testing.catalogue_factories import (
    make_closed_procedure,
    make_draft_procedure,
    make_life_event,
    make_procedure_without_implicit_decision,
)
from parvis.testing.factories import make_category, make_commune, make_department, make_procedure

pytestmark = pytest.mark.django_db


def page_of(client, procedure):
    response = client.get(f"/demarches/{procedure.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_procedure_page_shows_everything_needed_before_starting(client):
    make_commune(dpo_name="Julien Moreau", dpo_email="dpo@admiville.fr", mayor_name="Claire Martin")
    department = make_department(
        name="Démarches administratives et état civil", street="1 place de la République", postcode="99100",
        city="Admiville", phone="01 23 45 67 10", email="etat-civil@admiville.fr",
        opening_hours="Lundi au vendredi : 8 h 30 – 17 h\nSamedi : 9 h – 12 h",
    )
    procedure = make_procedure(
        title="Location de salle", slug="location-de-salle", summary="Réserver une salle municipale.",
        description="La commune loue trois salles.", eligibility="Les habitants majeurs.",
        documents_to_prepare="- Un justificatif de domicile\n- Une attestation d'assurance",
        cost="Selon la salle", usual_delay="Réponse sous 3 semaines", department=department,
        category=make_category(name="Salles et événements"),
        channel_web=True, channel_counter=True, channel_phone=True, channel_mail=False,
        offline_alternative="À l'accueil de la mairie, du lundi au samedi.",
    )

    page = page_of(client, procedure)

    assert page.count("<h1") == 1
    assert "<h1>Location de salle</h1>" in page
    for text in ("Réserver une salle municipale.", "La commune loue trois salles.", "Les habitants majeurs.",
                 "<li>Un justificatif de domicile</li>", "Selon la salle", "Réponse sous 3 semaines"):
        assert text in page
    # Channels, in words
    assert "<li>En ligne</li>" in page
    assert "<li>Au guichet</li>" in page
    assert "<li>Par téléphone</li>" in page
    assert "<li>Par courrier</li>" not in page
    # The non-digital alternative, prominently
    assert "Vous ne pouvez pas ou ne souhaitez pas faire la démarche en ligne ?" in page
    assert "À l&#x27;accueil de la mairie, du lundi au samedi." in page
    # The department
    assert "Démarches administratives et état civil" in page
    assert "1 place de la République" in page
    assert 'href="tel:0123456710"' in page
    assert 'href="mailto:etat-civil@admiville.fr"' in page
    assert "<li>Samedi : 9 h – 12 h</li>" in page
    # Start button: the filing address of a later issue
    assert 'href="/demarches/location-de-salle/deposer/"' in page
    assert "Un compte est nécessaire" in page
    # Breadcrumb
    assert '<span aria-current="page">Location de salle</span>' in page


def test_privacy_notice_names_controller_dpo_purpose_basis_recipients_retention_and_rights(client):
    make_commune(mayor_name="Claire Martin", dpo_name="Julien Moreau", dpo_email="dpo@admiville.fr")
    procedure = make_procedure(
        privacy_purpose="Instruire la demande de location.", privacy_legal_basis="contract",
        privacy_legal_basis_detail="Règlement des salles", privacy_data_categories="Identité, coordonnées.",
        privacy_recipients="Le service des salles.", retention_months=30, retention_detail="après le contrat",
    )

    page = page_of(client, procedure)

    assert 'id="donnees-personnelles"' in page
    assert "Le maire d’Admiville, Claire Martin" in page
    assert "Julien Moreau" in page
    assert "mailto:dpo@admiville.fr" in page
    assert "Instruire la demande de location." in page
    assert "Exécution d&#x27;un contrat (art. 6.1.b RGPD) — Règlement des salles" in page
    assert "Identité, coordonnées." in page
    assert "Le service des salles." in page
    assert "2 ans et 6 mois (après le contrat)" in page
    assert "rectifier" in page
    assert "CNIL" in page


def test_sva_procedure_explains_implicit_acceptance_and_shows_legal_basis(client):
    procedure = make_procedure(regime=Regime.SVA, period_value=2, period_unit="months",
                               legal_basis="CRPA L231-1 ; CGCT L2143-1")
    page = page_of(client, procedure)
    assert "Sans réponse de la mairie dans un délai de 2 mois, votre demande est acceptée." in page
    assert "attestation" in page
    assert "Fondement juridique : CRPA L231-1 ; CGCT L2143-1" in page
    assert "refusée" not in page


def test_svr_procedure_explains_implicit_rejection_and_appeal(client):
    procedure = make_procedure(regime=Regime.SVR, period_value=4, period_unit="months",
                               legal_basis="CRPA L231-4 ; décret n° 2014-1273")
    page = page_of(client, procedure)
    assert ("Sans réponse de la mairie dans un délai de 4 mois, votre demande est considérée comme refusée. "
            "Vous pourrez alors demander les motifs de ce refus et former un recours.") in page
    assert "Fondement juridique : CRPA L231-4 ; décret n° 2014-1273" in page


def test_period_in_days_is_worded_in_days(client):
    procedure = make_procedure(regime=Regime.SVA, period_value=15, period_unit="days")
    assert "dans un délai de 15 jours, votre demande est acceptée." in page_of(client, procedure)


def test_procedure_without_implicit_decision_says_so(client):
    procedure = make_procedure_without_implicit_decision()
    page = page_of(client, procedure)
    assert "ne donne pas lieu à une décision implicite" in page
    assert "Sans réponse de la mairie" not in page
    assert "Fondement juridique" not in page


def test_offline_only_procedure_has_no_start_button(client):
    procedure = make_procedure(channel_web=False, offline_alternative="Au guichet uniquement.")
    page = page_of(client, procedure)
    assert "/deposer/" not in page
    assert "ne peut pas encore être faite en ligne" in page
    assert "Au guichet uniquement." in page


def test_anonymous_filing_is_announced(client):
    procedure = make_procedure(account_required=False, allow_anonymous=True)
    page = page_of(client, procedure)
    assert "Pas besoin de compte : un lien de suivi vous est envoyé par courriel." in page


def test_procedure_page_links_its_life_events(client):
    procedure = make_procedure()
    procedure.life_events.add(make_life_event(name="Je déménage", slug="je-demenage"))
    assert 'href="/demarches/evenement/je-demenage/"' in page_of(client, procedure)


def test_draft_procedure_is_a_themed_404(client):
    procedure = make_draft_procedure(title="Démarche cachée")
    response = client.get(f"/demarches/{procedure.slug}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page
    assert "Démarche cachée" not in page


def test_unknown_slug_is_a_themed_404(client):
    response = client.get("/demarches/nexiste-pas/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page
    assert 'role="search"' in page  # a way out: search the catalogue


def test_procedure_page_query_count(client, django_assert_max_num_queries):
    procedure = make_procedure()
    for _ in range(3):
        procedure.life_events.add(make_life_event())
    # procedure with category and department, its life events, the commune
    with django_assert_max_num_queries(3):
        page_of(client, procedure)


def test_closed_procedure_says_so_with_the_commune_message_and_its_replacement(client):
    from django.utils import timezone

    from parvis.builder.models import ProcedureClosure

    replacement = make_procedure(title="Nouvelle démarche", slug="nouvelle-demarche")
    closed = make_closed_procedure(title="Ancienne démarche")
    ProcedureClosure.objects.create(procedure=closed, message="Remplacée par le portail régional.",
                                    replacement=replacement, closed_at=timezone.now())
    response = client.get(f"/demarches/{closed.slug}/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "Cette démarche n'est plus proposée" in page or "Cette démarche n&#x27;est plus proposée" in page
    assert "Remplacée par le portail régional." in page
    assert 'href="/demarches/nouvelle-demarche/"' in page
    assert "deposer" not in page


def test_a_report_procedure_starts_on_the_reports_pages(client):
    """Reports are filed with their map, photos and duplicate check, not with the generic form."""
    procedure = make_procedure(family="report", regime=Regime.NONE, period_value=None,
                               account_required=False, allow_anonymous=True)
    page = page_of(client, procedure)
    assert 'href="/signalements/nouveau/"' in page
    assert f'href="/demarches/{procedure.slug}/deposer/"' not in page
