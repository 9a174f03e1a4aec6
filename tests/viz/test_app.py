"""The app's frame: plain tab names, server settings for a room of users, a friendly message if a page fails."""

from __future__ import annotations

import ipyvuetify as v
import solara
import solara.server.settings

from viz.widgets import Guarded


def test_routes_and_server_settings() -> None:
    from viz import app

    assert [r.label for r in app.routes] == ["Trainer demo", "Strategy explorer"]
    assert solara.server.settings.kernel.cull_timeout == "2m"
    assert solara.server.settings.theme.show_banner is False
    assert solara.server.settings.telemetry.mixpanel_enable is False


@solara.component
def Broken() -> None:
    raise RuntimeError("boom")


def test_a_failing_page_shows_a_message_not_a_traceback() -> None:
    _, rc = solara.render(Guarded(Broken), handle_error=False)
    alert = rc.find(v.Alert).widget
    assert "Sorry, this page hit a problem" in str(alert.children) and "boom" not in str(alert.children)
    rc.find(v.Btn, children=["Show the page again"]).assert_single()
