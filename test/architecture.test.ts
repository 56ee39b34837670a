/**
 * Architecture rules, checked on the syntax tree of every source file (comments and strings cannot trip
 * them, renamed imports cannot dodge them). ESLint enforces the same boundaries while editing; this test
 * makes them part of `npm test`, so a rule switched off in the lint config cannot let the boundary rot.
 *
 *  1. Sessions are validated through the cached path only: outside lib/session/ and the composition root
 *     (lib/runtime.ts) nothing imports lib/session/store or touches `validateUncached`.
 *  2. lib/config.ts is the only reader of `process.env` in app/ and lib/.
 *  3. The session store owns the sessions table: outside lib/session/ (and lib/db/, which defines it) no
 *     module imports `sessions` from lib/db/schema, so its liveness filters cannot be written twice.
 *  4. API routes and server actions are thin: they build no error envelope of their own (the one builder is
 *     lib/errors.ts, reached through jsonError/resultResponse) and make no staff or role check of their own
 *     (the one rule is lib/auth/access.ts, reached through requireApiSession/requireActionSession).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const STORE_MODULE = "lib/session/store";

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|cts|js|mjs)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

/** Repository-relative module path of an import specifier ("@/x" and relative paths), without extension or /index. */
function resolveSpecifier(fromFile: string, specifier: string): string | null {
  let target: string;
  if (specifier.startsWith("@/")) target = specifier.slice(2);
  else if (specifier.startsWith(".")) target = path.posix.join(path.posix.dirname(fromFile), specifier);
  else return null;
  return path.posix.normalize(target).replace(/\.(ts|tsx|js|mjs)$/, "").replace(/\/index$/, "");
}

export interface Finding {
  file: string;
  line: number;
  what: string;
}

/** Every import of a module (static, re-export, dynamic import(), require()) with its specifier. */
function moduleReferences(sf: ts.SourceFile): { specifier: string; node: ts.Node }[] {
  const refs: { specifier: string; node: ts.Node }[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, node });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      refs.push({ specifier: node.moduleReference.expression.text, node });
    } else if (ts.isCallExpression(node) && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) {
        refs.push({ specifier: node.arguments[0].text, node });
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ specifier: node.argument.literal.text, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

const isProcess = (node: ts.Expression) =>
  (ts.isIdentifier(node) && node.text === "process") ||
  (ts.isPropertyAccessExpression(node) && node.name.text === "process" && ts.isIdentifier(node.expression) && node.expression.text === "globalThis");

/** Rule 1 on one file's text. */
export function findUncachedSessionAccess(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const at = (node: ts.Node, what: string) => findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  for (const ref of moduleReferences(sf)) {
    if (resolveSpecifier(file, ref.specifier) === STORE_MODULE) at(ref.node, `imports ${ref.specifier}`);
  }
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && node.text === "validateUncached") at(node, "uses validateUncached");
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === "validateUncached") {
      at(node, "uses validateUncached");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

/** Rule 2 on one file's text: process.env, process["env"], `const { env } = process`, `import { env } from "process"`. */
export function findProcessEnvReads(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const at = (node: ts.Node) => findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what: "reads process.env" });
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === "env" && isProcess(node.expression)) at(node);
    if (ts.isElementAccessExpression(node) && isProcess(node.expression) && ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === "env") at(node);
    if (ts.isVariableDeclaration(node) && node.initializer && isProcess(node.initializer) && ts.isObjectBindingPattern(node.name)) {
      for (const el of node.name.elements) if (((el.propertyName ?? el.name) as ts.Identifier).text === "env") at(el);
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /^(node:)?process$/.test(node.moduleSpecifier.text)) {
      const named = node.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) for (const el of named.elements) if ((el.propertyName ?? el.name).text === "env") at(el);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

const SCHEMA_MODULE = "lib/db/schema";

/** Rule 3 on one file's text: `import { sessions } from ".../db/schema"`, or `schema.sessions` through a namespace import. */
export function findSessionsTableAccess(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const at = (node: ts.Node, what: string) => findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  const namespaces = new Set<string>();
  for (const ref of moduleReferences(sf)) {
    if (resolveSpecifier(file, ref.specifier) !== SCHEMA_MODULE) continue;
    const node = ref.node;
    if (ts.isImportDeclaration(node)) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === "sessions") at(el, "imports the sessions table");
      }
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      if (!clause || (ts.isNamedExports(clause) && clause.elements.some((el) => (el.propertyName ?? el.name).text === "sessions"))) at(node, "re-exports the sessions table");
    } else at(node, "loads lib/db/schema dynamically");
  }
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === "sessions" && ts.isIdentifier(node.expression) && namespaces.has(node.expression.text)) {
      at(node, "uses the sessions table");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

const ROLE_NAMES = new Set(["admin", "support", "user"]);
const RESPONSE_BUILDERS = new Set(["json"]);

/** Rule 4 on one file's text (an API route or a server-action module). */
export function findOwnErrorBodyOrStaffCheck(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const at = (node: ts.Node, what: string) => findings.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what });
  const isRoute = /(^|\/)route\.tsx?$/.test(file);
  const visit = (node: ts.Node) => {
    // An envelope written out: `{ error: { code, ... } }` in a route, or any JSON response built in an action.
    if (isRoute && ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === "error" && ts.isObjectLiteralExpression(node.initializer)) {
      if (node.initializer.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === "code")) at(node, "builds its own error body");
    }
    if (isRoute && ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === "status" && ts.isNumericLiteral(node.initializer) && Number(node.initializer.text) >= 400) {
      at(node, "sets an error status itself");
    }
    if (!isRoute && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && RESPONSE_BUILDERS.has(node.expression.name.text)) {
      const target = node.expression.expression;
      if (ts.isIdentifier(target) && (target.text === "Response" || target.text === "NextResponse")) at(node, "builds an HTTP response in an action");
    }
    // A staff check of its own: the policy's role helper, or a role compared with a role name.
    if (ts.isIdentifier(node) && node.text === "mayImpersonateAnyone") at(node, "checks staff itself (mayImpersonateAnyone)");
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(node.operatorToken.kind)) {
      const sides = [node.left, node.right];
      const role = sides.some((e) => ts.isPropertyAccessExpression(e) && e.name.text === "role");
      const name = sides.some((e) => ts.isStringLiteralLike(e) && ROLE_NAMES.has(e.text));
      if (role && name) at(node, "compares a role itself");
    }
    // `if (session.impersonation) …`: the impersonation refusal belongs to the access rule too.
    if (ts.isIfStatement(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "impersonation") at(node, "refuses impersonation itself");
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

const isRouteOrActions = (f: string) => /^app\/api\/.*\/route\.tsx?$/.test(f) || /^app\/(.*\/)?actions\.tsx?$/.test(f);
const FIXTURES = "test/fixtures/architecture";

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const topLevel = ["proxy.ts", "instrumentation.ts"].filter((f) => existsSync(path.join(ROOT, f)));

describe("architecture", () => {
  it("only lib/session and lib/runtime.ts reach the session store or the uncached validator", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("lib"), ...topLevel].filter(
      (f) => !f.startsWith("lib/session/") && f !== "lib/runtime.ts",
    );
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => findUncachedSessionAccess(f, read(f)))).toEqual([]);
  });

  it("only lib/config.ts reads process.env in app/ and lib/", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("lib")].filter((f) => f !== "lib/config.ts");
    expect(files.flatMap((f) => findProcessEnvReads(f, read(f)))).toEqual([]);
  });

  it("only lib/session (and lib/db, which defines it) touches the sessions table", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("lib"), ...sourceFiles("scripts"), ...topLevel].filter((f) => !f.startsWith("lib/session/") && !f.startsWith("lib/db/"));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => findSessionsTableAccess(f, read(f)))).toEqual([]);
  });

  it("no API route or server action builds its own error body or makes its own staff check", () => {
    const files = sourceFiles("app").filter(isRouteOrActions);
    expect(files.length).toBeGreaterThan(15);
    expect(files.flatMap((f) => findOwnErrorBodyOrStaffCheck(f, read(f)))).toEqual([]);
  });

  describe("the sessions-table rule itself", () => {
    const flagged = (file: string, text: string) => findSessionsTableAccess(file, text).map((f) => f.what);

    it("flags a named import, a renamed import, a re-export and a namespace member", () => {
      expect(flagged("lib/users/x.ts", `import { sessions, users } from "../db/schema";`)).toEqual(["imports the sessions table"]);
      expect(flagged("lib/x.ts", `import { sessions as s } from "@/lib/db/schema";`)).toHaveLength(1);
      expect(flagged("lib/x.ts", `export { sessions } from "./db/schema";`)).toHaveLength(1);
      expect(flagged("lib/x.ts", `export * from "./db/schema";`)).toHaveLength(1);
      expect(flagged("lib/x.ts", `import * as schema from "./db/schema";\nconst t = schema.sessions;`)).toEqual(["uses the sessions table"]);
    });

    it("does not flag other tables, the session reports, or look-alike names", () => {
      expect(flagged("lib/x.ts", `import { users, auditEvents } from "./db/schema";`)).toEqual([]);
      expect(flagged("lib/x.ts", `import { countLiveImpersonations } from "./session/reports";`)).toEqual([]);
      expect(flagged("lib/x.ts", `import * as schema from "./db/schema";\nconst t = schema.users; const s = runtime.sessions;`)).toEqual([]);
    });
  });

  describe("the thin-adapter rule itself (fixtures under test/fixtures/architecture)", () => {
    const fixture = (name: string, as: string) => findOwnErrorBodyOrStaffCheck(as, read(`${FIXTURES}/${name}`)).map((f) => f.what);

    it("rejects a route that writes its own error envelope, status and staff check", () => {
      expect(fixture("own-checks-route.ts", "app/api/x/route.ts")).toEqual(
        expect.arrayContaining(["builds its own error body", "sets an error status itself", "compares a role itself", "refuses impersonation itself"]),
      );
    });

    it("rejects an action that checks staff with the policy helper and answers with its own response", () => {
      expect(fixture("own-checks-actions.ts", "app/admin/x/actions.ts")).toEqual(
        expect.arrayContaining(["checks staff itself (mayImpersonateAnyone)", "builds an HTTP response in an action"]),
      );
    });

    it("accepts the same route written with the guards and the error builder (the twin)", () => {
      expect(fixture("thin-route.ts", "app/api/x/route.ts")).toEqual([]);
    });

    it("accepts the same action written with requireActionSession (the twin)", () => {
      expect(fixture("thin-actions.ts", "app/admin/x/actions.ts")).toEqual([]);
    });
  });

  describe("the session-store rule itself", () => {
    const flagged = (file: string, text: string) => findUncachedSessionAccess(file, text).map((f) => f.what);

    it("flags every way of importing the store", () => {
      expect(flagged("lib/admin/x.ts", `import { createSessionStore } from "../session/store";`)).toEqual(["imports ../session/store"]);
      expect(flagged("app/api/x/route.ts", `import type { SessionStore } from "@/lib/session/store";`)).toHaveLength(1);
      expect(flagged("lib/x.ts", `export * from "./session/store.ts";`)).toHaveLength(1);
      expect(flagged("lib/x.ts", `const m = await import("./session/store");`)).toHaveLength(1);
      expect(flagged("lib/x.ts", `const m = require("./session/store");`)).toHaveLength(1);
      expect(flagged("proxy.ts", `import * as s from "./lib/session/store";`)).toHaveLength(1);
    });

    it("flags any use of validateUncached, however it is reached", () => {
      expect(flagged("lib/x.ts", `await rt.sessions.validateUncached(id);`)).toEqual(["uses validateUncached"]);
      expect(flagged("lib/x.ts", `const { validateUncached: v } = rt.sessions;`)).toHaveLength(1);
      expect(flagged("lib/x.ts", `rt.sessions["validateUncached"](id);`)).toHaveLength(1);
    });

    it("does not flag the public session modules, look-alike names, comments or strings", () => {
      expect(flagged("lib/x.ts", `import { validateSessionWithCache } from "@/lib/session";`)).toEqual([]);
      expect(flagged("lib/x.ts", `import type { SessionContext } from "../session/types";`)).toEqual([]);
      expect(flagged("lib/x.ts", `import { x } from "./other/session/store";`)).toEqual([]);
      expect(flagged("lib/x.ts", `// never call validateUncached here\nconst s = "lib/session/store";`)).toEqual([]);
    });
  });

  describe("the process.env rule itself", () => {
    const flagged = (text: string) => findProcessEnvReads("lib/x.ts", text).length;

    it("flags every way of reading process.env", () => {
      expect(flagged(`const a = process.env.FOO;`)).toBe(1);
      expect(flagged(`const a = process["env"];`)).toBe(1);
      expect(flagged(`const { env } = process;`)).toBe(1);
      expect(flagged(`const { env: e } = process;`)).toBe(1);
      expect(flagged(`const a = globalThis.process.env;`)).toBe(1);
      expect(flagged(`import { env } from "node:process";`)).toBe(1);
    });

    it("does not flag other process members, look-alikes, comments or strings", () => {
      expect(flagged(`process.exit(0); process.on("SIGTERM", f);`)).toBe(0);
      expect(flagged(`const x = config.env; const y = myprocess.env;`)).toBe(0);
      expect(flagged(`// process.env is read in lib/config.ts only\nconst s = "process.env";`)).toBe(0);
    });
  });
});
