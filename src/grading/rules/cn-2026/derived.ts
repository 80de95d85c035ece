/**
 * Values every rule module reads, computed once per evaluation (speed: the benchmark target is 100,000 evaluations
 * a second, so the latest year, the sums and the certificate's validity are not recomputed by each rule).
 */
import { addYearsDayNumber, toDayNumber } from '../dates';
import { addExact, type Int } from '../ratio';
import type { EvaluationContext, FinancialYear, GradingFacts, HighTechCertificate } from '../types';
import { CERTIFICATE_VALIDITY_YEARS } from './params';

export interface Derived {
  /** The largest `year`. */
  latest: FinancialYear;
  /** The years `latest - 1` and `latest - 2`, when given. */
  prev: FinancialYear | undefined;
  prev2: FinancialYear | undefined;
  /** Number of years given (1 to 3). */
  yearCount: number;
  /** Sums over every year given (HTE art. 11(5) reads "the years given, up to three"). */
  sumRevenue: Int;
  sumRd: Int;
  sumDomesticRd: Int;
  /** A high-tech certificate valid at asOf (HTE art. 9). */
  holdsCertificate: boolean;
  /**
   * Holds high-tech status: a valid certificate, or a stored enterprise whose tier is high_tech or leader (the tier
   * lifecycle has already established the certificate, even when the facts carry no certificate record).
   */
  holdsHighTech: boolean;
}

/** Valid when issuedOn <= asOf < issuedOn + years (HTE art. 9: three years from the date of issue). */
export function certificateValidAt(cert: HighTechCertificate | null, asOf: string, years: number): boolean {
  if (!cert) return false;
  const asOfDay = toDayNumber(asOf);
  return toDayNumber(cert.issuedOn) <= asOfDay && asOfDay < addYearsDayNumber(cert.issuedOn, years);
}

/** High-tech status held on `asOf`: a valid certificate, or the tier high_tech or leader (`Derived.holdsHighTech`). */
export function holdsHighTechStatus(
  cert: HighTechCertificate | null,
  asOf: string,
  context?: EvaluationContext,
): { holdsCertificate: boolean; holdsHighTech: boolean } {
  const holdsCertificate = certificateValidAt(cert, asOf, CERTIFICATE_VALIDITY_YEARS);
  const tier = context?.tier;
  return { holdsCertificate, holdsHighTech: holdsCertificate || tier === 'high_tech' || tier === 'leader' };
}

export function derive(facts: GradingFacts, context?: EvaluationContext): Derived {
  const fin = facts.financials;
  // Precondition, not a business outcome: the DTO requires 1 to 3 years, and a stored enterprise is graded only once
  // it has filed annual indicators.
  if (fin.length === 0) throw new RangeError('grading needs at least one accounting year in financials');
  let latest = fin[0];
  for (let i = 1; i < fin.length; i++) if (fin[i].year > latest.year) latest = fin[i];
  let prev: FinancialYear | undefined;
  let prev2: FinancialYear | undefined;
  let sumRevenue: Int = 0;
  let sumRd: Int = 0;
  let sumDomesticRd: Int = 0;
  for (let i = 0; i < fin.length; i++) {
    const f = fin[i];
    if (f.year === latest.year - 1) prev = f;
    else if (f.year === latest.year - 2) prev2 = f;
    sumRevenue = addExact(sumRevenue, f.revenue);
    sumRd = addExact(sumRd, f.rdExpense);
    sumDomesticRd = addExact(sumDomesticRd, f.domesticRdExpense);
  }
  const { holdsCertificate, holdsHighTech } = holdsHighTechStatus(facts.highTechCertificate, facts.asOf, context);
  return {
    latest,
    prev,
    prev2,
    yearCount: fin.length,
    sumRevenue,
    sumRd,
    sumDomesticRd,
    holdsCertificate,
    holdsHighTech,
  };
}
