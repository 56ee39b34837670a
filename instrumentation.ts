/**
 * Runs once when a server process starts: connects the database (migrating, and seeding an empty
 * development database), connects Redis, and installs graceful shutdown. Never during `next build`.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const [{ installUnroutedMethodGuard }, { parseApiRouteTable }] = await Promise.all([import("./lib/next/unrouted-methods"), import("./lib/http/api-routes")]);
  installUnroutedMethodGuard(parseApiRouteTable(process.env.NSI_API_ROUTES));
  const { startServerRuntime } = await import("./lib/lifecycle");
  await startServerRuntime();
}
