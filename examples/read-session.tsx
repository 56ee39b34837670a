// A server component that reads the current session. getSession() is wrapped in React cache(): every
// component of one request shares a single validation (L1 -> Redis -> Postgres).
import { getSession } from "@/lib/next/session";

export default async function Greeting() {
  const session = await getSession();
  if (!session) return <p>Not signed in.</p>;
  return <p>Signed in as {session.user.name}</p>;
}
