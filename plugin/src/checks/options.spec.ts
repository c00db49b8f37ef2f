/**
 * Rule option schemas: the builders write plain JSON Schema, and OptionsOf types a rule's
 * parameters from the same object (the @ts-expect-error lines fail the spec typecheck when a
 * wrong parameter would compile).
 */
import { flag, list, NO_OPTIONS, oneOf, options, text, type OptionsOf } from './options';
import type { BinaryArchOptions } from './rules/binary-arch';
import type { GlibcVersionOptions } from './rules/glibc-version';
import type { HardeningOptions } from './rules/hardening';
import type { RpathOptions } from './rules/rpath';

describe('option schemas', () => {
  it('are JSON Schema objects without extra parameters', () => {
    expect(options({ a: flag('A'), b: text('B', '^x$'), c: oneOf(['p', 'q'], 'C'), d: list('D'), e: text('E') })).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { type: 'boolean', description: 'A' },
        b: { type: 'string', description: 'B', pattern: '^x$' },
        c: { enum: ['p', 'q'], description: 'C' },
        d: { type: 'array', items: { type: 'string' }, description: 'D' },
        e: { type: 'string', description: 'E' },
      },
    });
    expect(NO_OPTIONS).toEqual({ type: 'object', additionalProperties: false, properties: {} });
  });

  it('type the parameters a rule reads', () => {
    const schema = options({ on: flag('on'), mode: oneOf(['x', 'y'], 'mode'), names: list('names') });
    const ok: OptionsOf<typeof schema> = { on: true, mode: 'y', names: ['a'] };
    // @ts-expect-error a value outside the enum
    const badMode: OptionsOf<typeof schema> = { mode: 'z' };
    // @ts-expect-error an unknown parameter
    const unknown: OptionsOf<typeof schema> = { of: true };
    const hardening: HardeningOptions = { relro: 'full', nx: true };
    // @ts-expect-error relro is "full", "partial" or "off"
    const relro: HardeningOptions = { relro: 'most' };
    // @ts-expect-error max is a version string
    const max: GlibcVersionOptions = { max: 2.17 };
    const rpath: RpathOptions = { allow: ['/opt/lib'], allowRpath: false };
    // @ts-expect-error binary-arch takes no parameters
    const none: BinaryArchOptions = { x: 1 };
    expect([ok, badMode, unknown, hardening, relro, max, rpath, none]).toHaveLength(8);
  });
});
