/**
 * Which console actions need a step-up (lib/auth/step-up.ts) before they run: one pure rule, so the pages,
 * the server actions, the API routes and the bulk jobs all ask the same question and cannot drift apart.
 */

/** Every state-changing action the console offers on other people's accounts. */
export const STAFF_ACTIONS = [
  "user.role",
  "user.ban",
  "user.unban",
  "session.revoke_all",
  "session.revoke",
  "mfa.reset",
  "user.create_staff",
  "user.create",
  "user.invite_resend",
  "user.invite_revoke",
  "impersonation.start",
  "impersonation.force_end",
  "access.request",
] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

/**
 * true: the actor proves again who they are (the strongest factor they have, within the step-up window).
 * - Admin-only powers that take an account over or lock its owner out need it: a stolen admin session alone
 *   must not change roles, ban, sign someone out everywhere, strip their second factors or mint staff.
 * - Sign In As needs it (lib/impersonation: the actor then sees everything the user sees).
 * - Ending one session or one impersonation, inviting a plain user, resending or revoking an invitation, and
 *   asking a user for access do not: each is undone by the user signing in again or by the invitation link,
 *   grants nobody a power, and support does them all day; a step-up there would train staff to type their
 *   factor without thinking.
 */
const NEEDS_STEP_UP: Record<StaffAction, boolean> = {
  "user.role": true,
  "user.ban": true,
  "user.unban": true,
  "session.revoke_all": true,
  "mfa.reset": true,
  "user.create_staff": true,
  "impersonation.start": true,
  "session.revoke": false,
  "user.create": false,
  "user.invite_resend": false,
  "user.invite_revoke": false,
  "impersonation.force_end": false,
  "access.request": false,
};

export function stepUpRequired(action: StaffAction): boolean {
  return NEEDS_STEP_UP[action];
}
