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
  type SsoBridgeError,
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
  try {
    version();
  } catch (error: unknown) {
    if (isSsoBridgeError(error)) {
      expectType<string>(error.code);
      expectType<string>(error.variant);
      expectType<boolean>(error.retryable);
    }
  }
}

export function useBundler(): string {
  return expectType<string>(bundler.version());
}
