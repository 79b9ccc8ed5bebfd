from functools import lru_cache

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from parvis.accounts.models import User, UserManager


@lru_cache(maxsize=8)
def _user_query(alias):
    """(SQL, field names, [(column, converters)] per field) reading a user and whether they hold an agent role,
    built once from the models: a field added to User is read too, with the database's own conversions."""
    from parvis.organisation.models import AgentRole

    connection = connections[alias]
    quote = connection.ops.quote_name
    table, pk = User._meta.db_table, User._meta.pk.column
    fields = User._meta.concrete_fields
    role_user = AgentRole._meta.get_field("user").column
    columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    roles = quote(AgentRole._meta.db_table)
    has_role = f"EXISTS(SELECT 1 FROM {roles} r WHERE r.{quote(role_user)} = u.{quote(pk)})"  # noqa: S608
    sql = f"SELECT {columns}, {has_role} FROM {quote(table)} u WHERE u.{quote(pk)} = %s"  # noqa: S608 (model names)
    conversions = []
    for field in fields:
        column = field.get_col(table)
        conversions.append((column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
    return sql, [field.attname for field in fields], conversions


class EmailBackend(ModelBackend):
    """Authenticates by email, case-insensitively; closed or inactive accounts never log in."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = UserManager.normalize_email_address(email or username)
        if not email or not password:
            return None
        return super().authenticate(request, username=email, password=password, **kwargs)

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.closed_at is None

    def get_user(self, user_id):
        """The signed-in user of each request, with whether they hold an agent role (the menu shows it on every
        page), read by the same plain query (compiling the ORM query cost more than running it)."""
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(User)
        connection = connections[alias]
        sql, names, conversions = _user_query(alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row[:-1])
        for index, (column, converters) in enumerate(conversions):
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        user = User.from_db(alias, names, values)
        user.has_agent_role = bool(row[-1])
        return user if self.user_can_authenticate(user) else None
