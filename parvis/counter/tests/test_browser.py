"""The counter in a real browser, at 360 px: a front-desk agent creates a resident without email, files a
request for them from a letter stamped days ago, and prints the acknowledgement. axe-core on every page."""

import datetime as dt

import pytest

from parvis.cases.models import Case
from parvis.counter.tests.conftest import PASSWORD, SCHEMA, fr, paris_now
from parvis.formengine.tests.helpers import pdf_bytes
from parvis.testing.browser import check_accessibility, log_in, screenshot
from parvis.testing.factories import make_procedure
from parvis.testing.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, context):
    screenshot(page, "guichet-" + context.replace(" ", "-"))
    check_accessibility(page, context)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{context} : la page déborde à 360 px ({width} px)"


def test_front_desk_files_for_a_resident_without_email_and_prints_the_acknowledgement(
        page, front_desk, etat_civil, tmp_path):
    make_procedure(schema=SCHEMA, department=etat_civil, title="Copie d'acte de naissance",
                   slug="acte-naissance")
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, front_desk.email, PASSWORD)
    page.wait_for_load_state()

    page.goto(f"{page.base_url}/administration/")
    page.get_by_role("link", name="Guichet : usagers et dépôt de demandes").click()
    page.get_by_role("heading", name="Guichet : trouver un usager").wait_for()
    _check(page, "guichet")
    page.get_by_label("Nom ou prénom").fill("lefevre")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_text("Aucune personne ne correspond à cette recherche.").wait_for()
    _check(page, "recherche sans résultat")

    page.get_by_role("link", name="Créer la fiche d'un usager").first.click()
    page.get_by_role("heading", name="Créer la fiche d'un usager").wait_for()
    _check(page, "création de fiche")
    page.get_by_label("Civilité").select_option("mme")
    page.get_by_label("Prénom").fill("Éloïse")
    page.locator("#id_last_name").fill("Lefèvre")
    page.get_by_label("Date de naissance").fill("02/03/1950")
    page.get_by_role("button", name="Créer la fiche").click()
    page.wait_for_selector("#erreurs")  # no email: the postal address is required
    assert page.evaluate("document.activeElement.id") == "erreurs"
    _check(page, "création de fiche avec erreurs")
    page.get_by_label("Adresse (numéro et voie)").fill("12 rue de la Mairie")
    page.get_by_label("Code postal").fill("99100")
    page.get_by_label("Commune").fill("Admiville")
    page.get_by_role("button", name="Créer la fiche").click()

    page.get_by_role("heading", name="Madame Éloïse LEFÈVRE").wait_for()
    _check(page, "fiche de l'usager")
    page.get_by_role("link", name="Déposer une demande pour cette personne").click()
    page.get_by_role("heading", name="Déposer une demande").wait_for()
    _check(page, "choix de la démarche")
    page.get_by_label("Mots de la démarche").fill("naissance")
    page.get_by_role("button", name="Filtrer la liste").click()
    page.get_by_text("1 démarche correspond").wait_for()
    page.locator("#id_procedure").select_option(label="Copie d'acte de naissance")
    page.get_by_label("Par courrier").check()
    tomorrow = paris_now().date() + dt.timedelta(days=1)
    page.get_by_label("Date de réception").fill(fr(tomorrow))
    page.get_by_role("button", name="Commencer la saisie").click()
    page.wait_for_selector("#erreurs")
    assert page.get_by_text("La date de réception ne peut pas être dans le futur").first.is_visible()
    _check(page, "date de réception future")
    stamped = paris_now().date() - dt.timedelta(days=8)
    page.locator("#id_procedure").select_option(label="Copie d'acte de naissance")
    page.get_by_label("Date de réception").fill(fr(stamped))
    page.get_by_label("Heure de réception").fill("")
    page.get_by_role("button", name="Commencer la saisie").click()

    page.get_by_role("heading", name="Le demandeur").wait_for()
    assert page.locator("#id_nom").input_value() == "Lefèvre"  # from the resident's record
    _check(page, "page 1 du formulaire")
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.get_by_role("heading", name="La demande", exact=True).wait_for()
    page.get_by_role("button", name="Continuer", exact=True).click()
    page.wait_for_selector("#erreurs")
    _check(page, "page 2 avec erreur")
    page.get_by_label("Objet de la demande").fill("Copie intégrale")
    page.get_by_role("button", name="Continuer", exact=True).click()

    page.get_by_role("heading", name="Documents numérisés").wait_for()
    _check(page, "documents numérisés")
    scan = tmp_path / "lettre.pdf"
    scan.write_bytes(pdf_bytes())
    page.locator("#id_documents_numerises").set_input_files(str(scan))
    page.get_by_role("button", name="Continuer", exact=True).click()

    page.get_by_role("heading", name="Vérifiez la demande avant de la déposer").wait_for()
    assert page.get_by_text("lettre.pdf").is_visible()
    _check(page, "vérification")
    page.get_by_role("button", name="Déposer la demande").click()

    page.get_by_role("heading", name="La demande est déposée").wait_for()
    _check(page, "confirmation")
    case = Case.objects.get()
    assert case.channel == "mail" and case.received_at.date() == stamped and case.filed_by == front_desk
    assert case.applicant.email is None
    assert page.get_by_text(case.reference).first.is_visible()
    assert page.get_by_text(case.implicit_decision_on.strftime("%Y")).first.is_visible()

    link = page.get_by_role("link", name="Télécharger l'accusé de réception à imprimer (PDF)")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"accuse-de-reception-{case.reference}.pdf"
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert case.reference in text and "12 rue de la Mairie" in text and etat_civil.phone in text

    page.get_by_role("link", name="Revenir à la fiche de l'usager").click()
    page.get_by_role("heading", name="Ses demandes").wait_for()
    assert page.get_by_text(case.reference).first.is_visible()
    _check(page, "fiche avec la demande")

    # The case officer of the department takes over: asks for a missing piece, records its arrival by mail,
    # then accepts; every back-office page of the journey passes axe-core.
    from parvis.organisation.models import Role
    from parvis.testing.factories import make_agent

    officer = make_agent(department=etat_civil, role=Role.CASE_OFFICER, email="instructeur@admiville.fr",
                         password=PASSWORD)
    page.context.clear_cookies()
    log_in(page, officer.email, PASSWORD)
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/agents/dossiers/{case.reference}/")
    page.get_by_role("heading", name=f"Dossier {case.reference}").wait_for()
    _check(page, "dossier (instructeur)")

    actions = page.locator(".action-form").filter(has_text="Demander des pièces")
    actions.locator("summary").click()
    actions.get_by_label("Pièces à fournir").fill("Copie de la pièce d'identité")
    deadline = paris_now().date() + dt.timedelta(days=15)
    actions.get_by_label("À fournir avant le").fill(deadline.isoformat())
    actions.get_by_role("button", name="Confirmer : Demander des pièces").click()
    page.get_by_text("« Demander des pièces » : c'est fait.").wait_for()
    _check(page, "pièces demandées")
    case.refresh_from_db()
    assert case.status == "pieces_requested" and case.pieces_requests.get().deadline == deadline

    received = page.locator(".action-form").filter(has_text="Pièces reçues")
    if received.locator("summary").count():
        received.locator("summary").click()
        received.get_by_role("button", name="Confirmer : Pièces reçues").click()
    else:
        received.get_by_role("button", name="Pièces reçues").click()
    page.get_by_text("« Pièces reçues » : c'est fait.").wait_for()
    case.refresh_from_db()
    assert case.status == "in_progress" and case.pieces_requests.get().completed_on is not None

    accept = page.locator(".action-form").filter(has_text="Accepter")
    accept.locator("summary").click()
    for motivation in accept.get_by_role("textbox").all():
        motivation.fill("Dossier complet.")
    accept.get_by_role("button", name="Confirmer : Accepter").click()
    page.get_by_text("« Accepter » : c'est fait.").wait_for()
    _check(page, "dossier accepté")
    case.refresh_from_db()
    assert case.status == "accepted" and case.decisions.get().outcome == "accepted"


def test_mail_intake_pages_are_accessible(page, front_desk, etat_civil, tmp_path):
    make_procedure(schema=SCHEMA, department=etat_civil, title="Copie d'acte de naissance", slug="acte-naissance")
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, front_desk.email, PASSWORD, "/agents/guichet/courrier/")
    page.get_by_role("heading", name="Courrier reçu").wait_for()
    _check(page, "courrier reçu")
    fake = tmp_path / "lettre.pdf"
    fake.write_bytes(b"ceci n'est pas un PDF")
    page.get_by_label("Courrier numérisé").set_input_files(str(fake))
    page.get_by_label("Objet du courrier").fill("Demande de copie d'acte")
    page.get_by_role("button", name="Enregistrer le courrier").click()
    page.wait_for_selector("#erreurs")
    _check(page, "courrier refusé")
    scan = tmp_path / "vraie-lettre.pdf"
    scan.write_bytes(pdf_bytes())
    page.get_by_label("Courrier numérisé").set_input_files(str(scan))
    page.get_by_label("Date du cachet").fill(fr(paris_now().date() - dt.timedelta(days=4)))
    page.get_by_role("button", name="Enregistrer le courrier").click()
    page.get_by_role("heading", name="Qualifier le courrier").wait_for()
    _check(page, "qualifier le courrier")
    page.get_by_role("button", name="Ajouter au dossier").click()
    page.wait_for_selector("#erreurs")
    _check(page, "qualifier le courrier avec erreur")
