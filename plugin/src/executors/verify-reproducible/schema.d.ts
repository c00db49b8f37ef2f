import type { BuildExecutorSchema } from '../build/schema';

/** Options of `@gocross/nx:verify-reproducible`: the build's options plus what the check itself takes. */
export interface VerifyReproducibleExecutorSchema extends BuildExecutorSchema {
  /** Compare with the artifacts already in the output directory when all are there. Default true. */
  useExisting?: boolean;
  /** Leave the second checkout in place. Default false. */
  keepCheckout?: boolean;
}
