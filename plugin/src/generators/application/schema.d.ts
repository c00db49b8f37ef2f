import { GoProjectOptions } from '../shared/go-project';

export type ApplicationGeneratorSchema = GoProjectOptions;
