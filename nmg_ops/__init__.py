"""NMG Ops: meetings and governance of a National Mirror Group."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as nmg_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application from the layered configuration; test_config overrides every layer."""
    instance_path = Path(os.environ.get("NMG_INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()
    environment = (test_config or {}).get("ENVIRONMENT") or nmg_config.environment_name()
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(nmg_config.load(environment, instance_path, test_config))

    from . import extensions as ext

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(PROJECT_ROOT / "migrations"))
    ext.csrf.init_app(app)
    ext.mail.init_app(app)
    ext.bootstrap.init_app(app)

    from . import auth, i18n, logs, web

    i18n.init_app(app)
    auth.init_app(app)
    web.init_app(app)

    from .auth import bp as auth_bp
    from .calendar import bp as calendar_bp
    from .calendar.revalidation import Revalidation
    from .delivery import bp as delivery_bp
    from .documents import bp as documents_bp
    from .governance import bp as governance_bp
    from .meetings import bp as meetings_bp
    from .members import bp as members_bp
    from .minutes import bp as minutes_bp
    from .news import bp as news_bp
    from .privacy import bp as privacy_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(delivery_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(governance_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(news_bp)
    app.register_blueprint(privacy_bp)
    from . import api

    api.init_app(app)
    logs.init_app(app)

    from . import cli

    cli.init_app(app)
    app.wsgi_app = Revalidation(app)  # type: ignore[method-assign]
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only as many X-Forwarded-* hops as there are proxies of our own: beyond them, a client writes them.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    if app.config.get("EMBEDDED_SCHEDULER"):
        from .scheduler import release_on_signal, start_embedded

        start_embedded(app)
        release_on_signal(app)
    return app
