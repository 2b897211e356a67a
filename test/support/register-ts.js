// Lets a plain `node` child process load TypeScript sources (transpile only, CommonJS, TC39
// decorators), the way ts-jest does for the tests. Child-process tests require it first:
//   require('<repo>/test/support/register-ts.js')
const fs = require('node:fs');
const path = require('node:path');
const ts = require(require.resolve('typescript', { paths: [path.resolve(__dirname, '..', '..')] }));

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: false,
      sourceMap: false,
    },
  });
  module._compile(outputText, filename);
};
