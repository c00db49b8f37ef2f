import type { Libc } from '../../platforms/types';

/** Options of `@gocross/nx:test`. See schema.json for the descriptions shown by Nx. */
export interface TestExecutorSchema {
  goos: string;
  goarch: string;
  goarm?: string;
  goarm64?: string;
  goamd64?: string;
  go386?: string;
  gomips?: string;
  gomips64?: string;
  goppc64?: string;
  goriscv64?: string;
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
