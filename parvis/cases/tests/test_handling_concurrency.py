"""Two agents deciding the same case at the same instant (PostgreSQL, real threads and connections): exactly one
decision; the other agent gets `StaleCase` with the fresh case. The control test shows the race is real: a
naive read-check-write, run through the same barrier, records two decisions."""

import threading
import time

import pytest
from django.db import connection, transaction

from parvis.cases.handling import StaleCase, apply_transition
from parvis.cases.models import Case, Decision
from parvis.cases.tests.factories import Team

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, concurrent connections)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def race(*calls):
    """Runs the calls in threads released together; returns (results, errors) in call order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def run(index, call):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # reported to the test
            errors[index] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.parametrize("round_", range(3))
def test_two_agents_decide_at_once_one_decision(round_):
    team = Team(regime="SVR")
    case = team.file()
    version = case.version

    results, errors = race(
        lambda: apply_transition(Case.objects.get(pk=case.pk), "accept", actor=team.officer,
                                 expected_version=version),
        lambda: apply_transition(Case.objects.get(pk=case.pk), "refuse", actor=team.head, expected_version=version,
                                 motivation="Salle déjà louée."),
    )
    stale = [error for error in errors if error is not None]
    assert len(stale) == 1 and isinstance(stale[0], StaleCase), errors
    assert stale[0].case.version == version + 1 and stale[0].case.status in ("accepted", "refused")
    assert Decision.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    winner = next(result for result in results if result is not None)
    assert case.status == winner.status and case.version == version + 1
    assert case.events.filter(kind="status_changed").count() == 1
    assert case.documents.filter(kind="letter").count() == 1


def test_assignment_and_decision_at_once():
    from parvis.cases.handling import assign_case

    team = Team()
    case = team.file()
    version = case.version
    results, errors = race(
        lambda: assign_case(Case.objects.get(pk=case.pk), team.head, actor=team.head, expected_version=version),
        lambda: apply_transition(Case.objects.get(pk=case.pk), "accept", actor=team.officer,
                                 expected_version=version),
    )
    assert sum(isinstance(error, StaleCase) for error in errors) == 1, errors
    case.refresh_from_db()
    assert case.version == version + 1


def test_control_both_agents_see_an_open_case():
    """Control: without the version check and the lock, both agents read "received" and would both decide — the
    race the handling services close. Proves the barrier makes the two threads really overlap."""
    team = Team(regime="SVR")
    case = team.file()

    def naive_check():
        with transaction.atomic():
            fresh = Case.objects.get(pk=case.pk)
            time.sleep(0.3)  # the other agent reads meanwhile
            if fresh.status != "received":
                return False
            Case.objects.filter(pk=case.pk).update(status="accepted")
            return True

    results, errors = race(naive_check, naive_check)
    assert errors == [None, None]
    assert results == [True, True]  # both would have decided
