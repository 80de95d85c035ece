import { domainExampleFacts } from '../../src/grading/rules/cn-2026/example-facts';

/** DOMAIN.md section 2's facts (the request body of POST /api/grading/evaluate), from the one copy in the rule set. */
export const EXAMPLE_FACTS = domainExampleFacts();

/** The same facts as three annual filings: each year's financials flattened into the indicators body. */
export const EXAMPLE_FILINGS: Record<number, Record<string, unknown>> = Object.fromEntries(
  EXAMPLE_FACTS.financials.map(({ year, ...financials }) => {
    const {
      asOf: _a,
      registeredOn: _r,
      financials: _f,
      highTechCertificate: _h,
      innovation,
      ...common
    } = EXAMPLE_FACTS;
    // Innovation self-assessment is filed with the latest year only, as in DOMAIN.md's example.
    return [year, { ...common, ...financials, ...(year === 2025 ? { innovation } : {}) }];
  }),
);
