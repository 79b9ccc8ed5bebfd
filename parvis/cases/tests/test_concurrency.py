"""Twenty residents file at the same instant: twenty distinct, consecutive references (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from parvis.cases.models import Case
from parvis.cases.services import submit_case
from parvis.cases.tests.factories import paris
from parvis.testing.factories import make_procedure, make_resident

N = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_consecutive_references(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    procedure = make_procedure()
    residents = [make_resident() for _ in range(N)]
    revision = procedure.published_revision
    barrier = threading.Barrier(N)
    references, errors = [], []
    lock = threading.Lock()

    def file(resident):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            # No ReferenceSequence row exists for 2031 yet: the first filings also race to create it.
            case = submit_case(revision=revision, answers={"n": resident.pk}, applicant=resident,
                               received_at=paris(2031, 5, 4))
            with lock:
                references.append(case.reference)
        except Exception as exc:  # reported below
            with lock:
                errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=file, args=(resident,)) for resident in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(references) == N
    assert sorted(references) == [f"ADM-2031-{n:06d}" for n in range(1, N + 1)]
    assert Case.objects.filter(reference__startswith="ADM-2031-").count() == N
