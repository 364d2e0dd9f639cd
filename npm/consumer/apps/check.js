// What every consumer app does with the package, whichever toolchain built it: a cache key, a parsed
// config, a resolved profile, and the typed error for a wrong argument. The test compares the result.
const CONFIG =
  "[profile admin]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n" +
  "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";

export function exercise(api) {
  let wrongArgument;
  try {
    api.parseConfig(42);
    wrongArgument = "no error";
  } catch (error) {
    wrongArgument = `${error.name}/${error.code}`;
  }
  return {
    version: api.version(),
    tokenCacheKey: api.tokenCacheKey("admin"),
    profiles: Object.keys(api.parseConfig(CONFIG).profiles),
    ssoRegion: api.resolveProfile("admin", CONFIG).region,
    wrongArgument,
  };
}

// In a page: publish the result (or the failure) for the test to read.
export async function runInPage(load) {
  try {
    window.consumerResult = exercise(await load());
  } catch (error) {
    window.consumerResult = { failed: String(error?.stack ?? error) };
  }
}
