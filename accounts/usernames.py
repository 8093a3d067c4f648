"""
One person, one username: usernames compared after NFKC normalisation and
lower-casing, by the application and by a unique index of the database.

Fullwidth `alice` (U+FF41…), `Alice` and `ALICE` are all `alice`: they register
as one name and sign in to one account. The folding is Unicode lower-casing
after NFKC (Django's own `normalize_username`), done the same way in Python,
in SQLite (through a function registered on each connection) and in
PostgreSQL (ICU's root-locale `lower()`, whatever the database's locale).
The unique index `auth_user_username_folded` on that expression makes the
database refuse a case twin even when two registrations race.
"""

import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import Func, Value

FOLDED_INDEX_NAME = "auth_user_username_folded"
SQLITE_FUNCTION = "username_fold"
# ICU's root collation: lower() folds all of Unicode, not only ASCII as it
# does under the C locale a PostgreSQL cluster is often created with.
POSTGRES_EXPRESSION = 'lower(normalize({}, NFKC) COLLATE "und-x-icu")'


def username_normalize(username: str) -> str:
    """NFKC, as Django normalises a username before saving it."""
    return unicodedata.normalize("NFKC", username)


def username_fold(username: object) -> str:
    """The form in which two usernames are the same name."""
    return unicodedata.normalize("NFKC", str(username)).lower()


def sqlite_username_fold(value):
    """The SQLite function behind the folded index: NULL stays NULL."""
    return None if value is None else username_fold(value)


class UsernameFold(Func):
    """`username_fold()` as SQL, matching the unique index's expression."""

    function = "LOWER"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template=POSTGRES_EXPRESSION.format("%(expressions)s"),
            **extra,
        )


def user_by_username(username: str):
    """Return the user whose username folds to the same name, or raise DoesNotExist."""
    User = get_user_model()
    return User._default_manager.alias(folded=UsernameFold(User.USERNAME_FIELD)).get(
        folded=UsernameFold(Value(username))
    )


def username_taken(username: str, among=None) -> bool:
    """Whether a user (of `among`, default all) has a name that folds the same."""
    User = get_user_model()
    users = User._default_manager.all() if among is None else among
    return (
        users.alias(folded=UsernameFold(User.USERNAME_FIELD))
        .filter(folded=UsernameFold(Value(username)))
        .exists()
    )


def register_sqlite_function(sender, connection, **kwargs):
    """Give every SQLite connection the function its folded index uses."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, sqlite_username_fold, deterministic=True
        )
