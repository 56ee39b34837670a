/**
 * Admins add people to the app by invitation: the account is created without a password, and its owner
 * chooses one through a single-use link (`/set-password`, the same page and rules as the first admin's setup
 * link), which signs them in on a fresh session. Nobody, the inviting admin included, ever sees or sets the
 * password. The link travels only by mail (the outbox, in the transaction that creates it); the console shows
 * that an invitation is pending, never the link.
 */
import { and, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { recordAuditEvent } from "../audit/audit";
import { stepUp, type StepUpAnswer, type StepUpDeps } from "../auth/step-up";
import { stepUpRequired } from "../auth/step-up-rule";
import { accountTokens, USER_ROLES, users, type UserRole } from "../db/schema";
import type { Db } from "../db/types";
import { fail, failWith, ok, type Result } from "../errors";
import type { SessionContext, SessionMetadata } from "../session/types";
import { findUserById, isEmailAddress, isUuid, normalizeEmail, USER_NAME_MAX, type PublicUser } from "../users/users";
import { issueAccountToken, passwordLinkUrl, revokeAccountTokens, type IssuedAccountToken } from "./account-tokens";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** What an invitation mail needs; written in the transaction that issues the link, so it is never lost. */
export interface InvitationMail {
  to: string;
  name: string;
  role: UserRole;
  /** Absolute when the console's origin is known (APP_ORIGIN, else the inviting request's), else a path. */
  link: string;
  expiresAt: Date;
  invitedBy: { name: string };
}

export interface InvitationDeps {
  db: Db;
  clock: () => number;
  inviteTtlS: number;
  /** Creating a staff account needs a step-up (lib/auth/step-up-rule). */
  stepUp: StepUpDeps;
  /** Queues the mail in the caller's transaction (the mail outbox). */
  sendInvitation: (tx: Tx, mail: InvitationMail) => Promise<void>;
}

export interface InviteInput {
  email: string;
  name: string;
  role: UserRole;
  /** The step-up answer (password, code or passkey) that creating a staff account needs when it is due. */
  stepUp?: StepUpAnswer;
}

export type InvitationState = "pending" | "expired" | null;

function validInput(input: InviteInput): Result<InviteInput> {
  const email = normalizeEmail(String(input.email ?? ""));
  const name = String(input.name ?? "").trim();
  if (!isEmailAddress(email)) return failWith("INVALID_INPUT", "Enter a valid email address.", { field: "email" });
  if (name.length === 0 || name.length > USER_NAME_MAX) return failWith("INVALID_INPUT", `Enter a name (at most ${USER_NAME_MAX} characters).`, { field: "name" });
  if (!USER_ROLES.includes(input.role)) return failWith("INVALID_INPUT", "Choose a role.", { field: "role" });
  return ok({ email, name, role: input.role });
}

/**
 * An account that can act as others is created only by an admin who proved who they are recently (or with
 * this request): a stolen admin session alone must not be able to mint staff accounts.
 */
async function staffCreationRefusal(deps: InvitationDeps, by: InvitingRequest, role: UserRole, answer: StepUpAnswer): Promise<Result<never> | null> {
  if (!stepUpRequired(role === "user" ? "user.create" : "user.create_staff")) return null;
  const stepped = await stepUp(deps.stepUp, by.actor, answer, by.metadata);
  return stepped.ok ? null : stepped;
}

/** Who acts and from where: the link in the mail points at the console the admin is using. */
export interface InvitingRequest {
  actor: SessionContext;
  metadata: SessionMetadata;
  /** The console's public origin (lib/next requestOrigin: APP_ORIGIN, else the trusted request headers). */
  origin: string | null;
}

async function issueAndSend(deps: InvitationDeps, tx: Tx, user: { id: string; email: string; name: string; role: UserRole }, by: InvitingRequest): Promise<IssuedAccountToken> {
  const issued = await issueAccountToken(tx, { userId: user.id, purpose: "invite", ttlS: deps.inviteTtlS, now: new Date(deps.clock()) });
  await deps.sendInvitation(tx, {
    to: user.email,
    name: user.name,
    role: user.role,
    link: passwordLinkUrl(issued.token, by.origin ?? undefined),
    expiresAt: issued.expiresAt,
    invitedBy: { name: by.actor.user.name },
  });
  return issued;
}

/** Creates the account (no password) and sends its invitation. Admins only; callers have checked that. */
export async function inviteUser(deps: InvitationDeps, by: InvitingRequest, input: InviteInput): Promise<Result<{ user: PublicUser; expiresAt: Date }>> {
  const { actor, metadata } = by;
  const valid = validInput(input);
  if (!valid.ok) return valid;
  const { email, name, role } = valid.value;
  const refusal = await staffCreationRefusal(deps, by, role, input.stepUp ?? {});
  if (refusal) return refusal;
  const created = await deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(users).values({ email, name, role, status: "active", passwordHash: null }).onConflictDoNothing().returning({ id: users.id });
    if (!row) return null;
    const issued = await issueAndSend(deps, tx, { id: row.id, email, name, role }, by);
    const audit = { actorId: actor.user.id, subjectId: row.id, ip: metadata.ip, userAgent: metadata.userAgent };
    await recordAuditEvent(tx, { ...audit, action: "user.create", metadata: { role, via: "invitation" } });
    await recordAuditEvent(tx, { ...audit, action: "user.invite", metadata: { role, expiresAt: issued.expiresAt.toISOString() } });
    return { id: row.id, expiresAt: issued.expiresAt };
  });
  if (!created) return fail("EMAIL_TAKEN");
  const user = await findUserById(deps.db, created.id);
  if (!user) return fail("USER_NOT_FOUND");
  return ok({ user, expiresAt: created.expiresAt });
}

/** The account still waits for its owner's first password (only then is there an invitation to resend or revoke). */
async function invitee(deps: InvitationDeps, userId: string): Promise<Result<{ id: string; email: string; name: string; role: UserRole }>> {
  if (!isUuid(userId)) return fail("INVALID_ID");
  const [row] = await deps.db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, passwordHash: users.passwordHash, status: users.status })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) return fail("USER_NOT_FOUND");
  if (row.passwordHash !== null || row.status !== "active") return fail("INVITATION_NOT_PENDING");
  return ok({ id: row.id, email: row.email, name: row.name, role: row.role });
}

/** A new link (the old one stops working) and a new mail. */
export async function resendInvitation(deps: InvitationDeps, by: InvitingRequest, userId: string): Promise<Result<{ expiresAt: Date }>> {
  const { actor, metadata } = by;
  const target = await invitee(deps, userId);
  if (!target.ok) return target;
  // A new link to a staff account mints that account's access again: the same step-up as creating it.
  const refusal = await staffCreationRefusal(deps, by, target.value.role, {});
  if (refusal) return refusal;
  const expiresAt = await deps.db.transaction(async (tx) => {
    const issued = await issueAndSend(deps, tx, target.value, by);
    await recordAuditEvent(tx, {
      action: "user.invite_resend",
      actorId: actor.user.id,
      subjectId: userId,
      metadata: { expiresAt: issued.expiresAt.toISOString() },
      ip: metadata.ip,
      userAgent: metadata.userAgent,
    });
    return issued.expiresAt;
  });
  return ok({ expiresAt });
}

/** Voids the link; the account stays, without a password, until an admin invites again or bans it. */
export async function revokeInvitation(deps: InvitationDeps, actor: SessionContext, userId: string, metadata: SessionMetadata): Promise<Result<{ revoked: number }>> {
  const target = await invitee(deps, userId);
  if (!target.ok) return target;
  const revoked = await deps.db.transaction(async (tx) => {
    const count = await revokeAccountTokens(tx, userId, ["invite"]);
    if (count > 0) {
      await recordAuditEvent(tx, { action: "user.invite_revoke", actorId: actor.user.id, subjectId: userId, ip: metadata.ip, userAgent: metadata.userAgent });
    }
    return count;
  });
  if (revoked === 0) return failWith("INVITATION_NOT_PENDING", "There is no unused invitation to revoke.");
  return ok({ revoked });
}

/**
 * The invitation state of each of these users: `pending` (a usable link is out), `expired` (invited, link no
 * longer usable, still no password), absent otherwise.
 */
export async function invitationStates(db: Db, userIds: string[], now: Date): Promise<Map<string, Exclude<InvitationState, null>>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ userId: accountTokens.userId, usable: sql<boolean>`bool_or(${accountTokens.expiresAt} > ${now.toISOString()}::timestamptz)` })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(and(inArray(accountTokens.userId, userIds), eq(accountTokens.purpose, "invite"), isNull(accountTokens.usedAt), isNull(users.passwordHash)))
    .groupBy(accountTokens.userId);
  return new Map(rows.map((r) => [r.userId, r.usable ? "pending" : "expired"]));
}

/** The user list's "Invitation pending" filter: users with a usable invitation and no password yet. */
export function hasPendingInvitation(db: Db, now: Date): SQL {
  const pending = db
    .select({ id: accountTokens.userId })
    .from(accountTokens)
    .where(and(eq(accountTokens.purpose, "invite"), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)));
  return and(inArray(users.id, pending), isNull(users.passwordHash))!;
}
