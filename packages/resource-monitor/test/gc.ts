import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs full garbage collections until `done()` holds (bounded). jest has no `--expose-gc`, so the
 * flag is set at run time and `gc` read from a fresh context (where V8 installs it).
 */
export async function collectGarbageUntil(done: () => boolean, attempts = 20): Promise<void> {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < attempts && !done(); i++) {
    // Let pending jobs drop their references, collect, then let FinalizationRegistry callbacks run.
    await new Promise((r) => setImmediate(r));
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!done()) throw new Error(`not collected after ${attempts} full GCs`);
}
