/**
 * `npm run admin:create -- --email ops@example.com --name "Ops Lead" [--role admin|support] [--password-stdin | --setup-link]`
 *
 * In a terminal it prompts for the password twice (hidden) and refuses one the staff policy rejects. With
 * `--password-stdin` it reads the password from a pipe (for provisioning tools); with `--setup-link`, or with no
 * terminal and no piped password, it creates the account without a password and prints a one-time setup link.
 */
import { parseArgs } from "node:util";
import password from "@inquirer/password";
import { passwordLinkUrl } from "../lib/account/account-tokens";
import { provisionAccount } from "../lib/account/provision";
import { checkPassword } from "../lib/auth/password-policy";
import { getConfig } from "../lib/config";
import { openDatabase } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { runScript, UsageError } from "./run-script";

const USAGE = 'usage: npm run admin:create -- --email <email> --name "<name>" [--role admin|support] [--password-stdin | --setup-link]';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the pipe's, not the password's.
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

async function promptPassword(context: { role: "admin" | "support"; email: string; name: string }): Promise<string> {
  for (;;) {
    const first = await password({ message: "Password", mask: true });
    const verdict = checkPassword(first, context);
    if (!verdict.ok) {
      console.error(verdict.message);
      continue;
    }
    const again = await password({ message: "Repeat it", mask: true });
    if (again === first) return first;
    console.error("The two entries differ. Try again.");
  }
}

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string", default: "admin" },
      "password-stdin": { type: "boolean", default: false },
      "setup-link": { type: "boolean", default: false },
    },
    strict: true,
  });
  const { email, name } = values;
  const role = values.role;
  if (!email || !name?.trim()) throw new UsageError(USAGE);
  if (role !== "admin" && role !== "support") throw new UsageError(`--role must be admin or support. ${USAGE}`);
  if (values["password-stdin"] && values["setup-link"]) throw new UsageError(`--password-stdin and --setup-link exclude each other. ${USAGE}`);

  let secret: string | undefined;
  if (values["password-stdin"]) secret = await readStdin();
  else if (!values["setup-link"] && process.stdin.isTTY) secret = await promptPassword({ role, email: email.toLowerCase(), name });

  const config = getConfig();
  const database = await openDatabase({ url: config.database.url, pgliteDir: config.database.pgliteDir });
  try {
    await migrateDatabase(database);
    const outcome = await provisionAccount(
      database.db,
      { email, name: name.trim(), role, password: secret },
      { setupTtlS: config.seed.setupTtlS, now: new Date(), ifExists: "refuse" },
    );
    if (outcome.status === "refused") throw new UsageError(outcome.message);
    if (outcome.setupLink) {
      console.log(`Created ${role} ${email.toLowerCase()} without a password. Set one, once, at:`);
      console.log(`  ${passwordLinkUrl(outcome.setupLink.token, config.appOrigin)}`);
      console.log(`  (single use, valid until ${outcome.setupLink.expiresAt.toISOString()})`);
    } else {
      console.log(`Created ${role} ${email.toLowerCase()}.`);
    }
  } finally {
    await database.close();
  }
});
