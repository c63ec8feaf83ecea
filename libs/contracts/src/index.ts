export { findSchemasDir, SchemaRegistry } from './schema-registry';
