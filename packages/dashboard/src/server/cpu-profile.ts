/**
 * The one action: an on-demand CPU profile of this process (V8's sampling profiler through
 * `node:inspector`), returned as a `.cpuprofile` file that Chrome DevTools opens. One at a time,
 * and at most one start per `minIntervalMillis`.
 */
import { Session } from 'node:inspector';

export class CpuProfiler {
  private _running = false;
  private _lastStart = 0;

  constructor(private readonly _minIntervalMillis = 10_000) {}

  /** Why a profile cannot start now, or `undefined` when it can. */
  refusal(now = Date.now()): string | undefined {
    if (this._running) return 'a profile is already running';
    if (now - this._lastStart < this._minIntervalMillis)
      return `one profile per ${this._minIntervalMillis / 1000} s; try again in ${Math.ceil((this._minIntervalMillis - (now - this._lastStart)) / 1000)} s`;
    return undefined;
  }

  /** Profiles for `millis` (100..30 000) and resolves with the profile's JSON. */
  async profile(millis: number): Promise<string> {
    const refused = this.refusal();
    if (refused !== undefined) throw new Error(refused);
    this._running = true;
    this._lastStart = Date.now();
    const session = new Session();
    const post = <T>(method: string, params?: object) =>
      new Promise<T>((resolve, reject) =>
        session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))),
      );
    try {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 1000 });
      await post('Profiler.start');
      await new Promise((r) => setTimeout(r, Math.min(Math.max(millis, 100), 30_000)));
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      return JSON.stringify(profile);
    } finally {
      try {
        session.disconnect();
      } catch {
        // already gone
      }
      this._running = false;
    }
  }
}
