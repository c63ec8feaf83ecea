import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { HubConfig } from '@hub/config';

export type LogFormat = NonNullable<HubConfig['logFormat']>;

/** LOG_FORMAT when set; else pretty for a person at a terminal, JSON for log collectors. */
export function chooseLogFormat(
  asked: LogFormat | undefined,
  stdoutIsTerminal: boolean,
): LogFormat {
  return asked ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

/**
 * Nest's start-up chatter: a line per module initialised and per route mapped, some 80 for the
 * API. Moved to debug so that the process's own start line (where to open it, what it consumes)
 * is what a person sees at info.
 */
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

type LogMethodHook = NonNullable<NonNullable<LoggerOptions['hooks']>['logMethod']>;

/** A pino `logMethod` hook that writes Nest's start-up lines at debug instead of info. */
export const startUpChatterAtDebug: LogMethodHook = function (args, method, level) {
  const first: unknown = args[0];
  const context =
    typeof first === 'object' && first !== null
      ? (first as { context?: unknown }).context
      : undefined;
  if (
    level === pino.levels.values.info &&
    typeof context === 'string' &&
    START_UP_CONTEXTS.has(context)
  ) {
    this.debug(...args);
    return;
  }
  method.apply(this, args);
};

type PrettyFactory = (typeof PinoPretty)['prettyFactory'];

/**
 * pino-pretty's formatter, or undefined where it is not installed: it is a devDependency, and the
 * production image (deploy/Dockerfile) prunes those.
 */
function loadPrettyFactory(): PrettyFactory | undefined {
  try {
    return (createRequire(__filename)('pino-pretty') as typeof PinoPretty).prettyFactory;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

export interface LogOutput {
  format: LogFormat;
  /** Where pino writes; undefined: pino's own JSON destination (stdout). */
  stream?: DestinationStream;
  /** Why the format is not the one asked for, to be logged once. */
  note?: string;
}

/**
 * The log output for `config` on this terminal (or not): JSON, or pretty lines formatted and
 * written synchronously (so that the last lines before an exit are not lost).
 */
export function resolveLogOutput(
  config: Pick<HubConfig, 'logFormat'>,
  stdoutIsTerminal: boolean,
  loadPretty: () => PrettyFactory | undefined = loadPrettyFactory,
  write: (text: string) => void = stdoutWriter(),
): LogOutput {
  const format = chooseLogFormat(config.logFormat, stdoutIsTerminal);
  if (format === 'json') return { format };
  const prettyFactory = loadPretty();
  if (!prettyFactory)
    return {
      format: 'json',
      ...(config.logFormat === 'pretty' && {
        note: 'LOG_FORMAT=pretty, but pino-pretty (a devDependency) is not installed: logging JSON',
      }),
    };
  const prettify = prettyFactory({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}{context}: {end}{msg}',
  });
  return { format, stream: { write: (line: string) => write(prettify(line)) } };
}

/** Synchronous writes to stdout, as pino's own JSON destination does. */
function stdoutWriter(): (text: string) => void {
  let stdout: ReturnType<typeof pino.destination> | undefined;
  return (text) => void (stdout ??= pino.destination({ dest: 1, sync: true })).write(text);
}

let shared: LogOutput | undefined;
let noted = false;

/**
 * The log output of this process, made once: its own logger, Nest's and the request logger
 * (three pino instances) write through the same one.
 */
export function logOutput(config: Pick<HubConfig, 'logFormat'>): LogOutput {
  return (shared ??= resolveLogOutput(config, Boolean(process.stdout.isTTY)));
}

/** pino's options for a hub process's loggers (its own, Nest's, the request logger's). */
export function loggerOptions(config: Pick<HubConfig, 'logLevel'>, name?: string): LoggerOptions {
  return {
    level: config.logLevel,
    ...(name !== undefined && { name }),
    hooks: { logMethod: startUpChatterAtDebug },
  };
}

/** The logger of a process's entry point (main.ts): start line, shutdown steps, fatal errors. */
export function createProcessLogger(
  config: Pick<HubConfig, 'logLevel' | 'logFormat'>,
  name: string,
): Logger {
  const output = logOutput(config);
  const options = loggerOptions(config, name);
  const log = output.stream ? pino(options, output.stream) : pino(options);
  if (output.note && !noted) {
    noted = true;
    log.warn(output.note);
  }
  return log;
}
