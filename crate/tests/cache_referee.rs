//! Referee for the token and client-registration cache files: the AWS CLI's own device-flow code
//! (`SSOTokenFetcher` from Debian's awscli, with the CLI's `_sso_json_dumps` and `JSONFileCache`)
//! runs against a stub SSO OIDC client with fixed answers and a fixed clock, and the files it
//! writes must have exactly our names and bytes.
//!
//! Debian's awscli 2.9.19 predates the PKCE flow, so PKCE registrations (`grantTypes`) are checked
//! against the spec's vector in the unit tests only.

use sso_bridge::cache::{
    token_cache_key, CachedToken, ClientRegistration, RegistrationCacheKeyInput, TokenCacheIdentity,
};
use sso_bridge::secret::Secret;
use sso_bridge::time::UtcTime;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const DEBIAN_PYTHON: &str = "/usr/bin/python3";

/// Runs the CLI's fetcher for each case and prints `{file name: content}` per case.
const SCRIPT: &str = r#"
import datetime, json, os, sys, tempfile
import awscli
from dateutil.tz import tzutc
from botocore.utils import SSOTokenFetcher
from botocore.credentials import JSONFileCache
from awscli.customizations.sso.utils import _sso_json_dumps

class StubOidc:
    def __init__(self, case):
        self.case = case
    def register_client(self, **kwargs):
        return {"clientId": self.case["clientId"], "clientSecret": self.case["clientSecret"],
                "clientSecretExpiresAt": self.case["clientSecretExpiresAt"]}
    def start_device_authorization(self, **kwargs):
        return {"deviceCode": "dc", "userCode": "UC", "verificationUri": "https://v",
                "verificationUriComplete": "https://v?c", "expiresIn": 600, "interval": 1}
    def create_token(self, **kwargs):
        response = {"accessToken": self.case["accessToken"], "expiresIn": self.case["expiresIn"],
                    "tokenType": "Bearer", "idToken": "not-stored"}
        if self.case.get("refreshToken") is not None:
            response["refreshToken"] = self.case["refreshToken"]
        return response

out = []
for case in json.load(sys.stdin):
    with tempfile.TemporaryDirectory() as tmp:
        now = datetime.datetime.fromtimestamp(case["now"], tzutc())
        fetcher = SSOTokenFetcher(
            case["region"], client_creator=lambda *a, **k: StubOidc(case),
            cache=JSONFileCache(tmp, dumps_func=_sso_json_dumps),
            time_fetcher=lambda: now, sleep=lambda s: None)
        fetcher.fetch_token(case["startUrl"], force_refresh=True,
                            registration_scopes=case["scopes"], session_name=case["sessionName"])
        files = {}
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name), "rb") as f:
                files[name] = f.read().decode("ascii")
        out.append(files)
print(json.dumps(out))
"#;

struct Case {
    start_url: &'static str,
    region: &'static str,
    session_name: Option<&'static str>,
    scopes: Option<Vec<String>>,
    access_token: &'static str,
    refresh_token: Option<&'static str>,
    client_id: &'static str,
    client_secret: &'static str,
    now: i64,
    expires_in: i64,
    client_secret_expires_at: i64,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            start_url: "https://d-abc123.awsapps.com/start",
            region: "us-east-1",
            session_name: Some("dev"),
            scopes: Some(vec!["sso:account:access".into()]),
            access_token: "aoaAAAAAexample-access-token",
            refresh_token: Some("aorAAAAAexample-refresh-token"),
            client_id: "client-id-1",
            client_secret: "eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0.secret",
            now: 1_714_564_800, // 2024-05-01T12:00:00Z
            expires_in: 28_800,
            client_secret_expires_at: 1_722_340_800,
        },
        // Legacy profile: no session, no scopes (`null` in the registration key), no refresh token.
        Case {
            start_url: "https://d-abc123.awsapps.com/start",
            region: "us-west-2",
            session_name: None,
            scopes: None,
            access_token: "legacy-token",
            refresh_token: None,
            client_id: "client-id-2",
            client_secret: "secret-2",
            now: 1_222_172_800,
            expires_in: 3_599,
            client_secret_expires_at: 1_229_948_800,
        },
        // Names and values that need JSON escaping; scopes configured but empty (`[]` in the key).
        Case {
            start_url: "https://ünïcödé.example/start?x=\"1\"",
            region: "eu-central-1",
            session_name: Some("équipe 😀"),
            scopes: Some(vec![]),
            access_token: "tok\\en/é",
            refresh_token: Some("r"),
            client_id: "c",
            client_secret: "s\"q",
            now: 1_700_000_000,
            expires_in: 1,
            client_secret_expires_at: 1_700_000_001,
        },
    ]
}

#[test]
fn cache_files_match_the_aws_cli_device_flow() {
    assert!(
        Path::new(DEBIAN_PYTHON).exists(),
        "{DEBIAN_PYTHON} is missing: install Debian's awscli (`apt-get install awscli`), whose \
         SSOTokenFetcher is the referee for the cache files"
    );
    let cases = cases();
    let input: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            serde_json::json!({
                "startUrl": c.start_url, "region": c.region, "sessionName": c.session_name,
                "scopes": c.scopes, "accessToken": c.access_token, "refreshToken": c.refresh_token,
                "clientId": c.client_id, "clientSecret": c.client_secret, "now": c.now,
                "expiresIn": c.expires_in, "clientSecretExpiresAt": c.client_secret_expires_at,
            })
        })
        .collect();
    let mut child = Command::new(DEBIAN_PYTHON)
        .args(["-c", SCRIPT])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run Debian's python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(serde_json::Value::from(input).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().expect("python3 finished");
    assert!(
        output.status.success(),
        "the SSOTokenFetcher referee failed (is Debian's `awscli` installed?):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli: Vec<BTreeMap<String, String>> = serde_json::from_slice(&output.stdout).expect("referee JSON");

    for (case, cli_files) in cases.iter().zip(&cli) {
        let now = UtcTime::from_unix_seconds(case.now);
        let registration = ClientRegistration::device_code(
            case.client_id.into(),
            Secret::new(case.client_secret),
            UtcTime::from_unix_seconds(case.client_secret_expires_at),
            case.scopes.clone(),
        );
        let token = CachedToken {
            start_url: Some(case.start_url.into()),
            region: Some(case.region.into()),
            access_token: Secret::new(case.access_token),
            expires_at: now.plus_seconds(case.expires_in),
            client_id: Some(case.client_id.into()),
            client_secret: Some(Secret::new(case.client_secret)),
            registration_expires_at: Some(registration.expires_at),
            refresh_token: case.refresh_token.map(Secret::new),
        };
        let identity = match case.session_name {
            Some(name) => TokenCacheIdentity::Session(name),
            None => TokenCacheIdentity::LegacyStartUrl(case.start_url),
        };
        let registration_key = RegistrationCacheKeyInput {
            start_url: case.start_url,
            region: case.region,
            scopes: case.scopes.as_deref(),
            session_name: case.session_name,
        }
        .cache_key();
        let ours = BTreeMap::from([
            (format!("{}.json", token_cache_key(identity.identifier())), token.to_cli_json()),
            (format!("{registration_key}.json"), registration.to_cli_json()),
        ]);
        assert_eq!(&ours, cli_files, "cache files for {:?} differ from the AWS CLI's", case.start_url);
        // And we read back exactly what the CLI wrote.
        let token_file = &cli_files[&format!("{}.json", token_cache_key(identity.identifier()))];
        assert_eq!(CachedToken::from_json(token_file).expect("CLI token parses"), token);
        let registration_file = &cli_files[&format!("{registration_key}.json")];
        assert_eq!(
            ClientRegistration::from_json(registration_file).expect("CLI registration parses"),
            registration
        );
    }
}

/// The CLI's role-credential cache (`~/.aws/cli/cache`): `SSOCredentialFetcher` with a stub
/// portal client writes through `JSONFileCache`; file name and bytes must be ours. Debian's CLI
/// 2.9.19 does not store `AccountId` yet (newer CLIs append it last), so that field is left out.
const ROLE_SCRIPT: &str = r#"
import json, os, sys, tempfile
import awscli
from botocore.credentials import SSOCredentialFetcher
from botocore.utils import JSONFileCache

class StubPortal:
    def __init__(self, case):
        self.case = case
    def get_role_credentials(self, **kwargs):
        c = self.case
        return {"roleCredentials": {"accessKeyId": c["accessKeyId"], "secretAccessKey": c["secretAccessKey"],
                                    "sessionToken": c["sessionToken"], "expiration": c["expirationMs"]}}

out = []
for case in json.load(sys.stdin):
    with tempfile.TemporaryDirectory() as tmp:
        fetcher = SSOCredentialFetcher(
            case["startUrl"], "us-east-1", case["roleName"], case["accountId"],
            client_creator=lambda *a, **k: StubPortal(case),
            token_loader=lambda url: {"accessToken": "token"},
            cache=JSONFileCache(tmp), sso_session_name=case["sessionName"])
        fetcher.fetch_credentials()
        files = {}
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name), "rb") as f:
                files[name] = f.read().decode("ascii")
        out.append(files)
print(json.dumps(out))
"#;

#[test]
fn role_credential_cache_matches_the_aws_cli() {
    use sso_bridge::cache::{
        role_credentials_cache_key, AwsCredentials, CachedRoleCredentials, RoleCacheSource,
    };
    assert!(Path::new(DEBIAN_PYTHON).exists(), "{DEBIAN_PYTHON} is missing: install Debian's awscli");
    // (start URL, session, account, role, key id, secret, token, expiration ms); the expiry is far
    // in the future so the fetcher does not consider the fresh credentials expired.
    let cases = [
        (
            "https://d-92671207e4.awsapps.com/start",
            None,
            "1234567890",
            "test-role",
            "ASIA1",
            "s/k+1=",
            "tok1",
            4_102_444_800_123_i64,
        ),
        (
            "https://d-abc123.awsapps.com/start",
            Some("admin"),
            "123456789012",
            "Admin",
            "ASIA2",
            "sé\"cret",
            "tok2",
            4_102_444_801_999,
        ),
    ];
    let input: Vec<serde_json::Value> = cases
        .iter()
        .map(|(url, session, account, role, akid, secret, token, ms)| {
            serde_json::json!({"startUrl": url, "sessionName": session, "accountId": account, "roleName": role,
                "accessKeyId": akid, "secretAccessKey": secret, "sessionToken": token, "expirationMs": ms})
        })
        .collect();
    let mut child = Command::new(DEBIAN_PYTHON)
        .args(["-c", ROLE_SCRIPT])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run Debian's python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(serde_json::Value::from(input).to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().expect("python3 finished");
    assert!(
        output.status.success(),
        "the SSOCredentialFetcher referee failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli: Vec<BTreeMap<String, String>> = serde_json::from_slice(&output.stdout).expect("referee JSON");
    for ((url, session, account, role, akid, secret, token, ms), cli_files) in cases.iter().zip(&cli) {
        let source = match session {
            Some(name) => RoleCacheSource::Session(name),
            None => RoleCacheSource::LegacyStartUrl(url),
        };
        let entry = CachedRoleCredentials::new(AwsCredentials {
            access_key_id: (*akid).into(),
            secret_access_key: Secret::new(*secret),
            session_token: Some(Secret::new(*token)),
            expiration: Some(UtcTime::from_unix_millis(*ms)),
            account_id: None,
        });
        let ours = BTreeMap::from([(
            format!("{}.json", role_credentials_cache_key(account, role, &source)),
            entry.to_cli_json(),
        )]);
        assert_eq!(&ours, cli_files, "role credential cache for {role} differs from the AWS CLI's");
    }
}
