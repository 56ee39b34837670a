/**
 * The source of truth. Every timestamp is timestamptz; sessions are keyed by SHA-256(token), never the token.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  integer,
  smallint,
  check,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const USER_ROLES = ["user", "support", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];
/** What an impersonation may do: `read` refuses every state-changing request; `write` acts as the user. */
export const IMPERSONATION_MODES = ["read", "write"] as const;
export type ImpersonationMode = (typeof IMPERSONATION_MODES)[number];

export const USER_STATUSES = ["active", "banned"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<UserRole>().notNull().default("user"),
    status: text("status").$type<UserStatus>().notNull().default("active"),
    /** Null until the account's owner sets one (a one-time setup link); such an account cannot sign in. */
    passwordHash: text("password_hash"),
    passwordChangedAt: tz("password_changed_at").notNull().defaultNow(),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
    /** A development sample sharing a published password: marked in the console, refused at sign-in in production. */
    sample: boolean("sample").notNull().default(false),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    check("users_email_lowercase", sql`${t.email} = lower(${t.email})`),
    check("users_role_valid", sql`${t.role} in ('user', 'support', 'admin')`),
    check("users_status_valid", sql`${t.status} in ('active', 'banned')`),
    index("users_name_idx").on(t.name),
  ],
);
export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

/** What an admin is told on their own session after an impersonation ended without their Stop. */
export interface ReturnNotice {
  /** The end cause (lib/audit/actions.ts IMPERSONATION_END_CAUSES). */
  cause: string;
  targetName: string;
  /** Epoch ms. */
  endedAt: number;
  /** Who ended it, when someone else did (force-end, a ban); null otherwise. */
  byName: string | null;
}

export const sessions = pgTable(
  "sessions",
  {
    /** Hex SHA-256 of the token; the token itself is never stored. */
    id: text("id").primaryKey(),
    /** The effective user: the impersonated user on an impersonation session. */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    impersonatorId: uuid("impersonator_id").references(() => users.id, { onDelete: "cascade" }),
    /** The admin's own session; updates cascade because rotation changes the parent's id. */
    parentSessionId: text("parent_session_id").references((): AnyPgColumn => sessions.id, {
      onDelete: "cascade",
      onUpdate: "cascade",
    }),
    impersonationReason: text("impersonation_reason"),
    impersonationTicket: text("impersonation_ticket"),
    /** `read` or `write` on an impersonation row (null on a user's own sign-in); fixed for the row's life. */
    impersonationMode: text("impersonation_mode").$type<ImpersonationMode>(),
    /** The user's grant this impersonation relies on (consent); revoking the grant ends it. */
    accessGrantId: uuid("access_grant_id").references((): AnyPgColumn => accessGrants.id, { onDelete: "cascade" }),
    createdAt: tz("created_at").notNull().defaultNow(),
    lastSeenAt: tz("last_seen_at").notNull().defaultNow(),
    lastAuthenticatedAt: tz("last_authenticated_at").notNull().defaultNow(),
    /** Rolling (idle) expiry; never beyond absolute_expires_at. */
    expiresAt: tz("expires_at").notNull(),
    /** Hard cap; for impersonation sessions, the impersonation's own limit. */
    absoluteExpiresAt: tz("absolute_expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** Authenticator assurance: 1 after a password alone, 2 after a password and a second factor. */
    aal: smallint("aal").notNull().default(1),
    mfaVerifiedAt: tz("mfa_verified_at"),
    /**
     * On an admin's own session, how the impersonation it came back from ended (when it did not end by
     * the admin's own Stop): the next page tells the admin, until they dismiss it or start another.
     */
    returnNotice: jsonb("return_notice").$type<ReturnNotice>(),
  },
  (t) => [
    index("sessions_user_id_idx").on(t.userId),
    index("sessions_impersonator_id_idx").on(t.impersonatorId),
    index("sessions_parent_session_id_idx").on(t.parentSessionId),
    index("sessions_expires_at_idx").on(t.expiresAt),
    index("sessions_absolute_expires_at_idx").on(t.absoluteExpiresAt),
    index("sessions_access_grant_id_idx").on(t.accessGrantId),
    check("sessions_impersonation_mode_valid", sql`${t.impersonationMode} is null or ${t.impersonationMode} in ('read', 'write')`),
  ],
);
export type SessionRow = typeof sessions.$inferSelect;

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The true user behind the action (the admin while impersonating). */
    actorId: uuid("actor_id"),
    /** The effective user / the user acted upon. */
    subjectId: uuid("subject_id"),
    action: text("action").notNull(),
    reason: text("reason"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: tz("created_at").notNull().defaultNow(),
    /** Actor and subject as they were when the row was written: renaming or deleting a user never rewrites history. */
    actorEmail: text("actor_email"),
    actorName: text("actor_name"),
    actorRole: text("actor_role"),
    subjectEmail: text("subject_email"),
    subjectName: text("subject_name"),
    subjectRole: text("subject_role"),
    /** Position in the hash chain (1, 2, 3, … with no gaps): a removed or inserted row shows as a break. */
    seq: bigint("seq", { mode: "number" }).notNull(),
    /** SHA-256 hex of the previous row (64 zeros for the first); hash = SHA-256(prev_hash || canonical row). */
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("audit_events_seq_idx").on(t.seq),
    index("audit_events_created_at_idx").on(t.createdAt),
    index("audit_events_actor_idx").on(t.actorId, t.createdAt),
    index("audit_events_subject_idx").on(t.subjectId, t.createdAt),
    index("audit_events_action_idx").on(t.action, t.createdAt),
  ],
);
export type AuditEventRow = typeof auditEvents.$inferSelect;

/**
 * The audit chain's head: one row (id = 1) holding the last seq and hash. Every audit insert locks it
 * (`FOR UPDATE`) in the statement that appends, so writers on every instance take their turn in one order.
 */
export const auditChainHead = pgTable(
  "audit_chain_head",
  {
    id: smallint("id").primaryKey().default(1),
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [check("audit_chain_head_single_row", sql`${t.id} = 1`)],
);

export const ACCOUNT_TOKEN_PURPOSES = ["setup", "invite", "reset"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * Single-use links (first-admin setup, invitations, password resets). Keyed by SHA-256 of the
 * token, like sessions: a database dump holds no usable link.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<AccountTokenPurpose>().notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
    expiresAt: tz("expires_at").notNull(),
    usedAt: tz("used_at"),
  },
  (t) => [index("account_tokens_user_idx").on(t.userId, t.purpose)],
);
export type AccountTokenRow = typeof accountTokens.$inferSelect;

/** A user's TOTP authenticator; unconfirmed until the first code from the app proves it was set up. */
export const mfaTotp = pgTable("mfa_totp", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** The base32 secret sealed with MFA_ENCRYPTION_KEY (iron-session seal); never stored in the clear. */
  secretSealed: text("secret_sealed").notNull(),
  confirmedAt: tz("confirmed_at"),
  /** The highest time step accepted so far: a code is good once, never again within its step. */
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
  createdAt: tz("created_at").notNull().defaultNow(),
});

/** Single-use recovery codes, SHA-256 at rest (each carries 80 random bits, so no slow hash is needed). */
export const mfaRecoveryCodes = pgTable(
  "mfa_recovery_codes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: tz("used_at"),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("mfa_recovery_codes_hash_unique").on(t.codeHash), index("mfa_recovery_codes_user_idx").on(t.userId)],
);

/**
 * The state between a correct password and a second factor: short-lived, bound to one browser by a sealed
 * cookie, never a session. Keyed by SHA-256 of its token.
 */
export const loginChallenges = pgTable(
  "login_challenges",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    attempts: integer("attempts").notNull().default(0),
    createdAt: tz("created_at").notNull().defaultNow(),
    expiresAt: tz("expires_at").notNull(),
  },
  (t) => [index("login_challenges_expires_at_idx").on(t.expiresAt)],
);

/**
 * A user's passkeys (WebAuthn credentials). The public key is all the server holds; the signature counter is
 * kept so a cloned authenticator (a counter that goes backwards) is refused.
 */
export const webauthnCredentials = pgTable(
  "webauthn_credentials",
  {
    /** The credential id, base64url, as the authenticator reports it. */
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: text("transports").array().notNull().default([]),
    name: text("name").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
    lastUsedAt: tz("last_used_at"),
  },
  (t) => [index("webauthn_credentials_user_idx").on(t.userId)],
);
export type WebauthnCredentialRow = typeof webauthnCredentials.$inferSelect;

export const WEBAUTHN_CEREMONIES = ["register", "authenticate"] as const;
export type WebauthnCeremony = (typeof WEBAUTHN_CEREMONIES)[number];

/** Outstanding WebAuthn challenges: single-use (deleted when answered), a few minutes long, bound to one user. */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    /** The challenge itself, base64url: what the browser signs and sends back in clientDataJSON. */
    challenge: text("challenge").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ceremony: text("ceremony").$type<WebauthnCeremony>().notNull(),
    expiresAt: tz("expires_at").notNull(),
  },
  (t) => [index("webauthn_challenges_expires_at_idx").on(t.expiresAt)],
);

/** Outbox of Redis deletes that could not be made during an outage; replayed before Redis is trusted again. */
export const cacheInvalidations = pgTable("cache_invalidations", {
  sessionId: text("session_id").primaryKey(),
  createdAt: tz("created_at").notNull().defaultNow(),
});

/**
 * In-app notices for a user (an impersonation of their account began or ended), written in the same
 * transaction as the audit event they report. Unread until the user dismisses them.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
    readAt: tz("read_at"),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.createdAt)],
);
export type NotificationRow = typeof notifications.$inferSelect;

/**
 * The transactional mail outbox: a message is a row written with the change it reports, so a mail server
 * outage loses nothing. Workers claim due rows (FOR UPDATE SKIP LOCKED), send, and mark them sent; a row
 * that failed MAIL_MAX_ATTEMPTS times is dead (`failed_at`) and shows in the health detail.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    recipient: text("recipient").notNull(),
    template: text("template").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the row is next due: now for a new row, later after a failure (backoff) or while claimed (lease). */
    nextAttemptAt: tz("next_attempt_at").notNull().defaultNow(),
    createdAt: tz("created_at").notNull().defaultNow(),
    sentAt: tz("sent_at"),
    failedAt: tz("failed_at"),
    lastError: text("last_error"),
  },
  (t) => [index("mail_outbox_due_idx").on(t.nextAttemptAt).where(sql`${t.sentAt} is null and ${t.failedAt} is null`), index("mail_outbox_created_idx").on(t.createdAt)],
);
export type MailOutboxRow = typeof mailOutbox.$inferSelect;

/**
 * A user's consent to support access, or a staff member's request for it. A request is a row with
 * `requested_by` set and no `granted_at` until the user approves it (then it is a grant like any other) or
 * declines it. A grant is live while granted, not revoked and before `expires_at`.
 */
export const accessGrants = pgTable(
  "access_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** `write` covers `read`. */
    scope: text("scope").$type<ImpersonationMode>().notNull(),
    /** The staff member who asked for access; null when the user granted it unprompted. */
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    requestReason: text("request_reason"),
    createdAt: tz("created_at").notNull().defaultNow(),
    grantedAt: tz("granted_at"),
    expiresAt: tz("expires_at"),
    declinedAt: tz("declined_at"),
    revokedAt: tz("revoked_at"),
  },
  (t) => [
    index("access_grants_user_idx").on(t.userId, t.createdAt),
    check("access_grants_scope_valid", sql`${t.scope} in ('read', 'write')`),
    check("access_grants_granted_has_expiry", sql`(${t.grantedAt} is null) = (${t.expiresAt} is null)`),
  ],
);
export type AccessGrantRow = typeof accessGrants.$inferSelect;

export const BULK_ACTIONS = ["ban", "unban", "revoke_all", "role"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const BULK_JOB_STATES = ["running", "done"] as const;
export type BulkJobState = (typeof BULK_JOB_STATES)[number];

/**
 * One confirmed bulk action (lib/admin/bulk.ts): the selection as it was at confirmation (user ids, so users
 * created or renamed later are never picked up), and the progress through it. Each batch moves `position` in
 * the transaction that changes its users, so a crash leaves finished batches committed and the rest to resume.
 */
export const bulkJobs = pgTable(
  "bulk_jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actorId: uuid("actor_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    action: text("action").$type<BulkAction>().notNull(),
    /** The new role of a `role` job. */
    role: text("role").$type<UserRole>(),
    reason: text("reason").notNull(),
    /** The filter the selection came from ("all N matching"), for the audit; null for picked users. */
    filter: jsonb("filter").$type<Record<string, string>>(),
    userIds: uuid("user_ids").array().notNull(),
    /** How many of `userIds` have been processed (changed or skipped). */
    position: integer("position").notNull().default(0),
    changed: integer("changed").notNull().default(0),
    /** The users left alone and why: `{ id, code }` (CANNOT_CHANGE_SELF, HIGHER_ROLE, UNCHANGED, USER_NOT_FOUND). */
    skipped: jsonb("skipped").$type<{ id: string; code: string }[]>().notNull().default([]),
    batches: integer("batches").notNull().default(0),
    state: text("state").$type<BulkJobState>().notNull().default("running"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
    finishedAt: tz("finished_at"),
  },
  (t) => [index("bulk_jobs_actor_idx").on(t.actorId, t.createdAt)],
);
export type BulkJobRow = typeof bulkJobs.$inferSelect;
