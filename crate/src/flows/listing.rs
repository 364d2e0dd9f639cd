//! Portal flows: every account, every role of every account (all pages, bounded concurrency, 429
//! backoff), role credentials, and logout.
//!
//! Concurrency is cooperative (the flows module polls the in-flight futures itself): real in the browser, where `fetch`
//! is asynchronous; with a blocking native transport the calls simply run one after another.

use super::retry::{with_retry, RetryPolicy};
use super::{try_join_bounded, Cancellation};
use crate::cache::{AwsCredentials, CachedToken};
use crate::error::{ErrorKind, Operation, SsoError};
use crate::http::{Clock, HttpRequest, HttpResponse, Random, Sleep, Transport};
use crate::portal::{
    get_role_credentials_request, list_account_roles_request, list_accounts_request,
    parse_get_role_credentials, parse_list_account_roles, parse_list_accounts, AccountInfo, PortalClient,
    RoleInfo, MAX_PAGE_SIZE,
};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// Role listings in flight at once: enough to list a few hundred accounts quickly, few enough not
/// to trigger the portal's throttling by ourselves.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// A server that never stops paging is cut off here (100 000 entries at the maximum page size).
pub const MAX_PAGES: usize = 1000;

/// How to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListOptions {
    /// `max_result` per page (1..=100).
    pub page_size: u32,
    /// Role listings in flight at once (at least 1).
    pub concurrency: usize,
    /// Retries of throttled and failed pages (botocore's standard policy by default).
    pub retry: RetryPolicy,
}

impl Default for ListOptions {
    fn default() -> Self {
        ListOptions {
            page_size: MAX_PAGE_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            retry: RetryPolicy::DEFAULT,
        }
    }
}

/// An account and its roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountWithRoles {
    /// The account.
    pub account: AccountInfo,
    /// Every role the user can assume in it.
    pub roles: Vec<RoleInfo>,
}

/// One portal call with retries: sends `request` (a fresh copy per attempt) until the answer is a
/// success, the error is not transient, or `retry` runs out. The answer is read afterwards, outside
/// the loop (a malformed answer is not transient, so it was never retried): one copy of the retry
/// loop serves every portal call in the wasm module instead of one per result type.
async fn send_with_retry<T: Transport, S: Sleep, R: Random>(
    portal: &PortalClient<T>,
    operation: Operation,
    request: &HttpRequest,
    retry: &RetryPolicy,
    sleep: &S,
    random: &R,
    cancel: &Cancellation,
) -> Result<HttpResponse, SsoError> {
    with_retry(retry, sleep, random, cancel, || portal.call(operation, request.clone())).await
}

/// Follows `nextToken` until it is absent, retrying throttled pages. `request_for` builds the
/// request for a page token; `read_page` takes the page's items and returns its `nextToken`.
/// Not generic over the item type, so accounts and roles share one copy of the loop.
#[allow(clippy::too_many_arguments)]
async fn all_pages<T: Transport, S: Sleep, R: Random>(
    portal: &PortalClient<T>,
    operation: Operation,
    options: &ListOptions,
    sleep: &S,
    random: &R,
    cancel: &Cancellation,
    request_for: &dyn Fn(Option<&str>) -> HttpRequest,
    read_page: &mut dyn FnMut(&HttpResponse) -> Result<Option<String>, SsoError>,
) -> Result<(), SsoError> {
    let mut next: Option<String> = None;
    for _ in 0..MAX_PAGES {
        cancel.check(operation)?;
        let request = request_for(next.as_deref());
        let response =
            send_with_retry(portal, operation, &request, &options.retry, sleep, random, cancel).await?;
        match read_page(&response)? {
            Some(token) if Some(&token) == next.as_ref() => {
                return Err(SsoError::malformed(operation, "the service returned the same page token twice"));
            }
            Some(token) => next = Some(token),
            None => return Ok(()),
        }
    }
    Err(SsoError::malformed(operation, format!("the listing did not end after {MAX_PAGES} pages")))
}

/// Every account the token can access (ListAccounts, all pages).
pub async fn list_all_accounts<T: Transport, S: Sleep, R: Random>(
    portal: &PortalClient<T>,
    sleep: &S,
    random: &R,
    access_token: &Secret,
    options: &ListOptions,
    cancel: &Cancellation,
) -> Result<Vec<AccountInfo>, SsoError> {
    let mut accounts = Vec::new();
    let request_for = |next: Option<&str>| {
        list_accounts_request(portal.base_url(), access_token, next, Some(options.page_size))
    };
    let mut read_page = |response: &HttpResponse| {
        let page = parse_list_accounts(response)?;
        accounts.extend(page.items);
        Ok(page.next_token)
    };
    all_pages(portal, Operation::ListAccounts, options, sleep, random, cancel, &request_for, &mut read_page)
        .await?;
    Ok(accounts)
}

/// Every role of one account (ListAccountRoles, all pages).
pub async fn list_all_roles<T: Transport, S: Sleep, R: Random>(
    portal: &PortalClient<T>,
    sleep: &S,
    random: &R,
    access_token: &Secret,
    account_id: &str,
    options: &ListOptions,
    cancel: &Cancellation,
) -> Result<Vec<RoleInfo>, SsoError> {
    let mut roles = Vec::new();
    let request_for = |next: Option<&str>| {
        list_account_roles_request(portal.base_url(), access_token, account_id, next, Some(options.page_size))
    };
    let mut read_page = |response: &HttpResponse| {
        let page = parse_list_account_roles(response)?;
        roles.extend(page.items);
        Ok(page.next_token)
    };
    all_pages(
        portal,
        Operation::ListAccountRoles,
        options,
        sleep,
        random,
        cancel,
        &request_for,
        &mut read_page,
    )
    .await?;
    Ok(roles)
}

/// Every account and all its roles, with at most `options.concurrency` role listings at once.
/// The first error (after retries) ends the listing.
pub async fn list_accounts_and_roles<T: Transport, S: Sleep, R: Random>(
    portal: &PortalClient<T>,
    sleep: &S,
    random: &R,
    access_token: &Secret,
    options: &ListOptions,
    cancel: &Cancellation,
) -> Result<Vec<AccountWithRoles>, SsoError> {
    let accounts = list_all_accounts(portal, sleep, random, access_token, options, cancel).await?;
    let listings: Vec<_> = accounts
        .into_iter()
        .map(|account| async move {
            let roles =
                list_all_roles(portal, sleep, random, access_token, &account.account_id, options, cancel)
                    .await?;
            Ok::<_, SsoError>(AccountWithRoles { account, roles })
        })
        .collect();
    try_join_bounded(listings, options.concurrency).await
}

/// Role credentials for `account_id`/`role_name` with the cached SSO token. An expired token fails
/// locally with `unauthorized`, without a call (botocore does the same).
#[allow(clippy::too_many_arguments)]
pub async fn role_credentials<T: Transport, C: Clock, S: Sleep, R: Random>(
    portal: &PortalClient<T>,
    clock: &C,
    sleep: &S,
    random: &R,
    token: &CachedToken,
    account_id: &str,
    role_name: &str,
    retry: &RetryPolicy,
    cancel: &Cancellation,
) -> Result<AwsCredentials, SsoError> {
    if token.is_expired(clock.now()) {
        return Err(SsoError::new(
            ErrorKind::Unauthorized,
            Operation::GetRoleCredentials,
            format!("the cached SSO token expired at {}", token.expires_at),
        ));
    }
    let operation = Operation::GetRoleCredentials;
    let request = get_role_credentials_request(portal.base_url(), &token.access_token, account_id, role_name);
    let response = send_with_retry(portal, operation, &request, retry, sleep, random, cancel).await?;
    Ok(parse_get_role_credentials(&response)?.into_aws_credentials(account_id))
}

/// Ends the session server-side (`aws sso logout` calls this, then deletes the token files; it
/// ignores a failure here, and so may the caller).
pub async fn logout<T: Transport>(portal: &PortalClient<T>, access_token: &Secret) -> Result<(), SsoError> {
    portal.logout(access_token).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::fakes::{json, CountingRandom, FakeTime, Scripted};
    use crate::http::{HttpRequest, HttpResponse, TransportError};
    use crate::time::UtcTime;
    use std::cell::RefCell;

    const BASE: &str = "https://portal.sso.us-east-1.amazonaws.com";

    /// A fake portal: `n` accounts with 2 roles each, pages of the requested size, and a script of
    /// 429s to inject before given requests.
    struct FakePortal<'a> {
        time: &'a FakeTime,
        accounts: usize,
        throttle_first: RefCell<usize>,
        log: RefCell<Vec<String>>,
    }

    fn param<'u>(url: &'u str, name: &str) -> Option<&'u str> {
        url.split_once('?')?.1.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }

    impl Transport for FakePortal<'_> {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            let url = request.url.clone();
            self.log.borrow_mut().push(format!("{} {url}", self.time.seconds()));
            assert_eq!(request.header("x-amz-sso_bearer_token"), Some("at"));
            if *self.throttle_first.borrow() > 0 {
                *self.throttle_first.borrow_mut() -= 1;
                return Ok(HttpResponse::new(429)
                    .with_header("x-amzn-ErrorType", "TooManyRequestsException")
                    .with_body(r#"{"message":"Rate exceeded"}"#));
            }
            let size: usize = param(&url, "max_result").unwrap().parse().unwrap();
            let start: usize =
                param(&url, "next_token").map_or(0, |t| t.trim_start_matches("p").parse().unwrap());
            if url.contains("/assignment/accounts") {
                let end = (start + size).min(self.accounts);
                let list: Vec<String> = (start..end)
                    .map(|i| format!(r#"{{"accountId":"{:012}","accountName":"acct-{i}"}}"#, i))
                    .collect();
                let next =
                    if end < self.accounts { format!(r#","nextToken":"p{end}""#) } else { String::new() };
                Ok(HttpResponse::new(200)
                    .with_body(format!(r#"{{"accountList":[{}]{next}}}"#, list.join(","))))
            } else {
                let account = param(&url, "account_id").unwrap();
                // Two roles, one per page when the page size is 1.
                let roles = ["Admin", "ReadOnly"];
                let end = (start + size).min(2);
                let list: Vec<String> = roles[start..end]
                    .iter()
                    .map(|r| format!(r#"{{"roleName":"{r}","accountId":"{account}"}}"#))
                    .collect();
                let next = if end < 2 { format!(r#","nextToken":"p{end}""#) } else { String::new() };
                Ok(HttpResponse::new(200).with_body(format!(r#"{{"roleList":[{}]{next}}}"#, list.join(","))))
            }
        }
    }

    #[test]
    fn follows_every_page_of_1000_accounts() {
        let time = FakeTime::at(0);
        let fake = FakePortal {
            time: &time,
            accounts: 1000,
            throttle_first: RefCell::new(0),
            log: Default::default(),
        };
        let portal = PortalClient::new(BASE, &fake).unwrap();
        let accounts = pollster::block_on(list_all_accounts(
            &portal,
            &time,
            &CountingRandom::default(),
            &Secret::new("at"),
            &ListOptions::default(),
            &Cancellation::new(),
        ))
        .unwrap();
        assert_eq!(accounts.len(), 1000);
        assert_eq!(accounts[999].account_id, "000000000999");
        assert_eq!(fake.log.borrow().len(), 10);
    }

    #[test]
    fn lists_roles_of_every_account_with_backoff_through_a_429_storm() {
        let time = FakeTime::at(0);
        let fake =
            FakePortal { time: &time, accounts: 7, throttle_first: RefCell::new(5), log: Default::default() };
        let portal = PortalClient::new(BASE, &fake).unwrap();
        let options = ListOptions { page_size: 1, concurrency: 3, retry: RetryPolicy::DEFAULT };
        let all = pollster::block_on(list_accounts_and_roles(
            &portal,
            &time,
            &CountingRandom::default(),
            &Secret::new("at"),
            &options,
            &Cancellation::new(),
        ))
        .unwrap();
        assert_eq!(all.len(), 7);
        for (i, entry) in all.iter().enumerate() {
            assert_eq!(entry.account.account_id, format!("{i:012}"));
            let names: Vec<_> = entry.roles.iter().map(|r| r.role_name.as_str()).collect();
            assert_eq!(names, ["Admin", "ReadOnly"]);
        }
        // 5 throttled + 7 account pages + 14 role pages.
        assert_eq!(fake.log.borrow().len(), 5 + 7 + 14);
        // Backoff doubled: at least 0.25 + 0.5 + 1 + 2 + 4 s of waiting.
        assert!(time.total_slept().as_secs_f64() >= 7.75, "{:?}", time.total_slept());
    }

    #[test]
    fn gives_up_after_the_retry_budget() {
        let time = FakeTime::at(0);
        let fake = FakePortal {
            time: &time,
            accounts: 3,
            throttle_first: RefCell::new(100),
            log: Default::default(),
        };
        let portal = PortalClient::new(BASE, &fake).unwrap();
        let err = pollster::block_on(list_all_accounts(
            &portal,
            &time,
            &CountingRandom::default(),
            &Secret::new("at"),
            &ListOptions::default(),
            &Cancellation::new(),
        ))
        .unwrap_err();
        assert_eq!(err.code(), "too_many_requests");
        assert!(err.retryable());
        assert_eq!(fake.log.borrow().len(), RetryPolicy::DEFAULT.max_attempts as usize);
    }

    #[test]
    fn a_repeated_page_token_is_an_error_not_a_loop() {
        let time = FakeTime::at(0);
        let page = r#"{"accountList":[{"accountId":"1"}],"nextToken":"same"}"#;
        let transport = Scripted::new(&time, vec![json(200, page), json(200, page), json(200, page)]);
        let portal = PortalClient::new(BASE, &transport).unwrap();
        let err = pollster::block_on(list_all_accounts(
            &portal,
            &time,
            &CountingRandom::default(),
            &Secret::new("at"),
            &ListOptions::default(),
            &Cancellation::new(),
        ))
        .unwrap_err();
        assert_eq!(err.code(), "malformed_response");
        assert_eq!(transport.sent.borrow().len(), 2);
    }

    #[test]
    fn role_credentials_check_expiry_locally_first() {
        let time = FakeTime::at(1_651_500_000);
        let transport = Scripted::new(
            &time,
            vec![json(
                200,
                r#"{"roleCredentials":{"accessKeyId":"ASIA","secretAccessKey":"sk","sessionToken":"st","expiration":1651516560000}}"#,
            )],
        );
        let portal = PortalClient::new(BASE, &transport).unwrap();
        let mut token = CachedToken {
            start_url: None,
            region: None,
            access_token: Secret::new("at"),
            expires_at: UtcTime::from_unix_seconds(1_651_500_001),
            client_id: None,
            client_secret: None,
            registration_expires_at: None,
            refresh_token: None,
        };
        let run = |token: &CachedToken| {
            pollster::block_on(role_credentials(
                &portal,
                &time,
                &time,
                &CountingRandom::default(),
                token,
                "012345678901",
                "SampleRole",
                &RetryPolicy::DEFAULT,
                &Cancellation::new(),
            ))
        };
        let creds = run(&token).unwrap();
        assert_eq!(creds.account_id.as_deref(), Some("012345678901"));
        assert_eq!(creds.expiration, Some(UtcTime::from_unix_seconds(1_651_516_560)));
        token.expires_at = UtcTime::from_unix_seconds(1_651_500_000);
        assert_eq!(run(&token).unwrap_err().code(), "unauthorized");
        assert_eq!(transport.sent.borrow().len(), 1);
    }
}
