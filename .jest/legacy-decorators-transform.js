// Jest transform for files named *.legacy.ts / *.legacy.test.ts: TypeScript with
// experimentalDecorators + emitDecoratorMetadata (tsconfig.legacy.json). Not ts-jest: ts-jest
// caches one config per jest config, so a second ts-jest entry with another tsconfig is
// silently ignored.
const { createHash } = require('node:crypto');
const { dirname, join } = require('node:path');
const ts = require('typescript');

const configPath = join(__dirname, '..', 'tsconfig.legacy.json');
const read = ts.readConfigFile(configPath, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath));
const compilerOptions = {
  ...parsed.options,
  module: ts.ModuleKind.CommonJS,
  noEmit: false,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
};
if (!compilerOptions.experimentalDecorators) throw new Error(`${configPath} must set experimentalDecorators`);

module.exports = {
  process(source, filename) {
    const out = ts.transpileModule(source, { fileName: filename, compilerOptions });
    return { code: out.outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(ts.version)
      .update(JSON.stringify(compilerOptions))
      .update(filename)
      .update(source)
      .digest('hex');
  },
};
