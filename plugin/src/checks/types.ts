/**
 * The check contract, modelled on ESLint rule modules: one check per file, each exporting a
 * `Check` with its metadata and a pure `run(ctx)` that returns findings. Checks never touch the
 * disk: everything they look at comes through the context (parsed binaries from ../binary,
 * source files handed over by the caller, the target's configuration, the policy).
 */
import type { BuildMode, Libc, Platform } from '../platforms/types';

export type Severity = 'error' | 'warn';
/** A check's setting in a policy file: off, or the severity its findings get. */
export type CheckSetting = 'off' | Severity;

/** What the artifact was meant to be. */
export interface TargetSpec {
  platform: Platform;
  cgo: boolean;
  /** Meaningful when cgo is on. Default glibc. */
  libc?: Libc;
  buildmode: BuildMode;
  /** Which linker produced the binary: Go's internal linker or an external C linker. */
  linkmode?: 'internal' | 'external';
  /** Build tags the target was configured with. */
  tags?: string[];
  trimpath?: boolean;
  /**
   * A universal (fat) Mach-O: the platform of each slice it must hold (darwin/amd64 and
   * darwin/arm64 for a macOS universal binary); `platform` is then the first of them. Each slice
   * is judged against the one of its own arch; a slice of another arch and a missing one are
   * findings.
   */
  universal?: Platform[];
}

/** One problem found. */
export interface Finding {
  checkId: string;
  severity: Severity;
  /** What is wrong, in one line. */
  message: string;
  /** How to fix it, in one line. */
  fix: string;
  /** The artifact or source file the finding is about (workspace-relative when possible). */
  file: string;
  /** Optional 1-based line for source findings. */
  line?: number;
  /** Optional structured details for JSON/SARIF output (symbol names, offsets…). */
  data?: Record<string, unknown>;
}

/** Metadata every check declares. */
export interface CheckMeta {
  /** Kebab-case id, equal to the file name and to docs/checks/<id>.md. */
  id: string;
  title: string;
  /** 'binary' checks run once per artifact; 'source' checks once per project and platform. */
  kind: 'binary' | 'source';
  defaultSeverity: Severity;
  /** Short description used in SARIF rule metadata and `gocross explain`. */
  description: string;
  /** Relative doc path, e.g. 'docs/checks/elf-arch.md'. */
  docs: string;
}

export interface Check<Ctx = unknown> {
  meta: CheckMeta;
  run(ctx: Ctx): Finding[];
}
