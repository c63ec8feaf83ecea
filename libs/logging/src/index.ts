export { LoggingModule } from './logging.module';
export { serializeError } from './error-serializer';
export { Logger } from 'nestjs-pino';
