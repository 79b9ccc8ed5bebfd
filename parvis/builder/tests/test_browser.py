"""The usability bar, in a real browser: an administrator builds a two-page, 10-field form with a condition from a
blank procedure, sets an SVR regime of two months, keeps the default workflow, files a test case and publishes;
a resident then files the procedure and receives the acknowledgement. Nobody edits code or the Django admin, and
axe-core finds no WCAG 2.1 AA violation on the builder pages."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.cases.models import Case
from parvis.organisation.models import Role
from parvis.procedures.models import Procedure, ProcedureStatus
from parvis.testing.browser import check_accessibility, log_in
from parvis.testing.factories import make_agent, make_category, make_commune, make_department, make_resident
from parvis.testing.pdf import pdf_text
from parvis.testing.smtp import attachments

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "un mot de passe solide"


def login(page, email):
    log_in(page, email, PASSWORD)
    page.wait_for_load_state()


def saved(page, text):
    page.get_by_text(text).first.wait_for()


def add_page(page, title):
    page.get_by_role("link", name="Ajouter une page", exact=True).click()
    page.locator("#id_title").fill(title)
    page.get_by_role("button", name="Enregistrer").click()
    saved(page, f"Page « {title} » ajoutée.")


def add_field(page, section, field_type, label, *, required=False, fill=None, select=None, check=()):
    page.locator(f"#type-{section}").select_option(field_type)
    page.locator(f"form:has(#type-{section})").get_by_role("button").click()
    page.locator("#reglage_label").fill(label)
    if required:
        page.locator("#reglage_required").check()
    for selector, value in (fill or {}).items():
        page.locator(selector).fill(value)
    for selector, value in (select or {}).items():
        page.locator(selector).select_option(value)
    for selector in check:
        page.locator(selector).check()
    page.get_by_role("button", name="Ajouter le champ").click()
    saved(page, f"Champ « {label} » ajouté.")


def open_tab(page, name):
    page.get_by_role("navigation", name="Rubriques de la démarche").get_by_role("link", name=name, exact=True).click()


def test_an_administrator_builds_tests_and_publishes_a_procedure_a_resident_files_it(browser, page, mailbox):
    make_commune()
    department = make_department(name="Accueil, courrier et location de salles", slug="accueil-salles",
                                 phone="01 23 45 67 89")
    make_category(name="Salles et événements", slug="salles-evenements")
    admin = make_agent(department, role=Role.PROCEDURE_ADMIN, email="admin.demarches@admiville.fr",
                       password=PASSWORD)
    resident = make_resident("camille.durand@example.org", password=PASSWORD, first_name="Camille",
                             last_name="Durand", phone="06 12 34 56 78")

    # --- The administrator, from a blank procedure --------------------------------------------------------
    login(page, admin.email)
    page.get_by_role("link", name="Espace agents").click()
    page.get_by_role("link", name="Démarches en ligne : créer, tester, publier").click()
    page.get_by_role("heading", name="Démarches", exact=True).wait_for()
    check_accessibility(page, "liste des démarches")
    page.get_by_role("link", name="Créer une démarche").click()
    check_accessibility(page, "création")
    page.get_by_role("button", name="Créer la démarche").click()  # nothing filled: errors
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "création avec erreurs")
    page.locator("#id_title").fill("Location de la salle des fêtes")
    page.locator("#id_category").select_option(label="Salles et événements")
    page.get_by_role("button", name="Créer la démarche").click()
    page.get_by_role("heading", name="Location de la salle des fêtes", level=1).wait_for()
    check_accessibility(page, "vue d'ensemble avec les problèmes à corriger")
    assert page.get_by_text("la finalité du traitement est obligatoire pour publier").is_visible()
    procedure = Procedure.objects.get()

    open_tab(page, "Informations")
    page.locator("#id_summary").fill("Réserver la salle des fêtes pour une fête de famille.")
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    saved(page, "Enregistré dans le brouillon.")
    check_accessibility(page, "informations")

    # The form: two pages, ten fields, a condition.
    open_tab(page, "Formulaire")
    check_accessibility(page, "formulaire vide")
    add_page(page, "Vos coordonnées")
    add_field(page, "vos_coordonnees", "text", "Prénom", required=True, select={"#reglage_prefill":
                                                                               "profile.first_name"})
    check_accessibility(page, "formulaire avec un champ")
    add_field(page, "vos_coordonnees", "text", "Nom", required=True, select={"#reglage_prefill": "profile.last_name"})
    add_field(page, "vos_coordonnees", "email", "Adresse électronique", select={"#reglage_prefill": "profile.email"})
    add_field(page, "vos_coordonnees", "phone", "Téléphone", select={"#reglage_prefill": "profile.phone"})
    add_field(page, "vos_coordonnees", "address", "Adresse postale")
    add_page(page, "Votre réservation")
    page.locator("#type-votre_reservation").select_option("choice")
    page.locator("form:has(#type-votre_reservation)").get_by_role("button").click()
    check_accessibility(page, "nouveau champ à choix")
    page.locator("#reglage_label").fill("Salle")
    page.locator("#reglage_required").check()
    page.locator("#reglage_choices").fill("Salle des fêtes\nSalle du Parc")
    page.locator("#apercu-champ-contenu").get_by_label("Salle du Parc").wait_for()  # the live preview follows
    check_accessibility(page, "nouveau champ à choix, avec son aperçu")
    page.get_by_role("button", name="Ajouter le champ").click()
    saved(page, "Champ « Salle » ajouté.")
    add_field(page, "votre_reservation", "date", "Date de l'événement", required=True, fill={"#reglage_min":
                                                                                             "aujourd'hui"})
    add_field(page, "votre_reservation", "integer", "Nombre de personnes", required=True,
              fill={"#reglage_min": "1", "#reglage_max": "200"})
    add_field(page, "votre_reservation", "yesno", "Sonorisation souhaitée ?")
    add_field(page, "votre_reservation", "consent", "J'ai lu le règlement de la salle", required=True)
    check_accessibility(page, "formulaire de dix champs")

    page.get_by_role("link", name="Condition d'affichage du champ « Sonorisation souhaitée ? »").click()
    check_accessibility(page, "condition : choix de la question")
    page.locator("#id_champ").select_option(label="Salle (Votre réservation)")
    page.get_by_role("button", name="Choisir cette question").click()
    page.get_by_label("Salle des fêtes").check()
    check_accessibility(page, "condition : choix de la réponse")
    page.get_by_role("button", name="Ajouter la condition").click()
    saved(page, "Condition enregistrée.")
    assert page.get_by_text("Affiché seulement si « Salle » est « Salle des fêtes »").is_visible()
    page.get_by_role("link", name="Retour au formulaire").click()
    page.get_by_role("link", name="Modifier le champ « Salle »").click()
    check_accessibility(page, "modification d'un champ, avec son aperçu")
    page.get_by_role("link", name="Annuler").click()

    # Legal regime: silence means rejection after two months.
    open_tab(page, "Régime juridique")
    page.get_by_label("Silence vaut rejet").check()
    page.locator("#id_period_value").fill("")
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "régime avec erreur")
    page.locator("#id_period_value").fill("2")
    page.locator("#id_legal_basis").fill("CRPA L231-4, 3° (demande à caractère financier)")
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    saved(page, "Enregistré dans le brouillon.")

    open_tab(page, "Données personnelles")
    page.locator("#id_privacy_purpose").fill("Gérer la réservation de la salle et le contrat de location.")
    page.locator("#id_retention_months").fill("24")
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    saved(page, "Enregistré dans le brouillon.")
    check_accessibility(page, "données personnelles")

    open_tab(page, "Accès, canaux et service")
    page.locator("#id_offline_alternative").fill("Au guichet de la mairie, du lundi au vendredi de 8 h 30 à 17 h.")
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    saved(page, "Enregistré dans le brouillon.")
    check_accessibility(page, "accès et canaux")

    # The default workflow is kept: a look at it.
    open_tab(page, "Circuit de traitement")
    check_accessibility(page, "circuit de traitement")
    page.get_by_role("link", name="Modifier le statut « Refusée » et ses actions").click()
    check_accessibility(page, "statut et ses actions")
    open_tab(page, "Vue d'ensemble")
    assert page.get_by_text("Aucun problème : la démarche peut être publiée.").is_visible()

    # Live preview
    open_tab(page, "Aperçu")
    check_accessibility(page, "aperçu")
    page.get_by_role("link", name="Commencer l'aperçu").click()
    page.get_by_role("heading", name="Vos coordonnées", level=1).wait_for()
    check_accessibility(page, "aperçu, page 1")

    # Test mode
    open_tab(page, "Tester")
    check_accessibility(page, "tester")
    page.get_by_role("button", name="Déposer un dossier de test").click()
    page.get_by_role("heading", name="Vos coordonnées", level=1).wait_for()
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.get_by_role("heading", name="Votre réservation", level=1).wait_for()
    sono = page.locator("#champ-sonorisation_souhaitee")
    assert sono.is_hidden()
    page.get_by_label("Salle des fêtes").check()
    assert sono.is_visible()
    date = (timezone.localdate() + dt.timedelta(days=40)).strftime("%d/%m/%Y")
    page.get_by_label("Date de l'événement").fill(date)
    page.get_by_label("Nombre de personnes").fill("80")
    sono.get_by_label("Oui").check()
    page.get_by_label("J'ai lu le règlement de la salle").check()
    check_accessibility(page, "test, page 2")
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.get_by_role("heading", name="Vérifiez votre demande avant de l'envoyer").wait_for()
    check_accessibility(page, "test, vérification")
    page.get_by_role("button", name="Envoyer le dossier de test").click()
    test_case = Case.objects.get()
    page.get_by_role("heading", name=f"Dossier de test {test_case.reference}").wait_for()
    check_accessibility(page, "dossier de test")
    assert test_case.is_test and test_case.regime == "SVR" and test_case.applicant == admin
    assert test_case.answers["sonorisation_souhaitee"] is True

    # Publication, after the differences
    open_tab(page, "Publier")
    page.get_by_role("heading", name="Première publication").wait_for()
    check_accessibility(page, "publier")
    page.get_by_role("button", name="Publier la démarche").click()
    saved(page, "La démarche est publiée (version 1).")
    check_accessibility(page, "vue d'ensemble après publication")
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.PUBLISHED and procedure.regime == "SVR"
    assert procedure.period == (2, "months")
    assert not Case.objects.filter(is_test=True).exists()  # the test case went with the publication
    for path in ("bibliotheque/", "importer/", f"{procedure.pk}/historique/"):
        page.goto(f"{page.base_url}/agents/demarches/{path}")
        check_accessibility(page, path)

    # --- A resident files it ------------------------------------------------------------------------------
    mailbox.clear()
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    resident_page = context.new_page()
    resident_page.base_url = page.base_url
    login(resident_page, resident.email)
    resident_page.goto(f"{page.base_url}/demarches/{procedure.slug}/")
    resident_page.get_by_role("heading", name="Location de la salle des fêtes", level=1).wait_for()
    resident_page.get_by_role("link", name="Faire la démarche en ligne").click()
    resident_page.get_by_role("button", name="Commencer").click()
    resident_page.get_by_role("heading", name="Vos coordonnées", level=1).wait_for()
    assert resident_page.get_by_label("Prénom").input_value() == "Camille"
    resident_page.get_by_role("button", name="Continuer", exact=True).click()
    resident_page.get_by_label("Salle du Parc").check()
    resident_page.get_by_label("Date de l'événement").fill(date)
    resident_page.get_by_label("Nombre de personnes").fill("40")
    resident_page.get_by_label("J'ai lu le règlement de la salle").check()
    resident_page.get_by_role("button", name="Continuer", exact=True).click()
    resident_page.get_by_role("button", name="Envoyer ma demande").click()
    resident_page.get_by_role("heading", name="Votre demande a bien été enregistrée").wait_for()
    context.close()
    case = Case.objects.get(applicant=resident)
    assert not case.is_test and case.revision == procedure.published_revision and case.regime == "SVR"
    assert "sonorisation_souhaitee" not in case.answers
    messages = mailbox.wait_for(2)
    acknowledgement = next(message for message in messages
                           if str(message["Subject"]) == f"Accusé de réception de votre demande {case.reference}")
    assert resident.email in str(acknowledgement["To"])
    [pdf] = [content for _name, content_type, content in attachments(acknowledgement)
             if content_type == "application/pdf"]
    assert case.reference in pdf_text(pdf)


def test_every_other_builder_page_passes_axe(page, tmp_path):
    from parvis.builder import services
    from parvis.builder.tests.helpers import make_published_procedure

    make_commune()
    department = make_department(name="Accueil et location de salles", slug="accueil-salles")
    category = make_category(name="Salles et événements", slug="salles-evenements")
    admin = make_agent(department, role=Role.PROCEDURE_ADMIN, email="admin.demarches@admiville.fr",
                       password=PASSWORD)
    procedure = make_published_procedure(admin, department, category)
    services.edit_settings(procedure, admin, {"privacy_purpose": ""})  # a draft, with a problem
    login(page, admin.email)
    base = f"{page.base_url}/agents/demarches/{procedure.pk}"
    for path in ("/", "/informations/", "/acces-et-canaux/", "/regime-juridique/", "/donnees-personnelles/",
                 "/formulaire/", "/formulaire/pages/ajouter/", "/formulaire/pages/reservation/",
                 "/formulaire/parties/salle_date/", "/formulaire/parties/salle_date/ajouter-un-champ/",
                 "/formulaire/parties/salle_date/ajouter-un-champ/?type=file",
                 "/formulaire/parties/salle_date/ajouter-un-champ/?type=multichoice",
                 "/formulaire/champs/sono/", "/formulaire/champ/sono/condition/",
                 "/formulaire/champ/sono/condition/?champ=salle", "/formulaire/champ/salle/supprimer/",
                 "/formulaire/page/reservation/condition/?champ=prenom",
                 "/circuit/", "/circuit/statuts/ajouter/", "/circuit/statuts/pieces_requested/",
                 "/circuit/statuts/pieces_requested/supprimer/", "/circuit/transitions/ajouter/",
                 "/circuit/transitions/refuse/", "/circuit/transitions/refuse/supprimer/",
                 "/circuit/statuts/pieces_requested/actions/ajouter/?type=email_resident",
                 "/circuit/statuts/pieces_requested/actions/ajouter/?type=start_timer",
                 "/circuit/statuts/pieces_requested/actions/ajouter/?type=assign",
                 "/circuit/statuts/pieces_requested/actions/0/", "/circuit/statuts/accepted/actions/0/supprimer/",
                 "/apercu/", "/apercu/pages/reservation/", "/apercu/recapitulatif/", "/tester/", "/publier/",
                 "/mettre-hors-ligne/", "/fermer/", "/abandonner-le-brouillon/", "/historique/"):
        page.goto(base + path)
        assert "Erreur 500" not in page.content()
        check_accessibility(page, path)
    page.goto(f"{base}/informations/")
    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "informations avec erreurs")
    page.goto(f"{base}/circuit/statuts/received/actions/ajouter/?type=email_resident")
    page.get_by_label("Objet du courriel").fill("Demande {{ case.numero }}")
    page.get_by_label("Texte du courriel").fill("Bonjour")
    page.get_by_role("button", name="Ajouter l'action").click()
    page.wait_for_selector("#erreurs")
    assert page.get_by_text("n'existe pas").first.is_visible()
    check_accessibility(page, "action avec un champ de fusion inconnu")
    bad = tmp_path / "demarche.json"
    bad.write_text('{"format": "parvis.procedure", "version": 1, "procedure": {"title": ""}, "form": {}}')
    page.goto(f"{page.base_url}/agents/demarches/importer/")
    page.locator("#id_file").set_input_files(str(bad))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_selector("#erreurs")
    check_accessibility(page, "import avec erreurs")
    page.goto(f"{page.base_url}/agents/demarches/bibliotheque/autorisation-terrasse/")
    check_accessibility(page, "modèle de la bibliothèque")
    page.goto(f"{page.base_url}/agents/demarches/a-tester/")
    check_accessibility(page, "démarches à tester")
