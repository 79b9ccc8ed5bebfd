import datetime as dt

from django.conf import settings
from django.utils import timezone

from parvis.privacy.models import AccessAction, AccessLog


def _client_ip(request):
    if request is None:
        return None
    if getattr(settings, "USE_X_FORWARDED_FOR", False) and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def log_access(agent, action, *, case=None, resident_id=None, detail="", request=None):
    """Writes one line of the access log. `case` may be None (e.g. an export, a resident's page)."""
    return AccessLog.objects.create(
        at=timezone.now(), agent=agent, agent_label=f"{agent.get_full_name() or ''} <{agent.email or agent.pk}>",
        action=action, case_reference=getattr(case, "reference", "") or "",
        resident_id=resident_id if resident_id is not None else getattr(case, "applicant_id", None),
        detail=detail[:300], path=(request.path[:300] if request is not None else ""), ip_address=_client_ip(request),
    )


def log_case_read(agent, case, request=None, detail=""):
    return log_access(agent, AccessAction.VIEW, case=case, detail=detail, request=request)


def purge_access_log(now=None):
    """Deletes lines older than the retention period; returns how many. Idempotent."""
    now = now or timezone.now()
    months = settings.ACCESS_LOG_RETENTION_MONTHS
    cutoff = now - dt.timedelta(days=round(months * 365.25 / 12))
    deleted, _ = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted
