"""``warraq serve``: the app in a browser, for annotators without a terminal.

textual-serve runs one Warraq process per browser session and relays its screen to xterm.js,
which draws cells as they are sent (so Warraq's own right-to-left layout shows as in xterm).
Each annotator has a page of their own, ``/a/NAME``, whose session runs
``warraq … --annotator NAME`` — in a team store, NAME's layer. Bound to 127.0.0.1 unless
``--host`` says otherwise: anyone who reaches the port can annotate.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from typing import Any

from store.errors import WarraqError
from tui.cli.options import add_store_options

NAME = re.compile(r"^[\w.@-]{1,64}$")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve the app to a browser (one session per annotator: /a/NAME)",
        description="Serve Warraq to web browsers with textual-serve: open "
        "http://HOST:PORT/a/NAME to annotate as NAME (needs: pip install 'warraq[serve]').",
    )
    parser.add_argument("corpus", nargs="?", help="the corpus the sessions open")
    add_store_options(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.set_defaults(run=run_serve)


def session_command(args: argparse.Namespace, annotator: str) -> str:
    """The shell command one browser session runs (textual-serve takes a shell string)."""
    if not NAME.match(annotator):
        raise ValueError(f"annotator name {annotator!r}: letters, digits, . _ @ - only")
    argv = [sys.executable, "-m", "tui.cli"]
    if args.corpus:
        argv.append(args.corpus)
    if args.store:
        argv += ["--store", args.store]
    if args.schema:
        argv += ["--schema", args.schema]
    argv += ["--annotator", annotator, "--bidi", "app"]
    return shlex.join(argv)


def make_server(args: argparse.Namespace) -> Any:
    try:
        import aiohttp_jinja2
        from aiohttp import web
        from textual_serve.app_service import AppService
        from textual_serve.server import Server
    except ImportError:
        raise WarraqError("warraq serve needs textual-serve: pip install 'warraq[serve]'") \
            from None

    class AnnotatorServer(Server):  # type: ignore[misc]
        """textual-serve with one page and one command per annotator."""

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.add_routes([
                web.get("/a/{annotator}", self.handle_annotator_index, name="annotator"),
                web.get("/a/{annotator}/ws", self.handle_annotator_ws, name="annotator_ws"),
            ])
            return app

        @aiohttp_jinja2.template("app_index.html")
        async def handle_annotator_index(self, request: web.Request) -> dict[str, Any]:
            name = request.match_info["annotator"]
            if not NAME.match(name):
                raise web.HTTPBadRequest(text="annotator names: letters, digits, . _ @ -")
            path = request.app.router["annotator_ws"].url_for(annotator=name)
            ws = "ws" + self.public_url[len("http"):] + str(path)
            static = request.app.router["static"].url_for(filename="/")
            return {
                "font_size": max(8, min(48, int(request.query.get("fontsize", "16") or 16)))
                if (request.query.get("fontsize") or "16").isdigit() else 16,
                "app_websocket_url": ws,
                "config": {"static": {"url": f"{self.public_url}{static}".rstrip("/") + "/"}},
                "application": {"name": f"Warraq — {name}"},
            }

        async def handle_annotator_ws(self, request: web.Request) -> web.WebSocketResponse:
            import asyncio

            name = request.match_info["annotator"]
            try:
                command = session_command(args, name)
            except ValueError as exc:
                raise web.HTTPBadRequest(text=str(exc)) from None
            websocket = web.WebSocketResponse(heartbeat=15)
            width = int(request.query.get("width", "80") or 80)
            height = int(request.query.get("height", "24") or 24)
            service = None
            try:
                await websocket.prepare(request)
                service = AppService(command, write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str, close=websocket.close,
                                     download_manager=self.download_manager, debug=False)
                await service.start(width, height)
                try:
                    await self._process_messages(websocket, service)
                finally:
                    await service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            return websocket

    return AnnotatorServer(session_command(args, "annotator"), host=args.host, port=args.port,
                           title="Warraq")


def run_serve(args: argparse.Namespace) -> int:
    from tui.rtl.glyphs import warn

    server = make_server(args)
    warn(f"annotators open http://{args.host}:{args.port}/a/NAME (NAME: who annotates)")
    server.serve()
    return 0
