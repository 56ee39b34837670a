/**
 * Runs an operator script: a refusal the operator must fix (bad configuration, a weak password, sample users in
 * production) prints its message and exits 1, without a stack trace; anything else is a bug and keeps its stack.
 */
import { ConfigError } from "../lib/config";

const OPERATOR_ERRORS = new Set(["ConfigError", "SeedError", "ProvisioningError", "UsageError"]);

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof Error && OPERATOR_ERRORS.has(error.name))) {
      console.error(`error: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}
