/** Issue 3, goal 1: pure evaluation throughput on one core (bench/grading.bench.ts in fresh pinned processes). */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { spread } from '../common';
import type { GradingBenchResult } from '../grading.bench';
import type { Options } from '../options';
import { fmtSpread, lines, log, n, pass, Section } from '../report';

const GOAL = 100_000;
const EVALUATIONS = 200_000;

export async function gradingPhase(options: Options): Promise<Section> {
  const script = join(__dirname, '..', 'grading.bench.js');
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  const runs = Math.max(options.runs, options.quick ? 2 : 5);
  const results: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [cmd, args] = pinned ? ['taskset', ['-c', '1', process.execPath, script]] : [process.execPath, [script]];
    const out = execFileSync(cmd, args, { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!) as GradingBenchResult;
    results.push(result.opsPerSec);
    log(`grading run ${i + 1}/${runs}: ${n(result.opsPerSec)} evaluations/s`);
  }
  const ops = spread(results);
  const ok = ops.median >= GOAL;
  const { out, p } = lines();
  p('## Pure evaluation throughput (issue 3)');
  p();
  p(
    `\`bench/grading.bench.ts\`: ${n(EVALUATIONS)} evaluations (\`evaluateCn2026\` with the default region config) of 1,000`,
  );
  p('varied seeded fact sets (about 5 % near 10^15 yuan, which exercises the exact BigInt path) after 20,000 warm-up');
  p(
    `evaluations, each run in a fresh process${pinned ? ' pinned to one core with `taskset -c 1`' : ''}; ${runs} runs.`,
  );
  p();
  p(`- evaluations per second: ${fmtSpread(ops, 0)}; runs: ${results.map(n).join(', ')}`);
  p(`- goal ≥ ${n(GOAL)}/s: ${pass(ok)}`);
  p();
  return {
    summary: [
      {
        goal: 'pure evaluation throughput, one core',
        target: `≥ ${n(GOAL)} /s`,
        measured: `${fmtSpread(ops, 0)} evaluations/s`,
        ok,
      },
    ],
    lines: out,
  };
}
