"""Concurrency tests on PostgreSQL: many threads start the same work at the same instant."""

import threading
from collections import Counter

import pytest
from django.db import connection


def skip_unless_postgres():
    """Row locks and concurrent transactions need PostgreSQL (SQLite's test database serialises writes)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, concurrent transactions)")


def run_threads(count, work):
    """Runs `work(index)` in `count` threads started together; returns (results, errors by type).

    Each thread has its own database connection, closed at its end."""
    start = threading.Barrier(count)
    results, errors = [], Counter()
    lock = threading.Lock()

    def runner(index):
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=30)
            outcome = work(index)
            with lock:
                results.append(outcome)
        except Exception as exc:  # counted by type, asserted by the test
            with lock:
                errors[type(exc).__name__] += 1
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
