// A page only signed-in people may see. requireUser() redirects to /login (and back here afterwards);
// a staff-only page asks the access rule as well, and renders a refusal instead of the content.
import { accessPolicyOf, accessRefusal } from "@/lib/auth/access";
import { getConfig } from "@/lib/config";
import { requireUser } from "@/lib/next/session";

export default async function ReportsPage() {
  const session = await requireUser("/reports");
  const refusal = accessRefusal(session, "staff", accessPolicyOf(getConfig()));
  if (refusal) return <p role="alert">Staff only ({refusal}).</p>;
  return <h1>Reports for {session.user.name}</h1>;
}
