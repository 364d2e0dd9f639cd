"""The real AWS CLI v2 from Debian (2.9.19, at /usr/bin/aws) logs in with the device flow against the
emulator and exports role credentials.

That CLI predates AWS_ENDPOINT_URL_*; its vendored botocore resolves endpoints with the per-service
`endpoint-rule-set-1.json` rule sets. AWS_DATA_PATH puts a directory in front of the CLI's own data,
so `<dir>/sso/2019-06-10/endpoint-rule-set-1.json` and `<dir>/sso-oidc/2019-06-10/...` holding one
unconditional rule ("the endpoint is http://127.0.0.1:<port>") send both nested clients to the
emulator, while `service-2.json` still comes from the CLI's bundled data.
"""

import hashlib
import json
import os
import pathlib
import subprocess
import threading
import time

import pytest

from conftest import START_URL

AWS_CLI = pathlib.Path("/usr/bin/aws")

# The parameters every AWS rule set declares (the CLI passes values for the built-ins it finds here).
RULESET_PARAMETERS = {
    "Region": {"builtIn": "AWS::Region", "required": False, "documentation": "The AWS region.", "type": "String"},
    "UseDualStack": {"builtIn": "AWS::UseDualStack", "required": True, "default": False,
                     "documentation": "Dual-stack.", "type": "Boolean"},
    "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": True, "default": False,
                "documentation": "FIPS.", "type": "Boolean"},
    "Endpoint": {"builtIn": "SDK::Endpoint", "required": False, "documentation": "Endpoint override.",
                 "type": "String"},
}


def write_endpoint_data(root, base_url):
    ruleset = {
        "version": "1.0",
        "parameters": RULESET_PARAMETERS,
        "rules": [{"conditions": [], "type": "endpoint",
                   "endpoint": {"url": base_url, "properties": {}, "headers": {}}}],
    }
    for service in ("sso", "sso-oidc"):
        directory = root / service / "2019-06-10"
        directory.mkdir(parents=True)
        (directory / "endpoint-rule-set-1.json").write_text(json.dumps(ruleset))


def cli_version():
    try:
        return subprocess.run([str(AWS_CLI), "--version"], capture_output=True, text=True, timeout=60).stdout
    except OSError:
        return ""


@pytest.mark.skipif(not AWS_CLI.exists(), reason="Debian's awscli package (AWS CLI v2) is not installed; .ci/run installs it")
def test_sso_login_device_flow_then_export_credentials(emulator, aws_env, tmp_path):
    assert cli_version().startswith("aws-cli/2."), "/usr/bin/aws must be the AWS CLI v2"
    data = tmp_path / "aws-data"
    write_endpoint_data(data, emulator.base_url)
    account = emulator.accounts()[0]
    (aws_env / ".aws" / "config").write_text(
        "[profile dev]\n"
        "sso_session = corp\n"
        f"sso_account_id = {account['account_id']}\n"
        "sso_role_name = ReadOnlyAccess\n"
        "region = us-east-1\n"
        "output = json\n\n"
        "[sso-session corp]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env["AWS_DATA_PATH"] = str(data)
    env["AWS_PAGER"] = ""
    login = subprocess.Popen(
        [str(AWS_CLI), "sso", "login", "--no-browser", "--profile", "dev"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    printed = []
    reader = threading.Thread(target=lambda: printed.extend(iter(login.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        pending = emulator.wait_for_pending_device(timeout=60)
        # Approve only once the CLI shows the code, as a person would: the CLI makes one CreateToken
        # attempt before printing (spec §3.6), and an early approval would skip the prompt.
        deadline = time.time() + 60
        while pending["user_code"] not in "".join(printed) and time.time() < deadline and login.poll() is None:
            time.sleep(0.05)
        emulator.approve_device(pending["user_code"])
        login.wait(timeout=60)
        reader.join(timeout=10)
        out, err = "".join(printed), login.stderr.read()
    finally:
        if login.poll() is None:
            login.kill()
            login.communicate()
    assert login.returncode == 0, err
    assert pending["user_code"] in out, "the CLI printed the user code it got from the emulator"
    assert f"Successfully logged into Start URL: {START_URL}" in out

    cache = aws_env / ".aws" / "sso" / "cache"
    token_file = cache / (hashlib.sha1(b"corp").hexdigest() + ".json")
    token = json.loads(token_file.read_text())
    assert token["startUrl"] == START_URL and token["refreshToken"].startswith("aor")
    assert len(list(cache.iterdir())) == 2, "the token and the client registration"

    exported = subprocess.run(
        [str(AWS_CLI), "configure", "export-credentials", "--profile", "dev"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    credentials = json.loads(exported.stdout)
    assert credentials["Version"] == 1
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert credentials["SecretAccessKey"] and credentials["SessionToken"]
    assert credentials["Expiration"].endswith("+00:00")

    operations = [r["operation"] for r in emulator.requests()]
    assert operations[:2] == ["RegisterClient", "StartDeviceAuthorization"]
    assert "CreateToken" in operations and operations[-1] == "GetRoleCredentials"
    bearer = dict(emulator.requests()[-1]["headers"])["x-amz-sso_bearer_token"]
    assert bearer == token["accessToken"]
