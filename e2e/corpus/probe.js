'use strict';
/**
 * Asks the Nx of a workspace what it hashes, with Nx's own code and nothing of @gocross/nx:
 *
 *   node probe.js '<json request>'       (cwd: the workspace root)
 *   request: { "out": "<result file>", "inputs": ["proj:target", ...], "hashes": ["proj:target", ...] }
 *   writes:  { "inputs": { id: { files, runtime, environment, external } }, "hashes": { id: "<hash>" },
 *              "projects": { name: { root, targets: { target: options } } } }
 *
 * `inputs` come from getTaskRawInputs, the function behind `nx show target inputs`; `hashes`
 * from hashTasksThatDoNotDependOnOutputsOfOtherTasks, the function `nx run` hashes tasks with
 * before it looks them up in the cache. Nx modules are loaded from the workspace's node_modules.
 */
async function main() {
  const req = JSON.parse(process.argv[2] ?? '{}');
  const ws = process.cwd();
  const nxRequire = (m) => require(require.resolve(m, { paths: [ws] }));
  const { createProjectGraphAsync } = nxRequire('nx/src/project-graph/project-graph');
  const { readNxJson } = nxRequire('nx/src/config/nx-json');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const nxJson = readNxJson(ws);
  const out = { inputs: {}, hashes: {}, projects: {} };
  // Every project: its root and the options of its targets, as Nx resolved them.
  for (const [name, node] of Object.entries(graph.nodes)) {
    const targets = {};
    for (const [t, cfg] of Object.entries(node.data.targets ?? {})) targets[t] = cfg.options ?? {};
    out.projects[name] = { root: node.data.root, targets };
  }

  if (req.inputs?.length) {
    const { getTaskRawInputs } = nxRequire('nx/src/hasher/check-task-files');
    for (const id of req.inputs) {
      const raw = await getTaskRawInputs(id, { projectGraph: graph, nxJson });
      if (!raw) throw new Error(`no hash plan for ${id}`);
      out.inputs[id] = raw;
    }
  }

  if (req.hashes?.length) {
    const { createTaskGraph } = nxRequire('nx/src/tasks-runner/create-task-graph');
    const { createTaskHasher } = nxRequire('nx/src/hasher/create-task-hasher');
    const { hashTasksThatDoNotDependOnOutputsOfOtherTasks } = nxRequire('nx/src/hasher/hash-task');
    const byTarget = new Map();
    for (const id of req.hashes) {
      const i = id.lastIndexOf(':');
      const [project, target] = [id.slice(0, i), id.slice(i + 1)];
      if (!byTarget.has(target)) byTarget.set(target, []);
      byTarget.get(target).push(project);
    }
    const hasher = createTaskHasher(graph, nxJson);
    for (const [target, projects] of byTarget) {
      const taskGraph = createTaskGraph(graph, {}, projects, [target], undefined, {}, true);
      await hashTasksThatDoNotDependOnOutputsOfOtherTasks(hasher, graph, taskGraph, nxJson, null);
      for (const p of projects) {
        const t = taskGraph.tasks[`${p}:${target}`];
        if (!t || !t.hash) throw new Error(`Nx did not hash ${p}:${target}`);
        out.hashes[`${p}:${target}`] = t.hash;
      }
    }
  }
  // A file, not stdout: process.exit may cut a large write to a pipe short.
  require('node:fs').writeFileSync(req.out, JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`probe: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
