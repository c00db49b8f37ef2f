export interface BuildTagsGeneratorSchema {
  /** Project holding the package (or, with --migrate, the files to migrate). */
  project: string;
  /** Base name of the file set, e.g. `sockopt`. */
  name?: string;
  /** GOOS, GOARCH, GOOS/GOARCH or `unix` values, one file each, plus `<name>_other.go`. */
  platforms?: string | string[];
  /** A custom build tag: `<name>_<tag>.go` and `<name>_no<tag>.go`. */
  tag?: string;
  /** Rewrite `// +build` lines of the project's Go files to `//go:build`. */
  migrate?: boolean;
  /** Package directory relative to the project root. */
  directory?: string;
  force?: boolean;
  skipFormat?: boolean;
}
