/** DOMAIN.md section 2's facts, as three annual filings (financials of each year flattened into the body). */
const common = {
  employees: 120,
  techStaff: 30,
  totalAssets: 80_000_000,
  totalLiabilities: 30_000_000,
  totalCosts: 40_000_000,
  ip: { classI: 0, classII: 3 },
  supportedField: true,
  declarations: {
    majorViolation: false,
    restrictedIndustry: false,
    dishonestyList: false,
    superDeductionExcluded: false,
  },
  directQualifications: [],
};

export const EXAMPLE_FILINGS: Record<number, Record<string, unknown>> = {
  2023: { ...common, revenue: 30_000_000, rdExpense: 1_500_000, domesticRdExpense: 1_500_000, netAssets: 20_000_000 },
  2024: { ...common, revenue: 36_000_000, rdExpense: 1_800_000, domesticRdExpense: 1_700_000, netAssets: 24_000_000 },
  2025: {
    ...common,
    revenue: 42_000_000,
    rdExpense: 2_200_000,
    domesticRdExpense: 2_000_000,
    netAssets: 29_000_000,
    totalIncome: 43_000_000,
    highTechRevenue: 30_000_000,
    mainBusinessRevenue: 41_000_000,
    innovation: { ip: 18, conversion: 19, rdManagement: 14 },
  },
};

export const EXAMPLE_FACTS = {
  asOf: '2026-06-30',
  registeredOn: '2019-04-01',
  employees: 120,
  techStaff: 30,
  totalAssets: 80_000_000,
  totalLiabilities: 30_000_000,
  totalCosts: 40_000_000,
  financials: [
    { year: 2023, revenue: 30_000_000, rdExpense: 1_500_000, domesticRdExpense: 1_500_000, netAssets: 20_000_000 },
    { year: 2024, revenue: 36_000_000, rdExpense: 1_800_000, domesticRdExpense: 1_700_000, netAssets: 24_000_000 },
    {
      year: 2025,
      revenue: 42_000_000,
      rdExpense: 2_200_000,
      domesticRdExpense: 2_000_000,
      netAssets: 29_000_000,
      totalIncome: 43_000_000,
      highTechRevenue: 30_000_000,
      mainBusinessRevenue: 41_000_000,
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
