// The demo page: plain ESM importing the built package (pkg/web), no bundler.
import init, { listSsoProfiles, parseConfig, OidcClient, PortalClient } from "../pkg/web/sso_bridge.js";

await init();

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
if (params.has("endpoint")) $("endpoint").value = params.get("endpoint");

/** One table cell with text (never HTML: config values are user input). */
function cell(row, text) {
  row.insertCell().textContent = text ?? "";
}

function showConfig() {
  const configText = $("config").value;
  const credentialsText = $("credentials").value || undefined;
  const tbody = $("profiles").tBodies[0];
  tbody.replaceChildren();
  $("diagnostics").replaceChildren();
  $("config-error").hidden = true;
  try {
    const parsed = parseConfig(configText, credentialsText);
    const entries = listSsoProfiles(configText, credentialsText);
    for (const { name, profile, error } of entries) {
      const row = tbody.insertRow();
      cell(row, name);
      cell(row, profile?.session?.name ?? (profile ? "(legacy)" : ""));
      cell(row, profile?.startUrl);
      cell(row, profile?.region);
      cell(row, profile?.accountId);
      cell(row, profile?.roleName);
      cell(row, error?.message);
    }
    $("profiles").hidden = entries.length === 0;
    $("profile-count").textContent =
      `${Object.keys(parsed.profiles).length} profiles, ${Object.keys(parsed.sessions).length} sso-sessions, ` +
      `${entries.length} using SSO`;
    for (const diagnostic of parsed.diagnostics) {
      const item = document.createElement("li");
      item.className = diagnostic.severity;
      item.dataset.code = diagnostic.code;
      item.textContent = `${diagnostic.origin.file} line ${diagnostic.origin.line}: ${diagnostic.message}`;
      $("diagnostics").append(item);
    }
  } catch (error) {
    $("profiles").hidden = true;
    $("profile-count").textContent = "";
    $("config-error").hidden = false;
    $("config-error").textContent = error.message;
    $("config-error").dataset.code = error.code ?? "";
  }
}

let controller = null;

async function signIn() {
  const endpoint = $("endpoint").value.trim();
  const session = { startUrl: $("start-url").value.trim(), region: $("region").value.trim() };
  $("status").className = "";
  $("accounts").replaceChildren();
  controller = new AbortController();
  $("sign-in").disabled = true;
  $("cancel").disabled = false;
  try {
    const oidc = new OidcClient(endpoint);
    $("status").textContent = "Registering the client…";
    const { registration } = await oidc.register({ kind: "deviceCode", ...session });
    const authorization = await oidc.startDeviceAuthorization(registration, session.startUrl);
    $("user-code").textContent = authorization.userCode;
    $("verification").href = authorization.verificationUriComplete ?? authorization.verificationUri;
    $("device").hidden = false;
    $("status").textContent = "Waiting for you to approve the request…";
    const token = await oidc.pollDeviceToken(registration, authorization, { signal: controller.signal });
    $("device").hidden = true;
    $("status").textContent = `Signed in; the token is valid until ${token.expiresAt}. Listing accounts…`;
    const accounts = await new PortalClient(endpoint).listAccounts(token.accessToken, { signal: controller.signal });
    $("status").textContent = `Signed in; the token is valid until ${token.expiresAt}. ${accounts.length} accounts.`;
    for (const account of accounts) {
      const item = document.createElement("li");
      item.textContent = `${account.accountId} ${account.accountName ?? ""}`;
      $("accounts").append(item);
    }
  } catch (error) {
    $("device").hidden = true;
    $("status").className = "error";
    $("status").dataset.code = error.code ?? "";
    $("status").textContent = error.message;
  } finally {
    $("sign-in").disabled = false;
    $("cancel").disabled = true;
  }
}

$("parse").addEventListener("click", showConfig);
$("sign-in").addEventListener("click", signIn);
$("cancel").addEventListener("click", () => controller?.abort());
showConfig();
document.body.dataset.ready = "true";
