import type { ValidateFunction } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder, findSchemasDir, SchemaRegistry } from '@hub/contracts';
import type { FeedMapping } from './mapping/feed-mapping';

export interface CatalogFeed {
  mapping: FeedMapping;
  /** The feed's schema, reporting every error. */
  validate: ValidateFunction;
  /** The same, stopping at the first error (for large messages: see prepareRecord). */
  validateFirstError?: ValidateFunction;
}

/**
 * Every department feed the hub takes: one mapping file each (mappings/*.json, checked against
 * schemas/mapping.schema.json) naming its topic and its JSON Schema. A new department is a
 * schema file plus a mapping file; nothing here or in the pipeline changes.
 */
export class FeedCatalog {
  private readonly byName = new Map<string, CatalogFeed>();
  private readonly byTopicName = new Map<string, CatalogFeed>();

  constructor(
    readonly schemas: SchemaRegistry = new SchemaRegistry(),
    mappingDirs: string[] = [findRepoFolder('mappings')],
    /** Put before every mapped topic name (KAFKA_TOPIC_PREFIX). */
    private readonly topicPrefix = '',
  ) {
    const validateMapping = schemas.validator<FeedMapping>('mapping.schema.json');
    for (const dir of mappingDirs) {
      for (const file of readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const mapping = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
        if (!validateMapping(mapping)) {
          throw new Error(
            `mapping ${file} is invalid: ${schemas.describe(validateMapping.errors)}`,
          );
        }
        this.add(mapping, file);
      }
    }
  }

  /** The repository's feeds plus those in extra folders (each with schemas/ and mappings/). */
  static withExtraDirs(dirs: string[], topicPrefix = ''): FeedCatalog {
    return new FeedCatalog(
      new SchemaRegistry([findSchemasDir(), ...dirs.map((d) => join(d, 'schemas'))]),
      [findRepoFolder('mappings'), ...dirs.map((d) => join(d, 'mappings'))],
      topicPrefix,
    );
  }

  /** The catalogue a process configured by `config` uses. */
  static forConfig(config: { ingest: { feedDirs: string[]; topicPrefix: string } }): FeedCatalog {
    return FeedCatalog.withExtraDirs(config.ingest.feedDirs, config.ingest.topicPrefix);
  }

  private add(mapping: FeedMapping, file: string) {
    if (this.byName.has(mapping.feed))
      throw new Error(`mapping ${file}: feed ${mapping.feed} is defined twice`);
    const topic = `${this.topicPrefix}${mapping.topic}`;
    if (this.byTopicName.has(topic)) throw new Error(`mapping ${file}: topic ${topic} is taken`);
    for (const type of mapping.recordTypes) {
      const ids = new Set(type.mentions.map((m) => m.id));
      for (const relation of type.relations ?? []) {
        for (const ref of [relation.from, relation.to]) {
          if (ref !== undefined && !ids.has(ref)) {
            throw new Error(
              `mapping ${file}: relation ${relation.type} names unknown mention ${ref}`,
            );
          }
        }
      }
    }
    const feed = {
      mapping,
      validate: this.schemas.validator(mapping.schema),
      validateFirstError: this.schemas.firstErrorValidator(mapping.schema),
    };
    this.byName.set(mapping.feed, feed);
    this.byTopicName.set(topic, feed);
  }

  get feeds(): CatalogFeed[] {
    return [...this.byName.values()];
  }

  get topics(): string[] {
    return [...this.byTopicName.keys()];
  }

  feed(name: string): CatalogFeed | undefined {
    return this.byName.get(name);
  }

  feedOfTopic(topic: string): CatalogFeed | undefined {
    return this.byTopicName.get(topic);
  }
}
