import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

export interface DiscoveredMethod<K> {
  key: K;
  instance: object;
  /** `Class.method`: stable across processes of one release (outbox deliveries are recorded under it). */
  name: string;
  method: (...args: any[]) => unknown;
}

/** Every provider method carrying `metadataKey`, bound to its instance (job handlers, outbox subscribers). */
export function discoverMethods<K>(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
  metadataKey: string,
): DiscoveredMethod<K>[] {
  const found: DiscoveredMethod<K>[] = [];
  for (const wrapper of discovery.getProviders()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
    const prototype = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(prototype)) {
      const key = reflector.get<K>(metadataKey, prototype[name]);
      if (key === undefined) continue;
      found.push({
        key,
        instance,
        name: `${prototype.constructor.name}.${name}`,
        method: (instance[name] as (...args: any[]) => unknown).bind(instance),
      });
    }
  }
  return found;
}
