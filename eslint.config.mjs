import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const noNext = [
  { group: ["next", "next/*"], message: "lib/ is framework-agnostic: only lib/next/ may import Next." },
  { group: ["react", "react-dom", "react/*"], message: "lib/ is framework-agnostic: only lib/next/ may import React." },
];
const noUncachedStore = [
  {
    group: ["**/session/store", "@/lib/session/store"],
    message: "Only lib/session may use the session store; validate through validateSessionWithCache.",
  },
];
const restrict = (patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "bench/results/**", "next-env.d.ts"],
  },
  // Framework-agnostic rooms of lib/: no Next, no React, and no uncached session store.
  { files: ["lib/**/*.ts"], ignores: ["lib/next/**", "lib/session/**", "lib/runtime.ts"], rules: restrict([...noNext, ...noUncachedStore]) },
  // lib/session owns the store; lib/runtime wires it. Both stay framework-agnostic.
  { files: ["lib/session/**/*.ts", "lib/runtime.ts"], rules: restrict(noNext) },
  // The Next side (adapter, app, proxy) may import Next but reaches sessions only through the cached validator.
  { files: ["lib/next/**/*.ts", "app/**/*.{ts,tsx}", "proxy.ts", "instrumentation.ts"], rules: restrict(noUncachedStore) },
  {
    // lib/config.ts is the only reader of process.env in the app.
    files: ["app/**/*.{ts,tsx}", "lib/**/*.ts"],
    ignores: ["lib/config.ts"],
    rules: { "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/config." }] },
  },
];

export default config;
