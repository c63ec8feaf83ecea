export * from './entities';
export { ENTITY_TYPES } from './entity-type';
export type { EntityType } from './entity-type';
export * from './source-keys';
