import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { validationErrorsToFields, type FieldError } from '../../common/field-errors';
import { evaluateCn2026 } from '../rules/cn-2026';
import { domainExampleFacts } from '../rules/cn-2026/example-facts';
import { GradingFactsDto, toGradingFacts } from './grading-facts.dto';

type Body = Record<string, any>;

/** The DOMAIN.md section 2 body as a client sends it. */
const body = (): Body => JSON.parse(JSON.stringify(domainExampleFacts()));

async function errors(input: Body): Promise<FieldError[]> {
  const dto = plainToInstance(GradingFactsDto, input);
  return validationErrorsToFields(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
}
const fields = async (input: Body) => [...new Set((await errors(input)).map((e) => e.field))].sort();

describe('GradingFactsDto', () => {
  it('accepts the DOMAIN.md section 2 body', async () => {
    expect(await errors(body())).toEqual([]);
  });

  it('accepts a minimal body: defaults are optional, null certificate allowed', async () => {
    const b = body();
    for (const k of [
      'asOf',
      'totalLiabilities',
      'totalCosts',
      'supportedField',
      'innovation',
      'declarations',
      'directQualifications',
    ])
      delete b[k];
    b.highTechCertificate = null;
    expect(await errors(b)).toEqual([]);
  });

  it('rejects an unknown field, at the top and nested', async () => {
    expect(await errors({ ...body(), uscc: '91440101MA5XXXXX1X' })).toEqual([
      { field: 'uscc', reason: 'property uscc should not exist' },
    ]);
    const b = body();
    b.financials[0].profit = 1;
    expect(await fields(b)).toEqual(['financials.0.profit']);
  });

  it('rejects negative and non-integer money naming the exact entry', async () => {
    const b = body();
    b.financials[1].revenue = -1;
    b.totalAssets = 1.5;
    expect(await errors(b)).toEqual([
      { field: 'totalAssets', reason: 'totalAssets must be an integer number' },
      { field: 'financials.1.revenue', reason: 'revenue must not be less than 0' },
    ]);
  });

  it('rejects money past Number.MAX_SAFE_INTEGER and money sent as a string', async () => {
    const b = body();
    b.totalCosts = 2 ** 53;
    b.totalLiabilities = '100';
    expect(await fields(b)).toEqual(['totalCosts', 'totalLiabilities']);
  });

  it('rejects techStaff > employees on techStaff, and accepts equality', async () => {
    expect(await errors({ ...body(), techStaff: 121 })).toEqual([
      { field: 'techStaff', reason: 'techStaff must not be greater than employees' },
    ]);
    expect(await errors({ ...body(), techStaff: 120 })).toEqual([]);
  });

  it('rejects domestic R&D above all R&D on that entry', async () => {
    const b = body();
    b.financials[2].domesticRdExpense = 2200001;
    expect(await errors(b)).toEqual([
      { field: 'financials.2.domesticRdExpense', reason: 'domesticRdExpense must not be greater than rdExpense' },
    ]);
  });

  it('rejects registeredOn after asOf on registeredOn, and accepts the same day', async () => {
    expect(await errors({ ...body(), registeredOn: '2026-07-01' })).toEqual([
      { field: 'registeredOn', reason: 'registeredOn must not be after asOf' },
    ]);
    expect(await errors({ ...body(), registeredOn: '2026-06-30' })).toEqual([]);
  });

  it('compares registeredOn with today when asOf is absent', async () => {
    const b = body();
    delete b.asOf;
    b.registeredOn = '2999-01-01';
    expect(await fields(b)).toEqual(['registeredOn']);
  });

  it('rejects duplicate years on financials', async () => {
    const b = body();
    b.financials[0].year = 2025;
    expect(await errors(b)).toEqual([{ field: 'financials', reason: 'financials must not repeat a year' }]);
  });

  it('rejects four years and zero years', async () => {
    const b = body();
    b.financials.push({ ...b.financials[0], year: 2022 });
    expect(await errors(b)).toEqual([
      { field: 'financials', reason: 'financials must contain no more than 3 elements' },
    ]);
    expect(await errors({ ...body(), financials: [] })).toEqual([
      { field: 'financials', reason: 'financials must contain at least 1 elements' },
    ]);
  });

  it('rejects dates that do not exist or are not YYYY-MM-DD', async () => {
    const b = { ...body(), asOf: '2026-02-30', highTechCertificate: { issuedOn: '2023/11/15' } };
    expect(await errors(b)).toEqual([
      { field: 'asOf', reason: 'asOf must be a real date in YYYY-MM-DD form' },
      { field: 'highTechCertificate.issuedOn', reason: 'issuedOn must be a real date in YYYY-MM-DD form' },
    ]);
    expect(await fields({ ...body(), asOf: '2025-02-29' })).toEqual(['asOf']);
    expect(await errors({ ...body(), asOf: '2024-02-29' })).toEqual([]);
  });

  it('rejects a direct qualification outside the enum', async () => {
    const found = await errors({ ...body(), directQualifications: ['led_standard', 'gazelle'] });
    expect(found.map((e) => e.field)).toEqual(['directQualifications']);
    expect(found[0].reason).toContain('national_award_top3, provincial_rd_institution, led_standard');
  });

  it('bounds the innovation parts (0..30, 0..30, 0..20) and requires integers', async () => {
    expect(await fields({ ...body(), innovation: { ip: 31, conversion: -1, rdManagement: 21 } })).toEqual([
      'innovation.conversion',
      'innovation.ip',
      'innovation.rdManagement',
    ]);
    expect(await fields({ ...body(), innovation: { ip: 30, conversion: 30, rdManagement: 19.5 } })).toEqual([
      'innovation.rdManagement',
    ]);
    expect(await errors({ ...body(), innovation: { ip: 30, conversion: 30, rdManagement: 20 } })).toEqual([]);
  });

  it('names missing required fields and bad nested objects', async () => {
    const b = body();
    delete b.registeredOn;
    delete b.ip;
    b.declarations = { majorViolation: 'no' };
    expect(await fields(b)).toEqual(['declarations.majorViolation', 'ip', 'registeredOn']);
  });

  it('reports odd shapes as field errors instead of throwing', async () => {
    expect(await fields({ ...body(), financials: [null] })).toEqual(['financials.0']);
    expect(await fields({ ...body(), financials: 'x' })).toContain('financials');
    expect(await fields({ ...body(), ip: 5, highTechCertificate: 'yes', innovation: [] })).toEqual([
      'highTechCertificate',
      'innovation',
      'ip',
    ]);
  });

  it('rejects negative counts', async () => {
    expect(await fields({ ...body(), employees: -1, techStaff: -2, ip: { classI: -1, classII: 0 } })).toEqual([
      'employees',
      'ip.classI',
      'techStaff',
    ]);
  });
});

describe('toGradingFacts', () => {
  it('applies the DOMAIN.md section 2 defaults', () => {
    const b = body();
    for (const k of [
      'asOf',
      'declarations',
      'directQualifications',
      'highTechCertificate',
      'innovation',
      'supportedField',
    ])
      delete b[k];
    const facts = toGradingFacts(plainToInstance(GradingFactsDto, b), '2026-03-01');
    expect(facts.asOf).toBe('2026-03-01');
    expect(facts.declarations).toEqual({
      majorViolation: false,
      restrictedIndustry: false,
      dishonestyList: false,
      superDeductionExcluded: false,
    });
    expect(facts.directQualifications).toEqual([]);
    expect(facts.highTechCertificate).toBeNull();
    expect('innovation' in facts).toBe(false);
    expect('supportedField' in facts).toBe(false);
  });

  it('keeps given values, fills partial declarations and yields the worked example', () => {
    const b = body();
    b.declarations = { dishonestyList: true };
    const facts = toGradingFacts(plainToInstance(GradingFactsDto, b), '2000-01-01');
    expect(facts.asOf).toBe('2026-06-30');
    expect(facts.declarations.dishonestyList).toBe(true);
    expect(facts.declarations.majorViolation).toBe(false);
    const exact = toGradingFacts(plainToInstance(GradingFactsDto, body()), '2000-01-01');
    expect(exact).toEqual(domainExampleFacts());
    expect(evaluateCn2026(exact).techSme.score).toBe(74);
  });

  it('treats a JSON null on an optional field as not given', () => {
    const b: Body = { ...body(), totalCosts: null, supportedField: null };
    b.financials[2].highTechRevenue = null;
    const facts = toGradingFacts(plainToInstance(GradingFactsDto, b), '2026-01-01');
    expect('totalCosts' in facts).toBe(false);
    expect('supportedField' in facts).toBe(false);
    expect('highTechRevenue' in facts.financials[2]).toBe(false);
  });
});
