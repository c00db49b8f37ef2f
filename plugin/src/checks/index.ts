/**
 * Public surface of the checks: the engine, the policy loader, the registry (rules under
 * ./rules) and the contract types. The validate executor and the CLI both go through validateArtifacts().
 */
export * from './types';
export * from './result';
export type { BinaryCheck, SourceCheck, Check, RuleMeta } from './rule';
export { isBinaryCheck, isSourceCheck, checkMetaOf } from './rule';
export type { OptionsSchema, OptionSchema, OptionsOf, AnyOptions } from './options';
export { validateArtifacts, INPUT_CHECK_ID } from './engine';
export {
  loadPolicy,
  mergePolicies,
  resolvePolicy,
  defaultPolicy,
  policyJsonSchema,
  PolicyError,
  POLICY_FILE_NAME,
  CHECK_PARAMS,
} from './policy';
export type { LoadPolicyOptions } from './policy';
export { ALL_CHECKS, BINARY_CHECKS, SOURCE_CHECKS, findCheck, resolveCheckId } from './registry';
export type { BinaryCheckContext, SourceCheckContext } from './context';
export { collectExportNames } from './context';
