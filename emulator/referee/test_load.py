"""Load: 50 concurrent clients × 200 portal and token requests each over loopback keep-alive
connections. Every answer must be a success; the p99 latency is reported in the test summary."""

import http.client
import json
import statistics
import threading
import time

from conftest import DEVICE_GRANT, START_URL, record_figure

CLIENTS = 50
REQUESTS_PER_CLIENT = 200


def call(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    payload = response.read()
    return response.status, payload


def test_fifty_clients_two_hundred_requests_each(start_emulator):
    emulator = start_emulator("--accounts", "50", "--roles-per-account", "3")
    host, port = "127.0.0.1", emulator.port
    setup = http.client.HTTPConnection(host, port, timeout=30)
    status, body = call(setup, "POST", "/client/register", json.dumps({"clientName": "load", "clientType": "public", "scopes": ["sso:account:access"]}))
    assert status == 200
    client = json.loads(body)
    creds = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
    tokens = []
    for _ in range(CLIENTS):
        status, body = call(setup, "POST", "/device_authorization", json.dumps({**creds, "startUrl": START_URL}))
        auth = json.loads(body)
        emulator.approve_device(auth["userCode"])
        status, body = call(setup, "POST", "/token", json.dumps({**creds, "grantType": DEVICE_GRANT, "deviceCode": auth["deviceCode"]}))
        assert status == 200
        tokens.append(json.loads(body))
    accounts = emulator.accounts()

    latencies = [[] for _ in range(CLIENTS)]
    failures = []
    warmup_times = []
    start_line = threading.Barrier(CLIENTS, timeout=120)

    def run(index):
        token = tokens[index]
        headers = {"x-amz-sso_bearer_token": token["accessToken"]}
        connection = http.client.HTTPConnection(host, port, timeout=30)
        # Each connection is opened and used once before the clock starts: the emulator gives every
        # connection its own thread, and that set-up is reported on its own.
        began = time.perf_counter()
        try:
            status, _ = call(connection, "GET", "/assignment/accounts?max_result=1", None, headers)
            warmup_times.append(time.perf_counter() - began)
            if status != 200:
                failures.append(f"client {index} warm-up: HTTP {status}")
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"client {index} warm-up after {time.perf_counter() - began:.2f} s: {error!r}")
            connection = http.client.HTTPConnection(host, port, timeout=30)
        start_line.wait()
        for n in range(REQUESTS_PER_CLIENT):
            account = accounts[(index + n) % len(accounts)]
            kind = n % 4
            if kind == 0:
                method, path, body = "GET", "/assignment/accounts?max_result=20", None
            elif kind == 1:
                method, path, body = "GET", f"/assignment/roles?account_id={account['account_id']}", None
            elif kind == 2:
                method, path, body = "GET", f"/federation/credentials?role_name=ReadOnlyAccess&account_id={account['account_id']}", None
            else:
                method, path, body = "POST", "/device_authorization", json.dumps({**creds, "startUrl": START_URL})
            began = time.perf_counter()
            try:
                status, _ = call(connection, method, path, body, headers)
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"client {index} request {n}: {error!r}")
                connection = http.client.HTTPConnection(host, port, timeout=30)
                continue
            latencies[index].append(time.perf_counter() - began)
            if status != 200:
                failures.append(f"client {index} request {n}: HTTP {status} for {path}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began

    assert not failures, failures[:5]
    samples = sorted(ms * 1000 for per_client in latencies for ms in per_client)
    assert len(samples) == CLIENTS * REQUESTS_PER_CLIENT
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    record_figure(
        f"emulator load: {len(samples)} requests from {CLIENTS} concurrent clients in {elapsed:.2f} s "
        f"({len(samples) / elapsed:.0f} req/s), p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {samples[-1]:.2f} ms, 0 errors; "
        f"slowest connection warm-up {max(warmup_times) * 1000:.1f} ms"
    )
    # A loose ceiling: it catches a server that serialises on something slow, not a busy CI machine.
    assert p99 < 1000, f"p99 {p99:.1f} ms"
