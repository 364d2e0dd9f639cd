// The values the module returns against the TypeScript declarations it ships (pkg/web/sso_bridge.d.ts):
// every key a returned object has must be declared, every required declared key must be there, and
// each value must have its declared type, recursively. Most shapes' writers and TypeScript come
// from one declaration (wasm/src/shapes.rs); this checks the module as shipped, and the shapes still
// written by hand (the error object, the pending PKCE sign-in) against their declarations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const pkg = new URL("../../pkg/", import.meta.url);
const dtsPath = fileURLToPath(new URL("web/sso_bridge.d.ts", pkg));
const source = ts.createSourceFile(dtsPath, await readFile(dtsPath, "utf8"), ts.ScriptTarget.Latest, true);
const declared = new Map();
for (const statement of source.statements) {
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
    declared.set(statement.name.text, statement);
  }
}
const api = await import(fileURLToPath(new URL("node/sso_bridge.js", pkg)));

/** Problems of `value` against the declared type `type` (a TypeNode), as "path: what" lines. */
function check(value, type, path) {
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword:
      return typeof value === "string" ? [] : [`${path}: ${JSON.stringify(value)} is not a string`];
    case ts.SyntaxKind.NumberKeyword:
      return typeof value === "number" ? [] : [`${path}: ${JSON.stringify(value)} is not a number`];
    case ts.SyntaxKind.BooleanKeyword:
      return typeof value === "boolean" ? [] : [`${path}: ${JSON.stringify(value)} is not a boolean`];
    case ts.SyntaxKind.LiteralType: {
      const literal = type.literal;
      const expected = literal.kind === ts.SyntaxKind.NullKeyword ? null : literal.text;
      return value === expected ? [] : [`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(expected)}`];
    }
    case ts.SyntaxKind.ParenthesizedType:
      return check(value, type.type, path);
    case ts.SyntaxKind.UnionType: {
      const attempts = type.types.map((member) => check(value, member, path));
      return attempts.some((problems) => problems.length === 0) ? [] : attempts.flat();
    }
    case ts.SyntaxKind.ArrayType:
      if (!Array.isArray(value)) return [`${path}: not an array`];
      return value.flatMap((item, index) => check(item, type.elementType, `${path}[${index}]`));
    case ts.SyntaxKind.TypeLiteral:
      return checkMembers(value, type.members, path);
    case ts.SyntaxKind.TypeReference: {
      const name = type.typeName.getText();
      if (name === "Record") {
        if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${path}: not an object`];
        return Object.entries(value).flatMap(([key, item]) => check(item, type.typeArguments[1], `${path}.${key}`));
      }
      const declaration = declared.get(name);
      if (!declaration) return [`${path}: type ${name} is not declared in the .d.ts`];
      return ts.isInterfaceDeclaration(declaration)
        ? checkMembers(value, declaration.members, path)
        : check(value, declaration.type, path);
    }
    default:
      return [`${path}: the test does not know the type ${ts.SyntaxKind[type.kind]}`];
  }
}

function checkMembers(value, members, path) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${path}: not an object`];
  const problems = [];
  const names = new Set();
  for (const member of members) {
    if (!ts.isPropertySignature(member)) continue;
    const name = member.name.getText();
    names.add(name);
    if (!(name in value)) {
      if (!member.questionToken) problems.push(`${path}.${name}: declared required, missing at run time`);
      continue;
    }
    problems.push(...check(value[name], member.type, `${path}.${name}`));
  }
  for (const key of Object.keys(value)) {
    if (!names.has(key)) problems.push(`${path}.${key}: returned but not declared`);
  }
  return problems;
}

/** Where `value` and the type `typeText` (TypeScript, over the .d.ts's names) disagree. */
function shapeProblems(value, typeText) {
  const node = ts.createSourceFile("t.ts", `type T = ${typeText};`, ts.ScriptTarget.Latest, true).statements[0].type;
  return check(value, node, typeText);
}

function assertShape(value, typeText) {
  assert.deepEqual(shapeProblems(value, typeText), [], `${typeText} and what the module returns disagree`);
}

const CONFIG = `[default]
region = eu-west-1
[profile admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
region = eu-central-1
[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-west-2
sso_account_id = 444455556666
sso_role_name = ReadOnly
[profile broken]
sso_session = missing
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
[services dev]
sso_oidc =
  endpoint_url = http://127.0.0.1:9
key with spaces = 1
`;

test("the checker itself notices a renamed, a missing and an extra field", () => {
  const wrong = { accessToken: "t", expiresAt: "2026-01-01T00:00:00Z", refresh_token: null };
  assert.deepEqual(shapeProblems(wrong, "IssuedToken").sort(), [
    "IssuedToken.refreshToken: declared required, missing at run time",
    "IssuedToken.refresh_token: returned but not declared",
  ]);
  assert.deepEqual(shapeProblems({ action: "due", extra: 1 }, "RefreshPlan").includes("RefreshPlan.extra: returned but not declared"), true);
  assert.notDeepEqual(shapeProblems({ oidc: { url: 1 } }, "Endpoints"), []);
});

test("config results match ParsedConfig, SsoProfile, SsoProfileEntry", () => {
  assertShape(api.parseConfig(CONFIG, "[admin]\naws_access_key_id = x\n"), "ParsedConfig");
  assertShape(api.resolveProfile("admin", CONFIG), "SsoProfile");
  assertShape(api.resolveProfile("legacy", CONFIG), "SsoProfile");
  assertShape(api.listSsoProfiles(CONFIG), "SsoProfileEntry[]");
  assertShape(api.resolveEndpoints({ region: "us-east-1", profileName: "admin", configText: CONFIG }), "Endpoints");
});

test("cache and refresh results match TokenFile, RegistrationFile, RefreshPlan", () => {
  const registration = {
    clientId: "client",
    clientSecret: "secret",
    expiresAt: "2030-01-01T00:00:00Z",
    scopes: ["sso:account:access"],
    grantTypes: ["authorization_code", "refresh_token"],
  };
  const issued = { accessToken: "token", expiresAt: "2026-05-01T20:00:00Z", refreshToken: "refresh" };
  const session = { startUrl: "https://corp.awsapps.com/start", region: "us-east-1" };
  const token = api.tokenFileFor(issued, session, registration);
  assertShape(token, "TokenFile");
  assertShape(api.parseTokenFile(api.tokenFileJson(token)), "TokenFile");
  assertShape(api.parseRegistrationFile(api.registrationFileJson(registration)), "RegistrationFile");
  for (const lastAttemptAt of [null, new Date().toISOString().replace(/\.\d+Z$/, "Z")]) {
    assertShape(api.planRefresh(token, lastAttemptAt), "RefreshPlan");
  }
  assertShape(api.planRefresh({ accessToken: "t", expiresAt: "2020-01-01T00:00:00Z" }, null), "RefreshPlan");
});
