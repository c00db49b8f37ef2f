export interface PlatformGeneratorSchema {
  /** `os/arch[/variant]`, e.g. linux/riscv64 or linux/arm/6. */
  platform: string;
  /** Add to this project's matrix (its gocross.json) instead of the workspace matrix. */
  project?: string;
  skipFormat?: boolean;
}
