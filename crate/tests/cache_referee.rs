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
