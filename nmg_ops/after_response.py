"""Work a request starts but its answer must not wait for: mail whose sending time would show (a reset
link), or mail for a whole group (a confirmed meeting's invitations).

The work runs in the same process once the response has been sent (WSGI `close`), in an application
context of its own. Whatever it leaves undone, because the process died first, the scheduler finds: the
work is always recorded in the database before the answer goes.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, after_this_request, current_app, has_request_context

from .extensions import db


def run_after_response(work: Callable[[], object]) -> None:
    """Run `work` once the current response has gone; outside a request (CLI, jobs), run it now."""
    if not has_request_context():
        work()
        return
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            try:
                work()
            except Exception:
                # Recorded work stays pending for the scheduler; the client already has its answer.
                app.logger.exception("work after the response failed; the scheduler will take it up")
                db.session.rollback()
            finally:
                db.session.remove()

    @after_this_request
    def _on_close(response: Response) -> Response:
        response.call_on_close(run)
        return response
