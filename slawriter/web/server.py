"""Starting the server: uvicorn on the address asked for, a token when it is not this
computer's own address, the URL printed (and opened in a browser when there is one)."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from collections.abc import Callable
from pathlib import Path

from slawriter.web.app import LOOPBACK, Settings, create_app


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def settings_for(host: str, folder: Path, **kwargs: object) -> Settings:
    """Settings for serving ``folder`` on ``host``: beyond loopback, a token and any name
    for the server (the token is what protects it then)."""
    if is_loopback(host):
        return Settings(folder=folder, allowed_hosts=LOOPBACK, **kwargs)  # type: ignore[arg-type]
    return Settings(
        folder=folder,
        token=secrets.token_urlsafe(24),
        allowed_hosts=(),
        **kwargs,  # type: ignore[arg-type]
    )


def url_for(host: str, port: int, settings: Settings) -> str:
    shown = host
    if not is_loopback(host) and host in ("0.0.0.0", "::"):
        shown = socket.gethostname()
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    url = f"http://{shown}:{port}/"
    return f"{url}?token={settings.token}" if settings.token else url


def serve(
    host: str,
    port: int,
    settings: Settings,
    say: Callable[[str], None],
    open_browser: bool = True,
) -> None:
    """Run until Ctrl-C."""
    import uvicorn

    app = create_app(settings)
    url = url_for(host, port, settings)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    say(f"slawriter serve: agreements in {settings.folder}")
    say(f"Open {url}")
    if settings.token:
        say("Anyone on the network with this address (it carries the access token) can use it.")
    say("Stop with Ctrl-C.")
    if open_browser:
        _open_later(url)
    import contextlib

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops cleanly, then passes it on
        server.run()
    say("Stopped.")


def _open_later(url: str) -> None:
    """Open the page in a graphical browser, never a text one in this terminal."""
    import os
    import sys
    import threading
    import webbrowser

    graphical = sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if graphical:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
