// Type-checked by `cargo xtask dist` with `tsc --strict --noEmit`: calls every export of the package
// with the declared types, so a binding whose generated `.d.ts` drifts (or says `any`) fails the build.
import init, {
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

export function useBundler(): string {
  return expectType<string>(bundler.version());
}
