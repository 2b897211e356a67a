import {
  CLOUD_RESOURCE_DETECTOR_NAMES,
  DEFAULT_RESOURCE_DETECTORS,
  LOCAL_RESOURCE_DETECTOR_NAMES,
  loadConfig,
} from '@otelkit/config';
import { configErrorOf } from '../config-error-of';

const LOCAL = ['host', 'os', 'process', 'serviceinstance', 'container'];

const load = (service: object, env: Record<string, string> = {}) =>
  loadConfig({ config: { service } as never, env, file: false });

function fromEnv(value: string) {
  const warnings: Array<{ path: string; message: string }> = [];
  const config = loadConfig({
    env: { OTEL_NODE_RESOURCE_DETECTORS: value },
    file: false,
    onWarning: ({ path, message }) => warnings.push({ path, message }),
  });
  return { detectors: config.service.detectors, warnings };
}

describe('service.detectors', () => {
  it("the default and 'all' are the local detectors: no cloud detector unless named", () => {
    expect(DEFAULT_RESOURCE_DETECTORS).toEqual(LOCAL);
    expect(LOCAL_RESOURCE_DETECTOR_NAMES).toEqual(LOCAL);
    expect(CLOUD_RESOURCE_DETECTOR_NAMES).toEqual(['alibaba', 'aws', 'azure', 'gcp']);
    expect(load({}).service.detectors).toEqual(LOCAL);
    expect(load({ detectors: 'all' }).service.detectors).toEqual(LOCAL);
    expect(load({ detectors: true }).service.detectors).toEqual(LOCAL);
    expect(load({ detectors: ['all'] }).service.detectors).toEqual(LOCAL);
    for (const cloud of CLOUD_RESOURCE_DETECTOR_NAMES) {
      expect(load({ detectors: 'all' }).service.detectors).not.toContain(cloud);
    }
  });

  it('a cloud detector named explicitly is accepted, in the order given, next to the local ones', () => {
    expect(load({ detectors: ['env', 'host', 'aws'] }).service.detectors).toEqual(['host', 'aws']);
    expect(load({ detectors: ['gcp'] }).service.detectors).toEqual(['gcp']);
    expect(load({ detectors: ['AZURE', ' alibaba ', 'azure'] }).service.detectors).toEqual([
      'azure',
      'alibaba',
    ]);
    // 'all' plus clouds: every local detector and those clouds
    expect(load({ detectors: ['all', 'gcp'] }).service.detectors).toEqual([...LOCAL, 'gcp']);
    expect(load({ detectors: 'none' }).service.detectors).toEqual([]);
    expect(load({ detectors: false }).service.detectors).toEqual([]);
    expect(load({ detectors: ['none', 'aws'] }).service.detectors).toEqual([]);
  });

  it('an unknown name is a ConfigError naming the field and every allowed value', () => {
    const err = configErrorOf(() => load({ detectors: ['host', 'ec2'] }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.path).toBe('service.detectors');
    expect(err.issues[0]!.message).toContain(
      'env|host|os|process|serviceinstance|container|alibaba|aws|azure|gcp',
    );
    expect(err.issues[0]!.message).toContain('"ec2" is not one');
    expect(err.issues[0]!.message).toContain("'all' is the local ones");
    expect(configErrorOf(() => load({ detectors: 42 })).issues[0]!.path).toBe('service.detectors');
  });

  it('detectionTimeoutMillis: 2000 by default, a duration or milliseconds, checked', () => {
    expect(load({}).service.detectionTimeoutMillis).toBe(2000);
    expect(load({ detectionTimeoutMillis: '1s' }).service.detectionTimeoutMillis).toBe(1000);
    expect(load({ detectionTimeoutMillis: 750 }).service.detectionTimeoutMillis).toBe(750);
    expect(configErrorOf(() => load({ detectionTimeoutMillis: 'soon' })).issues[0]!.path).toBe(
      'service.detectionTimeoutMillis',
    );
  });
});

describe('OTEL_NODE_RESOURCE_DETECTORS', () => {
  it('a cloud name opts that detector in; all stays local', () => {
    expect(fromEnv('aws')).toEqual({ detectors: ['aws'], warnings: [] });
    expect(fromEnv('env,host,gcp')).toEqual({ detectors: ['host', 'gcp'], warnings: [] });
    expect(fromEnv('all')).toEqual({ detectors: LOCAL, warnings: [] });
    expect(fromEnv('all,azure')).toEqual({ detectors: [...LOCAL, 'azure'], warnings: [] });
    expect(fromEnv('none')).toEqual({ detectors: [], warnings: [] });
  });

  it('lenient per name: an unknown one is a warning naming the variable and is ignored, the rest kept', () => {
    const { detectors, warnings } = fromEnv('host,ec2,aws');
    expect(detectors).toEqual(['host', 'aws']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.path).toBe('OTEL_NODE_RESOURCE_DETECTORS');
    expect(warnings[0]!.message).toMatch(/"ec2" is not one/);
    expect(warnings[0]!.message).toContain('alibaba|aws|azure|gcp');
  });
});
