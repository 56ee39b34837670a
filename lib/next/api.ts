/**
 * The route-handler surface, by job: the wrapper and its error answers (api-handler.ts), bounded body
 * reading (json-body.ts), and the guards (api-guards.ts). Routes import from here.
 */
export { apiHandler, jsonError, methodNotAllowed, probeHandler, resultResponse, type ApiContext } from "./api-handler";
export { assertSameOrigin, metadataOf, requireApiAdmin, requireApiSession, requireApiStaff, sessionOf } from "./api-guards";
export { readJson } from "./json-body";
