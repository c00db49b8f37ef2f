/**
 * Rule option schemas: the JSON Schema (draft-07) subset a rule's `meta.schema` is written in,
 * and `OptionsOf<typeof schema>`, the TypeScript type of the parameters a schema admits, so a
 * rule's `ctx.params` is typed by the same object the policy loader validates against.
 *
 * A schema is an object schema whose properties are booleans, strings (optionally with a
 * `pattern`; `description` then says what a valid value looks like), string enums, or arrays
 * of strings; `additionalProperties` is always false. Every parameter is optional.
 */

export interface BooleanOption {
  readonly type: 'boolean';
  readonly description?: string;
}

export interface StringOption {
  readonly type: 'string';
  /** A regular expression (JSON Schema `pattern`, ECMA-262 syntax). */
  readonly pattern?: string;
  /** What a valid value looks like, e.g. `a version such as "2.17"` (used in error messages). */
  readonly description?: string;
}

export interface EnumOption {
  readonly enum: readonly string[];
  readonly description?: string;
}

export interface StringArrayOption {
  readonly type: 'array';
  readonly items: { readonly type: 'string' };
  readonly description?: string;
}

export type OptionSchema = BooleanOption | StringOption | EnumOption | StringArrayOption;

/** A rule's options: an object of named, optional parameters; unknown parameters are errors. */
export interface OptionsSchema {
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly properties: { readonly [name: string]: OptionSchema };
}

/** A rule's options schema with these parameters (each optional, no others). */
export function options<const P extends { readonly [name: string]: OptionSchema }>(properties: P): { readonly type: 'object'; readonly additionalProperties: false; readonly properties: P } {
  return { type: 'object', additionalProperties: false, properties };
}

/** A boolean parameter. */
export const flag = <const D extends string>(description: D) => ({ type: 'boolean', description }) as const;
/** A string parameter, optionally matching `pattern` (then `description` says what a valid value looks like). */
export const text = <const D extends string>(description: D, pattern?: string) => ({ type: 'string', description, ...(pattern ? { pattern } : {}) }) as const;
/** One of some strings. */
export const oneOf = <const V extends readonly string[], const D extends string>(values: V, description: D) => ({ enum: values, description }) as const;
/** A list of strings. */
export const list = <const D extends string>(description: D) => ({ type: 'array', items: { type: 'string' }, description }) as const;

/** The schema of a rule that takes no parameters. */
export const NO_OPTIONS = options({});

/** The TypeScript type of one parameter's value. */
export type OptionValue<S extends OptionSchema> = S extends EnumOption
  ? S['enum'][number]
  : S extends BooleanOption
    ? boolean
    : S extends StringOption
      ? string
      : S extends StringArrayOption
        ? readonly string[]
        : never;

/** The parameters a schema admits, each optional: `OptionsOf<typeof schema>` (none at all for NO_OPTIONS). */
export type OptionsOf<S extends OptionsSchema> = [keyof S['properties']] extends [never]
  ? { readonly [name: string]: never }
  : { readonly [K in keyof S['properties']]?: OptionValue<S['properties'][K]> };

/** Parameters of a rule whose type is not known here (the engine's view of every rule). */
export type AnyOptions = Readonly<Record<string, unknown>>;
