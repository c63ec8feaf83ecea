export { ConfigModule, HUB_CONFIG } from './config.module';
export { environmentVariableNames, LOG_FORMATS } from './environment';
export {
  CHANGES_TOPIC,
  ConfigError,
  loadConfig,
  loadConfigOrExit,
  requireKafka,
} from './hub-config';
export type { DatabaseConfig, HubConfig, KafkaConfig } from './hub-config';
