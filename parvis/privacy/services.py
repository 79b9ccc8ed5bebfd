"""The access log: writing a line, and purging the lines past their retention period."""

from django.conf import settings
from django.utils import timezone

from parvis.cases.deadlines import add_months
from parvis.privacy.models import AccessAction, AccessLog

PURGE_BATCH_SIZE = 5000


def _client_ip(request):
    if request is None:
        return None
    if getattr(settings, "USE_X_FORWARDED_FOR", False) and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def agent_label(agent):
    return f"{agent.get_full_name() or ''} <{agent.email or agent.pk}>"[:300]


def log_access(agent, action, *, case=None, resident_id=None, detail="", request=None, case_reference="",
               count=None):
    """Writes one line of the access log.

    `case` may be None (an export, a resident's page); `case_reference` then names the case asked for (a
    denied read of a reference that is not the agent's, or that does not exist). `count`: the number of
    cases an export held.
    """
    return AccessLog.objects.create(
        at=timezone.now(), agent=agent, agent_label=agent_label(agent),
        action=action, case_reference=(getattr(case, "reference", "") or case_reference or "")[:30],
        resident_id=resident_id if resident_id is not None else getattr(case, "applicant_id", None),
        detail=(detail or "")[:300], path=(request.path[:300] if request is not None else ""),
        ip_address=_client_ip(request), count=count,
    )


def log_case_read(agent, case, request=None, detail=""):
    return log_access(agent, AccessAction.VIEW, case=case, detail=detail, request=request)


def retention_cutoff(now=None):
    """Lines written before this moment are past the retention period (calendar months, Paris time)."""
    now = timezone.localtime(now or timezone.now())
    months = settings.ACCESS_LOG_RETENTION_MONTHS
    day = add_months(now.date(), -months)
    return now.replace(year=day.year, month=day.month, day=day.day)


def purge_access_log(now=None, *, batch_size=PURGE_BATCH_SIZE, dry_run=False):
    """Deletes the lines older than the retention period, in batches; returns how many. Idempotent."""
    cutoff = retention_cutoff(now)
    old = AccessLog.objects.filter(at__lt=cutoff)
    if dry_run:
        return old.count()
    deleted = 0
    while True:
        ids = list(old.order_by().values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += AccessLog.objects.filter(pk__in=ids).delete()[0]
