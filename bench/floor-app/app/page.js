import { connection } from "next/server";

// The floor for a page: rendered on every request (never prerendered), a few elements, no data.
export default async function Page() {
  await connection();
  return (
    <main>
      <h1>Floor</h1>
      <p>A bare server-rendered page.</p>
    </main>
  );
}
