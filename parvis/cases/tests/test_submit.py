import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.cases.models import Case, CaseDocument, ReferenceSequence
from parvis.cases.tests.factories import file_case, paris
from parvis.files.services import store_bytes
from parvis.testing.factories import make_agent, make_procedure, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_reference_format_and_sequence():
    first = file_case(received_at=paris(2025, 7, 10))
    second = file_case(received_at=paris(2025, 7, 11))
    assert re.fullmatch(r"ADM-2025-\d{6}", first.reference)
    assert first.reference == "ADM-2025-000001"
    assert second.reference == "ADM-2025-000002"
    assert ReferenceSequence.objects.get(year=2025).last_value == 2


def test_reference_prefix_setting_and_new_year_restarts(settings):
    settings.CASE_REFERENCE_PREFIX = "VIL"
    file_case(received_at=paris(2025, 12, 31, 12))
    # 31 December 23:30 UTC is already 1 January in Paris: the first case of 2026.
    case = file_case(received_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert case.reference == "VIL-2026-000001"


def test_references_are_unique_across_many_cases():
    procedure = make_procedure()
    references = {file_case(procedure=procedure).reference for _ in range(15)}
    assert len(references) == 15
    assert Case.objects.count() == 15


def test_case_snapshot_of_the_procedure_and_its_legal_dates():
    procedure = make_procedure(regime="SVA", period_value=2, period_unit="months")
    resident = make_resident()
    case = file_case(procedure=procedure, applicant=resident, received_at=paris(2025, 7, 10, 14, 30))
    case.refresh_from_db()
    assert case.status == "received"
    assert case.department == procedure.department
    assert case.revision == procedure.published_revision
    assert (case.regime, case.period_value, case.period_unit) == ("SVA", 2, "months")
    assert case.implicit_decision_on == dt.date(2025, 9, 10)
    assert timezone.is_aware(case.received_at)
    assert timezone.localtime(case.received_at).hour == 14

    # Later edits of the procedure do not change a filed case.
    procedure.regime, procedure.period_value = "SVR", 4
    procedure.save()
    case.refresh_from_db()
    assert case.regime == "SVA" and case.period_value == 2


def test_end_of_month_and_regime_none():
    svr = make_procedure(regime="SVR", period_value=2, period_unit="months")
    assert file_case(procedure=svr, received_at=paris(2024, 12, 31)).implicit_decision_on == dt.date(2025, 2, 28)
    none = make_procedure(regime="none", period_value=None)
    case = file_case(procedure=none, received_at=paris(2025, 7, 10))
    assert case.implicit_decision_on is None
    assert case.regime == "none" and case.period_value is None


def test_next_working_day_setting(settings):
    procedure = make_procedure(regime="SVA", period_value=2, period_unit="months")
    # 13 July 2025 + 2 months = Saturday 13 September 2025.
    assert file_case(procedure=procedure, received_at=paris(2025, 7, 13)).implicit_decision_on == dt.date(2025, 9, 13)
    settings.IMPLICIT_DECISION_NEXT_WORKING_DAY = True
    assert file_case(procedure=procedure, received_at=paris(2025, 7, 13)).implicit_decision_on == dt.date(2025, 9, 15)


def test_history_attachments_and_agent_filing():
    resident = make_resident()
    stored = store_bytes(b"%PDF-1.4 test", "justificatif.pdf", "application/pdf", uploaded_by=resident)
    case = file_case(applicant=resident, files=[("justificatif", stored)])
    event = case.events.get()
    assert event.description == "Demande reçue (en ligne)"
    assert event.channel == "web" and event.actor == resident and event.visible_to_resident
    document = CaseDocument.objects.get(case=case)
    assert (document.kind, document.field_key, document.stored_file) == ("attachment", "justificatif", stored)

    agent = make_agent()
    counter = file_case(applicant=resident, channel="counter", filed_by=agent)
    assert counter.events.get().description == "Demande reçue (au guichet)"
    assert counter.filed_by == agent


def test_anonymous_filing_gets_a_tracking_token():
    case = file_case(applicant=None, contact_email="anonyme@example.org")
    assert case.applicant is None and case.contact_email == "anonyme@example.org"
    assert len(case.tracking_token) >= 40
    assert case.notification_email == "anonyme@example.org"


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        file_case(channel="pigeon")
