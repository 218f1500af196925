"""A real SMTP server for the tests (aiosmtpd) on a free loopback port: it keeps every message
it accepts, parsed, and can be told to refuse mail (550) or be stopped and started again. Given
a TLS context and logins it is an `smtps://` server: TLS from the first byte, AUTH required."""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from pgserver import free_port


@dataclass
class Received:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage
    tls_version: str | None = None  # the TLS protocol the message came over, if any
    login: str | None = None  # who signed in (AUTH), if anyone

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()

    @property
    def raw_text(self) -> str:
        """Every header and part as text, decoded: what a content check must search."""
        return self.message.as_string() + "\n" + self.subject + "\n" + self.body


@dataclass
class _Handler:
    server: SmtpServer

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, _o: Any):
        if self.server.refuse:
            return "550 5.7.1 Mail refused by the test server"
        if self.server.logins is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.server.delay:
            await asyncio.sleep(self.server.delay)  # a slow server: runs overlap for longer
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        tls = server.transport.get_extra_info("ssl_object")
        login = session.login_data.decode() if session.login_data else None
        with self.server.lock:
            self.server.messages.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message,  # type: ignore[arg-type]
                    tls.version() if tls is not None else None,
                    login,
                )
            )
        return "250 Message accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        logins = self.server.logins or {}
        ok = (
            isinstance(data, LoginPassword)
            and logins.get(data.login.decode()) == data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)


@dataclass
class SmtpServer:
    port: int = field(default_factory=free_port)
    messages: list[Received] = field(default_factory=list)
    refuse: bool = False
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    tls: ssl.SSLContext | None = None  # smtps: TLS from the first byte
    logins: dict[str, str] | None = None  # user -> password; AUTH required when given
    _controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def smtps_url(self, user: str, password: str, host: str = "127.0.0.1") -> str:
        return f"smtps://{user}:{password}@{host}:{self.port}"

    def start(self) -> None:
        handler = _Handler(self)
        options: dict[str, Any] = {}
        if self.logins is not None:
            # The whole session is TLS already (implicit TLS), but aiosmtpd's own TLS check
            # looks for STARTTLS only, and warns if AUTH is required without it: so AUTH is
            # offered without that check, and handle_RCPT refuses anyone not signed in.
            options = {"authenticator": handler.authenticate, "auth_require_tls": False}
        self._controller = Controller(
            handler, hostname="127.0.0.1", port=self.port, ssl_context=self.tls, **options
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)
