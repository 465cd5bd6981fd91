from __future__ import annotations

import base64

import pytest

from mirra.addons.session_resolver import session_from_proxy_authorization


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


@pytest.mark.parametrize("credentials", ["ses_abc", "ses_abc:", "ses_abc:mirra"])
def test_the_user_name_is_the_session(credentials: str) -> None:
    assert session_from_proxy_authorization(basic(credentials)) == "ses_abc"


@pytest.mark.parametrize("value", [None, "", "Bearer x", "Basic !!!", basic(":password")])
def test_absent_or_malformed_credentials_name_no_session(value: str | None) -> None:
    assert session_from_proxy_authorization(value) is None
