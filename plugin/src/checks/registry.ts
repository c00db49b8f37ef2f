/**
 * Every rule the plugin ships (./rules/<id>.ts), binary and source, in the order they run. The
 * engine, the validate executor, the CLI and the policy loader all take their list from here.
 */
import { archiveArch } from './rules/archive-arch';
import { asmCoverage } from './rules/asm-coverage';
import { asmGuard } from './rules/asm-guard';
import { asmdecl } from './rules/asmdecl';
import { binaryArch } from './rules/binary-arch';
import { buildId } from './rules/build-id';
import { buildTags } from './rules/build-tags';
import { buildinfo } from './rules/buildinfo';
import { exportsCheck } from './rules/exports';
import { glibcVersion } from './rules/glibc-version';
import { hardening } from './rules/hardening';
import { linkage } from './rules/linkage';
import { neededLibs } from './rules/needed-libs';
import { rpath } from './rules/rpath';
import type { BinaryCheck, Check, SourceCheck } from './rule';

/** Binary checks, run once per artifact. */
export const BINARY_CHECKS: readonly BinaryCheck[] = [
  binaryArch,
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
export const SOURCE_CHECKS: readonly SourceCheck[] = [asmGuard, asmCoverage, buildTags, asmdecl];

export const ALL_CHECKS: readonly Check[] = [...BINARY_CHECKS, ...SOURCE_CHECKS];

/** The current id of a check id or of one of its former ids (`elf-arch` → `binary-arch`), else undefined. */
export function resolveCheckId(id: string): string | undefined {
  return findCheck(id)?.meta.id;
}

/** Looks a check up by its id or one of its former ids (meta.aliases). */
export function findCheck(id: string): Check | undefined {
  return ALL_CHECKS.find((c) => c.meta.id === id) ?? ALL_CHECKS.find((c) => c.meta.aliases?.includes(id));
}
