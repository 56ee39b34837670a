/**
 * The read-only impersonation guard is deny by default, and this keeps it so (on the syntax tree, so
 * comments, strings and renamed locals cannot trip or dodge it):
 *
 *  1. Every route handler for a method other than GET/HEAD in every app/api route.ts is an `apiHandler`
 *     (which runs the guard before the handler) or a `methodNotAllowed` stub (which reads and changes
 *     nothing), directly or through an alias. A bare function or a `probeHandler` there is a bypass.
 *  2. Every exported function of every "use server" module starts by calling the action guard
 *     (`requireActionSession` or `guardSessionlessAction`), itself or through a module-local helper that
 *     does, with only synchronous declarations before it; an inline "use server" function elsewhere is
 *     refused outright (this rule could not see it).
 *  3. The exits (handlers and actions allowed to change state from a read-only impersonation) are exactly
 *     the allow-list: stop impersonation and sign out, once as a route and once as an action.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const FIXTURES = "test/fixtures/architecture";
const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const GUARDED_WRAPPERS = new Set(["apiHandler", "methodNotAllowed"]);
const ACTION_GUARDS = new Set(["requireActionSession", "guardSessionlessAction"]);
/** The catch-all 404 answers every method from a constant and builds no runtime: nothing to guard. */
const EXEMPT_ROUTES = new Set(["app/api/[...path]/route.ts"]);

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const parse = (file: string, text: string) => ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

interface Finding {
  file: string;
  name: string;
  what: string;
}

const isExported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const calleeName = (call: ts.CallExpression) => (ts.isIdentifier(call.expression) ? call.expression.text : ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : null);

/** Module-level `const x = …` initializers and function declarations, by name. */
function topLevelBindings(sf: ts.SourceFile) {
  const consts = new Map<string, ts.Expression>();
  const functions = new Map<string, ts.FunctionLikeDeclaration>();
  for (const stmt of sf.statements) {
    if (ts.isFunctionDeclaration(stmt) && stmt.name) functions.set(stmt.name.text, stmt);
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        if (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)) functions.set(d.name.text, d.initializer);
        else consts.set(d.name.text, d.initializer);
      }
    }
  }
  return { consts, functions };
}

/** Rule 1 on one route file. */
export function findUnguardedMutatingHandlers(file: string, text: string): Finding[] {
  const sf = parse(file, text);
  const { consts, functions } = topLevelBindings(sf);
  const findings: Finding[] = [];
  const guarded = (expr: ts.Expression, seen: Set<string>): string | null => {
    if (ts.isCallExpression(expr)) {
      const name = calleeName(expr);
      return name && GUARDED_WRAPPERS.has(name) ? null : `is built by ${name ?? "an expression"}, not apiHandler`;
    }
    if (ts.isIdentifier(expr)) {
      if (seen.has(expr.text)) return "is an alias loop";
      if (functions.has(expr.text)) return `is the bare function ${expr.text}, outside apiHandler`;
      const target = consts.get(expr.text);
      return target ? guarded(target, new Set([...seen, expr.text])) : `is ${expr.text}, which this rule cannot see is guarded`;
    }
    return "is not an apiHandler";
  };
  for (const stmt of sf.statements) {
    if (!isExported(stmt)) continue;
    if (ts.isFunctionDeclaration(stmt) && stmt.name && MUTATING_METHODS.has(stmt.name.text)) {
      findings.push({ file, name: stmt.name.text, what: "is a bare function, outside apiHandler" });
    }
    if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !MUTATING_METHODS.has(d.name.text)) continue;
        const problem = d.initializer ? guarded(d.initializer, new Set([d.name.text])) : "has no value";
        if (problem) findings.push({ file, name: d.name.text, what: problem });
      }
    }
  }
  return findings;
}

const hasUseServer = (body: ts.Block | ts.SourceFile) =>
  body.statements.some((s) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression) && s.expression.text === "use server");

/** Does this statement call one of `names` (anywhere inside it, not inside a nested function)? */
function callsAny(node: ts.Node, names: Set<string>): boolean {
  let found = false;
  const visit = (n: ts.Node) => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isCallExpression(n)) {
      const name = calleeName(n);
      if (name && names.has(name)) found = true;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  if (ts.isCallExpression(node)) {
    const name = calleeName(node);
    if (name && names.has(name)) found = true;
  }
  return found;
}

function containsAwait(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node) => {
    if (found || ts.isFunctionLike(n)) return;
    if (ts.isAwaitExpression(n)) found = true;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

/**
 * Does the function reach a call to one of `guards` before doing anything? Only synchronous declarations
 * may come first (reading the form to know where to send a refusal); any await, bare call or return before
 * the guard is a step the guard did not see.
 */
function startsGuarded(fn: ts.FunctionLikeDeclaration, guards: Set<string>): boolean {
  if (!fn.body) return false;
  if (!ts.isBlock(fn.body)) return callsAny(fn.body, guards);
  for (const stmt of fn.body.statements) {
    if (callsAny(stmt, guards)) return true;
    if (!ts.isVariableStatement(stmt) || containsAwait(stmt)) return false;
  }
  return false;
}

/** Rule 2 on one module: every export of a "use server" module is guarded first; no inline "use server". */
export function findUnguardedActions(file: string, text: string): Finding[] {
  const sf = parse(file, text);
  const findings: Finding[] = [];
  const moduleLevel = hasUseServer(sf);
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body && ts.isBlock(node.body) && hasUseServer(node.body)) {
      findings.push({ file, name: node.name && ts.isIdentifier(node.name) ? node.name.text : "(inline)", what: "is an inline server action; move it to a guarded \"use server\" module" });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  if (!moduleLevel) return findings;

  const { functions } = topLevelBindings(sf);
  // Local helpers whose first step is a guard (or a call to such a helper), to a fixpoint.
  const guards = new Set(ACTION_GUARDS);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, fn] of functions) {
      if (!guards.has(name) && startsGuarded(fn, guards)) {
        guards.add(name);
        grew = true;
      }
    }
  }
  const check = (name: string, fn: ts.FunctionLikeDeclaration | undefined) => {
    if (!fn) return findings.push({ file, name, what: "is exported but not a function this rule can check" });
    if (!startsGuarded(fn, guards)) findings.push({ file, name, what: "does not start with the action guard" });
  };
  for (const stmt of sf.statements) {
    if (!isExported(stmt)) continue;
    if (ts.isFunctionDeclaration(stmt) && stmt.name) check(stmt.name.text, stmt);
    else if (ts.isVariableStatement(stmt)) {
      for (const d of stmt.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const init = d.initializer;
        check(d.name.text, init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined);
      }
    } else if (ts.isExportDeclaration(stmt) || ts.isExportAssignment(stmt)) findings.push({ file, name: "(re-export)", what: "re-exports from a \"use server\" module, which this rule cannot check" });
  }
  return findings;
}

/** Rule 3: every place that declares an exit, as `file: exit`. */
export function exitDeclarations(file: string, text: string): string[] {
  const sf = parse(file, text);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === "readOnlyExit" && ts.isStringLiteralLike(node.initializer)) {
      found.push(`${file}: ${node.initializer.text}`);
    }
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const position = name === "requireActionSession" ? 2 : name === "guardSessionlessAction" ? 1 : -1;
      const arg = position >= 0 ? node.arguments[position] : undefined;
      if (arg) found.push(`${file}: ${ts.isStringLiteralLike(arg) ? arg.text : "(computed)"}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const appFiles = () => sourceFiles("app");
const routeFiles = () => appFiles().filter((f) => /^app\/api\/.*\/route\.ts$/.test(f));

describe("architecture: the read-only impersonation guard has no way around it", () => {
  it("every mutating route handler in app/api goes through apiHandler", () => {
    const files = routeFiles().filter((f) => !EXEMPT_ROUTES.has(f));
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => findUnguardedMutatingHandlers(f, read(f)))).toEqual([]);
  });

  it("every server action in app/ and lib/ starts with the action guard, and none is inline", () => {
    const files = [...appFiles(), ...sourceFiles("lib")];
    const modules = files.filter((f) => hasUseServer(parse(f, read(f))));
    expect(modules.length).toBeGreaterThan(7);
    expect(files.flatMap((f) => findUnguardedActions(f, read(f)))).toEqual([]);
  });

  it("the only exits are stop impersonation and sign out, once as a route and once as an action", () => {
    const files = [...appFiles(), ...sourceFiles("lib").filter((f) => !f.startsWith("lib/next/") && f !== "lib/auth/access.ts")];
    expect(files.flatMap((f) => exitDeclarations(f, read(f))).sort()).toEqual(
      ["app/actions.ts: sign-out", "app/actions.ts: stop-impersonation", "app/api/admin/impersonate/route.ts: stop-impersonation", "app/api/auth/logout/route.ts: sign-out"].sort(),
    );
  });

  describe("the rules themselves (fixtures under test/fixtures/architecture)", () => {
    const fixture = (name: string) => read(`${FIXTURES}/${name}`);

    it("catches a bare POST function, an alias of a bare function and a probeHandler for PATCH", () => {
      expect(findUnguardedMutatingHandlers("app/api/x/route.ts", fixture("unguarded-route.ts")).map((f) => `${f.name} ${f.what}`)).toEqual([
        "POST is a bare function, outside apiHandler",
        "PUT is the bare function write, outside apiHandler",
        "PATCH is built by probeHandler, not apiHandler",
      ]);
    });
    it("accepts the same handlers through apiHandler, an alias of one, and 405 stubs (the twin)", () => {
      expect(findUnguardedMutatingHandlers("app/api/x/route.ts", fixture("guarded-route.ts"))).toEqual([]);
    });

    it("catches actions that write before the guard, guard too late, or go through an unguarded helper", () => {
      expect(findUnguardedActions("app/x/actions.ts", fixture("unguarded-actions.ts")).map((f) => f.name)).toEqual(["saveThingAction", "deleteThingAction", "viaUnguardedHelperAction", "writesBeforeGuardAction"]);
    });
    it("accepts the same actions guarded first, directly or through a guarded helper (the twin)", () => {
      expect(findUnguardedActions("app/x/actions.ts", fixture("guarded-actions.ts"))).toEqual([]);
    });

    it("catches an inline server action in a component and a non-function export", () => {
      const inline = `export function Page() { async function save() { "use server"; await db.insert(1); } return save; }`;
      expect(findUnguardedActions("app/x/page.tsx", inline).map((f) => f.what)).toEqual([expect.stringContaining("inline server action")]);
      expect(findUnguardedActions("app/x/actions.ts", `"use server";\nexport const saveAction = makeAction();`).map((f) => f.what)).toEqual(["is exported but not a function this rule can check"]);
    });

    it("finds an exit declared in a new place, so the allow-list cannot grow unnoticed", () => {
      expect(exitDeclarations("app/api/x/route.ts", `export const POST = apiHandler("/api/x", h, { readOnlyExit: "sign-out" });`)).toEqual(["app/api/x/route.ts: sign-out"]);
      expect(exitDeclarations("app/x/actions.ts", `await requireActionSession("/x", "session", exit);`)).toEqual(["app/x/actions.ts: (computed)"]);
    });
  });
});
