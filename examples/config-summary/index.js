#!/usr/bin/env node
// Loads otelkit.yaml (or the file named by OTELKIT_CONFIG / the first argument), applies the
// OTEL_* environment, and prints the startup summary — or every config problem at once.
const { join } = require('node:path');
const { ConfigError, formatSummary, loadConfig } = require('@otelkit/config');

const file = process.argv[2] ?? process.env.OTELKIT_CONFIG ?? join(__dirname, 'otelkit.yaml');
try {
  const config = loadConfig({ file });
  console.log(formatSummary(config));
  console.log(`\nconfig: ${file}`);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
