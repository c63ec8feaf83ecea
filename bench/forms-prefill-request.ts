/**
 * autocannon's setupRequest for `npm run bench:forms` (see forms-http.ts), loaded in its worker
 * thread (which inherits ts-node from the bench's Node flags): each request the prefill body of
 * a random sample resident, from the JSON list of bodies in the file BENCH_FORMS_BODIES names.
 */
import { readFileSync } from 'node:fs';

const bodies = JSON.parse(readFileSync(process.env.BENCH_FORMS_BODIES!, 'utf8')) as string[];

export = (request: { body?: string }): { body?: string } => {
  request.body = bodies[Math.floor(Math.random() * bodies.length)];
  return request;
};
