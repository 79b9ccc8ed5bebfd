import datetime as dt

import pytest
from django.utils import timezone

from parvis.appointments.sms import LocmemSMSBackend
from parvis.appointments.tests.factories import make_agenda
from parvis.connectors.ants.testserver import AntsTestServer


@pytest.fixture
def ants_server(settings):
    """A local ANTS coordination API; Parvis is configured to use it (timeout: 1 second)."""
    server = AntsTestServer(token="jeton-ants").start()
    settings.ANTS_API_URL = server.url
    settings.ANTS_API_TOKEN = "jeton-ants"
    settings.ANTS_TIMEOUT_SECONDS = 1
    yield server
    server.stop()


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "parvis.appointments.sms.LocmemSMSBackend"
    LocmemSMSBackend.outbox.clear()
    yield LocmemSMSBackend.outbox
    LocmemSMSBackend.outbox.clear()


@pytest.fixture
def agenda(db):
    """(place, cni, pickup): open every day 9:00–12:00 on 2 desks, slots generated from today for 10 days."""
    return make_agenda()


@pytest.fixture
def soon():
    """Tomorrow 00:00 in Paris: a day with nothing special in the test agendas."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
