import type { Libc } from '../../platforms/types';

/** Options of `@gocross/nx:doctor`. See schema.json for the descriptions shown by Nx. */
export interface DoctorExecutorSchema {
  /** Platforms to check (`linux/arm64`, `linux/arm/7`, `linux/arm64:musl`). Default: the build targets' platforms. */
  platforms?: string[];
  /** With `platforms`: require cgo for them (true) or for none (false); not given: where the build targets use cgo. */
  cgo?: boolean;
  /** With `platforms`: C library (default glibc). */
  libc?: Libc;
  /** Check every project of the workspace, not only the one the target belongs to. */
  workspace?: boolean;
  /** Print the report as JSON. */
  json?: boolean;
}
