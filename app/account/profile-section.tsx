import { USER_NAME_MAX } from "@/lib/users/users";
import type { SessionContext } from "@/lib/session/types";
import { ui } from "../_components/styles";
import { SubmitButton } from "../_components/submit-button";
import { renameAccountAction } from "./actions";

/**
 * The display name. Shown to an impersonation too: one that can make changes may fix it for the user, a
 * read-only one is refused with IMPERSONATION_READ_ONLY when it tries (the guard, not this page, decides).
 */
export function ProfileSection({ session }: { session: SessionContext }) {
  return (
    <section aria-labelledby="profile-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="profile-heading" className={ui.cardTitle}>
          Profile
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">How your name shows to you and to our staff.</p>
      </div>
      <form action={renameAccountAction} className="flex flex-wrap items-end gap-3 px-5 py-5">
        <div className="min-w-56 flex-1">
          <label htmlFor="profile-name" className={ui.label}>
            Name
          </label>
          <input id="profile-name" name="name" required maxLength={USER_NAME_MAX} defaultValue={session.user.name} autoComplete="name" className={`${ui.input} mt-1.5`} />
        </div>
        <SubmitButton variant="secondary">Save name</SubmitButton>
      </form>
    </section>
  );
}
