//! SSO portal operations (spec §5): ListAccounts, ListAccountRoles, GetRoleCredentials, Logout.
//!
//! Request builders and response parsers are pure; [`PortalClient`] sends them through the injected
//! transport. Every call carries the access token in `x-amz-sso_bearer_token` (redacted in `Debug`
//! by `crate::http`). The base URL is the resolved `sso` endpoint (default
//! `https://portal.sso.<region>.amazonaws.com`): pass
//! `crate::config::endpoint::resolve_endpoint(SsoService::Portal, …)?.url` to [`PortalClient::new`].
//!
//! These are single calls; following every page, bounded concurrency and 429 backoff are in
//! [`crate::flows::listing`].

use crate::error::{Operation, SsoError};
use crate::http::{HttpRequest, HttpResponse, Method, Transport};
use crate::json::Json;
use crate::oidc::url::{encode_component, join};
use crate::oidc::{checked_base_url, send, success_json, Fields};
use crate::secret::Secret;
use crate::time::UtcTime;
use serde::{Deserialize, Serialize};

/// The header that carries the SSO access token.
pub const BEARER_HEADER: &str = "x-amz-sso_bearer_token";
/// The largest page the portal accepts (`max_result` 1..100).
pub const MAX_PAGE_SIZE: u32 = 100;

/// One account the user can access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// The 12-digit AWS account ID.
    pub account_id: String,
    /// The account's display name, when the portal gives one.
    pub account_name: Option<String>,
    /// The account's root email address, when the portal gives one.
    pub email_address: Option<String>,
}

/// One role the user can assume in an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleInfo {
    /// The permission set's role name (what `sso_role_name` names).
    pub role_name: String,
    /// The account the role is in.
    pub account_id: String,
}

/// One page of a list call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// This page's items, in the service's order.
    pub items: Vec<T>,
    /// Present when there are more pages.
    pub next_token: Option<String>,
}

/// Temporary credentials of a role (GetRoleCredentials).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleCredentials {
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: Secret,
    /// `AWS_SESSION_TOKEN`.
    pub session_token: Secret,
    /// From the portal's epoch **milliseconds**, truncated to seconds like the CLI.
    pub expiration: UtcTime,
}

impl RoleCredentials {
    /// As the credentials type the cache and export formats use.
    pub fn into_aws_credentials(self, account_id: &str) -> crate::cache::AwsCredentials {
        crate::cache::AwsCredentials {
            access_key_id: self.access_key_id,
            secret_access_key: self.secret_access_key,
            session_token: Some(self.session_token),
            expiration: Some(self.expiration),
            account_id: Some(account_id.to_owned()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request builders

fn query(path: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut url = path.to_owned();
    let mut separator = '?';
    for (key, value) in params {
        if let Some(value) = value {
            url.push(separator);
            url.push_str(key);
            url.push('=');
            url.push_str(&encode_component(value));
            separator = '&';
        }
    }
    url
}

fn bearer_get(base_url: &str, path_and_query: &str, access_token: &Secret) -> HttpRequest {
    HttpRequest::new(Method::Get, join(base_url, path_and_query))
        .with_header(BEARER_HEADER, access_token.expose())
}

/// `GET /assignment/accounts?next_token=&max_result=`.
pub fn list_accounts_request(
    base_url: &str,
    access_token: &Secret,
    next_token: Option<&str>,
    max_results: Option<u32>,
) -> HttpRequest {
    let max = max_results.map(|m| m.clamp(1, MAX_PAGE_SIZE).to_string());
    let path = query("/assignment/accounts", &[("next_token", next_token), ("max_result", max.as_deref())]);
    bearer_get(base_url, &path, access_token)
}

/// `GET /assignment/roles?next_token=&max_result=&account_id=`.
pub fn list_account_roles_request(
    base_url: &str,
    access_token: &Secret,
    account_id: &str,
    next_token: Option<&str>,
    max_results: Option<u32>,
) -> HttpRequest {
    let max = max_results.map(|m| m.clamp(1, MAX_PAGE_SIZE).to_string());
    let path = query(
        "/assignment/roles",
        &[("next_token", next_token), ("max_result", max.as_deref()), ("account_id", Some(account_id))],
    );
    bearer_get(base_url, &path, access_token)
}

/// `GET /federation/credentials?role_name=&account_id=`.
pub fn get_role_credentials_request(
    base_url: &str,
    access_token: &Secret,
    account_id: &str,
    role_name: &str,
) -> HttpRequest {
    let path =
        query("/federation/credentials", &[("role_name", Some(role_name)), ("account_id", Some(account_id))]);
    bearer_get(base_url, &path, access_token)
}

/// `POST /logout` with an empty body.
pub fn logout_request(base_url: &str, access_token: &Secret) -> HttpRequest {
    HttpRequest::new(Method::Post, join(base_url, "/logout"))
        .with_header(BEARER_HEADER, access_token.expose())
}

// ---------------------------------------------------------------------------------------------
// Response parsers

fn next_token(f: &Fields<'_>) -> Result<Option<String>, SsoError> {
    Ok(f.opt_str("nextToken")?.filter(|t| !t.is_empty()))
}

fn item_fields<'a>(operation: Operation, list: &str, value: &'a Json) -> Result<Fields<'a>, SsoError> {
    match value {
        Json::Object(_) => Ok(Fields::new(operation, value)),
        _ => Err(SsoError::malformed(operation, format!("an entry of `{list}` is not an object"))),
    }
}

/// Reads a list page: every entry of `list` (each must be an object) goes to `read_item`, in order;
/// returns the page's `nextToken`. Not generic, so accounts and roles share one copy.
fn parse_page(
    operation: Operation,
    response: &HttpResponse,
    list: &str,
    read_item: &mut dyn FnMut(Fields<'_>) -> Result<(), SsoError>,
) -> Result<Option<String>, SsoError> {
    let map = success_json(operation, response)?;
    let f = Fields::new(operation, &map);
    for item in f.array(list)? {
        read_item(item_fields(operation, list, item)?)?;
    }
    next_token(&f)
}

/// ListAccounts response.
pub fn parse_list_accounts(response: &HttpResponse) -> Result<Page<AccountInfo>, SsoError> {
    let mut items = Vec::new();
    let next_token = parse_page(Operation::ListAccounts, response, "accountList", &mut |a| {
        items.push(AccountInfo {
            account_id: a.str("accountId")?,
            account_name: a.opt_str("accountName")?,
            email_address: a.opt_str("emailAddress")?,
        });
        Ok(())
    })?;
    Ok(Page { items, next_token })
}

/// ListAccountRoles response.
pub fn parse_list_account_roles(response: &HttpResponse) -> Result<Page<RoleInfo>, SsoError> {
    let mut items = Vec::new();
    let next_token = parse_page(Operation::ListAccountRoles, response, "roleList", &mut |r| {
        items.push(RoleInfo { role_name: r.str("roleName")?, account_id: r.str("accountId")? });
        Ok(())
    })?;
    Ok(Page { items, next_token })
}

/// GetRoleCredentials response.
pub fn parse_get_role_credentials(response: &HttpResponse) -> Result<RoleCredentials, SsoError> {
    let op = Operation::GetRoleCredentials;
    let map = success_json(op, response)?;
    let f = Fields::new(op, &map);
    let c = f.object("roleCredentials")?;
    Ok(RoleCredentials {
        access_key_id: c.str("accessKeyId")?,
        secret_access_key: Secret::new(c.str("secretAccessKey")?),
        session_token: Secret::new(c.str("sessionToken")?),
        expiration: UtcTime::from_unix_millis(c.i64("expiration")?),
    })
}

/// Logout response (empty on success).
pub fn parse_logout(response: &HttpResponse) -> Result<(), SsoError> {
    if response.is_success() {
        Ok(())
    } else {
        Err(SsoError::from_response(Operation::Logout, response))
    }
}

// ---------------------------------------------------------------------------------------------
// Client

/// The SSO portal at one base URL, over an injected transport.
#[derive(Clone, Debug)]
pub struct PortalClient<T> {
    base_url: String,
    transport: T,
}

impl<T: Transport> PortalClient<T> {
    /// `base_url`: the resolved `sso` endpoint, e.g. `https://portal.sso.us-east-1.amazonaws.com`.
    pub fn new(base_url: &str, transport: T) -> Result<Self, SsoError> {
        Ok(PortalClient { base_url: checked_base_url(base_url, "SSO portal")?, transport })
    }

    /// The endpoint this client calls.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// One page of ListAccounts (`next_token` from the previous page; `max_results` up to
    /// [`MAX_PAGE_SIZE`]). [`crate::flows::listing`] reads every page, with retries.
    pub async fn list_accounts_page(
        &self,
        access_token: &Secret,
        next_token: Option<&str>,
        max_results: Option<u32>,
    ) -> Result<Page<AccountInfo>, SsoError> {
        let request = list_accounts_request(&self.base_url, access_token, next_token, max_results);
        parse_list_accounts(&send(&self.transport, Operation::ListAccounts, request).await?)
    }

    /// One page of ListAccountRoles for `account_id` (paging as in [`Self::list_accounts_page`]).
    pub async fn list_account_roles_page(
        &self,
        access_token: &Secret,
        account_id: &str,
        next_token: Option<&str>,
        max_results: Option<u32>,
    ) -> Result<Page<RoleInfo>, SsoError> {
        let request =
            list_account_roles_request(&self.base_url, access_token, account_id, next_token, max_results);
        parse_list_account_roles(&send(&self.transport, Operation::ListAccountRoles, request).await?)
    }

    /// GetRoleCredentials: temporary credentials of `role_name` in `account_id`.
    pub async fn get_role_credentials(
        &self,
        access_token: &Secret,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, SsoError> {
        let request = get_role_credentials_request(&self.base_url, access_token, account_id, role_name);
        parse_get_role_credentials(&send(&self.transport, Operation::GetRoleCredentials, request).await?)
    }

    /// Sends one request built by this module's builders; an error answer (non-2xx) becomes the
    /// same [`SsoError`] the parsers make of it. The flows retry this and read the answer after.
    pub(crate) async fn call(
        &self,
        operation: Operation,
        request: HttpRequest,
    ) -> Result<HttpResponse, SsoError> {
        let response = send(&self.transport, operation, request).await?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(SsoError::from_response(operation, &response))
        }
    }

    /// Ends the SSO session on the server side (the token stops working everywhere).
    pub async fn logout(&self, access_token: &Secret) -> Result<(), SsoError> {
        let request = logout_request(&self.base_url, access_token);
        parse_logout(&send(&self.transport, Operation::Logout, request).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://portal.sso.us-east-1.amazonaws.com";

    #[test]
    fn requests_match_the_model() {
        let token = Secret::new("secret-access-token");
        let creds = get_role_credentials_request(BASE, &token, "012345678901", "SampleRole");
        assert_eq!(creds.method, Method::Get);
        assert_eq!(
            creds.url,
            "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=SampleRole&account_id=012345678901"
        );
        assert_eq!(creds.header(BEARER_HEADER), Some("secret-access-token"));
        assert!(creds.body.is_empty());
        assert!(!format!("{creds:?}").contains("secret-access-token"));

        let first = list_accounts_request(BASE, &token, None, Some(100));
        assert_eq!(first.url, format!("{BASE}/assignment/accounts?max_result=100"));
        let next = list_accounts_request(BASE, &token, Some("a/b+c="), None);
        assert_eq!(next.url, format!("{BASE}/assignment/accounts?next_token=a%2Fb%2Bc%3D"));
        let roles = list_account_roles_request(BASE, &token, "111122223333", Some("t"), Some(500));
        assert_eq!(
            roles.url,
            format!("{BASE}/assignment/roles?next_token=t&max_result=100&account_id=111122223333")
        );
        let logout = logout_request("http://127.0.0.1:9/prefix/", &token);
        assert_eq!((logout.method, logout.url.as_str()), (Method::Post, "http://127.0.0.1:9/prefix/logout"));
    }

    #[test]
    fn parses_pages_and_credentials() {
        let accounts = parse_list_accounts(&HttpResponse::new(200).with_body(
            r#"{"nextToken":"n1","accountList":[{"accountId":"111122223333","accountName":"dev","emailAddress":"d@x"},{"accountId":"444455556666"}]}"#,
        ))
        .unwrap();
        assert_eq!(accounts.items.len(), 2);
        assert_eq!(accounts.items[1].account_name, None);
        assert_eq!(accounts.next_token.as_deref(), Some("n1"));
        let last =
            parse_list_accounts(&HttpResponse::new(200).with_body(r#"{"accountList":[],"nextToken":null}"#))
                .unwrap();
        assert_eq!(last, Page { items: vec![], next_token: None });

        let roles = parse_list_account_roles(
            &HttpResponse::new(200)
                .with_body(r#"{"roleList":[{"roleName":"Admin","accountId":"111122223333"}]}"#),
        )
        .unwrap();
        assert_eq!(roles.items[0].role_name, "Admin");

        // Rust SDK fixture (spec §5).
        let creds = parse_get_role_credentials(&HttpResponse::new(200).with_body(
            r#"{"roleCredentials":{"accessKeyId":"ASIARTESTID","secretAccessKey":"TESTSECRETKEY","sessionToken":"TESTSESSIONTOKEN","expiration": 1651516560000}}"#,
        ))
        .unwrap();
        assert_eq!(creds.access_key_id, "ASIARTESTID");
        assert_eq!(creds.expiration.unix_seconds(), 1_651_516_560);
        let shown = format!("{creds:?}");
        assert!(!shown.contains("TESTSECRETKEY") && !shown.contains("TESTSESSIONTOKEN"), "{shown}");
    }

    #[test]
    fn errors_and_malformed_bodies() {
        let unauthorized = HttpResponse::new(401)
            .with_header("x-amzn-ErrorType", "UnauthorizedException")
            .with_body(r#"{"message":"Session token not found or invalid"}"#);
        let err = parse_get_role_credentials(&unauthorized).unwrap_err();
        assert_eq!(err.code(), "unauthorized");
        assert!(err.to_string().contains("Session token not found or invalid"));
        assert_eq!(parse_logout(&unauthorized).unwrap_err().operation(), Operation::Logout);
        assert!(parse_logout(&HttpResponse::new(200)).is_ok());

        let throttled = HttpResponse::new(429).with_header("x-amzn-ErrorType", "TooManyRequestsException");
        assert_eq!(parse_list_accounts(&throttled).unwrap_err().code(), "too_many_requests");

        for body in
            [r#"{"accountList":[1]}"#, r#"{"accountList":{}}"#, r#"{"accountList":[{"accountName":"x"}]}"#]
        {
            let err = parse_list_accounts(&HttpResponse::new(200).with_body(body)).unwrap_err();
            assert_eq!(err.code(), "malformed_response", "{body}");
        }
        let err = parse_get_role_credentials(&HttpResponse::new(200).with_body(
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"SEKRIT","sessionToken":"T"}}"#,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("expiration") && !err.to_string().contains("SEKRIT"));
    }

    /// Every parser, fed every prefix and single-byte corruption of a valid body under several
    /// statuses, returns a value or a typed error: never a panic (a panic would kill the wasm module).
    #[test]
    fn parsers_never_panic_on_damaged_input() {
        use crate::oidc::{parse_create_token, parse_register_client, parse_start_device_authorization};
        let bodies = [
            r#"{"clientId":"c","clientSecret":"s","clientIdIssuedAt":1,"clientSecretExpiresAt":1722513600}"#,
            r#"{"deviceCode":"d","userCode":"U","verificationUri":"https://v","expiresIn":600,"interval":1}"#,
            r#"{"accessToken":"a","expiresIn":28800,"refreshToken":"r","idToken":"i"}"#,
            r#"{"accountList":[{"accountId":"1","accountName":"n","emailAddress":"e"}],"nextToken":"t"}"#,
            r#"{"roleList":[{"roleName":"r","accountId":"1"}]}"#,
            r#"{"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1651516560000}}"#,
            r#"{"__type":"x#FooException:y","message":"m"}"#,
        ];
        let replacements = [b'"', b'{', b'}', b'[', b'1', b'-', b':', 0xff, b'\\', b'e'];
        let mut checked = 0;
        for body in bodies {
            let bytes = body.as_bytes();
            let mut variants: Vec<Vec<u8>> = (0..=bytes.len()).map(|n| bytes[..n].to_vec()).collect();
            for i in 0..bytes.len() {
                for r in replacements {
                    let mut v = bytes.to_vec();
                    v[i] = r;
                    variants.push(v);
                }
            }
            for variant in variants {
                for status in [200, 400, 401, 429, 500] {
                    let resp = HttpResponse::new(status)
                        .with_header("x-amzn-ErrorType", ":#:")
                        .with_body(variant.clone());
                    let _ = parse_register_client(&resp);
                    let _ = parse_start_device_authorization(&resp);
                    let _ = parse_create_token(&resp);
                    let _ = parse_list_accounts(&resp);
                    let _ = parse_list_account_roles(&resp);
                    let _ = parse_get_role_credentials(&resp);
                    let _ = parse_logout(&resp);
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }
}
