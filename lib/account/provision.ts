/**
 * Creating accounts outside the console: the first admin (seed) and `npm run admin:create`. An account gets either
 * a password that passes the policy or no password at all plus a one-time setup link; never a shared or generated
 * default that could be published.
 */
import { eq } from "drizzle-orm";
import { recordAuditEvent } from "../audit/audit";
import { hashPassword } from "../auth/password";
import { checkPassword } from "../auth/password-policy";
import { users, type UserRole } from "../db/schema";
import type { Db } from "../db/types";
import { isEmailAddress } from "../users/users";
import { issueAccountToken, type IssuedAccountToken } from "./account-tokens";

export interface ProvisionInput {
  email: string;
  name: string;
  role: UserRole;
  /** Omitted: the account is created without a password and a setup link is issued. */
  password?: string;
}

export interface ProvisionOptions {
  setupTtlS: number;
  now: Date;
  /** When the email exists already: leave it ("keep", the seed) or refuse ("refuse", admin:create). */
  ifExists: "keep" | "refuse";
}

export type ProvisionOutcome =
  | { status: "created"; userId: string; setupLink?: IssuedAccountToken }
  | { status: "exists"; userId: string; setupLink?: IssuedAccountToken }
  | { status: "refused"; variable: "password" | "email"; message: string };

export class ProvisioningError extends Error {
  constructor(message: string) {
    super(`provisioning: ${message}`);
    this.name = "ProvisioningError";
  }
}

export async function provisionAccount(db: Db, input: ProvisionInput, options: ProvisionOptions): Promise<ProvisionOutcome> {
  const email = input.email.trim().toLowerCase();
  if (!isEmailAddress(email)) {
    return { status: "refused", variable: "email", message: `"${input.email}" is not an email address.` };
  }
  if (input.password !== undefined) {
    const verdict = checkPassword(input.password, { role: input.role, email, name: input.name });
    if (!verdict.ok) return { status: "refused", variable: "password", message: verdict.message };
  }
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(users)
      .values({ email, name: input.name, role: input.role, status: "active", passwordHash })
      .onConflictDoNothing()
      .returning({ id: users.id });
    const created = inserted[0];
    if (created) {
      await recordAuditEvent(tx, { action: "user.create", actorId: null, subjectId: created.id, metadata: { role: input.role, via: "provisioning" } });
      const setupLink = passwordHash === null ? await issueAccountToken(tx, { userId: created.id, purpose: "setup", ttlS: options.setupTtlS, now: options.now }) : undefined;
      return { status: "created" as const, userId: created.id, ...(setupLink ? { setupLink } : {}) };
    }
    const [existing] = await tx.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, email));
    if (!existing) throw new ProvisioningError(`the insert of ${email} conflicted, but no such user exists`);
    if (options.ifExists === "refuse") return { status: "refused" as const, variable: "email" as const, message: `An account with the email ${email} exists already.` };
    // An account still waiting for its owner gets a fresh link (the old one may have expired); others are left alone.
    const setupLink =
      existing.passwordHash === null ? await issueAccountToken(tx, { userId: existing.id, purpose: "setup", ttlS: options.setupTtlS, now: options.now }) : undefined;
    return { status: "exists" as const, userId: existing.id, ...(setupLink ? { setupLink } : {}) };
  });
}
