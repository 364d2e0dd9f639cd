//! The SSO OIDC and portal clients in the JS API, over [`sso_bridge::oidc`], [`sso_bridge::portal`] and the
//! flows in [`sso_bridge::flows`] (registration reuse, device polling, PKCE, refresh, paged listing).
//! Every method converts its arguments, runs the core flow with the browser's effects and converts
//! the result; cancellation comes from an `AbortSignal`.

use super::cache::{registration_from_js, time_arg};
use super::config::{with_config, Reading};
use super::convert::{from_js, to_js, JsFailure};
use super::effects::{BrowserClock, CryptoRandom, FetchTransport, TimerSleep};
use super::shapes::{
    AccountInfoJs, AccountWithRolesJs, AwsCredentialsJs, ConsoleOptionsJs, ConsoleSigninJs,
    DeviceAuthorizationJs, EndpointOptionsJs, EndpointsJs, IssuedTokenJs, ListOptionsJs,
    ObtainedRegistrationJs, PendingPkceJs, PkceOptionsJs, PkceStartJs, RefreshPlanJs, RegistrationFileJs,
    RegistrationRequestJs, Roles, SsoSessionInfoJs, WriteJson,
};
use js_sys::Promise;
use sso_bridge::cache::{AwsCredentials, CachedToken};
use sso_bridge::config::{resolve_endpoint, EmptyEnvironment, EndpointError, SsoService};
use sso_bridge::console;
use sso_bridge::error::SsoError;
use sso_bridge::flows::device::poll_device_token;
use sso_bridge::flows::listing::{self, ListOptions};
use sso_bridge::flows::pkce::{pkce_finish, pkce_start, PendingPkce};
use sso_bridge::flows::refresh::{plan_refresh, refresh_token, RefreshPlan};
use sso_bridge::flows::registration::{obtain_registration, RegistrationRequest};
use sso_bridge::flows::{Cancellation, IssuedToken};
use sso_bridge::http::Clock;
use sso_bridge::json::array_of;
use sso_bridge::oidc::{pkce_scopes, ClientCredentials, DeviceAuthorization, OidcClient};
use sso_bridge::portal::PortalClient;
use sso_bridge::secret::Secret;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

// ---------------------------------------------------------------------------------------------
// Results from the core's types (the shapes are declared in `super::shapes`)

fn issued_token_json(token: IssuedToken) -> String {
    IssuedTokenJs {
        access_token: token.access_token,
        expires_at: token.expires_at.to_cli_string(),
        refresh_token: token.refresh_token,
    }
    .to_json()
}

// Token files cross as `TokenFile`; reuse the cache binding's conversion.
use super::cache::{token_from_js, token_to_js};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Every export's future goes through this one (non-generic) instance of `future_to_promise`: one
/// copy of the promise machinery in the wasm module instead of one per export. The futures convert
/// their own results (`to_js`), so no per-result-type wrapper future exists either.
#[inline(never)]
fn boxed_promise(future: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>) -> Promise {
    future_to_promise(future)
}

/// `options.signal`, when it is an `AbortSignal`.
fn signal_option(options: &JsValue) -> Result<Option<AbortSignal>, JsFailure> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let value = js_sys::Reflect::get(options, &JsValue::from_str("signal"))
        .map_err(|_| JsFailure::invalid_argument("the options", "they are not an object"))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_into::<AbortSignal>()
        .map(Some)
        .map_err(|_| JsFailure::invalid_argument("the options", "`signal` is not an AbortSignal"))
}

/// A [`Cancellation`] that an abort of `signal` triggers, for as long as the link lives (dropping
/// it unhooks the listener, so a long-lived signal does not collect one per call).
struct AbortLink {
    cancel: Cancellation,
    hook: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Drop for AbortLink {
    fn drop(&mut self) {
        if let Some((signal, closure)) = &self.hook {
            let _ = signal.remove_event_listener_with_callback("abort", closure.as_ref().unchecked_ref());
        }
    }
}

fn cancellation(signal: Option<&AbortSignal>) -> AbortLink {
    let cancel = Cancellation::new();
    let mut hook = None;
    if let Some(signal) = signal {
        if signal.aborted() {
            cancel.cancel();
        } else {
            let switch = cancel.clone();
            let closure = Closure::once(move || switch.cancel());
            let _ = signal.add_event_listener_with_callback("abort", closure.as_ref().unchecked_ref());
            hook = Some((signal.clone(), closure));
        }
    }
    AbortLink { cancel, hook }
}

fn oidc_client(
    endpoint_url: &str,
    signal: Option<AbortSignal>,
) -> Result<OidcClient<FetchTransport>, SsoError> {
    OidcClient::new(endpoint_url, FetchTransport::new(signal))
}

fn portal_client(
    endpoint_url: &str,
    signal: Option<AbortSignal>,
) -> Result<PortalClient<FetchTransport>, SsoError> {
    PortalClient::new(endpoint_url, FetchTransport::new(signal))
}

/// A core error as the package's `SsoBridgeError`.
fn sso_error(error: SsoError) -> JsValue {
    JsFailure::from(error).into()
}

/// GetRoleCredentials with its retries, for `getRoleCredentials` and `consoleSigninUrl`. Boxed
/// behind `dyn Future` so both share one copy of the flow in the module (awaited directly, each
/// caller's state machine would inline its own, which the package's size budget cannot afford).
fn role_credentials(
    endpoint: String,
    token: CachedToken,
    account_id: String,
    role_name: String,
    signal: Option<AbortSignal>,
) -> Pin<Box<dyn Future<Output = Result<AwsCredentials, JsValue>>>> {
    Box::pin(async move {
        let abort = cancellation(signal.as_ref());
        let portal = portal_client(&endpoint, signal.clone()).map_err(sso_error)?;
        listing::role_credentials(
            &portal,
            &BrowserClock,
            &TimerSleep::new(signal),
            &CryptoRandom,
            &token,
            &account_id,
            &role_name,
            &Default::default(),
            &abort.cancel,
        )
        .await
        .map_err(sso_error)
    })
}

/// A console sign-in failure as the package's `SsoBridgeError` (`variant` "ConsoleError"; the
/// messages never hold credentials or tokens).
fn console_failure(error: console::ConsoleError) -> JsValue {
    JsFailure::new(error.code(), "ConsoleError", error.retryable(), error.to_string()).into()
}

fn endpoint_failure(error: EndpointError) -> JsFailure {
    JsFailure::new(
        super::config::snake_case(error.code()),
        super::config::variant_name(error.code()),
        false,
        error.to_string(),
    )
}

// ---------------------------------------------------------------------------------------------
// Endpoints

/// The OIDC and portal endpoints for an SSO region, honouring the configured overrides the AWS SDKs
/// honour (`AWS_ENDPOINT_URL_SSO[_OIDC]`, `AWS_ENDPOINT_URL`, `[services]`, `endpoint_url`, FIPS and
/// dual-stack settings) when a profile, config text or environment is given.
#[wasm_bindgen(js_name = resolveEndpoints, unchecked_return_type = "Endpoints")]
pub fn resolve_endpoints(
    #[wasm_bindgen(unchecked_param_type = "EndpointOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let mut options = from_js("the endpoint options", &options, EndpointOptionsJs::read)?;
    let credentials_text = options.credentials_text.take();
    let config_text = options.config_text.as_deref().unwrap_or("");
    with_config(config_text, credentials_text, Reading::Sdk, &|set| {
        let profile = options.profile_name.as_deref().unwrap_or("default");
        let env: &dyn sso_bridge::config::Environment = match &options.env {
            Some(env) if !env.is_empty() => env,
            _ => &EmptyEnvironment,
        };
        let resolve = |service| resolve_endpoint(service, &options.region, set, profile, env);
        let oidc = resolve(SsoService::Oidc).map_err(endpoint_failure)?;
        let portal = resolve(SsoService::Portal).map_err(endpoint_failure)?;
        Ok(EndpointsJs { oidc: &oidc, portal: &portal }.to_json())
    })
}

// ---------------------------------------------------------------------------------------------
// OIDC

/// The SSO OIDC client: registration, device-code and PKCE sign-in, refresh.
#[wasm_bindgen(js_name = OidcClient)]
pub struct OidcClientJs {
    endpoint_url: String,
}

#[wasm_bindgen(js_class = OidcClient)]
impl OidcClientJs {
    /// `endpointUrl`: the OIDC endpoint, e.g. `resolveEndpoints({ region }).oidc.url`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(js_name = endpointUrl)] endpoint_url: &str) -> Result<OidcClientJs, JsValue> {
        oidc_client(endpoint_url, None).map_err(sso_error)?;
        Ok(OidcClientJs { endpoint_url: endpoint_url.to_owned() })
    }

    #[wasm_bindgen(getter, js_name = endpointUrl)]
    pub fn endpoint_url(&self) -> String {
        self.endpoint_url.clone()
    }

    /// Reuses the cached registration when the AWS CLI would (right kind, more than 15 minutes
    /// left), otherwise registers a new client; `newCacheFile` is then the text to write to
    /// `~/.aws/sso/cache/<cacheKey>.json`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ObtainedRegistration>")]
    pub fn register(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RegistrationRequest")] request: JsValue,
    ) -> Promise {
        let endpoint = self.endpoint_url.clone();
        let request = from_js("the registration request", &request, RegistrationRequestJs::read);
        boxed_promise(Box::pin(async move {
            let request = request?;
            let oidc = oidc_client(&endpoint, None).map_err(sso_error)?;
            let core_request = RegistrationRequest {
                session_name: request.session_name.as_deref(),
                start_url: &request.start_url,
                issuer_url: request.issuer_url.as_deref().unwrap_or(&request.start_url),
                region: &request.region,
                scopes: request.scopes.as_deref(),
            };
            let obtained = obtain_registration(
                &oidc,
                &BrowserClock,
                &core_request,
                request.kind,
                request.cached_registration_file.as_deref(),
            )
            .await
            .map_err(sso_error)?;
            to_js(
                &ObtainedRegistrationJs {
                    registration: RegistrationFileJs::from_core(obtained.registration),
                    cache_key: obtained.cache_key,
                    new_cache_file: obtained.new_cache_file,
                }
                .to_json(),
            )
        }))
    }

    /// StartDeviceAuthorization: show `userCode` and open `verificationUriComplete`, then
    /// `pollDeviceToken`.
    #[wasm_bindgen(js_name = startDeviceAuthorization, unchecked_return_type = "Promise<DeviceAuthorization>")]
    pub fn start_device_authorization(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RegistrationFile")] registration: JsValue,
        #[wasm_bindgen(js_name = startUrl)] start_url: String,
    ) -> Promise {
        let endpoint = self.endpoint_url.clone();
        let registration = registration_from_js(&registration);
        boxed_promise(Box::pin(async move {
            let registration = registration?;
            let oidc = oidc_client(&endpoint, None).map_err(sso_error)?;
            let client = ClientCredentials::from(&registration);
            let authorization =
                oidc.start_device_authorization(&client, &start_url).await.map_err(sso_error)?;
            to_js(
                &DeviceAuthorizationJs {
                    device_code: authorization.device_code,
                    user_code: authorization.user_code,
                    verification_uri: authorization.verification_uri,
                    verification_uri_complete: authorization.verification_uri_complete,
                    expires_in: authorization.expires_in,
                    interval: authorization.interval,
                    started_at: BrowserClock.now().to_cli_string(),
                }
                .to_json(),
            )
        }))
    }

    /// Polls CreateToken until the user approves (as the CLI: at once, then every `interval`
    /// seconds, +5 s on `slow_down`), the code expires, an error ends it, or `options.signal`
    /// aborts (rejects with code `cancelled`).
    #[wasm_bindgen(js_name = pollDeviceToken, unchecked_return_type = "Promise<IssuedToken>")]
    pub fn poll_device_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RegistrationFile")] registration: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DeviceAuthorization")] authorization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] options: Option<JsValue>,
    ) -> Promise {
        let endpoint = self.endpoint_url.clone();
        let registration = registration_from_js(&registration);
        let authorization = from_js("the device authorization", &authorization, DeviceAuthorizationJs::read);
        let signal = signal_option(&options.unwrap_or(JsValue::UNDEFINED));
        boxed_promise(Box::pin(async move {
            let signal = signal?;
            let registration = registration?;
            let authorization = authorization?;
            let started_at = time_arg("startedAt", &authorization.started_at)?;
            let authorization = DeviceAuthorization {
                device_code: authorization.device_code,
                user_code: authorization.user_code,
                verification_uri: authorization.verification_uri,
                verification_uri_complete: authorization.verification_uri_complete,
                expires_in: authorization.expires_in,
                interval: authorization.interval,
            };
            let abort = cancellation(signal.as_ref());
            let oidc = oidc_client(&endpoint, signal.clone()).map_err(sso_error)?;
            let token = poll_device_token(
                &oidc,
                &BrowserClock,
                &TimerSleep::new(signal),
                &ClientCredentials::from(&registration),
                &authorization,
                started_at,
                &abort.cancel,
            )
            .await
            .map_err(sso_error)?;
            to_js(&issued_token_json(token))
        }))
    }

    /// The first half of an authorization-code + PKCE sign-in: open `authorizeUrl`, keep
    /// `pending` (it holds the verifier: store it like a secret), and pass the URL the browser is
    /// redirected to (`http://127.0.0.1:<port>/oauth/callback?code=…&state=…`) to `pkceFinish`.
    #[wasm_bindgen(js_name = pkceStart, unchecked_return_type = "PkceStart")]
    pub fn pkce_start(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RegistrationFile")] registration: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PkceOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let registration = registration_from_js(&registration)?;
        let options = from_js("the PKCE options", &options, PkceOptionsJs::read)?;
        let oidc = oidc_client(&self.endpoint_url, None).map_err(sso_error)?;
        let (authorize_url, pending) = pkce_start(
            &CryptoRandom,
            &BrowserClock,
            &oidc.authorize_endpoint(),
            &ClientCredentials::from(&registration),
            &pkce_scopes(options.scopes.as_deref()),
            options.port.0,
        );
        to_js(&PkceStartJs { authorize_url, pending: pending.into() }.to_json())
    }

    /// The second half: checks the callback's `state` (and `error`), then exchanges the code.
    #[wasm_bindgen(js_name = pkceFinish, unchecked_return_type = "Promise<IssuedToken>")]
    pub fn pkce_finish(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PendingPkce")] pending: JsValue,
        #[wasm_bindgen(js_name = callbackUrl)] callback_url: String,
    ) -> Promise {
        let endpoint = self.endpoint_url.clone();
        let pending = from_js("the pending sign-in", &pending, PendingPkceJs::read).map(PendingPkce::from);
        boxed_promise(Box::pin(async move {
            let pending = pending?;
            let oidc = oidc_client(&endpoint, None).map_err(sso_error)?;
            let token =
                pkce_finish(&oidc, &BrowserClock, &pending, &callback_url).await.map_err(sso_error)?;
            to_js(&issued_token_json(token))
        }))
    }

    /// Refreshes a cached token with its refresh token (CreateToken, refresh_token grant) and
    /// returns the new token file entry, written as botocore writes it.
    #[wasm_bindgen(unchecked_return_type = "Promise<TokenFile>")]
    pub fn refresh(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TokenFile")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SsoSessionInfo")] session: JsValue,
    ) -> Promise {
        let endpoint = self.endpoint_url.clone();
        let token = token_from_js(&token);
        let session = from_js("the session", &session, SsoSessionInfoJs::read);
        boxed_promise(Box::pin(async move {
            let (token, session) = (token?, session?);
            let oidc = oidc_client(&endpoint, None).map_err(JsFailure::from)?;
            let refreshed = refresh_token(&oidc, &BrowserClock, &token, &session.start_url, &session.region)
                .await
                .map_err(JsFailure::from)?;
            token_to_js(refreshed)
        }))
    }
}

/// The token file entry for a fresh sign-in, as `aws sso login` writes it.
#[wasm_bindgen(js_name = tokenFileFor, unchecked_return_type = "TokenFile")]
pub fn token_file_for(
    #[wasm_bindgen(unchecked_param_type = "IssuedToken")] issued: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SsoSessionInfo")] session: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RegistrationFile")] registration: JsValue,
) -> Result<JsValue, JsValue> {
    let issued = from_js("the issued token", &issued, IssuedTokenJs::read)?;
    let session = from_js("the session", &session, SsoSessionInfoJs::read)?;
    let registration = registration_from_js(&registration)?;
    let issued = IssuedToken {
        expires_at: time_arg("expiresAt", &issued.expires_at)?,
        access_token: issued.access_token,
        refresh_token: issued.refresh_token,
    };
    token_to_js(issued.into_cached_token(&session.start_url, &session.region, &registration))
}

/// Whether to refresh a cached token now (refresh window 20 minutes, at most one attempt a
/// minute), or when to look again.
#[wasm_bindgen(js_name = planRefresh, unchecked_return_type = "RefreshPlan")]
pub fn plan_refresh_js(
    #[wasm_bindgen(unchecked_param_type = "TokenFile")] token: JsValue,
    #[wasm_bindgen(js_name = lastAttemptAt, unchecked_param_type = "Timestamp | null")]
    last_attempt_at: Option<String>,
) -> Result<JsValue, JsValue> {
    let token: CachedToken = token_from_js(&token)?;
    let last_attempt = match &last_attempt_at {
        Some(text) => Some(time_arg("lastAttemptAt", text)?),
        None => None,
    };
    let plan = match plan_refresh(&token, BrowserClock.now(), last_attempt) {
        RefreshPlan::NotYet { refresh_at } => {
            RefreshPlanJs::NotYet { refresh_at: refresh_at.to_cli_string() }
        }
        RefreshPlan::Due => RefreshPlanJs::Due {},
        RefreshPlan::Wait { retry_at } => RefreshPlanJs::Wait { retry_at: retry_at.to_cli_string() },
        RefreshPlan::SignInAgain { kind, expires_at } => {
            RefreshPlanJs::SignInAgain { code: kind.code(), expires_at: expires_at.to_cli_string() }
        }
    };
    to_js(&plan.to_json())
}

// ---------------------------------------------------------------------------------------------
// Portal

/// The SSO portal client: accounts, roles, role credentials, logout. Listing follows every page,
/// retries throttled (429) pages with backoff, and stops when `options.signal` aborts.
#[wasm_bindgen(js_name = PortalClient)]
pub struct PortalClientJs {
    endpoint_url: String,
}

/// What every portal listing export needs, read from its arguments when it is called.
struct PortalListing {
    portal: PortalClient<FetchTransport>,
    sleep: TimerSleep,
    abort: AbortLink,
    token: Secret,
    options: ListOptions,
}

impl PortalListing {
    fn new(endpoint_url: &str, access_token: String, options: Option<JsValue>) -> Result<Self, JsFailure> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let signal = signal_option(&options)?;
        let list = list_options(&options)?;
        Ok(PortalListing {
            abort: cancellation(signal.as_ref()),
            portal: portal_client(endpoint_url, signal.clone())?,
            sleep: TimerSleep::new(signal),
            token: Secret::new(access_token),
            options: list,
        })
    }
}

/// `ListOptions` (absent: the defaults).
fn list_options(options: &JsValue) -> Result<ListOptions, JsFailure> {
    let mut list = ListOptions::default();
    if options.is_undefined() || options.is_null() {
        return Ok(list);
    }
    let given = from_js("the options", options, ListOptionsJs::read)?;
    if let Some(size) = given.page_size {
        list.page_size = size.0.min(sso_bridge::portal::MAX_PAGE_SIZE);
    }
    if let Some(concurrency) = given.concurrency {
        list.concurrency = concurrency.0 as usize;
    }
    if let Some(attempts) = given.max_attempts {
        list.retry.max_attempts = attempts.0;
    }
    Ok(list)
}

#[wasm_bindgen(js_class = PortalClient)]
impl PortalClientJs {
    /// `endpointUrl`: the portal endpoint, e.g. `resolveEndpoints({ region }).portal.url`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(js_name = endpointUrl)] endpoint_url: &str) -> Result<PortalClientJs, JsValue> {
        portal_client(endpoint_url, None).map_err(sso_error)?;
        Ok(PortalClientJs { endpoint_url: endpoint_url.to_owned() })
    }

    #[wasm_bindgen(getter, js_name = endpointUrl)]
    pub fn endpoint_url(&self) -> String {
        self.endpoint_url.clone()
    }

    /// Every account the access token can use (all pages).
    #[wasm_bindgen(js_name = listAccounts, unchecked_return_type = "Promise<AccountInfo[]>")]
    pub fn list_accounts(
        &self,
        #[wasm_bindgen(js_name = accessToken)] access_token: String,
        #[wasm_bindgen(unchecked_optional_param_type = "ListOptions")] options: Option<JsValue>,
    ) -> Promise {
        let call = PortalListing::new(&self.endpoint_url, access_token, options);
        boxed_promise(Box::pin(async move {
            let call = call?;
            to_js(&array_of(
                listing::list_all_accounts(
                    &call.portal,
                    &call.sleep,
                    &CryptoRandom,
                    &call.token,
                    &call.options,
                    &call.abort.cancel,
                )
                .await
                .map_err(sso_error)?
                .iter()
                .map(|account| AccountInfoJs::from(account).to_json()),
            ))
        }))
    }

    /// Every role of one account (all pages).
    #[wasm_bindgen(js_name = listAccountRoles, unchecked_return_type = "Promise<RoleInfo[]>")]
    pub fn list_account_roles(
        &self,
        #[wasm_bindgen(js_name = accessToken)] access_token: String,
        #[wasm_bindgen(js_name = accountId)] account_id: String,
        #[wasm_bindgen(unchecked_optional_param_type = "ListOptions")] options: Option<JsValue>,
    ) -> Promise {
        let call = PortalListing::new(&self.endpoint_url, access_token, options);
        boxed_promise(Box::pin(async move {
            let call = call?;
            let roles = listing::list_all_roles(
                &call.portal,
                &call.sleep,
                &CryptoRandom,
                &call.token,
                &account_id,
                &call.options,
                &call.abort.cancel,
            )
            .await
            .map_err(sso_error)?;
            to_js(&Roles(&roles).to_json())
        }))
    }

    /// Every account with all its roles, `options.concurrency` role listings at a time (default 4).
    #[wasm_bindgen(js_name = listAccountsAndRoles, unchecked_return_type = "Promise<AccountWithRoles[]>")]
    pub fn list_accounts_and_roles(
        &self,
        #[wasm_bindgen(js_name = accessToken)] access_token: String,
        #[wasm_bindgen(unchecked_optional_param_type = "ListOptions")] options: Option<JsValue>,
    ) -> Promise {
        let call = PortalListing::new(&self.endpoint_url, access_token, options);
        boxed_promise(Box::pin(async move {
            let call = call?;
            to_js(&array_of(
                listing::list_accounts_and_roles(
                    &call.portal,
                    &call.sleep,
                    &CryptoRandom,
                    &call.token,
                    &call.options,
                    &call.abort.cancel,
                )
                .await
                .map_err(sso_error)?
                .iter()
                .map(|entry| {
                    AccountWithRolesJs {
                        account: AccountInfoJs::from(&entry.account),
                        roles: Roles(&entry.roles),
                    }
                    .to_json()
                }),
            ))
        }))
    }

    /// Role credentials with a cached SSO token (an expired token fails at once with code
    /// `unauthorized`, as botocore does).
    #[wasm_bindgen(js_name = getRoleCredentials, unchecked_return_type = "Promise<AwsCredentials>")]
    pub fn get_role_credentials(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TokenFile")] token: JsValue,
        #[wasm_bindgen(js_name = accountId)] account_id: String,
        #[wasm_bindgen(js_name = roleName)] role_name: String,
        #[wasm_bindgen(unchecked_optional_param_type = "{ signal?: AbortSignal }")] options: Option<JsValue>,
    ) -> Promise {
        let endpoint = self.endpoint_url.clone();
        let token = token_from_js(&token);
        let signal = signal_option(&options.unwrap_or(JsValue::UNDEFINED));
        boxed_promise(Box::pin(async move {
            let (token, signal) = (token?, signal?);
            let credentials = role_credentials(endpoint, token, account_id, role_name, signal).await?;
            to_js(&AwsCredentialsJs::from_core(credentials).to_json())
        }))
    }

    /// A single-use AWS console sign-in URL for a role: GetRoleCredentials with the cached token,
    /// then AWS sign-in's `getSigninToken` (`options.federationEndpoint`, else the region's
    /// partition's sign-in host), then the `Action=login` URL. The role credentials stay inside the
    /// core; the URL holds only the single-use sign-in token (open it, never log or store it).
    #[wasm_bindgen(js_name = consoleSigninUrl, unchecked_return_type = "Promise<ConsoleSignin>")]
    pub fn console_signin_url(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TokenFile")] token: JsValue,
        #[wasm_bindgen(js_name = accountId)] account_id: String,
        #[wasm_bindgen(js_name = roleName)] role_name: String,
        #[wasm_bindgen(unchecked_param_type = "ConsoleOptions")] options: JsValue,
    ) -> Promise {
        let endpoint = self.endpoint_url.clone();
        let token = token_from_js(&token);
        let signal = signal_option(&options);
        let target = from_js("the console options", &options, ConsoleOptionsJs::read);
        boxed_promise(Box::pin(async move {
            let (token, signal, target) = (token?, signal?, target?);
            // Checked before any request: a bad destination fetches no credentials.
            let target = console::console_target(
                &target.region,
                target.destination.as_deref(),
                target.federation_endpoint.as_deref(),
            )
            .map_err(console_failure)?;
            let credentials =
                role_credentials(endpoint, token, account_id, role_name, signal.clone()).await?;
            let url = console::console_signin_url(
                &FetchTransport::new(signal),
                &target.federation,
                &credentials,
                console::DEFAULT_ISSUER,
                &target.destination,
            )
            .await
            .map_err(console_failure)?;
            to_js(&ConsoleSigninJs { url: url.expose(), destination: &target.destination }.to_json())
        }))
    }

    /// Ends the session server-side (revokes the access token and its refresh token). Delete the
    /// token file as well, as `aws sso logout` does.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn logout(&self, #[wasm_bindgen(js_name = accessToken)] access_token: String) -> Promise {
        let endpoint = self.endpoint_url.clone();
        boxed_promise(Box::pin(async move {
            let portal = portal_client(&endpoint, None).map_err(JsFailure::from)?;
            listing::logout(&portal, &Secret::new(access_token)).await.map_err(JsFailure::from)?;
            Ok(JsValue::UNDEFINED)
        }))
    }
}
