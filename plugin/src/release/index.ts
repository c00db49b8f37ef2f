/** Release trust chain: deterministic archives, checksums, SBOMs, signatures, safe unpacking, verification. */
export * from './archive';
export * from './checksums';
export * from './sbom';
export * from './sign';
export * from './unpack';
export * from './layout';
export * from './assemble';
export * from './verify';
