/**
 * Every check the plugin ships, binary and source, in the order they run. The engine, the
 * validate executor, the CLI and the policy loader all take their list from here.
 */
import type { Check } from './types';

export const ALL_CHECKS: Check<any>[] = [];

/** Looks a check up by id. */
export function findCheck(id: string): Check<any> | undefined {
  return ALL_CHECKS.find((c) => c.meta.id === id);
}
