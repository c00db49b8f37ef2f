import { GoProjectOptions } from '../shared/go-project';

export type LibraryGeneratorSchema = GoProjectOptions;
