export interface InitGeneratorSchema {
  /** Platform matrix for the workspace (`os/arch[/variant]`); defaults to DEFAULT_PLATFORMS. */
  platforms?: string[] | string;
  /** Do not write gocross.policy.json. */
  skipPolicy?: boolean;
  /** Do not create or update go.work. */
  skipGoWork?: boolean;
  skipFormat?: boolean;
}
