#!/usr/bin/env node
'use strict';
/**
 * A CycloneDX 1.6 JSON SBOM of one Go binary, made by the same library function the release
 * executor uses (plugin/dist/release generateSbom, from the binary's Go build info). bench/release.js
 * gives it to goreleaser as the `sboms:` command (goreleaser's default command, syft, is not
 * installed here), so both sides write the same kind of SBOM.
 *
 * Usage: node bench/lib/cyclonedx-sbom.js <binary> <output.json>
 * The SBOM timestamp is SOURCE_DATE_EPOCH when set (the release executor uses the commit time).
 */
const fs = require('node:fs');
const path = require('node:path');

const [binary, out] = process.argv.slice(2);
if (!binary || !out) {
  console.error('usage: cyclonedx-sbom.js <binary> <output.json>');
  process.exit(2);
}
const dist = path.resolve(__dirname, '..', '..', 'plugin', 'dist');
const { generateSbom } = require(path.join(dist, 'release'));
const { packageVersion } = require(path.join(dist, 'report', 'common'));

const sde = process.env.SOURCE_DATE_EPOCH;
const sbom = generateSbom(fs.readFileSync(binary), {
  binaryName: path.basename(binary),
  timestamp: sde && /^\d+$/.test(sde) ? new Date(Number(sde) * 1000) : undefined,
  tool: { name: '@gocross/nx', version: packageVersion() },
});
fs.writeFileSync(out, sbom.json);
