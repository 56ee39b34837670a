import "server-only";

/**
 * A server action is a POST anyone can send with any arguments: a call by id with `[]`, `["x"]` or `[{}]`
 * hands the action no FormData at all. Reading that as an empty form makes the action answer its usual
 * "invalid input" instead of crashing with a 500 (found by test/http/security/hostile.test.ts).
 */
export function formDataOf(value: unknown): FormData {
  return value instanceof FormData ? value : new FormData();
}
