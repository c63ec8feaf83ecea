import pino from 'pino';
import {
  chooseLogFormat,
  loggerOptions,
  resolveLogOutput,
  startUpChatterAtDebug,
} from './log-output';

/** A pino logger at `level` writing JSON lines into the returned array. */
function capture(level: pino.LevelWithSilent) {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level, hooks: { logMethod: startUpChatterAtDebug } },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, lines };
}

describe('chooseLogFormat', () => {
  it('is pretty on a terminal and JSON for a pipe, unless LOG_FORMAT says', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });
});

describe("Nest's start-up lines", () => {
  // As nestjs-pino passes them: the context first, then the message.
  const routeMapped = [{ context: 'RouterExplorer' }, 'Mapped {/v1/persons, GET} route'] as const;

  it('are left out at info, so that the start line stands out', () => {
    const { log, lines } = capture('info');
    log.info(...routeMapped);
    log.info({ context: 'InstanceLoader' }, 'ApiModule dependencies initialized');
    log.info('hub ready: staff page http://127.0.0.1:3000/');
    expect(lines.map((l) => l.msg)).toEqual(['hub ready: staff page http://127.0.0.1:3000/']);
  });

  it('are written at debug', () => {
    const { log, lines } = capture('debug');
    log.info(...routeMapped);
    expect(lines).toEqual([
      expect.objectContaining({ level: 20, context: 'RouterExplorer', msg: routeMapped[1] }),
    ]);
  });

  it('leave warnings and other contexts at their level', () => {
    const { log, lines } = capture('info');
    log.warn({ context: 'RouterExplorer' }, 'something odd');
    log.info({ context: 'ChangeRelay' }, 'lease taken');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'something odd'],
      [30, 'lease taken'],
    ]);
  });
});

describe('resolveLogOutput', () => {
  it('writes pretty lines through pino-pretty: time, level, name, context and message', () => {
    const written: string[] = [];
    const output = resolveLogOutput({ logFormat: 'pretty' }, false, undefined, (t) =>
      written.push(t),
    );
    expect(output.format).toBe('pretty');
    const log = pino({ ...loggerOptions({ logLevel: 'info' }, 'api') }, output.stream);
    log.info({ context: 'ChangeRelay' }, 'lease taken');
    // Colours only where the terminal has them; the text is the same.
    // eslint-disable-next-line no-control-regex
    const line = written.join('').replace(/\u001b\[[0-9;]*m/g, '');
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(api\): ChangeRelay: lease taken\n$/);
  });

  it('stays JSON where pino-pretty is not installed, saying so when pretty was asked for', () => {
    const missing = () => undefined;
    expect(resolveLogOutput({ logFormat: 'pretty' }, true, missing)).toEqual({
      format: 'json',
      note: expect.stringMatching(/pino-pretty .* not installed/),
    });
    expect(resolveLogOutput({}, true, missing)).toEqual({ format: 'json' });
  });

  it("is JSON (pino's own destination) for a pipe", () => {
    expect(resolveLogOutput({}, false)).toEqual({ format: 'json' });
  });
});
