/**
 * The config's input type is derived from its schema (packages/config/src/slices), and the field
 * documentation lives on the schema's shapes. What a user's editor shows comes from the published
 * declaration files, where TypeScript copies an inferred type *without* the comments of another
 * file — so a shape spread or inlined across files silently loses its docs there. This walks
 * `OtelkitConfigInput` as a consumer sees it (packages/config/dist, built before the tests) and
 * requires documentation on every field, at every depth.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

jest.setTimeout(120_000);

const REPO = path.resolve(__dirname, '..');
const CONFIG_DIST = path.join(REPO, 'packages', 'config', 'dist', 'index');

/** Every field path under the type alias `Root` of `source`, and the ones without docs. */
function fieldDocs(source: string): { fields: string[]; undocumented: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otelkit-docs-'));
  const file = path.join(dir, 'root.ts');
  fs.writeFileSync(file, source);
  try {
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    });
    const checker = program.getTypeChecker();
    const sf = program.getSourceFile(file)!;
    const alias = sf.statements.find(
      (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'Root',
    )!;
    const fields: string[] = [];
    const undocumented: string[] = [];
    const seen = new Set<ts.Type>();
    const scalar =
      ts.TypeFlags.Undefined |
      ts.TypeFlags.Null |
      ts.TypeFlags.StringLike |
      ts.TypeFlags.NumberLike |
      ts.TypeFlags.BooleanLike;
    const walk = (t: ts.Type, at: string, depth: number): void => {
      if (depth > 10) return;
      for (const part of t.isUnion() ? t.types : [t]) {
        if (part.flags & scalar) continue;
        if (checker.isArrayType(part) || checker.isTupleType(part)) {
          for (const e of checker.getTypeArguments(part as ts.TypeReference)) walk(e, `${at}[]`, depth + 1);
          continue;
        }
        if (!(part.flags & ts.TypeFlags.Object) && !part.isIntersection()) continue;
        // a record (`headers`, `attributes`, `thresholds` by metric) has no fields of its own
        if (checker.getIndexInfosOfType(part).length > 0 || seen.has(part)) continue;
        seen.add(part);
        for (const prop of checker.getPropertiesOfType(part)) {
          // the tag of a tagged kind (`{ type: 'file', ... }`) is its name, documented by the kind
          if (prop.name === 'type') continue;
          const key = `${at}.${prop.name}`;
          fields.push(key);
          const text =
            ts.displayPartsToString(prop.getDocumentationComment(checker)) +
            prop
              .getJsDocTags(checker)
              .map((tag) => ts.displayPartsToString(tag.text))
              .join('');
          if (text.trim() === '') undocumented.push(key);
          walk(checker.getTypeOfSymbol(prop), key, depth + 1);
        }
      }
    };
    walk(checker.getTypeAtLocation(alias.name), 'config', 0);
    return { fields: [...new Set(fields)].sort(), undocumented: [...new Set(undocumented)].sort() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the config input type as published', () => {
  it('finds an undocumented field at any depth (the check can fail)', () => {
    const r = fieldDocs(
      [
        'type Root = {',
        '  /** doc */',
        '  a?: {',
        '    b?: number;',
        '    /** doc */',
        '    c?: Array<{ d: string }>;',
        '  };',
        '  e?: boolean;',
        '};',
      ].join('\n'),
    );
    expect(r.fields).toEqual(['config.a', 'config.a.b', 'config.a.c', 'config.a.c[].d', 'config.e']);
    expect(r.undocumented).toEqual(['config.a.b', 'config.a.c[].d', 'config.e']);
  });

  it('documents every field of OtelkitConfigInput, at every depth, in packages/config/dist', () => {
    expect(fs.existsSync(`${CONFIG_DIST}.d.ts`)).toBe(true);
    const r = fieldDocs(
      `import type { OtelkitConfigInput } from ${JSON.stringify(CONFIG_DIST)};\ntype Root = OtelkitConfigInput;\n`,
    );
    // not vacuous: the walk reaches the nested shapes (OTLP options of a log output, a pool's watch list)
    expect(r.fields.length).toBeGreaterThan(250);
    expect(r.fields).toEqual(
      expect.arrayContaining([
        'config.logging.outputs[].endpoint',
        'config.metrics.exporters[].temporality',
        'config.pools.anomalyDetection.watch[].trainingPeriod',
        'config.alerts.webhooks[].maxRetries',
        'config.dashboard.buffer.slowMillis',
      ]),
    );
    expect(r.undocumented).toEqual([]);
  });
});
