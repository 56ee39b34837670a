import { getSession } from "@/lib/next/session";
import { ForbiddenView } from "./_components/access-views";

export const metadata = { title: "Access denied" };

/** 403: rendered by forbidden() wherever a server component calls it. */
export default async function Forbidden() {
  const session = await getSession().catch(() => null);
  return <ForbiddenView impersonatedName={session?.impersonation ? session.user.name : null} />;
}
