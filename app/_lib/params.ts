/** The first value of a search parameter (Next hands repeated ones over as an array). */
export function firstParam(params: Record<string, string | string[] | undefined>, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}
