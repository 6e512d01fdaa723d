/** Exit codes: 0 success, 1 the command ran and found a problem, 2 bad usage or configuration. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

let exitCode = EXIT_OK;

export function setExitCode(code: number): void {
  exitCode = code;
}

export function takeExitCode(): number {
  const code = exitCode;
  exitCode = EXIT_OK;
  return code;
}
