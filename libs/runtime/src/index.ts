export { shutdownOnSignals } from './graceful-shutdown';
export type { ShutdownStep } from './graceful-shutdown';
export { HubProcessModule } from './hub-process.module';
export type { HubProcessOptions } from './hub-process.module';
export { assertPortFree, listenError, PortInUseError } from './listen-port';
export { exitOnStartFailure } from './start-failure';
