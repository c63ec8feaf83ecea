import { Global, Module } from '@nestjs/common';
import { HubConfig, loadConfig } from './hub-config';

/** Injection token of the validated {@link HubConfig}. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** `config` is loaded (and validated) by the process entry point before Nest starts. */
  static forRoot(config: HubConfig = loadConfig()) {
    return {
      module: ConfigModule,
      providers: [{ provide: HUB_CONFIG, useValue: config }],
      exports: [HUB_CONFIG],
    };
  }
}
