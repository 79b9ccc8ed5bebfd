"""Query counts of the families' hot pages stay flat when a family has many children, registrations and
invoices."""

import pytest
from django.urls import reverse

from parvis.billing.tests.helpers import simple_invoice
from parvis.families.registrations import register_child
from parvis.families.tests.factories import make_activity, make_cash_office, make_child, make_household, make_session

pytestmark = pytest.mark.django_db


def busy_family(children):
    office = make_cash_office()
    household = make_household()
    sessions = [make_session(make_activity(cash_office=office)) for _ in range(3)]
    for _ in range(children):
        child = make_child(household)
        for session in sessions:
            register_child(child=child, session=session, actor=None)
    for _ in range(children):
        simple_invoice(office, household)
    return household


@pytest.mark.parametrize(("name", "limit"), [("families:home", 14), ("families:activities", 9),
                                             ("billing:home", 15)])
def test_hot_pages_query_count(client, django_assert_max_num_queries, name, limit):
    small, large = busy_family(1), busy_family(4)
    for household in (small, large):
        client.force_login(household.primary_user)
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(name)).status_code == 200
