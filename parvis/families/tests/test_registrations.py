"""Registrations: places, waiting list with its documented rank, promotion of the next child with a time to
accept, eligibility and period rules, through the services and the families' pages."""

import datetime as dt
import html

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parvis.families import registrations, services
from parvis.families.models import Registration, RegistrationStatus
from parvis.families.registrations import RegistrationRefused, register_child
from parvis.families.tests.factories import make_activity, make_child, make_household, make_session
from parvis.testing.smtp import body_text

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def family(children=1, postcode="99100"):
    household = make_household(postcode=postcode)
    return household, [make_child(household) for _ in range(children)]


def test_a_place_is_taken_then_the_waiting_list_gives_ranks():
    session = make_session(capacity=2)
    outcomes = []
    for _ in range(4):
        household, (child,) = family()
        outcomes.append(register_child(child=child, session=session, actor=household.primary_user))
    assert [o.rank for o in outcomes] == [None, None, 1, 2]
    assert sorted(o.registration.place_number for o in outcomes[:2]) == [1, 2]
    assert all(o.registration.place_number is None for o in outcomes[2:])


def test_rank_follows_priority_points_then_request_time():
    session = make_session(capacity=1)
    household, (child,) = family()
    register_child(child=child, session=session, actor=household.primary_user)
    outsider, (late_outsider,) = family(postcode="75001")
    first_waiting = register_child(child=late_outsider, session=session, actor=outsider.primary_user)
    resident, (resident_child,) = family()
    second = register_child(child=resident_child, session=session, actor=resident.primary_user)
    assert second.registration.priority == 2 and second.rank == 1  # residents first (documented rule)
    first_waiting.registration.refresh_from_db()
    assert registrations.waiting_rank(first_waiting.registration) == 2


def test_a_sibling_gets_a_priority_point():
    session = make_session(capacity=1)
    household, (first, second) = family(children=2)
    register_child(child=first, session=session, actor=household.primary_user)
    outcome = register_child(child=second, session=session, actor=household.primary_user)
    assert outcome.registration.priority == 3
    assert "frère ou sœur déjà inscrit" in outcome.registration.priority_reasons


def test_same_child_twice_refused():
    session = make_session()
    household, (child,) = family()
    register_child(child=child, session=session, actor=household.primary_user)
    with pytest.raises(RegistrationRefused, match="déjà inscrit"):
        register_child(child=child, session=session, actor=household.primary_user)


def test_child_too_young_refused():
    activity = make_activity(kind="wednesday", min_age_months=36, school_levels=[])
    session = make_session(activity)
    household, _ = family(children=0)
    baby = make_child(household, birth_date=timezone.localdate() - dt.timedelta(days=400), school_level="")
    with pytest.raises(RegistrationRefused) as error:
        register_child(child=baby, session=session, actor=household.primary_user)
    assert "trop jeune" in error.value.problems[0]
    assert not Registration.objects.exists()


def test_registration_after_closing_or_before_opening_refused():
    now = timezone.now()
    closed = make_session(registration_opens_at=now - dt.timedelta(days=30),
                          registration_closes_at=now - dt.timedelta(minutes=1))
    future = make_session(registration_opens_at=now + dt.timedelta(days=1),
                          registration_closes_at=now + dt.timedelta(days=30))
    household, (child,) = family()
    with pytest.raises(RegistrationRefused, match="sont closes depuis"):
        register_child(child=child, session=closed, actor=household.primary_user)
    with pytest.raises(RegistrationRefused, match="ouvrent le"):
        register_child(child=child, session=future, actor=household.primary_user)


def test_required_documents_asked_once_and_reused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    activity = make_activity(required_documents=["proof_of_address"])
    household, (first, second) = family(children=2)
    with pytest.raises(RegistrationRefused, match="Justificatif de domicile"):
        register_child(child=first, session=make_session(activity), actor=household.primary_user)
    services.add_document(household, kind="proof_of_address", document_date=timezone.localdate(),
                          upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF"), content_type="application/pdf",
                          actor=household.primary_user)
    register_child(child=first, session=make_session(activity), actor=household.primary_user)
    register_child(child=second, session=make_session(activity), actor=household.primary_user)  # same document


def test_cancellation_offers_the_place_to_the_next_with_time_to_accept(mailbox, django_capture_on_commit_callbacks):
    activity = make_activity(offer_hold_hours=48)
    session = make_session(activity, capacity=1)
    holder_household, (holder,) = family()
    held = register_child(child=holder, session=session, actor=holder_household.primary_user).registration
    waiting_household, (waiting_child,) = family()
    waiting = register_child(child=waiting_child, session=session, actor=waiting_household.primary_user).registration
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registrations.cancel_registration(held, actor=holder_household.primary_user)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED and waiting.place_number == 1
    assert dt.timedelta(hours=47) < waiting.offer_expires_at - timezone.now() <= dt.timedelta(hours=48)
    message = mailbox.wait_for(1)[0]
    assert message["To"] == waiting_household.primary_user.email
    assert "Une place s'est libérée" in message["Subject"] and "avant le" in body_text(message)
    registrations.accept_offer(waiting, actor=waiting_household.primary_user)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_declined_offer_goes_to_the_next():
    session = make_session(capacity=1)
    regs = []
    for _ in range(3):
        household, (child,) = family()
        regs.append(register_child(child=child, session=session, actor=household.primary_user).registration)
    registrations.cancel_registration(regs[0], actor=None)
    regs[1].refresh_from_db()
    registrations.decline_offer(regs[1], actor=None)
    regs[2].refresh_from_db()
    assert regs[2].status == RegistrationStatus.OFFERED


def test_expired_offers_pass_on_with_the_command():
    session = make_session(capacity=1)
    regs = []
    for _ in range(3):
        household, (child,) = family()
        regs.append(register_child(child=child, session=session, actor=household.primary_user).registration)
    registrations.cancel_registration(regs[0], actor=None)
    Registration.objects.filter(pk=regs[1].pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("expire_place_offers")
    call_command("expire_place_offers")  # idempotent
    statuses = {r.pk: r.status for r in Registration.objects.all()}
    assert statuses[regs[1].pk] == RegistrationStatus.EXPIRED and statuses[regs[2].pk] == RegistrationStatus.OFFERED
    late = Registration.objects.get(pk=regs[1].pk)
    with pytest.raises(services.FamilyError, match="n'est plus proposée"):
        registrations.accept_offer(late, actor=None)


def test_accepting_after_the_deadline_passes_the_place_on():
    session = make_session(capacity=1)
    regs = []
    for _ in range(3):
        household, (child,) = family()
        regs.append(register_child(child=child, session=session, actor=household.primary_user).registration)
    registrations.cancel_registration(regs[0], actor=None)
    Registration.objects.filter(pk=regs[1].pk).update(offer_expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(services.FamilyError, match="délai"):
        registrations.accept_offer(Registration.objects.get(pk=regs[1].pk), actor=None)
    assert Registration.objects.get(pk=regs[2].pk).status == RegistrationStatus.OFFERED


def test_more_places_promote_the_waiting_list():
    session = make_session(capacity=1)
    regs = []
    for _ in range(3):
        household, (child,) = family()
        regs.append(register_child(child=child, session=session, actor=household.primary_user).registration)
    offered = registrations.set_capacity(session, 3, agent=None)
    assert [r.pk for r in offered] == [regs[1].pk, regs[2].pk]
    with pytest.raises(services.FamilyError):
        registrations.set_capacity(session, 1, agent=None)


def test_page_registers_two_children_and_shows_the_rank(client, mailbox, django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    household, (first, second) = family(children=2)
    client.force_login(household.primary_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("families:register", args=[session.pk]), {"children": [first.pk, second.pk]})
    content = text(response)
    assert "Inscription enregistrée" in content and "rang 1" in content and "inscrit(e)" in content
    acknowledgements = mailbox.wait_for(2)
    assert all("accusé de réception électronique" in body_text(m) for m in acknowledgements)
    home = text(client.get(reverse("families:home")))
    assert "Liste d'attente : rang 1" in home


def test_page_explains_refusals(client):
    now = timezone.now()
    session = make_session(registration_opens_at=now - dt.timedelta(days=30),
                           registration_closes_at=now - dt.timedelta(days=1))
    household, (child,) = family()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:register", args=[session.pk]), {"children": [child.pk]})
    assert "sont closes depuis" in text(response) and "error-summary" in text(response)


def test_another_familys_child_cannot_be_registered(client):
    session = make_session()
    household, _ = family()
    _other, (their_child,) = family()
    client.force_login(household.primary_user)
    response = client.post(reverse("families:register", args=[session.pk]), {"children": [their_child.pk]})
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_registration_pages_of_another_family_answer_404(client):
    session = make_session()
    other, (child,) = family()
    registration = register_child(child=child, session=session, actor=other.primary_user).registration
    household, _ = family()
    client.force_login(household.primary_user)
    assert client.get(reverse("families:registration", args=[registration.pk])).status_code == 404
    for name in ("registration_accept", "registration_decline", "registration_cancel"):
        assert client.post(reverse(f"families:{name}", args=[registration.pk])).status_code == 404


def test_family_accepts_an_offer_from_its_page(client):
    session = make_session(capacity=1)
    first, (a,) = family()
    held = register_child(child=a, session=session, actor=first.primary_user).registration
    second, (b,) = family()
    waiting = register_child(child=b, session=session, actor=second.primary_user).registration
    registrations.cancel_registration(held, actor=None)
    client.force_login(second.primary_user)
    page = text(client.get(reverse("families:registration", args=[waiting.pk])))
    assert "Une place est proposée" in page
    client.post(reverse("families:registration_accept", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_activities_page_lists_places(client):
    make_session(capacity=3)
    household, _ = family()
    client.force_login(household.primary_user)
    assert "3 places libres" in text(client.get(reverse("families:activities")))
