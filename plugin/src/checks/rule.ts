/**
 * The rule contract, modelled on ESLint rule modules (`lib/rules/<id>.js`): one rule per file
 * under ./rules, named by its id, exporting its metadata — id, docs (description and page),
 * default severity, option schema — and a pure `run(ctx)` that returns findings. Rules never
 * touch the disk or spawn: everything they look at comes through the context (parsed binaries
 * from ../binary, source files and vet runs handed over by the caller, the target, the policy's
 * parameters for the rule, typed by its schema).
 *
 * `Check` is the discriminated union the engine runs: a `BinaryCheck` (meta.kind 'binary', once
 * per artifact) or a `SourceCheck` (meta.kind 'source', once per project and platform).
 */
import type { BinaryCheckContext, SourceCheckContext } from './context';
import type { AnyOptions, OptionsSchema } from './options';
import type { CheckMeta, Finding } from './types';

export interface RuleMeta<K extends 'binary' | 'source'> extends CheckMeta {
  kind: K;
  /**
   * JSON Schema of the rule's parameters (the second element of `[setting, { … }]` in a policy),
   * from which the policy loader and the policy's JSON Schema are built. `false`: parameters are
   * passed through unvalidated (the source rules, which read none).
   */
  schema: OptionsSchema | false;
}

/** A check run once per artifact on its parsed container. `P`: its parameters (OptionsOf its schema). */
export interface BinaryCheck<P = AnyOptions> {
  meta: RuleMeta<'binary'>;
  run(ctx: BinaryCheckContext<P>): Finding[];
}

/** A check run once per project and target platform on the project's source files. */
export interface SourceCheck<P = AnyOptions> {
  meta: RuleMeta<'source'>;
  run(ctx: SourceCheckContext<P>): Finding[];
}

/** Any rule, as the engine, the registry and the policy loader see it. */
export type Check = BinaryCheck | SourceCheck;

export function isBinaryCheck(c: Check): c is BinaryCheck {
  return c.meta.kind === 'binary';
}

export function isSourceCheck(c: Check): c is SourceCheck {
  return c.meta.kind === 'source';
}

/** The metadata reports carry: the rule's meta without its schema. */
export function checkMetaOf(c: Check): CheckMeta {
  const { id, title, kind, defaultSeverity, description, docs, aliases } = c.meta;
  return { id, title, kind, defaultSeverity, description, docs, ...(aliases?.length ? { aliases } : {}) };
}
