"""The session and the signed-in user of each request are read by plain queries: they must give exactly what
Django's ORM gives, and nothing for an unknown, expired, closed or malformed one."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as OrmSessionStore
from django.utils import timezone

from parvis.accounts.backends import EmailBackend
from parvis.accounts.models import User
from parvis.accounts.sessions import SessionStore
from parvis.organisation.models import AgentRole
from parvis.testing.factories import make_agent, make_resident

pytestmark = pytest.mark.django_db


def field_values(user):
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_the_user_read_is_the_orm_user_with_the_agent_role():
    resident = make_resident(email="lea@example.org", first_name="Léa", phone="06 00 00 00 00")
    resident.birth_date = dt.date(1990, 5, 17)
    resident.last_login = timezone.now()
    resident.save()
    agent = make_agent()
    backend = EmailBackend()
    for user, is_agent in ((resident, False), (agent, True)):
        read = backend.get_user(str(user.pk))  # the session stores the id as text
        assert field_values(read) == field_values(User.objects.get(pk=user.pk))
        assert read.has_agent_role is is_agent and read.is_agent is is_agent
        assert read._state.adding is False and read._state.db == "default"
    assert AgentRole.objects.filter(user=agent).exists()


@pytest.mark.parametrize("user_id", ["999999", "abc", "", None])
def test_an_unknown_or_malformed_id_gives_no_user(user_id):
    assert EmailBackend().get_user(user_id) is None


def test_an_inactive_or_closed_account_gives_no_user():
    inactive, closed = make_resident(), make_resident()
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    User.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    assert EmailBackend().get_user(inactive.pk) is None and EmailBackend().get_user(closed.pk) is None


def test_the_session_read_is_what_django_wrote():
    written = OrmSessionStore()
    written["_auth_user_id"] = "42"
    written["panier"] = {"a": [1, 2]}
    written.create()
    store = SessionStore(written.session_key)
    assert store.load() == OrmSessionStore(written.session_key).load() == {"_auth_user_id": "42",
                                                                           "panier": {"a": [1, 2]}}
    assert store.session_key == written.session_key


def test_an_unknown_or_expired_session_is_empty_and_its_key_dropped():
    expired = OrmSessionStore()
    expired["x"] = 1
    expired.set_expiry(timezone.now() - dt.timedelta(seconds=1))
    expired.create()
    for key in (expired.session_key, "k" * 32):
        store = SessionStore(key)
        assert store.load() == {} and store.session_key is None


def test_one_query_each(django_assert_num_queries):
    user = make_agent()
    store = OrmSessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key).load()["_auth_user_id"] == str(user.pk)
    with django_assert_num_queries(1):
        assert EmailBackend().get_user(str(user.pk)).is_agent
