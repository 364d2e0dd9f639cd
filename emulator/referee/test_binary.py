"""The `sso-bridge-emulator` command line: flags, scenario files, control switch, request log."""

import json
import pathlib
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import DEVICE_GRANT, START_URL, emulator_binary

SCENARIOS = pathlib.Path(__file__).resolve().parents[1] / "scenarios"


def post_json(base, path, body, headers=None):
    request = urllib.request.Request(f"{base}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), error.headers


def device_token(base):
    status, client, _ = post_json(base, "/client/register", {"clientName": "cli", "clientType": "public"})
    assert status == 200
    creds = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
    _, auth, _ = post_json(base, "/device_authorization", {**creds, "startUrl": START_URL})
    return creds, auth, post_json(base, "/token", {**creds, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]})


def test_auto_approve_and_seed(start_emulator):
    first = start_emulator("--auto-approve", "--seed", "5")
    second = start_emulator("--auto-approve", "--seed", "5")
    creds_a, _, (status, token_a, _) = device_token(first.base_url)
    creds_b, _, (_, token_b, _) = device_token(second.base_url)
    assert status == 200, "auto-approve: the first poll already has a token"
    assert creds_a == creds_b and token_a == token_b, "the same seed gives the same ids and tokens"


def test_demo_scenario_with_passwords(start_emulator):
    emulator = start_emulator("--scenario", str(SCENARIOS / "demo.toml"))
    names = [a["account_name"] for a in emulator.accounts()]
    assert names[:2] == ["production", "sandbox"] and len(names) == 5
    creds, auth, (status, _, headers) = device_token(emulator.base_url)
    assert headers["x-amzn-ErrorType"].startswith("AuthorizationPendingException:")
    form = urllib.parse.urlencode({"user_code": auth["userCode"], "username": "alice", "password": "nope", "decision": "allow"})
    page = urllib.request.urlopen(f"{emulator.base_url}/device/decision", data=form.encode(), timeout=10).read().decode()
    assert "Incorrect username or password." in page
    form = urllib.parse.urlencode({"user_code": auth["userCode"], "username": "alice", "password": "wonderland", "decision": "allow"})
    page = urllib.request.urlopen(f"{emulator.base_url}/device/decision", data=form.encode(), timeout=10).read().decode()
    assert 'id="result"' in page and "Request approved" in page
    status, token, _ = post_json(emulator.base_url, "/token", {**creds, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]})
    assert status == 200 and token["accessToken"]


def test_flaky_scenario_faults_in_order(start_emulator):
    emulator = start_emulator("--scenario", str(SCENARIOS / "flaky.json"), "--auto-approve")
    creds, auth, (status, body, headers) = device_token(emulator.base_url)
    assert (status, body["error"]) == (400, "slow_down")
    status, token, _ = post_json(emulator.base_url, "/token", {**creds, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]})
    assert status == 200 and token["expiresIn"] == 120


def test_control_is_off_without_the_flag():
    process = subprocess.Popen([emulator_binary(), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        base = process.stdout.readline().strip()
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urllib.request.urlopen(f"{base}/_emulator/health", timeout=10)
        assert excinfo.value.code == 404
        with urllib.request.urlopen(f"{base}/", timeout=10) as front:
            assert "sso-bridge-emulator" in front.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_request_log_and_verbose_output_keep_secrets_out(tmp_path):
    log = tmp_path / "requests.jsonl"
    stderr_path = tmp_path / "stderr.txt"
    with open(stderr_path, "w") as stderr:
        process = subprocess.Popen(
            [emulator_binary(), "--port", "0", "--auto-approve", "--verbose", "--request-log", str(log)],
            stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
        try:
            base = process.stdout.readline().strip()
            creds, auth, (_, token, _) = device_token(base)
            request = urllib.request.Request(f"{base}/assignment/accounts", headers={"x-amz-sso_bearer_token": token["accessToken"]})
            urllib.request.urlopen(request, timeout=10).read()
        finally:
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["operation"] for e in entries] == ["RegisterClient", "StartDeviceAuthorization", "CreateToken", "ListAccounts"]
    headers = {name.lower(): value for name, value in entries[3]["headers"]}
    assert headers["x-amz-sso_bearer_token"] == "<redacted>"
    printed = log.read_text() + stderr_path.read_text()
    for secret in (creds["clientSecret"], auth["deviceCode"], token["accessToken"]):
        assert secret not in printed
    assert "ListAccounts -> 200" in stderr_path.read_text()


def test_bad_scenario_exits_with_a_reason(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("default_page_size = 500\n")
    done = subprocess.run([emulator_binary(), "--scenario", str(bad)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "between 1 and 100" in done.stderr and str(bad) in done.stderr
