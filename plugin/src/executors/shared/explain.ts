/**
 * Explains known go build/test failures (mostly cross-compilation and cgo) with a one-line fix.
 */
export interface FailureHint {
  id: string;
  message: string;
  fix: string;
  docs: string;
}

export function explainGoFailure(
  output: string,
  ctx: { goos: string; goarch: string; cgo: boolean; cc?: string },
): FailureHint[] {
  void output;
  void ctx;
  return [];
}
