/**
 * Live heap of this process, after a full garbage collection: what is still reachable, not what
 * happens to be allocated. For the fault suite's "memory under a ceiling": measure before a fault
 * scenario and while it is still running (the outputs/exporters alive, the fault still on), and
 * assert the difference. jest reuses a worker across files, so an absolute heap figure says
 * little about one scenario; a difference taken inside one test does.
 *
 * `gc` comes from `--expose-gc`, turned on at run time (V8 accepts the flag late; the function is
 * then reachable from a fresh context), so the suite needs no node option of its own.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes reachable on the V8 heap plus ArrayBuffers (socket and zlib buffers), after full GCs. */
export async function liveHeapBytes(): Promise<number> {
  // two rounds with a turn of the event loop between: weak callbacks and finalizers run in between
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export const MiB = 1024 * 1024;
