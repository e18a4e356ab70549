"""pylti1p3 wired to quizapp's database: the tool configuration, its key pair and the launch data store.

pylti1p3 does the OIDC login, checks launch signatures, builds deep linking responses and sends scores;
this module only answers its questions ("which platform is this issuer?", "where is this nonce?") from
the database, so every app host and every worker sees the same registrations and launches.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from jwcrypto.jwk import JWK
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskOIDCLogin, FlaskSessionService
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import utcnow
from .models import LtiLaunchValue, LtiPlatform, LtiToolKey

KEY_BITS = 2048


def tool_key() -> LtiToolKey:
    """The newest tool key pair, generated and stored on first use."""
    key = db.session.execute(select(LtiToolKey).order_by(LtiToolKey.id.desc()).limit(1)).scalar_one_or_none()
    return key if key is not None else rotate_tool_key()


def rotate_tool_key() -> LtiToolKey:
    """Generate a new RSA key pair (jwcrypto); older keys stay published so tokens they signed still verify."""
    jwk = JWK.generate(kty="RSA", size=KEY_BITS)
    kid = jwk.thumbprint()
    key = LtiToolKey(kid=kid, private_pem=jwk.export_to_pem(private_key=True, password=None).decode(),
                     public_pem=jwk.export_to_pem().decode())
    db.session.add(key)
    try:
        db.session.commit()
    except IntegrityError:  # another process generated the first key at the same moment
        db.session.rollback()
        return db.session.execute(select(LtiToolKey).order_by(LtiToolKey.id.desc()).limit(1)).scalar_one()
    return key


def tool_jwks() -> dict[str, list[dict[str, Any]]]:
    """The public keys, as platforms fetch them from /lti/jwks."""
    tool_key()
    keys = db.session.execute(select(LtiToolKey).order_by(LtiToolKey.id)).scalars()
    out = []
    for key in keys:
        public = dict(Registration.get_jwk(key.public_pem))
        public["kid"] = key.kid
        out.append(public)
    return {"keys": out}


def registration_for(platform: LtiPlatform) -> Registration:
    """pylti1p3's view of a platform, signed with the tool's newest key."""
    key = tool_key()
    registration = (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
                    .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
                    .set_key_set_url(platform.key_set_url).set_tool_private_key(key.private_pem)
                    .set_tool_public_key(key.public_pem))
    if platform.auth_audience:
        registration.set_auth_audience(platform.auth_audience)
    return registration


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform | None:
    query = select(LtiPlatform).filter_by(issuer=issuer, enabled=True)
    if client_id:
        query = query.filter_by(client_id=client_id)
    rows = db.session.execute(query.order_by(LtiPlatform.id)).scalars().all()
    return rows[0] if len(rows) == 1 or (rows and client_id) else None


class DatabaseToolConf(ToolConfAbstract[Any]):
    """Registrations from the ``lti_platforms`` table; one issuer may have several client ids."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        platform = find_platform(iss, None)
        return registration_for(platform) if platform else None  # type: ignore[return-value]

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any, **kwargs: Any) -> Registration:
        platform = find_platform(iss, client_id)
        return registration_for(platform) if platform else None  # type: ignore[return-value]

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args: Any,
                                  **kwargs: Any) -> Deployment | None:
        platform = find_platform(iss, client_id or None)
        if platform is None or deployment_id not in platform.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)


class DatabaseCache:
    """The get/set cache pylti1p3's ``FlaskCacheDataStorage`` expects, kept in ``lti_launch_values``."""

    def get(self, key: str) -> Any:
        row = db.session.get(LtiLaunchValue, key)
        if row is None or (row.expires_at is not None and row.expires_at < utcnow()):
            return None
        return row.value

    def set(self, key: str, value: Any, exp: int | None = None) -> None:
        expires = utcnow() + timedelta(seconds=exp) if exp else None
        db.session.merge(LtiLaunchValue(key=key, value=json.loads(json.dumps(value)), expires_at=expires))
        db.session.commit()

    def pop(self, key: str) -> bool:
        """Delete the key; True only for the one caller that deleted a live value (makes nonces single-use)."""
        result = db.session.execute(delete(LtiLaunchValue).where(LtiLaunchValue.key == key,
                                                                 (LtiLaunchValue.expires_at.is_(None))
                                                                 | (LtiLaunchValue.expires_at >= utcnow())))
        db.session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def purge_expired(self) -> int:
        result = db.session.execute(delete(LtiLaunchValue).where(LtiLaunchValue.expires_at < utcnow()))
        db.session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class DatabaseLaunchStorage(FlaskCacheDataStorage):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(DatabaseCache())

    def pop_value(self, key: str) -> bool:
        return bool(self._get_cache().pop(self._prepare_key(key)))


class SingleUseNonceSessionService(FlaskSessionService):  # type: ignore[misc]
    """pylti1p3 only checks that the nonce was issued; this also uses it up, so a replayed launch fails."""

    def check_nonce(self, nonce: str) -> bool:
        storage = self.data_storage
        return isinstance(storage, DatabaseLaunchStorage) and storage.pop_value(self._get_key("nonce", nonce))


def oidc_login(request: Any) -> FlaskOIDCLogin:
    return FlaskOIDCLogin(request, DatabaseToolConf(), session_service=SingleUseNonceSessionService(request),
                          launch_data_storage=DatabaseLaunchStorage())


def message_launch(request: Any) -> FlaskMessageLaunch:
    return FlaskMessageLaunch(request, DatabaseToolConf(), session_service=SingleUseNonceSessionService(request),
                              launch_data_storage=DatabaseLaunchStorage())


def restored_launch(launch_id: str, request: Any) -> FlaskMessageLaunch:
    """A launch validated earlier (e.g. a deep linking request), read back from the launch store."""
    launch = FlaskMessageLaunch.from_cache(
        launch_id, request, DatabaseToolConf(), session_service=SingleUseNonceSessionService(request),
        launch_data_storage=DatabaseLaunchStorage())
    assert isinstance(launch, FlaskMessageLaunch)
    return launch

