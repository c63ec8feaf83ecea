import { ConfigError, loadConfig, requireKafka } from './hub-config';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('./data');
    expect(config.database.url).toBeUndefined();
    expect(config.kafka).toBeUndefined();
    expect(config.demo).toBe(true);
  });

  it('reads DATABASE_URL and turns the demo off unless asked', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(loadConfig({ DATABASE_URL: url }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: url, HUB_DEMO: '1' }).demo).toBe(true);
  });

  it('splits KAFKA_BROKERS', () => {
    const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092,10.0.0.2:9093' });
    expect(requireKafka(config).brokers).toEqual(['127.0.0.1:9092', '10.0.0.2:9093']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['KAFKA_BROKERS', 'no-port'],
    ['LOG_LEVEL', 'loud'],
    ['HUB_DEMO', 'maybe'],
  ])('rejects malformed %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('bounds database work and the ingest consumer by default; 0 lifts a database limit', () => {
    expect(loadConfig({}).database).toMatchObject({
      acquireTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
    });
    expect(loadConfig({}).ingest.stallSeconds).toBe(300);
    expect(
      loadConfig({ HUB_DB_ACQUIRE_TIMEOUT_MS: '0', HUB_DB_STATEMENT_TIMEOUT_MS: '0' }).database,
    ).toMatchObject({ acquireTimeoutMs: 0, statementTimeoutMs: 0 });
    for (const [name, value] of [
      ['HUB_DB_ACQUIRE_TIMEOUT_MS', '-1'],
      ['HUB_DB_STATEMENT_TIMEOUT_MS', '30s'],
      ['HUB_INGEST_STALL_SECONDS', '0'],
    ])
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', KAFKA_BROKERS: ' ' }).port).toBe(3000);
  });

  it('requires Kafka where a process needs it', () => {
    expect(() => requireKafka(loadConfig({}))).toThrow(/KAFKA_BROKERS/);
  });
});
