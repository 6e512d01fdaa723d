/** A numeric command-line flag of the scripts (`--minutes 30`), checked against its range; the default when absent. */
export function numberArg(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`--${name} ${text}: expected a number from ${min} to ${max}`);
  return value;
}
