/**
 * File names of a release directory, shared by the writer (assemble.ts) and the verifier:
 *
 *   <project>_<version>_<os>_<arch>[…].tar.gz | .zip      one archive per platform
 *   <archive file name>.sbom.intoto.jsonl                  DSSE envelope (one line): SBOM statement
 *   <archive file name>.provenance.intoto.jsonl            DSSE envelope (one line): SLSA provenance
 *   checksums.txt                                          sha256sum format, every file but the
 *                                                          attestations (signed themselves)
 *   checksums.txt.sig                                      cosign sign-blob signature of checksums.txt
 *
 * An attestation names its archive by file name; its statement's subjects are the binaries inside
 * that archive, matched by digest.
 */
import type { ArchiveFormat } from './archive';
import { CHECKSUMS_FILE } from './checksums';

export { CHECKSUMS_FILE };
export const CHECKSUMS_SIGNATURE_FILE = `${CHECKSUMS_FILE}.sig`;

export type AttestationKind = 'sbom' | 'provenance';

/** The predicateType each attestation kind must carry. */
export const PREDICATE_TYPES: Record<AttestationKind, string> = {
  sbom: 'https://cyclonedx.org/bom',
  provenance: 'https://slsa.dev/provenance/v1',
};

const ATTESTATION_SUFFIX = '.intoto.jsonl';

export function attestationFileName(archiveFileName: string, kind: AttestationKind): string {
  return `${archiveFileName}.${kind}${ATTESTATION_SUFFIX}`;
}

/** `{archive, kind}` of an attestation file name; undefined for other names. */
export function parseAttestationFileName(name: string): { archive: string; kind: AttestationKind } | undefined {
  const m = /^(.+)\.(sbom|provenance)\.intoto\.jsonl$/.exec(name);
  return m ? { archive: m[1], kind: m[2] as AttestationKind } : undefined;
}

/** The archive format a release file name says (by extension); undefined for non-archives. */
export function archiveFormatOfName(name: string): ArchiveFormat | undefined {
  if (name.endsWith('.tar.gz')) return 'tar.gz';
  if (name.endsWith('.zip')) return 'zip';
  return undefined;
}
