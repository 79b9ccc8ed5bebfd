"""A double click on "Envoyer" from two requests at once still files one case."""

import threading

import pytest
from django.db import connection

from parvis.cases.models import Case
from parvis.filing.models import Draft, DraftStatus
from parvis.filing.services import start_draft, submit_draft
from parvis.testing.factories import make_commune, make_procedure, make_resident

SIMPLE = {"version": 1, "pages": [{"key": "objet", "title": "Objet", "sections": [
    {"key": "s", "title": "Objet", "fields": [{"key": "objet", "type": "text", "label": "Objet", "required": True}]}]}]}
N = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_draft_file_one_case(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks; SQLite's in-memory test database locks whole tables)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    make_commune()
    procedure = make_procedure(schema=SIMPLE)
    draft = start_draft(procedure, user=make_resident())
    Draft.objects.filter(pk=draft.pk).update(answers={"objet": "Une salle le 14 juillet"})
    barrier = threading.Barrier(N)
    cases, errors = [], []
    lock = threading.Lock()

    def submit():
        from django.db import connection as thread_connection

        try:
            stale = Draft.objects.get(pk=draft.pk)  # every request read the draft before any commit
            barrier.wait(timeout=30)
            case = submit_draft(stale)
            with lock:
                cases.append(case.pk)
        except Exception as exc:  # reported below
            with lock:
                errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit) for _ in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(cases) == N and len(set(cases)) == 1
    assert Case.objects.count() == 1
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.submitted_case_id == cases[0]
