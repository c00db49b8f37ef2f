/**
 * Writes a release directory (see layout.ts) from built binaries: one deterministic archive per
 * binary, its SBOM as a signed in-toto statement, checksums.txt over the archives (the signed
 * attestations are not listed), and the checksums signature. Disk access: writes into `outDir`
 * only, which must exist and be empty.
 * Provenance statements are not produced here yet; `extraAttestations` lets a caller add signed
 * statements of other kinds for an archive.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createReleaseArchive, type ArchiveFile, type ArchiveTarget } from './archive';
import { formatChecksums, sha256Hex } from './checksums';
import { attestationFileName, CHECKSUMS_FILE, CHECKSUMS_SIGNATURE_FILE, parseAttestationFileName, type AttestationKind } from './layout';
import { generateSbom, sbomStatement } from './sbom';
import { signBlob, signStatement, type SigningKey } from './sign';

export interface ReleaseBinary {
  /** File name inside the archive ('app', 'app.exe'). */
  name: string;
  data: Buffer;
  target: ArchiveTarget;
}

export interface AssembleInput {
  project: string;
  version: string;
  /** Unix seconds for archive entries and the SBOM timestamp (the commit time). */
  mtime: number;
  binaries: ReleaseBinary[];
  extraFiles?: ArchiveFile[];
  key: SigningKey;
  tool?: { name: string; version?: string };
  /** Extra in-toto statements per archive file name, signed and written as `<archive>.<kind>.intoto.jsonl`. */
  extraAttestations?: (archiveFileName: string, binary: ReleaseBinary) => Array<{ kind: AttestationKind; statement: object }>;
}

export interface AssembledRelease {
  /** Every file written, in write order. */
  files: string[];
  archives: Array<{ fileName: string; binary: string; binarySha256: string }>;
}

export async function assembleRelease(outDir: string, input: AssembleInput): Promise<AssembledRelease> {
  if (fs.readdirSync(outDir).length !== 0) throw new Error(`release: ${outDir} is not empty`);
  const written: { name: string; data: Buffer }[] = [];
  const write = (name: string, data: Buffer) => {
    fs.writeFileSync(path.join(outDir, name), data, { flag: 'wx' });
    written.push({ name, data });
  };
  const archives: AssembledRelease['archives'] = [];
  for (const b of input.binaries) {
    const archive = await createReleaseArchive({
      project: input.project,
      version: input.version,
      target: b.target,
      binary: { name: b.name, data: b.data },
      extraFiles: input.extraFiles,
      mtime: input.mtime,
    });
    write(archive.fileName, archive.data);
    const sha = sha256Hex(b.data);
    const sbom = generateSbom(b.data, { binaryName: b.name, timestamp: new Date(input.mtime * 1000), tool: input.tool });
    const statements = [{ kind: 'sbom' as AttestationKind, statement: sbomStatement(sbom.json, { name: b.name, sha256: sha }) }, ...(input.extraAttestations?.(archive.fileName, b) ?? [])];
    for (const s of statements) write(attestationFileName(archive.fileName, s.kind), Buffer.from(`${JSON.stringify(signStatement(input.key, s.statement))}\n`));
    archives.push({ fileName: archive.fileName, binary: b.name, binarySha256: sha });
  }
  // Like goreleaser, which leaves signatures out of its checksums file, the signed attestations
  // are not listed: ECDSA signatures differ between runs, and checksums.txt stays reproducible.
  const sums = Buffer.from(formatChecksums(written.filter((w) => !parseAttestationFileName(w.name))));
  write(CHECKSUMS_FILE, sums);
  write(CHECKSUMS_SIGNATURE_FILE, Buffer.from(`${signBlob(input.key, sums)}\n`));
  return { files: written.map((w) => w.name), archives };
}
