/**
 * @gocross/nx: one Nx project per Go module, with a cached build target per platform, a
 * validate target that checks the produced binaries, and the Go import graph as project
 * dependencies.
 */
import type { CreateDependencies, CreateNodes } from '@nx/devkit';
import { createGoNodes, GO_MOD_GLOB } from './graph/create-nodes';
import { createGoDependencies, GoDependencyOptions } from './graph/create-dependencies';
import type { GocrossPluginOptions } from './graph/options';

export type { GocrossPluginOptions, ProjectOverride } from './graph/options';
export { DEFAULT_PLATFORMS, PROJECT_OVERRIDE_FILE } from './graph/options';

export type GocrossOptions = GocrossPluginOptions & GoDependencyOptions;

export const createNodes: CreateNodes<GocrossOptions> = [
  GO_MOD_GLOB,
  (files, options, context) => createGoNodes(files, options, context),
];

/** Same function under the name older Nx versions look for. */
export const createNodesV2: CreateNodes<GocrossOptions> = createNodes;

export const createDependencies: CreateDependencies<GocrossOptions> = createGoDependencies;

export const name = '@gocross/nx';
