import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type SessionLimits } from './data-source-options';
import { DatabaseUnavailableFilter } from './database-unavailable.filter';
import { runMigrationsLocked } from './migrate';

export interface PersistenceOptions {
  url: string;
  poolSize: number;
  migrateOnStart: boolean;
  /** The pool's acquire timeout and the sessions' statement timeout (unset: none). */
  limits?: SessionLimits;
}

/**
 * TypeORM on PostgreSQL, migrated (under a lock) before the app serves anything. A request whose
 * database work timed out answers 503 (DatabaseUnavailableFilter), not 500 or nothing.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(options.url, options.poolSize, options.limits),
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
      providers: [{ provide: APP_FILTER, useClass: DatabaseUnavailableFilter }],
    };
  }
}
