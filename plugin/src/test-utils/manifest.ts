/**
 * A build manifest for a binary a test built with go directly: `<file>.intoto.json` written by the
 * build executor's own statement writer, recording the file's sha256 and the build it names.
 */
import * as fs from 'node:fs';
import { buildStatement, linkmodeOf, manifestPathFor, sha256File, writeManifestFile } from '../manifest/manifest';
import { formatPlatform } from '../platforms/platform';
import type { BuildMode, Libc, Platform } from '../platforms/types';

export interface RecordedBuild {
  platform: Platform;
  cgo?: boolean;
  libc?: Libc;
  cc?: string;
  buildmode?: BuildMode;
  /** `project:target`, as Nx runs it. */
  target?: string;
}

/** Writes the manifest beside `file` and returns its path. */
export function writeManifestFor(file: string, b: RecordedBuild): string {
  const cgo = b.cgo === true;
  const buildmode = b.buildmode ?? 'exe';
  const statement = buildStatement(
    {
      products: [file],
      target: b.target,
      options: { goos: b.platform.goos, goarch: b.platform.goarch, cgo, buildmode, ...(b.libc ? { libc: b.libc } : {}) },
      parameters: {
        platform: formatPlatform(b.platform),
        goos: b.platform.goos,
        goarch: b.platform.goarch,
        ...(b.platform.variant ? { variant: b.platform.variant } : {}),
        cgo,
        ...(cgo ? { ...(b.platform.goos === 'linux' ? { libc: b.libc ?? 'glibc' } : {}), cc: b.cc } : {}),
        buildmode,
        linkmode: linkmodeOf(buildmode, cgo, undefined),
        tags: [],
        ldflags: '',
        trimpath: true,
        goVersion: 'go1.26.0',
        main: '.',
        projectRoot: '.',
        goArgs: [],
        env: {},
      },
      pluginVersion: '0.0.0',
    },
    (f) => ({ sha256: sha256File(f), size: fs.statSync(f).size }),
  );
  const out = manifestPathFor(file);
  writeManifestFile(out, statement);
  return out;
}
