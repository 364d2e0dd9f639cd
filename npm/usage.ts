// Type-checked by `cargo xtask dist` with `tsc --strict --noEmit`: calls every export of the package
// with the declared types, so a binding whose generated `.d.ts` drifts (or says `any`) fails the build.
import init, {
  initSync,
  version,
  tokenCacheKey,
  registrationCacheKey,
  tokenFileJson,
  parseTokenFile,
  registrationFileJson,
  parseRegistrationFile,
  parseConfig,
  resolveProfile,
  listSsoProfiles,
  exportCredentials,
  credentialsFileSection,
  resolveEndpoints,
  tokenFileFor,
  planRefresh,
  OidcClient,
  PortalClient,
  type Endpoints,
  type ObtainedRegistration,
  type DeviceAuthorization,
  type IssuedToken,
  type PkceStart,
  type PendingPkce,
  type RefreshPlan,
  type AccountInfo,
  type RoleInfo,
  type AccountWithRoles,
  type ConsoleSignin,
  type SsoBridgeError,
  type AwsCredentials,
  type ExportFormat,
  type ParsedConfig,
  type SsoProfile,
  type SsoProfileEntry,
  type Diagnostic,
  type TokenFile,
  type RegistrationFile,
  type RegistrationCacheKeyInput,
} from "sso-bridge";
import * as bundler from "sso-bridge/bundler";

// Fails to compile if `T` is `any`.
type NotAny<T> = 0 extends 1 & T ? never : T;
function expectType<T>(value: NotAny<T>): T {
  return value;
}

function isSsoBridgeError(error: unknown): error is SsoBridgeError {
  return error instanceof Error && error.name === "SsoBridgeError";
}

export function useSync(module: WebAssembly.Module): string {
  initSync({ module });
  return version();
}

export async function useWeb(wasmUrl: URL): Promise<void> {
  await init({ module_or_path: wasmUrl });
  expectType<string>(version());

  // Cache keys and files.
  expectType<string>(tokenCacheKey("dev"));
  const keyInput: RegistrationCacheKeyInput = { startUrl: "https://x.awsapps.com/start", region: "us-east-1" };
  expectType<string>(registrationCacheKey({ ...keyInput, scopes: null, sessionName: "dev" }));
  const token: TokenFile = parseTokenFile('{"accessToken": "a", "expiresAt": "2030-01-01T00:00:00Z"}');
  expectType<string>(token.accessToken);
  expectType<string | null | undefined>(token.refreshToken);
  expectType<string>(tokenFileJson({ ...token, region: "us-east-1" }));
  const registration: RegistrationFile = parseRegistrationFile(
    '{"clientId": "c", "clientSecret": "s", "expiresAt": "2030-01-01T00:00:00Z"}',
  );
  expectType<string[] | null | undefined>(registration.grantTypes);
  expectType<string>(registrationFileJson(registration));

  // Config files.
  const parsed: ParsedConfig = parseConfig("[profile dev]\nsso_session = corp\n", "[default]\n");
  const parsedWithoutCredentials: ParsedConfig = parseConfig("[default]\n");
  expectType<string>(parsed.profiles["dev"]!.properties["sso_session"]!.value);
  expectType<number>(parsed.sessions["corp"]!.origin.line);
  expectType<Record<string, string>>(
    Object.fromEntries(Object.entries(parsedWithoutCredentials.otherSections).map(([k, s]) => [k, s.prefix])),
  );
  const diagnostics: Diagnostic[] = parsed.diagnostics;
  expectType<"warning" | "error">(diagnostics[0]!.severity);
  const profile: SsoProfile = resolveProfile("dev", "[profile dev]\n", "[default]\n");
  expectType<string | null>(profile.accountId);
  expectType<"roleCredentials" | "bearerToken">(profile.kind);
  expectType<string | undefined>(resolveProfile("dev", "").session?.name);
  const entries: SsoProfileEntry[] = listSsoProfiles("[profile dev]\n", "[default]\n");
  expectType<string | undefined>(entries[0]?.error?.code);
  expectType<number>(listSsoProfiles("").length);

  // Credential export.
  const credentials: AwsCredentials = { accessKeyId: "AKID", secretAccessKey: "s", sessionToken: null };
  const formats: ExportFormat[] = ["process", "env", "env-no-export", "powershell", "windows-cmd", "fish"];
  for (const format of formats) expectType<string>(exportCredentials(credentials, format));
  expectType<string>(credentialsFileSection("dev", { ...credentials, expiration: "2030-01-01T00:00:00Z" }));
  try {
    version();
  } catch (error: unknown) {
    if (isSsoBridgeError(error)) {
      expectType<string>(error.code);
      expectType<string>(error.variant);
      expectType<boolean>(error.retryable);
      expectType<number | undefined>(error.line);
      expectType<string | undefined>(error.operation);
    }
  }
}

export async function useClients(signal: AbortSignal): Promise<void> {
  const endpoints: Endpoints = resolveEndpoints({ region: "us-east-1", env: { AWS_ENDPOINT_URL_SSO: "http://x" } });
  expectType<string>(endpoints.oidc.url);
  if (endpoints.portal.source.kind === "awsDefault") expectType<string>(endpoints.portal.source.partition);
  resolveEndpoints({ region: "eu-west-1", profileName: "dev", configText: "", credentialsText: null });

  const oidc = new OidcClient(endpoints.oidc.url);
  expectType<string>(oidc.endpointUrl);
  const session = { startUrl: "https://x.awsapps.com/start", region: "us-east-1" };
  const obtained: ObtainedRegistration = await oidc.register({ kind: "deviceCode", ...session, sessionName: "dev" });
  expectType<string | null>(obtained.newCacheFile);
  const device: DeviceAuthorization = await oidc.startDeviceAuthorization(obtained.registration, session.startUrl);
  expectType<string | null>(device.verificationUriComplete);
  const issued: IssuedToken = await oidc.pollDeviceToken(obtained.registration, device, { signal });
  await oidc.pollDeviceToken(obtained.registration, device);
  const pkce = await oidc.register({
    kind: "authorizationCode",
    ...session,
    scopes: ["sso:account:access"],
    cachedRegistrationFile: obtained.newCacheFile,
  });
  const started: PkceStart = oidc.pkceStart(pkce.registration, { port: 8080 });
  const pending: PendingPkce = started.pending;
  expectType<number>(pending.expiresAt);
  const viaPkce: IssuedToken = await oidc.pkceFinish(pending, started.authorizeUrl);
  const token: TokenFile = tokenFileFor(viaPkce ?? issued, session, pkce.registration);
  const refreshed: TokenFile = await oidc.refresh(token, session);
  const plan: RefreshPlan = planRefresh(refreshed, null);
  if (plan.action === "signInAgain") expectType<"not_refreshable" | "registration_expired">(plan.code);
  planRefresh(refreshed, "2030-01-01T00:00:00Z");

  const portal = new PortalClient(endpoints.portal.url);
  expectType<string>(portal.endpointUrl);
  const accounts: AccountInfo[] = await portal.listAccounts(token.accessToken, { signal, pageSize: 50, maxAttempts: 3 });
  expectType<string | null>(accounts[0]!.accountName);
  await portal.listAccounts(token.accessToken);
  const roles: RoleInfo[] = await portal.listAccountRoles(token.accessToken, accounts[0]!.accountId, { signal });
  const all: AccountWithRoles[] = await portal.listAccountsAndRoles(token.accessToken, { concurrency: 2 });
  expectType<number>(all[0]!.roles.length);
  const credentials: AwsCredentials = await portal.getRoleCredentials(token, roles[0]!.accountId, roles[0]!.roleName);
  await portal.getRoleCredentials(token, "1", "r", { signal });
  const signin: ConsoleSignin = await portal.consoleSigninUrl(token, "111122223333", "ReadOnly", { region: "eu-west-1", destination: "/ec2/home", signal });
  expectType<string>(signin.url);
  await portal.consoleSigninUrl(token, "1", "r", { region: "us-east-1", federationEndpoint: "http://127.0.0.1:4566" });
  expectType<string>(exportCredentials(credentials, "fish"));
  expectType<void>(await portal.logout(token.accessToken));
  oidc.free();
  portal.free();
}

export function useBundler(): string {
  return expectType<string>(bundler.version());
}
