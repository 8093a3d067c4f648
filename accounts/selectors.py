"""Reads on the hot path of every authenticated request."""

import uuid
import weakref

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils import timezone

from accounts.models import Session, VerifiedEmail

User = get_user_model()


def user_for_session(session_id: uuid.UUID):
    """
    Return the user of a session in one query by the session's primary key,
    or None if there is no such session.

    The user carries three extra attributes: `session_live` (not revoked,
    not expired), `session_refresh_jti` and `verified_email_address` (or
    None), the last for `email_verified` in /api/users/me/.

    This runs on every authenticated request, so the statement is written
    out and built once per connection: through the ORM, building the
    equivalent `select_related` query costs about five times what running it
    does (bench/auth_cost.py measures both). Its parameters are named: on
    SQLite, Django turns positional ones into `?` with a regular expression
    over the statement on every execution.
    """
    # Sessions live in the same database as their users (a join needs it).
    alias = router.db_for_read(User)
    connection = connections[alias]
    statement = _statement_for(connection)
    params = {
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
        "session": Session._meta.pk.get_db_prep_value(session_id, connection),
    }
    row = _fetch_one(connection, statement.sql, params)
    if row is None:
        return None
    *values, refresh_jti, live, verified_address = row
    for index, column, converters in statement.converters:
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    user = User.from_db(alias, statement.attnames, values)
    user.session_refresh_jti = refresh_jti
    user.session_live = bool(live)
    user.verified_email_address = verified_address
    return user


class _Statement:
    """The lookup's SQL and how to turn its row into a user, for one connection."""

    def __init__(self, connection):
        quote = connection.ops.quote_name
        fields = User._meta.concrete_fields
        users, sessions = quote(User._meta.db_table), quote(Session._meta.db_table)
        verified = quote(VerifiedEmail._meta.db_table)
        columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
        self.sql = (
            f"SELECT {columns}, s.{quote('refresh_jti')},"  # noqa: S608
            f" (s.{quote('revoked_at')} IS NULL AND s.{quote('expires_at')} > %(now)s),"
            f" v.{quote('address')}"
            f" FROM {sessions} s INNER JOIN {users} u"
            f" ON u.{quote(User._meta.pk.column)} = s.{quote('user_id')}"
            f" LEFT JOIN {verified} v ON v.{quote('user_id')} = s.{quote('user_id')}"
            f" WHERE s.{quote('id')} = %(session)s"
        )
        self.attnames = [field.attname for field in fields]
        # What the ORM's compiler would apply to each column (on SQLite, for
        # example, naive datetimes become aware ones).
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(User._meta.db_table)
            converters = connection.ops.get_db_converters(
                column
            ) + field.get_db_converters(connection)
            if converters:
                self.converters.append((index, column, converters))


def _fetch_one(connection, sql: str, params: dict) -> tuple | None:
    """
    Run a statement on the backend's own cursor, with what Django's cursor
    would check first: the connection's health, a broken transaction, and
    database errors turned into Django's.

    Django's CursorWrapper costs 44k instructions a statement (3 % of
    `/me`: docs/benchmarks.md) for what this statement does not use: it is
    there to log queries and run execute wrappers. When either is on
    (DEBUG, `assertNumQueries`, an instrumentation's wrapper) the statement
    goes through it, so that they see it.
    """
    if connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.create_cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchone()
        finally:
            cursor.close()


# One per connection object (each thread has its own), dropped with it.
_statements: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _statement_for(connection) -> _Statement:
    try:
        return _statements[connection]
    except KeyError:
        statement = _statements[connection] = _Statement(connection)
        return statement
