"""Shared fixtures: start the real `sso-bridge-emulator` binary and talk to its test control."""

import json
import os
import pathlib
import subprocess
import tempfile
import time
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
START_URL = "https://d-1234567890.awsapps.com/start"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def emulator_binary():
    configured = os.environ.get("SSO_BRIDGE_EMULATOR_BIN")
    path = pathlib.Path(configured) if configured else REPO / "target" / "debug" / "sso-bridge-emulator"
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `cargo build -p sso-bridge-emulator` (or set SSO_BRIDGE_EMULATOR_BIN)")
    return str(path)


class Emulator:
    """A running emulator process with test control enabled."""

    def __init__(self, *args):
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [emulator_binary(), "--port", "0", "--control", *args],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            self.stop()
            self._stderr.seek(0)
            raise RuntimeError(f"emulator did not print its base URL: {line!r} {self._stderr.read()!r}")
        self.base_url = line
        self.port = int(line.rsplit(":", 1)[1])

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}/_emulator/{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def approve_device(self, user_code=None):
        return self.control("POST", "device-authorizations/approve", {"user_code": user_code} if user_code else {})

    def wait_for_pending_device(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            pending = [d for d in self.control("GET", "device-authorizations")["device_authorizations"] if d["status"] == "pending"]
            if pending:
                return pending[-1]
            time.sleep(0.1)
        raise TimeoutError("no device authorization became pending")

    def accounts(self):
        return self.control("GET", "accounts")["accounts"]

    def requests(self):
        return self.control("GET", "requests")["requests"]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self._stderr.close()


@pytest.fixture
def start_emulator():
    """Factory: start_emulator('--accounts', '5') -> Emulator; all stopped after the test."""
    started = []

    def start(*args):
        emulator = Emulator(*args)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(start_emulator):
    return start_emulator("--seed", "7")


@pytest.fixture
def aws_env(tmp_path, monkeypatch):
    """An AWS environment with nothing from the machine: empty config, HOME in a temp dir."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "BOTO_CONFIG":
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    (home / ".aws" / "config").write_text("")
    return home


@pytest.fixture
def clients(emulator, aws_env, monkeypatch):
    """boto3 `sso-oidc` and `sso` clients pointed at the emulator through the documented env vars,
    with retries off so each error surfaces as the modelled exception."""
    import boto3
    from botocore.config import Config

    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", emulator.base_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emulator.base_url)
    session = boto3.session.Session(region_name="us-east-1")
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    return session.client("sso-oidc", config=config), session.client("sso", config=config)


def device_login(emulator, oidc, scopes=("sso:account:access",)):
    """Register, start the device flow, approve through test control, and return (client, token)."""
    kwargs = {"clientName": "referee", "clientType": "public"}
    if scopes:
        kwargs["scopes"] = list(scopes)
    client = oidc.register_client(**kwargs)
    auth = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=START_URL
    )
    emulator.approve_device(auth["userCode"])
    token = oidc.create_token(
        clientId=client["clientId"], clientSecret=client["clientSecret"], grantType=DEVICE_GRANT, deviceCode=auth["deviceCode"]
    )
    return client, token


_FIGURES = []


def record_figure(line):
    """Adds a measured figure to the end-of-run summary."""
    _FIGURES.append(line)


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
