/**
 * Verifies a release directory (layout.ts) with the release public key, in an order that never
 * trusts unverified bytes:
 *
 * 1. checksums.txt's signature (checksums.txt.sig) — before anything else is parsed; when it
 *    fails, nothing more is read.
 * 2. every file's SHA-256 against checksums.txt; files missing, unlisted, or not regular files
 *    are problems. Files that fail here are not opened further. Attestations need not be listed
 *    (they carry their own signature); when listed, their checksum must match too.
 * 3. each archive, read in memory with the safe reader (unpack.ts) within limits; its binaries are
 *    the entries that are ELF, PE or Mach-O files.
 * 4. each attestation (`<archive>.<kind>.intoto.jsonl`): its DSSE signature, then the in-toto v1
 *    statement, its predicateType for the kind, and that every subject's sha256 is a binary in
 *    that archive. Each archive needs a verified SBOM attestation (by default). A verified SBOM's
 *    modules (main module, every component's name@version) must be those of its binary's Go
 *    build info (sbomModuleDifferences).
 * 5. each archive's content: its binaries named by a verified attestation and the release's extra
 *    files (files at the root, not executable), nothing else.
 *
 * The result lists typed problems (file + one-line message) and the binaries read from verified
 * archives, so a caller can run its binary checks on exactly the verified bytes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBuildInfo } from '../binary/buildinfo';
import { bufferSource } from '../binary/source';
import { detectKind } from '../binary/detect';
import type { FileKind } from '../binary/types';
import { parseChecksums, sha256Hex } from './checksums';
import { archiveFormatOfName, attestationFileName, CHECKSUMS_FILE, CHECKSUMS_SIGNATURE_FILE, parseAttestationFileName, PREDICATE_TYPES, type AttestationKind } from './layout';
import { IN_TOTO_STATEMENT_TYPE, sbomModuleDifferences } from './sbom';
import { IN_TOTO_PAYLOAD_TYPE, loadPublicKey, verifyBlob, verifyDsse } from './sign';
import { DEFAULT_UNPACK_LIMITS, detectArchiveFormat, readArchive, UnsafeArchiveError, type UnpackedEntry, type UnpackLimits } from './unpack';

export type ProblemKind = 'signature' | 'missing' | 'unlisted' | 'checksum' | 'archive' | 'attestation' | 'subject' | 'sbom' | 'content';

export interface ReleaseProblem {
  /** Release file the problem is about (a name in the directory). */
  file: string;
  kind: ProblemKind;
  /** One line. */
  message: string;
}

export interface VerifiedBinary {
  /** Archive file name it came from. */
  archive: string;
  /** Path inside the archive. */
  name: string;
  mode: number;
  kind: FileKind;
  sha256: string;
  data: Buffer;
  /** predicateTypes of the verified attestations whose subject is this binary. */
  attestedBy: string[];
}

export interface VerifiedArchive {
  file: string;
  entries: UnpackedEntry[];
  binaries: VerifiedBinary[];
}

export interface VerifyOptions {
  /** SPKI PEM of the release key (cosign.pub). */
  publicKeyPem: string;
  limits?: Partial<UnpackLimits>;
  /** Attestation kinds every archive must have; default ['sbom']. */
  requiredAttestations?: AttestationKind[];
}

export interface VerifyResult {
  ok: boolean;
  problems: ReleaseProblem[];
  /** Archives whose checksum matched and that were read safely. */
  archives: VerifiedArchive[];
  /** All binaries of `archives`. */
  binaries: VerifiedBinary[];
}

const BINARY_KINDS: FileKind[] = ['elf', 'pe', 'macho', 'macho-fat'];
/** Read limits for files read before or without unpacking. */
const MAX_CHECKSUMS_BYTES = 4 << 20;
const MAX_SIGNATURE_BYTES = 64 << 10;
const MAX_ATTESTATION_BYTES = 64 << 20;

/** SHA-256 of a file read in 1 MiB chunks; the bytes too when `keep`. */
function hashFile(file: string, keep: boolean): { sha256: string; data?: Buffer } {
  const h = createHash('sha256');
  const chunks: Buffer[] = [];
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      h.update(buf.subarray(0, n));
      if (keep) chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: h.digest('hex'), data: keep ? Buffer.concat(chunks) : undefined };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').slice(0, 300);
}

export async function verifyRelease(dir: string, opts: VerifyOptions): Promise<VerifyResult> {
  const publicKey = loadPublicKey(opts.publicKeyPem);
  const problems: ReleaseProblem[] = [];
  const archives: VerifiedArchive[] = [];
  const result = (): VerifyResult => ({ ok: problems.length === 0, problems, archives, binaries: archives.flatMap((a) => a.binaries) });
  const problem = (file: string, kind: ProblemKind, message: string) => problems.push({ file, kind, message: oneLine(message) });

  const limits = { ...DEFAULT_UNPACK_LIMITS, ...opts.limits };

  /** lstat of a listed file: a regular file (never a symlink), else a recorded problem. */
  const regular = (name: string): fs.Stats | undefined => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(dir, name));
    } catch {
      problem(name, 'missing', 'listed in checksums.txt but not present');
      return undefined;
    }
    if (!st.isFile()) {
      problem(name, 'checksum', `is not a regular file (${st.isSymbolicLink() ? 'symbolic link' : 'directory or special file'})`);
      return undefined;
    }
    return st;
  };

  // 1. The signature over checksums.txt, before anything is parsed.
  const sumsPath = path.join(dir, CHECKSUMS_FILE);
  const sigPath = path.join(dir, CHECKSUMS_SIGNATURE_FILE);
  for (const [p, n] of [
    [sumsPath, CHECKSUMS_FILE],
    [sigPath, CHECKSUMS_SIGNATURE_FILE],
  ]) {
    if (!fs.existsSync(p) || !fs.lstatSync(p).isFile()) problem(n, 'missing', 'not present (or not a regular file)');
  }
  if (problems.length) return result();
  for (const [p, n, max] of [
    [sumsPath, CHECKSUMS_FILE, MAX_CHECKSUMS_BYTES],
    [sigPath, CHECKSUMS_SIGNATURE_FILE, MAX_SIGNATURE_BYTES],
  ] as const) {
    if (fs.lstatSync(p).size > max) problem(n, 'signature', `larger than ${max} bytes; not read`);
  }
  if (problems.length) return result();
  const sums = fs.readFileSync(sumsPath);
  if (!verifyBlob(publicKey, sums, fs.readFileSync(sigPath, 'utf8'))) {
    problem(CHECKSUMS_FILE, 'signature', `signature ${CHECKSUMS_SIGNATURE_FILE} does not verify with the given public key`);
    return result();
  }

  // 2. Checksums of every file; nothing unlisted.
  let listed: Map<string, string>;
  try {
    listed = parseChecksums(sums.toString('utf8'));
  } catch (e) {
    problem(CHECKSUMS_FILE, 'checksum', (e as Error).message);
    return result();
  }
  const present = fs.readdirSync(dir).filter((n) => n !== CHECKSUMS_FILE && n !== CHECKSUMS_SIGNATURE_FILE);
  // Attestations are signed themselves and, like signatures in goreleaser, not listed.
  for (const n of present.sort()) if (!listed.has(n) && !parseAttestationFileName(n)) problem(n, 'unlisted', 'present but not listed in checksums.txt');
  const good = new Map<string, Buffer>();
  for (const [name, digest] of listed) {
    const st = regular(name);
    if (!st) continue;
    // Archives and attestations are kept in memory for the next steps (bounded); anything else is
    // only hashed, in chunks.
    const keep = archiveFormatOfName(name) ? limits.maxTotalBytes : parseAttestationFileName(name) ? MAX_ATTESTATION_BYTES : 0;
    if (keep && st.size > keep) {
      problem(name, archiveFormatOfName(name) ? 'archive' : 'attestation', `${st.size} bytes, over the limit of ${keep}; not read`);
      continue;
    }
    const { sha256, data } = hashFile(path.join(dir, name), keep > 0);
    if (sha256 !== digest) problem(name, 'checksum', `sha256 ${sha256} does not match checksums.txt (${digest})`);
    else if (data) good.set(name, data);
  }

  // 3. Archives, read safely in memory.
  const archiveByName = new Map<string, VerifiedArchive>();
  for (const [name, data] of good) {
    const format = archiveFormatOfName(name);
    if (!format) continue;
    if (detectArchiveFormat(data) !== format) {
      problem(name, 'archive', `content is not a ${format} archive`);
      continue;
    }
    let entries: UnpackedEntry[];
    try {
      entries = await readArchive(data, format, limits);
    } catch (e) {
      problem(name, 'archive', e instanceof UnsafeArchiveError ? `refused: ${e.message}` : `cannot be read: ${(e as Error).message}`);
      continue;
    }
    const binaries: VerifiedBinary[] = [];
    for (const e of entries) {
      const kind = e.data.length >= 4 ? detectKind(bufferSource(e.data)) : 'unknown';
      if (BINARY_KINDS.includes(kind)) binaries.push({ archive: name, name: e.name, mode: e.mode, kind, sha256: sha256Hex(e.data), data: e.data, attestedBy: [] });
    }
    if (binaries.length === 0) problem(name, 'archive', 'holds no executable binary (ELF, PE or Mach-O)');
    const a = { file: name, entries, binaries };
    archives.push(a);
    archiveByName.set(name, a);
  }

  // 4. Attestations: signature, statement, subjects.
  const attested = new Map<string, Set<AttestationKind>>();
  const attestationFiles = new Map<string, Buffer>();
  for (const name of present.sort()) {
    if (!parseAttestationFileName(name)) continue;
    if (listed.has(name)) {
      const d = good.get(name);
      if (d) attestationFiles.set(name, d);
    } else {
      const st = fs.lstatSync(path.join(dir, name));
      if (!st.isFile()) problem(name, 'attestation', 'is not a regular file');
      else if (st.size > MAX_ATTESTATION_BYTES) problem(name, 'attestation', `${st.size} bytes, over the limit of ${MAX_ATTESTATION_BYTES}; not read`);
      else attestationFiles.set(name, fs.readFileSync(path.join(dir, name)));
    }
  }
  for (const [name, data] of attestationFiles) {
    const att = parseAttestationFileName(name)!;
    if (!archiveFormatOfName(att.archive) || !listed.has(att.archive)) {
      problem(name, 'attestation', `names archive ${att.archive}, which is not in the release`);
      continue;
    }
    const lines = data.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    if (lines.length !== 1) {
      problem(name, 'attestation', `expected one DSSE envelope line, found ${lines.length}`);
      continue;
    }
    const v = verifyDsse(publicKey, lines[0], { payloadType: IN_TOTO_PAYLOAD_TYPE });
    if (!v.ok) {
      problem(name, 'signature', `DSSE envelope: ${v.reason}`);
      continue;
    }
    let st: { _type?: unknown; subject?: unknown; predicateType?: unknown; predicate?: unknown };
    try {
      st = JSON.parse(v.body.toString('utf8'));
    } catch {
      problem(name, 'attestation', 'signed payload is not JSON');
      continue;
    }
    if (st._type !== IN_TOTO_STATEMENT_TYPE) {
      problem(name, 'attestation', `statement _type ${JSON.stringify(st._type)}, expected ${IN_TOTO_STATEMENT_TYPE}`);
      continue;
    }
    if (st.predicateType !== PREDICATE_TYPES[att.kind]) {
      problem(name, 'attestation', `predicateType ${JSON.stringify(st.predicateType)}, expected ${PREDICATE_TYPES[att.kind]} for a ${att.kind} attestation`);
      continue;
    }
    const subjects = Array.isArray(st.subject) ? (st.subject as Array<{ name?: unknown; digest?: { sha256?: unknown } }>) : [];
    if (subjects.length === 0) {
      problem(name, 'attestation', 'statement has no subject');
      continue;
    }
    const archive = archiveByName.get(att.archive);
    if (!archive) continue; // the archive itself already has a problem
    let allMatch = true;
    for (const s of subjects) {
      const sha = typeof s?.digest?.sha256 === 'string' ? s.digest.sha256.toLowerCase() : undefined;
      const label = typeof s?.name === 'string' ? s.name : '(unnamed)';
      const bin = sha ? archive.binaries.find((b) => b.sha256 === sha) : undefined;
      if (!bin) {
        allMatch = false;
        problem(name, 'subject', sha ? `subject ${label} sha256 ${sha} matches no binary in ${att.archive}` : `subject ${label} has no sha256 digest`);
      } else bin.attestedBy.push(PREDICATE_TYPES[att.kind]);
    }
    if (allMatch) {
      if (!attested.has(att.archive)) attested.set(att.archive, new Set());
      attested.get(att.archive)!.add(att.kind);
      if (att.kind === 'sbom') {
        // The modules the signed SBOM lists against those the binary says it was built from.
        for (const s of subjects) {
          const bin = archive.binaries.find((b) => b.sha256 === String(s.digest?.sha256).toLowerCase())!;
          const bi = readBuildInfo(bufferSource(bin.data));
          const diffs = bi ? sbomModuleDifferences(st.predicate, bi) : [`${bin.name} has no Go build info to compare its modules with`];
          for (const d of diffs) problem(name, 'sbom', `${bin.name}: ${d}`);
        }
      }
    }
  }
  for (const a of archives) {
    for (const kind of opts.requiredAttestations ?? ['sbom']) {
      if (!attested.get(a.file)?.has(kind)) problem(a.file, 'attestation', `no verified ${kind} attestation (${attestationFileName(a.file, kind)})`);
    }
  }

  // 5. Content: the attested binary and the extra files (LICENSE*, README*, what the release's
  // `files` option names: files at the root, not executable), nothing else. An archive's only
  // binary is its binary even when unattested (that is reported above, once).
  for (const a of archives) {
    for (const e of a.entries) {
      const bin = a.binaries.find((b) => b.name === e.name);
      if (bin && (bin.attestedBy.length > 0 || a.binaries.length === 1)) continue;
      if (!bin && !e.name.includes('/') && (e.mode & 0o111) === 0) continue;
      const what = bin
        ? 'a binary no verified attestation names'
        : e.name.includes('/')
          ? 'not at the root, where a release puts its binary and extra files'
          : `an executable file (mode ${(e.mode & 0o777).toString(8).padStart(4, '0')}) that is not its binary; extra files are not executable`;
      problem(a.file, 'content', `entry ${JSON.stringify(e.name)} is ${what}; a release archive holds nothing else`);
    }
  }
  return result();
}
