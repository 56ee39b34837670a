import { requireUser } from "@/lib/next/session";

export default async function HomePage() {
  const session = await requireUser("/");
  return (
    <main className="p-8">
      <h1 className="text-2xl font-semibold">Signed in as {session.user.name}</h1>
    </main>
  );
}
