/**
 * Batch implementation of `@gocross/nx:build`: Nx hands one process every build task of a
 * batch (`nx run app:build-all` is one batch: the executor prefers batching), which runs them
 * with `os.availableParallelism()` go builds at a time. Each task is exactly what the executor
 * does for it alone (buildTask of ./executor: same argv, environment, artifacts, manifests and
 * clean-up), with its output kept apart and returned as that task's terminal output, and its
 * own success or failure. What a process reads once (the go command, `go env`, the platform
 * table) is read once for the batch.
 */
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import * as os from 'node:os';
import type { BuildExecutorSchema } from './schema';
import type { BuildLogger, RunDeps } from './executor';
import type { GoEnv, loadGo as LoadGo } from '../shared/go';
import type { PlatformTable } from '../../platforms/table';

/** One task's result as Nx's batch runner reads it (`TaskResult` of nx/config/misc-interfaces). */
export interface BatchTaskResult {
  success: boolean;
  status: 'success' | 'failure' | 'skipped';
  terminalOutput: string;
  startTime?: number;
  endTime?: number;
}

/** A task of the batch's task graph (the fields used here). */
type BatchTask = TaskGraph['tasks'][string];

export interface BatchDeps {
  /** Most builds run at once; default os.availableParallelism(). */
  parallelism?: number;
  /** Reads the go command, `go env` and the platform table (default loadGo of ../shared/go). */
  loadGo?: typeof LoadGo;
  /** Environment of one task (default: the one Nx gives the task when it runs alone, see taskEnvironment). */
  taskEnv?: (task: BatchTask, context: ExecutorContext) => NodeJS.ProcessEnv;
  /** Passed to runBuild for every task (tests inject the go spawner here). */
  run?: Pick<RunDeps, 'spawn' | 'explain' | 'ccVersion'>;
  now?: () => number;
}

/** The batch implementation Nx calls (executors.json `batchImplementation`). */
export default function buildBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, BuildExecutorSchema>,
  _overrides: BuildExecutorSchema,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: BatchTaskResult }> {
  return runBatch(taskGraph, inputs, context);
}

/**
 * Runs the tasks of `taskGraph`, yielding each one's result as it completes. A task waits for
 * its dependencies in the batch (and is skipped when one of them failed), and two tasks that
 * write into the same directory never run at once.
 */
export async function* runBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, BuildExecutorSchema>,
  context: ExecutorContext,
  deps: BatchDeps = {},
): AsyncGenerator<{ task: string; result: BatchTaskResult }> {
  // Loaded here, not at the top: Nx reads executors.json's factories before it runs anything.
  const { buildTask, configuredOptions, goEnvDir } = require('./executor') as typeof import('./executor');
  const { resolveBuildOutputs } = require('../../platforms/outputs') as typeof import('../../platforms/outputs');
  const go = require('../shared/go') as typeof import('../shared/go');
  const loadGo = deps.loadGo ?? go.loadGo;
  const taskEnv = deps.taskEnv ?? taskEnvironment;
  const now = deps.now ?? Date.now;
  const limit = Math.max(1, deps.parallelism ?? os.availableParallelism());

  const ids = Object.keys(taskGraph.tasks);
  const inBatch = new Set(ids);
  const projects = context.projectsConfigurations?.projects ?? {};

  // What a process reads once: per go-env directory and Go settings of the environment.
  const loaded = new Map<string, ReturnType<typeof LoadGo>>();
  const loadFor = (env: NodeJS.ProcessEnv, cwd: string) => {
    const key = JSON.stringify([cwd, go.passthroughEnv(env), env.GOCROSS_GO, env.GOCROSS_CACHE_DIR]);
    let l = loaded.get(key);
    if (!l) {
      l = loadGo(env, { cwd });
      loaded.set(key, l);
    }
    return l;
  };

  /** The directory a task writes into: two tasks of the same one run one after the other. */
  const outputDir = (id: string): string => {
    const task = taskGraph.tasks[id];
    const project = projects[task.target.project];
    if (!project) return `task:${id}`;
    const layout = configuredOptions({ target: project.targets?.[task.target.target], configurationName: task.target.configuration });
    try {
      return resolveBuildOutputs(inputs[id], { workspaceRoot: context.root, projectRoot: project.root, layout }).dir;
    } catch {
      return `task:${id}`;
    }
  };

  const runOne = async (id: string): Promise<BatchTaskResult> => {
    const task = taskGraph.tasks[id];
    const startTime = now();
    let out = '';
    const line = (m: string) => {
      out += m.endsWith('\n') ? m : m + '\n';
    };
    const logger: BuildLogger = { info: line, error: line };
    const sink = {
      write(chunk: string | Uint8Array) {
        out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    let success = false;
    try {
      const project = projects[task.target.project];
      const taskContext: ExecutorContext = {
        ...context,
        projectName: task.target.project,
        targetName: task.target.target,
        configurationName: task.target.configuration,
        target: project?.targets?.[task.target.target],
      };
      const env = taskEnv(task, context);
      let given: { go?: string; goEnv?: GoEnv; table?: PlatformTable; env: NodeJS.ProcessEnv } = { env };
      if (project) {
        const l = loadFor(env, goEnvDir({ workspaceRoot: context.root, projectRoot: project.root }));
        if (!l.ok) {
          logger.error(l.message);
          return { success: false, status: 'failure', terminalOutput: out, startTime, endTime: now() };
        }
        given = { go: l.go, goEnv: l.goEnv, table: l.table, env };
      }
      const r = await buildTask(inputs[id], taskContext, { ...deps.run, logger, stdout: sink, stderr: sink }, given);
      success = r.success;
    } catch (e) {
      logger.error(`@gocross/nx:build: ${(e as Error).stack ?? String(e)}`);
    }
    return { success, status: success ? 'success' : 'failure', terminalOutput: out, startTime, endTime: now() };
  };

  const pending = [...ids];
  const finished = new Map<string, BatchTaskResult>();
  const busyDirs = new Set<string>();
  const dirs = new Map(ids.map((id) => [id, outputDir(id)]));
  const completed: { task: string; result: BatchTaskResult }[] = [];
  let running = 0;
  let wake: (() => void) | undefined;
  const finish = (id: string, result: BatchTaskResult) => {
    finished.set(id, result);
    completed.push({ task: id, result });
    const w = wake;
    wake = undefined;
    w?.();
  };

  const startReady = () => {
    for (let i = 0; i < pending.length && running < limit; ) {
      const id = pending[i];
      const before = (taskGraph.dependencies[id] ?? []).map(edgeId).filter((d) => inBatch.has(d));
      const failed = before.find((d) => finished.has(d) && !finished.get(d)?.success);
      if (failed) {
        pending.splice(i, 1);
        const t = now();
        finish(id, { success: false, status: 'skipped', terminalOutput: `${id} was not run: ${failed} failed\n`, startTime: t, endTime: t });
        continue;
      }
      const dir = dirs.get(id) as string;
      if (!before.every((d) => finished.has(d)) || busyDirs.has(dir)) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      running++;
      busyDirs.add(dir);
      void runOne(id).then((result) => {
        running--;
        busyDirs.delete(dir);
        finish(id, result);
      });
    }
  };

  let yielded = 0;
  while (yielded < ids.length) {
    startReady();
    if (completed.length === 0) {
      if (running === 0) {
        // Nothing runs and nothing can start: a dependency cycle inside the batch. Every
        // task still needs a result, or Nx starts the batch again.
        for (const id of pending.splice(0)) {
          const t = now();
          finish(id, { success: false, status: 'failure', terminalOutput: `${id}: its dependencies in the batch never completed\n`, startTime: t, endTime: t });
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    const next = completed.shift() as { task: string; result: BatchTaskResult };
    yielded++;
    yield next;
  }
}

/**
 * The environment Nx gives a task it runs on its own: the batch process has the run's
 * environment, without the task's own `.env` files (`.env.<target>`, `<project>/.env`, …),
 * which Nx also hashes the task with. Nx's own function builds it; without it (another Nx
 * version) the batch's environment is used.
 */
export function taskEnvironment(task: BatchTask, context: ExecutorContext): NodeJS.ProcessEnv {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('nx/src/tasks-runner/task-env') as {
      getTaskSpecificEnv?: (task: BatchTask, graph: unknown) => NodeJS.ProcessEnv;
    };
    if (typeof m.getTaskSpecificEnv === 'function' && context.projectGraph) {
      return m.getTaskSpecificEnv(task, context.projectGraph);
    }
  } catch {
    // not this Nx
  }
  return process.env;
}

/** A dependency edge of the task graph: `{id}` in Nx 24, a plain task id in earlier versions. */
function edgeId(e: unknown): string {
  return typeof e === 'string' ? e : (e as { id: string }).id;
}
