export { findRepoFolder, findSchemasDir, SchemaRegistry } from './schema-registry';
export { loadCheckedFiles } from './checked-files';
