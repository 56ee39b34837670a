"use server";
// A server action (a form's action={...}). requireActionSession re-checks the session itself: the page that
// showed the form proves nothing, since anyone can POST to an action. Refusals come back as a flash message.
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActionSession } from "@/app/_lib/action-session";

const Form = z.object({ text: z.string().max(2000).catch("") });

export async function addNoteAction(formData: FormData): Promise<void> {
  const { session, metadata } = await requireActionSession("/notes", "own-account");
  const { text } = Form.parse(Object.fromEntries(formData));
  console.info("note by", session.user.id, "from", metadata.ip, "length", text.length);
  redirect("/notes");
}
