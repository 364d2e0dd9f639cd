//! AWS console sign-in from role credentials: the federation endpoint of AWS sign-in (IAM User
//! Guide, "Enable custom identity broker access to the AWS console").
//!
//! 1. `GET https://<sign-in host>/federation?Action=getSigninToken&Session=<json>` with the role
//!    credentials as `{"sessionId","sessionKey","sessionToken"}` answers `{"SigninToken": "…"}`.
//!    Like Granted (`assume -c`) and aws-vault (`login`) with SSO role credentials, we send no
//!    `SessionDuration`: AWS refuses it for role session credentials (the console session lasts as
//!    long as the credentials do).
//! 2. The browser opens `…/federation?Action=login&Issuer=…&Destination=…&SigninToken=…`. Only the
//!    single-use token is in that URL, never the credentials.
//!
//! Sign-in hosts per partition: `signin.aws.amazon.com`, `signin.amazonaws-us-gov.com`,
//! `signin.amazonaws.cn` (the same table as aws-vault and Granted). Requests go through the injected
//! transport like the OIDC and portal calls; nothing here does I/O.

use crate::cache::AwsCredentials;
use crate::http::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use crate::json::{Json, ObjectWriter};
use crate::oidc::url::encode_component;
use crate::secret::Secret;
use std::fmt;

/// Where a console sign-in goes, per partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsoleHosts {
    /// The partition's name: `aws`, `aws-us-gov` or `aws-cn`.
    pub partition: &'static str,
    /// The host of AWS sign-in's `/federation` endpoint.
    pub signin: &'static str,
    /// The console's global host (regional consoles prefix it with `<region>.` in `aws`).
    pub console: &'static str,
}

const AWS: ConsoleHosts =
    ConsoleHosts { partition: "aws", signin: "signin.aws.amazon.com", console: "console.aws.amazon.com" };
const AWS_US_GOV: ConsoleHosts = ConsoleHosts {
    partition: "aws-us-gov",
    signin: "signin.amazonaws-us-gov.com",
    console: "console.amazonaws-us-gov.com",
};
const AWS_CN: ConsoleHosts =
    ConsoleHosts { partition: "aws-cn", signin: "signin.amazonaws.cn", console: "console.amazonaws.cn" };

/// The issuer shown by AWS when the console session ends (the link back to the tool).
pub const DEFAULT_ISSUER: &str = "sso-bridge";

/// The sign-in and console hosts for a region's partition; `None` for partitions without a public
/// console federation endpoint (the ISO partitions).
pub fn hosts_for_region(region: &str) -> Option<ConsoleHosts> {
    match crate::config::endpoint::partition_of(region).name {
        "aws" => Some(AWS),
        "aws-us-gov" => Some(AWS_US_GOV),
        "aws-cn" => Some(AWS_CN),
        _ => None,
    }
}

/// Why a console sign-in URL could not be made. Messages never contain credentials or tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsoleError {
    /// The region is in a partition whose console has no federation sign-in we know of.
    UnsupportedPartition {
        /// The region as given (from the profile or the caller).
        region: String,
    },
    /// Long-term keys (no session token) cannot sign in to the console without GetFederationToken.
    NotSessionCredentials,
    /// The destination is not an https URL or a console path.
    InvalidDestination {
        /// The destination as requested, trimmed; it holds no secret, so the message quotes it.
        destination: String,
    },
    /// The sign-in endpoint answered with an error status.
    Refused {
        /// The HTTP status: 4xx when the credentials were refused, 5xx when the service failed
        /// (the only retryable case).
        status: u16,
        /// The first line of a plain-text answer, shortened; empty when AWS sent an HTML page,
        /// non-UTF-8 or nothing.
        message: String,
    },
    /// The sign-in endpoint answered 200 with something other than `{"SigninToken": "…"}`.
    Malformed {
        /// What was wrong with the answer (never any of its content, which may hold the token).
        detail: &'static str,
    },
    /// No HTTP answer at all.
    Transport(TransportError),
}

impl fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsoleError::UnsupportedPartition { region } => write!(
                f,
                "region {region} is in a partition without console federation sign-in (supported: aws, \
                 aws-us-gov, aws-cn)"
            ),
            ConsoleError::NotSessionCredentials => f.write_str(
                "console sign-in needs temporary role credentials (with a session token); long-term access \
                 keys cannot be exchanged for a sign-in token",
            ),
            // `Quoted` writes what `{:?}` would, without pulling `str`'s Debug into the wasm module.
            ConsoleError::InvalidDestination { destination } => write!(
                f,
                "the console destination {} is neither an https:// URL nor a console path starting with /",
                crate::text::Quoted(destination)
            ),
            ConsoleError::Refused { status, message } if message.is_empty() => {
                write!(f, "AWS sign-in refused the role credentials (HTTP {status})")
            }
            ConsoleError::Refused { status, message } => {
                write!(f, "AWS sign-in refused the role credentials (HTTP {status}): {message}")
            }
            ConsoleError::Malformed { detail } => write!(f, "AWS sign-in answered unexpectedly: {detail}"),
            ConsoleError::Transport(error) => write!(f, "AWS sign-in could not be reached: {error}"),
        }
    }
}

impl std::error::Error for ConsoleError {}

impl ConsoleError {
    /// A stable snake_case code for callers that branch on the kind of failure (the extension's
    /// popup, the package's `SsoBridgeError.code`).
    pub fn code(&self) -> &'static str {
        match self {
            ConsoleError::UnsupportedPartition { .. } => "unsupported_partition",
            ConsoleError::NotSessionCredentials => "not_session_credentials",
            ConsoleError::InvalidDestination { .. } => "invalid_destination",
            ConsoleError::Refused { .. } => "signin_refused",
            ConsoleError::Malformed { .. } => "signin_malformed",
            ConsoleError::Transport(error) if error.kind == crate::http::TransportErrorKind::Cancelled => {
                "cancelled"
            }
            ConsoleError::Transport(_) => "network",
        }
    }

    /// Whether the same sign-in can succeed if tried again (a network failure, or the sign-in
    /// service failing on its side); a refusal of the credentials or a bad destination cannot.
    pub fn retryable(&self) -> bool {
        match self {
            ConsoleError::Refused { status, .. } => *status >= 500,
            ConsoleError::Transport(error) => error.kind != crate::http::TransportErrorKind::Cancelled,
            _ => false,
        }
    }
}

/// Where one console sign-in goes, decided before any request is made: the federation endpoint to
/// exchange the credentials at, and the console URL the login lands on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleTarget {
    /// The `https://…/federation` endpoint (see [`federation_url`]), without a query.
    pub federation: String,
    /// The console URL the login lands on (see [`destination_url`]).
    pub destination: String,
}

/// The federation endpoint and destination for `region` (see [`federation_url`] and
/// [`destination_url`]). Checked together and first, so a bad destination or an unsupported
/// partition fails before any role credentials are fetched.
pub fn console_target(
    region: &str,
    destination: Option<&str>,
    federation_override: Option<&str>,
) -> Result<ConsoleTarget, ConsoleError> {
    let federation_override = federation_override.map(str::trim).filter(|base| !base.is_empty());
    Ok(ConsoleTarget {
        destination: destination_url(destination, region)?,
        federation: federation_url(region, federation_override)?,
    })
}

/// The federation endpoint URL: `https://<sign-in host>/federation`, or `<override>/federation`
/// when an endpoint override is configured (tests and the emulator).
pub fn federation_url(region: &str, endpoint_override: Option<&str>) -> Result<String, ConsoleError> {
    if let Some(base) = endpoint_override {
        return Ok(crate::oidc::url::join(base, "/federation"));
    }
    let hosts = hosts_for_region(region)
        .ok_or_else(|| ConsoleError::UnsupportedPartition { region: region.into() })?;
    Ok(format!("https://{}/federation", hosts.signin))
}

/// The console URL to land on. `requested` is an `https://` URL (used as is), a console path such
/// as `/ec2/home` (on the partition's console host), or `None` for the console home. With a region,
/// the URL opens in that region (`<region>.console.aws.amazon.com` and `?region=`), unless the
/// requested URL already names one.
pub fn destination_url(requested: Option<&str>, region: &str) -> Result<String, ConsoleError> {
    let hosts = hosts_for_region(region)
        .ok_or_else(|| ConsoleError::UnsupportedPartition { region: region.into() })?;
    let requested = requested.map_or("", str::trim);
    let invalid = || ConsoleError::InvalidDestination { destination: requested.into() };
    if requested.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid());
    }
    if let Some(rest) = requested.strip_prefix("https://") {
        return if rest.is_empty() { Err(invalid()) } else { Ok(requested.into()) };
    }
    let path = match requested {
        "" => "/console/home",
        path if path.starts_with('/') && !path.starts_with("//") => path,
        _ => return Err(invalid()),
    };
    // Built by pushes rather than `format!`: this runs in the wasm module, where each format costs.
    let mut url = String::from("https://");
    // Regional console hosts exist in the aws partition; the others use the global host.
    if hosts.partition == "aws" {
        url.push_str(region);
        url.push('.');
    }
    url.push_str(hosts.console);
    let (path, fragment) = path.split_once('#').map_or((path, None), |(p, f)| (p, Some(f)));
    url.push_str(path);
    let query = path.split_once('?').map(|(_, q)| q);
    if !query.is_some_and(|q| q.split('&').any(|kv| kv.starts_with("region="))) {
        url.push(if query.is_some() { '&' } else { '?' });
        url.push_str("region=");
        url.push_str(&encode_component(region));
    }
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    Ok(url)
}

/// `GET …/federation?Action=getSigninToken&Session=…`. The request carries the credentials in its
/// URL (AWS defines it so); `HttpRequest`'s `Debug` leaves the query out, and
/// [`signin_token_request_debug`] describes it for a log.
pub fn signin_token_request(
    federation_url: &str,
    credentials: &AwsCredentials,
) -> Result<HttpRequest, ConsoleError> {
    let session_token = credentials.session_token.as_ref().ok_or(ConsoleError::NotSessionCredentials)?;
    let session = ObjectWriter::new()
        .str("sessionId", &credentials.access_key_id)
        .str("sessionKey", credentials.secret_access_key.expose())
        .str("sessionToken", session_token.expose())
        .finish();
    let mut url = String::from(federation_url);
    url.push_str("?Action=getSigninToken&Session=");
    url.push_str(&encode_component(&session));
    Ok(HttpRequest::new(Method::Get, url))
}

/// What may be shown about a getSigninToken request (its URL holds the credentials).
pub fn signin_token_request_debug(federation_url: &str) -> String {
    format!("GET {federation_url}?Action=getSigninToken&Session=** redacted **")
}

/// Reads `{"SigninToken": "…"}` strictly: a 200 with exactly a non-empty string token.
pub fn parse_signin_token(response: &HttpResponse) -> Result<Secret, ConsoleError> {
    if !response.is_success() {
        // Not UTF-8: no message (a lossy decoder costs the wasm module more than it would show).
        let text = std::str::from_utf8(&response.body).unwrap_or("");
        // AWS answers errors as short text or an HTML page: keep a short plain line, nothing more.
        let message = if text.trim_start().starts_with('<') {
            String::new()
        } else {
            text.lines().next().unwrap_or("").chars().take(200).collect::<String>().trim().to_string()
        };
        return Err(ConsoleError::Refused { status: response.status, message });
    }
    let json = Json::parse_bytes(&response.body)
        .map_err(|_| ConsoleError::Malformed { detail: "the body is not JSON" })?;
    let members =
        json.as_object().ok_or(ConsoleError::Malformed { detail: "the body is not a JSON object" })?;
    let token = crate::json::member(members, "SigninToken")
        .ok_or(ConsoleError::Malformed { detail: "SigninToken is missing" })?
        .as_str()
        .ok_or(ConsoleError::Malformed { detail: "SigninToken is not a string" })?;
    if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ConsoleError::Malformed { detail: "SigninToken is empty or not a token" });
    }
    Ok(Secret::new(token))
}

/// `…/federation?Action=login&Issuer=…&Destination=…&SigninToken=…`: the URL to open. It holds
/// the single-use token, so it is a [`Secret`] until it is handed to the browser.
pub fn login_url(federation_url: &str, issuer: &str, destination: &str, token: &Secret) -> Secret {
    Secret::new(format!(
        "{federation_url}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode_component(issuer),
        encode_component(destination),
        encode_component(token.expose())
    ))
}

/// Both steps: credentials → sign-in token → login URL.
pub async fn console_signin_url<T: Transport>(
    transport: &T,
    federation_url: &str,
    credentials: &AwsCredentials,
    issuer: &str,
    destination: &str,
) -> Result<Secret, ConsoleError> {
    let request = signin_token_request(federation_url, credentials)?;
    let response = transport.send(request).await.map_err(ConsoleError::Transport)?;
    let token = parse_signin_token(&response)?;
    Ok(login_url(federation_url, issuer, destination, &token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn credentials() -> AwsCredentials {
        AwsCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG"),
            session_token: Some(Secret::new("IQoJb3JpZ2luX2Vj+token/=")),
            expiration: None,
            account_id: Some("111122223333".into()),
        }
    }

    #[test]
    fn signin_hosts_per_partition() {
        assert_eq!(federation_url("eu-west-1", None).unwrap(), "https://signin.aws.amazon.com/federation");
        assert_eq!(
            federation_url("us-gov-west-1", None).unwrap(),
            "https://signin.amazonaws-us-gov.com/federation"
        );
        assert_eq!(federation_url("cn-north-1", None).unwrap(), "https://signin.amazonaws.cn/federation");
        assert!(matches!(
            federation_url("us-iso-east-1", None),
            Err(ConsoleError::UnsupportedPartition { .. })
        ));
        assert_eq!(
            federation_url("us-east-1", Some("http://127.0.0.1:5/")).unwrap(),
            "http://127.0.0.1:5/federation"
        );
    }

    #[test]
    fn destinations_per_partition_and_region() {
        assert_eq!(
            destination_url(None, "eu-west-1").unwrap(),
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            destination_url(Some("/ec2/home#Instances"), "us-east-1").unwrap(),
            "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#Instances"
        );
        assert_eq!(
            destination_url(Some("/s3/home?region=eu-central-1"), "us-east-1").unwrap(),
            "https://us-east-1.console.aws.amazon.com/s3/home?region=eu-central-1"
        );
        assert_eq!(
            destination_url(None, "us-gov-west-1").unwrap(),
            "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"
        );
        assert_eq!(
            destination_url(None, "cn-northwest-1").unwrap(),
            "https://console.amazonaws.cn/console/home?region=cn-northwest-1"
        );
        assert_eq!(
            destination_url(Some("https://example.awsapps.com/x"), "us-east-1").unwrap(),
            "https://example.awsapps.com/x"
        );
        for bad in ["http://console.aws.amazon.com/", "ec2", "//evil.example/", "https://", "/a b"] {
            assert!(
                matches!(
                    destination_url(Some(bad), "us-east-1"),
                    Err(ConsoleError::InvalidDestination { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_target_checks_destination_and_partition_before_any_request() {
        assert_eq!(
            console_target("eu-west-1", Some("/ec2/home"), None).unwrap(),
            ConsoleTarget {
                federation: "https://signin.aws.amazon.com/federation".into(),
                destination: "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1".into(),
            }
        );
        // The emulator (a Settings endpoint override) serves /federation on its one base URL; the
        // destination is still the region's console, which the emulator's page reports.
        assert_eq!(
            console_target("us-gov-west-1", None, Some("http://127.0.0.1:4566")).unwrap(),
            ConsoleTarget {
                federation: "http://127.0.0.1:4566/federation".into(),
                destination: "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1".into(),
            }
        );
        // An empty override is no override.
        assert_eq!(
            console_target("cn-north-1", Some(" "), Some("  ")).unwrap().federation,
            "https://signin.amazonaws.cn/federation"
        );
        let bad = console_target("us-east-1", Some("ec2"), None).unwrap_err();
        assert_eq!((bad.code(), bad.retryable()), ("invalid_destination", false));
        let iso = console_target("us-iso-east-1", None, Some("http://127.0.0.1:1")).unwrap_err();
        assert_eq!(iso.code(), "unsupported_partition");
    }

    #[test]
    fn error_codes_say_what_a_retry_can_fix() {
        use crate::http::TransportErrorKind;
        let cases = [
            (ConsoleError::Refused { status: 400, message: String::new() }, "signin_refused", false),
            (ConsoleError::Refused { status: 503, message: String::new() }, "signin_refused", true),
            (ConsoleError::Malformed { detail: "x" }, "signin_malformed", false),
            (ConsoleError::NotSessionCredentials, "not_session_credentials", false),
            (
                ConsoleError::Transport(TransportError::new(TransportErrorKind::Connect, "offline")),
                "network",
                true,
            ),
            (
                ConsoleError::Transport(TransportError::new(TransportErrorKind::Cancelled, "aborted")),
                "cancelled",
                false,
            ),
        ];
        for (error, code, retryable) in cases {
            assert_eq!((error.code(), error.retryable()), (code, retryable), "{error:?}");
        }
    }

    #[test]
    fn the_request_sends_the_session_json_and_no_session_duration() {
        let request =
            signin_token_request("https://signin.aws.amazon.com/federation", &credentials()).unwrap();
        assert_eq!(request.method, Method::Get);
        let (base, query) = request.url.split_once('?').unwrap();
        assert_eq!(base, "https://signin.aws.amazon.com/federation");
        assert!(!query.contains("SessionDuration"));
        let session = query.strip_prefix("Action=getSigninToken&Session=").unwrap();
        let decoded = percent_decode(session);
        assert_eq!(
            decoded,
            r#"{"sessionId":"ASIAEXAMPLE","sessionKey":"wJalrXUtnFEMI/K7MDENG","sessionToken":"IQoJb3JpZ2luX2Vj+token/="}"#
        );
        let mut long_term = credentials();
        long_term.session_token = None;
        assert_eq!(
            signin_token_request("https://x/federation", &long_term).unwrap_err(),
            ConsoleError::NotSessionCredentials
        );
        assert!(!signin_token_request_debug("https://x/federation").contains("wJalr"));
        let request = signin_token_request("https://x/federation", &credentials()).unwrap();
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("wJalr") && !shown.contains("IQoJb3") && !shown.contains("ASIAEXAMPLE"),
            "{shown}"
        );
        assert!(shown.contains("https://x/federation?…"), "{shown}");
    }

    fn percent_decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn parses_the_token_strictly() {
        let ok = HttpResponse::new(200).with_body(r#"{"SigninToken":"abc-DEF_123"}"#);
        assert_eq!(parse_signin_token(&ok).unwrap().expose(), "abc-DEF_123");
        for (body, detail) in [
            ("not json", "the body is not JSON"),
            ("[]", "the body is not a JSON object"),
            ("{}", "SigninToken is missing"),
            (r#"{"SigninToken":5}"#, "SigninToken is not a string"),
            (r#"{"SigninToken":""}"#, "SigninToken is empty or not a token"),
        ] {
            let response = HttpResponse::new(200).with_body(body);
            assert_eq!(
                parse_signin_token(&response).unwrap_err(),
                ConsoleError::Malformed { detail },
                "{body}"
            );
        }
        let refused =
            HttpResponse::new(400).with_body("The security token included in the request is expired\n");
        assert_eq!(
            parse_signin_token(&refused).unwrap_err().to_string(),
            "AWS sign-in refused the role credentials (HTTP 400): The security token included in the request is expired"
        );
        let html = HttpResponse::new(400).with_body("<html><body>Bad</body></html>");
        assert_eq!(
            parse_signin_token(&html).unwrap_err().to_string(),
            "AWS sign-in refused the role credentials (HTTP 400)"
        );
    }

    struct Recording {
        sent: RefCell<Vec<HttpRequest>>,
        answer: HttpResponse,
    }

    impl Transport for Recording {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.sent.borrow_mut().push(request);
            Ok(self.answer.clone())
        }
    }

    #[test]
    fn the_login_url_holds_only_the_token_and_is_redacted_in_debug() {
        let transport = Recording {
            sent: RefCell::default(),
            answer: HttpResponse::new(200).with_body(r#"{"SigninToken":"tok/en+1"}"#),
        };
        let url = pollster::block_on(console_signin_url(
            &transport,
            "https://signin.aws.amazon.com/federation",
            &credentials(),
            DEFAULT_ISSUER,
            "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1",
        ))
        .unwrap();
        assert_eq!(
            url.expose(),
            "https://signin.aws.amazon.com/federation?Action=login&Issuer=sso-bridge&Destination=\
https%3A%2F%2Fus-east-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dus-east-1&SigninToken=tok%2Fen%2B1"
        );
        for secret in ["ASIAEXAMPLE", "wJalrXUtnFEMI", "IQoJb3JpZ2luX2Vj"] {
            assert!(!url.expose().contains(secret), "{secret}");
        }
        assert!(!format!("{url:?}").contains("tok"));
        assert_eq!(transport.sent.borrow().len(), 1);
    }
}
