/**
 * `nx g @gocross/nx:import-goreleaser --project <p> [--config .goreleaser.yaml] [--force]`: the
 * builds of a goreleaser config as the project's gocross.json settings (see convert.ts), and
 * the settings it could not map. Settings gocross.json already has with another value are only
 * replaced with --force; running it again changes nothing.
 */
import { logger, Tree } from '@nx/devkit';
import { PROJECT_OVERRIDE_FILE } from '../../graph/options';
import { lastPathElement, parseModulePath } from '../../platforms/outputs';
import { GeneratorError, joinPath } from '../shared/files';
import { resolveProject } from '../shared/projects';
import { importGoreleaser, GoreleaserImportError, type ImportResult } from './convert';
import type { ImportGoreleaserGeneratorSchema } from './schema';

export const CONFIG_NAMES = ['.goreleaser.yaml', '.goreleaser.yml', 'goreleaser.yaml', 'goreleaser.yml', '.config/goreleaser.yaml', '.config/goreleaser.yml'];

export interface ImportGoreleaserResult extends ImportResult {
  config: string;
  file: string;
  /** Whether gocross.json was written. */
  changed: boolean;
}

function findConfig(tree: Tree, root: string): string | undefined {
  for (const dir of root ? [root, ''] : ['']) {
    for (const n of CONFIG_NAMES) {
      const p = joinPath(dir, n);
      if (tree.exists(p)) return p;
    }
  }
  return undefined;
}

export async function importGoreleaserGenerator(tree: Tree, options: ImportGoreleaserGeneratorSchema): Promise<ImportGoreleaserResult> {
  const project = resolveProject(tree, options.project);
  const config = options.config ? options.config.replace(/^\.\//, '') : findConfig(tree, project.root);
  if (!config) throw new GeneratorError(`no goreleaser config in ${project.root || '.'} or the workspace root (looked for ${CONFIG_NAMES.join(', ')}): pass --config`);
  if (!tree.exists(config)) throw new GeneratorError(`--config: ${config} does not exist`);

  const goMod = tree.read(joinPath(project.root, 'go.mod'), 'utf-8') ?? '';
  const modulePath = parseModulePath(goMod);
  let result: ImportResult;
  try {
    result = importGoreleaser(tree.read(config, 'utf-8') ?? '', {
      binaryName: (main) => {
        const m = main.replace(/^\.\//, '').replace(/\/+$/, '');
        if (m === '.' || m === '') return modulePath ? lastPathElement(modulePath) : undefined;
        return m.slice(m.lastIndexOf('/') + 1);
      },
    });
  } catch (e) {
    if (e instanceof GoreleaserImportError) throw new GeneratorError(`${config}: ${e.message}`);
    throw e;
  }

  const file = joinPath(project.root, PROJECT_OVERRIDE_FILE);
  let current: Record<string, unknown> = {};
  if (tree.exists(file)) {
    try {
      current = JSON.parse(tree.read(file, 'utf-8') ?? '{}');
    } catch (e) {
      throw new GeneratorError(`${file}: ${(e as Error).message}`);
    }
    if (typeof current !== 'object' || current === null || Array.isArray(current)) throw new GeneratorError(`${file}: expected a JSON object`);
  }
  const conflicts = Object.entries(result.settings).filter(([k, v]) => current[k] !== undefined && JSON.stringify(current[k]) !== JSON.stringify(v));
  if (conflicts.length > 0 && !options.force) {
    throw new GeneratorError(
      `refusing to change ${file}: it already sets ${conflicts.map(([k]) => k).join(', ')} to other values (pass --force to replace them with ${config}'s)`,
    );
  }
  const next = { ...current, ...result.settings };
  const changed = JSON.stringify(next) !== JSON.stringify(current) || !tree.exists(file);
  if (changed) tree.write(file, JSON.stringify(next, null, 2) + '\n');

  logger.info(`${config} (${result.builds.join(', ')}) → ${file}${changed ? '' : ': already up to date'}`);
  for (const [k, v] of Object.entries(result.settings)) logger.info(`  ${k}: ${JSON.stringify(v)}`);
  for (const n of result.notes) logger.info(`note: ${n}`);
  if (result.unmapped.length > 0) {
    logger.warn(`not imported (${result.unmapped.length}):`);
    for (const u of result.unmapped) logger.warn(`  ${u}`);
  }
  return { ...result, config, file, changed };
}

export default async function (tree: Tree, options: ImportGoreleaserGeneratorSchema): Promise<void> {
  await importGoreleaserGenerator(tree, options);
}
