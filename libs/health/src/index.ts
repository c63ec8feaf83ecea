export { CONSUMER_LIVENESS, consumerLiveness } from './consumer-liveness';
export type {
  ConsumerLiveness,
  ConsumerLivenessOptions,
  ConsumerProgress,
  ConsumerProgressSource,
} from './consumer-liveness';
export { ConsumerLivenessModule, HealthModule } from './health.module';
export type { HealthOptions } from './health.module';
