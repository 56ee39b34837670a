import "server-only";
import { after } from "next/server";
import type { Defer } from "../account/password-reset";

/**
 * Work that must not shape the answer (its timing would tell what it found) runs once the response has been
 * sent. Next keeps the request alive for it (and `next start` waits for it on shutdown).
 */
export const afterResponse: Defer = (work) => after(work);
