export interface ImportGoreleaserGeneratorSchema {
  /** The Go project whose gocross.json receives the settings. */
  project: string;
  /** The goreleaser config, workspace-relative (default: found in the project dir, then the workspace root). */
  config?: string;
  /** Replace settings gocross.json already has with other values. */
  force?: boolean;
}
