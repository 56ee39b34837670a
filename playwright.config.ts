/**
 * End-to-end suite in a real Chromium against real production servers (`npm run test:e2e`).
 * e2e/support/serve.ts builds once into .next-e2e and starts two servers on fresh databases:
 *  - project "main":  default impersonation TTL, day-long step-up window (most specs);
 *  - project "short": 12-second impersonations, step-up on every Sign In As (expiry and step-up specs).
 * With DATABASE_URL / REDIS_URL set, the servers use scratch databases created from that server and a
 * private Redis key prefix, so the shared database and keys are never touched.
 */
import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { pickFreePortsSync } from "./e2e/support/ports";

// The config is evaluated again in every worker process: ports chosen once are handed on through the
// environment (workers inherit it), so the runner and its workers agree on the URLs.
if (!process.env.E2E_MAIN_PORT || !process.env.E2E_SHORT_PORT) {
  const [mainPort, shortPort] = pickFreePortsSync(2);
  process.env.E2E_MAIN_PORT = String(mainPort);
  process.env.E2E_SHORT_PORT = String(shortPort);
}
const MAIN_URL = `http://localhost:${process.env.E2E_MAIN_PORT}`;
const SHORT_URL = `http://localhost:${process.env.E2E_SHORT_PORT}`;

function chromiumExecutable(): string | undefined {
  if (process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE) return process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
  // Debian's Chromium: Playwright's own browser download is not reachable from CI.
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined;
}

const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: chromiumExecutable(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  },
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // Two cores: two browsers at most, beside the two servers.
  workers: 2,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    trace: "on-first-retry",
    // Key screens (login, users table, dialog, banner, audit) are kept by the specs' snap(); any failure too.
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: "main",
      testIgnore: ["**/impersonation-expiry.spec.ts", "**/step-up.spec.ts", "**/admin-step-up.spec.ts", "**/mfa-passkey.spec.ts", "**/mfa-totp-step-up.spec.ts"],
      use: { ...chromium, baseURL: MAIN_URL },
    },
    {
      name: "short",
      testMatch: ["**/impersonation-expiry.spec.ts", "**/step-up.spec.ts", "**/admin-step-up.spec.ts", "**/mfa-passkey.spec.ts", "**/mfa-totp-step-up.spec.ts"],
      use: { ...chromium, baseURL: SHORT_URL },
    },
  ],
  webServer: {
    command: "node --import tsx e2e/support/serve.ts",
    // The main server starts last, so its answering means both are up.
    url: `http://127.0.0.1:${process.env.E2E_MAIN_PORT}/api/auth/user`,
    env: { E2E_MAIN_PORT: process.env.E2E_MAIN_PORT!, E2E_SHORT_PORT: process.env.E2E_SHORT_PORT! },
    // The first run builds the app (a few minutes on two shared cores).
    timeout: 10 * 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // SIGTERM lets serve.ts stop the servers and drop the scratch databases; a SIGKILL would leak them.
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
