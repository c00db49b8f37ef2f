import { Tree } from '@nx/devkit';
import { goProjectGenerator } from '../shared/go-project';
import { LibraryGeneratorSchema } from './schema';

/** Creates a Go library package (see schema.json). */
export async function libraryGenerator(tree: Tree, options: LibraryGeneratorSchema) {
  await goProjectGenerator(tree, 'library', options);
}

/**
 * Entry point for the Nx CLI. Nx runs whatever a generator returns as a follow-up task, so the
 * entry point returns nothing; the named export returns its result for programmatic callers.
 */
export default async function (tree: Tree, options: Parameters<typeof libraryGenerator>[1]): Promise<void> {
  await libraryGenerator(tree, options);
}
