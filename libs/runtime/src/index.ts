export { shutdownOnSignals } from './graceful-shutdown';
export type { ShutdownStep } from './graceful-shutdown';
