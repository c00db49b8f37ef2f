/** Options of `@gocross/nx:run`. See schema.json for the descriptions shown by Nx. */
export interface RunExecutorSchema {
  /** `build-linux-arm64` (same project) or `project:target[:configuration]`. */
  buildTarget: string;
  /** Which artifact when the build has several main packages: main package dir or file name. */
  binary?: string;
  /**
   * Arguments passed to the program, before the ones after `--` on the command line. An array is
   * used as it is; a string (and `--args="…"` on the command line) is split like a shell command line.
   */
  args?: string[] | string;
  /** Working directory relative to the workspace root; default the project root. */
  cwd?: string;
  env?: Record<string, string>;
  qemu?: string;
  sysroot?: string;
  /** CPU model qemu emulates (`-cpu`), e.g. arm1176 (Raspberry Pi Zero) or cortex-a53. */
  cpu?: string;
  /** The command-line words after the target, filled by Nx (`$default: {$source: "unparsed"}`). */
  __unparsed__?: string[];
  /** Positional command-line words as Nx parsed them (used only without `__unparsed__`). */
  _?: unknown[];
}
