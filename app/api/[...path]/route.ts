import { errorResponse } from "@/lib/errors";

/**
 * Any /api path no route handles: the API's JSON 404 (`{ error: { code, message } }`) instead of the HTML
 * not-found page, so API clients (and the hostile-input suite) see one error shape everywhere.
 * Nothing is read and no runtime is built: an unknown path says nothing about the database.
 * Methods Next does not route (WebDAV, PURGE, …) get the same 404 from the proxy.
 */
function notFound(): Response {
  return errorResponse("NOT_FOUND");
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
// Next would answer OPTIONS itself with a 204 listing every method: an unknown path has none.
export const OPTIONS = notFound;
