/** Latency figures from a list of samples in milliseconds. */
export function summarize(samples: number[]): { n: number; p50: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { n: s.length, p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Time `fn` `n` times after `warm` warm-up calls. */
export async function sample(n: number, warm: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // A turn of the event loop between samples, as between two chat messages that arrive over the network:
    // work the app queues for after a message (the WAL checkpoint) runs here, outside the timed part.
    await new Promise((r) => setImmediate(r));
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

export const fmt = (x: number, digits = 2) => x.toFixed(digits);
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
