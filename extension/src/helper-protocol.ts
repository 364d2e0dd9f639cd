// Generated from host/src/messages.rs by its test `the_extension_types_are_generated_from_the_declarations`;
// do not edit. After changing a declaration there, run
// `SSO_BRIDGE_WRITE_GENERATED=1 cargo test -p sso-bridge-host generated_types` to write this file again.
// The helper protocol: host/PROTOCOL.md.

export interface PingReply {
  /** The binary's version. */
  helperVersion: string;
  /** Every request type this helper answers. */
  capabilities: string[];
  platform: Platform;
  paths: HelperPaths;
}

/** The operating system and CPU the helper runs on. */
export interface Platform {
  /** `linux`, `macos` or `windows`. */
  os: string;
  arch: string;
}

/** The files and folders the helper reads and writes. */
export interface HelperPaths {
  config: string;
  credentials: string;
  ssoCache: string;
  cliCache: string;
  /** The helper's log, when it could open one. */
  log: string | null;
}

export interface ReadConfigReply {
  config: FileReport;
  credentials: FileReport;
  tokens: TokenStatus[];
  unreadable: UnreadableFile[];
}

/** A config or credentials file with every secret value blanked. */
export interface FileReport {
  path: string;
  exists: boolean;
  /** The text, secret values blanked; `null` when the file does not exist. */
  content: string | null;
}

/** A cached token's status: never the token. */
export interface TokenStatus {
  file: string;
  /** The file name without `.json`. */
  cacheKey: string;
  /** The config's sso-session whose name hashes to the cache key. */
  sessionName: string | null;
  startUrl: string | null;
  region: string | null;
  expiresAt: string;
  expired: boolean;
  /** Whether botocore would refresh it (a refresh token and a live client registration). */
  refreshable: boolean;
}

/** A cache file that could not be read, and why. */
export interface UnreadableFile {
  file: string;
  message: string;
}

/** Which cached token: an sso-session's, or a legacy profile's start URL's. */
export interface TokenKey {
  sessionName?: string | null;
  /** For legacy profiles (without an sso-session). */
  startUrl?: string | null;
}

export interface ReadTokenReply {
  file: string;
  token: TokenFile;
}

/** A token cache file's members, as the AWS CLI writes them. */
export interface TokenFile {
  startUrl?: string;
  region?: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
}

/** The inputs of the AWS CLI's client-registration cache key: the helper derives the file name. */
export interface ReadRegistrationRequest {
  sessionName?: string | null;
  startUrl: string;
  region: string;
  /** The configured `sso_registration_scopes`; absent when not configured (not the same as []). */
  scopes?: string[] | null;
}

export interface ReadRegistrationReply {
  file: string;
  /** `null` when there is no cached registration: the extension registers a new client. */
  registration: RegistrationFile | null;
}

/** A client-registration cache file's members, as the AWS CLI writes them. */
export interface RegistrationFile {
  clientId: string;
  clientSecret: string;
  expiresAt: string;
  scopes?: string[];
  grantTypes?: string[];
}

export interface StoreTokenRequest {
  token: TokenFields;
  /** The sso-session; absent for a legacy profile (the token is keyed by its start URL). */
  sessionName?: string | null;
  registration?: RegistrationFields | null;
}

/** The token cache file to write. */
export interface TokenFields {
  startUrl: string;
  region: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string | null;
  clientSecret?: string | null;
  registrationExpiresAt?: string | null;
  refreshToken?: string | null;
}

/** A new client registration to cache, as the AWS CLI caches it. */
export interface RegistrationFields {
  clientId: string;
  clientSecret: string;
  expiresAt: string;
  scopes?: string[] | null;
  grantTypes?: string[] | null;
  /** The session's configured `sso_registration_scopes` (part of the cache key). */
  configuredScopes?: string[] | null;
}

export interface StoreTokenReply {
  file: string;
  /** The client-registration cache file, when one was written. */
  registrationFile?: string;
}

/** Exactly one of `sessionName`, `startUrl` or `all: true`. */
export interface DeleteTokensRequest {
  sessionName?: string | null;
  startUrl?: string | null;
  /** Every cached token and SSO role credential, as `aws sso logout` does. */
  all?: boolean | null;
}

export interface DeleteTokensReply {
  /** The files removed. */
  deleted: string[];
}

/** An `[sso-session NAME]` section to add or update. */
export interface WriteSsoSessionRequest {
  name: string;
  startUrl: string;
  region: string;
  /** `sso_registration_scopes`, comma-separated, as the CLI writes it. */
  registrationScopes?: string | null;
}

/** What a config edit did (`writeSsoSession`, `writeProfile`, `roleProfile` and `populate` with `apply`). */
export interface ConfigEdit {
  /** The config file. */
  path: string;
  /** Where the file as it was is kept, when it existed and changed. */
  backup: string | null;
  /** Whether the file changed (an identical section is left alone). */
  changed: boolean;
}

/**
 * A `[profile NAME]` section to add or update: with `ssoSession`, or legacy with `startUrl` and
 * `ssoRegion`.
 */
export interface WriteProfileRequest {
  name: string;
  accountId: string;
  roleName: string;
  region?: string | null;
  output?: string | null;
  ssoSession?: string | null;
  startUrl?: string | null;
  ssoRegion?: string | null;
}

/**
 * Role credentials to cache where the AWS CLI caches its SSO credentials (and, with
 * `credentialsProfile`, to write into the credentials file).
 */
export interface StoreRoleCredentialsRequest {
  sessionName?: string | null;
  startUrl?: string | null;
  /**
   * Only part of the cache key here, so not held to 12 digits (the AWS CLI's own test key
   * uses a 10-digit one).
   */
  accountId: string;
  roleName: string;
  credentials: RoleCredentialsFields;
  credentialsProfile?: string | null;
}

/** GetRoleCredentials' answer. */
export interface RoleCredentialsFields {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Milliseconds since the Unix epoch. */
  expiration: number;
}

export interface StoreRoleCredentialsReply {
  file: string;
  /** The credentials file, when `credentialsProfile` was given. */
  credentialsFile?: string;
}

/** A profile for every listed account and role of an sso-session: planned, or with `apply` written. */
export interface PopulateRequest {
  sessionName: string;
  /** The profile name template (`{account_name}.{role_name}` when absent). */
  template?: string | null;
  /** One profile per region (names get the region); none: profiles without a region. */
  regions?: string[] | null;
  /** Remove the profiles an earlier populate wrote that are no longer listed. */
  prune?: boolean | null;
  apply?: boolean | null;
  accounts: ListedAccount[];
}

/** One account and the role names listed for it. */
export interface ListedAccount {
  accountId: string;
  accountName?: string | null;
  roles: string[];
}

export interface PopulateReply {
  changes: PlannedChange[];
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  /** With `apply`: the config file. */
  path?: string;
  /** With `apply`: the backup of the file as it was (`null` when nothing was backed up). */
  backup?: string | null;
  /** With `apply`: whether the file changed. */
  changed?: boolean;
}

export interface PlannedChange {
  action: 'add' | 'update' | 'remove';
  /** The profile's name. */
  name: string;
}

/** A single-use console sign-in URL for one role; the credentials stay in the helper. */
export interface ConsoleUrlRequest {
  sessionName: string;
  accountId: string;
  roleName: string;
  /** The console's region (the helper's default when absent). */
  region?: string | null;
  /** A console URL to land on, or a service name (`s3`). */
  destination?: string | null;
}

export interface ConsoleUrlReply {
  /** Opens the console signed in; holds a sign-in token, so it is used once and never kept. */
  url: string;
  /** Where the console lands. */
  destination: string;
}

/** "Add profile" for one role: the profile's name from the template, planned or with `apply` written. */
export interface RoleProfileRequest {
  sessionName: string;
  accountId: string;
  accountName?: string | null;
  roleName: string;
  template?: string | null;
  region?: string | null;
  apply?: boolean | null;
}

export interface RoleProfileReply {
  /** The profile's name. */
  name: string;
  /** The `[profile …]` section as it would be written. */
  section: string;
  /** A profile of that name with the same values exists already (nothing to write). */
  exists: boolean;
  /** With `apply`: the config file. */
  path?: string;
  /** With `apply`: the backup of the file as it was (`null` when nothing was backed up). */
  backup?: string | null;
  /** With `apply`: whether the file changed. */
  changed?: boolean;
}

/** Every request type: its fields (besides `type` and `id`) and its reply (besides `id`, `version`, `ok`). */
export interface HelperRequests {
  ping: { request: Record<string, never>; reply: PingReply };
  readConfig: { request: Record<string, never>; reply: ReadConfigReply };
  readToken: { request: TokenKey; reply: ReadTokenReply };
  readRegistration: { request: ReadRegistrationRequest; reply: ReadRegistrationReply };
  storeToken: { request: StoreTokenRequest; reply: StoreTokenReply };
  deleteTokens: { request: DeleteTokensRequest; reply: DeleteTokensReply };
  writeSsoSession: { request: WriteSsoSessionRequest; reply: ConfigEdit };
  writeProfile: { request: WriteProfileRequest; reply: ConfigEdit };
  storeRoleCredentials: { request: StoreRoleCredentialsRequest; reply: StoreRoleCredentialsReply };
  populate: { request: PopulateRequest; reply: PopulateReply };
  consoleUrl: { request: ConsoleUrlRequest; reply: ConsoleUrlReply };
  roleProfile: { request: RoleProfileRequest; reply: RoleProfileReply };
}

/** A request type the helper answers. */
export type HelperRequestType = keyof HelperRequests;
