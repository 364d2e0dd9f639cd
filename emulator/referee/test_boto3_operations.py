"""boto3/botocore as referee: every SSO OIDC and portal operation, and each error case raising the
modelled exception. The clients reach the emulator only through AWS_ENDPOINT_URL_SSO[_OIDC]."""

import base64
import hashlib
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import DEVICE_GRANT, START_URL, device_login

REDIRECT = "http://127.0.0.1/oauth/callback"


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_register_client_shapes(clients):
    oidc, _ = clients
    now = int(time.time())
    device = oidc.register_client(clientName="botocore-client-dev", clientType="public")
    assert device["clientId"] and device["clientSecret"]
    assert abs(device["clientIdIssuedAt"] - now) < 60
    assert device["clientSecretExpiresAt"] - device["clientIdIssuedAt"] == 90 * 86400
    pkce = oidc.register_client(
        clientName="botocore-client-dev",
        clientType="public",
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=[REDIRECT],
        issuerUrl=START_URL,
        scopes=["sso:account:access"],
    )
    assert pkce["authorizationEndpoint"].endswith("/authorize")
    assert pkce["tokenEndpoint"].endswith("/token")


@pytest.mark.parametrize(
    "kwargs, exception",
    [
        ({"redirectUris": ["https://abcdef.chromiumapp.org/"]}, "InvalidRedirectUriException"),
        ({"redirectUris": ["http://localhost:8080/cb"]}, "InvalidRedirectUriException"),
        ({"scopes": ["not:a:scope"], "grantTypes": None}, "InvalidScopeException"),
        ({"grantTypes": ["password"], "redirectUris": None}, "UnsupportedGrantTypeException"),
        ({"clientType": "confidential", "grantTypes": None, "redirectUris": None}, "InvalidClientMetadataException"),
        ({"redirectUris": None}, "InvalidRequestException"),
    ],
)
def test_register_client_errors(clients, kwargs, exception):
    oidc, _ = clients
    request = {
        "clientName": "x",
        "clientType": "public",
        "grantTypes": ["authorization_code", "refresh_token"],
        "redirectUris": [REDIRECT],
    }
    request.update(kwargs)
    request = {k: v for k, v in request.items() if v is not None}
    with pytest.raises(getattr(oidc.exceptions, exception)) as excinfo:
        oidc.register_client(**request)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert excinfo.value.response["error_description"]


def test_device_flow_every_state(clients, emulator):
    oidc, _ = clients
    client = oidc.register_client(clientName="x", clientType="public", scopes=["sso:account:access"])
    creds = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
    auth = oidc.start_device_authorization(startUrl=START_URL, **creds)
    assert auth["verificationUri"] == f"{emulator.base_url}/device"
    assert auth["verificationUriComplete"] == f"{emulator.base_url}/device?user_code={auth['userCode']}"
    assert (auth["expiresIn"], auth["interval"]) == (600, 1)
    poll = dict(grantType=DEVICE_GRANT, deviceCode=auth["deviceCode"], **creds)
    with pytest.raises(oidc.exceptions.AuthorizationPendingException) as pending:
        oidc.create_token(**poll)
    assert pending.value.response["error"] == "authorization_pending"
    emulator.control("POST", "faults", {"operation": "CreateToken", "kind": "slow_down"})
    with pytest.raises(oidc.exceptions.SlowDownException):
        oidc.create_token(**poll)
    emulator.approve_device(auth["userCode"])
    token = oidc.create_token(**poll)
    assert token["tokenType"] == "Bearer" and token["expiresIn"] == 28800
    assert token["accessToken"].startswith("aoa") and token["refreshToken"].startswith("aor")
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(**poll)

    denied = oidc.start_device_authorization(startUrl=START_URL, **creds)
    emulator.control("POST", "device-authorizations/deny", {"user_code": denied["userCode"]})
    with pytest.raises(oidc.exceptions.AccessDeniedException):
        oidc.create_token(grantType=DEVICE_GRANT, deviceCode=denied["deviceCode"], **creds)

    expiring = oidc.start_device_authorization(startUrl=START_URL, **creds)
    emulator.control("POST", "clock/advance", {"seconds": 601})
    with pytest.raises(oidc.exceptions.ExpiredTokenException):
        oidc.create_token(grantType=DEVICE_GRANT, deviceCode=expiring["deviceCode"], **creds)


def test_client_and_grant_errors(clients, emulator):
    oidc, _ = clients
    client, token = device_login(emulator, oidc)
    creds = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
    with pytest.raises(oidc.exceptions.InvalidClientException) as bad_secret:
        oidc.start_device_authorization(clientId=client["clientId"], clientSecret="wrong", startUrl=START_URL)
    assert bad_secret.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    with pytest.raises(oidc.exceptions.UnsupportedGrantTypeException):
        oidc.create_token(grantType="password", **creds)
    with pytest.raises(oidc.exceptions.UnauthorizedClientException):
        oidc.create_token(grantType="authorization_code", code="x", redirectUri=REDIRECT, codeVerifier="v" * 43, **creds)
    with pytest.raises(oidc.exceptions.InvalidRequestException):
        oidc.create_token(grantType=DEVICE_GRANT, **creds)
    with pytest.raises(oidc.exceptions.InvalidGrantException) as invalid_refresh:
        oidc.create_token(grantType="refresh_token", refreshToken="aor-not-issued", **creds)
    assert invalid_refresh.value.response["error_description"] == "Invalid refresh token provided"
    with pytest.raises(oidc.exceptions.InvalidScopeException):
        oidc.create_token(grantType="refresh_token", refreshToken=token["refreshToken"], scope=["openid"], **creds)
    emulator.control("POST", "faults", {"operation": "CreateToken", "kind": "internal_error"})
    with pytest.raises(oidc.exceptions.InternalServerException) as internal:
        oidc.create_token(grantType="refresh_token", refreshToken=token["refreshToken"], **creds)
    assert internal.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    pkce_only = oidc.register_client(
        clientName="x", clientType="public", grantTypes=["authorization_code"], redirectUris=[REDIRECT]
    )
    with pytest.raises(oidc.exceptions.UnauthorizedClientException):
        oidc.start_device_authorization(
            clientId=pkce_only["clientId"], clientSecret=pkce_only["clientSecret"], startUrl=START_URL
        )


def test_refresh_token_grant(clients, emulator):
    oidc, sso = clients
    client, token = device_login(emulator, oidc)
    refreshed = oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType="refresh_token",
        refreshToken=token["refreshToken"],
    )
    assert refreshed["accessToken"] != token["accessToken"]
    assert refreshed["refreshToken"] != token["refreshToken"]
    assert sso.list_accounts(accessToken=refreshed["accessToken"])["accountList"]


def _pkce_pair():
    verifier = secrets.token_urlsafe(48)[:64]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _authorize_url(emulator, client_id, port, challenge, state):
    # Built exactly as the CLI builds it (spec §4): `scopes` plural, quote() with safe="-._~".
    quote = lambda value: urllib.parse.quote(value, safe="-._~")  # noqa: E731
    redirect = f"http://127.0.0.1:{port}/oauth/callback"
    return (
        f"{emulator.base_url}/authorize?response_type=code&client_id={quote(client_id)}"
        f"&redirect_uri={quote(redirect)}&state={state}&code_challenge_method=S256"
        f"&scopes={quote('sso:account:access')}&code_challenge={challenge}"
    ), redirect


def test_authorization_code_with_pkce_through_the_sign_in_page(clients, emulator):
    oidc, sso = clients
    client = oidc.register_client(
        clientName="botocore-client-dev",
        clientType="public",
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=[REDIRECT],
        issuerUrl=START_URL,
        scopes=["sso:account:access"],
    )
    verifier, challenge = _pkce_pair()
    url, redirect = _authorize_url(emulator, client["clientId"], 49152, challenge, "00000000-0000-0000-0000-000000000000")
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    assert 'id="signin-form"' in page and "Allow access" in page
    request_id = page.split('name="request_id" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode({"request_id": request_id, "username": "alice", "password": "", "decision": "allow"})
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(urllib.request.Request(f"{emulator.base_url}/authorize", data=form.encode()), timeout=10)
    assert redirected.value.code == 302
    location = redirected.value.headers["Location"]
    assert location.startswith("http://127.0.0.1:49152/oauth/callback?")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)
    assert query["state"] == ["00000000-0000-0000-0000-000000000000"]
    creds = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(grantType="authorization_code", code=query["code"][0], redirectUri=redirect,
                          codeVerifier=_pkce_pair()[0], **creds)
    # A fresh code (the failed attempt used up the first), decided through test control.
    url, redirect = _authorize_url(emulator, client["clientId"], 49153, challenge, "s2")
    urllib.request.urlopen(url, timeout=10).read()
    location = emulator.control("POST", "authorizations/approve", {})["redirect_url"]
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    token = oidc.create_token(grantType="authorization_code", code=code, redirectUri=redirect, codeVerifier=verifier, **creds)
    assert token["refreshToken"]
    assert sso.list_accounts(accessToken=token["accessToken"])["accountList"]

    urllib.request.urlopen(_authorize_url(emulator, client["clientId"], 49154, challenge, "s3")[0], timeout=10).read()
    denied = emulator.control("POST", "authorizations/deny", {})["redirect_url"]
    assert urllib.parse.parse_qs(urllib.parse.urlparse(denied).query)["error"] == ["access_denied"]


def test_portal_operations(clients, emulator):
    oidc, sso = clients
    _, token = device_login(emulator, oidc)
    access = token["accessToken"]
    accounts = sso.list_accounts(accessToken=access, maxResults=2)
    assert len(accounts["accountList"]) == 2 and accounts["nextToken"]
    assert set(accounts["accountList"][0]) == {"accountId", "accountName", "emailAddress"}
    rest = sso.list_accounts(accessToken=access, nextToken=accounts["nextToken"])
    assert "nextToken" not in rest and len(rest["accountList"]) == 1
    account_id = accounts["accountList"][0]["accountId"]
    roles = sso.list_account_roles(accessToken=access, accountId=account_id)["roleList"]
    assert roles == [
        {"roleName": "AdministratorAccess", "accountId": account_id},
        {"roleName": "ReadOnlyAccess", "accountId": account_id},
    ]
    before = time.time()
    creds = sso.get_role_credentials(accessToken=access, accountId=account_id, roleName="ReadOnlyAccess")["roleCredentials"]
    assert creds["accessKeyId"].startswith("ASIA") and len(creds["accessKeyId"]) == 20
    assert creds["secretAccessKey"] and creds["sessionToken"]
    assert before + 3500 < creds["expiration"] / 1000 < before + 3700, "expiration is epoch milliseconds"
    sso.logout(accessToken=access)
    with pytest.raises(sso.exceptions.UnauthorizedException) as after_logout:
        sso.list_accounts(accessToken=access)
    assert after_logout.value.response["Error"]["Message"] == "Session token not found or invalid"
    assert after_logout.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401


def test_portal_errors(clients, emulator):
    oidc, sso = clients
    _, token = device_login(emulator, oidc)
    access = token["accessToken"]
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.get_role_credentials(accessToken="not-a-token", accountId="123456789012", roleName="x")
    with pytest.raises(sso.exceptions.InvalidRequestException):
        sso.list_accounts(accessToken=access, nextToken="garbage")
    with pytest.raises(sso.exceptions.ResourceNotFoundException):
        sso.list_account_roles(accessToken=access, accountId="000000000000")
    emulator.control("POST", "faults", {"operation": "GetRoleCredentials", "kind": "throttle"})
    account_id = emulator.accounts()[0]["account_id"]
    with pytest.raises(sso.exceptions.TooManyRequestsException) as throttled:
        sso.get_role_credentials(accessToken=access, accountId=account_id, roleName="AdministratorAccess")
    assert throttled.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    with pytest.raises(ClientError) as forbidden:
        sso.get_role_credentials(accessToken=access, accountId=account_id, roleName="NotAssigned")
    assert error_code(forbidden) == "ForbiddenException"
    assert forbidden.value.response["Error"]["Message"] == "No access"
    emulator.control("POST", "clock/advance", {"seconds": 8 * 3600})
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=access)


def test_throttling_with_retry_after(start_emulator, aws_env, monkeypatch, tmp_path):
    import boto3
    from botocore.config import Config

    scenario = tmp_path / "throttle.toml"
    scenario.write_text("[throttling]\nrequests_per_second = 2\nretry_after_seconds = 1\n")
    emulator = start_emulator("--scenario", str(scenario))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", emulator.base_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emulator.base_url)
    session = boto3.session.Session(region_name="us-east-1")
    no_retry = Config(retries={"mode": "standard", "total_max_attempts": 1})
    oidc, sso = session.client("sso-oidc", config=no_retry), session.client("sso", config=no_retry)
    _, token = device_login(emulator, oidc)
    sso.list_accounts(accessToken=token["accessToken"])
    sso.list_accounts(accessToken=token["accessToken"])
    with pytest.raises(sso.exceptions.TooManyRequestsException) as throttled:
        sso.list_accounts(accessToken=token["accessToken"])
    assert throttled.value.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"
    # botocore's default retry policy treats the 429 as throttling and succeeds after backing off.
    retrying = session.client("sso", config=Config(retries={"mode": "standard", "total_max_attempts": 5}))
    for _ in range(4):
        retrying.list_accounts(accessToken=token["accessToken"])


def test_cors_preflight_and_actual_request(emulator):
    request = urllib.request.Request(
        f"{emulator.base_url}/client/register",
        method="OPTIONS",
        headers={"Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                 "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-amz-user-agent"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
        assert "x-amz-user-agent" in response.headers["Access-Control-Allow-Headers"]
    refused = urllib.request.Request(f"{emulator.base_url}/token", method="OPTIONS", headers={"Origin": "https://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(refused, timeout=10)
    assert excinfo.value.code == 403
