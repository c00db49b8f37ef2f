import { Tree } from '@nx/devkit';
import { goProjectGenerator } from '../shared/go-project';
import { ApplicationGeneratorSchema } from './schema';

/** Creates a Go application (package main) (see schema.json). */
export async function applicationGenerator(tree: Tree, options: ApplicationGeneratorSchema) {
  await goProjectGenerator(tree, 'application', options);
}

export default applicationGenerator;
