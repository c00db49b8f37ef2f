/**
 * build-id: the Go build id is present, or empty, as the policy demands. Reproducible builds
 * (the build executor's default) pass -ldflags=-buildid= so rebuilds are byte-identical; other
 * pipelines want the id present to match binaries with their build cache entries.
 */
import { oneOf, options, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

export const schema = options({
  require: oneOf(['present', 'empty', 'any'], 'what the Go build id must be (default "any")'),
});
export type BuildIdOptions = OptionsOf<typeof schema>;

export const buildId: BinaryCheck<BuildIdOptions> = {
  meta: {
    id: 'build-id',
    title: 'Go build id present or empty as the policy demands',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'With require: "empty", an ELF Go binary must carry no (or an empty) Go build id, as reproducible builds do; with require: "present", it must carry one. The default ("any") reports nothing.',
    docs: 'docs/checks/build-id.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    const req = ctx.params.require ?? 'any';
    if (req === 'any' || ctx.kind !== 'elf') return out;
    const elf = ctx.elf();
    if (!elf || elf.header.type === 1) return out;
    const id = elf.goBuildId() ?? '';
    if (req === 'empty' && id !== '') {
      out.push({
        checkId: 'build-id',
        severity: 'error',
        message: `carries Go build id "${id.length > 40 ? `${id.slice(0, 40)}…` : id}"; the policy asks for reproducible builds with an empty one`,
        fix: 'build with -ldflags=-buildid= (reproducible: true on the build target)',
        file: ctx.file,
        data: { buildId: id },
      });
    } else if (req === 'present' && id === '') {
      out.push({
        checkId: 'build-id',
        severity: 'error',
        message: 'has no Go build id; the policy asks for one',
        fix: 'drop -buildid= from ldflags (reproducible: false on the build target)',
        file: ctx.file,
      });
    }
    return out;
  },
};
export default buildId;
