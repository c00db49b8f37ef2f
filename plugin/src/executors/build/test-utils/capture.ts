/** A BuildLogger that keeps what the build said, for the build executor's specs. */
import type { BuildLogger } from '../executor';

export class Capture implements BuildLogger {
  errors: string[] = [];
  infos: string[] = [];
  info(m: string): void {
    this.infos.push(m);
  }
  error(m: string): void {
    this.errors.push(m);
  }
}
