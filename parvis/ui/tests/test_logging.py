"""Normal answers (a form with errors, a time taken meanwhile) do not fill the logs with warnings; incidents do."""

import logging

import pytest
from django.test import RequestFactory
from django.utils.log import log_response


@pytest.fixture
def request_log(caplog):
    # The filter sits on the `django.request` logger (settings.LOGGING): records it drops never reach caplog.
    caplog.set_level(logging.WARNING, logger="django.request")
    return caplog


@pytest.mark.parametrize(("status", "logged"), [(400, False), (409, False), (403, True), (404, True), (500, True)])
def test_expected_client_answers_are_not_logged(request_log, status, logged):
    from django.http import HttpResponse

    request = RequestFactory().post("/rendez-vous/creneaux/")
    log_response("%s: %s", "Réponse", request.path, response=HttpResponse(status=status), request=request)
    assert any(record.name == "django.request" for record in request_log.records) is logged
