/**
 * Requests Next cannot route, answered on the Node server before Next sees them (the rule is
 * `unroutedMethodAnswer` in lib/http/api-routes.ts). Next answers a method it does not route (PROPFIND,
 * PURGE, QUERY, …) with an empty 400, and TRACE with a 500. The proxy could catch only the bodiless ones
 * (Next reads a matched request's body before the proxy runs), and matching them there made every bodiless
 * /api request pay for a proxy run; here a routed method costs one Set lookup.
 */
import { Server, type IncomingMessage, type ServerResponse } from "node:http";
import { errorBody } from "../errors";
import { isRoutedMethod, unroutedMethodAnswer, type ApiRoute, type UnroutedAnswer } from "../http/api-routes";

function send(req: IncomingMessage, res: ServerResponse, answer: UnroutedAnswer): void {
  const body = JSON.stringify(errorBody(answer.status === 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND"));
  res.writeHead(answer.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...(answer.status === 405 ? { Allow: answer.allow } : {}),
    // A body is left unread: the connection is not reused after it.
    ...(req.headers["content-length"] || req.headers["transfer-encoding"] ? { Connection: "close" } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

let installed = false;

/** Wraps `http.Server#emit` for "request" once per process (instrumentation.ts, before the first request). */
export function installUnroutedMethodGuard(apiRoutes: readonly ApiRoute[]): void {
  if (installed) return;
  installed = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    // Every ordinary request: one Set lookup on the method, no parsing of the URL.
    if (event === "request" && !isRoutedMethod((args[0] as IncomingMessage).method)) {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const answer = unroutedMethodAnswer(req.method ?? "GET", (req.url ?? "/").split("?")[0]!, apiRoutes);
      if (answer) {
        send(req, res, answer);
        return true;
      }
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof Server.prototype.emit;
}
