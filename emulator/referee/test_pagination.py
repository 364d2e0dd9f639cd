"""A 1,000-account × 3-role directory paged through boto3's own paginators."""

import pytest

from conftest import device_login


@pytest.fixture
def big(start_emulator, aws_env, monkeypatch):
    import boto3

    emulator = start_emulator("--accounts", "1000", "--roles-per-account", "3", "--seed", "11")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", emulator.base_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emulator.base_url)
    session = boto3.session.Session(region_name="us-east-1")
    return emulator, session.client("sso-oidc"), session.client("sso")


def test_thousand_accounts_three_roles(big):
    emulator, oidc, sso = big
    _, token = device_login(emulator, oidc)
    access = token["accessToken"]
    expected = emulator.accounts()
    assert len(expected) == 1000

    pages = list(sso.get_paginator("list_accounts").paginate(accessToken=access))
    assert len(pages) == 50, "the default page size is 20"
    listed = [a["accountId"] for page in pages for a in page["accountList"]]
    assert listed == [a["account_id"] for a in expected]
    assert len(set(listed)) == 1000

    full = sso.get_paginator("list_accounts").paginate(accessToken=access, PaginationConfig={"PageSize": 100}).build_full_result()
    assert [a["accountId"] for a in full["accountList"]] == listed

    sample = [expected[0], expected[499], expected[999]]
    for account in sample:
        roles = sso.get_paginator("list_account_roles").paginate(
            accessToken=access, accountId=account["account_id"], PaginationConfig={"PageSize": 2}
        )
        pages = list(roles)
        assert [len(p["roleList"]) for p in pages] == [2, 1]
        names = [r["roleName"] for p in pages for r in p["roleList"]]
        assert names == ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"] == account["roles"]

    limited = sso.get_paginator("list_accounts").paginate(
        accessToken=access, PaginationConfig={"MaxItems": 45, "PageSize": 20}
    ).build_full_result()
    assert len(limited["accountList"]) == 45 and limited["NextToken"]
    resumed = sso.get_paginator("list_accounts").paginate(
        accessToken=access, PaginationConfig={"StartingToken": limited["NextToken"], "MaxItems": 10}
    ).build_full_result()
    assert [a["accountId"] for a in resumed["accountList"]] == listed[45:55]
