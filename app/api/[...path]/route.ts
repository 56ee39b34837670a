import { NextResponse } from "next/server";
import { ERRORS } from "@/lib/errors";

/**
 * Any /api path no route handles: the API's JSON 404 (`{ error: { code, message } }`) instead of the HTML
 * not-found page, so API clients (and the hostile-input suite) see one error shape everywhere.
 * Nothing is read and no runtime is built: an unknown path says nothing about the database.
 */
function notFound(): Response {
  return NextResponse.json({ error: { code: "NOT_FOUND", message: ERRORS.NOT_FOUND.message } }, { status: 404, headers: { "Cache-Control": "no-store" } });
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
