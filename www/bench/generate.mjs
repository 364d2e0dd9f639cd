// The 5,000-profile config and 200-profile credentials file of the native parser benchmark
// (crate/benches/parse_config.rs), generated the same way, byte for byte.
export const PROFILES = 5000;

export function generatedConfig() {
  let text = "# generated for the parser benchmark\n[default]\nregion = us-east-1\noutput = json\n\n";
  for (let session = 0; session < 20; session++) {
    text +=
      `[sso-session corp-${session}]\nsso_start_url = https://d-${String(session).padStart(10, "0")}.awsapps.com/start\n` +
      "sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n";
  }
  for (let index = 0; index < PROFILES; index++) {
    const account = 100_000_000_000 + index;
    switch (index % 4) {
      case 0:
      case 1:
        text +=
          `[profile team-${index}-admin]\nsso_session = corp-${index % 20}\nsso_account_id = ${account}\n` +
          "sso_role_name = AdministratorAccess\nregion = us-west-2\noutput = json\n\n";
        break;
      case 2:
        text +=
          `; legacy profile\n[profile legacy-${index}]\nsso_start_url = https://legacy.awsapps.com/start\n` +
          `sso_region = us-east-1\nsso_account_id = ${account}\nsso_role_name = ReadOnly\n\n`;
        break;
      default:
        text +=
          `[profile chain-${index}]\nsource_profile = team-${index - 3}-admin\n` +
          `role_arn = arn:aws:iam::${account}:role/Deploy\ns3 =\n  addressing_style = path\n  ` +
          "max_concurrent_requests = 20\nregion = ap-southeast-2 # comment\n\n";
    }
  }
  return text;
}

export function generatedCredentials() {
  let text = "";
  for (let index = 0; index < 200; index++) {
    text +=
      `[static-${index}]\naws_access_key_id = AKIAEXAMPLE${String(index).padStart(8, "0")}\n` +
      `aws_secret_access_key = ${"x".repeat(40)}\n\n`;
  }
  return text;
}
