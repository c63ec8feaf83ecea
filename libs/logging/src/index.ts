export { LoggingModule } from './logging.module';
export { Logger } from 'nestjs-pino';
