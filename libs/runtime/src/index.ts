export { shutdownOnSignals } from './graceful-shutdown';
export type { ShutdownStep } from './graceful-shutdown';
export { HubProcessModule } from './hub-process.module';
