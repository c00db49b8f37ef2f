import { Tree } from '@nx/devkit';
import { goProjectGenerator } from '../shared/go-project';
import { ApplicationGeneratorSchema } from './schema';

/** Creates a Go application (package main) (see schema.json). */
export async function applicationGenerator(tree: Tree, options: ApplicationGeneratorSchema) {
  await goProjectGenerator(tree, 'application', options);
}

/**
 * Entry point for the Nx CLI. Nx runs whatever a generator returns as a follow-up task, so the
 * entry point returns nothing; the named export returns its result for programmatic callers.
 */
export default async function (tree: Tree, options: Parameters<typeof applicationGenerator>[1]): Promise<void> {
  await applicationGenerator(tree, options);
}
