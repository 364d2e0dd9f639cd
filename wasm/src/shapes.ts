// Generated from wasm/src/shapes.rs by its test (SSO_BRIDGE_WRITE_GENERATED=1 cargo test -p sso-bridge-wasm); do not edit.

/** Timestamps as the AWS CLI writes them: "2026-01-02T03:04:05Z" (other ISO 8601 UTC forms are read too). */
export type Timestamp = string;

/** Every error this package throws or rejects with. */
export interface SsoBridgeError extends Error {
  name: "SsoBridgeError";
  /** Stable snake_case code, e.g. "authorization_pending", "access_denied", "invalid_argument". */
  code: string;
  /** The Rust error variant's name, e.g. "AccessDenied". */
  variant: string;
  /** Whether trying the same call again later can succeed. */
  retryable: boolean;
  /** For SSO call errors: the AWS operation, e.g. "CreateToken" (or "authorize", "sign-in"). */
  operation?: string;
  /** For SSO call errors: the HTTP status, when the service answered. */
  status?: number;
  /** For config syntax errors: the file's display name ("~/.aws/config") and 1-based line. */
  file?: string;
  line?: number;
}

export interface ParsedConfig {
  /** Profiles by name, the credentials file's values winning for the same key (as in the SDKs). */
  profiles: Record<string, ConfigSection>;
  /** `[sso-session NAME]` sections by name. */
  sessions: Record<string, ConfigSection>;
  /** Other sections by "prefix name". */
  otherSections: Record<string, OtherConfigSection>;
  diagnostics: Diagnostic[];
}

/** A `[profile NAME]`/`[default]` or `[sso-session NAME]` section; keys are lower-cased. */
export interface ConfigSection {
  name: string;
  origin: Origin;
  properties: Record<string, ConfigProperty>;
}

/** Where something is: the file's display name ("~/.aws/config", "~/.aws/credentials") and 1-based line. */
export interface Origin {
  file: string;
  line: number;
}

export interface ConfigProperty {
  key: string;
  /** Sub-property blocks (e.g. `s3 =` followed by indented lines) keep their raw text here. */
  value: string;
  origin: Origin;
}

/** Any other `[prefix NAME]` section (e.g. `[services NAME]`), with its sub-properties. */
export interface OtherConfigSection {
  prefix: string;
  name: string;
  origin: Origin;
  properties: Record<string, Record<string, ConfigProperty>>;
}

/** Something the SDKs ignore, or that the AWS CLI / boto3 read differently. */
export interface Diagnostic {
  /** Stable kebab-case identifier, e.g. "duplicate-key", "inline-comment". */
  code: string;
  severity: "warning" | "error";
  origin: Origin;
  message: string;
}

/** A profile resolved for SSO sign-in. */
export interface SsoProfile {
  name: string;
  origin: Origin;
  /** null for a legacy profile (start URL and region in the profile itself). */
  session: SsoSessionRef | null;
  startUrl: string;
  /** sso_region: where IAM Identity Center lives. */
  region: string;
  accountId: string | null;
  roleName: string | null;
  /** sso_registration_scopes, parsed; null when not configured (registrationCacheKey hashes null, not []). */
  scopes: string[] | null;
  /** What tokenCacheKey() hashes: the session name, or the legacy start URL. */
  tokenCacheIdentifier: string;
  /** The profile's own `region` (default region for AWS calls). */
  defaultRegion: string | null;
  kind: "roleCredentials" | "bearerToken";
  diagnostics: Diagnostic[];
}

export interface SsoSessionRef {
  name: string;
  origin: Origin;
}

export interface SsoProfileEntry {
  name: string;
  profile: SsoProfile | null;
  error: ConfigProblem | null;
}

/** Why a profile cannot be used for SSO, as data. */
export interface ConfigProblem {
  /** e.g. "missing_keys", "session_not_found", "inconsistent". */
  code: string;
  variant: string;
  message: string;
}

export interface Endpoints {
  oidc: ResolvedEndpoint;
  portal: ResolvedEndpoint;
}

/** Where requests go, and why (which setting chose it). */
export interface ResolvedEndpoint {
  url: string;
  source: EndpointSource;
}

/** Why requests go where they go: which setting chose the endpoint. */
export type EndpointSource =
  | { kind: "serviceEnvironment"; variable: string }
  | { kind: "globalEnvironment" }
  | { kind: "servicesSection"; section: string; origin: Origin }
  | { kind: "profileEndpointUrl"; origin: Origin }
  | { kind: "awsDefault"; partition: string };

/** Whether to refresh a cached token now, or when to look again. */
export type RefreshPlan =
  | { action: "notYet"; refreshAt: Timestamp }
  | { action: "due" }
  | { action: "wait"; retryAt: Timestamp }
  | { action: "signInAgain"; code: "not_refreshable" | "registration_expired"; expiresAt: Timestamp };

/** A token cache file (~/.aws/sso/cache/<tokenCacheKey>.json). Absent fields are left out. */
export interface TokenFile {
  startUrl?: string | null;
  region?: string | null;
  accessToken: string;
  expiresAt: Timestamp;
  clientId?: string | null;
  clientSecret?: string | null;
  registrationExpiresAt?: Timestamp | null;
  refreshToken?: string | null;
}

/** A client-registration cache file (~/.aws/sso/cache/<registrationCacheKey>.json). */
export interface RegistrationFile {
  clientId: string;
  clientSecret: string;
  expiresAt: Timestamp;
  /** Present for PKCE registrations and when sso_registration_scopes is configured. */
  scopes?: string[] | null;
  /** ["authorization_code", "refresh_token"] for PKCE registrations. */
  grantTypes?: string[] | null;
}

/** The inputs of the AWS CLI's client-registration cache key. */
export interface RegistrationCacheKeyInput {
  /** The configured start URL (not a resolved vanity URL). */
  startUrl: string;
  region: string;
  /** Parsed sso_registration_scopes; null/absent when not configured (a different key from []). */
  scopes?: string[] | null;
  /** The sso-session name; null/absent for legacy profiles. */
  sessionName?: string | null;
}

/** AWS credentials, as getRoleCredentials returns them and exportCredentials takes them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
  expiration?: Timestamp | null;
  accountId?: string | null;
}

/** What a client registration is for (all as configured, except issuerUrl). */
export interface RegistrationRequest {
  kind: "deviceCode" | "authorizationCode";
  /** The configured sso_start_url (the cache key uses it as written). */
  startUrl: string;
  /** The resolved start URL sent as the PKCE issuer; defaults to startUrl. */
  issuerUrl?: string | null;
  region: string;
  /** The sso-session name; null/absent for legacy profiles. */
  sessionName?: string | null;
  /** Parsed sso_registration_scopes; null/absent when not configured. */
  scopes?: string[] | null;
  /** The text of ~/.aws/sso/cache/<registrationCacheKey>.json, if it exists (reused when the CLI would). */
  cachedRegistrationFile?: string | null;
}

export interface ObtainedRegistration {
  registration: RegistrationFile;
  /** The file is ~/.aws/sso/cache/<cacheKey>.json. */
  cacheKey: string;
  /** The text to write there when a new client was registered; null when the cached one was reused. */
  newCacheFile: string | null;
}

/** StartDeviceAuthorization's answer, plus when it arrived (keep it to resume polling). */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  /** Seconds the code stays valid. */
  expiresIn: number;
  /** Seconds between polls (default 5). */
  interval: number | null;
  startedAt: Timestamp;
}

/** A token CreateToken issued, its expiry fixed at receipt. */
export interface IssuedToken {
  accessToken: string;
  expiresAt: Timestamp;
  refreshToken: string | null;
}

export interface PkceOptions {
  /** The loopback port of the redirect URI http://127.0.0.1:<port>/oauth/callback. */
  port: number;
  /** Configured scopes; default ["sso:account:access"]. */
  scopes?: string[] | null;
}

export interface PkceStart {
  authorizeUrl: string;
  pending: PendingPkce;
}

/** A PKCE sign-in waiting for its callback. Holds the code verifier and client secret: keep it private. */
export interface PendingPkce {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  state: string;
  codeVerifier: string;
  /** Epoch seconds after which the sign-in is abandoned (10 minutes). */
  expiresAt: number;
}

/** The sso-session's configured start URL and SSO region. */
export interface SsoSessionInfo {
  startUrl: string;
  region: string;
}

export interface EndpointOptions {
  /** The SSO region (sso_region). */
  region: string;
  /** The active profile (default "default"); its endpoint settings apply. */
  profileName?: string | null;
  configText?: string | null;
  credentialsText?: string | null;
  /** Environment variables to honour, e.g. { AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:8080" }. */
  env?: Record<string, string> | null;
}

export interface ListOptions {
  signal?: AbortSignal;
  /** Items per page, 1–100 (default 100). */
  pageSize?: number | null;
  /** Role listings in flight at once for listAccountsAndRoles (default 4). */
  concurrency?: number | null;
  /**
   * Attempts per page, the first included: throttled (429) and failed (5xx) pages are retried with
   * exponential backoff and jitter, honouring Retry-After (default 8; 1 = no retry).
   */
  maxAttempts?: number | null;
}

export interface AccountInfo {
  accountId: string;
  accountName: string | null;
  emailAddress: string | null;
}

export interface RoleInfo {
  roleName: string;
  accountId: string;
}

export interface AccountWithRoles {
  account: AccountInfo;
  roles: RoleInfo[];
}

export interface ConsoleOptions {
  /** The region the console opens in; it also picks the partition's sign-in host. */
  region: string;
  /** An https:// console URL, or a console path such as "/ec2/home"; default the console home. */
  destination?: string | null;
  /** A base URL serving /federation instead of the partition's sign-in host (the local emulator). */
  federationEndpoint?: string | null;
  signal?: AbortSignal;
}

/** A console sign-in. `url` holds a single-use sign-in token: open it, never log or store it. */
export interface ConsoleSignin {
  url: string;
  /** The console URL the sign-in lands on (no secret). */
  destination: string;
}

/** The `--format` choices of `aws configure export-credentials`. */
export type ExportFormat = "process" | "env" | "env-no-export" | "powershell" | "windows-cmd" | "fish";
