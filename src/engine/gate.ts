import type { RunResult, Severity } from './types';

/** Exit codes (DESIGN 2.4). */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

const RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

/**
 * 2 when the run is incomplete (unless partial runs are allowed), 1 when an unsuppressed fail or error
 * finding is at or above the threshold, else 0.
 */
export function exitCode(result: RunResult, failOn: Severity, allowPartial: boolean): number {
  if (!result.summary.complete && !allowPartial) return EXIT.error;
  const failing = result.findings.some(
    (f) => !f.suppressed && (f.outcome === 'fail' || f.outcome === 'error') && atOrAbove(f.severity, failOn),
  );
  return failing ? EXIT.findings : EXIT.ok;
}
