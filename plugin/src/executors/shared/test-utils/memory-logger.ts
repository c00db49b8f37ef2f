/** A logger that keeps what the executors print, `info: …` / `error: …`, for assertions. */
export interface MemoryLogger {
  lines: string[];
  info: (m: string) => void;
  error: (m: string) => void;
}

export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), error: (m) => lines.push(`error: ${m}`) };
}
