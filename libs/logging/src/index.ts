export { LoggingModule } from './logging.module';
export { createProcessLogger } from './log-output';
export { serializeError } from './error-serializer';
export { redactPersonalData, redactPersonalDataDeep, redactRequest } from './redact';
export { Logger } from 'nestjs-pino';
