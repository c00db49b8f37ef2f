/** Options of `@gocross/nx:validate`. See schema.json for the descriptions shown by Nx. */
export interface ValidateExecutorSchema {
  /** One build target of this project (`build-linux-arm64`, or `project:target`). */
  buildTarget?: string;
  /** Several build targets. */
  buildTargets?: string[];
  /** Globs (relative to the project root) of prebuilt artifacts to validate too. */
  files?: string[];
  /** Policy file, relative to the workspace root; applied on top of the workspace and project ones. */
  policy?: string;
  /** Report formats written under `reports/gocross/<project>/<slug or all>/`. Default ['text']. */
  formats?: ('text' | 'json' | 'sarif' | 'junit')[];
  /** Fail on findings of this severity or worse. Default 'error'. */
  failOn?: 'error' | 'warn' | 'never';
  /** Report directory, relative to the workspace root (default `reports/gocross/<project>/<slug or all>`). */
  reportsDir?: string;
}
