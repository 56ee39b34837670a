/** Builds the app once (into .next-test) before the HTTP test files start their servers in parallel. */
import { ensureBuilt } from "./next-server";

export const HTTP_TEST_DIST_DIR = ".next-test";

export default function setup(): void {
  ensureBuilt(HTTP_TEST_DIST_DIR);
}
