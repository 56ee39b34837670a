// A route handler (e.g. app/api/notes/route.ts). apiHandler adds the request id, no-store, metrics and JSON
// errors; requireApiSession answers 401 or the access rule's 403; readJson bounds and validates the body.
import { NextResponse } from "next/server";
import { z } from "zod";
import { apiHandler, assertSameOrigin, readJson, requireApiSession } from "@/lib/next/api";

export const GET = apiHandler("/api/notes", async (ctx) => {
  const session = await requireApiSession(ctx);
  return NextResponse.json({ owner: session.user.id, notes: [] });
});

const NewNote = z.object({ text: z.string().min(1).max(2000) });

export const POST = apiHandler("/api/notes", async (ctx) => {
  assertSameOrigin(ctx.request);
  // "own-account": the owner only, never an impersonator.
  const session = await requireApiSession(ctx, "own-account");
  const body = await readJson(ctx.request, NewNote);
  return NextResponse.json({ owner: session.user.id, text: body.text }, { status: 201 });
});
