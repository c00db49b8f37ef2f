/** Options of `@gocross/nx:release`. See schema.json for the descriptions shown by Nx. */
export interface ReleaseExecutorSchema {
  /** Build targets of this project whose binaries are released (`build-linux-arm64` or `project:target`). */
  buildTargets?: string[];
  /** Release version; default `git describe --tags --always`, with `-dirty` when `git status --porcelain` prints anything (graph/version.ts). A leading `v` is dropped from archive names. */
  releaseVersion?: string;
  /** Extra files put into every archive, relative to the workspace root; default LICENSE*, LICENCE*, COPYING* and README* (any case) of the project root (else of the workspace root). */
  files?: string[];
  /** Release directory relative to the workspace root; default dist/release/<projectRoot>. */
  outputPath?: string;
  /** Run each binary with these arguments before packaging (natively or under qemu-user); exit 0 required. */
  smoke?: { args: string[]; platforms?: string[] };
  /** Sign an existing release (the non-cached release-sign target) instead of making one. */
  sign?: boolean;
  /** Private key file (ECDSA P-256 PEM), relative to the workspace root. Sign mode only. */
  key?: string;
  /** Name of an environment variable holding the private key PEM. Sign mode only. */
  keyEnv?: string;
}
