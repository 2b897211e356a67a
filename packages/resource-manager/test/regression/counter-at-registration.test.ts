import { ResourceManager, type ResourceRegistration, ResourceTypeMonitor } from '../../src/index';

// Bug: onRegister ran before the resource was stored, so values reported from it (the error
// counters every built-in kind starts at 0) were silently dropped until the first error.
describe('regression: values reported from onRegister', () => {
  it('are kept, and a kind rejecting the resource leaves nothing registered', () => {
    const manager = new ResourceManager();
    class K extends ResourceTypeMonitor<{ ok: boolean }> {
      constructor(m: ResourceManager) {
        super(m, { resourceType: 'k' });
      }
      setupMetrics() {
        this.addMetric({ name: 'errors', type: 'counter' });
      }
      override onRegister(r: ResourceRegistration<{ ok: boolean }>) {
        this.incrementMetric('errors', 0, undefined, r);
        if (!r.resource.ok) throw new Error('k resources need ok: true');
      }
      collectMetrics() {}
    }
    manager.registerTypeMonitor(new K(manager));
    manager.register({ id: 'good', type: 'k', resource: { ok: true } });
    expect(manager.getValue('good', 'errors')).toBe(0);
    expect(() => manager.register({ id: 'bad', type: 'k', resource: { ok: false } })).toThrow(
      /need ok: true/,
    );
    expect(manager.getResource('bad')).toBeUndefined();
    expect(manager.getValues({ resourceId: 'bad' })).toEqual([]);
  });
});
