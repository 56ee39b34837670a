/**
 * Build-time only (next.config.ts): reads app/api into the route table of api-routes.ts. A method counts as
 * implemented when its export is an apiHandler/probeHandler or a function, or an alias of one that is;
 * `methodNotAllowed` stubs and the 404 catch-all are not. The hostile-input suite (test/http/security/hostile.test.ts) checks
 * the table against the running server, so a route written another way cannot slip out of it unnoticed.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROUTED_METHODS, type ApiRoute } from "./api-routes";

const METHOD = ROUTED_METHODS.join("|");

export function implementedMethods(source: string): string[] {
  const implemented = new Set<string>();
  const aliases: [string, string][] = [];
  for (const m of source.matchAll(new RegExp(`^export\\s+(?:const\\s+(${METHOD})\\s*=\\s*(\\w+)|(?:async\\s+)?function\\s+(${METHOD})\\b)`, "gm"))) {
    if (m[3]) implemented.add(m[3]);
    else if (m[2] === "apiHandler" || m[2] === "probeHandler") implemented.add(m[1]!);
    else aliases.push([m[1]!, m[2]!]);
  }
  for (const [name, target] of aliases) if (implemented.has(target)) implemented.add(name);
  return ROUTED_METHODS.filter((m) => implemented.has(m));
}

/** Every `route.ts` under `apiDir` (e.g. app/api), as `/api/...` patterns (route groups dropped). */
export function scanApiRoutes(apiDir: string): ApiRoute[] {
  const routes: ApiRoute[] = [];
  for (const entry of readdirSync(apiDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/^route\.(ts|js)$/.test(entry.name)) continue;
    const rel = path.relative(apiDir, entry.parentPath).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
    const pattern = ["/api", ...rel].join("/");
    routes.push({ pattern, methods: implementedMethods(readFileSync(path.join(entry.parentPath, entry.name), "utf8")) });
  }
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}
