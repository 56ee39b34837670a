import { getSession } from "@/lib/next/session";
import { ForbiddenView } from "./_components/access-views";

export const metadata = { title: "Access denied" };

/** 403: rendered by forbidden() (requireStaff / requireAdmin, and the pages' own checks). */
export default async function Forbidden() {
  const session = await getSession().catch(() => null);
  return <ForbiddenView impersonatedName={session?.impersonation ? session.user.name : null} />;
}
