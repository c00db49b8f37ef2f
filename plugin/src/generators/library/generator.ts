import { Tree } from '@nx/devkit';
import { goProjectGenerator } from '../shared/go-project';
import { LibraryGeneratorSchema } from './schema';

/** Creates a Go library package (see schema.json). */
export async function libraryGenerator(tree: Tree, options: LibraryGeneratorSchema) {
  await goProjectGenerator(tree, 'library', options);
}

export default libraryGenerator;
