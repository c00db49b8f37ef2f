/**
 * Shapes of a validation request and its result, shared by the engine, the validate executor,
 * the CLI and the report writers. Re-exported from ./engine.
 */
import type { ByteSource, FileKind } from '../binary/types';
import type { Platform } from '../platforms/types';
import type { AsmdeclRun } from './asmdecl-vet';
import type { Check } from './rule';
import type { CheckMeta, DeclaredExports, Finding, Policy, SourceFile, TargetSpec } from './types';

export type { DeclaredExports, SourceFile } from './types';

/** One file to validate. */
export interface ArtifactInput {
  /** Absolute path (or relative to the current directory). */
  path: string;
  /** What the file was meant to be. */
  target: TargetSpec;
  /**
   * Platform implied by where the file lives (e.g. `dist/apps/api/linux-arm64/api`), when the
   * caller knows one; a mismatch with `target.platform` is reported by binary-arch.
   */
  expectedPlatform?: Platform;
  /** Name used in findings and reports; default: `path` relative to `workspaceRoot`. */
  displayPath?: string;
  /**
   * The Nx target that builds the file (`api:build-linux-arm-7`), for the fix of a missing
   * artifact. Default: the inferred per-platform build target of the request's project.
   */
  buildTarget?: string;
  /**
   * Functions a c-shared library declares as exported, read by the caller from a file beside it
   * (the `<lib>.h` cgo writes), for when there are no Go sources to read `//export` from.
   */
  declaredExports?: DeclaredExports;
}

export interface ValidationRequest {
  /** Used to make reported paths relative. Default: process.cwd(). */
  workspaceRoot?: string;
  /** Project name, for reports. */
  project?: string;
  /** Project root relative to workspaceRoot, for reports and source findings. */
  projectRoot?: string;
  artifacts: ArtifactInput[];
  /** Source files of the project (Go, assembly, go.mod…); used by source checks and by `exports`. */
  sources?: SourceFile[];
  /**
   * Platforms (with build tags) for which source checks run once each. Default: the distinct
   * targets of `artifacts`.
   */
  sourceTargets?: TargetSpec[];
  policy: Policy;
  /** Results of `go vet -asmdecl` per GOARCH (see ../validate/asmdecl-runner), handed to the asmdecl check. */
  asmdecl?: AsmdeclRun[];
  /** Checks to run. Default: ALL_CHECKS from ./registry. */
  checks?: readonly Check[];
  /**
   * Opens an artifact's file (default: openFile from ../binary). The CLI hands over the source it
   * already read the file's kind and build info from, so nothing is parsed twice. Like
   * openFile, it throws for a directory (code EISDIR); the engine closes what it returns.
   */
  open?: (absPath: string) => ByteSource & { close?: () => void };
}

export interface ArtifactResult {
  /** As given in the request. */
  path: string;
  /** Display name (workspace-relative when possible). */
  file: string;
  target: TargetSpec;
  /** Container format found, or 'missing' when the file could not be opened. */
  kind: FileKind | 'missing';
  size: number;
  bytesRead: number;
  /** Ids of the checks that ran on this artifact. */
  checksRun: string[];
  findings: Finding[];
  /** Set when the file could not be read or parsed at all (also reported as a finding). */
  error?: string;
}

export interface SourceResult {
  target: TargetSpec;
  checksRun: string[];
  findings: Finding[];
}

export interface ValidationCounts {
  error: number;
  warn: number;
  total: number;
  artifacts: number;
  checksRun: number;
}

export interface ValidationResult {
  project?: string;
  projectRoot?: string;
  /** Policy sources applied (file names), outermost first. */
  policySources: string[];
  artifacts: ArtifactResult[];
  sources: SourceResult[];
  /** Every finding (artifact findings, then source findings), for flat consumers. */
  findings: Finding[];
  counts: ValidationCounts;
  /** Bytes the readers actually read, over all artifacts. */
  bytesRead: number;
  /** Total size of all artifacts. */
  totalBytes: number;
  durationMs: number;
  /** Metadata of every check that ran, for SARIF rules and docs links. */
  checks: CheckMeta[];
}
