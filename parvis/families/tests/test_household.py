"""The household: creation from the profile, children, contacts, supporting documents, shared access, and the
choke points (another family's objects answer 404)."""

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parvis.cases.deadlines import add_months
from parvis.families import access, services
from parvis.families.models import Child, FamilyEvent, HouseholdMember, Menu, SupportingDocument
from parvis.families.tests.factories import make_child, make_household
from parvis.testing.factories import make_commune, make_resident
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text(response):
    return html.unescape(response.content.decode())


def pdf_upload(name="justificatif.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_household_is_created_from_the_profile_address(client):
    make_commune()
    user = make_resident(street="8 rue des Lilas", postcode="99100", city="Admiville")
    client.force_login(user)
    page = client.get(reverse("families:household"))
    assert 'value="8 rue des Lilas"' in text(page)  # say it once: pre-filled
    response = client.post(reverse("families:household"), {"street": "8 rue des Lilas", "postcode": "99100",
                                                            "city": "Admiville", "relationship": "mère"})
    assert response.status_code == 302 and response.url == reverse("families:child_add")
    household = access.household_of(user)
    assert household.is_resident and household.primary_user == user
    assert FamilyEvent.objects.filter(household=household, kind="household_created").exists()


def test_household_outside_the_commune_is_not_resident(client):
    household = make_household(postcode="75001")
    assert not household.is_resident


def test_bad_postcode_gets_an_error_summary(client):
    make_commune()
    client.force_login(make_resident())
    response = client.post(reverse("families:household"), {"street": "x", "postcode": "9910", "city": "A"})
    content = text(response)
    assert response.status_code == 200 and "error-summary" in content and "5 chiffres" in content


def test_add_child_with_menu_and_health_yes_no_only(client):
    household = make_household()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:child_add"), {
        "first_name": "Léa", "last_name": "Durand", "birth_date": "2018-09-14", "school_level": "CE2",
        "menu": "sans_porc", "has_food_allergy": "on"})
    assert response.status_code == 302
    child = Child.objects.get(household=household)
    assert child.menu == Menu.WITHOUT_PORK and child.has_food_allergy and not child.has_care_plan
    # Menus only, never beliefs; health as yes/no, no free text.
    assert {value for value, _label in Menu.choices} == {"standard", "sans_porc", "sans_viande"}
    assert not any(field.name in ("religion", "diet", "health_details", "allergies")
                   for field in Child._meta.get_fields())
    page = text(client.get(reverse("families:home")))
    assert "Menu sans porc" in page and "Léa" in page


def test_child_birth_date_checked(client):
    household = make_household()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:child_add"), {
        "first_name": "A", "last_name": "B", "birth_date": "1990-01-01", "menu": "standard"})
    assert "moins de 18 ans" in text(response)


def test_contacts_authorised_pick_up_and_emergency(client):
    household = make_household()
    child = make_child(household)
    client.force_login(household.primary_user)
    url = reverse("families:child_contacts", args=[child.pk])
    assert client.post(url, {"name": "Mamie Jeanne", "phone": "06 11 22 33 44", "can_pick_up": "on"}).status_code == 302
    response = client.post(url, {"name": "Voisin", "phone": "06 11 22 33 45"})
    assert "Cochez au moins une des deux cases" in text(response)
    contact = child.contacts.get()
    assert contact.can_pick_up and not contact.is_emergency_contact
    client.post(reverse("families:contact_remove", args=[child.pk, contact.pk]))
    assert not child.contacts.exists()


def test_document_upload_is_kept_and_reused_until_it_expires(client):
    household = make_household()
    client.force_login(household.primary_user)
    today = timezone.localdate()
    response = client.post(reverse("families:documents"), {
        "kind": "proof_of_address", "document_date": (today - dt.timedelta(days=10)).isoformat(),
        "file": pdf_upload()})
    assert response.status_code == 302
    document = SupportingDocument.objects.get(household=household)
    assert document.status == "pending" and document.valid_until == add_months(today - dt.timedelta(days=10), 3)
    assert document.is_usable(today)
    download = client.get(reverse("families:document_file", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_expired_or_future_or_wrong_type_document_refused(client):
    household = make_household()
    client.force_login(household.primary_user)
    today = timezone.localdate()
    old = client.post(reverse("families:documents"), {
        "kind": "proof_of_address", "document_date": add_months(today, -4).isoformat(), "file": pdf_upload()})
    assert "plus de 3 mois" in text(old)
    future = client.post(reverse("families:documents"), {
        "kind": "family_record_book", "document_date": (today + dt.timedelta(days=1)).isoformat(),
        "file": pdf_upload()})
    assert "dans le futur" in text(future)
    bad = client.post(reverse("families:documents"), {
        "kind": "family_record_book", "document_date": today.isoformat(),
        "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")})
    assert "n'est pas accepté" in text(bad)
    assert not SupportingDocument.objects.exists()


def test_shared_access_needs_both_parents(client, mailbox, django_capture_on_commit_callbacks):
    household = make_household()
    first = household.primary_user
    second = make_resident(email="parent2@example.org")
    client.force_login(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("families:sharing"), {"email": "Parent2@example.org", "relationship": "père",
                                                             "agreement": "on"})
    assert response.status_code == 302
    member = HouseholdMember.objects.get(household=household, status="invited")
    assert access.household_of(second) is None  # invited is not enough
    message = mailbox.wait_for(1)[0]
    assert member.token in body_text(message)

    intruder = make_resident(email="autre@example.org")
    client.force_login(intruder)
    refused = client.post(reverse("families:invitation", args=[member.token]))
    assert "autre adresse" in text(refused)

    client.force_login(second)
    assert client.post(reverse("families:invitation", args=[member.token])).status_code == 302
    assert access.household_of(second) == household
    assert client.get(reverse("families:invitation", args=[member.token])).status_code == 404  # used once

    # Either parent may end it.
    client.post(reverse("families:sharing_end", args=[member.pk]))
    assert access.household_of(second) is None and access.household_of(first) == household


def test_invitation_to_self_refused(client):
    household = make_household()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:sharing"), {"email": household.primary_user.email, "agreement": "on"})
    assert "pas la vôtre" in text(response)


def test_another_familys_objects_answer_404(client):
    mine, theirs = make_household(), make_household()
    their_child = make_child(theirs)
    stored = services.add_document(theirs, kind="family_record_book", document_date=timezone.localdate(),
                                   upload=pdf_upload(), content_type="application/pdf", actor=theirs.primary_user)
    client.force_login(mine.primary_user)
    for url in (reverse("families:child_edit", args=[their_child.pk]),
                reverse("families:child_contacts", args=[their_child.pk]),
                reverse("families:child_remove", args=[their_child.pk]),
                reverse("families:document_file", args=[stored.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("families:child_edit", args=[their_child.pk]), {"first_name": "X"}).status_code == 404


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("families:home"))
    assert response.status_code == 302 and "/compte/" in response.url


def test_welcome_page_without_household(client):
    make_commune()
    client.force_login(make_resident())
    response = client.get(reverse("families:home"))
    assert "Créer mon espace famille" in text(response)


def test_remove_child_refused_while_registered(client):
    from parvis.families.registrations import register_child
    from parvis.families.tests.factories import make_session

    household = make_household()
    child = make_child(household)
    register_child(child=child, session=make_session(), actor=household.primary_user)
    with pytest.raises(services.FamilyError):
        services.remove_child(child, actor=household.primary_user)
