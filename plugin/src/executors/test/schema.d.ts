import type { Libc } from '../../platforms/types';
import type { VariantOptions } from '../../platforms/env';

/**
 * Options of `@gocross/nx:test`. See schema.json for the descriptions shown by Nx. The variant
 * fields (goarm, goamd64, …) come from VariantOptions; at most the one matching `goarch` is used.
 */
export interface TestExecutorSchema extends VariantOptions {
  goos: string;
  goarch: string;
  /** Enable cgo (CGO_ENABLED=1). Default false. */
  cgo?: boolean;
  libc?: Libc;
  cc?: string;
  cxx?: string;
  cflags?: string[];
  tags?: string[];
  /** Package patterns relative to the project root. Default ['./...']. */
  packages?: string[];
  /** Extra `go test` arguments (e.g. ['-run', 'TestX', '-count=1']), before the packages. */
  args?: string[];
  env?: Record<string, string>;
  /** qemu-user program to use instead of qemu-<arch>. */
  qemu?: string;
  /** CPU model qemu emulates (`-cpu`), e.g. arm1176 (Raspberry Pi Zero) or cortex-a53. */
  cpu?: string;
  /** Sysroot passed to qemu as -L for dynamic binaries. Default /usr/<triple> when it exists. */
  sysroot?: string;
}
