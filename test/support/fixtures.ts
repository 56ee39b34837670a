/** Small builders for test data: users with known passwords (fast: one Argon2 hash per process). */
import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { users, type UserRole, type UserStatus } from "@/lib/db/schema";
import type { Db } from "@/lib/db/types";

export const TEST_PASSWORD = "correct horse battery staple";
let hashed: Promise<string> | undefined;

export async function createUser(
  db: Db,
  overrides: { role?: UserRole; status?: UserStatus; name?: string; email?: string } = {},
): Promise<{ id: string; email: string; name: string; role: UserRole; status: UserStatus }> {
  hashed ??= hashPassword(TEST_PASSWORD);
  const suffix = randomBytes(4).toString("hex");
  const [row] = await db
    .insert(users)
    .values({
      email: overrides.email ?? `user-${suffix}@example.com`,
      name: overrides.name ?? `User ${suffix}`,
      role: overrides.role ?? "user",
      status: overrides.status ?? "active",
      passwordHash: await hashed,
    })
    .returning({ id: users.id, email: users.email, name: users.name, role: users.role, status: users.status });
  return row!;
}
