"""Django's database sessions, read by one plain query.

Every request of a signed-in person reads its session first; compiling the ORM query cost more than running
it. Writing, expiry and clean-up are Django's (`django.contrib.sessions.backends.db`)."""

from functools import lru_cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@lru_cache(maxsize=8)
def _load_sql(alias):
    from django.contrib.sessions.models import Session

    quote = connections[alias].ops.quote_name
    table = quote(Session._meta.db_table)
    where = f"{quote('session_key')} = %s AND {quote('expire_date')} > %s"
    return f"SELECT {quote('session_data')} FROM {table} WHERE {where}"  # noqa: S608 (model names)


class SessionStore(db.SessionStore):
    def load(self):
        key = self.session_key
        if key:
            alias = router.db_for_read(self.model)
            connection = connections[alias]
            with connection.cursor() as cursor:
                cursor.execute(_load_sql(alias), [key, connection.ops.adapt_datetimefield_value(timezone.now())])
                row = cursor.fetchone()
            if row is not None:
                return self.decode(row[0])
        self._session_key = None  # as Django's: an unknown or expired key is not reused
        return {}
