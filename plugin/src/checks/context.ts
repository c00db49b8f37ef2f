/**
 * What a check sees. Binary checks get one artifact, already opened by the engine, with parsed
 * views reached lazily (a check that never asks for build info costs no read of it). Source
 * checks get the project's source files for one target platform. Neither touches the disk.
 */
import type { ArArchive, ElfFile, GoBuildInfo, MachOFile, PeFile } from '../binary/types';
import type { FileKind } from '../binary/types';
import type { AsmdeclRun } from './asmdecl-vet';
import type { AnyOptions } from './options';
import type { DeclaredExports, SourceFile, TargetSpec } from './types';
import type { Platform } from '../platforms/types';

/** `P`: the rule's parameters (OptionsOf its schema), already validated by the policy loader. */
export interface BinaryCheckContext<P = AnyOptions> {
  target: TargetSpec;
  /** Platform implied by the artifact's location, when known. */
  expectedPlatform?: Platform;
  /** Display path of the artifact (goes into findings). */
  file: string;
  kind: FileKind;
  size: number;
  /** Parsed ELF file, when kind is 'elf' (parse errors surface as a finding from the engine). */
  elf(): ElfFile | undefined;
  macho(): MachOFile | undefined;
  pe(): PeFile | undefined;
  /** The archive, when kind is 'ar' (`.a`, c-archive output). */
  archive(): ArArchive | undefined;
  /** Go build info, when the file is a Go program or shared library built by Go ≥ 1.18. */
  buildInfo(): GoBuildInfo | undefined;
  /** Go build info of slice `index` of a universal Mach-O file (buildInfo() is slice 0's). */
  sliceBuildInfo(index: number): GoBuildInfo | undefined;
  /** This check's parameters from the policy (possibly empty). */
  params: P;
  /** Project sources, for checks that need them (`//export` names, go.mod). */
  sources: readonly SourceFile[];
  /** Names declared with `//export F` in the project's Go files (cgo). */
  exportedNames(): ReadonlySet<string>;
  /** Exports declared beside the artifact (its cgo header), when the caller found one. */
  declaredExports?: DeclaredExports;
}

export interface SourceCheckContext<P = AnyOptions> {
  target: TargetSpec;
  platform: Platform;
  /** Project root relative to the workspace root ('' when unknown), to prefix finding paths. */
  projectRoot: string;
  sources: readonly SourceFile[];
  params: P;
  /**
   * Results of `go vet -asmdecl` per GOOS/GOARCH, run by the caller before the checks (see
   * ../validate/asmdecl-runner); read by the asmdecl rule. Absent when vet did not run.
   */
  asmdecl?: readonly AsmdeclRun[];
}

/** `//export Name` directives in Go sources (the cgo export comment must start at column 0). */
export function collectExportNames(sources: readonly SourceFile[]): Set<string> {
  const names = new Set<string>();
  for (const s of sources) {
    if (!s.path.endsWith('.go')) continue;
    for (const m of s.content.matchAll(/^\/\/export\s+([A-Za-z_][A-Za-z0-9_]*)/gm)) names.add(m[1]);
  }
  return names;
}
