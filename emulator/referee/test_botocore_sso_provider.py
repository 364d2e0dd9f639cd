"""botocore's own SSO credential chain, reading token cache files the way the CLI writes them (spec §1),
resolves role credentials through the emulator and refreshes a token inside its refresh window."""

import datetime
import hashlib
import json
import os
import subprocess
import sys

from conftest import START_URL, device_login


def cli_timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_credentials(profile):
    """Resolves credentials in a fresh interpreter: botocore fixes its cache directory from HOME at
    import time, exactly as it does for a user running a tool."""
    script = (
        "import json, botocore.session\n"
        f"c = botocore.session.Session(profile={profile!r}).get_credentials().get_frozen_credentials()\n"
        "print(json.dumps({'access_key': c.access_key, 'secret_key': c.secret_key, 'token': c.token}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ.copy(), timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def write_token_file(home, key, content):
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / (hashlib.sha1(key.encode()).hexdigest() + ".json")
    # The CLI's serializer: json.dumps defaults (", " and ": "), no trailing newline.
    path.write_text(json.dumps(content))
    os.chmod(path, 0o600)
    return path


def test_sso_session_profile_refreshes_a_token_in_its_refresh_window(clients, emulator, aws_env, monkeypatch):
    oidc, _ = clients
    client, token = device_login(emulator, oidc)
    account = emulator.accounts()[0]
    (aws_env / ".aws" / "config").write_text(
        "[profile dev]\n"
        "sso_session = corp\n"
        f"sso_account_id = {account['account_id']}\n"
        "sso_role_name = ReadOnlyAccess\n"
        "region = us-east-1\n\n"
        "[sso-session corp]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    now = datetime.datetime.now(datetime.timezone.utc)
    registration_expires = datetime.datetime.fromtimestamp(client["clientSecretExpiresAt"], datetime.timezone.utc)
    original = {
        "startUrl": START_URL,
        "region": "us-east-1",
        "accessToken": token["accessToken"],
        # 5 minutes left: inside botocore's 10-minute mandatory and 15-minute refresh windows.
        "expiresAt": cli_timestamp(now + datetime.timedelta(minutes=5)),
        "clientId": client["clientId"],
        "clientSecret": client["clientSecret"],
        "registrationExpiresAt": cli_timestamp(registration_expires),
        "refreshToken": token["refreshToken"],
    }
    path = write_token_file(aws_env, "corp", original)

    credentials = resolve_credentials("dev")
    assert credentials["access_key"].startswith("ASIA")
    assert credentials["token"]

    rewritten = json.loads(path.read_text())
    assert rewritten["accessToken"] != original["accessToken"], "the token file was rewritten by the refresh"
    assert rewritten["refreshToken"] != original["refreshToken"]
    new_expiry = datetime.datetime.strptime(rewritten["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert new_expiry - now > datetime.timedelta(hours=7)
    assert list(rewritten) == ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
                               "registrationExpiresAt", "refreshToken"]

    log = emulator.requests()
    refreshes = [r for r in log if r["operation"] == "CreateToken" and '"refresh_token"' in r["body"]]
    assert len(refreshes) == 1
    credential_calls = [r for r in log if r["operation"] == "GetRoleCredentials"]
    assert credential_calls and dict(credential_calls[-1]["headers"])["x-amz-sso_bearer_token"] == rewritten["accessToken"]


def test_legacy_profile_uses_the_start_url_keyed_token(clients, emulator, aws_env):
    oidc, _ = clients
    client, token = device_login(emulator, oidc, scopes=())
    assert "refreshToken" not in token, "no scopes registered, no refresh token"
    account = emulator.accounts()[1]
    (aws_env / ".aws" / "config").write_text(
        "[profile legacy]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = us-east-1\n"
        f"sso_account_id = {account['account_id']}\n"
        "sso_role_name = AdministratorAccess\n"
    )
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)
    write_token_file(aws_env, START_URL, {"startUrl": START_URL, "region": "us-east-1",
                                          "accessToken": token["accessToken"], "expiresAt": cli_timestamp(expires)})
    assert resolve_credentials("legacy")["access_key"].startswith("ASIA")
