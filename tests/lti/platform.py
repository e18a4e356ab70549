"""A test LMS built on ``lti1p3platform``: it signs launches, asks for deep links and receives AGS scores.

The library is framework-neutral (it ships Django and FastAPI adapters); the adapter here is the thin glue
for a test: the OIDC redirect is read from quizapp's response instead of followed by a browser, and a small
``http.server`` on 127.0.0.1 serves the platform's JWKS, token and score endpoints, which quizapp (and its
worker processes) call over real HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jwcrypto.jwk import JWK
from lti1p3platform.exceptions import LineItemNotFoundException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService

TOOL = "http://localhost"  # the Flask test client's base URL
CLIENT_ID = "quizapp-test-client"
DEPLOYMENT_ID = "deployment-1"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTITUTION_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"


def new_private_key() -> str:
    return JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None).decode()


def public_of(private_pem: str) -> str:
    return JWK.from_pem(private_pem.encode()).export_to_pem().decode()


class DictRequest(Request):
    """lti1p3platform's request interface over plain dicts (the tool's redirect, an HTTP request)."""

    def build_metadata(self, request: dict[str, Any]) -> TRequest:
        return {"method": request.get("method", "GET"), "form_data": request.get("form_data", {}),
                "get_data": request.get("get_data", {}), "headers": request.get("headers", {}),
                "content_type": request.get("content_type"), "path": request.get("path", "/"),
                "json": request.get("json")}


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


@dataclass
class ReceivedScore:
    line_item: str
    score: dict[str, Any]


@dataclass
class Gradebook:
    """What the platform received: every score POST, and the current result per (line item, user)."""

    posts: list[ReceivedScore] = field(default_factory=list)
    results: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hold_at: int | None = None  # hold the Nth score POST (1-based) after recording it, until released
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    fail_with: int | None = None  # answer every score POST with this status (recording nothing)
    pair_first_two: bool = False  # hold the 1st score POST until a 2nd arrives: proves two senders at once
    second: threading.Event = field(default_factory=threading.Event)
    paired: bool = False  # the 2nd score POST arrived while the 1st was still held
    token_requests: int = 0


class Scores(AssignmentsGradesService):
    """The platform's AGS score service; results keep the newest timestamp, as AGS requires."""

    gradebook: Gradebook

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        if line_item_id not in self.line_items:
            raise LineItemNotFoundException
        book = self.gradebook
        with book.lock:
            book.posts.append(ReceivedScore(line_item_id, score))
            key = (line_item_id, str(score["userId"]))
            current = book.results.get(key)
            if current is not None and current["timestamp"] > score["timestamp"]:
                return UpdateScoreStatus.OLD_TIMESTAMP
            status = UpdateScoreStatus.SUCCESS if current is not None else UpdateScoreStatus.CREATED
            book.results[key] = score
            count = len(book.posts)
        if book.hold_at == count:
            book.held.set()
            book.release.wait(30)
        if book.pair_first_two and count == 1:
            book.paired = book.second.wait(60)
        elif book.pair_first_two and count == 2:
            book.second.set()
        return status

    line_items: set[str] = set()

    def find_lineitems(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def find_lineitem(self, line_item_id: str) -> Any:
        raise NotImplementedError

    def create_lineitem(self, creation_data: Any) -> Any:
        raise NotImplementedError

    def update_lineitem(self, update_data: Any) -> Any:
        raise NotImplementedError

    def delete_lineitem(self, line_item_id: str) -> None:
        raise NotImplementedError

    def get_results(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class TestPlatform:
    """One LMS: its keys, its registration of quizapp, and its HTTP endpoints on 127.0.0.1."""

    __test__ = False  # not a pytest test class

    def __init__(self, client_id: str = CLIENT_ID, tool: str = TOOL) -> None:
        self.tool = tool
        self.private_key = new_private_key()
        self.gradebook = Gradebook()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.base
        self.client_id = client_id
        self.registration = self._registration(client_id, self.private_key)
        self.conf = PlatformConf(registration=self.registration)
        self.line_items: set[str] = set()
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _registration(self, client_id: str, private_key: str) -> Registration:
        return (Registration().set_iss(self.base).set_client_id(client_id).set_deployment_id(DEPLOYMENT_ID)
                .set_oidc_login_url(f"{self.tool}/lti/login").set_launch_url(f"{self.tool}/lti/launch")
                .set_deeplink_launch_url(f"{self.tool}/lti/launch").set_platform_private_key(private_key)
                .set_platform_public_key(public_of(private_key)))

    # ----------------------------------------------------------------------------- lifecycle

    def start(self) -> TestPlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.gradebook.release.set()
        self.server.shutdown()
        self.server.server_close()

    def registration_form(self) -> dict[str, str]:
        """What an admin types into quizapp's platform registration page."""
        return {"name": "Test LMS", "issuer": self.issuer, "client_id": self.client_id,
                "auth_login_url": f"{self.base}/auth", "auth_token_url": f"{self.base}/token",
                "key_set_url": f"{self.base}/jwks", "deployment_ids": DEPLOYMENT_ID}

    def trust_tool_keys(self, jwks: dict[str, Any]) -> None:
        """The platform side of registration: quizapp's JWKS, as fetched from /lti/jwks."""
        self.registration.set_tool_key_set(jwks)  # type: ignore[arg-type]

    def line_item_url(self, name: str) -> str:
        self.line_items.add(name)
        return f"{self.base}/lineitems/{name}"

    # ----------------------------------------------------------------------------- launches

    def login_initiation(self, hint: str, user_id: str) -> str:
        """The URL of quizapp's /lti/login the platform sends the browser to (path and query)."""
        login = Login(None, self.conf)
        login.set_lti_message_hint(hint=hint)
        url = login.initiate_login(user_id)
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}"

    def authenticate(self, redirect_location: str, *, user: str, roles: list[str], name: str = "",
                     resource_link: str | None = None, custom: dict[str, str] | None = None,
                     line_item: str | None = None, deep_link_return: str | None = None,
                     context: str = "course-1", expires_in: int = 300, audience: str | None = None,
                     registration: Registration | None = None) -> dict[str, str]:
        """The platform's OIDC auth endpoint: check the tool's redirect and sign the launch (id_token, state)."""
        parts = urlsplit(redirect_location)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{self.base}/auth", redirect_location
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        conf = PlatformConf(registration=registration) if registration else self.conf
        launch = Launch(DictRequest({"get_data": params}), conf)
        launch.set_user_data(user, roles, full_name=name or None)
        launch.set_launch_context_claim(context, context_title="Course One")
        if resource_link:
            launch.set_resource_link_claim(resource_link, title="Quiz")
        if custom:
            launch.set_custom_parameters_claim(custom)
        if line_item:
            launch.set_ags(lineitems_url=f"{self.base}/lineitems", lineitem_url=line_item,
                           allow_creating_lineitems=False)
        if deep_link_return:
            launch.set_dl(deep_link_return, title="Pick a quiz")
        if audience:  # signed properly, but addressed to another tool
            launch.set_extra_claims({"aud": audience, "azp": audience})
        launch.set_id_token_expiration(expires_in)
        data = launch.lti_launch()
        assert data["launch_url"] == f"{self.tool}/lti/launch"
        return {"id_token": data["id_token"], "state": data["state"]}

    def deep_link_items(self, jwt_value: str) -> list[dict[str, Any]]:
        """Validate the tool's deep linking response (its signature against quizapp's JWKS) and read it."""
        return self.conf.validate_deeplinking_resp({"JWT": jwt_value})

    def other_registration(self, client_id: str | None = None, private_key: str | None = None) -> Registration:
        """A registration signing with a different key or audience (for tampered launches)."""
        return self._registration(client_id or self.client_id, private_key or self.private_key)

    # ----------------------------------------------------------------------------- HTTP endpoints

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reply(self, code: int, body: Any, media_type: str = "application/json") -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(code)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/jwks":
                    self._reply(200, platform.conf.get_jwks())
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body).items()}
                    with platform.gradebook.lock:
                        platform.gradebook.token_requests += 1
                    try:
                        self._reply(200, platform.conf.get_access_token(form))
                    except Exception as exc:  # the library's refusal, as the tool would see it
                        self._reply(400, {"error": "invalid_grant", "error_description": str(exc)})
                    return
                parts = self.path.strip("/").split("/")
                if len(parts) == 3 and parts[0] == "lineitems" and parts[2] == "scores":
                    if platform.gradebook.fail_with:
                        self._reply(platform.gradebook.fail_with, {"error": "platform down for the test"})
                        return
                    request = DictRequest({"method": "POST", "headers": dict(self.headers.items()),
                                           "json": json.loads(body), "path": self.path})
                    service = Scores(request, platform.conf, f"{platform.base}/lineitems",
                                     f"{platform.base}/lineitems/{parts[1]}", allow_creating_lineitems=False)
                    service.gradebook, service.line_items = platform.gradebook, platform.line_items
                    response = service.handle_resp(service.handle_update_score, line_item_id=parts[1])
                    self._reply(response.code, {"status": response.message})
                    return
                self._reply(404, {"error": "not found"})

        return Handler


@contextmanager
def running_platform(client_id: str = CLIENT_ID, tool: str = TOOL) -> Iterator[TestPlatform]:
    platform = TestPlatform(client_id, tool).start()
    try:
        yield platform
    finally:
        platform.stop()


def wait_for(predicate: Any, timeout: float = 30.0) -> bool:
    """Poll ``predicate`` (another process's progress, seen only through its effects) until true or timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())
