// No Docker or Kubernetes on the CI machine: these checks keep the deployment files honest
// (parseable, wired to the real entry points, probes and resources set) without running them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { POSTGRES_WRITE_HEAVY_SETTINGS } from '@hub/persistence';
import { REPO_ROOT } from '../support/app-process';

interface K8sObject {
  kind: string;
  metadata: { name: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are checked by assertions
  spec?: any;
}

const k8sDir = join(REPO_ROOT, 'deploy/k8s');
const objects: K8sObject[] = readdirSync(k8sDir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(k8sDir, f), 'utf8')).map((d) => d.toJS() as K8sObject),
  );
const find = (kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('deployment files', () => {
  it.each(['hub-api', 'hub-ingest', 'hub-relay'])(
    'Deployment %s runs a built entry point with probes and resource requests',
    (name) => {
      const container = find('Deployment', name)?.spec.template.spec.containers[0];
      const entry = container.command.at(-1) as string;
      expect(existsSync(join(REPO_ROOT, entry))).toBe(true); // built by `npm run build` before the tests
      expect(container.livenessProbe.httpGet.path).toBe('/health');
      expect(container.readinessProbe.httpGet.path).toBe('/ready');
      expect(container.resources.requests).toEqual(
        expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
      );
      expect(container.envFrom.map((e: object) => Object.keys(e)[0])).toEqual([
        'configMapRef',
        'secretRef',
      ]);
    },
  );

  it('has a Service, PodDisruptionBudgets, an HPA for the API, a ConfigMap and a Secret placeholder', () => {
    expect(find('Service', 'hub-api')).toBeDefined();
    expect(find('PodDisruptionBudget', 'hub-api')).toBeDefined();
    expect(find('PodDisruptionBudget', 'hub-ingest')).toBeDefined();
    expect(find('PodDisruptionBudget', 'hub-relay')).toBeDefined();
    expect(find('HorizontalPodAutoscaler', 'hub-api')?.spec.scaleTargetRef.name).toBe('hub-api');
    expect(find('ConfigMap', 'hub-config')).toBeDefined();
    expect(find('Secret', 'hub-secrets')).toBeDefined();
  });

  it('lists every manifest in the kustomization', () => {
    const kustomization = parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    const files = readdirSync(k8sDir).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('composes Kafka (KRaft), PostgreSQL and the three apps, the relay apart from ingest', () => {
    const compose = parse(readFileSync(join(REPO_ROOT, 'deploy/docker-compose.yml'), 'utf8'), {
      merge: true,
    });
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'ingest',
      'kafka',
      'postgres',
      'relay',
    ]);
    expect(compose.services.ingest.environment.HUB_CHANGE_RELAY).toBe('false');
    expect(compose.services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.api.environment.KAFKA_BROKERS).toBe('kafka:9092');
  });

  it('runs PostgreSQL with the write-heavy settings the benchmark measures with', () => {
    const compose = parse(readFileSync(join(REPO_ROOT, 'deploy/docker-compose.yml'), 'utf8'), {
      merge: true,
    });
    const command = compose.services.postgres.command as string[];
    const settings = Object.fromEntries(
      command
        .filter((_, i) => command[i - 1] === '-c')
        .map((kv) => kv.split('=') as [string, string]),
    );
    expect(settings).toEqual(POSTGRES_WRITE_HEAVY_SETTINGS);
  });

  it('builds a multi-stage image that runs as a non-root user', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/api\/apps\/api\/src\/main\.js"\]$/m);
  });
});
