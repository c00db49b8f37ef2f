import type { BuildMode, Libc } from '../../platforms/types';
import type { VariantOptions } from '../../platforms/env';

/**
 * Options of `@gocross/nx:build`. See schema.json for the descriptions shown by Nx. The variant
 * fields (goarm, goamd64, …) come from VariantOptions; at most the one matching `goarch` is used.
 */
export interface BuildExecutorSchema extends VariantOptions {
  goos: string;
  goarch: string;
  /** Enable cgo (CGO_ENABLED=1). Default false. */
  cgo?: boolean;
  libc?: Libc;
  cc?: string;
  cxx?: string;
  cflags?: string[];
  tags?: string[];
  ldflags?: string;
  gcflags?: string;
  asmflags?: string;
  buildmode?: BuildMode;
  /** Main package dir(s) relative to the project root. Default '.'. */
  main?: string | string[];
  /** One main only: output file, relative to the workspace root. */
  outputPath?: string;
  /** Default `dist/<projectRoot>/<platform-slug>`, relative to the workspace root. */
  outputDir?: string;
  /** Library: compile every package (`go build ./...`), keep no artifact. */
  compileOnly?: boolean;
  /** Default true. */
  trimpath?: boolean;
  /** Default true: -buildvcs=false and an empty build id, so rebuilds are byte-identical. */
  reproducible?: boolean;
  env?: Record<string, string>;
  /** Extra arguments passed to `go build` before the package list. */
  args?: string[];
}
