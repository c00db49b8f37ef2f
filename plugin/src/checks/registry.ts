/**
 * Every check the plugin ships, binary and source, in the order they run. The engine, the
 * validate executor, the CLI and the policy loader all take their list from here.
 */
import { archiveArch } from './archive-arch';
import { asmCoverage } from './asm-coverage';
import { asmGuard } from './asm-guard';
import { asmdecl } from './asmdecl';
import { buildId } from './build-id';
import { buildTags } from './build-tags';
import { buildinfo } from './buildinfo';
import { elfArch } from './elf-arch';
import { exportsCheck } from './exports';
import { glibcVersion } from './glibc-version';
import { hardening } from './hardening';
import { linkage } from './linkage';
import { neededLibs } from './needed-libs';
import { rpath } from './rpath';
import type { Check } from './types';

/** Binary checks, run once per artifact. */
export const BINARY_CHECKS: Check<any>[] = [
  elfArch,
  linkage,
  hardening,
  rpath,
  neededLibs,
  glibcVersion,
  exportsCheck,
  buildinfo,
  buildId,
  archiveArch,
];

/** Source checks, run once per project and platform. */
export const SOURCE_CHECKS: Check<any>[] = [asmGuard, asmCoverage, buildTags, asmdecl];

export const ALL_CHECKS: Check<any>[] = [...BINARY_CHECKS, ...SOURCE_CHECKS];

/** Looks a check up by id. */
export function findCheck(id: string): Check<any> | undefined {
  return ALL_CHECKS.find((c) => c.meta.id === id);
}
