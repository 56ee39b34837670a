import { listPasskeys } from "@/lib/auth/mfa/passkeys";
import { hasConfirmedTotp } from "@/lib/auth/mfa/totp";
import type { Runtime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { ui } from "../_components/styles";
import { formatRelative, formatUtc } from "../_lib/format";
import { PasskeyManager } from "./passkey-manager";

/** The account's passkeys: name, added, last used; adding and removing them (which needs JavaScript). */
export async function PasskeysSection({ runtime, session }: { runtime: Runtime; session: SessionContext }) {
  if (session.impersonation) return null;
  const now = runtime.clock();
  const [passkeys, hasTotp] = await Promise.all([listPasskeys(runtime.database.db, session.user.id), hasConfirmedTotp(runtime.database.db, session.user.id)]);
  const rows = passkeys.map((p) => ({ id: p.id, name: p.name, created: formatUtc(p.createdAt), lastUsed: p.lastUsedAt ? formatRelative(p.lastUsedAt, now) : "never" }));
  return (
    <section aria-labelledby="passkeys-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="passkeys-heading" className={ui.cardTitle}>
          Passkeys
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">
          A passkey on this device or a security key, confirmed with your fingerprint, face or PIN. It cannot be phished: it only works on this site.
        </p>
      </div>
      <div className="px-5 py-5">
        <noscript>
          <p className="text-sm text-slate-700">Adding or removing a passkey needs JavaScript.</p>
        </noscript>
        <PasskeyManager passkeys={rows} hasTotp={hasTotp} />
      </div>
    </section>
  );
}
