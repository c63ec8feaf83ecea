export { findRepoFolder, findSchemasDir, SchemaRegistry } from './schema-registry';
