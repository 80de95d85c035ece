/**
 * Body of `POST /api/grading/evaluate` (DOMAIN.md section 2). Every property carries a decorator because the global
 * ValidationPipe rejects unknown fields (whitelist + forbidNonWhitelisted): a bad input is a 400 naming the field,
 * never a 500. Only class-validator and class-transformer here; the engine types come from the pure rules.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  buildMessage,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { isValidIsoDate } from '../rules/dates';
import { DIRECT_QUALIFICATIONS, type DirectQualification, type FinancialYear, type GradingFacts } from '../rules/types';

// ---- Reusable decorators (also used by AnnualIndicatorsDto) ----

/** Whole yuan: a non-negative integer that stays exact in a JSON number (≤ Number.MAX_SAFE_INTEGER). */
export function IsMoney(): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(0)(target, key);
    Max(Number.MAX_SAFE_INTEGER)(target, key);
  };
}

/** A head count: a non-negative integer. */
export function IsCount(): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(0)(target, key);
  };
}

/** A real calendar date in `YYYY-MM-DD` form (2026-02-30 is rejected). */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDate',
      validator: {
        validate: (value) => isValidIsoDate(value),
        defaultMessage: buildMessage((each) => `${each}$property must be a real date in YYYY-MM-DD form`, options),
      },
    },
    options,
  );
}

/**
 * This number is at most the sibling property `other` (techStaff <= employees). Checked only when both are numbers:
 * a missing or mistyped sibling already has its own error.
 */
export function IsNotGreaterThan(other: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotGreaterThan',
      constraints: [other],
      validator: {
        validate: (value, args?: ValidationArguments) => {
          const limit = (args?.object as Record<string, unknown>)[other];
          return typeof value !== 'number' || typeof limit !== 'number' || value <= limit;
        },
        defaultMessage: buildMessage((each) => `${each}$property must not be greater than ${other}`, options),
      },
    },
    options,
  );
}

/** Today in China (UTC+8), the default `asOf` when the body leaves it out. */
export function chinaToday(now: number = Date.now()): string {
  return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/** This date is not after the sibling date `other`, or not after today in China when `other` is absent. */
export function IsNotAfterDate(other: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotAfterDate',
      constraints: [other],
      validator: {
        validate: (value, args?: ValidationArguments) => {
          const limit = (args?.object as Record<string, unknown>)[other] ?? chinaToday();
          // ISO dates order as strings; an invalid date has its own error.
          return !isValidIsoDate(value) || !isValidIsoDate(limit) || value <= limit;
        },
        defaultMessage: buildMessage((each) => `${each}$property must not be after ${other}`, options),
      },
    },
    options,
  );
}

/** Each entry's `year` appears once (DOMAIN.md section 2: duplicate years are a 400 on `financials`). */
export function HasUniqueYears(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasUniqueYears',
      validator: {
        validate: (value) => {
          if (!Array.isArray(value)) return true;
          const years = value.map((e) => (e as { year?: unknown } | null)?.year).filter((y) => y !== undefined);
          return new Set(years).size === years.length;
        },
        defaultMessage: buildMessage((each) => `${each}$property must not repeat a year`, options),
      },
    },
    options,
  );
}

// ---- Nested DTOs ----

/** One accounting year. Money is whole yuan. */
export class FinancialYearDto {
  @IsInt()
  @Min(1900)
  @Max(2100)
  year: number;

  @IsMoney()
  revenue: number;

  @IsMoney()
  rdExpense: number;

  /** Domestic R&D is part of all R&D (HTE art. 11(5)), so it cannot exceed it. */
  @IsMoney()
  @IsNotGreaterThan('rdExpense')
  domesticRdExpense: number;

  /** Decision: non-negative like every money field (the brief's rule); 资不抵债 enterprises file 0. */
  @IsMoney()
  netAssets: number;

  @IsOptional()
  @IsMoney()
  totalIncome?: number;

  @IsOptional()
  @IsMoney()
  highTechRevenue?: number;

  @IsOptional()
  @IsMoney()
  mainBusinessRevenue?: number;
}

export class IpDto {
  /** Ⅰ类知识产权 count. */
  @IsCount()
  classI: number;

  /** Ⅱ类知识产权 count. */
  @IsCount()
  classII: number;
}

/** The assessed parts of the high-tech innovation score (HTE guideline): IP 0-30, conversion 0-30, R&D management 0-20. */
export class InnovationDto {
  @IsInt()
  @Min(0)
  @Max(30)
  ip: number;

  @IsInt()
  @Min(0)
  @Max(30)
  conversion: number;

  @IsInt()
  @Min(0)
  @Max(20)
  rdManagement: number;
}

/** Each declaration defaults to false when left out. */
export class DeclarationsDto {
  @IsOptional()
  @IsBoolean()
  majorViolation?: boolean;

  @IsOptional()
  @IsBoolean()
  restrictedIndustry?: boolean;

  @IsOptional()
  @IsBoolean()
  dishonestyList?: boolean;

  @IsOptional()
  @IsBoolean()
  superDeductionExcluded?: boolean;
}

export class HighTechCertificateDto {
  @IsIsoDate()
  issuedOn: string;
}

// ---- Body ----

export class GradingFactsDto {
  @IsOptional()
  @IsIsoDate()
  asOf?: string;

  @IsIsoDate()
  @IsNotAfterDate('asOf')
  registeredOn: string;

  @IsCount()
  employees: number;

  @IsCount()
  @IsNotGreaterThan('employees')
  techStaff: number;

  @IsMoney()
  totalAssets: number;

  @IsOptional()
  @IsMoney()
  totalLiabilities?: number;

  @IsOptional()
  @IsMoney()
  totalCosts?: number;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @HasUniqueYears()
  @ValidateNested({ each: true })
  @Type(() => FinancialYearDto)
  financials: FinancialYearDto[];

  @IsObject()
  @ValidateNested()
  @Type(() => IpDto)
  ip: IpDto;

  @IsOptional()
  @IsBoolean()
  supportedField?: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InnovationDto)
  innovation?: InnovationDto;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DeclarationsDto)
  declarations?: DeclarationsDto;

  @IsOptional()
  @IsArray()
  @IsIn(DIRECT_QUALIFICATIONS, { each: true })
  directQualifications?: DirectQualification[];

  /** `{ issuedOn }` or null (no certificate). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HighTechCertificateDto)
  highTechCertificate?: HighTechCertificateDto | null;
}

/** Declarations with the DOMAIN.md section 2 default: false when left out. */
export function toDeclarations(dto?: DeclarationsDto | null): GradingFacts['declarations'] {
  return {
    majorViolation: dto?.majorViolation ?? false,
    restrictedIndustry: dto?.restrictedIndustry ?? false,
    dishonestyList: dto?.dishonestyList ?? false,
    superDeductionExcluded: dto?.superDeductionExcluded ?? false,
  };
}

/** The engine's financial year from a validated entry; a JSON null on an optional field means "not given". */
export function toFinancialYear(f: Omit<FinancialYearDto, 'year'>, year: number): FinancialYear {
  const out: FinancialYear = {
    year,
    revenue: f.revenue,
    rdExpense: f.rdExpense,
    domesticRdExpense: f.domesticRdExpense,
    netAssets: f.netAssets,
  };
  if (f.totalIncome != null) out.totalIncome = f.totalIncome;
  if (f.highTechRevenue != null) out.highTechRevenue = f.highTechRevenue;
  if (f.mainBusinessRevenue != null) out.mainBusinessRevenue = f.mainBusinessRevenue;
  return out;
}

/**
 * The engine's facts from a validated body, with the defaults of DOMAIN.md section 2: asOf = today, declarations
 * false, no direct qualifications, no certificate. Plain objects only (no DTO instances reach the engine).
 */
export function toGradingFacts(dto: GradingFactsDto, today: string): GradingFacts {
  const facts: GradingFacts = {
    asOf: dto.asOf ?? today,
    registeredOn: dto.registeredOn,
    employees: dto.employees,
    techStaff: dto.techStaff,
    totalAssets: dto.totalAssets,
    financials: dto.financials.map((f) => toFinancialYear(f, f.year)),
    ip: { classI: dto.ip.classI, classII: dto.ip.classII },
    declarations: toDeclarations(dto.declarations),
    directQualifications: [...(dto.directQualifications ?? [])],
    highTechCertificate: dto.highTechCertificate ? { issuedOn: dto.highTechCertificate.issuedOn } : null,
  };
  if (dto.totalLiabilities != null) facts.totalLiabilities = dto.totalLiabilities;
  if (dto.totalCosts != null) facts.totalCosts = dto.totalCosts;
  if (dto.supportedField != null) facts.supportedField = dto.supportedField;
  if (dto.innovation) {
    const { ip, conversion, rdManagement } = dto.innovation;
    facts.innovation = { ip, conversion, rdManagement };
  }
  return facts;
}
