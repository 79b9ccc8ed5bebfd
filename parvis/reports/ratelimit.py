"""Sliding-window rate limits kept in the database (`RateLimitHit`): the same on every worker and process.

`take(scope, identifier, limit, window)` counts the client's hits in the last `window`; under `limit` it
records one more and returns None, otherwise it returns the number of seconds until the oldest hit leaves
the window (for `Retry-After`). `check` then `record` do the same in two steps (to count only what
succeeded). IP addresses are never stored in clear: `client_key(request)` is a keyed
hash. Limits are soft under heavy concurrency (two requests may both take the last place), which is enough
against a flood.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from parvis.reports.models import RateLimitHit


def client_ip(request) -> str:
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_key(request) -> str:
    """A keyed hash of the client's IP address (the address itself is never stored)."""
    return salted_hmac("parvis.reports.ratelimit", client_ip(request)).hexdigest()[:40]


def check(scope: str, identifier: str, *, limit: int, window: dt.timedelta, now=None) -> int | None:
    """The seconds to wait when `limit` hits already fall in the window, else None (nothing recorded)."""
    now = now or timezone.now()
    start = now - window
    hits = RateLimitHit.objects.filter(scope=scope, identifier=identifier)
    hits.filter(at__lte=start).delete()
    in_window = hits.filter(at__gt=start)
    if in_window.count() >= limit:
        oldest = in_window.order_by("at").values_list("at", flat=True).first()
        return max(1, math.ceil((oldest + window - now).total_seconds()))
    return None


def record(scope: str, identifier: str, now=None):
    RateLimitHit.objects.create(scope=scope, identifier=identifier, at=now or timezone.now())


def take(scope: str, identifier: str, *, limit: int, window: dt.timedelta, now=None) -> int | None:
    """Records one hit, or returns the seconds to wait when `limit` hits already fall in the window."""
    now = now or timezone.now()
    wait = check(scope, identifier, limit=limit, window=window, now=now)
    if wait is None:
        record(scope, identifier, now)
    return wait


def purge(older_than: dt.timedelta = dt.timedelta(days=1), now=None) -> int:
    """Deletes hits older than every window (the `purge_report_drafts` command calls it)."""
    now = now or timezone.now()
    return RateLimitHit.objects.filter(at__lt=now - older_than).delete()[0]


def wait_in_words(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
