/**
 * Invitations on a real database (Postgres when reachable, else PGlite) with Redis when reachable: an admin
 * invites, the mail waits in the outbox (in the creating transaction), its link sets a first password once and
 * signs the owner in; expired, reused, resent-over and revoked links are refused with LINK_INVALID.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inviteUser, invitationStates, resendInvitation, revokeInvitation } from "@/lib/account/invitations";
import { setPasswordWithLink } from "@/lib/account/set-password";
import { PASSWORD_LINK_PURPOSES } from "@/lib/account/account-tokens";
import { accountTokens, auditEvents, mailOutbox, users } from "@/lib/db/schema";
import type { SessionContext } from "@/lib/session/types";
import { createUser } from "./support/fixtures";
import { createTestRuntime, type TestRuntime } from "./support/runtime";
import { probePostgres, probeRedis } from "./support/services";

const pg = await probePostgres();
const redis = await probeRedis();
const metadata = { ip: "203.0.113.9", userAgent: "vitest" };
const NEW_PASSWORD = "a long and unusual passphrase for the invitee";

describe("invitations", () => {
  let rt: TestRuntime;
  let admin: SessionContext;
  let adminId: string;

  /** An admin session signed in just now (the step-up window counts from here). */
  async function freshAdmin(): Promise<SessionContext> {
    const { token } = await rt.sessions.createSession(adminId);
    return (await rt.sessions.validateSessionWithCache(token))!;
  }

  beforeAll(async () => {
    rt = await createTestRuntime({ backend: pg.ok ? "postgres" : "pglite", redisUrl: redis.ok ? redis.url : undefined });
    adminId = (await createUser(rt.database.db, { role: "admin", name: "Grace Admin" })).id;
    admin = await freshAdmin();
  });
  afterAll(async () => rt?.dispose());

  /** The invitation link of the newest outbox mail to this address, as the invitee would click it. */
  async function linkMailedTo(email: string): Promise<string> {
    const rows = await rt.database.db.select().from(mailOutbox).where(and(eq(mailOutbox.recipient, email), eq(mailOutbox.template, "invite")));
    const newest = rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
    expect(newest, `an invitation mail to ${email}`).toBeDefined();
    return String(newest!.payload.link);
  }
  const tokenOf = (link: string) => new URL(link, "http://app.test").searchParams.get("token")!;
  const setPassword = (token: string, password = NEW_PASSWORD) => setPasswordWithLink(rt, { token, purposes: PASSWORD_LINK_PURPOSES, password }, metadata);
  const email = () => `invitee-${Math.random().toString(36).slice(2, 10)}@example.com`;

  it("creates the account without a password, mails a single-use link and audits the creation and the invitation", async () => {
    const address = email();
    const invited = await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: address.toUpperCase(), name: "Ada Invitee", role: "user" });
    expect(invited.ok).toBe(true);
    if (!invited.ok) return;
    const [row] = await rt.database.db.select().from(users).where(eq(users.id, invited.value.user.id));
    expect(row).toMatchObject({ email: address, name: "Ada Invitee", role: "user", status: "active", passwordHash: null });
    const link = await linkMailedTo(address);
    expect(link).toMatch(/^\/set-password\?token=[A-Za-z0-9_-]{43}$/);
    // Only the link's hash is kept beside the account.
    const [stored] = await rt.database.db.select().from(accountTokens).where(eq(accountTokens.userId, invited.value.user.id));
    expect(stored!.id).not.toContain(tokenOf(link));
    expect(stored!.purpose).toBe("invite");
    expect(invited.value.expiresAt.getTime() - rt.clock()).toBe(rt.config.inviteTtlS * 1000);
    const actions = (await rt.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, invited.value.user.id))).map((e) => e.action).sort();
    expect(actions).toEqual(["user.create", "user.invite"]);
    expect((await invitationStates(rt.database.db, [invited.value.user.id], new Date(rt.clock()))).get(invited.value.user.id)).toBe("pending");
  });

  it("lets the link set a first password once, signing the invitee in on a fresh session; the second use is refused", async () => {
    const address = email();
    const invited = await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: address, name: "Ben Invitee", role: "user" });
    if (!invited.ok) throw new Error(invited.message);
    const token = tokenOf(await linkMailedTo(address));
    const set = await setPassword(token);
    expect(set.ok).toBe(true);
    if (!set.ok) return;
    const session = await rt.sessions.validateSessionWithCache(set.value.token);
    expect(session?.user.email).toBe(address);
    expect(await setPassword(token, `${NEW_PASSWORD} twice`)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    expect((await invitationStates(rt.database.db, [invited.value.user.id], new Date(rt.clock()))).has(invited.value.user.id)).toBe(false);
    // Accepted: nothing left to resend or revoke.
    expect(await resendInvitation(rt.invitations, { actor: admin, metadata, origin: null }, invited.value.user.id)).toMatchObject({ ok: false, code: "INVITATION_NOT_PENDING" });
  });

  it("refuses a link after INVITE_TTL, and shows the invitation as expired", async () => {
    const address = email();
    const invited = await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: address, name: "Cy Late", role: "user" });
    if (!invited.ok) throw new Error(invited.message);
    const token = tokenOf(await linkMailedTo(address));
    rt.clock.advance(rt.config.inviteTtlS * 1000 + 1);
    expect(await setPassword(token)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    expect((await invitationStates(rt.database.db, [invited.value.user.id], new Date(rt.clock()))).get(invited.value.user.id)).toBe("expired");
  });

  it("voids the old link when the invitation is resent, and the new one works", async () => {
    const address = email();
    const invited = await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: address, name: "Dee Resent", role: "user" });
    if (!invited.ok) throw new Error(invited.message);
    const first = tokenOf(await linkMailedTo(address));
    rt.clock.advance(1000);
    expect((await resendInvitation(rt.invitations, { actor: admin, metadata, origin: null }, invited.value.user.id)).ok).toBe(true);
    const second = tokenOf(await linkMailedTo(address));
    expect(second).not.toBe(first);
    expect(await setPassword(first)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    expect((await setPassword(second)).ok).toBe(true);
  });

  it("refuses a revoked invitation's link, and a second revoke says there is nothing to revoke", async () => {
    const address = email();
    const invited = await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: address, name: "Eve Revoked", role: "user" });
    if (!invited.ok) throw new Error(invited.message);
    const token = tokenOf(await linkMailedTo(address));
    expect(await revokeInvitation(rt.invitations, admin, invited.value.user.id, metadata)).toMatchObject({ ok: true, value: { revoked: 1 } });
    expect(await setPassword(token)).toMatchObject({ ok: false, code: "LINK_INVALID" });
    expect(await revokeInvitation(rt.invitations, admin, invited.value.user.id, metadata)).toMatchObject({ ok: false, code: "INVITATION_NOT_PENDING" });
  });

  it("refuses an email that has an account, leaving that account and the outbox untouched", async () => {
    const existing = await createUser(rt.database.db);
    const mailsBefore = (await rt.database.db.select().from(mailOutbox)).length;
    const refused = await inviteUser(rt.invitations, { actor: await freshAdmin(), metadata, origin: null }, { email: existing.email, name: "Someone Else", role: "admin" });
    expect(refused).toMatchObject({ ok: false, code: "EMAIL_TAKEN" });
    const [row] = await rt.database.db.select().from(users).where(eq(users.id, existing.id));
    expect(row).toMatchObject({ name: existing.name, role: existing.role });
    expect((await rt.database.db.select().from(mailOutbox)).length).toBe(mailsBefore);
  });

  it("refuses malformed input with the field it is about", async () => {
    expect(await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: "not-an-email", name: "X", role: "user" })).toMatchObject({ ok: false, code: "INVALID_INPUT", details: { field: "email" } });
    expect(await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: email(), name: "   ", role: "user" })).toMatchObject({ ok: false, code: "INVALID_INPUT", details: { field: "name" } });
    expect(await inviteUser(rt.invitations, { actor: admin, metadata, origin: null }, { email: email(), name: "X", role: "owner" as never })).toMatchObject({ ok: false, code: "INVALID_INPUT", details: { field: "role" } });
  });

  it("creates a staff account only after a recent sign-in, and refuses it with REAUTH_REQUIRED after the window", async () => {
    const signedIn = await freshAdmin();
    const fresh = await inviteUser(rt.invitations, { actor: signedIn, metadata, origin: null }, { email: email(), name: "Fay Support", role: "support" });
    expect(fresh.ok).toBe(true);
    rt.clock.advance((rt.config.impersonation.reauthWindowS + 1) * 1000);
    const address = email();
    const stale = await inviteUser(rt.invitations, { actor: signedIn, metadata, origin: null }, { email: address, name: "Gus Admin", role: "admin" });
    expect(stale).toMatchObject({ ok: false, code: "REAUTH_REQUIRED" });
    expect(await rt.database.db.select().from(users).where(eq(users.email, address))).toEqual([]);
    // A plain user needs no step-up.
    expect((await inviteUser(rt.invitations, { actor: signedIn, metadata, origin: null }, { email: email(), name: "Hal User", role: "user" })).ok).toBe(true);
  });
});
