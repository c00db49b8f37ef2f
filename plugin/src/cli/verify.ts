/**
 * `gocross verify <release-dir> --key pub.pem`: checks a release made by the release and
 * release-sign targets with its public key alone, in an order that never trusts unverified bytes:
 *
 * 1. signatures: checksums.txt.sig over checksums.txt, then the DSSE envelope of every
 *    attestation (verifyRelease);
 * 2. checksums: every file against checksums.txt, nothing unlisted;
 * 3. subjects: each SBOM and provenance (signed attestations and the plain copies beside them)
 *    names the sha256 of the binary inside its archive;
 *    The SBOM copy's modules must be those of the binary's Go build info, as the signed SBOM's.
 * 4. the binary checks (validateArtifacts) on the unpacked binaries, each judged against the
 *    target its signed provenance records (targetFromManifest) when that provenance verified and
 *    its subject is this binary; else the target its Go build info records, when the archive name
 *    says the same platform; else the checks do not run (a failure line says why).
 *
 * Exit 0 verified, 1 a verification failure or an error finding (each line names the file),
 * 2 usage or I/O error. Loaded lazily by main.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bufferSource } from '../binary/source';
import { readBuildInfo } from '../binary/buildinfo';
import { resolvePolicy, validateArtifacts, type ArtifactInput, type Policy, type TargetSpec } from '../checks';
import { parseManifest, subjectDigest } from '../manifest/manifest';
import { archiveNameSays, archiveTargetFromSettings, attestationFileName, CHECKSUMS_FILE, IN_TOTO_PAYLOAD_TYPE, loadPublicKey, sbomModuleDifferences, verifyDsse, verifyRelease, type VerifyResult } from '../release';
import { targetFromManifest } from '../validate/plan';
import { targetFromBuildInfo } from './targets';

export interface VerifyIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

export interface VerifyFlags {
  key?: string;
  policy?: string;
  json?: boolean;
}

interface Failure {
  file: string;
  message: string;
}

/** Plain (unsigned) copies the release target writes beside each archive. */
const SBOM_COPY = '.sbom.cdx.json';
const PROVENANCE_COPY = '.provenance.intoto.json';

const formatTarget = (t: TargetSpec) => `${t.platform.goos}/${t.platform.goarch}${t.platform.variant ? `/${t.platform.variant}` : ''}`;

export async function runVerify(dir: string | undefined, flags: VerifyFlags, io: VerifyIo): Promise<number> {
  const usage = (msg: string) => {
    io.stderr(`gocross: verify: ${msg}\n`);
    return 2;
  };
  if (!dir) return usage('name the release directory');
  if (!flags.key) return usage('--key <public key PEM> is required');
  const absDir = path.resolve(io.cwd, dir);
  if (!fs.existsSync(absDir) || !fs.statSync(absDir).isDirectory()) return usage(`${dir} is not a directory`);
  let pem: string;
  try {
    pem = fs.readFileSync(path.resolve(io.cwd, flags.key), 'utf8');
  } catch (e) {
    return usage(`cannot read the public key ${flags.key}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    loadPublicKey(pem);
  } catch (e) {
    return usage(`${flags.key}: ${(e as Error).message}`);
  }
  let policy: Policy;
  try {
    policy = resolvePolicy({ workspaceRoot: io.cwd, explicit: flags.policy });
  } catch (e) {
    return usage((e as Error).message);
  }

  // 1-3 (library): signatures, checksums, safe reading, signed subjects.
  let v: VerifyResult;
  try {
    v = await verifyRelease(absDir, { publicKeyPem: pem, requiredAttestations: ['sbom', 'provenance'] });
  } catch (e) {
    return usage(`cannot read ${dir}: ${(e as Error).message}`);
  }
  const failures: Failure[] = v.problems.map((p) => ({ file: p.file, message: `${p.kind}: ${p.message}` }));
  const lines: string[] = [];

  // 3. The plain copies and the signed provenance's target, for the archives that verified.
  const targets = new Map<string, TargetSpec>();
  for (const a of v.archives) {
    if (a.binaries.length !== 1) {
      failures.push({ file: a.file, message: `holds ${a.binaries.length} binaries; a gocross release archive holds one` });
      continue;
    }
    const bin = a.binaries[0];
    const read = (name: string): Buffer | undefined => {
      const p = path.join(absDir, name);
      return fs.existsSync(p) ? fs.readFileSync(p) : undefined;
    };
    // Only checksummed (step 2 passed) copies are read here; an unlisted one is already a failure.
    const sbomCopy = read(a.file + SBOM_COPY);
    if (sbomCopy) {
      try {
        const bom = JSON.parse(sbomCopy.toString('utf8')) as { metadata?: { properties?: { name: string; value: string }[] } };
        const sha = (bom.metadata?.properties ?? []).find((p) => p.name === 'cdx:gomod:binary:hash:SHA-256')?.value;
        if (sha !== bin.sha256) failures.push({ file: a.file + SBOM_COPY, message: `subject: binary sha256 ${sha ?? '(none)'} is not that of ${bin.name} in ${a.file} (${bin.sha256})` });
        else {
          const bi = readBuildInfo(bufferSource(bin.data));
          for (const d of bi ? sbomModuleDifferences(bom, bi) : []) failures.push({ file: a.file + SBOM_COPY, message: `sbom: ${bin.name}: ${d}` });
        }
      } catch {
        failures.push({ file: a.file + SBOM_COPY, message: 'is not JSON' });
      }
    }
    const provCopy = read(a.file + PROVENANCE_COPY);
    if (provCopy) {
      try {
        const sha = subjectDigest(parseManifest(provCopy.toString('utf8'), a.file + PROVENANCE_COPY), bin.name);
        if (sha !== bin.sha256) failures.push({ file: a.file + PROVENANCE_COPY, message: `subject: ${bin.name} sha256 ${sha ?? '(none)'} is not that of the binary in ${a.file} (${bin.sha256})` });
      } catch (e) {
        failures.push({ file: a.file + PROVENANCE_COPY, message: (e as Error).message });
      }
    }
    // The target from the signed provenance (already verified by verifyRelease; read again here),
    // only when its subject is this binary: a provenance of another binary, even one signed with
    // the key, says nothing about this one (verifyRelease reports it).
    const att = read(attestationFileName(a.file, 'provenance'));
    if (att) {
      const d = verifyDsse(pem, att.toString('utf8').trim(), { payloadType: IN_TOTO_PAYLOAD_TYPE });
      if (d.ok) {
        try {
          const st = parseManifest(d.body.toString('utf8'), attestationFileName(a.file, 'provenance'));
          if (subjectDigest(st, bin.name) === bin.sha256) targets.set(a.file, targetFromManifest(st));
        } catch (e) {
          failures.push({ file: attestationFileName(a.file, 'provenance'), message: (e as Error).message });
        }
      }
    }
  }

  // 4. Binary checks on the verified bytes, unpacked into a private directory.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-verify-'));
  let checked = 0;
  try {
    const artifacts: (ArtifactInput & { archive: string })[] = [];
    for (const a of v.archives) {
      if (a.binaries.length !== 1) continue;
      const bin = a.binaries[0];
      let target = targets.get(a.file);
      if (!target) {
        // No verified provenance names this binary: the target its build info records, when the
        // archive name says the same platform.
        const bi = readBuildInfo(bufferSource(bin.data));
        const own = bi ? targetFromBuildInfo(bi) : undefined;
        let named = false;
        try {
          named = !!bi && archiveNameSays(a.file, archiveTargetFromSettings((k) => bi.setting(k)));
        } catch {
          named = false;
        }
        if (!own || !named) {
          const why = !own ? 'it has no Go build info that records its target' : `its archive name does not say ${own.platform.goos}/${own.platform.goarch}, the target its Go build info records`;
          failures.push({ file: `${a.file}/${bin.name}`, message: `binary checks not run: no verified provenance names this binary, and ${why}` });
          continue;
        }
        lines.push(`note ${a.file}/${bin.name}: no verified provenance names this binary; checked against ${formatTarget(own)}, the target its archive name and Go build info say`);
        target = own;
      }
      const sub = path.join(tmp, a.file);
      fs.mkdirSync(sub);
      const file = path.join(sub, path.basename(bin.name));
      fs.writeFileSync(file, bin.data, { mode: 0o755 });
      artifacts.push({ path: file, target, expectedPlatform: target.platform, displayPath: `${a.file}/${bin.name}`, archive: a.file });
    }
    if (artifacts.length) {
      const r = await validateArtifacts({ workspaceRoot: tmp, artifacts: artifacts.map(({ archive: _a, ...x }) => x), policy });
      for (const ar of r.artifacts) {
        checked += 1;
        for (const f of ar.findings) {
          if (f.severity === 'error') failures.push({ file: ar.file, message: `${f.checkId}: ${f.message}` });
          else if (f.severity === 'warn') lines.push(`warning ${ar.file}: ${f.checkId}: ${f.message}`);
        }
        if (!ar.findings.some((f) => f.severity === 'error')) lines.push(`ok ${ar.file}: ${ar.checksRun?.length ?? 0} binary checks for ${formatTarget(ar.target)}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  if (flags.json) {
    io.stdout(`${JSON.stringify({ ok: failures.length === 0, archives: v.archives.map((a) => a.file), failures }, null, 2)}\n`);
  } else {
    if (v.problems.length === 0) {
      io.stdout(`ok ${CHECKSUMS_FILE}: signature verified, ${v.archives.length} archive(s) match their checksums\n`);
      for (const a of v.archives) io.stdout(`ok ${a.file}: ${a.binaries.map((b) => `${b.name} sha256 ${b.sha256.slice(0, 16)}…`).join(', ')}; signed SBOM and provenance name it\n`);
    }
    for (const l of lines) io.stdout(`${l}\n`);
    for (const f of failures) io.stdout(`FAIL ${f.file}: ${f.message}\n`);
  }
  io.stderr(failures.length ? `release ${dir} does NOT verify: ${failures.length} problem(s)\n` : `release ${dir} verified: ${v.archives.length} archive(s), ${checked} binaries checked\n`);
  return failures.length ? 1 : 0;
}
