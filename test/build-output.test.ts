/**
 * Checks what we ship: every package under packages/ must have a dist/ build (`pnpm test` runs
 * `turbo run build` first) that loads both with `require()` and with `import()` from a plain
 * Node process, resolving the package by its own name through package.json "exports" (cwd =
 * the package dir, so Node's package self-reference applies). The packages are compiled to
 * CommonJS by tsc; ESM named imports then exist only if Node's cjs-module-lexer can detect
 * them, and this test proves that they do and that they are the very same values.
 *
 * It also checks the package.json contract: exports, types, engines, `@opentelemetry/api` as a
 * peer dependency, and that every module the built code loads at run time is declared.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const PACKAGES_DIR = path.join(REPO, 'packages');
const ROOT_ENGINES_NODE: string = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).engines
  .node;

interface PackageJson {
  name: string;
  main?: string;
  types?: string;
  exports?: Record<string, unknown> | string;
  sideEffects?: boolean | string[];
  engines?: { node?: string };
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const packages = fs
  .readdirSync(PACKAGES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(PACKAGES_DIR, d.name, 'package.json')))
  .map((d) => {
    const dir = path.join(PACKAGES_DIR, d.name);
    const pkg: PackageJson = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return { folder: d.name, dir, pkg };
  });

/**
 * Subpath exports that exist for their side effects (a preload such as `@otelkit/service/register`),
 * declared in package.json "sideEffects" by their built file; they export nothing.
 */
function isPreload(pkg: PackageJson, subpath: string): boolean {
  const target = (pkg.exports as Record<string, { default?: string }> | undefined)?.[subpath]?.default;
  return target !== undefined && Array.isArray(pkg.sideEffects) && pkg.sideEffects.includes(target);
}

/** Public entry points with exports: "." plus every subpath export except ./package.json and preloads. */
function entryPoints(pkg: PackageJson): string[] {
  if (!pkg.exports || typeof pkg.exports === 'string') return [pkg.name];
  return Object.keys(pkg.exports)
    .filter((k) => k !== './package.json' && !k.includes('*') && !isPreload(pkg, k))
    .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
}

function preloads(pkg: PackageJson): string[] {
  if (!pkg.exports || typeof pkg.exports === 'string') return [];
  return Object.keys(pkg.exports)
    .filter((k) => isPreload(pkg, k))
    .map((k) => `${pkg.name}/${k.slice(2)}`);
}

function runNode(cwd: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, args, {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { message: string; stderr?: string };
    throw new Error(`node ${args.join(' ')} (cwd ${cwd}) failed: ${e.message}\n${e.stderr ?? ''}`);
  }
}

/** Named exports as seen by `require()` in a fresh CommonJS process. */
function requireKeys(cwd: string, specifier: string): string[] {
  const script = `
    const m = require(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify(Object.keys(m).filter((k) => k !== '__esModule').sort()));`;
  return JSON.parse(runNode(cwd, ['-e', script]));
}

/**
 * Named exports as seen by `import()` in a fresh ESM process, plus the names whose ESM binding
 * is not the very value `require()` returns (must be none), and whether `default` is
 * module.exports.
 */
function importKeys(
  cwd: string,
  specifier: string,
): { keys: string[]; different: string[]; defaultIsCjs: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const ns = await import(${JSON.stringify(specifier)});
    const cjs = createRequire(process.cwd() + '/package.json')(${JSON.stringify(specifier)});
    // Node 23+ also exports the whole CommonJS exports object as 'module.exports'.
    const keys = Object.keys(ns).filter((k) => k !== 'default' && k !== '__esModule' && k !== 'module.exports').sort();
    const different = keys.filter((k) => ns[k] !== cjs[k]);
    if ('module.exports' in ns && ns['module.exports'] !== cjs) different.push('module.exports');
    process.stdout.write(JSON.stringify({ keys, different, defaultIsCjs: ns.default === cjs }));`;
  return JSON.parse(runNode(cwd, ['--input-type=module', '-e', script]));
}

function walk(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return walk(p, ext);
    return d.name.endsWith(ext) && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);

/** Bare specifiers the built JS loads at run time (require() and dynamic import()). */
function runtimeImports(distDir: string): Map<string, string> {
  const found = new Map<string, string>(); // package name -> first file using it
  for (const file of walk(distDir, '.js')) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:require|import)\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
      const spec = m[1];
      if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) continue;
      const name = packageNameOf(spec);
      if (!found.has(name)) found.set(name, path.relative(REPO, file));
    }
  }
  return found;
}

/** Does the package's source use @opentelemetry/api (import, import type, require)? */
function usesOtelApi(srcDir: string): boolean {
  const re = /(?:from\s+|require\(\s*|import\(\s*)['"]@opentelemetry\/api['"]/;
  return walk(srcDir, '.ts').some((f) => re.test(fs.readFileSync(f, 'utf8')));
}

describe('built packages', () => {
  it('finds the workspace packages: every folder under packages/ is one, named @otelkit/<folder>', () => {
    const folders = fs
      .readdirSync(PACKAGES_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(packages.map((p) => p.folder)).toEqual(folders);
    expect(packages.length).toBeGreaterThanOrEqual(5);
    expect(packages.map((p) => p.pkg.name)).toEqual(packages.map((p) => `@otelkit/${p.folder}`));
  });

  it('scans sources and builds for real (the checks below can fail)', () => {
    // At least one package uses @opentelemetry/api and every package with dependencies loads some.
    expect(packages.some((p) => usesOtelApi(path.join(p.dir, 'src')))).toBe(true);
    for (const { dir, pkg } of packages) {
      if (Object.keys(pkg.dependencies ?? {}).length > 0 && fs.existsSync(path.join(dir, 'dist'))) {
        expect([pkg.name, runtimeImports(path.join(dir, 'dist')).size]).not.toEqual([pkg.name, 0]);
      }
    }
    expect(packageNameOf('@opentelemetry/api/build/x')).toBe('@opentelemetry/api');
    expect(packageNameOf('pino/file')).toBe('pino');
  });

  describe.each(packages.map((p) => [p.pkg.name, p] as const))('%s', (_name, { dir, pkg }) => {
    const dist = path.join(dir, 'dist');

    it('has a dist/ build containing its main and types files', () => {
      expect(fs.existsSync(dist)).toBe(true);
      expect(pkg.main).toBeDefined();
      expect(pkg.types).toBeDefined();
      expect(fs.existsSync(path.join(dir, pkg.main!))).toBe(true);
      expect(fs.existsSync(path.join(dir, pkg.types!))).toBe(true);
    });

    it('declares exports (with types), types, files and engines.node like the root', () => {
      expect(typeof pkg.exports).toBe('object');
      const dot = (pkg.exports as Record<string, Record<string, string>>)['.'];
      expect(dot).toBeDefined();
      expect(Object.keys(dot)[0]).toBe('types'); // "types" must come first to be used
      expect(fs.existsSync(path.join(dir, dot.types))).toBe(true);
      expect(fs.existsSync(path.join(dir, dot.default ?? dot.require))).toBe(true);
      expect(pkg.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      expect(pkg.files).toContain('dist');
      expect(pkg.engines?.node).toBe(ROOT_ENGINES_NODE);
      // OpenTelemetry JS 3.x needs Node 22.15+; the packages say so.
      expect(ROOT_ENGINES_NODE).toBe('>=22.15.0');
    });

    it('maps every typed subpath export in typesVersions (TypeScript node10 resolution ignores exports)', () => {
      const exportsMap = pkg.exports as Record<string, Record<string, string> | string>;
      const typed = Object.entries(exportsMap)
        .filter(([k, v]) => k !== '.' && k !== './package.json' && typeof v === 'object' && v.types)
        .map(([k, v]) => [k.slice(2), [(v as Record<string, string>).types]]);
      const mapped =
        ((pkg as { typesVersions?: Record<string, Record<string, string[]>> }).typesVersions ?? {})['*'] ??
        {};
      for (const [sub, types] of typed) expect([sub, mapped[sub as string]]).toEqual([sub, types]);
    });

    it('has @opentelemetry/api as a peer dependency wherever it uses it, never as a dependency', () => {
      expect(pkg.dependencies?.['@opentelemetry/api']).toBeUndefined();
      if (usesOtelApi(path.join(dir, 'src'))) {
        // a range from the named catalog `peer` (pnpm writes the range into the tarball), so an
        // app's own newer api 1.x satisfies it instead of failing with ERESOLVE
        expect(pkg.peerDependencies?.['@opentelemetry/api']).toBe('catalog:peer');
      }
    });

    it('declares every package its built code loads at run time', () => {
      const declared = new Set([
        pkg.name,
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
        ...Object.keys(pkg.optionalDependencies ?? {}),
      ]);
      const undeclared = [...runtimeImports(dist)].filter(([name]) => !declared.has(name));
      expect(undeclared).toEqual([]);
    });

    const preloadEntries = preloads(pkg);
    if (preloadEntries.length > 0) {
      it.each(preloadEntries)(
        'runs the preload %s under --require and --import',
        (specifier) => {
          // with the SDK disabled: no listener, no exporter; only that it loads and runs cleanly
          for (const flag of ['--require', '--import']) {
            const out = execFileSync(
              process.execPath,
              [flag, specifier, '-e', 'process.stdout.write("app ran")'],
              {
                cwd: dir,
                encoding: 'utf8',
                timeout: 60_000,
                env: { PATH: process.env.PATH ?? '', OTEL_SDK_DISABLED: 'true' },
                stdio: ['ignore', 'pipe', 'pipe'],
              },
            );
            expect(out).toBe('app ran');
          }
        },
        60_000,
      );
    }

    it.each(entryPoints(pkg))(
      'loads %s with require() and import(), with the same non-empty named exports',
      (specifier) => {
        expect(fs.existsSync(dist)).toBe(true);
        const cjs = requireKeys(dir, specifier);
        const esm = importKeys(dir, specifier);
        expect(cjs.length).toBeGreaterThan(0);
        expect(esm.keys).toEqual(cjs);
        expect(esm.different).toEqual([]);
        expect(esm.defaultIsCjs).toBe(true);
      },
    );
  });
});

describe('the checks themselves', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-build-output-'));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function fixturePackage(name: string, indexJs: string): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name, type: 'commonjs', exports: { '.': { default: './index.js' } } }),
    );
    fs.writeFileSync(path.join(dir, 'index.js'), indexJs);
    return dir;
  }

  it('sees the same named exports through import() for tsc-style CommonJS', () => {
    const dir = fixturePackage(
      'tsc-style',
      '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n' +
        'exports.b = exports.a = void 0;\nexports.a = 1;\nfunction b() {}\nexports.b = b;\n',
    );
    expect(requireKeys(dir, 'tsc-style')).toEqual(['a', 'b']);
    expect(importKeys(dir, 'tsc-style')).toEqual({ keys: ['a', 'b'], different: [], defaultIsCjs: true });
  });

  it('catches exports that cjs-module-lexer cannot see (ESM named imports would be missing)', () => {
    const dir = fixturePackage(
      'opaque',
      'const api = { a: 1, b: 2 };\nmodule.exports = Object.assign({}, api);\n',
    );
    expect(requireKeys(dir, 'opaque')).toEqual(['a', 'b']);
    expect(importKeys(dir, 'opaque').keys).toEqual([]);
  });

  it('lists bare runtime imports, ignoring builtins and relative paths', () => {
    const dist = path.join(tmp, 'dist');
    fs.mkdirSync(path.join(dist, 'sub'), { recursive: true });
    fs.writeFileSync(
      path.join(dist, 'sub', 'a.js'),
      'require("node:fs"); require("http"); require("./b"); require("@scope/pkg/deep"); import("lazy-dep");',
    );
    expect([...runtimeImports(dist).keys()].sort()).toEqual(['@scope/pkg', 'lazy-dep']);
  });
});
