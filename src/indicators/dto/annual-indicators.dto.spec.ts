import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { validationErrorsToFields, type FieldError } from '../../common/field-errors';
import { AnnualIndicatorsDto } from './annual-indicators.dto';

type Body = Record<string, any>;

/** The 2025 indicators of the DOMAIN.md section 2 enterprise, flattened as `PUT .../indicators/2025` takes them. */
const body = (): Body => ({
  employees: 120,
  techStaff: 30,
  totalAssets: 80000000,
  totalLiabilities: 30000000,
  totalCosts: 40000000,
  revenue: 42000000,
  rdExpense: 2200000,
  domesticRdExpense: 2000000,
  netAssets: 29000000,
  totalIncome: 43000000,
  highTechRevenue: 30000000,
  mainBusinessRevenue: 41000000,
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
});

async function errors(input: Body): Promise<FieldError[]> {
  const dto = plainToInstance(AnnualIndicatorsDto, input);
  return validationErrorsToFields(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
}
const fields = async (input: Body) => [...new Set((await errors(input)).map((e) => e.field))].sort();

describe('AnnualIndicatorsDto', () => {
  it('accepts a full year, and one without the optional fields', async () => {
    expect(await errors(body())).toEqual([]);
    const b = body();
    for (const k of ['totalIncome', 'highTechRevenue', 'mainBusinessRevenue', 'innovation']) delete b[k];
    expect(await errors(b)).toEqual([]);
  });

  it('requires the fields the grading body may leave out', async () => {
    const b = body();
    for (const k of ['totalLiabilities', 'totalCosts', 'supportedField', 'declarations', 'directQualifications'])
      delete b[k];
    expect(await fields(b)).toEqual([
      'declarations',
      'directQualifications',
      'supportedField',
      'totalCosts',
      'totalLiabilities',
    ]);
  });

  it('rejects an unknown field (the year belongs to the path) and nested unknown fields', async () => {
    expect(await errors({ ...body(), year: 2025 })).toEqual([
      { field: 'year', reason: 'property year should not exist' },
    ]);
    expect(await fields({ ...body(), ip: { classI: 0, classII: 3, trademarks: 9 } })).toEqual(['ip.trademarks']);
  });

  it('rejects negative, fractional and unsafe money', async () => {
    expect(await errors({ ...body(), revenue: -5, netAssets: 10.5, totalCosts: Number.MAX_SAFE_INTEGER + 2 })).toEqual([
      { field: 'totalCosts', reason: `totalCosts must not be greater than ${Number.MAX_SAFE_INTEGER}` },
      { field: 'revenue', reason: 'revenue must not be less than 0' },
      { field: 'netAssets', reason: 'netAssets must be an integer number' },
    ]);
  });

  it('rejects techStaff > employees and domestic R&D above R&D, on the smaller field', async () => {
    expect(await errors({ ...body(), techStaff: 121, domesticRdExpense: 2200001 })).toEqual([
      { field: 'techStaff', reason: 'techStaff must not be greater than employees' },
      { field: 'domesticRdExpense', reason: 'domesticRdExpense must not be greater than rdExpense' },
    ]);
    expect(await errors({ ...body(), techStaff: 120, domesticRdExpense: 2200000 })).toEqual([]);
  });

  it('does not require highTechRevenue <= totalIncome or revenue', async () => {
    expect(await errors({ ...body(), highTechRevenue: 50000000 })).toEqual([]);
  });

  it('rejects a bad direct qualification and out-of-range innovation parts', async () => {
    expect(
      await fields({
        ...body(),
        directQualifications: ['unicorn'],
        innovation: { ip: 18, conversion: 31, rdManagement: 14 },
      }),
    ).toEqual(['directQualifications', 'innovation.conversion']);
  });
});
