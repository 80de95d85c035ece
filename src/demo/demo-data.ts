import { makeUscc } from '../enterprises/uscc';

/** Seeded PRNG (mulberry32): the same seed gives the same district every time. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof prng>;

/** Demo enterprises carry this administrative division in their USCC (unused in reality), so they can be told apart. */
export const DEMO_USCC_PREFIX = '91350299';
export const DEMO_PASSWORD = 'Demo-2026-cultivation';
export const DEMO_DISTRICTS = ['思明区', '湖里区', '集美区', '海沧区', '同安区', '翔安区'] as const;

const CITY = ['鹭岛', '海峡', '东南', '闽南', '嘉禾', '筼筜', '五缘', '环岛', '鼓浪', '金砖'];
const CORE = [
  '智芯',
  '云图',
  '星河',
  '量子',
  '微纳',
  '光谷',
  '数联',
  '恒信',
  '中科',
  '天择',
  '瑞达',
  '海创',
  '华芯',
  '博远',
  '联创',
  '新材',
];
const FIELD = ['电子', '软件', '生物医药', '新材料', '智能装备', '新能源', '信息技术', '环保', '精密制造', '医疗器械'];
const INDUSTRY = [
  '软件和信息技术服务业',
  '计算机、通信和其他电子设备制造业',
  '医药制造业',
  '专用设备制造业',
  '化学原料和化学制品制造业',
  '研究和试验发展',
];

export function enterpriseProfile(rng: Rng, index: number) {
  const seed17 = `${DEMO_USCC_PREFIX}${String(100000000 + index).slice(-9)}`;
  const name = `${rng.pick(CITY)}${rng.pick(CORE)}${rng.pick(FIELD)}${rng.pick(['科技', '技术', '股份'])}有限公司`;
  return {
    uscc: makeUscc(seed17),
    name: `${name}${index}`,
    district: rng.pick(DEMO_DISTRICTS),
    registeredOn: `${rng.int(2008, 2024)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
    industry: rng.pick(INDUSTRY),
    address: `厦门市${rng.pick(['软件园三期', '火炬高新区', '科技创新园', '生物医药港', '同翔高新城'])}${rng.int(1, 300)}号`,
    contact: {
      name: rng.pick(['陈', '林', '黄', '张', '吴', '王', '郑', '李']) + rng.pick(['经理', '总监', '主管']),
      phone: `0592-${rng.int(2000000, 8999999)}`,
    },
  };
}

/**
 * Three years of indicators with a character drawn per enterprise: seed stock, solid tech SMEs, high-tech material,
 * and a few large leaders, so every colour and tier shows up.
 */
export function indicatorYears(rng: Rng) {
  const kind = rng.next();
  const scale = kind < 0.35 ? 1 : kind < 0.75 ? 4 : kind < 0.97 ? 12 : 60;
  const employees = Math.max(5, Math.round(scale * rng.int(8, 40)));
  const techShare = kind < 0.35 ? rng.int(3, 18) : rng.int(12, 45);
  const baseRevenue = scale * rng.int(1_500_000, 6_000_000);
  const growth = 1 + rng.int(-5, 35) / 100;
  const rdRatio = kind < 0.35 ? rng.int(1, 4) / 100 : rng.int(3, 9) / 100;
  const years: Record<number, Record<string, unknown>> = {};
  let revenue = baseRevenue;
  let netAssets = Math.round(baseRevenue * 0.6);
  for (const year of [2023, 2024, 2025]) {
    const rd = Math.round(revenue * rdRatio);
    const totalAssets = Math.round(revenue * (1.2 + rng.next()));
    years[year] = {
      employees,
      techStaff: Math.min(employees, Math.round((employees * techShare) / 100)),
      totalAssets,
      totalLiabilities: Math.round((totalAssets * rng.int(20, 70)) / 100),
      totalCosts: Math.round(revenue * 0.8),
      revenue,
      rdExpense: rd,
      domesticRdExpense: Math.round((rd * rng.int(70, 100)) / 100),
      netAssets,
      totalIncome: Math.round(revenue * 1.02),
      highTechRevenue: Math.round((revenue * rng.int(40, 90)) / 100),
      mainBusinessRevenue: Math.round((revenue * rng.int(85, 99)) / 100),
      ip: { classI: kind > 0.75 ? rng.int(1, 8) : rng.int(0, 1), classII: rng.int(0, 12) },
      supportedField: rng.chance(0.85),
      ...(kind > 0.35
        ? { innovation: { ip: rng.int(12, 28), conversion: rng.int(12, 28), rdManagement: rng.int(10, 19) } }
        : {}),
      declarations: {
        majorViolation: false,
        restrictedIndustry: false,
        dishonestyList: false,
        superDeductionExcluded: rng.chance(0.03),
      },
      directQualifications: [],
    };
    revenue = Math.round(revenue * growth);
    netAssets = Math.round(netAssets * (growth + 0.02));
  }
  return { years, kind };
}
