import { EventEmitter, errorMonitor } from 'node:events';

/** An object with `on` / `removeListener` (a Node EventEmitter, or one that looks like it). */
export interface ErrorEmitter {
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeListener(event: 'error', listener: (err: unknown) => void): unknown;
}

/**
 * Calls `listener` on each `error` event of `emitter` without handling it, and returns the undo.
 * An ordinary `'error'` listener would handle the error: a pool or connection whose app never
 * listened for errors would swallow them silently instead of throwing them as it does unwatched.
 * Node EventEmitters get the listener on `events.errorMonitor`, which sees each error first and
 * leaves its handling as it was; other emitters (which do not throw unhandled errors) on `'error'`.
 */
export function watchErrors(emitter: ErrorEmitter, listener: (err: unknown) => void): () => void {
  const e = emitter as unknown as {
    on(event: string | symbol, l: (err: unknown) => void): unknown;
    removeListener(event: string | symbol, l: (err: unknown) => void): unknown;
  };
  const event = emitter instanceof EventEmitter ? errorMonitor : 'error';
  e.on(event, listener);
  return () => {
    e.removeListener(event, listener);
  };
}
