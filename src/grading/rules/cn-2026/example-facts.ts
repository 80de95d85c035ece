/** The facts of DOMAIN.md section 2, whose result is the worked example of section 7. For tests, docs and the bench. */
import type { GradingFacts } from '../types';

export function domainExampleFacts(): GradingFacts {
  return {
    asOf: '2026-06-30',
    registeredOn: '2019-04-01',
    employees: 120,
    techStaff: 30,
    totalAssets: 80000000,
    totalLiabilities: 30000000,
    totalCosts: 40000000,
    financials: [
      { year: 2023, revenue: 30000000, rdExpense: 1500000, domesticRdExpense: 1500000, netAssets: 20000000 },
      { year: 2024, revenue: 36000000, rdExpense: 1800000, domesticRdExpense: 1700000, netAssets: 24000000 },
      {
        year: 2025,
        revenue: 42000000,
        rdExpense: 2200000,
        domesticRdExpense: 2000000,
        netAssets: 29000000,
        totalIncome: 43000000,
        highTechRevenue: 30000000,
        mainBusinessRevenue: 41000000,
      },
    ],
    ip: { classI: 0, classII: 3 },
    supportedField: true,
    innovation: { ip: 18, conversion: 19, rdManagement: 14 },
    declarations: {
      majorViolation: false,
      restrictedIndustry: false,
      dishonestyList: false,
      superDeductionExcluded: false,
    },
    directQualifications: [],
    highTechCertificate: null,
  };
}
