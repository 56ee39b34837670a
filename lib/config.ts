/**
 * The only reader of `process.env`. Parsed once, validated with zod, typed.
 * Every variable here is listed in `.env.example` with its default.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_REASON_MIN_LENGTH } from "./impersonation/limits";
import { CONSENT_POLICIES, DEFAULT_WRITE_ROLES, type ConsentPolicy } from "./impersonation/policy";
import type { UserRole } from "./db/schema";

/** Empty strings count as unset, so `FOO=` in an env file means "use the default". */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const int = (fallback: number, min = 0) =>
  optionalString.transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      ctx.addIssue({ code: "custom", message: `expected a whole number >= ${min}, got "${v}"` });
      return z.NEVER;
    }
    return n;
  });

/** A boolean whose default depends on other settings: unset stays undefined. */
const optionalBool = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  ctx.addIssue({ code: "custom", message: `expected true or false, got "${v}"` });
  return z.NEVER;
});

const bool = (fallback: boolean) => optionalBool.transform((v) => v ?? fallback);

const MIN_SECRET_LENGTH = 32;
/** Sample users seeded outside production when SEED_SAMPLE_USERS is unset. */
const DEVELOPMENT_SAMPLE_USERS = 240;

const envSchema = z.object({
  NODE_ENV: optionalString.transform((v) => (v === "production" || v === "test" ? v : "development")),
  DATA_DIR: optionalString.transform((v) => v ?? ".data"),
  DATABASE_URL: optionalString,
  // Direct (unpooled) connection for migrations and their advisory lock; unset → DATABASE_URL.
  DATABASE_MIGRATION_URL: optionalString,
  // Named prepared statements; false behind a transaction-mode pooler that does not keep them (PgBouncer < 1.21, ...).
  DB_PREPARE: bool(true),
  PGLITE_DIR: optionalString,
  DB_POOL_MAX: int(10, 1),
  DB_CONNECT_TIMEOUT_S: int(5, 1),
  DB_IDLE_TIMEOUT_S: int(20, 0),
  DB_STATEMENT_TIMEOUT_MS: int(5000, 0),
  DB_MIGRATE_ON_START: bool(true),
  DB_SEED_ON_START: optionalString.transform((v) => v as "auto" | "true" | "false" | undefined),

  REDIS_URL: optionalString,
  REDIS_CLUSTER_NODES: optionalString,
  REDIS_SENTINELS: optionalString,
  REDIS_SENTINEL_NAME: optionalString.transform((v) => v ?? "mymaster"),
  REDIS_KEY_PREFIX: optionalString.transform((v) => v ?? "nsi:"),
  REDIS_REQUIRED: bool(false),
  REDIS_COMMAND_TIMEOUT_MS: int(50, 1),
  REDIS_CONNECT_TIMEOUT_MS: int(1000, 1),
  REDIS_BREAKER_FAILURES: int(5, 1),
  REDIS_BREAKER_COOLDOWN_MS: int(1000, 10),
  REDIS_OUTBOX_POLL_MS: int(1000, 50),

  SESSION_SECRET: optionalString,
  SESSION_NAME: optionalString.transform((v) => v ?? "sid"),
  SESSION_COOKIE_SECURE: optionalString.transform((v) => v as "true" | "false" | undefined),
  SESSION_IDLE_TTL: int(7 * 24 * 3600, 60),
  SESSION_ABSOLUTE_TTL: int(30 * 24 * 3600, 60),
  SESSION_REFRESH_INTERVAL: int(60, 1),
  SESSION_CACHE_TTL: int(300, 1),
  SESSION_L1_ENABLED: bool(false),
  SESSION_L1_TTL_MS: int(1000, 1),
  SESSION_L1_MAX: int(10_000, 1),
  SESSION_PRUNE_INTERVAL_S: int(3600, 0),
  AUDIT_ANCHOR_INTERVAL_S: int(300, 0),

  IMPERSONATION_TTL: int(3600, 10),
  IMPERSONATION_REAUTH_WINDOW: int(900, 0),
  // The shortest reason a Sign In As accepts (the longest is MAX_REASON_LENGTH, 500): "help" says nothing.
  IMPERSONATION_REASON_MIN: int(DEFAULT_REASON_MIN_LENGTH, 1).pipe(z.number().max(500, "expected at most 500 (the longest reason accepted)")),
  IMPERSONATION_DISCLOSE: optionalString.pipe(z.enum(["name", "role"]).optional()).transform((v) => v ?? "name"),
  IMPERSONATION_CONSENT: optionalString.pipe(z.enum(CONSENT_POLICIES).optional()).transform((v): ConsentPolicy => v ?? "write"),
  // Staff roles that may start an impersonation that can make changes: "admin" or "admin,support".
  IMPERSONATION_WRITE_ROLES: optionalString.transform((v, ctx): UserRole[] => {
    if (v === undefined) return [...DEFAULT_WRITE_ROLES];
    const roles = v.split(",").map((r) => r.trim()).filter(Boolean);
    const wrong = roles.filter((r) => r !== "admin" && r !== "support");
    if (roles.length === 0 || wrong.length > 0) {
      ctx.addIssue({ code: "custom", message: `expected staff roles separated by commas (admin, support), got "${v}"` });
      return z.NEVER;
    }
    return [...new Set(roles)] as UserRole[];
  }),
  // Tell the user when their account is impersonated: every time, only for write-mode impersonations, or never.
  IMPERSONATION_NOTIFY: optionalString.pipe(z.enum(["always", "write", "off"]).optional()).transform((v) => v ?? "always"),

  // Unset: mail stays in the outbox (the development mailbox shows it); nothing is sent.
  SMTP_URL: optionalString.pipe(z.url({ protocol: /^smtps?$/, error: "expected smtp://user:pass@host:port or smtps://…" }).optional()),
  MAIL_FROM: optionalString.transform((v) => v ?? "Sessions console <no-reply@localhost>"),
  MAIL_POLL_MS: int(2000, 50),
  MAIL_BATCH_SIZE: int(20, 1),
  MAIL_MAX_ATTEMPTS: int(10, 1),
  MAIL_RETRY_BASE_MS: int(5000, 10),
  MAIL_RETRY_MAX_MS: int(3_600_000, 10),
  MAIL_SEND_TIMEOUT_MS: int(15_000, 100),
  // The development mailbox page (/dev/mailbox); unset → on outside production, off in production.
  DEV_MAILBOX: optionalBool,

  LOGIN_MAX_PER_IP_PER_MINUTE: int(30, 1),
  LOGIN_MAX_PER_ACCOUNT_PER_15MIN: int(10, 1),
  // Trusted reverse-proxy hops in front of the app: a number, or true/false for 1/0.
  TRUST_PROXY: optionalString.transform((v, ctx) => {
    if (v === undefined || /^(0|false|no|off)$/i.test(v)) return 0;
    if (/^(true|yes|on)$/i.test(v)) return 1;
    if (/^\d{1,2}$/.test(v)) return Number(v);
    ctx.addIssue({ code: "custom", message: `expected a number of trusted proxy hops (0-99) or true/false, got "${v}"` });
    return z.NEVER;
  }),
  APP_ORIGIN: optionalString,
  LOG_LEVEL: optionalString.pipe(z.enum(["debug", "info", "warn", "error", "silent"]).optional()).transform((v) => v ?? "info"),

  METRICS_TOKEN: optionalString,
  SHUTDOWN_TIMEOUT_MS: int(25_000, 1000),
  FAULT_ROUTES: bool(false),

  ADMIN_EMAIL: optionalString.transform((v) => (v ?? "admin@example.com").toLowerCase()),
  ADMIN_PASSWORD: optionalString,
  // -1 stands for "unset": the default depends on NODE_ENV (see loadConfig).
  SEED_SAMPLE_USERS: int(-1, 0),
  ADMIN_SETUP_TTL: int(3600, 60),
  INVITE_TTL: int(259_200, 300),
  RESET_TTL: int(1800, 300),
  RESET_MAX_PER_IP_PER_HOUR: int(20, 1),
  RESET_MAX_PER_ACCOUNT_PER_HOUR: int(3, 1),

  STAFF_MFA: optionalString.pipe(z.enum(["required", "optional", "off"]).optional()),
  MFA_ENCRYPTION_KEY: optionalString,
  MFA_ISSUER: optionalString.transform((v) => v ?? "Next Session Console"),
  MFA_MAX_FAILURES_PER_15MIN: int(10, 1),
  WEBAUTHN_RP_ID: optionalString.transform((v) => v?.toLowerCase()),
  WEBAUTHN_RP_NAME: optionalString,
  WEBAUTHN_ORIGIN: optionalString,
});

export type RawEnv = z.infer<typeof envSchema>;

export interface RedisConfig {
  mode: "single" | "cluster" | "sentinel";
  url?: string;
  clusterNodes?: { host: string; port: number }[];
  sentinels?: { host: string; port: number }[];
  sentinelName: string;
  keyPrefix: string;
  required: boolean;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  outboxPollMs: number;
}

export interface AppConfig {
  env: "development" | "test" | "production";
  isProduction: boolean;
  dataDir: string;
  database: {
    url?: string;
    /** Direct connection for migrations (their advisory lock needs one session); unset → `url`. */
    migrationUrl?: string;
    /** Named prepared statements (false behind a transaction-mode pooler that drops them). */
    prepare: boolean;
    pgliteDir: string;
    poolMax: number;
    connectTimeoutS: number;
    idleTimeoutS: number;
    statementTimeoutMs: number;
    migrateOnStart: boolean;
    seedOnStart: "auto" | "true" | "false";
  };
  redis: RedisConfig | null;
  session: {
    /** Newest first: the first seals, all unseal. */
    secrets: string[];
    cookieName: string;
    cookieSecure: boolean;
    idleTtlS: number;
    absoluteTtlS: number;
    refreshIntervalS: number;
    cacheTtlS: number;
    l1: { enabled: boolean; ttlMs: number; max: number };
    pruneIntervalS: number;
  };
  /** How often the audit chain head goes to the log when it moved (lib/audit/anchor.ts); 0: never. */
  auditAnchorIntervalS: number;
  impersonation: {
    ttlS: number;
    reauthWindowS: number;
    disclose: "name" | "role";
    reasonMinLength: number;
    consent: ConsentPolicy;
    writeRoles: UserRole[];
  };
  login: { maxPerIpPerMinute: number; maxPerAccountPer15Min: number };
  /** Lifetime of an invitation link, seconds. */
  inviteTtlS: number;
  /** Forgot password: the reset link's lifetime (seconds) and the hourly request budgets. */
  reset: { ttlS: number; maxPerIpPerHour: number; maxPerAccountPerHour: number };
  /** Which impersonations the user is told about (in-app notice and email). */
  notify: { impersonation: "always" | "write" | "off" };
  mail: {
    /** nodemailer's SMTP transport URL; unset → mail waits in the outbox (never logged: it may hold a password). */
    smtpUrl?: string;
    from: string;
    /** How often each instance's worker looks for due mail. */
    pollMs: number;
    /** Rows one worker claims at a time. */
    batchSize: number;
    /** Failed sends after which a message is dead (kept, reported by the health detail). */
    maxAttempts: number;
    /** Backoff after the first failure; doubles per attempt up to retryMaxMs. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** Bound on one SMTP send (connect, greeting, transfer). */
    sendTimeoutMs: number;
    /**
     * /dev/mailbox lists every outbox message to anyone who asks: on by default outside production, off in
     * production unless DEV_MAILBOX=true (only for a test deployment such as the e2e suite's `next start`).
     */
    devMailbox: boolean;
  };
  /** Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host entries are believed (0: none). */
  trustProxy: number;
  appOrigin?: string;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** When set, /api/metrics and /api/health/detailed require `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** SIGTERM: longest wait for in-flight requests before the process closes its pools and exits anyway. */
  shutdownTimeoutMs: number;
  /** Test-only routes under /api/faults (slow responses for the shutdown fault test). Never set in a real deployment. */
  faultRoutes: boolean;
  mfa: {
    /** required (production default): staff must enrol before any staff power; optional (development default); off. */
    staffPolicy: "required" | "optional" | "off";
    /** Newest first, like the session secrets: the first seals TOTP secrets, all unseal. */
    encryptionKeys: string[];
    issuer: string;
    maxFailuresPer15Min: number;
    /**
     * Passkeys. `origin` and `rpId` unset: taken from each request's own origin (as the CSRF check sees it), so
     * a development server on any port works; set APP_ORIGIN or WEBAUTHN_ORIGIN behind a proxy and in production.
     */
    webauthn: { rpName: string; origin?: string; rpId?: string };
  };
  seed: {
    adminEmail: string;
    adminPassword?: string;
    /** Development and tests only: a production config with sample users does not load. */
    sampleUsers: number;
    /** Lifetime of a one-time setup link (first admin without ADMIN_PASSWORD, `npm run admin:create`), seconds. */
    setupTtlS: number;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(`config: ${message}`);
    this.name = "ConfigError";
  }
}

function parseHostList(name: string, value: string): { host: string; port: number }[] {
  return value.split(",").map((entry) => {
    const trimmed = entry.trim();
    const idx = trimmed.lastIndexOf(":");
    const host = idx > 0 ? trimmed.slice(0, idx) : trimmed;
    const port = idx > 0 ? Number(trimmed.slice(idx + 1)) : 6379;
    if (!host || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ConfigError(`${name} must be a comma-separated list of host:port, got "${entry}"`);
    }
    return { host, port };
  });
}

/**
 * In development and tests a missing secret is generated once and kept under the data folder,
 * so sessions survive restarts without any setup. Production never gets this convenience.
 */
function developmentSecret(dataDir: string, fileName: string): string {
  const file = path.join(dataDir, fileName);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= MIN_SECRET_LENGTH) return existing;
  } catch {
    // Not there yet: create below.
  }
  const secret = randomBytes(32).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

function parseSecrets(raw: string | undefined, env: AppConfig["env"], dataDir: string): string[] {
  if (!raw) {
    if (env === "production") {
      throw new ConfigError(
        `SESSION_SECRET is required in production: set it to at least ${MIN_SECRET_LENGTH} random characters ` +
          `(e.g. \`openssl rand -base64 32\`). Several secrets may be given comma-separated, newest first.`,
      );
    }
    return [developmentSecret(dataDir, "session-secret")];
  }
  return parseSecretList("SESSION_SECRET", raw);
}

function parseSecretList(name: string, raw: string): string[] {
  const secrets = raw.split(",").map((s) => s.trim()).filter(Boolean);
  const short = secrets.findIndex((s) => s.length < MIN_SECRET_LENGTH);
  if (short !== -1) {
    throw new ConfigError(`${name} entry #${short + 1} is ${secrets[short]!.length} characters; each secret needs at least ${MIN_SECRET_LENGTH}.`);
  }
  return secrets;
}

/** TOTP secrets at rest are sealed with these keys; production must give them (losing them disables every TOTP). */
function parseMfaKeys(raw: string | undefined, policy: AppConfig["mfa"]["staffPolicy"], env: AppConfig["env"], dataDir: string): string[] {
  if (raw) return parseSecretList("MFA_ENCRYPTION_KEY", raw);
  if (env === "production" && policy !== "off") {
    throw new ConfigError(
      `MFA_ENCRYPTION_KEY is required in production while STAFF_MFA=${policy}: set it to at least ${MIN_SECRET_LENGTH} random characters ` +
        "(e.g. `openssl rand -base64 32`), kept apart from SESSION_SECRET. Several keys may be given comma-separated, newest first.",
    );
  }
  return [developmentSecret(dataDir, "mfa-key")];
}

function sessionCookieOf(e: Pick<RawEnv, "NODE_ENV" | "SESSION_NAME" | "SESSION_COOKIE_SECURE">): { cookieName: string; secure: boolean } {
  const secure = e.SESSION_COOKIE_SECURE === undefined ? e.NODE_ENV === "production" : e.SESSION_COOKIE_SECURE === "true";
  // The __Host- prefix makes the browser refuse the cookie unless it is Secure, Path=/ and host-only.
  return { cookieName: secure ? `__Host-${e.SESSION_NAME}` : e.SESSION_NAME, secure };
}

const proxySchema = envSchema.pick({ APP_ORIGIN: true });

/**
 * Pure: the setting proxy.ts needs, read by the same rule as loadConfig but without building the whole
 * config (no secrets, no files).
 */
export function proxyConfigOf(source: Record<string, string | undefined>): { appOrigin?: string } {
  return { appOrigin: proxySchema.parse(source).APP_ORIGIN };
}

/** Pure: builds the typed config from an environment map. Throws ConfigError naming the variable. */
export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const env = e.NODE_ENV;
  const isProduction = env === "production";

  let redis: RedisConfig | null = null;
  const redisBase = {
    sentinelName: e.REDIS_SENTINEL_NAME,
    keyPrefix: e.REDIS_KEY_PREFIX,
    required: e.REDIS_REQUIRED,
    commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
    breakerFailures: e.REDIS_BREAKER_FAILURES,
    breakerCooldownMs: e.REDIS_BREAKER_COOLDOWN_MS,
    outboxPollMs: e.REDIS_OUTBOX_POLL_MS,
  };
  if (e.REDIS_CLUSTER_NODES) {
    redis = { ...redisBase, mode: "cluster", clusterNodes: parseHostList("REDIS_CLUSTER_NODES", e.REDIS_CLUSTER_NODES) };
  } else if (e.REDIS_SENTINELS) {
    redis = { ...redisBase, mode: "sentinel", sentinels: parseHostList("REDIS_SENTINELS", e.REDIS_SENTINELS), url: e.REDIS_URL };
  } else if (e.REDIS_URL) {
    redis = { ...redisBase, mode: "single", url: e.REDIS_URL };
  } else if (e.REDIS_REQUIRED) {
    throw new ConfigError("REDIS_REQUIRED=true but none of REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS is set.");
  }

  if (e.SESSION_ABSOLUTE_TTL < e.SESSION_IDLE_TTL) {
    throw new ConfigError("SESSION_ABSOLUTE_TTL must be at least SESSION_IDLE_TTL.");
  }

  const sampleUsers = e.SEED_SAMPLE_USERS === -1 ? (isProduction ? 0 : DEVELOPMENT_SAMPLE_USERS) : e.SEED_SAMPLE_USERS;
  if (isProduction && sampleUsers > 0) {
    throw new ConfigError(
      `SEED_SAMPLE_USERS=${sampleUsers} is not allowed in production: sample users share a published password. ` +
        "Unset it (or set 0), and create real accounts with `npm run admin:create`.",
    );
  }

  const staffPolicy = e.STAFF_MFA ?? (isProduction ? "required" : "optional");

  const { cookieName, secure } = sessionCookieOf(e);
  return {
    env,
    isProduction,
    dataDir: e.DATA_DIR,
    database: {
      url: e.DATABASE_URL,
      migrationUrl: e.DATABASE_MIGRATION_URL,
      prepare: e.DB_PREPARE,
      pgliteDir: e.PGLITE_DIR ?? path.join(e.DATA_DIR, "pglite"),
      poolMax: e.DB_POOL_MAX,
      connectTimeoutS: e.DB_CONNECT_TIMEOUT_S,
      idleTimeoutS: e.DB_IDLE_TIMEOUT_S,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      migrateOnStart: e.DB_MIGRATE_ON_START,
      seedOnStart: e.DB_SEED_ON_START ?? "auto",
    },
    redis,
    session: {
      secrets: parseSecrets(e.SESSION_SECRET, env, e.DATA_DIR),
      cookieName,
      cookieSecure: secure,
      idleTtlS: e.SESSION_IDLE_TTL,
      absoluteTtlS: e.SESSION_ABSOLUTE_TTL,
      refreshIntervalS: e.SESSION_REFRESH_INTERVAL,
      cacheTtlS: e.SESSION_CACHE_TTL,
      l1: { enabled: e.SESSION_L1_ENABLED, ttlMs: e.SESSION_L1_TTL_MS, max: e.SESSION_L1_MAX },
      pruneIntervalS: e.SESSION_PRUNE_INTERVAL_S,
    },
    auditAnchorIntervalS: e.AUDIT_ANCHOR_INTERVAL_S,
    impersonation: {
      ttlS: e.IMPERSONATION_TTL,
      reauthWindowS: e.IMPERSONATION_REAUTH_WINDOW,
      disclose: e.IMPERSONATION_DISCLOSE,
      reasonMinLength: e.IMPERSONATION_REASON_MIN,
      consent: e.IMPERSONATION_CONSENT,
      writeRoles: e.IMPERSONATION_WRITE_ROLES,
    },
    login: { maxPerIpPerMinute: e.LOGIN_MAX_PER_IP_PER_MINUTE, maxPerAccountPer15Min: e.LOGIN_MAX_PER_ACCOUNT_PER_15MIN },
    notify: { impersonation: e.IMPERSONATION_NOTIFY },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      pollMs: e.MAIL_POLL_MS,
      batchSize: e.MAIL_BATCH_SIZE,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
      retryMaxMs: e.MAIL_RETRY_MAX_MS,
      sendTimeoutMs: e.MAIL_SEND_TIMEOUT_MS,
      devMailbox: e.DEV_MAILBOX ?? !isProduction,
    },
    trustProxy: e.TRUST_PROXY,
    inviteTtlS: e.INVITE_TTL,
    reset: { ttlS: e.RESET_TTL, maxPerIpPerHour: e.RESET_MAX_PER_IP_PER_HOUR, maxPerAccountPerHour: e.RESET_MAX_PER_ACCOUNT_PER_HOUR },
    appOrigin: e.APP_ORIGIN,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    faultRoutes: e.FAULT_ROUTES,
    mfa: {
      staffPolicy,
      encryptionKeys: parseMfaKeys(e.MFA_ENCRYPTION_KEY, staffPolicy, env, e.DATA_DIR),
      issuer: e.MFA_ISSUER,
      maxFailuresPer15Min: e.MFA_MAX_FAILURES_PER_15MIN,
      webauthn: parseWebauthn(e),
    },
    seed: { adminEmail: e.ADMIN_EMAIL, adminPassword: e.ADMIN_PASSWORD, sampleUsers, setupTtlS: e.ADMIN_SETUP_TTL },
  };
}

/** WebAuthn's relying party: the origin defaults to APP_ORIGIN, the RP ID to that origin's host name. */
function parseWebauthn(e: RawEnv): AppConfig["mfa"]["webauthn"] {
  const rawOrigin = e.WEBAUTHN_ORIGIN ?? e.APP_ORIGIN;
  let origin: string | undefined;
  if (rawOrigin) {
    try {
      origin = new URL(rawOrigin).origin;
    } catch {
      throw new ConfigError(`${e.WEBAUTHN_ORIGIN ? "WEBAUTHN_ORIGIN" : "APP_ORIGIN"} must be an origin such as https://console.example.com, got "${rawOrigin}"`);
    }
  }
  const host = origin ? new URL(origin).hostname : undefined;
  const rpId = e.WEBAUTHN_RP_ID ?? host;
  // The browser refuses an RP ID that is not the page's host or a parent domain of it: say so at boot.
  if (rpId && host && host !== rpId && !host.endsWith(`.${rpId}`)) {
    throw new ConfigError(`WEBAUTHN_RP_ID "${rpId}" must be the host of ${origin} or a parent domain of it`);
  }
  if (e.WEBAUTHN_RP_ID && !/^[a-z0-9.-]+$/.test(e.WEBAUTHN_RP_ID)) throw new ConfigError(`WEBAUTHN_RP_ID must be a domain name (no scheme or port), got "${e.WEBAUTHN_RP_ID}"`);
  return { rpName: e.WEBAUTHN_RP_NAME ?? e.MFA_ISSUER, origin, rpId };
}

let cached: AppConfig | undefined;

/** The process-wide config, read from `process.env` on first use. */
export function getConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

