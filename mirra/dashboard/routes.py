"""The dashboard's routes: the login link, the page and its static files."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from mirra.control_api.auth import COOKIE, login_page, token_matches

STATIC = Path(__file__).parent / "static"


async def login(request: Request) -> Response:
    """`/login?token=…`: a valid token becomes the session cookie, and the address bar loses it."""
    supplied = request.query_params.get("token", "")
    token: str = request.app.state.token
    if not supplied or not token_matches(token, supplied):
        return login_page("That token is not this server's." if supplied else "Sign in to the mirra dashboard.", 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


async def logout(_request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def index(_request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


def dashboard_routes() -> list[BaseRoute]:
    return [
        Route("/", index, methods=["GET"]),
        Route("/login", login, methods=["GET"]),
        Route("/logout", logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
