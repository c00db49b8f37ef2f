import { archiveFileName } from './archive';
import { archiveFormatOfName, attestationFileName, parseAttestationFileName, PREDICATE_TYPES } from './layout';

describe('release layout names', () => {
  it('attestation names round-trip to their archive and kind', () => {
    for (const t of [
      { goos: 'linux', goarch: 'arm', goarm: '7' },
      { goos: 'windows', goarch: 'amd64', goamd64: 'v3' },
    ]) {
      const archive = archiveFileName('my_app', 'v1.0.0-rc.1', t);
      for (const kind of ['sbom', 'provenance'] as const) {
        const name = attestationFileName(archive, kind);
        expect(name.endsWith('.intoto.jsonl')).toBe(true);
        expect(parseAttestationFileName(name)).toEqual({ archive, kind });
      }
      expect(archiveFormatOfName(archive)).toBe(t.goos === 'windows' ? 'zip' : 'tar.gz');
    }
    expect(parseAttestationFileName('app.tar.gz')).toBeUndefined();
    expect(parseAttestationFileName('app.tar.gz.sbom.json')).toBeUndefined();
    expect(archiveFormatOfName('checksums.txt')).toBeUndefined();
  });

  it('uses the predicate type URIs of CycloneDX and SLSA provenance v1', () => {
    expect(PREDICATE_TYPES).toEqual({ sbom: 'https://cyclonedx.org/bom', provenance: 'https://slsa.dev/provenance/v1' });
  });
});
