"""Who may talk to ``kg serve`` and what a query may reach.

* :func:`service_refusal`: federated queries (``SERVICE``) make the server open
  connections of its own (SSRF), so a query holding the ``SERVICE`` keyword is refused
  unless every ``SERVICE`` names, as a full IRI, an endpoint given with
  ``--allow-service``.  The keyword is found by a small SPARQL tokenizer that skips
  strings, comments, IRIs, variables and prefixed names, so ``"SERVICE"`` in a literal
  or ``<http://e/SERVICE>`` is not a federated query.
* :class:`GuardMiddleware` (ASGI): the ``Host`` header must name the server
  (``127.0.0.1``, ``localhost``, ``[::1]``, the bound ``--host``, or an
  ``--allow-host`` name) — else 421, against DNS rebinding; a request sent by a page
  of another origin (``Origin`` header not equal to the server's own
  ``scheme://host:port``, or ``Sec-Fetch-Site: cross-site``/``same-site`` on a
  non-navigation request) is refused with 403 unless ``--cors`` allows that origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Optional

__all__ = ["GuardMiddleware", "LOOPBACK_NAMES", "service_refusal", "service_targets"]

#: Host names every server accepts (it listens on loopback by default).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")

# SPARQL 1.1 lexical pieces that may hold the letters SERVICE without being the keyword.
_TOKEN = re.compile(
    r'''(?P<skip>'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|\#[^\n\r]*"""
    r"""|[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<word>[A-Za-z_\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*(?::[^\s{}()\[\],;]*)?|:[^\s{}()\[\],;]*)""",
    re.DOTALL,
)


def service_targets(query: str) -> list[Optional[str]]:
    """The endpoints named after each ``SERVICE`` keyword of ``query``.

    Returns
    -------
    list of (str or None)
        One entry per ``SERVICE`` keyword (case-insensitive, ``SILENT`` skipped): the
        IRI between ``<…>`` when the endpoint is written as a full IRI, else None (a
        variable or a prefixed name).  Empty for a query without federation.
    """
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        m = _TOKEN.search(query, pos)
        if m is None:
            break
        kind = m.lastgroup or "skip"
        tokens.append((kind, m.group(0)))
        pos = m.end() if m.end() > m.start() else m.end() + 1
    out: list[Optional[str]] = []
    for i, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "SERVICE":
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
                j += 1
            nxt = tokens[j] if j < len(tokens) else ("", "")
            out.append(nxt[1][1:-1] if nxt[0] == "iri" else None)
    return out


def service_refusal(query: str, allowed: Iterable[str] = ()) -> Optional[str]:
    """Why ``query`` may not run here (a message for a 400 answer), or None if it may.

    A query is refused when it has a ``SERVICE`` whose endpoint is not a full IRI
    listed in ``allowed`` (``kg serve --allow-service IRI``).
    """
    allow = set(allowed)
    for target in service_targets(query):
        if target is None or target not in allow:
            shown = f"<{target}>" if target else "a variable or prefixed name"
            hint = ("; start kg serve with --allow-service IRI to allow an endpoint"
                    if not allow else f"; allowed endpoints: {', '.join(sorted(allow))}")
            return f"federated queries (SERVICE) are refused by this endpoint: SERVICE {shown}{hint}"
    return None


def _host_name(host: str) -> str:
    """``Host`` header value → lower-case name without the port (``[::1]`` kept)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class GuardMiddleware:
    """ASGI middleware: the ``Host`` check (421) and the cross-origin check (403).

    Parameters
    ----------
    app : ASGI app
    hosts : iterable of str
        Accepted host names (without port), besides :data:`LOOPBACK_NAMES`.
    cors : iterable of str
        Origins (``scheme://host[:port]``) allowed to send requests; ``*`` allows any.
    """

    def __init__(self, app, *, hosts: Iterable[str] = (), cors: Iterable[str] = ()):
        self.app = app
        self.hosts = {h.strip().lower() for h in hosts} | set(LOOPBACK_NAMES)
        self.hosts |= {f"[{h}]" for h in self.hosts if h.count(":") > 1}
        self.cors = {o.rstrip("/").lower() for o in cors}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if _host_name(host) not in self.hosts:
            return await _refuse(send, 421, f"this server does not answer for the host {host[:100]!r}; "
                                            "start kg serve with --allow-host NAME to accept it")
        origin = headers.get("origin")
        if origin is not None:
            own = f"{scope.get('scheme', 'http')}://{host}".lower()
            o = origin.rstrip("/").lower()
            if o != own and o not in self.cors and "*" not in self.cors:
                return await _refuse(send, 403, f"requests from the origin {origin[:100]!r} are refused; "
                                                "start kg serve with --cors ORIGIN to allow them")
        else:
            site = headers.get("sec-fetch-site", "")
            if site in ("cross-site", "same-site") and headers.get("sec-fetch-mode") != "navigate" \
                    and "*" not in self.cors:
                return await _refuse(send, 403, "requests sent by a page of another site are refused; "
                                                "start kg serve with --cors ORIGIN to allow them")
        return await self.app(scope, receive, send)


async def _refuse(send, status: int, message: str) -> None:
    body = (message + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
