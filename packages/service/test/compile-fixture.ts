import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * Compiles a fixture with the real TypeScript compiler in the chosen decorator mode and
 * evaluates it as CommonJS, resolving its imports to the modules the test already loaded (so
 * both modes share one @otelkit/service instance with the test).
 */
export function compileFixture<T>(
  file: string,
  mode: 'standard' | 'legacy',
  modules: Record<string, unknown>,
): T {
  const source = readFileSync(join(__dirname, 'fixtures', file), 'utf8');
  const out = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: mode === 'legacy',
      emitDecoratorMetadata: mode === 'legacy',
    },
  });
  const exports: Record<string, unknown> = {};
  const localRequire = (id: string) => {
    if (!(id in modules)) throw new Error(`fixture ${file} imports ${id}, which the test did not provide`);
    return modules[id];
  };
  new Function('require', 'exports', 'module', out.outputText)(localRequire, exports, { exports });
  return exports as T;
}
