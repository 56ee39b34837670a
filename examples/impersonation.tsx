// Who is really behind a request: while impersonating, session.user is the customer and session.impersonator the
// staff member (the RFC 8693 "act" of the request). Record both when you write something down.
import { getSession } from "@/lib/next/session";
import { trueUserOf } from "@/lib/session/types";

export default async function WhoIsActing() {
  const session = await getSession();
  if (!session) return null;
  const actor = trueUserOf(session);
  return session.impersonation ? (
    <p>
      {actor.name} ({actor.role}) is acting as {session.user.name}: “{session.impersonation.reason}”, until{" "}
      {new Date(session.impersonation.expiresAt).toISOString()}
    </p>
  ) : (
    <p>{actor.name} is acting as themselves.</p>
  );
}
