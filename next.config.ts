import { existsSync } from "node:fs";
import path from "node:path";
import type { NextConfig } from "next";
import { scanApiRoutes } from "./lib/http/api-route-scan";

// The proxy answers methods Next does not route with each route's own 405 or a 404 (lib/http/api-routes.ts);
// it learns the routes from this table, inlined at build time. `next start` needs no sources: it keeps the built value.
const API_DIR = path.resolve("app", "api");
const apiRoutes = existsSync(API_DIR) ? JSON.stringify(scanApiRoutes(API_DIR)) : undefined;

const nextConfig: NextConfig = {
  // Test harnesses and benchmarks build into their own folders so that parallel builds never clobber `.next`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native and WASM packages must be loaded by Node at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "ioredis", "postgres", "prom-client"],
  poweredByHeader: false,
  ...(apiRoutes ? { env: { NSI_API_ROUTES: apiRoutes } } : {}),
  // The build type-checks the app only (tests have `npm run typecheck`); see tsconfig.build.json.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  // forbidden() / unauthorized() render app/forbidden.tsx and app/unauthorized.tsx with the right status.
  experimental: { authInterrupts: true },
  async headers() {
    const securityHeaders = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "X-Frame-Options", value: "DENY" },
      // Other sites can neither embed our responses as resources nor keep a handle on our windows.
      { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
      { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
      { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
      {
        key: "Content-Security-Policy",
        // Next inlines its bootstrap scripts, so 'unsafe-inline' is needed for scripts without a nonce;
        // frame-ancestors 'none' is the clickjacking guard for the impersonation console.
        value: [
          "default-src 'self'",
          "script-src 'self' 'unsafe-inline'" + (process.env.NODE_ENV === "production" ? "" : " 'unsafe-eval'"),
          "style-src 'self' 'unsafe-inline'",
          // No data: source: nothing here uses data: images, and Next compiles every header value that
          // contains a colon as a path template on every request (prepare-destination compileNonPath).
          "img-src 'self'",
          "font-src 'self'",
          "connect-src 'self'" + (process.env.NODE_ENV === "production" ? "" : " ws:"),
          "frame-ancestors 'none'",
          "form-action 'self'",
          "base-uri 'self'",
          "object-src 'none'",
        ].join("; "),
      },
    ];
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
