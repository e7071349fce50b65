import { pino, type Logger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Keys that carry a customer id in log objects, at the top level or one level down. */
const CUSTOMER_KEYS = ['customerId', 'customer_id'];

/**
 * Structured JSON logs on stderr, so stdout stays for command output
 * (simulate, evaluate) and `tact serve | jq` never mixes the two. At info and
 * above, customer ids are redacted: they are personal data and operators do
 * not need them to run the service; debug logs may carry them.
 */
export function createLogger(level: LogLevel, destination: number = 2): Logger {
  const verbose = level === 'debug' || level === 'trace';
  return pino(
    {
      level,
      base: { service: 'tact' },
      ...(verbose ? {} : { redact: { paths: [...CUSTOMER_KEYS, ...CUSTOMER_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' } }),
    },
    pino.destination({ dest: destination, sync: false }),
  );
}
