import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

const SECRET = "0123456789abcdef0123456789abcdef-secret";
/** Production needs a key for TOTP secrets at rest too (unless STAFF_MFA=off). */
const MFA_KEY = { MFA_ENCRYPTION_KEY: "0123456789abcdef0123456789abcdef-mfa-key" };

describe("loadConfig", () => {
  it("refuses to start in production without SESSION_SECRET, naming the variable", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET/);
  });

  it("refuses a production secret shorter than 32 characters", () => {
    expect(() => loadConfig({ NODE_ENV: "production", SESSION_SECRET: "short" })).toThrow(/SESSION_SECRET.*32/);
  });

  it("accepts a long production secret and turns on Secure and the __Host- prefix", () => {
    const config = loadConfig({ NODE_ENV: "production", SESSION_SECRET: SECRET, ...MFA_KEY });
    expect(config.session.cookieSecure).toBe(true);
    expect(config.session.cookieName).toBe("__Host-sid");
  });

  it("keeps several secrets for rotation, newest first", () => {
    const other = "another-secret-that-is-long-enough-000";
    const config = loadConfig({ NODE_ENV: "production", SESSION_SECRET: `${other}, ${SECRET}`, ...MFA_KEY });
    expect(config.session.secrets).toEqual([other, SECRET]);
  });

  it("generates a development secret once and keeps it under the data folder", () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "nsi-config-"));
    const first = loadConfig({ NODE_ENV: "development", DATA_DIR: dataDir });
    const second = loadConfig({ NODE_ENV: "development", DATA_DIR: dataDir });
    expect(first.session.secrets[0]!.length).toBeGreaterThanOrEqual(32);
    expect(second.session.secrets).toEqual(first.session.secrets);
    expect(readFileSync(path.join(dataDir, "session-secret"), "utf8").trim()).toBe(first.session.secrets[0]);
    expect(first.session.cookieSecure).toBe(false);
    expect(first.session.cookieName).toBe("sid");
  });

  it("treats empty strings as unset and applies documented defaults", () => {
    const config = loadConfig({ NODE_ENV: "test", SESSION_SECRET: SECRET, REDIS_URL: "", SESSION_CACHE_TTL: "" });
    expect(config.redis).toBeNull();
    expect(config.session.cacheTtlS).toBe(300);
    expect(config.impersonation.ttlS).toBe(3600);
    expect(config.impersonation.reauthWindowS).toBe(900);
    expect(config.database.pgliteDir).toBe(path.join(".data", "pglite"));
  });

  it("asks write consent and lets admins alone write by default; takes both from the environment", () => {
    const defaults = loadConfig({ NODE_ENV: "test", SESSION_SECRET: SECRET, IMPERSONATION_CONSENT: "", IMPERSONATION_WRITE_ROLES: "" });
    expect(defaults.impersonation).toMatchObject({ consent: "write", writeRoles: ["admin"] });
    const set = loadConfig({ NODE_ENV: "test", SESSION_SECRET: SECRET, IMPERSONATION_CONSENT: "always", IMPERSONATION_WRITE_ROLES: "admin, support" });
    expect(set.impersonation).toMatchObject({ consent: "always", writeRoles: ["admin", "support"] });
  });

  it("refuses an unknown consent policy and a write role that is not staff, naming the variable", () => {
    expect(() => loadConfig({ NODE_ENV: "test", SESSION_SECRET: SECRET, IMPERSONATION_CONSENT: "sometimes" })).toThrow(/IMPERSONATION_CONSENT/);
    expect(() => loadConfig({ NODE_ENV: "test", SESSION_SECRET: SECRET, IMPERSONATION_WRITE_ROLES: "admin,user" })).toThrow(/IMPERSONATION_WRITE_ROLES/);
  });

  it("rejects a malformed number with the variable's name", () => {
    expect(() => loadConfig({ NODE_ENV: "test", SESSION_SECRET: SECRET, SESSION_CACHE_TTL: "five" })).toThrow(/SESSION_CACHE_TTL/);
  });

  it("chooses the Redis mode from the variables given", () => {
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test", REDIS_URL: "redis://127.0.0.1:6379" }).redis?.mode).toBe("single");
    const cluster = loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test", REDIS_CLUSTER_NODES: "127.0.0.1:7001,127.0.0.1:7002" });
    expect(cluster.redis?.mode).toBe("cluster");
    expect(cluster.redis?.clusterNodes).toEqual([{ host: "127.0.0.1", port: 7001 }, { host: "127.0.0.1", port: 7002 }]);
    const sentinel = loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test", REDIS_SENTINELS: "127.0.0.1:26379", REDIS_SENTINEL_NAME: "main" });
    expect(sentinel.redis?.mode).toBe("sentinel");
    expect(sentinel.redis?.sentinelName).toBe("main");
  });

  it("makes REDIS_REQUIRED without any Redis address a startup error", () => {
    expect(() => loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test", REDIS_REQUIRED: "true" })).toThrow(/REDIS_REQUIRED/);
  });

  it("seeds sample users by default outside production and none in production", () => {
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test" }).seed.sampleUsers).toBe(240);
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", ...MFA_KEY }).seed.sampleUsers).toBe(0);
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", SEED_SAMPLE_USERS: "0", ...MFA_KEY }).seed.sampleUsers).toBe(0);
  });

  it("refuses to load a production config that asks for sample users, naming SEED_SAMPLE_USERS", () => {
    expect(() => loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", SEED_SAMPLE_USERS: "10" })).toThrow(ConfigError);
    expect(() => loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", SEED_SAMPLE_USERS: "10" })).toThrow(/SEED_SAMPLE_USERS=10/);
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "development", SEED_SAMPLE_USERS: "10" }).seed.sampleUsers).toBe(10);
  });

  it("bounds the setup link's lifetime from below", () => {
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test" }).seed.setupTtlS).toBe(3600);
    expect(() => loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test", ADMIN_SETUP_TTL: "5" })).toThrow(/ADMIN_SETUP_TTL/);
  });

  it("requires staff second factors in production and makes them optional in development", () => {
    const key = "mfa-key-0123456789-abcdefghijklmnopqrstuv";
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", MFA_ENCRYPTION_KEY: key }).mfa.staffPolicy).toBe("required");
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test" }).mfa.staffPolicy).toBe("optional");
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test", STAFF_MFA: "off" }).mfa.staffPolicy).toBe("off");
    expect(() => loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "test", STAFF_MFA: "sometimes" })).toThrow(/STAFF_MFA/);
  });

  it("takes the passkeys' origin from WEBAUTHN_ORIGIN or APP_ORIGIN and the RP ID from its host, and refuses an RP ID the origin cannot use", () => {
    const base = { SESSION_SECRET: SECRET, NODE_ENV: "test" };
    expect(loadConfig(base).mfa.webauthn).toEqual({ rpName: "Next Session Console", origin: undefined, rpId: undefined });
    expect(loadConfig({ ...base, APP_ORIGIN: "https://console.example.com/" }).mfa.webauthn).toMatchObject({ origin: "https://console.example.com", rpId: "console.example.com" });
    expect(loadConfig({ ...base, APP_ORIGIN: "https://a.example", WEBAUTHN_ORIGIN: "https://login.example.com:8443", WEBAUTHN_RP_ID: "Example.com", WEBAUTHN_RP_NAME: "Acme" }).mfa.webauthn).toEqual({
      rpName: "Acme",
      origin: "https://login.example.com:8443",
      rpId: "example.com",
    });
    expect(() => loadConfig({ ...base, WEBAUTHN_ORIGIN: "https://console.example.com", WEBAUTHN_RP_ID: "other.example" })).toThrow(/WEBAUTHN_RP_ID "other.example" must be the host/);
    expect(() => loadConfig({ ...base, WEBAUTHN_ORIGIN: "https://console.example.com", WEBAUTHN_RP_ID: "le.com" })).toThrow(/WEBAUTHN_RP_ID/);
    expect(() => loadConfig({ ...base, WEBAUTHN_ORIGIN: "console.example.com" })).toThrow(/WEBAUTHN_ORIGIN must be an origin/);
  });

  it("refuses a production config without MFA_ENCRYPTION_KEY unless second factors are off, and keeps several keys newest first", () => {
    expect(() => loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production" })).toThrow(/MFA_ENCRYPTION_KEY is required in production/);
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", STAFF_MFA: "off" }).mfa.encryptionKeys).toHaveLength(1);
    expect(() => loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", MFA_ENCRYPTION_KEY: "short" })).toThrow(/MFA_ENCRYPTION_KEY entry #1/);
    const a = "mfa-key-a-0123456789-abcdefghijklmnopqrstu";
    const b = "mfa-key-b-0123456789-abcdefghijklmnopqrstu";
    expect(loadConfig({ SESSION_SECRET: SECRET, NODE_ENV: "production", MFA_ENCRYPTION_KEY: `${a},${b}` }).mfa.encryptionKeys).toEqual([a, b]);
  });

  it("leaves mail unconfigured by default, notifies of every impersonation, and opens the mailbox only outside production", () => {
    const dev = loadConfig({ SESSION_SECRET: SECRET, SMTP_URL: "" });
    expect(dev.mail).toMatchObject({ smtpUrl: undefined, devMailbox: true, maxAttempts: 10, retryBaseMs: 5000, retryMaxMs: 3_600_000 });
    expect(dev.notify.impersonation).toBe("always");
    const prod = loadConfig({ NODE_ENV: "production", SESSION_SECRET: SECRET, ...MFA_KEY });
    expect(prod.mail.devMailbox).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", SESSION_SECRET: SECRET, ...MFA_KEY, DEV_MAILBOX: "true" }).mail.devMailbox).toBe(true);
  });

  it("accepts smtp:// and smtps:// URLs and refuses anything else, naming SMTP_URL", () => {
    expect(loadConfig({ SESSION_SECRET: SECRET, SMTP_URL: "smtp://u:p@mail.example.com:587" }).mail.smtpUrl).toBe("smtp://u:p@mail.example.com:587");
    expect(loadConfig({ SESSION_SECRET: SECRET, SMTP_URL: "smtps://mail.example.com" }).mail.smtpUrl).toBe("smtps://mail.example.com");
    expect(() => loadConfig({ SESSION_SECRET: SECRET, SMTP_URL: "http://mail.example.com" })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SESSION_SECRET: SECRET, SMTP_URL: "not a url" })).toThrow(/SMTP_URL/);
  });

  it("refuses an IMPERSONATION_NOTIFY or DEV_MAILBOX it does not know, naming the variable", () => {
    expect(loadConfig({ SESSION_SECRET: SECRET, IMPERSONATION_NOTIFY: "write" }).notify.impersonation).toBe("write");
    expect(() => loadConfig({ SESSION_SECRET: SECRET, IMPERSONATION_NOTIFY: "sometimes" })).toThrow(/IMPERSONATION_NOTIFY/);
    expect(() => loadConfig({ SESSION_SECRET: SECRET, DEV_MAILBOX: "maybe" })).toThrow(/DEV_MAILBOX/);
  });
});
