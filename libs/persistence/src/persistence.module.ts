import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsLocked } from './migrate';

export interface PersistenceOptions {
  url: string;
  poolSize: number;
  migrateOnStart: boolean;
}

/** TypeORM on PostgreSQL, migrated (under a lock) before the app serves anything. */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(options.url, options.poolSize),
            // A process that cannot reach its database exits and is restarted by its supervisor.
            retryAttempts: 2,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (dsOptions) => {
            const dataSource = await new DataSource(dsOptions!).initialize();
            if (options.migrateOnStart) await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}
