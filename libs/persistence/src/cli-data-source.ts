// Data source for the TypeORM CLI (`npm run migration:generate`), which needs a database
// to diff the entities against.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set to generate migrations');

export default new DataSource(dataSourceOptions(url));
