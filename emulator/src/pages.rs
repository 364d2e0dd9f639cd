//! Server-rendered pages: sign-in and consent for `/authorize`, the device verification pages, and a
//! front page. Plain HTML forms (no script), labelled fields and stable element ids, so that people
//! can use them with a keyboard and browser tests can drive them:
//!
//! | page | ids |
//! |---|---|
//! | authorize | `signin-form`, `username`, `password`, `allow` ("Allow access"), `deny` ("Deny"), `error` |
//! | device: enter code | `device-form`, `user_code`, `confirm` ("Confirm and continue"), `error` |
//! | device: confirm code | `device-form`, `user-code-display`, `confirm` ("Confirm and continue") |
//! | device: consent | `consent-form`, `username`, `password`, `allow` ("Allow access"), `deny` ("Deny"), `error` |
//! | result | `result` (heading: "Request approved" / "Request denied") |

use crate::urlenc::html_escape as esc;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;\
color:#16191f}h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}\
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}\
button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem;font-size:1rem;cursor:pointer}\
button:focus,input:focus{outline:3px solid #0972d3;outline-offset:2px}\
.primary{background:#ff9900;border:1px solid #ec7211}.code{font-family:monospace;font-size:2rem;\
letter-spacing:.2rem}.error{color:#d91515;font-weight:600}.muted{color:#5f6b7a;font-size:.9rem}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
<style>{STYLE}</style></head><body><main>\n{body}\n<p class=\"muted\">sso-bridge-emulator: a local \
stand-in for AWS IAM Identity Center. Nothing here talks to AWS.</p></main></body></html>\n",
        title = esc(title)
    )
}

fn error_block(error: Option<&str>) -> String {
    error.map_or_else(String::new, |e| {
        format!("<p id=\"error\" class=\"error\" role=\"alert\">{}</p>", esc(e))
    })
}

fn signin_fields(default_username: &str, password_hint: &str) -> String {
    format!(
        "<label for=\"username\">Username</label>\
<input type=\"text\" id=\"username\" name=\"username\" value=\"{}\" autocomplete=\"username\" required>\
<label for=\"password\">Password</label>\
<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\">\
<p class=\"muted\">{}</p>",
        esc(default_username),
        esc(password_hint)
    )
}

fn decision_buttons() -> &'static str {
    "<div><button type=\"submit\" id=\"allow\" name=\"decision\" value=\"allow\" class=\"primary\">Allow access</button>\
<button type=\"submit\" id=\"deny\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button></div>"
}

pub struct ConsentView<'a> {
    pub client_name: &'a str,
    pub scopes: &'a [String],
    pub start_url: &'a str,
    pub default_username: &'a str,
    pub password_hint: &'a str,
    pub error: Option<&'a str>,
}

fn scope_list(scopes: &[String]) -> String {
    if scopes.is_empty() {
        return "<p>No scopes requested.</p>".into();
    }
    let items: String = scopes.iter().map(|s| format!("<li><code>{}</code></li>", esc(s))).collect();
    format!("<p>It asks for:</p><ul id=\"scopes\">{items}</ul>")
}

/// `/authorize`: sign in, then allow or deny the application.
pub fn authorize_page(request_id: &str, view: &ConsentView<'_>) -> String {
    let body = format!(
        "<h1>Sign in to allow access</h1>\
<p>The application <strong id=\"client-name\">{client}</strong> wants to access your AWS accounts \
through <span id=\"start-url\">{start}</span>.</p>{scopes}{error}\
<form id=\"signin-form\" method=\"post\" action=\"/authorize\">\
<input type=\"hidden\" name=\"request_id\" value=\"{id}\">{fields}{buttons}</form>",
        client = esc(view.client_name),
        start = esc(view.start_url),
        scopes = scope_list(view.scopes),
        error = error_block(view.error),
        id = esc(request_id),
        fields = signin_fields(view.default_username, view.password_hint),
        buttons = decision_buttons(),
    );
    layout("Authorize request", &body)
}

/// `/device` without a valid code: type the code shown by the application.
pub fn device_entry_page(prefill: &str, error: Option<&str>) -> String {
    let body = format!(
        "<h1>Authorize request</h1><p>Enter the code shown by the application you are signing in to.</p>{error}\
<form id=\"device-form\" method=\"post\" action=\"/device\">\
<label for=\"user_code\">Code</label>\
<input type=\"text\" id=\"user_code\" name=\"user_code\" value=\"{prefill}\" autocomplete=\"off\" \
autocapitalize=\"characters\" autofocus required>\
<button type=\"submit\" id=\"confirm\" class=\"primary\">Confirm and continue</button></form>",
        error = error_block(error),
        prefill = esc(prefill),
    );
    layout("Authorize request", &body)
}

/// `/device?user_code=…` (the `verificationUriComplete` link): check the code matches.
pub fn device_confirm_page(user_code: &str) -> String {
    let body = format!(
        "<h1>Authorize request</h1><p>Check that this code matches the one the application shows:</p>\
<p id=\"user-code-display\" class=\"code\">{code}</p>\
<form id=\"device-form\" method=\"post\" action=\"/device\">\
<input type=\"hidden\" name=\"user_code\" value=\"{code}\">\
<button type=\"submit\" id=\"confirm\" class=\"primary\" autofocus>Confirm and continue</button></form>",
        code = esc(user_code),
    );
    layout("Authorize request", &body)
}

/// After the code is confirmed: sign in and allow or deny.
pub fn device_consent_page(user_code: &str, view: &ConsentView<'_>) -> String {
    let body = format!(
        "<h1>Allow <span id=\"client-name\">{client}</span> to access your data?</h1>\
<p>Code <span id=\"user-code-display\" class=\"code\">{code}</span> for <span id=\"start-url\">{start}</span>.</p>\
{scopes}{error}<form id=\"consent-form\" method=\"post\" action=\"/device/decision\">\
<input type=\"hidden\" name=\"user_code\" value=\"{code}\">{fields}{buttons}</form>",
        client = esc(view.client_name),
        code = esc(user_code),
        start = esc(view.start_url),
        scopes = scope_list(view.scopes),
        error = error_block(view.error),
        fields = signin_fields(view.default_username, view.password_hint),
        buttons = decision_buttons(),
    );
    layout("Allow access", &body)
}

pub fn result_page(approved: bool) -> String {
    let (heading, text) = if approved {
        ("Request approved", "You can close this window and return to the application.")
    } else {
        ("Request denied", "The application was not given access. You can close this window.")
    };
    layout(heading, &format!("<h1 id=\"result\">{heading}</h1><p>{text}</p>"))
}

pub fn error_page(title: &str, message: &str) -> String {
    layout(
        title,
        &format!(
            "<h1>{}</h1><p id=\"error\" class=\"error\" role=\"alert\">{}</p>",
            esc(title),
            esc(message)
        ),
    )
}

pub fn index_page(base_url: &str, region: &str, start_url: &str, accounts: usize, control: bool) -> String {
    let body = format!(
        "<h1>sso-bridge-emulator</h1><p>A local IAM Identity Center: SSO OIDC and the portal API on one \
origin.</p><dl><dt>Base URL</dt><dd id=\"base-url\">{base}</dd><dt>Region</dt><dd>{region}</dd>\
<dt>Start URL</dt><dd>{start}</dd><dt>Accounts</dt><dd>{accounts}</dd><dt>Test control</dt><dd>{control}</dd></dl>\
<p><a href=\"/device\">Enter a device code</a></p>",
        base = esc(base_url),
        region = esc(region),
        start = esc(start_url),
        control = if control { "enabled at /_emulator/" } else { "disabled" },
    );
    layout("sso-bridge-emulator", &body)
}
