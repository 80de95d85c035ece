/**
 * Grading throughput: 200,000 evaluations (default) of 1,000 varied seeded facts, after 20,000 warm-up evaluations;
 * prints {"name":"grading.evaluate","opsPerSec":…,"n":…}. Target: at least 100,000 evaluations a second on one core.
 * `npm run bench` runs this file as a child process pinned to one core (taskset) several times.
 * Alone: npm run build && node dist/bench/grading.bench.js [n]
 */
import { CN_2026_DEFAULT_CONFIG, evaluateCn2026 } from '../src/grading/rules/cn-2026';
import type { DirectQualification, GradingFacts } from '../src/grading/rules/types';
import { rng } from './common';

export function makeFacts(r: () => number): GradingFacts {
  const int = (max: number) => Math.floor(r() * (max + 1));
  const employees = 5 + int(700);
  const scale = r() < 0.05 ? 1e15 : 10 ** (6 + int(3)); // a few near 10^15 exercise the BigInt path
  const years = 1 + int(2);
  const financials = [];
  let revenue = Math.floor(scale * (0.5 + r()));
  let netAssets = Math.floor(scale * (0.2 + r()));
  for (let i = 0; i < years; i++) {
    const rdExpense = Math.floor(revenue * r() * 0.1);
    financials.push({
      year: 2025 - years + 1 + i,
      revenue,
      rdExpense,
      domesticRdExpense: Math.floor(rdExpense * (0.4 + 0.6 * r())),
      netAssets,
      ...(i === years - 1 && r() < 0.7
        ? { highTechRevenue: Math.floor(revenue * r()), mainBusinessRevenue: Math.floor(revenue * (0.7 + 0.3 * r())) }
        : {}),
    });
    revenue = Math.floor(revenue * (0.8 + 0.6 * r()));
    netAssets = Math.floor(netAssets * (0.8 + 0.6 * r()));
  }
  const direct: DirectQualification[] = r() < 0.05 ? ['led_standard'] : [];
  return {
    asOf: '2026-06-30',
    registeredOn: r() < 0.1 ? '2025-12-01' : '2019-04-01',
    employees,
    techStaff: int(employees),
    totalAssets: Math.floor(scale * (0.5 + 2 * r())),
    totalLiabilities: r() < 0.8 ? Math.floor(scale * r()) : undefined,
    totalCosts: r() < 0.7 ? Math.floor(scale * (0.3 + r())) : undefined,
    financials: financials.reverse(),
    ip: { classI: int(5), classII: int(6) },
    supportedField: r() < 0.1 ? undefined : r() < 0.8,
    innovation: r() < 0.2 ? undefined : { ip: int(30), conversion: int(30), rdManagement: int(20) },
    declarations: {
      majorViolation: r() < 0.03,
      restrictedIndustry: r() < 0.03,
      dishonestyList: r() < 0.02,
      superDeductionExcluded: r() < 0.03,
    },
    directQualifications: direct,
    highTechCertificate: r() < 0.25 ? { issuedOn: r() < 0.5 ? '2024-02-29' : '2022-11-15' } : null,
  };
}

export interface GradingBenchResult {
  name: 'grading.evaluate';
  opsPerSec: number;
  n: number;
}

/** Times n evaluations of the pure cn-2026 rule set on the calling thread. */
export function measureGrading(n = 200_000): GradingBenchResult {
  const r = rng(20260630);
  const pool = Array.from({ length: 1000 }, () => makeFacts(r));
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += evaluateCn2026(pool[i % pool.length], CN_2026_DEFAULT_CONFIG).gaps.length; // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += evaluateCn2026(pool[i % pool.length], CN_2026_DEFAULT_CONFIG).gaps.length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink); // keeps the results alive
  return { name: 'grading.evaluate', opsPerSec: Math.round(n / seconds), n };
}

if (require.main === module) console.log(JSON.stringify(measureGrading(Number(process.argv[2]) || 200_000)));
