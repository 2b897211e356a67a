/**
 * Keeps the structure of the packages clean (docs/ARCHITECTURE.md, "Layout and build"):
 *
 * - no import cycle inside any package. Cycles between packages already fail the build (tsc
 *   project references); this finds the ones between the files of one package, which nothing else
 *   does. Every edge counts: `import`, `import type`, `export … from`, `import x = require()`,
 *   dynamic `import()`, `require()` and `import('…')` types, because a type-only loop is still a
 *   loop in the design (two modules that cannot be understood one without the other).
 * - every public entry point (each `exports` target of the package, `src/index.ts` first) names
 *   what it exports: no `export *` / `export type *`, and nothing re-exported from an `internal/`
 *   folder or an `internal-*` file.
 * - what `src/types.ts` declares is exported from `src/index.ts` (the index names its types one by
 *   one now, so a type added to types.ts would otherwise stay private by accident).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const REPO = path.resolve(__dirname, '..');
const PACKAGES_DIR = path.join(REPO, 'packages');

/** Every `.ts` file (not `.d.ts`) under `dir`, absolute paths, sorted. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(c|m)?tsx?$/.test(entry.name) && !/\.d\.(c|m)?ts$/.test(entry.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TS,
  );
}

/** Every module specifier `file` refers to, of any kind of import or re-export. */
function moduleSpecifiers(sf: ts.SourceFile): string[] {
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      literal(node.moduleReference.expression);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire =
        (ts.isIdentifier(callee) && callee.text === 'require') ||
        (ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          callee.expression.text === 'require' &&
          callee.name.text === 'resolve');
      if ((isImport || isRequire) && node.arguments.length > 0) literal(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      literal(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

/** The file a relative specifier names (TypeScript's rules: extension optional, `.js` for `.ts`, folder index). */
function resolveRelative(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base];
  const js = /\.(c|m)?jsx?$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    candidates.push(...EXTENSIONS.map((e) => stem + e));
  }
  candidates.push(...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`)));
  return candidates.find((c) => known.has(c));
}

/** The import graph of the files under `srcDir`: file → files it imports (relative imports only). */
function importGraph(srcDir: string): Map<string, string[]> {
  const files = sourceFiles(srcDir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of moduleSpecifiers(parse(file))) {
      if (!spec.startsWith('.')) continue;
      const target = resolveRelative(file, spec, known);
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

interface Cycle {
  /** One concrete loop, closed: `[a, b, a]`. */
  readonly chain: string[];
  /** Every file of its strongly connected component (each one is on some loop), sorted. */
  readonly files: string[];
}

/** Strongly connected components with a cycle in them (Tarjan), each with one concrete loop. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): Cycle[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  // Iterative, so a long chain of imports cannot overflow the stack.
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; edge: number }> = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++];
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && (graph.get(member) ?? []).includes(member);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((c) => ({ chain: chainThrough(graph, new Set(c)), files: [...c].sort() }));
}

/** One concrete cycle inside a component: the shortest way from its first file back to itself. */
function chainThrough(
  graph: ReadonlyMap<string, readonly string[]>,
  component: ReadonlySet<string>,
): string[] {
  const start = [...component].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!component.has(to)) continue;
      if (to === start) {
        const chain = [start];
        for (let n = node; n !== start; n = cameFrom.get(n)!) chain.unshift(n);
        chain.unshift(start);
        return chain;
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

const packages = fs
  .readdirSync(PACKAGES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(PACKAGES_DIR, d.name, 'src')))
  .map((d) => ({ name: d.name, dir: path.join(PACKAGES_DIR, d.name) }));

/** The source file of each public entry point: `src/index.ts` and every `exports` target. */
function entryPoints(dir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const targets = new Set<string>([path.join(dir, 'src', 'index.ts')]);
  for (const [key, value] of Object.entries((pkg.exports ?? {}) as Record<string, unknown>)) {
    if (key === './package.json') continue;
    const built = typeof value === 'string' ? value : (value as { default?: string }).default;
    const m = built ? /^\.\/dist\/(.+)\.js$/.exec(built) : null;
    if (m) targets.add(path.join(dir, 'src', `${m[1]}.ts`));
  }
  return [...targets].filter((f) => fs.existsSync(f));
}

/** What is wrong with the re-exports of one entry point, one line each. */
function entryPointProblems(file: string): string[] {
  const sf = parse(file);
  const rel = path.relative(REPO, file);
  const problems: string[] = [];
  for (const statement of sf.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
    const from = (statement.moduleSpecifier as ts.StringLiteral).text;
    const line = sf.getLineAndCharacterOfPosition(statement.getStart(sf)).line + 1;
    const clause = statement.exportClause;
    if (clause === undefined || ts.isNamespaceExport(clause))
      problems.push(`${rel}:${line}: \`${statement.getText(sf)}\` — name what is public instead`);
    if (from.startsWith('.') && /(^|\/)internal(\/|-|$)/.test(from))
      problems.push(`${rel}:${line}: re-exports from ${from}, an internal module`);
  }
  return problems;
}

/**
 * Names a module exports by name: its exported declarations and export lists (not `export *`);
 * with `ownOnly`, what it re-exports from another module (`export … from`, or an imported name in
 * an export list) is left out.
 */
function exportedNames(sf: ts.SourceFile, ownOnly = false): string[] {
  const names: string[] = [];
  const imported = new Set<string>();
  for (const st of sf.statements) {
    const clause = ts.isImportDeclaration(st) ? st.importClause : undefined;
    if (clause?.name) imported.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) imported.add(bindings.name.text);
    else if (bindings) for (const e of bindings.elements) imported.add(e.name.text);
  }
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      if (ownOnly && st.moduleSpecifier) continue;
      for (const e of st.exportClause.elements)
        if (!(ownOnly && imported.has((e.propertyName ?? e.name).text))) names.push(e.name.text);
    }
    const exported =
      ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if (
      (ts.isInterfaceDeclaration(st) ||
        ts.isTypeAliasDeclaration(st) ||
        ts.isClassDeclaration(st) ||
        ts.isFunctionDeclaration(st) ||
        ts.isEnumDeclaration(st)) &&
      st.name
    ) {
      names.push(st.name.text);
    }
  }
  return [...new Set(names)].sort();
}

function show(cycles: readonly Cycle[], root: string): string {
  const rel = (f: string) => path.relative(root, f);
  return cycles
    .map(({ chain, files }) => {
      const loop = chain.map(rel).join(' -> ');
      return files.length > chain.length - 1
        ? `${loop}\n  (one of the loops among: ${files.map(rel).join(', ')})`
        : loop;
    })
    .join('\n');
}

describe('the cycle detector', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-structure-'));
    const write = (name: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    };
    // a <-> b through a type-only import; c -> d -> (dynamic import) e -> (require) c; f alone; g imports itself.
    write('a.ts', "import type { B } from './b';\nexport const a = (b: B) => b;\n");
    write('b.ts', "import { a } from './a';\nexport type B = ReturnType<typeof a>;\n");
    write('c.ts', "export { d } from './sub';\n");
    write('sub/index.ts', "export const d = () => import('../e.js');\n");
    write('e.ts', "export const e = () => require('./c');\n");
    write(
      'f.ts',
      "import { a } from './a';\nimport { join } from 'node:path';\nexport const f = [a, join];\n",
    );
    write('g.ts', "export type G = import('./g').H;\nexport type H = string;\n");
    write('h.ts', "import type { G } from './g';\nexport type Hh = G;\n");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('collects every kind of import and re-export', () => {
    const sf = ts.createSourceFile(
      'x.ts',
      [
        "import a from './a';",
        "import type { B } from './b';",
        "import './c';",
        "export * from './d';",
        "export type { E } from './e';",
        "import f = require('./f');",
        "const g = import('./g');",
        "const h = require('./h');",
        "type I = import('./i').I;",
        "const j = require.resolve('./j');",
      ].join('\n'),
      ts.ScriptTarget.Latest,
      true,
    );
    expect(moduleSpecifiers(sf)).toEqual([
      './a',
      './b',
      './c',
      './d',
      './e',
      './f',
      './g',
      './h',
      './i',
      './j',
    ]);
  });

  it('finds a cycle, a longer cycle through a folder index, and an import of itself, and nothing else', () => {
    const cycles = findCycles(importGraph(dir)).map((c) => c.chain.map((f) => path.relative(dir, f)));
    expect(cycles.sort()).toEqual(
      [
        ['a.ts', 'b.ts', 'a.ts'],
        ['c.ts', path.join('sub', 'index.ts'), 'e.ts', 'c.ts'],
        ['g.ts', 'g.ts'],
      ].sort(),
    );
  });
});

describe.each(packages)('packages/$name', ({ dir }) => {
  it('has no import cycle between its source files (import type included)', () => {
    const src = path.join(dir, 'src');
    // Each cycle is printed as a chain of files: `a.ts -> b.ts -> a.ts`.
    expect(show(findCycles(importGraph(src)), src)).toBe('');
  });

  it('names every export of its public entry points, none from internal modules', () => {
    const entries = entryPoints(dir);
    expect(entries).toContain(path.join(dir, 'src', 'index.ts'));
    expect(entries.flatMap(entryPointProblems)).toEqual([]);
  });

  // src/types.ts holds the public option and data types; with the index naming its exports one by
  // one, a type added there must be added to the index too. (Types it re-exports from another
  // package, as resource-monitor's does from config, have their home there.)
  it('exports from src/index.ts everything src/types.ts exports', () => {
    const types = path.join(dir, 'src', 'types.ts');
    if (!fs.existsSync(types)) return;
    const index = new Set(exportedNames(parse(path.join(dir, 'src', 'index.ts'))));
    expect(exportedNames(parse(types), true).filter((n) => !index.has(n))).toEqual([]);
  });
});

// The config's input types are derived from its schema (packages/config/src/slices/*.ts, fields/):
// `export type TracingInput = InputOf<typeof tracingSchema>`. A hand-written `interface XInput` or
// object type beside the schema is how the two drifted before (a key parsed and not typed, a type
// the parser refused), so every exported `…Input` there must be a reference to InputOf / ObjInput
// (or a re-export). fields/input-types.ts holds the scalar input types the schema nodes declare.
describe('config input types', () => {
  const configSrc = path.join(PACKAGES_DIR, 'config', 'src');
  const files = [
    ...sourceFiles(path.join(configSrc, 'slices')),
    ...sourceFiles(path.join(configSrc, 'fields')).filter((f) => !f.endsWith('input-types.ts')),
    path.join(configSrc, 'types.ts'),
  ];

  /** `Name: what it is` for every exported `…Input` declaration that is not derived from a schema. */
  function handWrittenInputs(sf: ts.SourceFile): string[] {
    const out: string[] = [];
    const exported = (n: ts.Node) =>
      ts.canHaveModifiers(n) &&
      (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st) && /Input$/.test(st.name.text) && exported(st))
        out.push(`${st.name.text}: an interface`);
      // generic aliases (ObjInput<S>, TaggedInput<V>) are the derivation itself
      if (
        ts.isTypeAliasDeclaration(st) &&
        /Input$/.test(st.name.text) &&
        exported(st) &&
        !st.typeParameters
      ) {
        // a reference to InputOf / ObjInput, or a union / intersection of such references
        const isDerived = (t: ts.TypeNode): boolean =>
          ts.isUnionTypeNode(t) || ts.isIntersectionTypeNode(t)
            ? t.types.every(isDerived)
            : ts.isTypeReferenceNode(t) &&
              ts.isIdentifier(t.typeName) &&
              ['InputOf', 'ObjInput'].includes(t.typeName.text);
        const t = st.type;
        const derived = isDerived(t);
        if (!derived) out.push(`${st.name.text}: ${t.getText(sf).slice(0, 60)}`);
      }
    }
    return out;
  }

  it('finds a hand-written input type (the check can fail)', () => {
    const sf = ts.createSourceFile(
      'x.ts',
      'export interface AInput { a?: string }\nexport type BInput = { b?: number };\nexport type CInput = InputOf<typeof cSchema>;\ntype DInput = { d: 1 };\nexport type EInput<S> = { [K in keyof S]?: S[K] };\nexport type FInput = InputOf<typeof f> & InputOf<typeof g>;\nexport type GInput = InputOf<typeof g> | { g: 1 };',
      ts.ScriptTarget.Latest,
      true,
    );
    expect(handWrittenInputs(sf)).toEqual([
      'AInput: an interface',
      'BInput: { b?: number }',
      'GInput: InputOf<typeof g> | { g: 1 }',
    ]);
  });

  it('derives every exported …Input of the config from the schema', () => {
    const problems = files.flatMap((f) =>
      handWrittenInputs(parse(f)).map((p) => `${path.relative(configSrc, f)}: ${p}`),
    );
    expect(problems).toEqual([]);
    // and the slices do export them (the check is not vacuous)
    const derived = files.flatMap((f) =>
      parse(f)
        .statements.filter(ts.isTypeAliasDeclaration)
        .map((s) => s.name.text)
        .filter((n) => /Input$/.test(n)),
    );
    expect(derived).toEqual(
      expect.arrayContaining([
        'ServiceInput',
        'TracingInput',
        'MetricsInput',
        'LoggingInput',
        'ResourcesInput',
        'AlertsInput',
        'HealthInput',
        'ShutdownInput',
        'InstrumentationsInput',
        'DiagnosticsInput',
        'PoolsInput',
        'MonitoringInput',
        'DashboardInput',
        'OtelkitConfigInput',
      ]),
    );
  });
});
