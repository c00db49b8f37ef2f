// Minimal require hook so bench scripts can load the plugin's TypeScript sources directly
// (transpile only, no type check), without a prior build.
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const out = ts.transpileModule(src, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, importHelpers: false },
  });
  module._compile(out.outputText, filename);
};
