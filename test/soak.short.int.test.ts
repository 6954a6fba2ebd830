import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { repoRoot } from './harness/processes';

// The soak at CI size: one measured minute after a 30 s warm-up (`npm run soak -- --minutes 10`
// is the full one). The script exits non-zero on ≥ 10 % live-heap growth or any error; the table
// is echoed so the figures show in the test output.
it('a one-minute soak keeps the live heap flat and makes no errors', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/soak.ts', '--minutes', '1', '--no-write'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const report = output.slice(output.indexOf("1 minute of the load tool's"));
  console.log(report);

  const growth = [...report.matchAll(/^\| ([\w ]+?) live heap \| .* \| \*\*(-?[\d.]+) %\*\* \|$/gm)];
  expect(growth.map((m) => m[1])).toEqual(['gateway', 'chat worker', 'writer']);
  for (const [, , pct] of growth) expect(Number(pct)).toBeLessThan(10);
  const [, iterations, errors] = /(\d+) iterations, (\d+) errors/.exec(report) ?? [];
  expect(Number(iterations)).toBeGreaterThan(100);
  expect(Number(errors)).toBe(0);
  expect(code, output.slice(-4000)).toBe(0);
}, 240_000);
