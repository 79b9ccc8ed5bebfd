"""Logging filters referenced by settings.LOGGING."""


# Answers that are part of normal use, not incidents: a form sent back with its errors (400), a time or a record
# taken meanwhile by someone else (409). During a booking rush the 409s alone made thousands of lines.
EXPECTED_CLIENT_STATUSES = frozenset({400, 409})


def not_an_expected_client_answer(record) -> bool:
    return getattr(record, "status_code", None) not in EXPECTED_CLIENT_STATUSES
