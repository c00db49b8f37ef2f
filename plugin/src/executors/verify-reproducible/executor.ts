/**
 * `@gocross/nx:verify-reproducible`: rebuilds the target's platform in a second checkout at
 * another path with an empty GOCACHE and compares the artifacts' sha256 with the first build's
 * (see reproduce.ts). Fails, naming the causes, when they differ.
 */
import type { ExecutorContext } from '@nx/devkit';
import type { BuildExecutorSchema } from '../build/schema';
import { verifyReproducible } from './reproduce';
import type { VerifyReproducibleExecutorSchema } from './schema';

export default async function verifyReproducibleExecutor(
  options: VerifyReproducibleExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName;
  const project = projectName ? context.projectsConfigurations?.projects?.[projectName] : undefined;
  if (!project) {
    console.error(`@gocross/nx:verify-reproducible: project ${projectName ?? '(none)'} not found in the workspace`);
    return { success: false };
  }
  const { useExisting, keepCheckout, ...build } = options;
  const t = context.target;
  const conf = context.configurationName ? t?.configurations?.[context.configurationName] : undefined;
  const layout = t?.options ? (({ useExisting: _u, keepCheckout: _k, ...o }) => o)({ ...t.options, ...(conf ?? {}) } as VerifyReproducibleExecutorSchema) : undefined;
  const r = await verifyReproducible({
    workspaceRoot: context.root,
    projectRoot: project.root,
    options: build as BuildExecutorSchema,
    useExisting: useExisting !== false,
    keepCheckout: keepCheckout === true,
    target: [projectName, context.targetName, context.configurationName].filter(Boolean).join(':'),
    layout,
  });
  return { success: r.success };
}
