export interface AsmGeneratorSchema {
  /** Project holding the package. */
  project: string;
  /** Go function signature, e.g. `func Sum(xs []uint64) uint64`. */
  signature: string;
  /** Function name; must match the signature when both are given. */
  name?: string;
  /** Architectures to write assembly for (comma-separated or repeated). Default amd64,arm64. */
  arches?: string | string[];
  /** Package directory relative to the project root. Default: the project root. */
  directory?: string;
  /** Base name of the file set (`<file>_decl.go`, `<file>_<arch>.s`…). Default: the function name in snake_case. */
  file?: string;
  /** Name of the portable Go implementation. Default: `<name>Generic` (first letter lower-cased). */
  generic?: string;
  force?: boolean;
  skipFormat?: boolean;
}
