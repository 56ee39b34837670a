/**
 * Fixed values shared by the e2e servers (e2e/support/serve.ts) and the specs. Test-only secrets: the
 * servers run against a throw-away database that exists for one run.
 */
export const ADMIN_EMAIL = "admin@example.com";
export const ADMIN_PASSWORD = "e2e-admin-password-0123";
export const ADMIN_NAME = "Administrator";
/** The seed's shared password for sample users (lib/db/seed.ts SAMPLE_PASSWORD). */
export const SAMPLE_PASSWORD = "sample-password-123";
/** How many sample-shaped users each e2e server's database starts with (test/support/server-fixtures.ts). */
export const FIXTURE_USERS = 60;
export const E2E_SESSION_SECRET = "e2e-session-secret-0123456789-abcdefghijklmnop";
/** Dist dir of the one production build every e2e server runs from. */
export const E2E_DIST_DIR = ".next-e2e";
/** The short-lived server's impersonation TTL in seconds (the config minimum is 10). */
export const SHORT_IMPERSONATION_TTL_S = 12;

/**
 * Seeded sample users (lib/db/seed.ts sampleUserRows: index i → FIRST[i % 20] LAST[i / 20], role "user",
 * active for these indexes). Each spec impersonates or signs in as its own user so parallel specs never
 * revoke or impersonate one another's accounts.
 */
export const SAMPLE_USERS = {
  ada: { email: "ada.lovelace.0@example.com", name: "Ada Lovelace" },
  grace: { email: "grace.lovelace.1@example.com", name: "Grace Lovelace" },
  alan: { email: "alan.lovelace.2@example.com", name: "Alan Lovelace" },
  barbara: { email: "barbara.lovelace.4@example.com", name: "Barbara Lovelace" },
  frances: { email: "frances.lovelace.6@example.com", name: "Frances Lovelace" },
  margaret: { email: "margaret.lovelace.8@example.com", name: "Margaret Lovelace" },
  linus: { email: "linus.lovelace.9@example.com", name: "Linus Lovelace" },
  radia: { email: "radia.lovelace.10@example.com", name: "Radia Lovelace" },
  hedy: { email: "hedy.lovelace.12@example.com", name: "Hedy Lovelace" },
  john: { email: "john.lovelace.13@example.com", name: "John Lovelace" },
  katherine: { email: "katherine.lovelace.14@example.com", name: "Katherine Lovelace" },
  dennis: { email: "dennis.lovelace.15@example.com", name: "Dennis Lovelace" },
  sophie: { email: "sophie.lovelace.16@example.com", name: "Sophie Lovelace" },
  joan: { email: "joan.lovelace.18@example.com", name: "Joan Lovelace" },
  bjarne: { email: "bjarne.lovelace.19@example.com", name: "Bjarne Lovelace" },
  /** Bulk actions (e2e/bulk-actions.spec.ts): banned and unbanned together. */
  francesHopper: { email: "frances.hopper.26@example.com", name: "Frances Hopper" },
  kenHopper: { email: "ken.hopper.27@example.com", name: "Ken Hopper" },
  margaretHopper: { email: "margaret.hopper.28@example.com", name: "Margaret Hopper" },
  /** Step-up on an admin action (e2e/admin-step-up.spec.ts, short server). */
  donaldHopper: { email: "donald.hopper.25@example.com", name: "Donald Hopper" },
} as const;

export type SampleUser = (typeof SAMPLE_USERS)[keyof typeof SAMPLE_USERS];
