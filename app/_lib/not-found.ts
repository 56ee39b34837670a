import { redirect } from "next/navigation";

/**
 * An address that no route matches: Next renders app/not-found.tsx into the HTML there, inside the root
 * layout, with status 404. A page that calls notFound() itself gets the 404 status but, in a production
 * build of Next 16, an empty document that only JavaScript fills in (vercel/next.js#98295). So a page that
 * finds nothing sends the browser here instead, and the 404 reads the same with JavaScript off.
 */
export const NOT_FOUND_PATH = "/not-found";

export function redirectToNotFound(): never {
  redirect(NOT_FOUND_PATH);
}
