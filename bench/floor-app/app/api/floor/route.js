// The floor: what a Next.js route handler costs with nothing of the app in the way (see bench/lib/floor-app.ts).
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" });
}
