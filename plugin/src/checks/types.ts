/**
 * The data the checks trade in: targets, findings, check metadata, source files and the
 * resolved policy. The bottom of the checks layer: nothing here imports another file of it.
 * The rule contract itself (BinaryCheck / SourceCheck) is in ./rule.
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

/**
 * What reports and `gocross explain` know about a check (the JSON report's `checks[]`, SARIF
 * rules). A rule's own meta (./rule RuleMeta) adds its option schema.
 */
export interface CheckMeta {
  /** Kebab-case id, equal to the rule's file name (rules/<id>.ts) and to docs/checks/<id>.md. */
  id: string;
  title: string;
  /** 'binary' checks run once per artifact; 'source' checks once per project and platform. */
  kind: 'binary' | 'source';
  defaultSeverity: Severity;
  /** Short description used in SARIF rule metadata and `gocross explain`. */
  description: string;
  /** Relative doc path, e.g. 'docs/checks/binary-arch.md'. */
  docs: string;
  /**
   * Former ids of the check, still accepted in policies and by `gocross explain` (SARIF
   * `deprecatedIds`). Absent for checks never renamed.
   */
  aliases?: readonly string[];
}

/** Exported function names and the file that declares them (e.g. `dist/libadd.h`). */
export interface DeclaredExports {
  from: string;
  names: readonly string[];
}

/** A source file of the project, read by the caller (checks never touch the disk). */
export interface SourceFile {
  /** Path relative to the project root, `/`-separated (e.g. `internal/sum_amd64.s`). */
  path: string;
  content: string;
}

/** One check's resolved policy entry. */
export interface CheckPolicyEntry {
  setting: CheckSetting;
  params: Record<string, unknown>;
}

/** A resolved validation policy (see ./policy for the file format and the loader). */
export interface Policy {
  /** Where the policy came from, outermost first (file paths or descriptive names). */
  sources: string[];
  /**
   * Per-check entries under the checks' current ids; a check without an entry runs at its
   * default severity with default parameters.
   */
  checks: Record<string, CheckPolicyEntry>;
}
