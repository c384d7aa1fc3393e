"""Every extension instance, created unbound and initialised by the application factory."""

import sqlalchemy as sa
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .elision import WrittenBabel

# Stable constraint names, so that Alembic can alter and drop them the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@sa.event.listens_for(sa.Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite, the embedded default, in write-ahead mode: readers do not block the writer, and each commit
    (the outbox commits once per mail sent) costs no full disk flush; a crash loses at most the last commit
    of a power cut, never consistency. Other processes wait for the lock instead of failing at once: the
    engine's `timeout` (SQLITE_BUSY_TIMEOUT_SECONDS), and `busy_database` for longer waits."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = WrittenBabel()
mail = Mail()
bootstrap = Bootstrap5()
