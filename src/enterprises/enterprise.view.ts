import type { EnterpriseEntity } from './enterprise.entity';

export function toEnterpriseView(e: EnterpriseEntity) {
  return {
    id: e.id,
    uscc: e.uscc,
    name: e.name,
    district: e.district,
    registeredOn: e.registeredOn,
    industry: e.industry,
    address: e.address,
    contact: e.contact,
    tier: e.state,
    colour: e.colour,
    techSmeScore: e.techSmeScore,
    gapCount: e.gapCount,
    caseworkerId: e.caseworkerId ?? null,
    version: e.version,
    createdAt: new Date(e.createdAt).toISOString(),
    updatedAt: new Date(e.updatedAt).toISOString(),
  };
}

export type EnterpriseView = ReturnType<typeof toEnterpriseView>;
