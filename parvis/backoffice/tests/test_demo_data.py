"""`manage.py generate_demo_data`: realistic data, consistent, and able to grow in a second run."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from parvis.accounts.models import User
from parvis.backoffice.demo_data import RESIDENT_DOMAIN
from parvis.cases.models import Case, CaseEvent, Decision, ReferenceSequence
from parvis.organisation.models import AgentRole, Role

pytestmark = pytest.mark.django_db(transaction=False)


def test_generates_consistent_cases_and_grows(settings):
    out = io.StringIO()
    call_command("generate_demo_data", "--residents", "120", "--cases", "600", "--years", "3", "--seed", "7",
                 "--agents-per-department", "2", "--batch-size", "250", stdout=out)
    assert "600 demandes" in out.getvalue()
    assert User.objects.filter(email__endswith=f"@{RESIDENT_DOMAIN}").count() + User.objects.filter(
        email__isnull=True).count() == 120
    assert AgentRole.objects.filter(role=Role.CASE_OFFICER, user__email__startswith="agent1.").exists()
    cases = Case.objects.all()
    assert cases.count() == 600
    # References: unique, in the yearly sequences.
    assert cases.values("reference").distinct().count() == 600
    for sequence in ReferenceSequence.objects.all():
        assert cases.filter(reference__startswith=f"ADM-{sequence.year}-").count() == sequence.last_value
    # Old cases are final (closed, with a decision); the open ones are recent or "forgotten" (rare).
    now = timezone.now()
    old = cases.filter(received_at__lt=now - dt.timedelta(days=365))
    assert old.filter(closed_at__isnull=False).count() >= old.count() * 0.98
    assert Decision.objects.count() == cases.filter(closed_at__isnull=False).count()
    assert not cases.filter(closed_at__isnull=False, status__in=("received", "in_progress")).exists()
    assert cases.filter(received_at__gte=now - dt.timedelta(days=10), closed_at__isnull=True).exists()
    # Regime and deadlines come from the procedure; departments too.
    for case in cases.select_related("procedure")[:100]:
        assert case.department_id == case.procedure.department_id
        assert case.regime == case.procedure.regime
        assert (case.implicit_decision_on is not None) == (case.regime in ("SVA", "SVR"))
        assert case.applicant_id or case.contact_email
        assert case.answers
    assert CaseEvent.objects.filter(kind="received").count() == 600
    assert set(cases.values_list("channel", flat=True)) >= {"web", "counter"}
    assert cases.exclude(channel="web").filter(filed_by__isnull=True).count() == 0
    assert cases.filter(assignee__isnull=False).exclude(
        assignee__agent_roles__role__in=(Role.CASE_OFFICER, Role.HEAD)).count() == 0

    # A second run adds an older archive without touching what exists.
    first_pks = set(cases.values_list("pk", flat=True))
    call_command("generate_demo_data", "--residents", "0", "--cases", "300", "--years", "2",
                 "--until", "2019-12-31", "--seed", "8", "--no-history", stdout=io.StringIO())
    assert Case.objects.count() == 900
    archive = Case.objects.exclude(pk__in=first_pks)
    assert archive.filter(received_at__year__gte=2020).count() == 0
    assert archive.filter(closed_at__isnull=True).count() <= 2
    assert Case.objects.values("reference").annotate(n=Count("pk")).filter(n__gt=1).count() == 0


def test_bad_arguments():
    with pytest.raises(CommandError):
        call_command("generate_demo_data", "--cases", "-1", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("generate_demo_data", "--until", "demain", stdout=io.StringIO())
